/**
 * The stock tfjs-backend-wasm kernels gft replaced, kept callable: the fused matmul falls
 * back to its stock kernel for inputs the fast path does not cover, and the benchmark
 * times stock against replacement in one run. Not a registry of gft's own kernels.
 */
import type { KernelBackend, KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { GftError, listChoices } from '../../errors/gft-error.js';
import { wasmInternals } from './wasm-internals.js';

const stock = new Map<string, KernelConfig>();

/** Records the stock config before it is unregistered. */
export function rememberStockKernel(config: KernelConfig): void {
  stock.set(config.kernelName, config);
}

export function hasStockKernel(kernelName: string): boolean {
  return stock.has(kernelName);
}

/**
 * The stock kernel function replaced for `kernelName`, ready to call on the live wasm
 * backend (its `setupFunc` runs first: the engine only sets up kernels that are
 * registered when the backend initialises).
 */
export function stockWasmKernel(kernelName: string): KernelFunc {
  const config = stock.get(kernelName);
  if (config === undefined) {
    throw new GftError(
      'KERNEL_UNKNOWN',
      `stockWasmKernel: no stock wasm kernel was replaced for '${kernelName}'; replaced: ${
        stock.size === 0
          ? '(none; call wasmBackend().setup() first)'
          : listChoices([...stock.keys()])
      }`,
      { where: 'backends/wasm/stock-kernels' },
    );
  }
  config.setupFunc?.(wasmInternals() as unknown as KernelBackend);
  return config.kernelFunc;
}
