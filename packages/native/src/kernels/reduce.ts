/**
 * Reductions (Sum, Mean, Max, Min, Prod, Any, All, ArgMax, ArgMin) and Softmax. The native
 * `reduce` kernel sees [outer, R, inner]; axes that are not adjacent are transposed last first.
 */
import { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import { REDUCE } from './codes.js';
import { castTo } from './elementwise.js';
import { kernel, type NativeKernel } from './kernel.js';
import { sizeOf } from './layout.js';
import { transpose } from './movement.js';

type ReduceName = keyof typeof REDUCE;

function outDtype(op: ReduceName, dtype: tf.DataType): tf.DataType {
  if (op === 'ArgMax' || op === 'ArgMin') return 'int32';
  if (op === 'Any' || op === 'All') return 'bool';
  if (op === 'Mean') return 'float32';
  if ((op === 'Sum' || op === 'Prod') && dtype === 'bool') return 'int32';
  return dtype;
}

export function reduce(
  backend: NativeBackend,
  op: ReduceName,
  x: NativeTensorInfo,
  axisParam: number | number[],
  keepDims: boolean,
): NativeTensorInfo {
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axisParam, x.shape).sort((p, q) => p - q);
  let input = x;
  const owned: NativeTensorInfo[] = [];
  const dtype = outDtype(op, x.dtype);
  if (
    (op === 'Mean' && x.dtype !== 'float32') ||
    (dtype === 'int32' && x.dtype === 'bool' && op !== 'ArgMax' && op !== 'ArgMin')
  ) {
    input = castTo(backend, x, op === 'Mean' ? 'float32' : 'int32');
    owned.push(input);
  }
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  let outer: number;
  let reduced: number;
  let inner: number;
  if (axes.length === 0) {
    outer = sizeOf(x.shape);
    reduced = 1;
    inner = 1;
  } else if (contiguous) {
    outer = sizeOf(x.shape.slice(0, axes[0]));
    reduced = sizeOf(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
    inner = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
  } else {
    const perm = tf.backend_util.getAxesPermutation(axes, rank) ?? [];
    const moved = transpose(backend, input, perm);
    owned.push(moved);
    input = moved;
    reduced = sizeOf(axes.map((a) => x.shape[a]));
    outer = sizeOf(x.shape) / Math.max(1, reduced);
    inner = 1;
  }
  const kept = x.shape.filter((_, d) => !axes.includes(d));
  const outShape = keepDims ? x.shape.map((s, d) => (axes.includes(d) ? 1 : s)) : kept;
  const out = backend.makeOutput(outShape, dtype);
  if (sizeOf(outShape) > 0) {
    if (reduced === 0) {
      const identity =
        op === 'Prod' || op === 'All'
          ? 1
          : op === 'Max'
            ? -Infinity
            : op === 'Min'
              ? Infinity
              : op === 'Mean'
                ? Number.NaN
                : 0;
      backend.run('fill', [out], [backend.dtypeCode(dtype, op), sizeOf(outShape), identity]);
    } else {
      backend.run(
        'reduce',
        [input, out],
        [REDUCE[op], backend.dtypeCode(input.dtype, op), outer, reduced, inner],
      );
    }
  }
  for (const t of owned) backend.disposeData(t.dataId);
  return out;
}

const reductions = (['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All'] as const).map((op) =>
  kernel<{ axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean }>(
    op,
    ({ inputs, backend, attrs }) =>
      reduce(
        backend,
        op,
        inputs.x,
        attrs.axis ?? attrs.reductionIndices ?? (null as never),
        attrs.keepDims,
      ),
  ),
);

const argReductions = (['ArgMax', 'ArgMin'] as const).map((op) =>
  kernel<{ axis: number }>(op, ({ inputs, backend, attrs }) =>
    reduce(backend, op, inputs.x, [attrs.axis], false),
  ),
);

export const reduceKernels: NativeKernel[] = [
  ...reductions,
  ...argReductions,
  kernel<{ dim: number }>('Softmax', ({ inputs, backend, attrs }) => {
    const logits = inputs.logits;
    const rank = logits.shape.length;
    const dim = attrs.dim < 0 ? rank + attrs.dim : attrs.dim;
    if (dim !== rank - 1) throw new Error('native Softmax: only the last dimension is supported');
    const out = backend.makeOutput(logits.shape, 'float32');
    const cols = logits.shape[rank - 1];
    if (sizeOf(logits.shape) > 0) {
      backend.run('softmax', [logits, out], [sizeOf(logits.shape) / cols, cols]);
    }
    return out;
  }),
];
