/**
 * Turns an adapter into tfjs's `webgpu` backend: requests a device with the adapter's
 * full limits (tfjs sizes its buffers and workgroups from them), loads
 * tfjs-backend-webgpu (which registers its kernels on import) and registers a backend
 * factory that uses this device. Not the adapter search (see `acquire-adapter.ts`).
 */
import { GftError, tf } from '@gft/core';
import type { AcquiredAdapter } from './acquire-adapter.js';
import type { GpuLike } from './gpu-types.js';

/** Limits tfjs-backend-webgpu reads from its device; asking for the adapter's maximum. */
const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

/**
 * tfjs-backend-webgpu's constructor insists on `navigator.gpu`; under Node there is no
 * such object (Node 20) or it lacks `gpu` (Node 21+), so Dawn's GPU is put there.
 */
function exposeNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return;
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

/**
 * Where OffscreenCanvas is missing (Node), tfjs's synchronous readback (`dataSync`) dies
 * with a ReferenceError deep inside tfjs; WebGPU itself has no blocking readback. This
 * turns that into a GftError that says what to call instead. Values already on the CPU
 * still read synchronously.
 */
function guardReadSync(backend: object): void {
  const b = backend as {
    readSync(dataId: object): unknown;
    tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
  };
  const original = b.readSync.bind(b);
  b.readSync = (dataId: object) => {
    const data = b.tensorMap.get(dataId);
    if (data?.values != null || data?.dtype === 'string') return original(dataId);
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      'webgpu backend: a synchronous read (dataSync / arraySync / bufferSync) of a GPU tensor is not possible here: ' +
        "WebGPU has no blocking readback and tfjs's workaround needs OffscreenCanvas, which Node lacks; use `await tensor.data()`",
      { where: 'plugin webgpu: readSync' },
    );
  };
}

/** Registers tfjs's `webgpu` backend on `found`'s adapter (replacing a not-yet-started factory). */
export async function registerTfWebGpu(found: AcquiredAdapter): Promise<void> {
  if (tf.findBackend('webgpu') != null) return; // already running (this or another copy of gft)
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) {
    const value = found.adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  exposeNavigatorGpu(found.gpu);
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  let device: unknown;
  try {
    device = await found.adapter.requestDevice({ requiredLimits });
  } catch (e) {
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      `webgpu backend: adapter ${found.description} (via ${found.via}) refused a device: ${String(e)}`,
      { where: 'plugin webgpu', cause: e },
    );
  }
  // The import above registered tfjs's own factory where navigator.gpu existed; that one
  // would ask for a second adapter and device, so ours replaces it.
  if (tf.engine().registryFactory.webgpu !== undefined) tf.removeBackend('webgpu');
  const info = found.adapter.info ?? {};
  tf.registerBackend(
    'webgpu',
    () => {
      const backend = new WebGPUBackend(
        device as ConstructorParameters<typeof WebGPUBackend>[0],
        info as never,
      );
      if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined') {
        guardReadSync(backend);
      }
      return backend;
    },
    3,
  );
}
