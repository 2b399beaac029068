/**
 * The gft backend plugin of one device of the native engine: what `cpu-native` (device
 * `host`) and `cuda-native` (device `cuda`) are, each a call of this with its device name.
 * `availability()` says without throwing whether the addon loads and the device opens (no
 * GPU, no driver: the reason); `setup()` registers the device as a tfjs backend and selects it.
 */
import { type Backend, GftError, registerTfjsCpu, tf } from '@gft/core';
import { loadNativeAddon } from './addon.js';
import { fallbackCounts } from './kernels/fallback.js';
import { NativeBackend } from './native-backend.js';
import { registerNativeBackend, setNativeStrict } from './register.js';

export interface NativeDeviceOptions {
  /** Worker threads (host device: BLAS included; default every core). */
  threads?: number;
  /**
   * Fail on any tfjs kernel that would run in JavaScript instead of natively (by default such
   * a kernel runs on tfjs-cpu and is counted in `describe().fallbacks`).
   */
  strict?: boolean;
}

export interface NativeBackendPlugin {
  /** Plugin and tfjs backend name (`cpu-native`). */
  name: string;
  /** Device of the addon (`host`, `cuda`). */
  deviceName: string;
  /** Runs before the device first opens (the CUDA plugin names cuBLASLt here). */
  beforeOpen?: () => void;
}

/** Whether `deviceName` can start here, and if not, why (opens it to find out). */
export function deviceAvailability(
  plugin: NativeBackendPlugin,
): { ok: true } | { ok: false; reason: string } {
  const load = loadNativeAddon();
  if (!load.ok) return { ok: false, reason: load.reason };
  if (!load.addon.listDevices().includes(plugin.deviceName)) {
    return {
      ok: false,
      reason: `this build of @gft/native has no '${plugin.deviceName}' device (it has: ${load.addon.listDevices().join(', ')})`,
    };
  }
  try {
    plugin.beforeOpen?.();
    load.addon.openDevice(plugin.deviceName);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function liveBackend(name: string): NativeBackend | undefined {
  const b = tf.engine().registry[name];
  return b instanceof NativeBackend ? b : undefined;
}

export function nativeBackendPlugin(
  plugin: NativeBackendPlugin,
  options: NativeDeviceOptions = {},
): Backend {
  const { name, deviceName } = plugin;
  if (
    options.threads !== undefined &&
    !(Number.isInteger(options.threads) && options.threads >= 1)
  ) {
    throw new GftError(
      'BAD_CONFIG',
      `${name}: options.threads must be a positive integer, got ${options.threads}`,
      { where: `${name} options.threads` },
    );
  }
  return {
    kind: 'backend',
    name,
    tfBackend: name,
    availability: () => deviceAvailability(plugin),
    async setup() {
      const available = deviceAvailability(plugin);
      if (!available.ok) {
        throw new GftError('BACKEND_UNAVAILABLE', `${name}: ${available.reason}`, {
          where: name,
        });
      }
      await registerTfjsCpu();
      registerNativeBackend({ backendName: name, deviceName });
      setNativeStrict(name, options.strict === true);
      if (tf.getBackend() !== name) {
        const ok = await tf.setBackend(name);
        if (!ok) {
          throw new GftError(
            'BACKEND_UNAVAILABLE',
            `${name}: tf.setBackend failed (see the warning above)`,
            {
              where: name,
            },
          );
        }
      }
      const backend = liveBackend(name);
      if (backend && options.threads !== undefined) {
        backend.addon.setThreads(backend.device, options.threads);
      }
      await tf.ready();
    },
    memory() {
      const stats = liveBackend(name)?.memory();
      return {
        tensorBytes: tf.memory().numBytes,
        reservedBytes: stats?.heldBytes,
        peakBytes: stats?.peakNativeBytes,
        peakHeldBytes: stats?.peakHeldBytes,
      };
    },
    resetPeakMemory() {
      liveBackend(name)?.resetPeakMemory();
    },
    describe() {
      const backend = liveBackend(name);
      const facts: Record<string, string | number | boolean> = {};
      if (backend) {
        for (const [k, v] of Object.entries(backend.addon.describe(backend.device))) facts[k] = v;
      }
      const fallbacks = Object.entries(fallbackCounts(name));
      facts.fallbacks =
        fallbacks.length === 0 ? 'none' : fallbacks.map(([k, n]) => `${k}x${n}`).join(',');
      return facts;
    },
  };
}
