/**
 * The WGSL varlen attention against core's generic implementation (tfjs ops), both run on
 * webgpu on the same inputs: forward output and the q/k/v gradients, with GQA, several
 * sequences, sliding window and a soft-cap strong enough to matter. Max differences printed.
 */
import { tf, varlenAttentionGeneric } from '@gft/core';
import { maxAbsDiff } from '@gft/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, gpuTitle } from '../testing/gpu-probe.js';
import { webgpu } from '../webgpu-backend.js';
import { type AttentionAttrs, tokenBounds, varlenAttentionWebGpu } from './varlen-attention.js';

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Case {
  name: string;
  attrs: AttentionAttrs;
  amplitude: number;
}

const CASES: Case[] = [
  {
    name: 'GQA 4/2, three sequences, causal',
    attrs: { cuSeqlens: [0, 5, 16, 36], numHeads: 4, numKvHeads: 2, headDim: 16, scale: 0.25 },
    amplitude: 1,
  },
  {
    name: 'GQA 4/2, window 8, soft-cap 1.0',
    attrs: {
      cuSeqlens: [0, 5, 16, 36],
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      scale: 0.25,
      window: 8,
      softcap: 1.0,
    },
    amplitude: 2,
  },
  {
    name: 'MHA 2/2, one sequence, hd 8, soft-cap 50',
    attrs: {
      cuSeqlens: [0, 13],
      numHeads: 2,
      numKvHeads: 2,
      headDim: 8,
      scale: 8 ** -0.5,
      softcap: 50,
    },
    amplitude: 1,
  },
];

describe('tokenBounds', () => {
  it('gives each token its sequence start and end, and rejects bad cuSeqlens', () => {
    expect(Array.from(tokenBounds([0, 2, 5], 5))).toEqual([0, 2, 0, 2, 2, 5, 2, 5, 2, 5]);
    expect(() => tokenBounds([0, 2, 4], 5)).toThrow(/end at T=5/);
    expect(() => tokenBounds([0, 3, 3, 5], 5)).toThrow(/sequence 1 has length 0/);
  });
});

describe.skipIf(!gpu.ok)(gpuTitle('WGSL varlen attention vs generic'), () => {
  beforeAll(async () => {
    await webgpu().setup();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const { numHeads: h, numKvHeads: kv, headDim: hd } = c.attrs;
      const t = c.attrs.cuSeqlens[c.attrs.cuSeqlens.length - 1];
      const before = tf.memory().numTensors;
      const amp = (x: Float32Array) => x.map((e) => e * c.amplitude);
      const q = tf.tensor2d(amp(seeded(t * h * hd, 1)), [t, h * hd]);
      const k = tf.tensor2d(amp(seeded(t * kv * hd, 2)), [t, kv * hd]);
      const v = tf.tensor2d(seeded(t * kv * hd, 3), [t, kv * hd]);
      const w = tf.tensor2d(seeded(t * h * hd, 4), [t, h * hd]);

      const run = (impl: typeof varlenAttentionWebGpu) => {
        const out = impl({ q, k, v }, c.attrs);
        const grads = tf.grads((a, b, cc) =>
          tf.sum(
            tf.mul(
              impl({ q: a as tf.Tensor2D, k: b as tf.Tensor2D, v: cc as tf.Tensor2D }, c.attrs),
              w,
            ),
          ),
        )([q, k, v]);
        return [out, ...grads];
      };
      const ours = run(varlenAttentionWebGpu);
      const ref = run(varlenAttentionGeneric);
      const names = ['out', 'dq', 'dk', 'dv'];
      for (let i = 0; i < names.length; i++) {
        const a = await ours[i].data();
        const e = await ref[i].data();
        const diff = maxAbsDiff(a, e);
        console.log(`${c.name}: ${names[i]} max |webgpu - generic| = ${diff.toExponential(2)}`);
        expect(diff).toBeLessThan(2e-5);
      }
      tf.dispose([...ours, ...ref, q, k, v, w]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
