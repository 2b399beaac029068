/**
 * BatchMatMul and _FusedMatMul on the native `matmul` kernel (BLAS sgemm): transposes are
 * passed through, never materialised; batch dims broadcast when one side has a single batch,
 * as in tfjs-cpu.
 */
import { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import { binary, castTo, unary } from './elementwise.js';
import { kernel, type NativeKernel } from './kernel.js';
import { sizeOf } from './layout.js';

export function batchMatMul(
  backend: NativeBackend,
  aIn: NativeTensorInfo,
  bIn: NativeTensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): NativeTensorInfo {
  const a = aIn.dtype === 'float32' ? aIn : castTo(backend, aIn, 'float32');
  const b = bIn.dtype === 'float32' ? bIn : castTo(backend, bIn, 'float32');
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  if (K !== kb) {
    throw new Error(
      `native BatchMatMul: inner dimensions differ (${K} vs ${kb}) for shapes [${a.shape}] and [${b.shape}]`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  const batch = Math.max(batchA, batchB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new Error(
      `native BatchMatMul: batch dims of [${a.shape}] and [${b.shape}] do not broadcast (one must be 1)`,
    );
  }
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), M, N];
  const out = backend.makeOutput(outShape, 'float32');
  if (batch > 0 && M > 0 && N > 0) {
    const params: number[] = [transposeA ? 1 : 0, transposeB ? 1 : 0, M, N, K, batch];
    for (let i = 0; i < batch; i++) params.push((i % batchA) * M * K);
    for (let i = 0; i < batch; i++) params.push((i % batchB) * K * N);
    backend.run('matmul', [a, b, out], params);
  }
  if (a !== aIn) backend.disposeData(a.dataId);
  if (b !== bIn) backend.disposeData(b.dataId);
  if (aIn.dtype !== 'int32') return out;
  // tfjs answers in the inputs' dtype. sgemm's sums of int32 products are exact integers
  // below 2^24, so the truncating cast gives tfjs-cpu's values there.
  const int = castTo(backend, out, 'int32');
  backend.disposeData(out.dataId);
  return int;
}

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid';

export const matmulKernels: NativeKernel[] = [
  kernel<{ transposeA: boolean; transposeB: boolean }>(
    'BatchMatMul',
    ({ inputs, backend, attrs }) =>
      batchMatMul(backend, inputs.a, inputs.b, attrs.transposeA, attrs.transposeB),
  ),
  kernel<{
    transposeA: boolean;
    transposeB: boolean;
    activation: Activation;
    leakyreluAlpha?: number;
  }>('_FusedMatMul', ({ inputs, backend, attrs }) => {
    let y = batchMatMul(backend, inputs.a, inputs.b, attrs.transposeA, attrs.transposeB);
    const step = (next: NativeTensorInfo) => {
      backend.disposeData(y.dataId);
      y = next;
    };
    if (inputs.bias) step(binary(backend, 'Add', y, inputs.bias));
    switch (attrs.activation) {
      case 'linear':
        break;
      case 'relu':
        step(unary(backend, 'Relu', y));
        break;
      case 'relu6':
        step(unary(backend, 'Relu6', y));
        break;
      case 'elu':
        step(unary(backend, 'Elu', y));
        break;
      case 'sigmoid':
        step(unary(backend, 'Sigmoid', y));
        break;
      case 'leakyrelu':
        step(unary(backend, 'LeakyRelu', y, attrs.leakyreluAlpha ?? 0.2));
        break;
      case 'prelu': {
        const alpha = inputs.preluActivationWeights;
        const neg = binary(backend, 'Multiply', y, alpha);
        const zero = backend.makeOutput([], 'float32', new Float32Array([0]));
        const positive = binary(backend, 'Greater', y, zero);
        const out = backend.makeOutput(y.shape, 'float32');
        backend.run('select', [positive, y, neg, out], [0, sizeOf(y.shape)]);
        for (const t of [neg, zero, positive]) backend.disposeData(t.dataId);
        step(out);
        break;
      }
      default:
        throw new Error(`native _FusedMatMul: unknown activation '${attrs.activation}'`);
    }
    return y;
  }),
];
