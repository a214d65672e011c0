import bloom from 'bloom-filters';

const { BloomFilter } = bloom;
type Filter = InstanceType<typeof BloomFilter>;

/**
 * A Bloom filter of the roster's card UIDs: "certainly unknown" in
 * microseconds. A positive is only "maybe": callers confirm it exactly
 * against the store, so a false positive never admits an unknown card.
 */
export class RosterBloom {
  private filter: Filter;
  private items = 0;

  constructor(private readonly errorRate: number) {
    this.filter = BloomFilter.create(1, errorRate);
  }

  /** Rebuilds from the roster (at start and whenever the roster changes). */
  rebuild(ids: Iterable<string>): void {
    const all = [...ids];
    const filter = BloomFilter.create(Math.max(all.length, 1), this.errorRate);
    for (const id of all) filter.add(id);
    this.filter = filter;
    this.items = all.length;
  }

  /** Adds one id (a student added between rebuilds). */
  add(id: string): void {
    this.filter.add(id);
    this.items++;
  }

  /** False: certainly not on the roster. True: maybe (confirm exactly). */
  mightContain(id: string): boolean {
    return this.filter.has(id);
  }

  stats(): { items: number; bits: number; bytes: number; hashes: number; errorRate: number } {
    return {
      items: this.items,
      bits: this.filter.size,
      bytes: Math.ceil(this.filter.size / 8),
      hashes: this.filter._nbHashes,
      errorRate: this.errorRate,
    };
  }
}
