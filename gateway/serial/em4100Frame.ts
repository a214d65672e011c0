import { HallgateError } from '../../kernel/errors.ts';
import type { BadFrameReason } from './badgeReader.ts';

/**
 * The 125 kHz EM4100-style ASCII frame that RDM6300 / ID-12 class readers emit:
 *
 *   STX (0x02) | 10 hex digits: card data (2 version/customer + 8 id) | 2 hex digits:
 *   checksum (XOR of the five data bytes) | CR LF | ETX (0x03)
 *
 * The CR LF is optional on input (RDM6300 omits it); `encodeEm4100` always writes it.
 */
export const STX = 0x02;
export const ETX = 0x03;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes between STX and ETX: 10 data + 2 checksum digits, then CR LF. */
export const EM4100_BODY_MAX = 14;
const HEX_DIGITS = 12;

export type Em4100Parse = { ok: true; uid: string } | { ok: false; reason: BadFrameReason };

export function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** XOR of the five bytes written as ten hex digits, as two uppercase hex digits. */
export function em4100Checksum(data10hex: string): string {
  let x = 0;
  for (let i = 0; i < 10; i += 2) x ^= parseInt(data10hex.slice(i, i + 2), 16);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Checks the body of one frame (the bytes between STX and ETX, exclusive):
 * 12 hex digits, optionally followed by CR LF, with a matching checksum.
 */
export function parseEm4100Body(body: Uint8Array): Em4100Parse {
  let end = body.length;
  if (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
  for (let i = 0; i < end; i++) {
    if (!isHexDigit(body[i]!)) return { ok: false, reason: 'invalid_chars' };
  }
  if (end < HEX_DIGITS) return { ok: false, reason: 'truncated' };
  if (end > HEX_DIGITS) return { ok: false, reason: 'overlong' };
  const text = Buffer.from(body.subarray(0, HEX_DIGITS)).toString('ascii').toUpperCase();
  const uid = text.slice(0, 10);
  if (em4100Checksum(uid) !== text.slice(10, 12)) return { ok: false, reason: 'bad_checksum' };
  return { ok: true, uid };
}

/** Parses one complete frame, STX to ETX inclusive. */
export function parseEm4100Frame(frame: Uint8Array): Em4100Parse {
  if (frame.length < 2 || frame[0] !== STX || frame[frame.length - 1] !== ETX) {
    return { ok: false, reason: frame.length > 0 && frame[0] === STX ? 'truncated' : 'noise' };
  }
  return parseEm4100Body(frame.subarray(1, frame.length - 1));
}

/** The frame a reader sends for a card: `uid10hex` is 10 hex digits (version + id). */
export function encodeEm4100(uid10hex: string): Buffer {
  if (!/^[0-9A-Fa-f]{10}$/.test(uid10hex)) {
    throw new HallgateError(
      'EM4100_UID_INVALID',
      `EM4100 card data must be 10 hex digits, got ${JSON.stringify(uid10hex)}`,
    );
  }
  const uid = uid10hex.toUpperCase();
  return Buffer.concat([
    Buffer.from([STX]),
    Buffer.from(`${uid}${em4100Checksum(uid)}\r\n`, 'ascii'),
    Buffer.from([ETX]),
  ]);
}
