import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

// `host`: every test against the host device. `simt`: the fused-kernel tests again, against the
// CUDA device's kernels built for the SIMT emulator (scripts/build-simt.mjs), so the GPU's
// attention, NF4/bf16 matmuls, RMSNorm and GELU gate meet the same shapes and tolerances in CI.
const simtAddon = fileURLToPath(new URL('./build-simt/Release/gft_native.node', import.meta.url));

export default defineConfig({
  test: {
    ...sharedTestConfig,
    projects: [
      { extends: true, test: { name: 'host' } },
      {
        extends: true,
        test: {
          name: 'simt',
          include: ['src/fused/*.test.ts'],
          exclude: ['src/*.test.ts', 'src/kernels/**'],
          env: { GFT_NATIVE_ADDON: simtAddon, GFT_FUSED_TEST_DEVICE: 'cuda' },
        },
      },
    ],
  },
});
