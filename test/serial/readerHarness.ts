import { open, type FileHandle } from 'node:fs/promises';
import type { Clock } from '../../kernel/clock.ts';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger, type Logger } from '../../kernel/log.ts';
import type { BadFrameEvent, ReaderStateEvent, SwipeEvent } from '../../gateway/serial/badgeReader.ts';
import { SerialBadgeReader, type SerialBadgeReaderOptions } from '../../gateway/serial/serialBadgeReader.ts';

/** Reader options for tests: only what a case cares about needs saying. */
export function readerOptions(over: Partial<SerialBadgeReaderOptions> = {}): SerialBadgeReaderOptions {
  return {
    readerId: 'hall-a-door-1',
    path: '/nonexistent',
    baudRate: 9600,
    parity: 'none',
    dataBits: 8,
    stopBits: 1,
    protocol: 'em4100',
    debounceMs: 0,
    reconnect: { initialMs: 20, maxMs: 200 },
    ...over,
  };
}

/** A real SerialBadgeReader with every event it emits recorded. */
export interface RecordedReader {
  reader: SerialBadgeReader;
  swipes: SwipeEvent[];
  badFrames: BadFrameEvent[];
  states: ReaderStateEvent[];
}

export function recordedReader(
  opts: SerialBadgeReaderOptions,
  deps: { logger?: Logger; clock?: Clock } = {},
): RecordedReader {
  const reader = new SerialBadgeReader(opts, {
    logger: deps.logger ?? silentLogger(),
    clock: deps.clock ?? systemClock,
  });
  const rec: RecordedReader = { reader, swipes: [], badFrames: [], states: [] };
  reader.on('swipe', (e) => rec.swipes.push(e));
  reader.on('badFrame', (e) => rec.badFrames.push(e));
  reader.on('state', (e) => rec.states.push(e));
  return rec;
}

/** Waits until `cond()` holds; fails with `what` after `timeoutMs` (a bound, not a timing assertion). */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The far end of the pty: the test plays the badge reader hardware here. */
export class FarEnd {
  private fh: FileHandle | null = null;
  constructor(private readonly path: string) {}

  async write(bytes: Buffer | string): Promise<void> {
    this.fh ??= await open(this.path, 'w');
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    let off = 0;
    while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
  }
}

/** Small seeded PRNG (mulberry32), so "random" noise is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
