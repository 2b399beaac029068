/**
 * Native varlen attention (forward and q/k/v gradients) against core's generic kernel on
 * tfjs-cpu: one and several sequences (lengths 1 and not multiples of a block), MHA, GQA 4/2
 * and MQA, window and softcap on and off, head dims 16 and 64, and both backward schedules
 * (one task per sequence and head on 1 thread; key-block/query-block passes on 8).
 * Tolerance: 1e-5 of each tensor's largest magnitude (float32 sums in a different order,
 * polynomial exp/tanh within a few ulp).
 */
import {
  resolveFusedKernel,
  runFusedKernel,
  tf,
  VARLEN_ATTENTION,
  type VarlenAttentionAttrs,
  varlenAttentionGeneric,
} from '@gft/core';
import { relativeMaxError } from '@gft/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND, leftBehind, load, seeded, useNative, valuesOn } from './test-support.js';

interface Case {
  name: string;
  lens: number[];
  heads: number;
  kvHeads: number;
  headDim: number;
  window?: number;
  softcap?: number;
  threads?: number;
}

const CASES: Case[] = [
  { name: 'one sequence, GQA 4/2, hd 16', lens: [37], heads: 4, kvHeads: 2, headDim: 16 },
  { name: 'length 1 alone, MQA, hd 64', lens: [1], heads: 4, kvHeads: 1, headDim: 64, softcap: 50 },
  {
    name: 'several sequences incl. length 1, MQA, hd 64, window + softcap',
    lens: [1, 5, 64, 130, 17],
    heads: 4,
    kvHeads: 1,
    headDim: 64,
    window: 16,
    softcap: 50,
  },
  {
    name: 'MHA 4/4, hd 16, softcap',
    lens: [300, 1, 211],
    heads: 4,
    kvHeads: 4,
    headDim: 16,
    softcap: 30,
  },
  {
    name: 'GQA 4/2, hd 64, window',
    lens: [257, 3, 128],
    heads: 4,
    kvHeads: 2,
    headDim: 64,
    window: 100,
  },
  {
    name: 'one long sequence, MQA, 1 thread (fused backward)',
    lens: [600],
    heads: 4,
    kvHeads: 1,
    headDim: 16,
    softcap: 50,
    window: 200,
    threads: 1,
  },
  {
    name: 'one long sequence, MQA, 8 threads (two-pass backward)',
    lens: [600],
    heads: 4,
    kvHeads: 1,
    headDim: 16,
    softcap: 50,
    window: 200,
    threads: 8,
  },
  {
    name: 'GQA 4/2, hd 64, 8 threads, no window (two-pass backward)',
    lens: [513, 7],
    heads: 4,
    kvHeads: 2,
    headDim: 64,
    threads: 8,
  },
];

function attrsOf(c: Case): VarlenAttentionAttrs {
  const cu = [0];
  for (const l of c.lens) cu.push(cu[cu.length - 1] + l);
  return {
    cuSeqlens: cu,
    numHeads: c.heads,
    numKvHeads: c.kvHeads,
    headDim: c.headDim,
    scale: 1 / Math.sqrt(c.headDim),
    softcap: c.softcap,
    window: c.window,
  };
}

/** [out, dq, dk, dv] of sum(attention(q, k, v) * r). */
function outputsAndGrads(
  c: Case,
  attention: (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor[] {
  const t = c.lens.reduce((a, b) => a + b, 0);
  const qw = c.heads * c.headDim;
  const kw = c.kvHeads * c.headDim;
  const q = tf.tensor2d(seeded(t * qw, 1, 2), [t, qw]);
  const k = tf.tensor2d(seeded(t * kw, 2, 2), [t, kw]);
  const v = tf.tensor2d(seeded(t * kw, 3), [t, kw]);
  const r = tf.tensor2d(seeded(t * qw, 4), [t, qw]);
  const out = attention(q, k, v);
  const grads = tf.grads((a, b, d) =>
    tf.sum(tf.mul(attention(a as tf.Tensor2D, b as tf.Tensor2D, d as tf.Tensor2D), r)),
  )([q, k, v]);
  return [out, ...grads];
}

describe.skipIf(!load.ok)(
  `native varlen attention vs generic on tfjs-cpu${load.ok ? '' : ` (skipped: ${load.ok ? '' : load.reason})`}`,
  () => {
    afterAll(async () => {
      await useNative();
    });

    it('is the registered implementation on native backends', async () => {
      await useNative();
      expect(resolveFusedKernel(VARLEN_ATTENTION, BACKEND)).toEqual({
        via: 'gft',
        source: '@gft/native (src/fused)',
      });
    });

    it.each(CASES)('$name', async (c) => {
      const attrs = attrsOf(c);
      await useNative(c.threads);
      const native = await valuesOn(BACKEND, () =>
        outputsAndGrads(
          c,
          (q, k, v) => runFusedKernel(VARLEN_ATTENTION, { q, k, v }, attrs) as tf.Tensor2D,
        ),
      );
      const generic = await valuesOn('cpu', () =>
        outputsAndGrads(c, (q, k, v) => varlenAttentionGeneric({ q, k, v }, attrs)),
      );
      const errors = ['out', 'dq', 'dk', 'dv'].map(
        (name, i) => [name, relativeMaxError(native[i], generic[i])] as const,
      );
      console.log(`${c.name}: ${errors.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', ')}`);
      for (const [, e] of errors) expect(e).toBeLessThan(1e-5);
    });

    it('leaves no tensors or native bytes behind, with and without gradients', async () => {
      await useNative();
      const c = CASES[2];
      const attrs = attrsOf(c);
      const left = leftBehind(() =>
        outputsAndGrads(
          c,
          (q, k, v) => runFusedKernel(VARLEN_ATTENTION, { q, k, v }, attrs) as tf.Tensor2D,
        ),
      );
      expect(left).toEqual({ tensors: 0, nativeBytes: 0 });
    });

    it('rejects cu_seqlens that do not end at T, naming the kernel', async () => {
      await useNative();
      const q = tf.zeros([4, 8]) as tf.Tensor2D;
      expect(() =>
        runFusedKernel(
          VARLEN_ATTENTION,
          { q, k: q, v: q },
          { cuSeqlens: [0, 3], numHeads: 1, numKvHeads: 1, headDim: 8, scale: 1 },
        ),
      ).toThrow(/GftVarlenAttention: cuSeqlens must start at 0 and end at T=4/);
      q.dispose();
    });
  },
);
