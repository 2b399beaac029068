/**
 * JS kernels over the heap for the broadcasts that tfjs-backend-wasm 4.22 runs slowly in
 * the binary ops it does not hand to XNNPACK: Maximum, Minimum, Pow and the comparisons.
 * Stock recomputes a broadcast index per element once an operand repeats over a middle
 * or trailing dim ([N, H, D] with [N, 1, D], [T, D] with [T, 1]): ~120 ns per element
 * against ~12 ns here. Equal shapes, scalars and leading-dim repeats stay stock (as fast
 * as JS: both are bound by the data-dependent branch). Add, Sub, Multiply, RealDiv and
 * SquaredDifference go to XNNPACK, fast in every broadcast, and are not touched.
 * Element semantics are the cpu backend's (`Math.max`, `**`, ...), so results match it.
 *
 * Shapes broadcast as tfjs defines it (numpy rules); a, b float32 or int32, same dtype.
 */
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

/**
 * One output row: out[o + k] = op(a[ia + k * sa], b[ib + k * sb]) for k < n, sa and sb
 * 0 (broadcast) or 1. One function literal per op, so each call site stays monomorphic
 * and the op is inlined (a shared loop calling an op closure ran ~10x slower).
 */
type Row = (
  a: HeapArray,
  b: HeapArray,
  out: HeapArray,
  ia: number,
  sa: number,
  ib: number,
  sb: number,
  o: number,
  n: number,
) => void;
type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * The broadcast as the fewest dims: size-1 output dims dropped and neighbours merged
 * where both inputs step through them contiguously (or both broadcast). Each dim carries
 * its size and a's and b's element strides (0 = broadcast).
 */
export function broadcastDims(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): { size: number; sa: number; sb: number }[] {
  const strides = (shape: readonly number[]) => {
    const result = new Array<number>(outShape.length).fill(0);
    let stride = 1;
    for (let i = shape.length - 1, o = outShape.length - 1; i >= 0; i--, o--) {
      result[o] = shape[i] === 1 ? 0 : stride;
      stride *= shape[i];
    }
    return result;
  };
  const sa = strides(aShape);
  const sb = strides(bShape);
  const dims: { size: number; sa: number; sb: number }[] = [];
  for (let d = outShape.length - 1; d >= 0; d--) {
    if (outShape[d] === 1) continue;
    const inner = dims.at(-1);
    if (inner !== undefined && sa[d] === inner.sa * inner.size && sb[d] === inner.sb * inner.size) {
      inner.size *= outShape[d];
    } else {
      dims.push({ size: outShape[d], sa: sa[d], sb: sb[d] });
    }
  }
  return dims.reverse();
}

function run(
  a: HeapArray,
  b: HeapArray,
  out: HeapArray,
  dims: ReturnType<typeof broadcastDims>,
  row: Row,
): void {
  if (dims.length === 0) {
    row(a, b, out, 0, 0, 0, 0, 0, 1);
    return;
  }
  const { size: n, sa, sb } = dims[dims.length - 1];
  const outer = dims.slice(0, -1);
  const index = new Array<number>(outer.length).fill(0);
  const rows = outer.reduce((p, d) => p * d.size, 1);
  let ia = 0;
  let ib = 0;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    row(a, b, out, ia, sa, ib, sb, o, n);
    for (let d = outer.length - 1; d >= 0; d--) {
      index[d]++;
      ia += outer[d].sa;
      ib += outer[d].sb;
      if (index[d] < outer[d].size) break;
      ia -= outer[d].sa * outer[d].size;
      ib -= outer[d].sb * outer[d].size;
      index[d] = 0;
    }
  }
}

/**
 * Whether the stock kernel takes its slow path: equal shapes, a scalar, or one operand
 * repeated over leading dims run at the same speed as this JS loop (both are bound by
 * the data-dependent branch of max / compare), every other broadcast ~10x slower.
 */
export function stockIsSlow(dims: ReturnType<typeof broadcastDims>): boolean {
  if (dims.length <= 1) return false;
  const leadingRepeat =
    dims.length === 2 &&
    (dims[0].sa === 0 || dims[0].sb === 0) &&
    dims[1].sa === 1 &&
    dims[1].sb === 1;
  return !leadingRepeat;
}

// Pure: lets a bundler drop BROADCAST_BINARY_CONFIGS from an app that never sets up wasm.
/* @__NO_SIDE_EFFECTS__ */
function binaryKernel(
  kernelName: string,
  row: Row,
  options: { outDtype?: DataType; int32AlwaysJs?: boolean } = {},
): KernelConfig {
  const { outDtype, int32AlwaysJs = false } = options;
  const kernelFunc = (args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: unknown }) => {
    const { a, b } = args.inputs;
    const numeric = (t: TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32';
    if (!numeric(a) || a.dtype !== b.dtype) {
      return stockWasmKernel(kernelName)(args as never) as TensorInfo;
    }
    const backend = args.backend as WasmBackendInternals;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const dims = broadcastDims(a.shape, b.shape, outShape);
    const jsWanted = stockIsSlow(dims) || (int32AlwaysJs && a.dtype === 'int32');
    if (!jsWanted) return stockWasmKernel(kernelName)(args as never) as TensorInfo;
    // Allocate before taking views: a heap growth detaches earlier ones.
    const out = backend.makeOutput(outShape, outDtype ?? a.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    run(
      backend.typedArrayFromHeap(a),
      backend.typedArrayFromHeap(b),
      backend.typedArrayFromHeap(out),
      dims,
      row,
    );
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const BROADCAST_BINARY_CONFIGS: readonly KernelConfig[] = [
  binaryKernel('Maximum', (a, b, out, ia, sa, ib, sb, o, n) => {
    for (let k = 0; k < n; k++) out[o + k] = Math.max(a[ia + k * sa], b[ib + k * sb]);
  }),
  binaryKernel('Minimum', (a, b, out, ia, sa, ib, sb, o, n) => {
    for (let k = 0; k < n; k++) out[o + k] = Math.min(a[ia + k * sa], b[ib + k * sb]);
  }),
  binaryKernel(
    'Greater',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] > b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  binaryKernel(
    'GreaterEqual',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] >= b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  binaryKernel(
    'Less',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] < b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  binaryKernel(
    'LessEqual',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] <= b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  binaryKernel(
    'Equal',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] === b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  binaryKernel(
    'NotEqual',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] !== b[ib + k * sb] ? 1 : 0;
    },
    { outDtype: 'bool' },
  ),
  // int32 always here: stock gives -2^31 for 0 ** -k where cpu (and Math.pow) give 0.
  binaryKernel(
    'Pow',
    (a, b, out, ia, sa, ib, sb, o, n) => {
      for (let k = 0; k < n; k++) out[o + k] = a[ia + k * sa] ** b[ib + k * sb];
    },
    { int32AlwaysJs: true },
  ),
];
