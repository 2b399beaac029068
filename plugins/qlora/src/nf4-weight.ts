/**
 * A frozen linear weight held as NF4 with double-quantised absmax, in bitsandbytes'
 * storage layout: the object the QLoRA technique keeps instead of a dense weight.
 * Row-tile dequantisation lives here so the matmul kernel, merging and tests share it.
 *
 * Shape legend: out = output features (rows), in = input features, n = out * in.
 * Not here: the matmul (nf4-matmul.ts), reading checkpoints (bnb-layout.ts).
 */
import { type DoubleQuantAbsmax, dequantizeAbsmaxAt, doubleQuantize } from './double-quant.js';
import { dequantizeNf4Range, quantizeNf4 } from './nf4-quantize.js';
import { DYNAMIC_MAP, NF4_CODE } from './nf4-tables.js';

export interface Nf4Weight {
  /** [out, in] of the dense weight this stands for. */
  shape: [number, number];
  blocksize: number;
  /** [ceil(n / 2)] packed 4-bit indices. */
  packed: Uint8Array;
  /** [16] the NF4 code (NF4_CODE unless a checkpoint stores another). */
  code: Float32Array;
  absmax: DoubleQuantAbsmax;
}

/** Quantises a dense [out, in] float32 weight: NF4, blocks of 64, double quantisation. */
export function quantizeNf4Weight(values: Float32Array, shape: [number, number]): Nf4Weight {
  const { packed, absmax } = quantizeNf4(values, 64);
  const dq = doubleQuantize(absmax, { nestedBlocksize: 256 });
  return {
    shape,
    blocksize: 64,
    packed,
    code: NF4_CODE,
    absmax: {
      qabsmax: dq.qabsmax,
      nestedAbsmax: dq.nestedAbsmax,
      offset: dq.offset,
      nestedBlocksize: dq.nestedBlocksize,
      nestedMap: dq.nestedMap,
    },
  };
}

/**
 * Bytes the weight holds. The code and dynamic map are shared module constants, so they
 * count only when a checkpoint brought its own copies.
 */
export function nf4WeightBytes(w: Nf4Weight): number {
  let bytes = w.packed.byteLength + w.absmax.qabsmax.byteLength;
  bytes += w.absmax.nestedAbsmax.byteLength + 4; // + the float32 offset
  if (w.code !== NF4_CODE) bytes += w.code.byteLength;
  if (w.absmax.nestedMap !== DYNAMIC_MAP) bytes += w.absmax.nestedMap.byteLength;
  return bytes;
}

/** Dense rows [r0, r1) of the weight, row-major [(r1 - r0), in]. */
export function dequantizeRows(
  w: Nf4Weight,
  r0: number,
  r1: number,
  out: Float32Array = new Float32Array((r1 - r0) * w.shape[1]),
): Float32Array {
  const cols = w.shape[1];
  return dequantizeNf4Range(
    w.packed,
    (b) => dequantizeAbsmaxAt(w.absmax, b),
    r0 * cols,
    r1 * cols,
    out,
    w.blocksize,
    w.code,
  );
}

/** The whole dense weight; for tests and merging only, never on the training path. */
export function dequantizeNf4Weight(w: Nf4Weight): Float32Array {
  return dequantizeRows(w, 0, w.shape[0]);
}
