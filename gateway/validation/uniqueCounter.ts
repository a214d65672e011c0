import HyperLogLog from 'hyperloglog-lite';

type Hll = ReturnType<typeof HyperLogLog>;

export interface SketchStore {
  loadHll(lectureId: string, day: string): Buffer | undefined;
  saveHll(lectureId: string, day: string, registers: Buffer, now: number): void;
}

/**
 * HyperLogLog counts of unique attendees per lecture and day, persisted
 * through a SketchStore so a restart keeps the counts. Sketches whose
 * registers changed are written back by flush() (inside the caller's
 * transaction, so the sketch and its outbox row commit together); flushIfDue()
 * does so at most once per interval, which keeps a 4 KiB sketch write off
 * every single event. Whatever a crash loses between flushes is re-added at
 * start from the records (HLL adds are idempotent): see GatewayCore.
 */
export class UniqueCounter {
  private readonly sketches = new Map<string, Hll>();
  private readonly dirty = new Set<string>();
  private lastFlush = 0;

  constructor(
    private readonly store: SketchStore,
    private readonly bits: number,
  ) {}

  private key(lectureId: string, day: string): string {
    return `${lectureId}\u0000${day}`;
  }

  private sketch(lectureId: string, day: string): Hll {
    const k = this.key(lectureId, day);
    let h = this.sketches.get(k);
    if (!h) {
      h = HyperLogLog(this.bits);
      const saved = this.store.loadHll(lectureId, day);
      if (saved) h.merge({ n: Math.log2(saved.length), buckets: saved });
      this.sketches.set(k, h);
    }
    return h;
  }

  /** Adds a student to a lecture/day; returns true when the sketch's registers changed. */
  add(lectureId: string, day: string, studentId: string): boolean {
    const h = this.sketch(lectureId, day);
    const hash = HyperLogLog.hash(studentId);
    const { buckets, n } = h.output();
    const bucket = hash[0] >>> (32 - n);
    const before = buckets[bucket];
    h.add(hash);
    if (buckets[bucket] !== before) {
      this.dirty.add(this.key(lectureId, day));
      return true;
    }
    return false;
  }

  estimate(lectureId: string, day: string): number {
    return this.sketch(lectureId, day).count();
  }

  relativeError(): number {
    return 1.04 / Math.sqrt(2 ** this.bits);
  }

  /** Persists changed sketches if the last flush is at least `everyMs` old. */
  flushIfDue(now: number, everyMs = 1000): number {
    if (this.dirty.size === 0 || now - this.lastFlush < everyMs) return 0;
    return this.flush(now);
  }

  /** Persists every changed sketch. */
  flush(now: number): number {
    this.lastFlush = now;
    let n = 0;
    for (const k of this.dirty) {
      const [lectureId, day] = k.split('\u0000') as [string, string];
      const h = this.sketches.get(k);
      if (h) {
        this.store.saveHll(lectureId, day, Buffer.from(h.output().buckets), now);
        n++;
      }
    }
    this.dirty.clear();
    return n;
  }

  /** After a rolled-back transaction: forget in-memory state, reload from the store on next use. */
  discardUnsaved(): void {
    this.sketches.clear();
    this.dirty.clear();
  }
}
