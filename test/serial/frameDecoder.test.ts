import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { BadFrameReason } from '../../gateway/serial/badgeReader.ts';
import { BAD_SAMPLE_MAX } from '../../gateway/serial/badRun.ts';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import type { DecodeResult } from '../../gateway/serial/frameDecoder.ts';
import { createFrameDecoder, type Protocol } from '../../gateway/serial/readerProtocols.ts';
import { encodeLine, type LineLimits } from '../../gateway/serial/lineFrame.ts';

/** What a case expects: a uid for a good frame, `!reason` for a rejected run. */
type Want = string;
const summarise = (rs: DecodeResult[]): Want[] =>
  rs.map((r) => (r.kind === 'frame' ? r.uid : `!${r.reason}`));
const uids = (rs: DecodeResult[]): string[] => rs.flatMap((r) => (r.kind === 'frame' ? [r.uid] : []));

function decodeAll(protocol: Protocol, chunks: Buffer[], limits?: LineLimits, flush = false): DecodeResult[] {
  const d = createFrameDecoder(protocol, limits);
  const out = chunks.flatMap((c) => d.push(c));
  return flush ? [...out, ...d.flush()] : out;
}

const raw = (s: string): Buffer => Buffer.from(s, 'latin1');
const cat = (...parts: (Buffer | string)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? raw(p) : p)));
const A = '0102030405';
const B = '62E3086CED';
const fa = encodeEm4100(A);
const fb = encodeEm4100(B);

interface Case {
  name: string;
  protocol: Protocol;
  chunks: Buffer[];
  want: Want[];
  limits?: LineLimits;
  flush?: boolean;
}
const bad = (r: BadFrameReason): Want => `!${r}`;

const cases: Case[] = [
  // EM4100
  { name: 'two frames in one chunk', protocol: 'em4100', chunks: [cat(fa, fb)], want: [A, B] },
  { name: 'frames in separate chunks', protocol: 'em4100', chunks: [fa, fb], want: [A, B] },
  {
    name: 'CR LF between frames is ignored',
    protocol: 'em4100',
    chunks: [cat(fa, '\r\n', fb)],
    want: [A, B],
  },
  {
    name: 'noise before a frame',
    protocol: 'em4100',
    chunks: [cat('\xff\x00garbage', fa)],
    want: [bad('noise'), A],
  },
  {
    name: 'noise holding an STX before a frame',
    protocol: 'em4100',
    chunks: [cat('\x91\x02\x7f1', fa)],
    want: [bad('noise'), bad('truncated'), A],
  },
  {
    name: 'frame cut short, then a good one',
    protocol: 'em4100',
    chunks: [cat('\x0201020', fb)],
    want: [bad('truncated'), B],
  },
  {
    name: 'bad checksum, then a good frame',
    protocol: 'em4100',
    chunks: [cat('\x02010203040502\r\n\x03', fa)],
    want: [bad('bad_checksum'), A],
  },
  {
    name: 'overlong frame is one report',
    protocol: 'em4100',
    chunks: [cat('\x02', '0'.repeat(40), '\x03', fa)],
    want: [bad('overlong'), A],
  },
  {
    name: 'overlong frame without ETX',
    protocol: 'em4100',
    chunks: [cat('\x02', '7'.repeat(100), fb)],
    want: [bad('overlong'), B],
  },
  {
    name: 'invalid characters inside a frame',
    protocol: 'em4100',
    chunks: [cat('\x02ZZ0203040501\r\n\x03', fa)],
    want: [bad('invalid_chars'), A],
  },
  {
    name: 'partial frame at end of stream',
    protocol: 'em4100',
    chunks: [cat(fa, fb.subarray(0, 6))],
    want: [A, bad('truncated')],
    flush: true,
  },
  {
    name: 'long noise is reported in bounded runs',
    protocol: 'em4100',
    chunks: [raw('x'.repeat(150))],
    want: [bad('noise'), bad('noise'), bad('noise')],
    flush: true,
  },
  // line
  { name: 'CR LF line', protocol: 'line', chunks: [raw('12345678\r\n')], want: ['12345678'] },
  {
    name: 'CR-only and LF-only lines',
    protocol: 'line',
    chunks: [raw('1111\r2222\n3333\r\n')],
    want: ['1111', '2222', '3333'],
  },
  {
    name: 'blank lines are ignored',
    protocol: 'line',
    chunks: [raw('\r\n\r\n\n04a3b2c1\r\n\r\n')],
    want: ['04A3B2C1'],
  },
  {
    name: 'binary noise glued before a card',
    protocol: 'line',
    chunks: [raw('\xff\xfe\x00\x9912345678\r\n')],
    want: [bad('noise'), '12345678'],
  },
  {
    name: 'noise line',
    protocol: 'line',
    chunks: [raw('\x80\x81\x82\r\n12345678\r\n')],
    want: [bad('noise'), '12345678'],
  },
  { name: 'too short', protocol: 'line', chunks: [raw('123\r\n4567\r\n')], want: [bad('truncated'), '4567'] },
  {
    name: 'overlong line is one report',
    protocol: 'line',
    chunks: [raw(`${'9'.repeat(60)}\r\n12345678\r\n`)],
    want: [bad('overlong'), '12345678'],
  },
  {
    name: 'bad character mid-line: with exact length the tail is rejected',
    protocol: 'line',
    limits: { minLength: 8, maxLength: 8 },
    chunks: [raw('12G45678\r\n87654321\r\n')],
    want: [bad('invalid_chars'), bad('truncated'), '87654321'],
  },
  {
    // Documented limit of the line protocol: the tail after a bad byte is a candidate card.
    name: 'bad character mid-line: with a wide length range the tail is read',
    protocol: 'line',
    chunks: [raw('12G45678\r\n')],
    want: [bad('invalid_chars'), '45678'],
  },
  {
    name: 'hex-looking noise glued to a card is caught by exact length',
    protocol: 'line',
    limits: { minLength: 8, maxLength: 8 },
    chunks: [raw('A112345678\r\n')],
    want: [bad('overlong')],
  },
  {
    name: 'partial line at end of stream',
    protocol: 'line',
    chunks: [raw('1234\r\n56')],
    want: ['1234', bad('truncated')],
    flush: true,
  },
];

