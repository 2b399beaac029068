import { resolveFusedKernel, tf, VARLEN_ATTENTION } from '@gft/core';
import { describe, expect, it } from 'vitest';
import { gpu, gpuTitle } from './testing/gpu-probe.js';
import { webgpu } from './webgpu-backend.js';

describe('webgpu() plugin object', () => {
  it('is a backend plugin that does nothing until setup', () => {
    const plugin = webgpu();
    expect(plugin.kind).toBe('backend');
    expect(plugin.name).toBe('webgpu');
    expect(plugin.tfBackend).toBe('webgpu');
    expect(plugin.describe?.()).toEqual({ adapter: 'not set up' });
  });
});

describe.skipIf(!gpu.ok)(gpuTitle('webgpu backend on a real adapter'), () => {
  it('selects tfjs webgpu and computes on it', async () => {
    const plugin = webgpu();
    await plugin.setup();
    await plugin.setup(); // idempotent
    expect(tf.getBackend()).toBe('webgpu');
    // 64x64: above tfjs's CPU-handoff threshold, so it really runs as a GPU program.
    const x = tf.eye(64).mul(3);
    const y = tf.matMul(x, x);
    const values = await y.data();
    expect(values[0]).toBe(9);
    expect(values[1]).toBe(0);
    const z = tf.matMul(x, x);
    if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined') {
      expect(() => z.dataSync()).toThrow(/use `await tensor.data\(\)`/);
    }
    tf.dispose([x, y, z]);
    const info = plugin.describe?.() ?? {};
    console.log('webgpu adapter:', info);
    expect(String(info.adapter)).not.toBe('not set up');
    expect(plugin.memory?.().reservedBytes).toBeGreaterThan(0);
  });

  it("registers its WGSL kernels in core's fused-kernel registry", async () => {
    const plugin = webgpu();
    await plugin.setup();
    for (const name of plugin.fusedKernels ?? []) {
      expect(resolveFusedKernel(name as typeof VARLEN_ATTENTION, 'webgpu')).toEqual({
        via: 'gft',
        source: '@gft/plugin-webgpu',
      });
    }
    expect(plugin.fusedKernels).toContain(VARLEN_ATTENTION);
  });
});
