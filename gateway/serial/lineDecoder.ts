import type { BadFrameReason } from './badgeReader.ts';
import { BadRun } from './badRun.ts';
import { isHexDigit } from './em4100Frame.ts';
import type { DecodeResult, FrameDecoder } from './frameDecoder.ts';
import { DEFAULT_LINE_LIMITS, isLineTerminator, parseLine, type LineLimits } from './lineFrame.ts';

/** Noise is reported in runs of at most this many bytes, so endless garbage still shows up. */
const NOISE_RUN_MAX = 64;

/**
 * Streaming decoder for the line protocol. The protocol has no start marker,
 * so resynchronisation works like this:
 * - CR and LF end a line (CR LF and blank lines are fine);
 * - a byte that cannot be part of a card number is line noise: card characters
 *   collected before it are rejected ('invalid_chars'), and the candidate card
 *   number starts again after it. Noise glued in front of a card is therefore
 *   dropped and the card still read;
 * - card characters beyond `maxLength` are 'overlong': the line is dropped up
 *   to its terminator (or the next noise byte);
 * - a line shorter than `minLength` is 'truncated'.
 * Card characters that touch a card with no separator (hex-looking noise, a
 * digit lost mid-line) cannot be told apart from it; the length limits catch
 * them, so set minLength/maxLength to the card length your readers emit.
 * Memory is fixed: at most maxLength bytes are held.
 */
export class LineDecoder implements FrameDecoder {
  private state: 'line' | 'junk' | 'discard' = 'line';
  private readonly limits: LineLimits;
  private readonly line: Buffer;
  private lineLen = 0;
  private readonly junk = new BadRun();
  private readonly rejected = new BadRun();

  constructor(limits: LineLimits = DEFAULT_LINE_LIMITS) {
    this.limits = limits;
    this.line = Buffer.alloc(limits.maxLength);
  }

  push(chunk: Uint8Array): DecodeResult[] {
    const out: DecodeResult[] = [];
    for (const b of chunk) this.byte(b, out);
    return out;
  }

  flush(): DecodeResult[] {
    const out: DecodeResult[] = [];
    if (this.state === 'line' && this.lineLen > 0) this.reject('truncated', out);
    this.junk.take('noise', out);
    this.lineLen = 0;
    this.state = 'line';
    return out;
  }

  private byte(b: number, out: DecodeResult[]): void {
    if (isLineTerminator(b)) {
      if (this.state === 'line' && this.lineLen > 0) this.endLine(out);
      this.junk.take('noise', out);
      this.lineLen = 0;
      this.state = 'line';
      return;
    }
    if (isHexDigit(b)) {
      switch (this.state) {
        case 'junk':
          this.junk.take('noise', out);
          this.state = 'line';
          break;
        case 'discard':
          return;
        case 'line':
          break;
      }
      if (this.lineLen === this.limits.maxLength) {
        this.reject('overlong', out, b);
        this.state = 'discard';
        return;
      }
      this.line[this.lineLen++] = b;
      return;
    }
    // A byte no card number contains.
    if (this.state === 'line' && this.lineLen > 0) {
      this.reject('invalid_chars', out, b);
    } else {
      this.junk.add(b);
      if (this.junk.length >= NOISE_RUN_MAX) this.junk.take('noise', out);
    }
    this.state = 'junk';
  }

  private endLine(out: DecodeResult[]): void {
    const parsed = parseLine(this.line.subarray(0, this.lineLen), this.limits);
    if (parsed.ok) out.push({ kind: 'frame', uid: parsed.uid });
    else this.reject(parsed.reason, out);
    this.lineLen = 0;
  }

  private reject(reason: BadFrameReason, out: DecodeResult[], last?: number): void {
    this.rejected.addAll(this.line.subarray(0, this.lineLen));
    if (last !== undefined) this.rejected.add(last);
    this.rejected.take(reason, out);
    this.lineLen = 0;
  }
}
