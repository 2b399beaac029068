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
import { installSimpleMatMul } from './kernels/simple-mat-mul.js';
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
  /**
   * BatchMatMul kernel: `tiled` (tfjs's, for GPUs), `simple` (barrier-free, for CPU
   * implementations of WebGPU), or `auto` (default): `simple` on a fallback adapter.
   */
  matMul?: 'auto' | 'tiled' | 'simple';
}

/** Whether the adapter is a CPU implementation (SwiftShader and the like). */
export function isFallbackAdapter(found: AcquiredAdapter): boolean {
  const info = found.adapter.info ?? {};
  if (info.isFallbackAdapter ?? found.adapter.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe/i.test(`${info.architecture} ${info.description}`);
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
  let matMul: 'tiled' | 'simple' = 'tiled';
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
      const wanted = options.matMul ?? 'auto';
      matMul = wanted === 'auto' ? (isFallbackAdapter(found) ? 'simple' : 'tiled') : wanted;
      if (matMul === 'simple') installSimpleMatMul();
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
      return {
        adapter: found.description,
        via: found.via,
        fallbackAdapter: isFallbackAdapter(found),
        matMul,
        attempts: found.attempts.map((a) => `${a.source}: ${a.outcome}`).join('; '),
      };
    },
  };
}
