import { createRequire } from 'node:module';
import { HallgateError } from '../kernel/errors.ts';

/**
 * HyperLogLog registers on the wire: the raw register bytes of a
 * `hyperloglog-lite` sketch (`hll.output().buckets`, 2^n bytes), base64.
 * Sketches from several gateways merge by register-wise maximum, which is
 * commutative, associative and idempotent: merging a sketch twice, or an
 * older sketch after a newer one of the same gateway, changes nothing.
 */

interface LiteHll {
  count(): number;
  merge(data: { n: number; buckets: Buffer }): void;
}
type LiteFactory = (n: number) => LiteHll;

const require = createRequire(import.meta.url);
const HyperLogLog = require('hyperloglog-lite') as LiteFactory;

const MIN_BITS = 4;
const MAX_BITS = 16;

/** Number of index bits n of a register array of 2^n bytes, or null when the length is not one. */
export function registerBits(regs: Uint8Array): number | null {
  const n = Math.log2(regs.length);
  return Number.isInteger(n) && n >= MIN_BITS && n <= MAX_BITS ? n : null;
}

export function encodeRegisters(regs: Uint8Array): string {
  return Buffer.from(regs.buffer, regs.byteOffset, regs.byteLength).toString('base64');
}

/** Decodes and checks a register array; throws HallgateError('HLL_INVALID') on anything else. */
export function decodeRegisters(b64: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new HallgateError('HLL_INVALID', 'registers are not base64');
  const regs = new Uint8Array(Buffer.from(b64, 'base64'));
  if (registerBits(regs) === null) {
    throw new HallgateError(
      'HLL_INVALID',
      `register array of ${regs.length} bytes is not 2^${MIN_BITS}..2^${MAX_BITS}`,
    );
  }
  for (const r of regs) {
    if (r > 64) throw new HallgateError('HLL_INVALID', `register value ${r} exceeds 64`);
  }
  return regs;
}

/**
 * Register-wise maximum. Sketches of different sizes fold the larger one down
 * to the smaller size first (bucket i of 2^m takes the max of its 2^(n-m) sub-buckets).
 */
export function mergeRegisters(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const per = large.length / small.length;
  const out = new Uint8Array(small);
  for (let i = 0; i < large.length; i++) {
    const j = Math.floor(i / per);
    const v = large[i]!;
    if (v > out[j]!) out[j] = v;
  }
  return out;
}

/** Estimated number of distinct values the sketch has seen. */
export function estimateCount(regs: Uint8Array): number {
  const n = registerBits(regs);
  if (n === null) throw new HallgateError('HLL_INVALID', `register array of ${regs.length} bytes`);
  const hll = HyperLogLog(n);
  hll.merge({ n, buckets: Buffer.from(regs) });
  return hll.count();
}
