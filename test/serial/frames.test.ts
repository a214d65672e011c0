import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  em4100Checksum,
  encodeEm4100,
  parseEm4100Frame,
  type Em4100Parse,
} from '../../gateway/serial/em4100Frame.ts';
import { encodeLine, parseLine, type LineLimits, type LineParse } from '../../gateway/serial/lineFrame.ts';

const STX = '\x02';
const ETX = '\x03';
const em = (body: string): Buffer => Buffer.from(body, 'latin1');

describe('EM4100 frame', () => {
  // 0x01 ^ 0x02 ^ 0x03 ^ 0x04 ^ 0x05 = 0x01; 0x62 ^ 0xE3 ^ 0x08 ^ 0x6C ^ 0xED = 0x08 (the RDM6300 datasheet example)
  const checksums: [string, string][] = [
    ['0102030405', '01'],
    ['62E3086CED', '08'],
    ['0000000000', '00'],
    ['FFFFFFFFFF', 'FF'],
    ['ffffffff00', '00'],
  ];
  for (const [data, sum] of checksums) {
    it(`checksum of ${data} is ${sum}`, () => assert.equal(em4100Checksum(data), sum));
  }

  const cases: { name: string; frame: Buffer; want: Em4100Parse }[] = [
    {
      name: 'good frame with CR LF',
      frame: em(`${STX}0102030405` + `01\r\n${ETX}`),
      want: { ok: true, uid: '0102030405' },
    },
    {
      name: 'good frame without CR LF (RDM6300)',
      frame: em(`${STX}62E3086CED08${ETX}`),
      want: { ok: true, uid: '62E3086CED' },
    },
    {
      name: 'lowercase hex is read as uppercase',
      frame: em(`${STX}62e3086ced08\r\n${ETX}`),
      want: { ok: true, uid: '62E3086CED' },
    },
    {
      name: 'bad checksum',
      frame: em(`${STX}010203040502\r\n${ETX}`),
      want: { ok: false, reason: 'bad_checksum' },
    },
    {
      name: 'one digit flipped',
      frame: em(`${STX}0102030415` + `01\r\n${ETX}`),
      want: { ok: false, reason: 'bad_checksum' },
    },
    {
      name: 'too few digits',
      frame: em(`${STX}01020304\r\n${ETX}`),
      want: { ok: false, reason: 'truncated' },
    },
    { name: 'empty frame', frame: em(`${STX}${ETX}`), want: { ok: false, reason: 'truncated' } },
    {
      name: 'too many digits',
      frame: em(`${STX}01020304050601\r\n${ETX}`),
      want: { ok: false, reason: 'overlong' },
    },
    {
      name: 'non-hex character',
      frame: em(`${STX}01020G040501\r\n${ETX}`),
      want: { ok: false, reason: 'invalid_chars' },
    },
    {
      name: 'CR LF in the middle',
      frame: em(`${STX}010203\r\n040501${ETX}`),
      want: { ok: false, reason: 'invalid_chars' },
    },
    { name: 'no ETX', frame: em(`${STX}0102030405` + `01\r\n`), want: { ok: false, reason: 'truncated' } },
    { name: 'no STX', frame: em(`0102030405` + `01\r\n${ETX}`), want: { ok: false, reason: 'noise' } },
  ];
  for (const c of cases) {
    it(`parses: ${c.name}`, () => assert.deepEqual(parseEm4100Frame(c.frame), c.want));
  }

  it('encodes STX, data, checksum, CR LF, ETX', () => {
    assert.deepEqual(encodeEm4100('62e3086ced'), em(`${STX}62E3086CED08\r\n${ETX}`));
  });

  for (const uid of ['0000000000', '0102030405', 'ABCDEF0123', 'FFFFFFFFFF', '1A2B3C4D5E']) {
    it(`round-trips ${uid}`, () => assert.deepEqual(parseEm4100Frame(encodeEm4100(uid)), { ok: true, uid }));
  }

  for (const bad of ['', '123456789', '12345678901', '12345G7890', ' 123456789']) {
    it(`refuses to encode ${JSON.stringify(bad)}`, () =>
      assert.throws(() => encodeEm4100(bad), { code: 'EM4100_UID_INVALID' }));
  }
});

describe('line frame', () => {
  const limits = (over: Partial<LineLimits> = {}): LineLimits => ({ minLength: 4, maxLength: 20, ...over });
  const cases: { name: string; line: string; limits?: Partial<LineLimits>; want: LineParse }[] = [
    { name: 'decimal digits', line: '0012345678', want: { ok: true, uid: '0012345678' } },
    { name: 'hex, uppercased', line: '04a3b2c1d0', want: { ok: true, uid: '04A3B2C1D0' } },
    { name: 'shortest allowed', line: '1234', want: { ok: true, uid: '1234' } },
    {
      name: 'longest allowed',
      line: '12345678901234567890',
      want: { ok: true, uid: '12345678901234567890' },
    },
    { name: 'too short', line: '123', want: { ok: false, reason: 'truncated' } },
    { name: 'too long', line: '123456789012345678901', want: { ok: false, reason: 'overlong' } },
    {
      name: 'exact length required, shorter',
      line: '1234567',
      limits: { minLength: 8, maxLength: 8 },
      want: { ok: false, reason: 'truncated' },
    },
    {
      name: 'exact length required, met',
      line: '12345678',
      limits: { minLength: 8, maxLength: 8 },
      want: { ok: true, uid: '12345678' },
    },
    { name: 'letter outside hex', line: '12G45678', want: { ok: false, reason: 'invalid_chars' } },
    { name: 'space inside', line: '1234 5678', want: { ok: false, reason: 'invalid_chars' } },
    { name: 'prefix text', line: 'ID:12345678', want: { ok: false, reason: 'invalid_chars' } },
  ];
  for (const c of cases) {
    it(`parses: ${c.name}`, () =>
      assert.deepEqual(parseLine(Buffer.from(c.line, 'latin1'), limits(c.limits)), c.want));
  }

  const encodings: [string, '\r\n' | '\r' | '\n' | undefined, string][] = [
    ['12345678', undefined, '12345678\r\n'],
    ['abcd1234', '\r', 'abcd1234\r'],
    ['0042', '\n', '0042\n'],
  ];
  for (const [uid, term, want] of encodings) {
    it(`encodes ${uid} with ${JSON.stringify(term ?? '\r\n')}`, () =>
      assert.equal(encodeLine(uid, term).toString('latin1'), want));
  }
  it('refuses to encode a non-digit card number', () =>
    assert.throws(() => encodeLine('12-34'), { code: 'LINE_UID_INVALID' }));
});
