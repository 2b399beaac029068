/**
 * GPU buffers are released: 20 LoRA training steps of `tiny` on webgpu, after which the
 * backend's allocated buffer bytes (tfjs's pool, which only grows when a step needs a
 * buffer no freed one can serve) and the live tensor count stay flat after the first steps.
 */
import { tf } from '@gft/core';
import { lora } from '@gft/plugin-lora';
import { describe, expect, it } from 'vitest';
import { gpu, gpuTitle } from './testing/gpu-probe.js';
import { trainTiny } from './testing/tiny-training.js';
import { webgpu } from './webgpu-backend.js';

const STEPS = 20;
const WARMUP = 3;

describe.skipIf(!gpu.ok)(gpuTitle('webgpu memory over 20 steps'), () => {
  it('allocated bytes and tensor count stay flat after the first steps', async () => {
    const plugin = webgpu();
    await plugin.setup();
    const allocated: number[] = [];
    const tensors: number[] = [];
    const tensorBytes: number[] = [];
    const losses = await trainTiny(lora({ r: 4, alpha: 8, seed: 2 }), STEPS, () => {
      allocated.push(plugin.memory?.().reservedBytes ?? Number.NaN);
      tensors.push(tf.memory().numTensors);
      tensorBytes.push(tf.memory().numBytes);
    });
    console.log(`allocated GPU bytes per step: ${allocated.join(' ')}`);
    console.log(
      `live tensors per step: ${tensors.join(' ')}; loss ${losses[0].toFixed(4)} -> ${losses[STEPS - 1].toFixed(4)}`,
    );
    for (let i = WARMUP; i < STEPS; i++) {
      expect(allocated[i]).toBe(allocated[WARMUP - 1]);
      expect(tensors[i]).toBe(tensors[WARMUP - 1]);
      expect(tensorBytes[i]).toBe(tensorBytes[WARMUP - 1]);
    }
    expect(allocated[0]).toBeGreaterThan(0);
    expect(losses[STEPS - 1]).toBeLessThan(losses[0]);
  });
});
