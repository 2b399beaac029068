/**
 * `Transpose` for wasm as a JS kernel over the heap for the permutation training moves
 * the most data with: swapping the last two dims (matmul operands and gradients), cache
 * blocked so both sides stay in cache. Stock tfjs-backend-wasm 4.22 walks every element
 * with per-element index arithmetic: 2-3x slower from ~1 MiB up. Smaller tensors, other
 * permutations (its row copies, e.g. attention's head split, are memcpy-fast) and strings
 * go to the stock kernel. Also the heap-to-heap row copier Slice uses.
 *
 * Shapes: x [...S], perm a permutation of S's axes, out [...S permuted].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** Side of the square tile the 2-D transpose moves at a time (32x32 float32 = 4 KiB). */
const TILE = 32;

/** Smaller transposes go to the stock kernel. */
const JS_MIN_ELEMENTS = 256 * 1024;

/** Rows shorter than this are copied element-wise; longer ones with one `copyWithin`. */
const SHORT_ROW = 16;

/**
 * Copies `n` elements from element `s` of `x` to element `o` of `out` as a memmove inside
 * the heap (`copyWithin` on one view of all of it: no per-row view objects). Integer
 * views, so float bits (NaN payloads included) move unchanged.
 */
export function heapRowCopier(
  backend: WasmBackendInternals,
  x: TensorInfo,
  out: TensorInfo,
): (s: number, o: number, n: number) => void {
  const buffer = backend.wasm.HEAPU8.buffer;
  const wide = x.dtype !== 'bool';
  const heap = wide ? new Int32Array(buffer) : new Uint8Array(buffer);
  const shift = wide ? 2 : 0;
  const from = backend.dataIdMap.get(x.dataId).memoryOffset >>> shift;
  const to = backend.dataIdMap.get(out.dataId).memoryOffset >>> shift;
  return (s, o, n) => {
    if (n < SHORT_ROW) for (let k = 0; k < n; k++) heap[to + o + k] = heap[from + s + k];
    else heap.copyWithin(to + o, from + s, from + s + n);
  };
}

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
  // Below ~1 MiB the stock kernel is as fast (the data sits in cache either way).
  if (!swapLastTwo || tf.util.sizeFromShape(x.shape) < JS_MIN_ELEMENTS) return undefined;
  const outShape = perm.map((axis) => x.shape[axis]);
  // Allocate before taking views: a heap growth detaches earlier ones.
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const [batch, rows, cols] = rank === 2 ? [1, ...canon.shape] : canon.shape;
  transposeBatched(
    backend.typedArrayFromHeap(x),
    backend.typedArrayFromHeap(out),
    batch,
    rows,
    cols,
  );
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
