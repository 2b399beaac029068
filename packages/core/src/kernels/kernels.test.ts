/**
 * Fused-kernel registry and generic kernels: values and gradients against plain tfjs-op
 * references (a dense masked attention over the whole packed row), dispatch order, and the
 * duplicate-registration error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { maxAbsDiff } from '../testing/compare.js';
import { tf } from '../tf.js';
import { queryBlocks } from './generic/attention-blocks.js';
import { fastTanh } from './generic/fast-tanh.js';
import { GELU_GATE, RMS_NORM, type VarlenAttentionAttrs } from './kernel-names.js';
import { geluGate, rmsNorm, varlenAttention } from './ops.js';
import { registerFusedKernel, resolveFusedKernel } from './registry.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Dense reference: one T x T block-diagonal causal mask, heads repeated for GQA. */
function denseAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, a: VarlenAttentionAttrs) {
  const t = q.shape[0];
  const g = a.numHeads / a.numKvHeads;
  const seqOf = new Int32Array(t);
  for (let s = 0; s + 1 < a.cuSeqlens.length; s++) {
    for (let i = a.cuSeqlens[s]; i < a.cuSeqlens[s + 1]; i++) seqOf[i] = s;
  }
  const bias = new Float32Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) {
      const ok = seqOf[i] === seqOf[j] && j <= i && (!a.window || i - j < a.window);
      bias[i * t + j] = ok ? 0 : -1e30;
    }
  }
  const heads = (x: tf.Tensor2D, n: number) =>
    tf.transpose(tf.reshape(x, [t, n, a.headDim]), [1, 0, 2]);
  const qh = heads(q, a.numHeads);
  const rep = (x: tf.Tensor) =>
    tf.reshape(tf.tile(tf.expandDims(x, 1), [1, g, 1, 1]), [a.numHeads, t, a.headDim]);
  const kh = rep(heads(k, a.numKvHeads));
  const vh = rep(heads(v, a.numKvHeads));
  let s = tf.mul(tf.matMul(qh, kh, false, true), a.scale);
  if (a.softcap) s = tf.mul(tf.tanh(tf.div(s, a.softcap)), a.softcap);
  const p = tf.softmax(tf.add(s, tf.tensor2d(bias, [t, t])), -1);
  return tf.reshape(tf.transpose(tf.matMul(p, vh), [1, 0, 2]), [t, a.numHeads * a.headDim]);
}

