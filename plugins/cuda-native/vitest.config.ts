import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

// Two projects: `gpu` runs everything against the real addon (its kernel suites skip without a
// GPU); `simt` runs the kernel suites again against the SIMT build of the same CUDA sources
// (@gft/native's build-simt), so every CI run executes the CUDA device's kernels on the CPU.
const simtAddon = fileURLToPath(
  new URL('../../packages/native/build-simt/Release/gft_native.node', import.meta.url),
);

export default defineConfig({
  test: {
    ...sharedTestConfig,
    projects: [
      { extends: true, test: { name: 'gpu', exclude: ['src/simt-device.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'simt',
          // The kernel suites and the emulated device's own checks; not the no-GPU checks.
          exclude: ['src/cuda-native.test.ts'],
          env: {
            GFT_NATIVE_ADDON: simtAddon,
            GFT_CUDA_SIMT: '1',
            GFT_SIMT_MEMORY: String(2 ** 31),
          },
        },
      },
    ],
  },
});
