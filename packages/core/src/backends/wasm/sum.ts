/**
 * `Sum` for wasm over leading axes (column sums: a bias or LayerNorm-scale gradient,
 * `[T, D] -> [D]`), as a JS loop down the rows. Stock tfjs-backend-wasm 4.22 first
 * transposes the reduced axes to the end with its slow generic transpose: ~10 ms for a
 * [4096, 256] column sum against ~1 ms here. Accumulates in float64 in row order, which
 * is what the cpu backend does, so the two agree exactly. Reductions over trailing axes
 * (already fast in stock) and non-float32 tensors keep the stock kernel.
 *
 * Shapes: x [...S]; axis any subset of S's axes; out S without them (kept as 1 with keepDims).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

/**
 * `x`'s dims merged into runs of reduced / kept axes (size-1 dims dropped), outermost
 * first: `[4096, 1, 256]` reducing axis 0 becomes `[{4096, reduced}, {256, kept}]`.
 */
function reductionRuns(shape: readonly number[], axes: readonly number[]) {
  const runs: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = runs.at(-1);
    if (last !== undefined && last.reduced === reduced) last.size *= size;
    else runs.push({ size, reduced });
  });
  return runs;
}

const sum = (args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: { axis: number | number[]; keepDims: boolean };
}): TensorInfo => {
  const { x } = args.inputs;
  const stock = () => stockWasmKernel('Sum')(args as never) as TensorInfo;
  if (x.dtype !== 'float32') return stock();
  const axes = tf.util.parseAxisParam(args.attrs.axis, x.shape);
  const runs = reductionRuns(x.shape, axes);
  // [reduced, kept] or [kept, reduced, kept]: the kept inner run is contiguous per row.
  const pattern = runs.map((r) => (r.reduced ? 'r' : 'k')).join('');
  if (pattern !== 'rk' && pattern !== 'krk') return stock();
  const [batch, rows, cols] =
    pattern === 'rk' ? [1, runs[0].size, runs[1].size] : runs.map((r) => r.size);
  const backend = args.backend as WasmBackendInternals;
  const outShape = args.attrs.keepDims
    ? x.shape.map((size, d) => (axes.includes(d) ? 1 : size))
    : x.shape.filter((_, d) => !axes.includes(d));
  // Allocate before taking views: a heap growth detaches earlier ones.
  const out = backend.makeOutput(outShape, 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const acc = new Float64Array(cols);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    const base = b * rows * cols;
    for (let i = 0; i < rows; i++) {
      const row = base + i * cols;
      for (let j = 0; j < cols; j++) acc[j] += src[row + j];
    }
    dst.set(acc, b * cols);
  }
  return out;
};

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
