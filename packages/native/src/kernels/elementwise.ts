/**
 * Element-wise tfjs kernels on the native `unary`, `binary`, `select`, `cast`, `fill` and
 * `addN` kernels. dtype rules follow tfjs-cpu: float math on int32 input yields float32;
 * comparisons yield bool; the rest keep the input dtype.
 */
import { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import { BINARY, UNARY } from './codes.js';
import { kernel, type NativeKernel } from './kernel.js';
import { broadcastStrides, collapse, sizeOf } from './layout.js';

/** Unary ops whose result is float whatever the input (tfjs-cpu casts int32 first). */
const FLOAT_ONLY = new Set<keyof typeof UNARY>([
  'Exp',
  'Log',
  'Sqrt',
  'Rsqrt',
  'Sigmoid',
  'Tanh',
  'Reciprocal',
  'Log1p',
  'Expm1',
  'Sin',
  'Cos',
  'Softplus',
  'Elu',
  'Erf',
  'GeluTanh',
  'Selu',
  'Step',
  'LeakyRelu',
]);
const PREDICATES = new Set<keyof typeof UNARY>(['IsNan', 'IsInf', 'IsFinite', 'LogicalNot']);

export function castTo(
  backend: NativeBackend,
  x: NativeTensorInfo,
  dtype: tf.DataType,
): NativeTensorInfo {
  if (x.dtype === dtype) return backend.share(x);
  const out = backend.makeOutput(x.shape, dtype);
  backend.run(
    'cast',
    [x, out],
    [backend.dtypeCode(x.dtype, 'Cast'), backend.dtypeCode(dtype, 'Cast'), sizeOf(x.shape)],
  );
  return out;
}

export function unary(
  backend: NativeBackend,
  op: keyof typeof UNARY,
  x: NativeTensorInfo,
  alpha = 0,
  beta = 0,
): NativeTensorInfo {
  if (FLOAT_ONLY.has(op) && x.dtype !== 'float32') {
    const f = castTo(backend, x, 'float32');
    const out = unary(backend, op, f, alpha, beta);
    backend.disposeData(f.dataId);
    return out;
  }
  const outDtype = PREDICATES.has(op) ? 'bool' : x.dtype;
  const out = backend.makeOutput(x.shape, outDtype);
  backend.run(
    'unary',
    [x, out],
    [UNARY[op], backend.dtypeCode(x.dtype, op), sizeOf(x.shape), alpha, beta],
  );
  return out;
}

const COMPARISONS = new Set<keyof typeof BINARY>([
  'Equal',
  'NotEqual',
  'Less',
  'LessEqual',
  'Greater',
  'GreaterEqual',
  'LogicalAnd',
  'LogicalOr',
]);

export function binary(
  backend: NativeBackend,
  op: keyof typeof BINARY,
  a: NativeTensorInfo,
  b: NativeTensorInfo,
): NativeTensorInfo {
  if (a.dtype !== b.dtype) {
    // tfjs ops make types match before the kernel; kernels called directly may not.
    const common = tf.upcastType(a.dtype, b.dtype);
    const ac = castTo(backend, a, common);
    const bc = castTo(backend, b, common);
    const out = binary(backend, op, ac, bc);
    backend.disposeData(ac.dataId);
    backend.disposeData(bc.dataId);
    return out;
  }
  if (a.dtype === 'bool' && !COMPARISONS.has(op)) {
    const ai = castTo(backend, a, 'int32');
    const bi = castTo(backend, b, 'int32');
    const out = binary(backend, op, ai, bi);
    backend.disposeData(ai.dataId);
    backend.disposeData(bi.dataId);
    return out;
  }
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const outDtype = COMPARISONS.has(op) ? 'bool' : a.dtype;
  const out = backend.makeOutput(outShape, outDtype);
  if (sizeOf(outShape) === 0) return out;
  const full = outShape.length === 0 ? [1] : outShape;
  const { shape, strides } = collapse(full, [
    broadcastStrides(a.shape.length === 0 ? [1] : a.shape, full),
    broadcastStrides(b.shape.length === 0 ? [1] : b.shape, full),
  ]);
  backend.run(
    'binary',
    [a, b, out],
    [
      BINARY[op],
      backend.dtypeCode(a.dtype, op),
      shape.length,
      ...shape,
      ...strides[0],
      ...strides[1],
    ],
  );
  return out;
}

const unaryKernels = (Object.keys(UNARY) as Array<keyof typeof UNARY>)
  .filter((op) => !['ClipByValue', 'LeakyRelu', 'Step', 'GeluTanh'].includes(op))
  .map((op) => kernel(op, ({ inputs, backend }) => unary(backend, op, inputs.x)));

const binaryKernels = (Object.keys(BINARY) as Array<keyof typeof BINARY>)
  .filter((op) => op !== 'DivNoNan')
  .map((op) => kernel(op, ({ inputs, backend }) => binary(backend, op, inputs.a, inputs.b)));

export const elementwiseKernels: NativeKernel[] = [
  ...unaryKernels,
  ...binaryKernels,
  kernel<{ clipValueMin: number; clipValueMax: number }>(
    'ClipByValue',
    ({ inputs, backend, attrs }) =>
      unary(backend, 'ClipByValue', inputs.x, attrs.clipValueMin, attrs.clipValueMax),
  ),
  kernel<{ alpha: number }>('LeakyRelu', ({ inputs, backend, attrs }) =>
    unary(backend, 'LeakyRelu', inputs.x, attrs.alpha),
  ),
  kernel<{ alpha: number }>('Step', ({ inputs, backend, attrs }) =>
    unary(backend, 'Step', inputs.x, attrs.alpha),
  ),
  kernel<{ dtype: tf.DataType }>('Cast', ({ inputs, backend, attrs }) =>
    castTo(backend, inputs.x, attrs.dtype),
  ),
  kernel('Select', ({ inputs, backend }) => {
    const { condition, t, e } = inputs;
    const out = backend.makeOutput(t.shape, t.dtype);
    const n = sizeOf(t.shape);
    if (sizeOf(condition.shape) !== n) {
      // tfjs-cpu allows a rank-1 condition selecting whole rows.
      const rows = condition.shape[0];
      const rowShape = [rows, ...new Array(Math.max(0, t.shape.length - 1)).fill(1)];
      const cond = broadcastTo(backend, { ...condition, shape: rowShape }, t.shape);
      backend.run('select', [cond, t, e, out], [backend.dtypeCode(t.dtype, 'Select'), n]);
      backend.disposeData(cond.dataId);
      return out;
    }
    backend.run('select', [condition, t, e, out], [backend.dtypeCode(t.dtype, 'Select'), n]);
    return out;
  }),
  kernel('AddN', ({ inputs, backend }) => {
    const xs = Object.values(inputs);
    const out = backend.makeOutput(xs[0].shape, xs[0].dtype);
    backend.run('addN', [...xs, out], [backend.dtypeCode(xs[0].dtype, 'AddN'), sizeOf(out.shape)]);
    return out;
  }),
];

/** `x` read as if broadcast to `shape`, materialised (one strided copy). */
export function broadcastTo(
  backend: NativeBackend,
  x: NativeTensorInfo,
  shape: number[],
): NativeTensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  if (sizeOf(shape) === 0) return out;
  const full = shape.length === 0 ? [1] : shape;
  const { shape: cs, strides } = collapse(full, [broadcastStrides(x.shape, full)]);
  backend.run(
    'strided',
    [x, out],
    [x.dtype === 'bool' ? 1 : 4, cs.length, ...cs, ...strides[0], 0],
  );
  return out;
}
