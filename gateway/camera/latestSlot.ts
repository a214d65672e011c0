/**
 * A queue of one where the newest item wins: a slow consumer sees the latest
 * frame and memory never grows with backlog. Replaced items are counted.
 */
export class LatestSlot<T> {
  private item: T | undefined;
  private replaced = 0;

  /** Stores `item`; returns the item it replaced, if any. */
  put(item: T): T | undefined {
    const old = this.item;
    if (old !== undefined) this.replaced++;
    this.item = item;
    return old;
  }

  take(): T | undefined {
    const item = this.item;
    this.item = undefined;
    return item;
  }

  /** Empties the slot, counting an item left in it as dropped (the consumer is going away). */
  discard(): void {
    if (this.item !== undefined) this.replaced++;
    this.item = undefined;
  }

  get dropped(): number {
    return this.replaced;
  }

  get full(): boolean {
    return this.item !== undefined;
  }
}
