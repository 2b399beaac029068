/**
 * NF4 block quantisation exactly as bitsandbytes stores it (`quantize_4bit`, quant_type
 * "nf4"): blocks over the row-major flattened weight, one float32 absmax per block, the
 * nearest NF4 code by float32 midpoints, two indices per byte with the even element in
 * the high nibble. All arithmetic is float32 with one rounding per operation, so the
 * output is bit-identical to bitsandbytes (Math.fround of a float64 +, * or / of two
 * float32 values is the correctly rounded float32 result).
 *
 * Not here: double quantisation of the absmax (double-quant.ts), the matmul kernel.
 */
import { NF4_CODE, NF4_MIDPOINTS } from './nf4-tables.js';

/** Index used for padding nibbles and for all-zero blocks: the code for exactly 0. */
export const NF4_ZERO_INDEX = 7;

export interface Nf4Blocks {
  /** [ceil(n / 2)] two 4-bit code indices per byte, element 2k in the high nibble. */
  packed: Uint8Array;
  /** [ceil(n / blocksize)] max |w| per block. */
  absmax: Float32Array;
}

/** Number of midpoints strictly below `v` (ties go to the lower code). */
export function nearestCode(v: number, mids: Float32Array): number {
  let lo = 0;
  let hi = mids.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (mids[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * `nearestCode` without the search: a value's bucket on a fine grid over [-1, 1] fixes how
 * many midpoints lie below it, except for a midpoint inside the same bucket, compared
 * directly. Exact, because the bucket is monotone in the value: a midpoint in a lower
 * bucket is below every value of this one, one in a higher bucket above. Quantising
 * gemma2-9b (8.3B weights) spent minutes in the binary search.
 */
const BUCKETS = 4096;
const bucketOf = (v: number) =>
  Math.min(BUCKETS - 1, Math.max(0, Math.floor((v + 1) * (BUCKETS / 2))));
const BELOW = new Uint8Array(BUCKETS);
const INSIDE = new Float32Array(BUCKETS).fill(Number.NaN);
for (let b = 0; b < BUCKETS; b++) {
  for (const m of NF4_MIDPOINTS) {
    const mb = bucketOf(m);
    if (mb < b) BELOW[b]++;
    else if (mb === b) {
      if (!Number.isNaN(INSIDE[b])) throw new Error('nf4-quantize: two midpoints share a bucket');
      INSIDE[b] = m;
    }
  }
}

/** Quantises `values` (any length) in blocks of `blocksize`. */
export function quantizeNf4(values: Float32Array, blocksize = 64): Nf4Blocks {
  const n = values.length;
  const nblocks = Math.ceil(n / blocksize);
  const absmax = new Float32Array(nblocks);
  const packed = new Uint8Array(Math.ceil(n / 2));
  if (n % 2 === 1) packed[packed.length - 1] = NF4_ZERO_INDEX; // low-nibble padding
  for (let b = 0; b < nblocks; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(values[i]));
    absmax[b] = max;
    // bitsandbytes multiplies by the float32 reciprocal; an all-zero block scales 0 -> 0.
    const inv = max === 0 ? 0 : Math.fround(1 / Math.fround(max));
    for (let i = start; i < end; i++) {
      let s = Math.fround(values[i] * inv);
      if (s > 1) s = 1;
      else if (s < -1) s = -1;
      const bucket = bucketOf(s);
      // NaN < s is false: a bucket without a midpoint adds nothing.
      const idx = BELOW[bucket] + (INSIDE[bucket] < s ? 1 : 0);
      packed[i >> 1] |= i % 2 === 0 ? idx << 4 : idx;
    }
  }
  return { packed, absmax };
}

/** Code index of flat element `i`. */
export function nf4IndexAt(packed: Uint8Array, i: number): number {
  const byte = packed[i >> 1];
  return i % 2 === 0 ? byte >> 4 : byte & 0x0f;
}

/**
 * Dequantises flat elements [start, end) into `out` (length end - start), with
 * `absmaxOf(block)` giving each block's (possibly double-dequantised) absmax.
 */
export function dequantizeNf4Range(
  packed: Uint8Array,
  absmaxOf: (block: number) => number,
  start: number,
  end: number,
  out: Float32Array,
  blocksize = 64,
  code: Float32Array = NF4_CODE,
): Float32Array {
  let block = -1;
  let scale = 0;
  for (let i = start; i < end; i++) {
    const b = Math.floor(i / blocksize);
    if (b !== block) {
      block = b;
      scale = absmaxOf(b);
    }
    out[i - start] = Math.fround(code[nf4IndexAt(packed, i)] * scale);
  }
  return out;
}
