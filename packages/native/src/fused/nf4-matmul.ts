/**
 * gft's NF4 matmul, x · dequant(W)^T, on a native device: the `nf4MatMul` / `nf4MatMulGradX`
 * kernels (host: native/host/nf4.cc) dequantise W a tile at a time into thread-local memory,
 * so the dense weight never exists whole. Differentiable in x only (the quantised base is
 * frozen, as in QLoRA); the gradient keeps packed and absmax, nothing dense. Both packed
 * layouts of the QLoRA plugin are accepted: one byte per int32 ([ceil(out*in / 2)]) or four
 * ([ceil(out*in / 8)]); the size tells which.
 *
 * Shape legend: N = rows of x, in/out = features, n = out * in, nb = ceil(n / blockSize).
 */
import { GftError, type Nf4MatMulAttrs, type Nf4MatMulInputs, type tf } from '@gft/core';
import { currentNativeBackend, expectTensor } from './native-call.js';
import { storedWeightMatMul } from './stored-weight-matmul.js';

const WHERE = 'native fused kernel GftNf4MatMul';

/** Native params [N, in, out, blockSize, codesPerElement] (validated). */
export function nf4Params(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): number[] {
  const { x, packed, absmax } = inputs;
  const { inFeatures, outFeatures, blockSize } = attrs;
  const n = inFeatures * outFeatures;
  if (!(blockSize > 0)) {
    throw new GftError('BAD_CONFIG', `${WHERE}: blockSize ${blockSize} must be positive`, {
      where: 'blockSize',
    });
  }
  expectTensor(WHERE, 'x', x, [x.shape[0], inFeatures]);
  let codesPerElement: number;
  if (packed.size === Math.ceil(n / 2)) codesPerElement = 2;
  else if (packed.size === Math.ceil(n / 8)) codesPerElement = 8;
  else {
    throw new GftError(
      'BAD_INPUT',
      `${WHERE}: packed has ${packed.size} elements; expected ${Math.ceil(n / 2)} (one byte each) or ${Math.ceil(n / 8)} (four bytes each) for [${outFeatures}, ${inFeatures}]`,
      { where: 'packed' },
    );
  }
  expectTensor(WHERE, 'packed', packed, [packed.size], 'int32');
  expectTensor(WHERE, 'absmax', absmax, [Math.ceil(n / blockSize)]);
  return [x.shape[0], inFeatures, outFeatures, blockSize, codesPerElement];
}

/** [N, in] -> [N, out], differentiable in x only. */
export function nf4MatMulNative(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): tf.Tensor2D {
  const backend = currentNativeBackend(WHERE);
  return storedWeightMatMul(
    backend,
    { forward: 'nf4MatMul', gradX: 'nf4MatMulGradX' },
    inputs.x,
    [inputs.packed, inputs.absmax],
    nf4Params(inputs, attrs),
  );
}
