/**
 * The CUDA device's host side on the SIMT emulator (the `simt` project): what it reports, and
 * that its kernel table is complete (every kernel of the host's table and every native fused
 * kernel, so nothing falls back to tfjs-cpu), and the out-of-memory error a user sees (the size asked, the memory free, what gft holds). The
 * emulated device has GFT_SIMT_MEMORY bytes (vitest.config.ts gives it 2 GiB).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveFusedKernel, tf } from '@gft/core';
import { DEVICE_KERNEL_NAMES, loadNativeAddon, NATIVE_FUSED_KERNELS } from '@gft/native';
import { describe, expect, it } from 'vitest';
import { CUDA_NATIVE, cudaNative } from './index.js';
import { gpu, simt } from './test-support.js';

// Runs in the `simt` project only (vitest.config.ts); elsewhere one skipped test says why.
const suite =
  simt && gpu.ok
    ? describe
    : () =>
        it.skip(
          simt
            ? gpu.title('the CUDA device on the SIMT emulator')
            : 'the CUDA device on the SIMT emulator (skipped: runs in the simt project, on the SIMT build of the addon)',
        );

suite('the CUDA device on the SIMT emulator', () => {
  const load = loadNativeAddon();
  if (!load.ok) throw new Error(load.reason);
  const { addon } = load;
  const device = addon.openDevice('cuda');

  it('describes the emulated GPU and the matmul path', () => {
    const facts = addon.describe(device);
    expect(facts.gpu).toBe('gft SIMT emulator (CPU)');
    expect(facts.blas).toMatch(/own kernel/);
    expect(Number(facts.memoryTotal)).toBe(2 ** 31);
  });

  it("has the host's whole kernel table and every fused kernel's natives", async () => {
    const expected = [...DEVICE_KERNEL_NAMES, ...Object.values(NATIVE_FUSED_KERNELS).flat()];
    expect(addon.kernelNames(device).sort()).toEqual([...new Set(expected)].sort());
    await cudaNative().setup();
    for (const fused of Object.keys(NATIVE_FUSED_KERNELS)) {
      const name = fused as Parameters<typeof resolveFusedKernel>[0];
      expect(resolveFusedKernel(name, CUDA_NATIVE)?.source, fused).toBe('@gft/native (src/fused)');
    }
  });

  it('data() copies through pinned memory in stream order: the tensor can go before the await', async () => {
    await cudaNative().setup();
    await tf.setBackend(CUDA_NATIVE);
    const x = tf.fill([4099], 3);
    const pending = x.data();
    x.dispose();
    const y = tf.fill([4099], 7);
    expect((await pending).every((v) => v === 3)).toBe(true);
    expect((await y.data()).every((v) => v === 7)).toBe(true);
    y.dispose();
  });

  it('a machine whose driver sees no GPU gets that reason when the device opens', () => {
    // A fresh process: the device opens once per process.
    const script = `try { require(process.env.GFT_NATIVE_ADDON).openDevice('cuda') } catch (e) { console.log(e.message) }`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, GFT_SIMT_NO_DEVICE: '1' },
      encoding: 'utf8',
    });
    expect(run.stdout.trim()).toBe(
      'cuda device: no usable CUDA driver or GPU: no CUDA-capable device is detected (cudaErrorNoDevice)',
    );
  });

  it('with GFT_CUDA_TF32=1, matmuls run on the tensor-core kernel (mma.sync, emulated here) to TF32 accuracy', () => {
    const script = fileURLToPath(new URL('../test/tf32-matmul.cjs', import.meta.url));
    const runWith = (tf32: string) => {
      const run = spawnSync(process.execPath, [script], {
        env: { ...process.env, GFT_CUDA_TF32: tf32 },
        encoding: 'utf8',
      });
      return JSON.parse(run.stdout) as {
        precision: string;
        cases: { shape: number[]; maxError: number; maxMagnitude: number }[];
      };
    };
    const exact = runWith('0');
    const tf32 = runWith('1');
    expect(exact.precision).toBe('float32');
    expect(tf32.precision).toBe('tf32');
    for (const [i, c] of tf32.cases.entries()) {
      // TF32 keeps 10 mantissa bits: errors near 1e-3 of the magnitude, far above float32's.
      expect(c.maxError, JSON.stringify(c)).toBeLessThan(2e-3 * c.maxMagnitude);
      expect(c.maxError, JSON.stringify(c)).toBeGreaterThan(10 * exact.cases[i].maxError);
      expect(exact.cases[i].maxError).toBeLessThan(2e-6 * c.maxMagnitude);
    }
  });

  it('out of memory names the size asked and the memory free, and the device stays usable', () => {
    const held = addon.alloc(device, 1 << 30);
    expect(() => addon.alloc(device, 3 * 2 ** 30)).toThrow(
      /out of memory allocating 3221225472 bytes on gft SIMT emulator \(CPU\) \(\d+ MiB free of 2048 MiB; gft holds 1024 MiB of it/,
    );
    addon.free(held);
    const again = addon.alloc(device, 1 << 30);
    addon.free(again);
  });
});
