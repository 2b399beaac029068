/**
 * The `cuda-native` backend plugin: the CUDA device of gft's native engine (`@gft/native`,
 * native/cuda): tensors in GPU memory behind a caching allocator, every kernel and copy on one
 * stream, matmuls through cuBLASLt when `findCublasLt()` finds it. Kernels the device does not
 * have yet run on tfjs-cpu, counted (`describe().fallbacks`; `strict` makes them errors).
 * Without a GPU or driver, `availability()` says why and `setup()` fails with
 * BACKEND_UNAVAILABLE.
 */
import type { Backend } from '@gft/core';
import { deviceAvailability, type NativeDeviceOptions, nativeBackendPlugin } from '@gft/native';
import { findCublasLt } from './find-cublaslt.js';

export const CUDA_NATIVE = 'cuda-native';

const PLUGIN = {
  name: CUDA_NATIVE,
  deviceName: 'cuda',
  // The device reads GFT_CUBLASLT when it opens.
  beforeOpen() {
    if (!process.env.GFT_CUBLASLT) {
      const found = findCublasLt();
      if (found) process.env.GFT_CUBLASLT = found;
    }
  },
};

export type CudaNativeOptions = Omit<NativeDeviceOptions, 'threads'>;

/** Whether cuda-native can start here, and if not, why (no GPU, no driver, not built). */
export function cudaAvailability(): { ok: true } | { ok: false; reason: string } {
  return deviceAvailability(PLUGIN);
}

export function cudaNative(options: CudaNativeOptions = {}): Backend {
  return nativeBackendPlugin(PLUGIN, options);
}
