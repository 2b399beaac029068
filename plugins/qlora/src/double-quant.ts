/**
 * Double quantisation of NF4 block absmax values (bitsandbytes `compress_statistics`):
 * subtract the mean, then quantise in blocks of 256 to 8-bit indices into the signed
 * dynamic map with one float32 absmax per nested block. Float32 arithmetic, one rounding
 * per operation, bit-identical to bitsandbytes except for the offset, which here is the
 * float64-accumulated mean rounded once (torch's float32 mean can be 1 ulp away; a
 * checkpoint's own stored offset wins when loading).
 *
 * Not here: the 4-bit weight codes (nf4-quantize.ts).
 */
import { nearestCode } from './nf4-quantize.js';
import { DYNAMIC_MAP, DYNAMIC_MAP_MIDPOINTS } from './nf4-tables.js';

export interface DoubleQuantAbsmax {
  /** [nblocks] index into `nestedMap` per 64-block. */
  qabsmax: Uint8Array;
  /** [ceil(nblocks / nestedBlocksize)] max |absmax - offset| per nested block. */
  nestedAbsmax: Float32Array;
  /** float32 mean of the absmax values, added back on dequantisation. */
  offset: number;
  nestedBlocksize: number;
  /** [256] the signed dynamic map (DYNAMIC_MAP unless a checkpoint stores another). */
  nestedMap: Float32Array;
}

/** The float64-accumulated mean of `values`, rounded once to float32. */
export function absmaxOffset(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return Math.fround(sum / values.length);
}

export interface DoubleQuantDebug extends DoubleQuantAbsmax {
  /** absmax - offset, float32 */
  shifted: Float32Array;
}

/** Quantises `absmax` with an explicit or computed offset. */
export function doubleQuantize(
  absmax: Float32Array,
  options: { nestedBlocksize?: number; offset?: number } = {},
): DoubleQuantDebug {
  const nestedBlocksize = options.nestedBlocksize ?? 256;
  const offset = options.offset ?? absmaxOffset(absmax);
  const n = absmax.length;
  const shifted = new Float32Array(n);
  for (let i = 0; i < n; i++) shifted[i] = absmax[i] - offset; // store rounds to f32
  const nested = Math.ceil(n / nestedBlocksize);
  const nestedAbsmax = new Float32Array(nested);
  const qabsmax = new Uint8Array(n);
  for (let b = 0; b < nested; b++) {
    const start = b * nestedBlocksize;
    const end = Math.min(n, start + nestedBlocksize);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(shifted[i]));
    nestedAbsmax[b] = max;
    const inv = max === 0 ? 0 : Math.fround(1 / Math.fround(max));
    for (let i = start; i < end; i++) {
      let s = Math.fround(shifted[i] * inv);
      if (s > 1) s = 1;
      else if (s < -1) s = -1;
      qabsmax[i] = nearestCode(s, DYNAMIC_MAP_MIDPOINTS);
    }
  }
  return { qabsmax, nestedAbsmax, offset, nestedBlocksize, nestedMap: DYNAMIC_MAP, shifted };
}

/** Absmax of block `b`: map[q] * nested (float32), then + offset (float32). */
export function dequantizeAbsmaxAt(state: DoubleQuantAbsmax, b: number): number {
  const nested = state.nestedAbsmax[Math.floor(b / state.nestedBlocksize)];
  return Math.fround(Math.fround(state.nestedMap[state.qabsmax[b]] * nested) + state.offset);
}

/** All block absmax values, dequantised. */
export function dequantizeAbsmax(state: DoubleQuantAbsmax): Float32Array {
  const out = new Float32Array(state.qabsmax.length);
  for (let b = 0; b < out.length; b++) out[b] = dequantizeAbsmaxAt(state, b);
  return out;
}
