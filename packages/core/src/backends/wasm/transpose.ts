/**
 * `Transpose` for wasm as a JS kernel over the heap, for the permutations training uses:
 * swapping the last two dims (matmul operands and gradients, cache-blocked so both
 * sides stay in cache) and any permutation that keeps the last dim in place (attention's
 * head split/merge, `[T, H, D] <-> [H, T, D]`: whole inner rows copied). Stock
 * tfjs-backend-wasm 4.22 walks every element with per-element index arithmetic: 2-3x
 * slower on 2-D and far slower on the row-copy case. Other permutations (and strings)
 * go to the stock kernel. Not a general strided-copy library.
 *
 * Shapes: x [...S], perm a permutation of S's axes, out [...S permuted].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** Side of the square tile the 2-D transpose moves at a time (32x32 float32 = 4 KiB). */
const TILE = 32;

/**
 * The same permutation on the fewest dims: size-1 dims dropped, and input dims that stay
 * adjacent and in order in the output merged. `[1, 128, 2, 128]` with perm `[0, 2, 1, 3]`
 * becomes `[128, 2, 128]` with `[1, 0, 2]`.
 */
export function canonicalPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of consecutive input axes, in output order.
  const runs: number[][] = [];
  for (const axis of kept) {
    const last = runs.at(-1);
    if (last !== undefined && axis === last.at(-1)! + 1) last.push(axis);
    else runs.push([axis]);
  }
  // Merged input dims are the runs sorted by their first input axis.
  const byInput = [...runs.keys()].sort((p, q) => runs[p][0] - runs[q][0]);
  const mergedShape = byInput.map((r) => runs[r].reduce((s, axis) => s * shape[axis], 1));
  const position = new Array<number>(runs.length);
  byInput.forEach((r, i) => {
    position[r] = i;
  });
  return { shape: mergedShape, perm: runs.map((_, r) => position[r]) };
}

/** dst[b][j][i] = src[b][i][j] for `batch` matrices of rows x cols, tile by tile. */
function transposeBatched(
  src: HeapArray,
  dst: HeapArray,
  batch: number,
  rows: number,
  cols: number,
): void {
  const plane = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * plane;
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i0 = 0; i0 < rows; i0 += TILE) {
        const i1 = Math.min(i0 + TILE, rows);
        let j = j0;
        // Four output rows per pass: each source row is read 4 contiguous values at a time.
        for (; j + 4 <= j1; j += 4) {
          const d0 = base + j * rows;
          const d1 = d0 + rows;
          const d2 = d1 + rows;
          const d3 = d2 + rows;
          for (let i = i0, s = base + i0 * cols + j; i < i1; i++, s += cols) {
            dst[d0 + i] = src[s];
            dst[d1 + i] = src[s + 1];
            dst[d2 + i] = src[s + 2];
            dst[d3 + i] = src[s + 3];
          }
        }
        for (; j < j1; j++) {
          const d = base + j * rows;
          for (let i = i0, s = base + i0 * cols + j; i < i1; i++, s += cols) dst[d + i] = src[s];
        }
      }
    }
  }
}

/** Copies whole inner rows (the last dim stays last): one `set` or short loop per row. */
function permuteRows(src: HeapArray, dst: HeapArray, shape: number[], perm: number[]): void {
  const rank = shape.length;
  const row = shape[rank - 1];
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * shape[d + 1];
  // Output dims except the last, with the input stride each one walks.
  const outer = perm.slice(0, -1).map((axis) => shape[axis]);
  const stride = perm.slice(0, -1).map((axis) => inStrides[axis]);
  const index = new Array<number>(outer.length).fill(0);
  const rowsTotal = outer.reduce((a, b) => a * b, 1);
  let s = 0;
  for (let r = 0, o = 0; r < rowsTotal; r++, o += row) {
    if (row >= 16) dst.set(src.subarray(s, s + row), o);
    else for (let k = 0; k < row; k++) dst[o + k] = src[s + k];
    for (let d = outer.length - 1; d >= 0; d--) {
      index[d]++;
      s += stride[d];
      if (index[d] < outer[d]) break;
      s -= stride[d] * outer[d];
      index[d] = 0;
    }
  }
}

/**
 * Transposes `x` on the heap if the permutation is one of the fast cases, else returns
 * undefined. The caller owns the returned tensor.
 */
export function fastTranspose(
  backend: WasmBackendInternals,
  x: TensorInfo,
  perm: readonly number[],
): TensorInfo | undefined {
  if (x.dtype === 'string') return undefined;
  const canon = canonicalPermutation(x.shape, perm);
  const rank = canon.perm.length;
  const swapLastTwo =
    (rank === 2 && canon.perm[0] === 1) ||
    (rank === 3 && canon.perm[0] === 0 && canon.perm[1] === 2 && canon.perm[2] === 1);
  const rowCopy = rank >= 2 && canon.perm[rank - 1] === rank - 1;
  if (!swapLastTwo && !rowCopy) return undefined;
  const outShape = perm.map((axis) => x.shape[axis]);
  // Allocate before taking views: a heap growth detaches earlier ones.
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (swapLastTwo) {
    const [batch, rows, cols] = rank === 2 ? [1, ...canon.shape] : canon.shape;
    transposeBatched(src, dst, batch, rows, cols);
  } else {
    permuteRows(src, dst, canon.shape, canon.perm);
  }
  return out;
}

/** Swaps the last two dims of `x` (rank >= 2) on the heap; the caller disposes. */
export function transposeLastTwoDims(backend: WasmBackendInternals, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return (
    fastTranspose(backend, x, perm) ??
    (stockWasmKernel('Transpose')({
      inputs: { x },
      backend: backend as never,
      attrs: { perm },
    }) as TensorInfo)
  );
}

const transpose = (args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: { perm: number[] };
}): TensorInfo => {
  const backend = args.backend as WasmBackendInternals;
  return (
    fastTranspose(backend, args.inputs.x, args.attrs.perm) ??
    (stockWasmKernel('Transpose')(args as never) as TensorInfo)
  );
};

export const transposeConfig: KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transpose as unknown as KernelFunc,
};
