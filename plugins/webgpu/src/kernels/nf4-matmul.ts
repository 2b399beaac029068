/**
 * gft's NF4 matmul on webgpu: x · dequant(W)^T with W decoded inside the WGSL loops
 * (`nf4-matmul-wgsl.ts`), never stored dense, and the gradient with respect to x (the
 * quantised base is frozen, as in QLoRA). Inputs and attrs as core's NF4_MATMUL; both
 * packed layouts the QLoRA plugin uses are accepted.
 *
 * Shape legend: N = rows of x, in/out = features, n = out * in, nb = ceil(n / blockSize).
 */
import { GftError, type Nf4MatMulAttrs, type Nf4MatMulInputs, tf } from '@gft/core';
import { webgpuInternals } from '../webgpu-internals.js';
import { type Nf4Shape, nf4ForwardProgram, nf4GradXProgram } from './nf4-matmul-wgsl.js';

const WHERE = 'plugin webgpu: NF4 matmul';

function shapeOf(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): Nf4Shape {
  const { x, packed, absmax } = inputs;
  const { inFeatures, outFeatures, blockSize } = attrs;
  const n = inFeatures * outFeatures;
  const fail = (field: string, text: string) => {
    throw new GftError('BAD_INPUT', `${WHERE}: ${field} ${text}`, { where: field });
  };
  if (x.rank !== 2 || x.shape[1] !== inFeatures || x.dtype !== 'float32') {
    fail('x', `is ${x.dtype} [${x.shape.join(', ')}], expected float32 [N, ${inFeatures}]`);
  }
  if (packed.dtype !== 'int32') fail('packed', `has dtype ${packed.dtype}; expected int32`);
  let codesPerElement: 2 | 8 = 2;
  if (packed.size === Math.ceil(n / 2)) codesPerElement = 2;
  else if (packed.size === Math.ceil(n / 8)) codesPerElement = 8;
  else {
    fail(
      'packed',
      `has ${packed.size} elements; expected ${Math.ceil(n / 2)} (one byte each) or ${Math.ceil(n / 8)} (four bytes each) for [${outFeatures}, ${inFeatures}]`,
    );
  }
  if (absmax.size !== Math.ceil(n / blockSize) || absmax.dtype !== 'float32') {
    fail(
      'absmax',
      `is ${absmax.dtype} with ${absmax.size} elements; expected float32 with ${Math.ceil(n / blockSize)}`,
    );
  }
  return { rows: x.shape[0], inFeatures, outFeatures, blockSize, codesPerElement };
}

function run(program: ReturnType<typeof nf4ForwardProgram>, inputs: tf.Tensor[]): tf.Tensor2D {
  const info = webgpuInternals().runWebGPUProgram(program, inputs, 'float32');
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}

/** [N, out], differentiable in x only. */
export function nf4MatMulWebGpu(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): tf.Tensor2D {
  const shape = shapeOf(inputs, attrs);
  const { packed, absmax } = inputs;
  const body = (x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([packed, absmax]);
    return {
      value: run(nf4ForwardProgram(shape), [x, packed, absmax]),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        run(nf4GradXProgram({ ...shape, rows: dy.shape[0] }), [dy, saved[0], saved[1]]),
    };
  };
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(inputs.x) as tf.Tensor2D;
}
