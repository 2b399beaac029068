/**
 * Test support (not exported): whether cuda-native can run here (a GPU, a driver, and the
 * CUDA device in the addon), as a requirement: skipped with the reason on machines without a
 * GPU, a failure where GFT_REQUIRE names cuda-gpu (scripts/device-check.sh on a GPU machine).
 */
import { needs } from '@gft/core/testing';
import { CUDA_NATIVE, cudaAvailability, cudaNative } from './index.js';

const availability = cudaAvailability();

export const gpu = needs('cuda-gpu', () => (availability.ok ? undefined : availability.reason));

/** The suites' backend: cuda-native (kernels it lacks fall back to tfjs-cpu, counted). */
export const CUDA_BACKEND = {
  name: CUDA_NATIVE,
  setup: () => cudaNative().setup(),
};
