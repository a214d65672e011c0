import bloom from 'bloom-filters';

const { BloomFilter, Hashing } = bloom;
type Filter = InstanceType<typeof BloomFilter>;
type HashableInput = Parameters<InstanceType<typeof Hashing>['serialize']>[0];

/**
 * The filter's hash: 32-bit MurmurHash3 over the id's UTF-16 code units, one
 * pass of native 32-bit integer arithmetic, instead of the package's default
 * XXH64 on emulated 64-bit integers (about 5 us per lookup). bloom-filters
 * documents this extension point (a Hashing subclass set as `_hashing`); its
 * double hashing derives the k indexes from two seeds as before.
 */
export class Murmur3Hashing extends Hashing {
  override serialize(element: HashableInput, seed?: number): number {
    if (typeof element !== 'string') return super.serialize(element, seed);
    let h = (seed ?? 0) >>> 0;
    for (let i = 0; i < element.length; i++) {
      let k = Math.imul(element.charCodeAt(i), 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= element.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** The package's enhanced double hashing, the same indexes, with (n^3 - n) / 6 in integers instead of Math.pow. */
  override doubleHashing(n: number, hashA: number, hashB: number, size: number): number {
    return Math.abs((hashA + n * hashB + (n * n * n - n) / 6) % size);
  }
}
const hashing = new Murmur3Hashing();

function createFilter(items: number, errorRate: number): Filter {
  const filter = BloomFilter.create(items, errorRate);
  filter._hashing = hashing;
  return filter;
}

/**
 * A Bloom filter of the roster's card UIDs: "certainly unknown" in
 * microseconds. A positive is only "maybe": callers confirm it exactly
 * against the store, so a false positive never admits an unknown card.
 */
export class RosterBloom {
  private filter: Filter;
  private items = 0;

  constructor(private readonly errorRate: number) {
    this.filter = createFilter(1, errorRate);
  }

  /** Rebuilds from the roster (at start and whenever the roster changes). */
  rebuild(ids: Iterable<string>): void {
    const all = [...ids];
    const filter = createFilter(Math.max(all.length, 1), this.errorRate);
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