describe('streaming frame decoder', () => {
  for (const c of cases) {
    it(`${c.protocol}: ${c.name}`, () => {
      assert.deepEqual(summarise(decodeAll(c.protocol, c.chunks, c.limits, c.flush)), c.want);
    });
    it(`${c.protocol}: ${c.name} (split at every byte)`, () => {
      const bytes = Buffer.concat(c.chunks);
      const oneByOne = [...bytes].map((b) => Buffer.from([b]));
      assert.deepEqual(summarise(decodeAll(c.protocol, oneByOne, c.limits, c.flush)), c.want);
    });
  }

  it('keeps a bounded sample of rejected bytes and counts them all', () => {
    const [r] = decodeAll('em4100', [cat('\x02', '5'.repeat(500), '\x03')]);
    assert.ok(r && r.kind === 'bad');
    assert.equal(r.reason, 'overlong');
    assert.equal(r.bytes.length, Math.min(r.length, BAD_SAMPLE_MAX));
  });

  it('a megabyte of garbage yields bounded reports and the next frame is still read', () => {
    for (const protocol of ['em4100', 'line'] as const) {
      const garbage = Buffer.alloc(1 << 20, protocol === 'em4100' ? 0x41 : 0x37);
      const good = protocol === 'em4100' ? fa : encodeLine('12345678');
      const out = decodeAll(protocol, [garbage, raw('\r\n'), good]);
      assert.deepEqual(uids(out), [protocol === 'em4100' ? A : '12345678'], protocol);
      for (const r of out) if (r.kind === 'bad') assert.ok(r.bytes.length <= BAD_SAMPLE_MAX);
    }
  });
});

/** Splits `bytes` at the given cut points (fast-check picks them). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

const SEED = 20_240_901;
const emUid = fc.stringMatching(/^[0-9A-F]{10}$/);
const lineUid = fc.stringMatching(/^[0-9A-F]{8,12}$/);

describe('decoder properties (seeded)', () => {
  it('em4100: any chunking of good frames yields them all, in order', () => {
    fc.assert(
      fc.property(
        fc.array(emUid, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (ids, cuts) => {
          const stream = Buffer.concat(ids.map(encodeEm4100));
          assert.deepEqual(summarise(decodeAll('em4100', split(stream, cuts))), ids);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('em4100: arbitrary garbage between frames never costs a good frame', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), emUid), { minLength: 1, maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, cuts) => {
          const stream = Buffer.concat(
            items.flatMap(([noise, id]) => [Buffer.from(noise), encodeEm4100(id)]),
          );
          assert.deepEqual(
            uids(decodeAll('em4100', split(stream, cuts))),
            items.map(([, id]) => id),
          );
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('line: any chunking and terminator yields every card, in order', () => {
    const term = fc.constantFrom('\r\n' as const, '\r' as const, '\n' as const);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineUid, term), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, cuts) => {
          const stream = Buffer.concat(items.map(([id, t]) => encodeLine(id, t)));
          assert.deepEqual(
            summarise(decodeAll('line', split(stream, cuts))),
            items.map(([id]) => id),
          );
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('line: garbage ended by a terminator, or binary noise glued in front, never costs a good card', () => {
    // Binary line noise: bytes that are neither card characters nor terminators.
    const noiseByte = fc
      .integer({ min: 0, max: 255 })
      .filter((b) => !/[0-9A-Fa-f\r\n]/.test(String.fromCharCode(b)));
    const anyGarbageLine = fc
      .uint8Array({ maxLength: 40 })
      .map((g) => Buffer.concat([Buffer.from(g), raw('\r\n')]));
    const gluedNoise = fc.array(noiseByte, { maxLength: 40 }).map((bs) => Buffer.from(bs));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(anyGarbageLine, gluedNoise), lineUid), { minLength: 1, maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, cuts) => {
          const stream = Buffer.concat(items.flatMap(([noise, id]) => [noise, encodeLine(id)]));
          const got = uids(decodeAll('line', split(stream, cuts)));
          // Every card is read in order (garbage lines may themselves look like cards: extra reads allowed).
          let i = 0;
          for (const u of got) if (u === items[i]?.[1]) i++;
          assert.equal(i, items.length, `missing cards; got ${got.join(',')}`);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
