/**
 * The CUDA device's host side on the SIMT emulator (the `simt` project): what it reports, and
 * the out-of-memory error a user sees (the size asked, the memory free, what gft holds). The
 * emulated device has GFT_SIMT_MEMORY bytes (vitest.config.ts gives it 2 GiB).
 */
import { loadNativeAddon } from '@gft/native';
import { describe, expect, it } from 'vitest';
import { gpu, simt } from './test-support.js';

const suite =
  simt && gpu.ok ? describe : () => it.skip(gpu.title('the CUDA device on the SIMT emulator'));

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
