/**
 * `Slice`, `SplitV` and the contiguous case of `StridedSlice` for wasm, copying only the
 * selected elements heap to heap. Stock tfjs-backend-wasm 4.22 starts each of them with
 * `backend.readSync(x)`, a copy of the *whole* input off the heap per call, so splitting
 * a tensor into n parts copied it n times. Strings and strided (step != 1) slices keep
 * the stock kernels. Not a view mechanism: each output owns a fresh buffer.
 *
 * Shapes: x [...S], begin/size per axis (size -1 = to the end), out [...size].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import { heapRowCopier } from './transpose.js';
import type { WasmBackendInternals } from './wasm-internals.js';

/** Copies x[begin : begin + size] into a new tensor; begin/size already resolved. */
export function sliceOnHeap(
  backend: WasmBackendInternals,
  x: TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): TensorInfo {
  // Allocate before taking views: a heap growth detaches earlier ones.
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape([...size]);
  if (total === 0) return out;
  const copy = heapRowCopier(backend, x, out);
  const rank = x.shape.length;
  if (rank === 0) {
    copy(0, 0, 1);
    return out;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * x.shape[d + 1];
  // Trailing dims taken whole, plus the first partial one, form one contiguous run.
  let d = rank - 1;
  while (d > 0 && size[d] === x.shape[d]) d--;
  const run = size[d] * strides[d];
  let s = 0;
  for (let i = 0; i < rank; i++) s += begin[i] * strides[i];
  const outer = size.slice(0, d);
  const index = new Array<number>(d).fill(0);
  const runs = total / run;
  for (let r = 0, o = 0; r < runs; r++, o += run) {
    copy(s, o, run);
    for (let i = d - 1; i >= 0; i--) {
      index[i]++;
      s += strides[i];
      if (index[i] < outer[i]) break;
      s -= strides[i] * outer[i];
      index[i] = 0;
    }
  }
  return out;
}

interface SliceAttrs {
  begin: number | number[];
  size: number | number[];
}

const slice = (args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: SliceAttrs;
}): TensorInfo => {
  const { x } = args.inputs;
  if (x.dtype === 'string') return stockWasmKernel('Slice')(args as never) as TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs.begin,
    args.attrs.size,
  );
  tf.slice_util.assertParamsValid(x as unknown as tf.Tensor, begin, size);
  return sliceOnHeap(args.backend as WasmBackendInternals, x, begin, size);
};

export const sliceConfig: KernelConfig = {
  kernelName: 'Slice',
  backendName: 'wasm',
  kernelFunc: slice as unknown as KernelFunc,
};

const splitV = (args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: { numOrSizeSplits: number | number[]; axis: number };
}): TensorInfo[] => {
  const { x } = args.inputs;
  if (x.dtype === 'string') return stockWasmKernel('SplitV')(args as never) as TensorInfo[];
  const backend = args.backend as WasmBackendInternals;
  const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs.numOrSizeSplits,
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  const outputs: TensorInfo[] = [];
  try {
    for (const part of sizes) {
      const size = [...x.shape];
      size[axis] = part;
      outputs.push(sliceOnHeap(backend, x, begin, size));
      begin[axis] += part;
    }
  } catch (error) {
    for (const t of outputs) backend.disposeData(t.dataId);
    throw error;
  }
  return outputs;
};

export const splitVConfig: KernelConfig = {
  kernelName: 'SplitV',
  backendName: 'wasm',
  kernelFunc: splitV as unknown as KernelFunc,
};

interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** Unit-stride strided slices are plain slices plus a reshape; the rest stay stock. */
const stridedSlice = (args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: StridedSliceAttrs;
}): TensorInfo => {
  const { x } = args.inputs;
  const a = args.attrs;
  if (x.dtype === 'string') return stockWasmKernel('StridedSlice')(args as never) as TensorInfo;
  const info = tf.slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice)) {
    return stockWasmKernel('StridedSlice')(args as never) as TensorInfo;
  }
  const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
  if (size.some((n) => n < 0)) return stockWasmKernel('StridedSlice')(args as never) as TensorInfo;
  const out = sliceOnHeap(args.backend as WasmBackendInternals, x, info.begin, size);
  // A fresh buffer of the same element count: the final shape is a relabelling.
  return { ...out, shape: info.finalShape };
};

export const stridedSliceConfig: KernelConfig = {
  kernelName: 'StridedSlice',
  backendName: 'wasm',
  kernelFunc: stridedSlice as unknown as KernelFunc,
};
