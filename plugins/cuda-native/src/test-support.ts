/**
 * Test support (not exported): whether cuda-native can run here, as a requirement. In the
 * `gpu` project that is a GPU, a driver and the CUDA device in the addon (`cuda-gpu`: skipped
 * with the reason on machines without a GPU, a failure where GFT_REQUIRE names it, as
 * scripts/device-check.sh does on a GPU machine). In the `simt` project (vitest.config.ts) it
 * is the SIMT build of the same sources (`cuda-simt`, which CI declares).
 */
import { needs } from '@gft/core/testing';
import { CUDA_NATIVE, cudaAvailability, cudaNative } from './index.js';

const availability = cudaAvailability();

export const simt = process.env.GFT_CUDA_SIMT === '1';

export const gpu = needs(simt ? 'cuda-simt' : 'cuda-gpu', () =>
  availability.ok ? undefined : availability.reason,
);

/** The suites' backend: cuda-native (kernels it lacks fall back to tfjs-cpu, counted). */
export const CUDA_BACKEND = {
  name: CUDA_NATIVE,
  setup: () => cudaNative().setup(),
};
