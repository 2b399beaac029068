/**
 * The `cpu-native` backend plugin: the host device of gft's native engine (`@gft/native`):
 * tensors in native 64-bit memory, OpenBLAS matmuls, a thread pool over every core,
 * kernels vectorised for the CPU found at run time. Where the addon is missing or cannot
 * load, `setup()` fails with BACKEND_UNAVAILABLE saying why (`nativeAvailability()` tells
 * without throwing, so callers can fall back to wasm).
 */
import { type Backend, GftError, tf } from '@gft/core';
import {
  fallbackCounts,
  loadNativeAddon,
  NativeBackend,
  registerNativeBackend,
  setNativeStrict,
} from '@gft/native';

export const CPU_NATIVE = 'cpu-native';
const DEVICE = 'host';

export interface CpuNativeOptions {
  /** Worker threads, BLAS included; default every core the machine has. */
  threads?: number;
  /**
   * Fail on any tfjs kernel that would run in JavaScript instead of natively (by default such
   * a kernel runs on tfjs-cpu and is counted in `describe().fallbacks`).
   */
  strict?: boolean;
}

/** Whether cpu-native can start here, and if not, why. */
export function nativeAvailability(): { ok: true } | { ok: false; reason: string } {
  const load = loadNativeAddon();
  if (!load.ok) return { ok: false, reason: load.reason };
  if (!load.addon.listDevices().includes(DEVICE)) {
    return { ok: false, reason: `the addon has no '${DEVICE}' device` };
  }
  return { ok: true };
}

function liveBackend(): NativeBackend | undefined {
  const b = tf.engine().registry[CPU_NATIVE];
  return b instanceof NativeBackend ? b : undefined;
}

export function cpuNative(options: CpuNativeOptions = {}): Backend {
  if (
    options.threads !== undefined &&
    !(Number.isInteger(options.threads) && options.threads >= 1)
  ) {
    throw new GftError(
      'BAD_CONFIG',
      `cpuNative: options.threads must be a positive integer, got ${options.threads}`,
      { where: 'cpuNative options.threads' },
    );
  }
  return {
    kind: 'backend',
    name: CPU_NATIVE,
    tfBackend: CPU_NATIVE,
    availability: nativeAvailability,
    async setup() {
      registerNativeBackend({ backendName: CPU_NATIVE, deviceName: DEVICE });
      setNativeStrict(CPU_NATIVE, options.strict === true);
      if (tf.getBackend() !== CPU_NATIVE) {
        const ok = await tf.setBackend(CPU_NATIVE);
        if (!ok) {
          throw new GftError(
            'BACKEND_UNAVAILABLE',
            `${CPU_NATIVE}: tf.setBackend failed (see the warning above)`,
            {
              where: CPU_NATIVE,
            },
          );
        }
      }
      const backend = liveBackend();
      if (backend && options.threads !== undefined) {
        backend.addon.setThreads(backend.device, options.threads);
      }
      await tf.ready();
    },
    memory() {
      const backend = liveBackend();
      const stats = backend?.memory();
      return {
        tensorBytes: tf.memory().numBytes,
        reservedBytes: stats?.heldBytes,
        peakBytes: stats?.peakNativeBytes,
        peakHeldBytes: stats?.peakHeldBytes,
      };
    },
    resetPeakMemory() {
      liveBackend()?.resetPeakMemory();
    },
    describe() {
      const backend = liveBackend();
      const facts: Record<string, string | number | boolean> = {};
      if (backend) {
        for (const [k, v] of Object.entries(backend.addon.describe(backend.device))) facts[k] = v;
      }
      const fallbacks = Object.entries(fallbackCounts(CPU_NATIVE));
      facts.fallbacks =
        fallbacks.length === 0 ? 'none' : fallbacks.map(([k, n]) => `${k}x${n}`).join(',');
      return facts;
    },
  };
}
