/**
 * Registers a device of the native engine as a tfjs backend: the backend factory, the native
 * kernel table and the counted JavaScript fallbacks. One function for every device, so
 * `cpu-native` and `cuda-native` differ only in the device name they pass.
 */
import { GftError, tf } from '@gft/core';
import { loadNativeAddon } from './addon.js';
import { registerNativeFusedKernels } from './fused/index.js';
import { fallbackKernel, fallbackKernels } from './kernels/fallback.js';
import { NATIVE_KERNELS } from './kernels/index.js';
import type { NativeKernel } from './kernels/kernel.js';
import { NativeBackend } from './native-backend.js';

export interface NativeBackendOptions {
  /** tfjs backend name to register (`cpu-native`). */
  backendName: string;
  /** Device of the addon (`host`). */
  deviceName: string;
  /** Worker threads (host device); default: every core. */
  threads?: number;
  /** tfjs backend priority (higher wins when nothing is chosen explicitly). */
  priority?: number;
  /** Native kernels to treat as missing (tests of a partial device's fallbacks). */
  hiddenKernels?: readonly string[];
}

const registered = new Set<string>();
const strictBackends = new Set<string>();

/** Makes kernels that would fall back to JavaScript on `backendName` throw instead. */
export function setNativeStrict(backendName: string, strict: boolean): void {
  if (strict) strictBackends.add(backendName);
  else strictBackends.delete(backendName);
}

/**
 * Registers the backend, its kernels and fallbacks, once per process and backend name.
 * tfjs's cpu backend must be registered first (`await registerTfjsCpu()` from @gft/core):
 * the kernels the device lacks run on it.
 */
export function registerNativeBackend(options: NativeBackendOptions): void {
  const { backendName, deviceName } = options;
  if (registered.has(backendName)) return;
  if (tf.findBackendFactory('cpu') == null) {
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      `${backendName}: tfjs's cpu backend is not registered, and the kernels this device lacks run on it; await registerTfjsCpu() (from @gft/core) first`,
      { where: '@gft/native' },
    );
  }
  const load = loadNativeAddon();
  if (!load.ok) {
    throw new GftError('BACKEND_UNAVAILABLE', `${backendName}: ${load.reason}`, {
      where: '@gft/native',
    });
  }
  const { addon } = load;
  if (!addon.listDevices().includes(deviceName)) {
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      `${backendName}: this build of @gft/native has no '${deviceName}' device (it has: ${addon.listDevices().join(', ')})`,
      { where: '@gft/native' },
    );
  }
  const hidden = new Set(options.hiddenKernels ?? []);
  let deviceKernels: Set<string>;
  try {
    deviceKernels = new Set(
      addon.kernelNames(addon.openDevice(deviceName)).filter((name) => !hidden.has(name)),
    );
  } catch (error) {
    throw new GftError('BACKEND_UNAVAILABLE', `${backendName}: ${(error as Error).message}`, {
      where: `native/${deviceName}`,
      cause: error,
    });
  }
  const complete = DEVICE_KERNEL_NAMES.every((name) => deviceKernels.has(name));
  tf.registerBackend(
    backendName,
    () => {
      const backend = new NativeBackend(addon, deviceName, hidden);
      if (options.threads !== undefined) addon.setThreads(backend.device, options.threads);
      return backend;
    },
    options.priority ?? 0,
  );
  const native = new Set(NATIVE_KERNELS.map((k) => k.kernelName));
  const strict = () => strictBackends.has(backendName);
  const all = [
    ...(complete
      ? NATIVE_KERNELS
      : NATIVE_KERNELS.map((k) => withDeviceFallback(backendName, k, strict))),
    ...fallbackKernels(backendName, native, strict),
  ];
  for (const k of all) {
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName,
      kernelFunc: k.kernelFunc as unknown as tf.KernelFunc,
    });
  }
  registerNativeFusedKernels(backendName, (names) => names.every((n) => deviceKernels.has(n)));
  registered.add(backendName);
}

/**
 * The native kernels the TypeScript kernel table calls: a device with all of them runs every
 * kernel of the table natively (the host device has them all; a test keeps this list equal to
 * its table). A device still growing its table (cuda) runs the tfjs kernels it can and falls
 * back, counted, for the others.
 */
export const DEVICE_KERNEL_NAMES: readonly string[] = [
  'strided',
  'concat',
  'pad',
  'gather',
  'segmentSum',
  'tile',
  'oneHot',
  'unary',
  'binary',
  'select',
  'cast',
  'fill',
  'range',
  'addN',
  'matmul',
  'reduce',
  'softmax',
];

function isMissingDeviceKernel(error: unknown): boolean {
  return (
    GftError.isInstance(error) &&
    error.code === 'KERNEL_UNKNOWN' &&
    (error.where ?? '').startsWith('native/')
  );
}

/**
 * `k` on a device that lacks some native kernels: `k` until it meets one it lacks, then (for
 * that call and every later one) the counted tfjs-cpu fallback.
 */
function withDeviceFallback(
  backendName: string,
  k: NativeKernel,
  strict: () => boolean,
): NativeKernel {
  let fallsBack = false;
  let fallback: NativeKernel | undefined;
  const viaCpu = () => {
    const cpuKernel = tf.getKernel(k.kernelName, 'cpu');
    if (!cpuKernel) {
      throw new GftError(
        'KERNEL_UNKNOWN',
        `${backendName}: kernel '${k.kernelName}' needs a native kernel this device lacks, and tfjs-cpu has no '${k.kernelName}' to fall back to`,
        { where: backendName },
      );
    }
    fallback ??= fallbackKernel(backendName, cpuKernel, strict);
    return fallback;
  };
  return {
    kernelName: k.kernelName,
    kernelFunc: (args) => {
      const backend = args.backend;
      if (fallsBack) return viaCpu().kernelFunc(args);
      try {
        return backend.allocationsUndoneOnThrow(() => k.kernelFunc(args));
      } catch (error) {
        if (!isMissingDeviceKernel(error)) throw error;
        fallsBack = true;
        return viaCpu().kernelFunc(args);
      }
    },
  };
}

/** Names of the tfjs kernels implemented natively (the rest fall back, counted). */
export function nativeKernelNames(): string[] {
  return NATIVE_KERNELS.map((k) => k.kernelName);
}
