/**
 * The `cpu-native` backend plugin: the host device of gft's native engine (`@gft/native`):
 * tensors in native 64-bit memory, OpenBLAS matmuls, a thread pool over every core,
 * kernels vectorised for the CPU found at run time. Where the addon is missing or cannot
 * load, `setup()` fails with BACKEND_UNAVAILABLE saying why (`nativeAvailability()` tells
 * without throwing, so callers can fall back to wasm).
 */
import type { Backend } from '@gft/core';
import { deviceAvailability, type NativeDeviceOptions, nativeBackendPlugin } from '@gft/native';

export const CPU_NATIVE = 'cpu-native';
const PLUGIN = { name: CPU_NATIVE, deviceName: 'host' };

export type CpuNativeOptions = NativeDeviceOptions;

/** Whether cpu-native can start here, and if not, why. */
export function nativeAvailability(): { ok: true } | { ok: false; reason: string } {
  return deviceAvailability(PLUGIN);
}

export function cpuNative(options: CpuNativeOptions = {}): Backend {
  return nativeBackendPlugin(PLUGIN, options);
}
