/**
 * The generic implementation of core's NF4_MATMUL fused kernel (x · dequant(W)^T), made
 * of tfjs ops so it runs on every backend; backends may register a faster one for their
 * name. The dense weight is never whole: rows are dequantised one tile at a time, each
 * tile multiplied and dropped. The gradient is with respect to x only (the base is
 * frozen) and recomputes the tiles in backward instead of saving them.
 *
 * `packed` (int32) may hold one packed byte per element ([ceil(out*in / 2)], the layout
 * kernel-names.ts states) or four packed bytes per element, little-endian
 * ([ceil(out*in / 8)]: what QLoRA keeps, a quarter of the memory). The size tells which.
 *
 * Shape legend: N = tokens, in/out = features, n = out * in, nb = ceil(n / blockSize).
 * Not here: double-quantisation of the scales (nf4-tensors.ts undoes it before the call).
 */
import {
  ANY_BACKEND,
  NF4_MATMUL,
  type Nf4MatMulAttrs,
  type Nf4MatMulInputs,
  registerFusedKernel,
  tf,
} from '@gft/core';
import { NF4_CODE } from './nf4-tables.js';

/** Elements per tile the generic kernel aims for (a 1 MiB float32 tile). */
const TILE_ELEMENTS = 1 << 18;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Rows per tile: a multiple that keeps every tile start on a block (and word) boundary. */
export function tileRowsFor(inFeatures: number, outFeatures: number, blockSize: number): number {
  const align = blockSize / gcd(inFeatures, blockSize);
  const rows = Math.max(align, Math.floor(TILE_ELEMENTS / inFeatures / align) * align);
  return Math.min(rows, Math.max(outFeatures, 1));
}

let codeTensor: tf.Tensor1D | undefined;
let nibbleShifts: { bytes: tf.Tensor2D; words: tf.Tensor2D } | undefined;

function constants() {
  if (!codeTensor || codeTensor.isDisposed) codeTensor = tf.keep(tf.tensor1d(NF4_CODE));
  if (!nibbleShifts || nibbleShifts.bytes.isDisposed || nibbleShifts.words.isDisposed) {
    // Divisors 2^shift; element 2k of a byte sits in its high nibble.
    const wordShifts = [4, 0, 12, 8, 20, 16, 28, 24].map((s) => 2 ** s);
    nibbleShifts = {
      bytes: tf.keep(tf.tensor2d([16, 1], [1, 2], 'int32')),
      words: tf.keep(tf.tensor2d(wordShifts, [1, 8], 'int32')),
    };
  }
  return { code: codeTensor, shifts: nibbleShifts };
}

/** Dense rows [r0, r1) as a [(r1 - r0), in] float32 tensor. r0 * in is block-aligned. */
function dequantTile(
  packed: tf.Tensor1D,
  absmax: tf.Tensor1D,
  attrs: Nf4MatMulAttrs,
  r0: number,
  r1: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const { inFeatures: cols, outFeatures: rows, blockSize } = attrs;
    const n = rows * cols;
    const { code, shifts } = constants();
    const perElem = packed.size === Math.ceil(n / 2) ? 2 : 8; // code indices per int32
    const e0 = r0 * cols;
    const e1 = r1 * cols;
    const s0 = e0 / perElem;
    const s1 = Math.min(packed.size, Math.ceil(e1 / perElem));
    const units = packed.slice(s0, s1 - s0).expandDims(1);
    const divisors = perElem === 2 ? shifts.bytes : shifts.words;
    const idx = tf
      .mod(tf.floorDiv(units, divisors), tf.scalar(16, 'int32'))
      .reshape([-1]) as tf.Tensor1D;
    const b0 = e0 / blockSize;
    const nbt = Math.ceil((e1 - e0) / blockSize);
    let values = tf.gather(code, idx.slice(0, Math.min(idx.size, nbt * blockSize)));
    if (values.size < nbt * blockSize) values = values.pad([[0, nbt * blockSize - values.size]]);
    const scales = absmax.slice(b0, nbt).expandDims(1);
    const dense = tf.mul(values.reshape([nbt, blockSize]), scales).reshape([-1]);
    return dense.slice(0, e1 - e0).reshape([r1 - r0, cols]) as tf.Tensor2D;
  });
}

/** Generic NF4 matmul: [N, in] -> [N, out], differentiable in x only. */
export function nf4MatMulGeneric(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): tf.Tensor2D {
  const { packed, absmax } = inputs;
  const { inFeatures, outFeatures, blockSize } = attrs;
  const tileRows = tileRowsFor(inFeatures, outFeatures, blockSize);
  const tiles: Array<[number, number]> = [];
  for (let r0 = 0; r0 < outFeatures; r0 += tileRows) {
    tiles.push([r0, Math.min(outFeatures, r0 + tileRows)]);
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    save([packed, absmax]);
    const parts = tiles.map(([r0, r1]) =>
      tf.tidy(() => tf.matMul(x, dequantTile(packed, absmax, attrs, r0, r1), false, true)),
    );
    const value = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    if (parts.length > 1) for (const p of parts) p.dispose();
    return {
      value,
      gradFunc: (dy, saved) => {
        const [p, a] = saved as [tf.Tensor1D, tf.Tensor1D];
        const g = dy as tf.Tensor2D;
        let dx: tf.Tensor2D | undefined;
        for (const [r0, r1] of tiles) {
          const part = tf.tidy(() =>
            tf.matMul(g.slice([0, r0], [g.shape[0], r1 - r0]), dequantTile(p, a, attrs, r0, r1)),
          ) as tf.Tensor2D;
          if (dx) {
            const sum = tf.add(dx, part) as tf.Tensor2D;
            dx.dispose();
            part.dispose();
            dx = sum;
          } else dx = part;
        }
        return dx as tf.Tensor2D;
      },
    };
  });
  return f(inputs.x) as tf.Tensor2D;
}

let unregister: (() => void) | undefined;

/**
 * Registers the generic kernel for every backend (`'*'`) once per process. QLoRA calls it
 * when it builds its first layer; no import side effects.
 */
export function registerNf4MatMulGeneric(): void {
  if (unregister) return;
  unregister = registerFusedKernel({
    kernelName: NF4_MATMUL,
    backendName: ANY_BACKEND,
    source: '@gft/plugin-qlora generic (nf4-matmul.ts)',
    kernelFunc: nf4MatMulGeneric,
  });
}
