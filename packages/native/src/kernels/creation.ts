/** Tensors made from attributes alone: Fill, Range, ZerosLike, OnesLike. */
import type { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import { kernel, type NativeKernel } from './kernel.js';
import { sizeOf } from './layout.js';

export function filled(
  backend: NativeBackend,
  shape: number[],
  dtype: tf.DataType,
  value: number,
): NativeTensorInfo {
  const out = backend.makeOutput(shape, dtype);
  const n = sizeOf(shape);
  if (n > 0) backend.run('fill', [out], [backend.dtypeCode(dtype, 'Fill'), n, value]);
  return out;
}

export const creationKernels: NativeKernel[] = [
  kernel<{ shape: number[]; value: number; dtype: tf.DataType }>('Fill', ({ backend, attrs }) =>
    filled(backend, attrs.shape, attrs.dtype ?? 'float32', Number(attrs.value)),
  ),
  kernel('ZerosLike', ({ inputs, backend }) => filled(backend, inputs.x.shape, inputs.x.dtype, 0)),
  kernel('OnesLike', ({ inputs, backend }) => filled(backend, inputs.x.shape, inputs.x.dtype, 1)),
  kernel<{ start: number; stop: number; step: number; dtype: 'float32' | 'int32' }>(
    'Range',
    ({ backend, attrs }) => {
      const { start, stop, step } = attrs;
      const n = start === stop || step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
      const out = backend.makeOutput([n], attrs.dtype);
      if (n > 0)
        backend.run('range', [out], [backend.dtypeCode(attrs.dtype, 'Range'), n, start, step]);
      return out;
    },
  ),
];
