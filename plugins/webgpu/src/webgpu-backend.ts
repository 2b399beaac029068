/**
 * The `webgpu` backend plugin: tfjs-backend-webgpu 4.22 on whatever adapter the host has
 * (a GPU when there is one; SwiftShader's CPU Vulkan driver as the fallback in Node), plus
 * gft's fused kernels as WGSL programs. A factory returning a plain object; nothing runs
 * until `setup()`.
 */
import { type Backend, tf } from '@gft/core';
import { type AcquiredAdapter, acquireAdapter } from './acquire-adapter.js';
import { registerTfWebGpu } from './create-backend.js';
import { installWebGpuKernels, WEBGPU_FUSED_KERNELS } from './kernels/install.js';
import { webgpuInternals } from './webgpu-internals.js';

export interface WebGpuBackendOptions {
  /** Which adapter to prefer when the host has several (default `high-performance`). */
  powerPreference?: 'high-performance' | 'low-power';
  /**
   * Node only: SwiftShader ICD manifest to fall back to when the system Vulkan drivers give
   * no adapter. Default: the chromium package's locations; `false`: never fall back.
   */
  fallbackIcd?: string | false;
  /** Node only: flags for Dawn's `create()`, e.g. `['backend=vulkan']`. */
  dawnFlags?: string[];
}

/** Resolved search options: what `acquireAdapter` caches on. */
export function adapterOptions(options: WebGpuBackendOptions = {}) {
  return {
    powerPreference: options.powerPreference ?? 'high-performance',
    fallbackIcd: options.fallbackIcd,
    dawnFlags: options.dawnFlags ?? [],
  } as const;
}

export function webgpu(options: WebGpuBackendOptions = {}): Backend {
  let found: AcquiredAdapter | undefined;
  return {
    kind: 'backend',
    name: 'webgpu',
    tfBackend: 'webgpu',
    fusedKernels: WEBGPU_FUSED_KERNELS,
    async setup() {
      if (found !== undefined && tf.getBackend() === 'webgpu') return;
      found = await acquireAdapter(adapterOptions(options));
      await registerTfWebGpu(found);
      installWebGpuKernels();
      await tf.setBackend('webgpu');
      await tf.ready();
    },
    memory() {
      const tensorBytes = tf.memory().numBytes;
      if (tf.findBackend('webgpu') == null) return { tensorBytes };
      return { tensorBytes, reservedBytes: webgpuInternals().bufferManager.numBytesAllocated };
    },
    describe(): Record<string, string | number | boolean> {
      if (found === undefined) return { adapter: 'not set up' };
      const info = found.adapter.info ?? {};
      return {
        adapter: found.description,
        via: found.via,
        fallbackAdapter: Boolean(info.isFallbackAdapter ?? found.adapter.isFallbackAdapter),
        attempts: found.attempts.map((a) => `${a.source}: ${a.outcome}`).join('; '),
      };
    },
  };
}
