import { HallgateError } from '../../kernel/errors.ts';
import type { BadFrameReason } from './badgeReader.ts';
import { isHexDigit } from './em4100Frame.ts';

/**
 * The plain line protocol of keyboard-wedge / USB-serial readers: the card
 * number as hex or decimal digits, ended by CR, LF or CR LF.
 */
export interface LineLimits {
  /** Shortest card number accepted (default 4). */
  minLength: number;
  /** Longest card number accepted (default 20). */
  maxLength: number;
}

export const DEFAULT_LINE_LIMITS: LineLimits = { minLength: 4, maxLength: 20 };

export type LineParse = { ok: true; uid: string } | { ok: false; reason: BadFrameReason };

export function isLineTerminator(b: number): boolean {
  return b === 0x0d || b === 0x0a;
}

/** Checks one line (terminator already stripped). The uid comes back uppercase. */
export function parseLine(line: Uint8Array, limits: LineLimits = DEFAULT_LINE_LIMITS): LineParse {
  for (const b of line) if (!isHexDigit(b)) return { ok: false, reason: 'invalid_chars' };
  if (line.length < limits.minLength) return { ok: false, reason: 'truncated' };
  if (line.length > limits.maxLength) return { ok: false, reason: 'overlong' };
  return { ok: true, uid: Buffer.from(line).toString('ascii').toUpperCase() };
}

/** The bytes a line reader sends for a card (CR LF terminated unless told otherwise). */
export function encodeLine(uid: string, terminator: '\r\n' | '\r' | '\n' = '\r\n'): Buffer {
  if (!/^[0-9A-Fa-f]+$/.test(uid)) {
    throw new HallgateError(
      'LINE_UID_INVALID',
      `card number must be hex or decimal digits, got ${JSON.stringify(uid)}`,
    );
  }
  return Buffer.from(uid + terminator, 'ascii');
}
