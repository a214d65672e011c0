import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRegisters, encodeRegisters, estimateCount, mergeRegisters } from '../../sync/hllRegisters.ts';
import { liteCount, sketchOf } from './fixtures/hll.ts';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `S${from + i}`);

describe('hll registers', () => {
  it('round-trips a hyperloglog-lite sketch and estimates like the library', () => {
    const b64 = sketchOf(ids(0, 500));
    const regs = decodeRegisters(b64);
    assert.equal(regs.length, 4096);
    assert.equal(encodeRegisters(regs), b64);
    assert.equal(estimateCount(regs), liteCount(ids(0, 500)));
  });

  it('merging two doors equals one sketch over the union (register-wise max)', () => {
    const a = decodeRegisters(sketchOf(ids(0, 300)));
    const b = decodeRegisters(sketchOf(ids(200, 600)));
    const union = decodeRegisters(sketchOf(ids(0, 600)));
    assert.deepEqual(mergeRegisters(a, b), union);
    assert.deepEqual(mergeRegisters(b, a), union);
    assert.deepEqual(mergeRegisters(mergeRegisters(a, b), b), union, 'idempotent');
    const est = estimateCount(union);
    assert.ok(Math.abs(est - 600) / 600 < 0.05, `estimate ${est} within 5% of 600`);
  });

  it('merges sketches of different sizes by folding the larger one', () => {
    const small = decodeRegisters(sketchOf(ids(0, 100), 10));
    const large = decodeRegisters(sketchOf(ids(0, 100), 12));
    assert.deepEqual(mergeRegisters(small, large), small);
  });

  const bad: [string, string][] = [
    ['not base64', '!!!'],
    ['length not a power of two', Buffer.alloc(100).toString('base64')],
    ['too small', Buffer.alloc(8).toString('base64')],
    ['register above 64', Buffer.alloc(16, 65).toString('base64')],
  ];
  for (const [name, b64] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => decodeRegisters(b64), { code: 'HLL_INVALID' });
    });
  }
});
