/**
 * The shape of a native kernel file's export: tfjs's KernelConfig without the backend name,
 * which is given when a device's backend registers the table (`cpu-native`, `cuda-native`).
 */
import type { tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';

export interface NativeKernelArgs<A = Record<string, unknown>> {
  inputs: Record<string, NativeTensorInfo>;
  backend: NativeBackend;
  attrs: A;
}

export interface NativeKernel {
  kernelName: string;
  kernelFunc(args: NativeKernelArgs<never>): NativeTensorInfo | NativeTensorInfo[];
}

/** A kernel config whose attrs are typed for its body. */
export function kernel<A = Record<string, unknown>>(
  kernelName: string,
  kernelFunc: (args: NativeKernelArgs<A>) => NativeTensorInfo | NativeTensorInfo[],
): NativeKernel {
  return { kernelName, kernelFunc: kernelFunc as NativeKernel['kernelFunc'] };
}

export type TensorInfo = tf.TensorInfo;
