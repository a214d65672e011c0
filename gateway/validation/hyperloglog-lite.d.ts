declare module 'hyperloglog-lite' {
  type Hash = [number, number, number, number];
  interface HllState {
    n: number;
    buckets: Buffer;
  }
  interface Hll {
    add(hash: Hash | null): Hll;
    count(): number;
    relative_error(): number;
    output(): HllState;
    merge(data: HllState): void;
  }
  interface HyperLogLogFactory {
    (n: number): Hll;
    hash(value: string): Hash;
  }
  const HyperLogLog: HyperLogLogFactory;
  export default HyperLogLog;
}
