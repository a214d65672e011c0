import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatch } from '../../sync/aggregator/parseBatch.ts';
import { SCHEMA_VERSION } from '../../sync/schema.ts';
import { event, invalid } from './fixtures/gatewayDb.ts';

const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);
const NOW = T0 + 6 * 3600_000;
const TOPIC = 'hallgate/v1/campus/gw-1/batch';
const T = { site: 'campus', gatewayId: 'gw-1', leaf: 'batch' as const };
const envelope = (over: Record<string, unknown> = {}) => ({
  schemaVersion: SCHEMA_VERSION,
  batchId: 'b-1',
  site: 'campus',
  gatewayId: 'gw-1',
  sentAt: T0,
  items: [
    { seq: 1, kind: 'event', createdAt: T0, payload: event({ eventId: 'e1' }) },
    { seq: 2, kind: 'invalid', createdAt: T0, payload: invalid({ eventId: 'i1' }) },
  ],
  ...over,
});
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** The pure reading of one batch payload (no broker, no store). */
describe('parseBatch', () => {
  const refusals: [string, Buffer, RegExp, boolean][] = [
    ['oversized', Buffer.alloc(2000, '{'), /^oversized: batch payload of 2000 bytes exceeds 1000$/, true],
    ['not JSON', Buffer.from('{nope'), /^malformed: batch is not JSON$/, false],
    ['another schema version', json(envelope({ schemaVersion: 99 })), /^unsupported schemaVersion 99/, true],
    ['no items array', json(envelope({ items: 'x' })), /^malformed batch: /, true],
    [
      'another sender',
      json(envelope({ gatewayId: 'gw-2' })),
      /^batch claims campus\/gw-2 but arrived on campus\/gw-1$/,
      true,
    ],
  ];
  for (const [name, payload, reason, rejected] of refusals) {
    it(`refuses a payload: ${name}`, () => {
      const p = parseBatch(TOPIC, T, payload, NOW, 1000);
      assert.equal(p.ok, false);
      if (p.ok) return;
      assert.match(p.letter.reason, reason);
      assert.equal(p.rejected, rejected);
      assert.equal(p.letter.batchId, null);
      assert.equal(p.letter.gatewayId, 'gw-1');
      assert.ok(p.letter.payload.length <= Math.min(payload.length, 4096));
      // The same payload twice is one dead letter.
      const again = parseBatch(TOPIC, T, payload, NOW, 1000);
      assert.equal(!again.ok && again.letter.key, p.letter.key);
    });
  }

  it('sorts a valid batch, dead-lettering only its bad item', () => {
    const items = [...envelope().items, { seq: 3, kind: 'event', createdAt: T0, payload: { eventId: 'x' } }];
    const p = parseBatch(TOPIC, T, json(envelope({ items })), NOW, 1_000_000);
    assert.equal(p.ok, true);
    if (!p.ok) return;
    assert.deepEqual(p.sorted.seqs, [1, 2, 3]);
    assert.deepEqual(p.sorted.bad, [3]);
    assert.deepEqual(
      p.sorted.batch.events.map((e) => e.eventId),
      ['e1'],
    );
    assert.deepEqual(
      p.sorted.batch.invalid.map((i) => i.eventId),
      ['i1'],
    );
    assert.equal(p.sorted.batch.deadLetters.length, 1);
    assert.match(p.sorted.batch.deadLetters[0]!.reason, /^invalid item: /);
  });
});
