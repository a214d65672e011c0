import type { Clock } from '../../kernel/clock.ts';

/** Entries are swept once the table holds this many (expired ones only). */
const SWEEP_AT = 1024;

/**
 * Folds repeated reads of one card on one reader into a single swipe. A card
 * held on the reader repeats its frame; every read within `windowMs` of the
 * previous read of the same card on the same reader is the same swipe (the
 * window slides with each read). `windowMs` 0 turns debouncing off.
 */
export class SwipeDebouncer {
  private readonly lastRead = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** True when this read is a new swipe, false when it repeats the previous one. */
  accept(readerId: string, uid: string): boolean {
    if (this.windowMs <= 0) return true;
    const now = this.clock.now();
    const key = `${readerId}\u0000${uid}`;
    const last = this.lastRead.get(key);
    this.lastRead.set(key, now);
    if (this.lastRead.size >= SWEEP_AT) this.sweep(now);
    return last === undefined || now - last >= this.windowMs || now < last;
  }

  private sweep(now: number): void {
    for (const [key, ts] of this.lastRead) if (now - ts >= this.windowMs) this.lastRead.delete(key);
  }
}
