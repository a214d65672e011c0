/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg's MJPEG on a pipe) into
 * one Buffer per image. It walks the JPEG marker structure rather than
 * searching for the end marker, so an EOI byte pair inside a segment (an
 * embedded thumbnail) does not cut a frame short. Bytes outside any image and
 * structurally broken images are skipped and counted; the splitter resyncs on
 * the next start-of-image marker.
 */
export interface SplitterStats {
  frames: number;
  /** Images dropped because their structure was broken or too long. */
  broken: number;
  /** Bytes skipped outside any image. */
  skippedBytes: number;
}

type State = 'seek' | 'marker' | 'entropy';

export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where the current image starts in buf (valid unless state is 'seek'). */
  private start = 0;
  private cursor = 0;
  private state: State = 'seek';
  private readonly counters: SplitterStats = { frames: 0, broken: 0, skippedBytes: 0 };

  constructor(private readonly maxFrameBytes = 8 * 1024 * 1024) {}

  stats(): SplitterStats {
    return { ...this.counters };
  }

  /** Bytes held waiting for the rest of an image. */
  get pending(): number {
    return this.buf.length;
  }

  /** Feeds a chunk; returns the images it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const frame = this.step();
      if (frame === 'more') break;
      if (frame) out.push(frame);
    }
    return out;
  }

  /** Drops any partial image (stream restarted). */
  reset(): void {
    if (this.state !== 'seek') this.counters.broken++;
    this.buf = Buffer.alloc(0);
    this.state = 'seek';
    this.start = this.cursor = 0;
  }

  /** Advances the parser; a frame, null (progress, no frame) or 'more' (needs data). */
  private step(): Buffer | null | 'more' {
    const b = this.buf;
    if (this.state === 'seek') {
      const soi = findSoi(b, 0);
      if (soi < 0) {
        // keep a trailing 0xFF: it may be the first half of an SOI
        const keep = b.length > 0 && b[b.length - 1] === 0xff ? 1 : 0;
        this.counters.skippedBytes += b.length - keep;
        this.buf = b.subarray(b.length - keep);
        return 'more';
      }
      this.counters.skippedBytes += soi;
      this.buf = b.subarray(soi);
      this.start = 0;
      this.cursor = 2;
      this.state = 'marker';
      return null;
    }
    if (this.cursor - this.start > this.maxFrameBytes) return this.broken(this.cursor);
    if (this.state === 'marker') {
      let i = this.cursor;
      if (i >= b.length) return 'more';
      if (b[i] !== 0xff) return this.broken(i);
      while (i < b.length && b[i] === 0xff) i++; // fill bytes
      if (i >= b.length) return 'more';
      const m = b[i]!;
      const markerAt = i - 1;
      if (m === 0xd9) {
        const frame = Buffer.from(b.subarray(this.start, i + 1));
        this.buf = b.subarray(i + 1);
        this.state = 'seek';
        this.counters.frames++;
        return frame;
      }
      if (m === 0xd8) return this.broken(markerAt); // a new image began inside this one
      if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
        this.cursor = i + 1;
        return null;
      }
      if (m === 0x00) return this.broken(i);
      if (i + 2 >= b.length) return 'more';
      const len = b.readUInt16BE(i + 1);
      if (len < 2) return this.broken(i);
      this.cursor = i + 1 + len;
      if (m === 0xda) this.state = 'entropy';
      return null;
    }
    // entropy-coded data: runs until a marker that is not a stuffed 0xFF00 or a restart marker
    let i = this.cursor;
    for (;;) {
      const ff = b.indexOf(0xff, i);
      if (ff < 0 || ff + 1 >= b.length) {
        this.cursor = ff < 0 ? b.length : ff;
        return 'more';
      }
      const next = b[ff + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        i = ff + 2;
        continue;
      }
      if (next === 0xff) {
        i = ff + 1;
        continue;
      }
      this.cursor = ff;
      this.state = 'marker';
      return null;
    }
  }

  private broken(_at: number): null {
    this.counters.broken++;
    // resync on the next SOI after the broken image's start (a length field
    // read from garbage may have jumped past it, so not from `at`)
    const soi = findSoi(this.buf, this.start + 1);
    this.state = 'seek';
    if (soi < 0) {
      this.buf = Buffer.alloc(0);
    } else {
      this.buf = this.buf.subarray(soi);
    }
    return null;
  }
}

function findSoi(b: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const ff = b.indexOf(0xff, i);
    if (ff < 0 || ff + 1 >= b.length) return -1;
    if (b[ff + 1] === 0xd8) return ff;
    i = ff + 1;
  }
}