describe('generic varlen attention', () => {
  const attrs: VarlenAttentionAttrs = {
    cuSeqlens: [0, 5, 16, 27, 38],
    numHeads: 4,
    numKvHeads: 2,
    headDim: 8,
    scale: 0.3,
    softcap: 2,
    window: 6,
  };
  it('matches a dense block-diagonal reference, forward and gradients', () => {
    const q = rand([38, 32], 1) as tf.Tensor2D;
    const k = rand([38, 16], 2) as tf.Tensor2D;
    const v = rand([38, 16], 3) as tf.Tensor2D;
    const w = rand([38, 32], 4);
    for (const a of [attrs, { ...attrs, softcap: 0, window: 0 }]) {
      const f = (fn: typeof denseAttention) => (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.mul(fn(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, a), w));
      const ours = tf.grads(f((x, y, z) => varlenAttention({ q: x, k: y, v: z }, a)))([q, k, v]);
      const ref = tf.grads(f(denseAttention))([q, k, v]);
      const out = varlenAttention({ q, k, v }, a).dataSync();
      const outRef = denseAttention(q, k, v, a).dataSync();
      const diffs = [
        maxAbsDiff(out, outRef),
        ...ours.map((g, i) => maxAbsDiff(g.dataSync(), ref[i].dataSync())),
      ];
      console.log(
        `varlen attention softcap=${a.softcap} window=${a.window}: max |diff| out,dq,dk,dv`,
        diffs,
      );
      for (const d of diffs) expect(d).toBeLessThan(2e-5);
    }
  });

  it('matches the reference across causal query blocks (sequences longer than one block)', () => {
    // 300 > QUERY_BLOCK positions: two blocks; the window cuts keys inside the second.
    const cu = [0, 300, 310, 610];
    const t = 610;
    const q = rand([t, 32], 11) as tf.Tensor2D;
    const k = rand([t, 16], 12) as tf.Tensor2D;
    const v = rand([t, 16], 13) as tf.Tensor2D;
    const w = rand([t, 32], 14);
    for (const a of [
      { ...attrs, cuSeqlens: cu, window: 120 },
      { ...attrs, cuSeqlens: cu, softcap: 0, window: 0 },
    ]) {
      const f = (fn: typeof denseAttention) => (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.mul(fn(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, a), w));
      const ours = tf.grads(f((x, y, z) => varlenAttention({ q: x, k: y, v: z }, a)))([q, k, v]);
      const ref = tf.grads(f(denseAttention))([q, k, v]);
      const diffs = [
        maxAbsDiff(
          varlenAttention({ q, k, v }, a).dataSync(),
          denseAttention(q, k, v, a).dataSync(),
        ),
        ...ours.map((g, i) => maxAbsDiff(g.dataSync(), ref[i].dataSync())),
      ];
      console.log(`blocked varlen attention window=${a.window}: max |diff| out,dq,dk,dv`, diffs);
      for (const d of diffs) expect(d).toBeLessThan(2e-5);
    }
    expect(queryBlocks(300, 120)).toEqual([
      { q0: 0, q1: 150, k0: 0 },
      { q0: 150, q1: 300, k0: 31 },
    ]);
  });

  it('keeps no tensors behind', () => {
    const q = rand([38, 32], 1) as tf.Tensor2D;
    const k = rand([38, 16], 2) as tf.Tensor2D;
    const v = rand([38, 16], 3) as tf.Tensor2D;
    const step = () =>
      tf.dispose(
        tf.grads((x, y, z) =>
          tf.sum(
            varlenAttention(
              { q: x as tf.Tensor2D, k: y as tf.Tensor2D, v: z as tf.Tensor2D },
              attrs,
            ),
          ),
        )([q, k, v]),
      );
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generic RMSNorm and GELU gate', () => {
  it('match op compositions in value and gradient', () => {
    const x = rand([7, 16], 5) as tf.Tensor2D;
    const w = rand([16], 6) as tf.Tensor1D;
    const u = rand([7, 16], 7) as tf.Tensor2D;
    const refNorm = (a: tf.Tensor, b: tf.Tensor) =>
      tf.mul(tf.mul(a, tf.rsqrt(tf.add(tf.mean(tf.square(a), -1, true), 1e-6))), tf.add(b, 1));
    const refGelu = (a: tf.Tensor, b: tf.Tensor) => {
      const inner = tf.mul(tf.add(a, tf.mul(tf.pow(a, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(tf.mul(a, 0.5), tf.add(tf.tanh(inner), 1)), b);
    };
    const cases: Array<
      [
        string,
        (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
        (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ]
    > = [
      [
        'rmsnorm',
        (a, b) => rmsNorm({ x: a as tf.Tensor2D, weight: b as tf.Tensor1D }, { eps: 1e-6 }),
        refNorm,
        x,
        w,
      ],
      [
        'gelu-gate',
        (a, b) => geluGate({ gate: a as tf.Tensor2D, up: b as tf.Tensor2D }),
        refGelu,
        x,
        u,
      ],
    ];
    for (const [name, ours, ref, a, b] of cases) {
      const dy = rand(a.shape, 8);
      const g1 = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(ours(p, q), dy)))([a, b]);
      const g2 = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(ref(p, q), dy)))([a, b]);
      const diffs = [
        maxAbsDiff(ours(a, b).dataSync(), ref(a, b).dataSync()),
        maxAbsDiff(g1[0].dataSync(), g2[0].dataSync()),
        maxAbsDiff(g1[1].dataSync(), g2[1].dataSync()),
      ];
      console.log(`${name}: max |diff| value, d0, d1`, diffs);
      for (const d of diffs) expect(d).toBeLessThan(1e-4);
    }
  });

  it('fastTanh agrees with tanh', () => {
    const x = tf.linspace(-10, 10, 101);
    expect(maxAbsDiff(fastTanh(x).dataSync(), tf.tanh(x).dataSync())).toBeLessThan(1e-6);
  });
});

describe('fused-kernel registry', () => {
  it('dispatches to a backend registration, then back to the generic', () => {
    expect(resolveFusedKernel(RMS_NORM, 'cpu')?.via).toBe('generic');
    let called = 0;
    const off = registerFusedKernel({
      kernelName: RMS_NORM,
      backendName: 'cpu',
      source: 'test-backend/rms-norm.ts',
      kernelFunc: (inputs) => {
        called++;
        return tf.mul(inputs.x, 2);
      },
    });
    try {
      expect(resolveFusedKernel(RMS_NORM, 'cpu')).toEqual({
        via: 'gft',
        source: 'test-backend/rms-norm.ts',
      });
      const y = rmsNorm({ x: tf.ones([1, 2]), weight: tf.zeros([2]) }, { eps: 1e-6 });
      expect(Array.from(y.dataSync())).toEqual([2, 2]);
      expect(called).toBe(1);
    } finally {
      off();
    }
    expect(resolveFusedKernel(RMS_NORM, 'cpu')?.via).toBe('generic');
  });

  it('refuses a second registration for the same kernel and backend, naming both', () => {
    const first = {
      kernelName: GELU_GATE,
      backendName: 'cpu',
      source: 'plugin-a',
      kernelFunc: () => tf.scalar(0),
    } as const;
    const off = registerFusedKernel(first);
    try {
      expect(() => registerFusedKernel({ ...first, source: 'plugin-b' })).toThrow(
        /plugin-a.*plugin-b/,
      );
      expect(() => registerFusedKernel({ ...first, backendName: '*', source: 'plugin-c' })).toThrow(
        /@gft\/core generic.*plugin-c/,
      );
    } finally {
      off();
    }
  });
});

describe('sequence runs', () => {
  it('batches equal-length neighbours under the score budget and splits bigger runs', async () => {
    const { sequenceRuns } = await import('./generic/varlen-attention.js');
    expect(sequenceRuns([0, 5, 10, 12], 12)).toEqual([
      { offset: 0, count: 2, len: 5 },
      { offset: 10, count: 1, len: 2 },
    ]);
    const cu = Array.from({ length: 9 }, (_, i) => i * 1024);
    const runs = sequenceRuns(cu, 8 * 1024, 4);
    expect(runs.map((r) => r.count)).toEqual([2, 2, 2, 2]);
    expect(() => sequenceRuns([0, 3, 3, 5], 5)).toThrow(/sequence 1 has length 0/);
  });
});
