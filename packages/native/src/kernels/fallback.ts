/**
 * The JavaScript fallback: any tfjs kernel the native table lacks runs on tfjs-cpu, with its
 * inputs copied out of native memory and its outputs copied back. It keeps rare ops working
 * (a user's custom technique may use one), and every use is counted per kernel name so tests
 * and `describe()` can say exactly what still leaves native code. `strict` makes a fallback
 * an error instead.
 */
import { GftError, tf } from '@gft/core';
import type { NativeBackend, NativeTensorInfo } from '../native-backend.js';
import type { NativeKernel } from './kernel.js';

const counts = new Map<string, Map<string, number>>();

/** Kernel name -> calls that fell back to tfjs-cpu, for one native backend. */
export function fallbackCounts(backendName: string): Record<string, number> {
  return Object.fromEntries(counts.get(backendName) ?? []);
}

export function resetFallbackCounts(backendName: string): void {
  counts.get(backendName)?.clear();
}

function count(backendName: string, kernelName: string): void {
  let table = counts.get(backendName);
  if (!table) {
    table = new Map();
    counts.set(backendName, table);
  }
  table.set(kernelName, (table.get(kernelName) ?? 0) + 1);
}

/** Fallback kernels for every tfjs-cpu kernel whose name is not in `native`. */
export function fallbackKernels(
  backendName: string,
  native: ReadonlySet<string>,
  strict: () => boolean,
): NativeKernel[] {
  return tf
    .getKernelsForBackend('cpu')
    .filter((k) => !native.has(k.kernelName))
    .map((cpuKernel) => fallbackKernel(backendName, cpuKernel, strict));
}

/** The fallback of one tfjs-cpu kernel: counted, or an error in strict mode. */
export function fallbackKernel(
  backendName: string,
  cpuKernel: tf.KernelConfig,
  strict: () => boolean,
): NativeKernel {
  return {
    kernelName: cpuKernel.kernelName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      if (strict()) {
        throw new GftError(
          'KERNEL_UNKNOWN',
          `${backendName}: kernel '${cpuKernel.kernelName}' has no native implementation (strict mode forbids the JavaScript fallback)`,
          { where: backendName },
        );
      }
      count(backendName, cpuKernel.kernelName);
      return runOnCpu(cpuKernel, inputs, backend, attrs as tf.NamedAttrMap);
    },
  };
}

function runOnCpu(
  cpuKernel: tf.KernelConfig,
  inputs: Record<string, NativeTensorInfo>,
  backend: NativeBackend,
  attrs: tf.NamedAttrMap,
): NativeTensorInfo | NativeTensorInfo[] {
  const cpu = tf.findBackend('cpu') as tf.KernelBackend | null;
  if (!cpu)
    throw new GftError('INTERNAL', 'native fallback: the tfjs cpu backend is not available');
  const copies: tf.TensorInfo[] = [];
  const toCpu = (info: NativeTensorInfo): tf.TensorInfo => {
    const copy = {
      dataId: cpu.write(backend.readSync(info.dataId), info.shape, info.dtype),
      shape: info.shape,
      dtype: info.dtype,
    };
    copies.push(copy);
    return copy;
  };
  // Concat, Pack and AddN take their tensors as an array, the other kernels as named inputs.
  const cpuInputs = Array.isArray(inputs)
    ? (inputs as NativeTensorInfo[]).map(toCpu)
    : Object.fromEntries(
        Object.entries(inputs)
          .filter(([, info]) => info !== undefined)
          .map(([name, info]) => [name, toCpu(info)]),
      );
  try {
    const result = cpuKernel.kernelFunc({
      inputs: cpuInputs as tf.NamedTensorInfoMap,
      backend: cpu,
      attrs,
    }) as tf.TensorInfo | tf.TensorInfo[];
    const outs = Array.isArray(result) ? result : [result];
    const native = outs.map((o) => {
      const values = cpu.readSync(o.dataId);
      cpu.disposeData(o.dataId, true);
      return backend.makeOutput(o.shape, o.dtype, values);
    });
    return Array.isArray(result) ? native : native[0];
  } finally {
    for (const info of copies) cpu.disposeData(info.dataId, true);
  }
}
