import type { BadFrameReason } from './badgeReader.ts';
import type { DecodeResult } from './frameDecoder.ts';

/** Longest sample of rejected bytes a decoder keeps. */
export const BAD_SAMPLE_MAX = 32;

/** A run of rejected bytes: counts all of them, keeps the first BAD_SAMPLE_MAX. */
export class BadRun {
  private readonly sample = Buffer.alloc(BAD_SAMPLE_MAX);
  length = 0;

  add(b: number): void {
    if (this.length < BAD_SAMPLE_MAX) this.sample[this.length] = b;
    this.length++;
  }

  addAll(bytes: Uint8Array): void {
    for (const b of bytes) this.add(b);
  }

  /** Reports the run (if not empty) as `reason` and empties it. */
  take(reason: BadFrameReason, out: DecodeResult[]): void {
    if (this.length === 0) return;
    const kept = Math.min(this.length, BAD_SAMPLE_MAX);
    out.push({ kind: 'bad', reason, bytes: Buffer.from(this.sample.subarray(0, kept)), length: this.length });
    this.length = 0;
  }
}
