/**
 * Data-movement tfjs kernels: views that share buffers (Reshape, Identity) and copies that
 * the native `strided`, `concat`, `pad`, `tile`, `gather` and `segmentSum` kernels do.
 */
import { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import { broadcastTo, castTo } from './elementwise.js';
import { kernel, type NativeKernel } from './kernel.js';
import { collapse, sizeOf, stridesOf } from './layout.js';

const elemBytes = (x: NativeTensorInfo) => (x.dtype === 'bool' ? 1 : 4);

/** Copies the view (shape, strides, offset in elements) of `x` into a new contiguous tensor. */
export function stridedCopy(
  backend: NativeBackend,
  x: NativeTensorInfo,
  shape: number[],
  strides: number[],
  offset: number,
): NativeTensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  if (sizeOf(shape) === 0) return out;
  const full = shape.length === 0 ? [1] : shape;
  const { shape: cs, strides: cst } = collapse(full, [shape.length === 0 ? [1] : strides]);
  backend.run('strided', [x, out], [elemBytes(x), cs.length, ...cs, ...cst[0], offset]);
  return out;
}

export function transpose(
  backend: NativeBackend,
  x: NativeTensorInfo,
  perm: number[],
): NativeTensorInfo {
  const own = stridesOf(x.shape);
  return stridedCopy(
    backend,
    x,
    perm.map((p) => x.shape[p]),
    perm.map((p) => own[p]),
    0,
  );
}

export function slice(
  backend: NativeBackend,
  x: NativeTensorInfo,
  begin: number[],
  size: number[],
): NativeTensorInfo {
  const own = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d] * own[d];
  // A slice of whole trailing rows is contiguous, but copying keeps ownership simple.
  return stridedCopy(backend, x, size, own, offset);
}

function concat(backend: NativeBackend, xs: NativeTensorInfo[], axis: number): NativeTensorInfo {
  const shapes = xs.map((x) => x.shape);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const dtype = xs[0].dtype;
  const out = backend.makeOutput(outShape, dtype);
  if (sizeOf(outShape) === 0) return out;
  const nonEmpty = xs.filter((x) => sizeOf(x.shape) > 0);
  const outer = sizeOf(outShape.slice(0, axis));
  const inners = nonEmpty.map((x) => sizeOf(x.shape.slice(axis)));
  backend.run('concat', [...nonEmpty, out], [elemBytes(xs[0]), outer, ...inners]);
  return out;
}

function parseAxis(axis: number | number[], rank: number): number {
  return tf.util.parseAxisParam(axis, new Array(rank).fill(1))[0];
}

