/**
 * Registers a device of the native engine as a tfjs backend: the backend factory, the native
 * kernel table and the counted JavaScript fallbacks. One function for every device, so
 * `cpu-native` and `cuda-native` differ only in the device name they pass.
 */
import { GftError, tf } from '@gft/core';
import { loadNativeAddon } from './addon.js';
import { registerNativeFusedKernels } from './fused/index.js';
import { fallbackKernels } from './kernels/fallback.js';
import { NATIVE_KERNELS } from './kernels/index.js';
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
}

const registered = new Set<string>();
const strictBackends = new Set<string>();

/** Makes kernels that would fall back to JavaScript on `backendName` throw instead. */
export function setNativeStrict(backendName: string, strict: boolean): void {
  if (strict) strictBackends.add(backendName);
  else strictBackends.delete(backendName);
}

/** Registers the backend, its kernels and fallbacks, once per process and backend name. */
export function registerNativeBackend(options: NativeBackendOptions): void {
  const { backendName, deviceName } = options;
  if (registered.has(backendName)) return;
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
  tf.registerBackend(
    backendName,
    () => {
      const backend = new NativeBackend(addon, deviceName);
      if (options.threads !== undefined) addon.setThreads(backend.device, options.threads);
      return backend;
    },
    options.priority ?? 0,
  );
  const native = new Set(NATIVE_KERNELS.map((k) => k.kernelName));
  const all = [
    ...NATIVE_KERNELS,
    ...fallbackKernels(backendName, native, () => strictBackends.has(backendName)),
  ];
  for (const k of all) {
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName,
      kernelFunc: k.kernelFunc as unknown as tf.KernelFunc,
    });
  }
  registerNativeFusedKernels(backendName);
  registered.add(backendName);
}

/** Names of the tfjs kernels implemented natively (the rest fall back, counted). */
export function nativeKernelNames(): string[] {
  return NATIVE_KERNELS.map((k) => k.kernelName);
}
