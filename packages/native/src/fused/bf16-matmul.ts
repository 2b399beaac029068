/**
 * gft's bf16 matmul, x · W^T for a frozen W stored as bfloat16, on a native device: the
 * `bf16MatMul` / `bf16MatMulGradX` kernels (host: native/host/bf16.cc) widen W a tile at a
 * time into thread-local float32 memory, so no float32 copy of W exists whole. Differentiable
 * in x only (the base is frozen); the gradient keeps the packed halves, nothing dense.
 *
 * Shape legend: N = rows of x, in/out = features.
 */
import { type Bf16MatMulAttrs, type Bf16MatMulInputs, GftError, type tf } from '@gft/core';
import { currentNativeBackend, expectTensor } from './native-call.js';
import { storedWeightMatMul } from './stored-weight-matmul.js';

const WHERE = 'native fused kernel GftBf16MatMul';

/** Native params [N, in, out] (validated). */
export function bf16Params(inputs: Bf16MatMulInputs, attrs: Bf16MatMulAttrs): number[] {
  const { x, packed } = inputs;
  const { inFeatures, outFeatures } = attrs;
  if (!(Number.isInteger(inFeatures) && Number.isInteger(outFeatures))) {
    throw new GftError('BAD_CONFIG', `${WHERE}: inFeatures and outFeatures must be integers`, {
      where: 'attrs',
    });
  }
  expectTensor(WHERE, 'x', x, [x.shape[0], inFeatures]);
  expectTensor(WHERE, 'packed', packed, [Math.ceil((inFeatures * outFeatures) / 2)], 'int32');
  return [x.shape[0], inFeatures, outFeatures];
}

/** [N, in] -> [N, out], differentiable in x only. */
export function bf16MatMulNative(inputs: Bf16MatMulInputs, attrs: Bf16MatMulAttrs): tf.Tensor2D {
  const backend = currentNativeBackend(WHERE);
  return storedWeightMatMul(
    backend,
    { forward: 'bf16MatMul', gradX: 'bf16MatMulGradX' },
    inputs.x,
    [inputs.packed],
    bf16Params(inputs, attrs),
  );
}
