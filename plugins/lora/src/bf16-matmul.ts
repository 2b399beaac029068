/**
 * The generic implementation of core's BF16_MATMUL fused kernel (x · W^T for a bf16-stored W),
 * made of tfjs ops so it runs on every backend; backends may register a faster one (the native
 * engine does). tfjs has no bit casts, so each bf16 pattern is looked up in a 65,536-entry
 * float32 table (exact). W is widened one tile of rows at a time, never whole; the gradient is
 * with respect to x only (the base is frozen) and widens the tiles again instead of saving them.
 *
 * Shape legend: N = tokens, in/out = features.
 */
import {
  ANY_BACKEND,
  BF16_MATMUL,
  type Bf16MatMulAttrs,
  type Bf16MatMulInputs,
  registerFusedKernel,
  tf,
} from '@gft/core';
import { bf16Table } from './bf16-words.js';

/** Elements per tile (a 1 MiB float32 tile). */
const TILE_ELEMENTS = 1 << 18;

let constants: { table: tf.Tensor1D; halves: tf.Tensor2D } | undefined;

function tableTensors() {
  if (!constants || constants.table.isDisposed || constants.halves.isDisposed) {
    constants = {
      table: tf.keep(tf.tensor1d(bf16Table())),
      // Divisors that bring each half of a word down: low half first.
      halves: tf.keep(tf.tensor2d([1, 65536], [1, 2], 'int32')),
    };
  }
  return constants;
}

/** Rows per tile, even when `in` is odd so every tile starts on a word boundary. */
function tileRows(attrs: Bf16MatMulAttrs): number {
  const align = attrs.inFeatures % 2 === 0 ? 1 : 2;
  const rows = Math.max(
    align,
    Math.floor(TILE_ELEMENTS / Math.max(1, attrs.inFeatures) / align) * align,
  );
  return Math.min(rows, Math.max(attrs.outFeatures, 1));
}

/** Rows [r0, r1) of W as a [(r1 - r0), in] float32 tensor. */
function widenTile(
  packed: tf.Tensor1D,
  attrs: Bf16MatMulAttrs,
  r0: number,
  r1: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const cols = attrs.inFeatures;
    const { table, halves } = tableTensors();
    const e0 = r0 * cols;
    const e1 = r1 * cols;
    const w0 = e0 / 2;
    const w1 = Math.ceil(e1 / 2);
    const words = packed.slice(w0, w1 - w0).expandDims(1);
    const idx = tf.mod(tf.floorDiv(words, halves), tf.scalar(65536, 'int32')).reshape([-1]);
    return tf
      .gather(table, idx)
      .slice(0, e1 - e0)
      .reshape([r1 - r0, cols]) as tf.Tensor2D;
  });
}

/** Generic bf16 matmul: [N, in] -> [N, out], differentiable in x only. */
export function bf16MatMulGeneric(inputs: Bf16MatMulInputs, attrs: Bf16MatMulAttrs): tf.Tensor2D {
  const { packed } = inputs;
  const rows = tileRows(attrs);
  const tiles: Array<[number, number]> = [];
  for (let r0 = 0; r0 < attrs.outFeatures; r0 += rows) {
    tiles.push([r0, Math.min(attrs.outFeatures, r0 + rows)]);
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    save([packed]);
    const parts = tiles.map(([r0, r1]) =>
      tf.tidy(() => tf.matMul(x, widenTile(packed, attrs, r0, r1), false, true)),
    );
    const value = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    if (parts.length > 1) tf.dispose(parts);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [p] = saved as [tf.Tensor1D];
        const g = dy as tf.Tensor2D;
        let dx: tf.Tensor2D | undefined;
        for (const [r0, r1] of tiles) {
          const part = tf.tidy(() =>
            tf.matMul(g.slice([0, r0], [g.shape[0], r1 - r0]), widenTile(p, attrs, r0, r1)),
          ) as tf.Tensor2D;
          if (dx) {
            const sum = tf.add(dx, part) as tf.Tensor2D;
            tf.dispose([dx, part]);
            dx = sum;
          } else dx = part;
        }
        return dx as tf.Tensor2D;
      },
    };
  });
  return f(inputs.x) as tf.Tensor2D;
}

let registered = false;

/** Registers the generic kernel for every backend once per process (no import side effects). */
export function registerBf16MatMulGeneric(): void {
  if (registered) return;
  registered = true;
  registerFusedKernel({
    kernelName: BF16_MATMUL,
    backendName: ANY_BACKEND,
    source: '@gft/plugin-lora generic (bf16-matmul.ts)',
    kernelFunc: bf16MatMulGeneric,
  });
}
