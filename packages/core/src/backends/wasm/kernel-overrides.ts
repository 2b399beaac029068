/**
 * Installs gft's wasm kernels into the tfjs kernel registry, replacing stock ones where
 * tfjs-backend-wasm already has a kernel of that name (the stock config is kept, see
 * stock-kernels.ts).
 *
 * Replacing is deliberate here, unlike gft's fused-kernel registry where a second
 * registration is an error: these are fixes to the backend itself. Not a place for
 * gft's own fused kernels (those live in `kernels/`).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul.js';
import { BROADCAST_BINARY_CONFIGS } from './broadcast-binary.js';
import { identityConfig } from './identity.js';
import { floorDivConfig, modConfig } from './int32-division.js';
import { sliceConfig, splitVConfig, stridedSliceConfig } from './slice.js';
import { hasStockKernel, rememberStockKernel } from './stock-kernels.js';
import { sumConfig } from './sum.js';
import { transposeConfig } from './transpose.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** The kernels gft registers for `wasm`, in registration order. */
export const WASM_KERNEL_OVERRIDES: readonly KernelConfig[] = [
  unsortedSegmentSumConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  identityConfig,
  floorDivConfig,
  modConfig,
  transposeConfig,
  sliceConfig,
  splitVConfig,
  stridedSliceConfig,
  sumConfig,
  ...BROADCAST_BINARY_CONFIGS,
];

let installed = false;

/** Registers the overrides once per process; later calls return at once. */
export function installWasmKernels(): void {
  if (installed) return;
  for (const config of WASM_KERNEL_OVERRIDES) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing !== undefined) {
      rememberStockKernel(existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
      // Keep the stock setup: the engine runs it when the backend initialises, which is
      // what lets a replacement fall back to the stock kernel function.
      tf.registerKernel({ ...config, setupFunc: existing.setupFunc });
    } else {
      tf.registerKernel(config);
    }
  }
  installed = true;
}

/** Names of the kernels gft replaced (a stock one existed) or added (none did). */
export function wasmKernelChanges(): { replaced: string[]; added: string[] } {
  const names = WASM_KERNEL_OVERRIDES.map((c) => c.kernelName);
  return {
    replaced: names.filter((n) => hasStockKernel(n)),
    added: names.filter((n) => !hasStockKernel(n)),
  };
}