export const movementKernels: NativeKernel[] = [
  kernel<{ shape: number[] }>('Reshape', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const shape = tf.util.inferFromImplicitShape(attrs.shape, sizeOf(x.shape));
    return backend.share(x, shape);
  }),
  kernel('Identity', ({ inputs, backend }) => backend.share(inputs.x)),
  kernel<{ dim: number }>('ExpandDims', ({ inputs, backend, attrs }) => {
    const x = inputs.input;
    const rank = x.shape.length;
    const dim = attrs.dim < 0 ? rank + 1 + attrs.dim : attrs.dim;
    const shape = [...x.shape];
    shape.splice(dim, 0, 1);
    return backend.share(x, shape);
  }),
  kernel<{ perm: number[] }>('Transpose', ({ inputs, backend, attrs }) =>
    transpose(backend, inputs.x, attrs.perm),
  ),
  kernel<{ begin: number | number[]; size: number | number[] }>(
    'Slice',
    ({ inputs, backend, attrs }) => {
      const x = inputs.x;
      const [begin, size] = tf.slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
      return slice(backend, x, begin, size);
    },
  ),
  kernel<tf.StridedSliceAttrs>('StridedSlice', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const info = tf.slice_util.sliceInfo(
      x.shape,
      attrs.begin,
      attrs.end,
      attrs.strides,
      attrs.beginMask,
      attrs.endMask,
      attrs.ellipsisMask,
      attrs.newAxisMask,
      attrs.shrinkAxisMask,
    );
    const own = stridesOf(x.shape);
    let offset = 0;
    for (let d = 0; d < x.shape.length; d++) offset += info.begin[d] * own[d];
    const copied = stridedCopy(
      backend,
      x,
      tf.slice_util.computeOutShape(info.begin, info.end, info.strides),
      info.strides.map((s, d) => s * own[d]),
      offset,
    );
    const out = backend.share(copied, info.finalShape);
    backend.disposeData(copied.dataId);
    return out;
  }),
  kernel<{ axis: number }>('Concat', ({ inputs, backend, attrs }) => {
    const xs = Object.values(inputs);
    return concat(backend, xs, parseAxis(attrs.axis, xs[0].shape.length));
  }),
  kernel<{ axis: number }>('Pack', ({ inputs, backend, attrs }) => {
    const xs = Object.values(inputs);
    const rank = xs[0].shape.length + 1;
    const axis = parseAxis(attrs.axis, rank);
    const expanded = xs.map((x) => {
      const shape = [...x.shape];
      shape.splice(axis, 0, 1);
      return backend.share(x, shape);
    });
    const out = concat(backend, expanded, axis);
    for (const e of expanded) backend.disposeData(e.dataId);
    return out;
  }),
  kernel<{ axis: number }>('Unpack', ({ inputs, backend, attrs }) => {
    const x = inputs.value;
    const axis = parseAxis(attrs.axis, x.shape.length);
    const outShape = x.shape.filter((_, d) => d !== axis);
    const size = [...x.shape];
    size[axis] = 1;
    const results: NativeTensorInfo[] = [];
    for (let i = 0; i < x.shape[axis]; i++) {
      const begin = new Array(x.shape.length).fill(0);
      begin[axis] = i;
      const part = slice(backend, x, begin, size);
      results.push(backend.share(part, outShape));
      backend.disposeData(part.dataId);
    }
    return results;
  }),
  kernel<{ numOrSizeSplits: number | number[]; axis: number }>(
    'SplitV',
    ({ inputs, backend, attrs }) => {
      const x = inputs.x;
      const axis = parseAxis(attrs.axis, x.shape.length);
      const sizes = tf.backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
      const begin = new Array(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = [...x.shape];
        size[axis] = s;
        const part = slice(backend, x, [...begin], size);
        begin[axis] += s;
        return part;
      });
    },
  ),
  kernel<{ paddings: Array<[number, number]>; constantValue: number }>(
    'PadV2',
    ({ inputs, backend, attrs }) => {
      const x = inputs.x;
      const outShape = x.shape.map((d, i) => d + attrs.paddings[i][0] + attrs.paddings[i][1]);
      const out = backend.makeOutput(outShape, x.dtype);
      if (x.shape.length === 0) {
        backend.run('fill', [out], [backend.dtypeCode(x.dtype, 'PadV2'), 1, attrs.constantValue]);
        return out;
      }
      backend.run(
        'pad',
        [x, out],
        [
          backend.dtypeCode(x.dtype, 'PadV2'),
          x.shape.length,
          ...x.shape,
          ...attrs.paddings.map((p) => p[0]),
          attrs.constantValue,
          ...attrs.paddings.map((p) => p[1]),
        ],
      );
      return out;
    },
  ),
  kernel<{ reps: number[] }>('Tile', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const outShape = x.shape.map((d, i) => d * attrs.reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    if (sizeOf(outShape) === 0) return out;
    if (x.shape.length === 0) return backend.share(x);
    backend.run('tile', [x, out], [elemBytes(x), x.shape.length, ...x.shape, ...outShape]);
    return out;
  }),
  kernel<{ shape: number[] }>('BroadcastTo', ({ inputs, backend, attrs }) =>
    broadcastTo(backend, inputs.x, attrs.shape),
  ),
  kernel<{ dims: number | number[] }>('Reverse', ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const dims = tf.util.parseAxisParam(attrs.dims, x.shape);
    const own = stridesOf(x.shape);
    let offset = 0;
    const strides = own.map((s, d) => {
      if (!dims.includes(d)) return s;
      offset += (x.shape[d] - 1) * s;
      return -s;
    });
    return stridedCopy(backend, x, [...x.shape], strides, offset);
  }),
  kernel<{ axis: number; batchDims: number }>('GatherV2', ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs;
    if (attrs.batchDims !== 0) {
      throw new Error('native GatherV2: batchDims other than 0 is not supported');
    }
    const axis = parseAxis(attrs.axis, x.shape.length);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = backend.makeOutput(outShape, x.dtype);
    if (sizeOf(outShape) === 0) return out;
    const idx = indices.dtype === 'int32' ? indices : castTo(backend, indices, 'int32');
    backend.run(
      'gather',
      [x, idx, out],
      [
        elemBytes(x),
        sizeOf(x.shape.slice(0, axis)),
        x.shape[axis],
        sizeOf(x.shape.slice(axis + 1)),
        sizeOf(indices.shape),
      ],
    );
    if (idx !== indices) backend.disposeData(idx.dataId);
    return out;
  }),
  kernel<{ numSegments: number }>('UnsortedSegmentSum', ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs;
    const rows = sizeOf(segmentIds.shape);
    const inner = rows === 0 ? 0 : sizeOf(x.shape) / rows;
    const outShape = [attrs.numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = backend.makeOutput(outShape, x.dtype);
    const ids = segmentIds.dtype === 'int32' ? segmentIds : castTo(backend, segmentIds, 'int32');
    backend.run(
      'segmentSum',
      [x, ids, out],
      [
        backend.dtypeCode(x.dtype, 'UnsortedSegmentSum'),
        rows,
        sizeOf(outShape.slice(1)) || inner,
        attrs.numSegments,
      ],
    );
    if (ids !== segmentIds) backend.disposeData(ids.dataId);
    return out;
  }),
  kernel<{ depth: number; onValue: number; offValue: number; dtype: tf.DataType }>(
    'OneHot',
    ({ inputs, backend, attrs }) => {
      const indices = inputs.indices;
      const out = backend.makeOutput([...indices.shape, attrs.depth], attrs.dtype);
      const idx = indices.dtype === 'int32' ? indices : castTo(backend, indices, 'int32');
      backend.run(
        'oneHot',
        [idx, out],
        [
          sizeOf(indices.shape),
          attrs.depth,
          attrs.onValue,
          attrs.offValue,
          backend.dtypeCode(attrs.dtype, 'OneHot'),
        ],
      );
      if (idx !== indices) backend.disposeData(idx.dataId);
      return out;
    },
  ),
];
