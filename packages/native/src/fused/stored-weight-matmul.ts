/**
 * x · W^T for a frozen W kept in a compact stored form (NF4 codes, bf16 halves) on a native
 * device: the forward kernel and the x-gradient kernel of that form, with the stored tensors
 * saved for backward and nothing dense. Params are [N, in, out, ...form-specific]; backward
 * passes the same with dy's row count. Differentiable in x only (the base is frozen).
 */
import type { tf } from '@gft/core';
import type { NativeBackend } from '../native-backend.js';
import { callNative, customGrad } from './native-call.js';

export function storedWeightMatMul(
  backend: NativeBackend,
  kernels: { forward: string; gradX: string },
  x: tf.Tensor2D,
  stored: tf.Tensor[],
  params: number[],
): tf.Tensor2D {
  const [, inFeatures, outFeatures] = params;
  const f = customGrad<tf.Tensor2D>((xi: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save(stored);
    return {
      value: callNative(
        backend,
        kernels.forward,
        [xi, ...stored],
        [[xi.shape[0], outFeatures]],
        params,
      )[0] as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        callNative(
          backend,
          kernels.gradX,
          [dy, ...saved],
          [[dy.shape[0], inFeatures]],
          [dy.shape[0], ...params.slice(1)],
        )[0],
    };
  });
  return f(x);
}
