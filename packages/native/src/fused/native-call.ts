/**
 * Plumbing shared by the fused-kernel files: the live native backend, and one native kernel
 * call that turns its outputs into tfjs tensors. Device-agnostic: a kernel is named, never
 * implemented, here; each device provides it in its own native files.
 */
import { GftError, tf } from '@gft/core';
import { NativeBackend } from '../native-backend.js';

/** The current backend, which must be a native one (fused kernels register per native backend). */
export function currentNativeBackend(where: string): NativeBackend {
  const backend = tf.backend();
  if (!(backend instanceof NativeBackend)) {
    throw new GftError(
      'INTERNAL',
      `${where}: registered for a native backend but called on '${tf.getBackend()}'`,
      { where },
    );
  }
  return backend;
}

/**
 * Runs native kernel `name` over `inputs` into new float32 tensors of `outputShapes` (inputs
 * then outputs, as the kernel's native file documents). Outputs are freed if the call throws.
 */
export function callNative(
  backend: NativeBackend,
  name: string,
  inputs: tf.Tensor[],
  outputShapes: number[][],
  params: number[],
): tf.Tensor[] {
  const outs = outputShapes.map((shape) => backend.makeOutput(shape, 'float32'));
  try {
    backend.run(name, [...inputs, ...outs], params);
  } catch (error) {
    for (const o of outs) backend.disposeData(o.dataId);
    throw error;
  }
  return outs.map((o) => tf.engine().makeTensorFromTensorInfo(o) as tf.Tensor);
}

/** Throws BAD_INPUT naming the kernel unless `x` is `dtype` with exactly `shape`. */
export function expectTensor(
  where: string,
  name: string,
  x: tf.Tensor,
  shape: number[],
  dtype: tf.DataType = 'float32',
): void {
  if (
    x.dtype !== dtype ||
    x.shape.length !== shape.length ||
    x.shape.some((d, i) => d !== shape[i])
  ) {
    throw new GftError(
      'BAD_INPUT',
      `${where}: ${name} is ${x.dtype} [${x.shape.join(', ')}], expected ${dtype} [${shape.join(', ')}]`,
      { where: name },
    );
  }
}

/** `tf.customGrad` with the variadic signature its typings do not express. */
export function customGrad<T extends tf.Tensor>(
  body: (...args: never[]) => {
    value: T;
    gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  },
): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    ...inputs: tf.Tensor[]
  ) => T;
}
