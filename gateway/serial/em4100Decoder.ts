import type { BadFrameReason } from './badgeReader.ts';
import { BadRun } from './badRun.ts';
import { EM4100_BODY_MAX, ETX, STX, parseEm4100Body } from './em4100Frame.ts';
import type { DecodeResult, FrameDecoder } from './frameDecoder.ts';

/** Noise is reported in runs of at most this many bytes, so endless garbage still shows up. */
const NOISE_RUN_MAX = 64;

/**
 * Streaming EM4100 decoder. STX always starts a new frame (a frame still open
 * is reported 'truncated'), so the next intact frame after any garbage is read.
 * Bytes outside a frame are 'noise' (lone CR/LF between frames are ignored).
 * A frame longer than the format allows is reported 'overlong' and the rest of
 * it, up to its ETX or the next STX, is dropped. Memory is fixed: one frame body.
 */
export class Em4100Decoder implements FrameDecoder {
  private state: 'idle' | 'frame' | 'discard' = 'idle';
  private readonly body = Buffer.alloc(EM4100_BODY_MAX);
  private bodyLen = 0;
  private readonly noise = new BadRun();
  private readonly rejected = new BadRun();

  push(chunk: Uint8Array): DecodeResult[] {
    const out: DecodeResult[] = [];
    for (const b of chunk) this.byte(b, out);
    return out;
  }

  flush(): DecodeResult[] {
    const out: DecodeResult[] = [];
    if (this.state === 'frame') this.reject('truncated', out);
    this.noise.take('noise', out);
    this.state = 'idle';
    return out;
  }

  private byte(b: number, out: DecodeResult[]): void {
    switch (this.state) {
      case 'idle':
        if (b === STX) return this.openFrame(out);
        if ((b === 0x0d || b === 0x0a) && this.noise.length === 0) return;
        this.noise.add(b);
        if (this.noise.length >= NOISE_RUN_MAX) this.noise.take('noise', out);
        return;
      case 'frame':
        if (b === STX) {
          this.reject('truncated', out);
          return this.openFrame(out);
        }
        if (b === ETX) return this.closeFrame(out);
        if (this.bodyLen === EM4100_BODY_MAX) {
          this.reject('overlong', out, b);
          this.state = 'discard';
          return;
        }
        this.body[this.bodyLen++] = b;
        return;
      case 'discard':
        if (b === STX) return this.openFrame(out);
        if (b === ETX) this.state = 'idle';
        return;
    }
  }

  private openFrame(out: DecodeResult[]): void {
    this.noise.take('noise', out);
    this.state = 'frame';
    this.bodyLen = 0;
  }

  private closeFrame(out: DecodeResult[]): void {
    const parsed = parseEm4100Body(this.body.subarray(0, this.bodyLen));
    if (parsed.ok) out.push({ kind: 'frame', uid: parsed.uid });
    else this.reject(parsed.reason, out, ETX);
    this.state = 'idle';
  }

  /** Reports the open frame (STX, body, and `last` if given) as rejected. */
  private reject(reason: BadFrameReason, out: DecodeResult[], last?: number): void {
    this.rejected.add(STX);
    this.rejected.addAll(this.body.subarray(0, this.bodyLen));
    if (last !== undefined) this.rejected.add(last);
    this.rejected.take(reason, out);
    this.bodyLen = 0;
  }
}
