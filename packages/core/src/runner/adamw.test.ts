import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { tf } from '../tf.js';
import { adamW } from './adamw.js';

// Independent float64 AdamW (PyTorch update order), written out scalar by scalar.
function reference(p0: number[], grads: number[][], lrs: number[], wd: number) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lrs[k] * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mh = m[i] / (1 - b1 ** t);
      const vh = v[i] / (1 - b2 ** t);
      p[i] -= (lrs[k] * mh) / (Math.sqrt(vh) + eps);
    }
  });
  return p;
}

describe('adamW', () => {
  it('matches a float64 reference over three steps with weight decay', async () => {
    await cpuBackend().setup();
    const p0 = [0.5, -1.25, 2, 0.001];
    const grads = [
      [0.1, -0.2, 0.3, 0],
      [-0.4, 0.5, 0.05, 1e-3],
      [0.2, 0.2, -0.7, 2],
    ];
    const lrs = [0.1, 0.05, 0.02];
    const w = tf.variable(tf.tensor1d(p0));
    const opt = adamW(new Map([['w', w]]), { weightDecay: 0.1 });
    const before = tf.memory().numTensors;
    grads.forEach((g, k) => {
      const gt = tf.tensor1d(g);
      opt.step(new Map([['w', gt]]), lrs[k]);
      gt.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
    const got = Array.from(w.dataSync());
    const want = reference(p0, grads, lrs, 0.1);
    const maxDiff = Math.max(...got.map((x, i) => Math.abs(x - want[i])));
    console.log(`adamW vs float64 reference: max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-6);
    expect(opt.stepCount).toBe(3);
    opt.dispose();
    w.dispose();
  });

  it('restores moments so the next step matches an uninterrupted optimizer exactly', async () => {
    await cpuBackend().setup();
    const g = [tf.tensor1d([0.3, -0.1]), tf.tensor1d([-0.2, 0.4]), tf.tensor1d([0.5, 0.5])];
    const run = (restoreAfter?: number) => {
      let w = tf.variable(tf.tensor1d([1, 2]));
      let opt = adamW(new Map([['w', w]]));
      for (let k = 0; k < g.length; k++) {
        if (k === restoreAfter) {
          const moments = new Map(
            [...opt.moments()].map(([n, x]) => [n, x.dataSync() as Float32Array]),
          );
          const weights = w.dataSync();
          const steps = opt.stepCount;
          opt.dispose();
          w.dispose();
          w = tf.variable(tf.tensor1d(weights));
          opt = adamW(new Map([['w', w]]));
          opt.restore(moments, steps);
        }
        opt.step(new Map([['w', g[k]]]), 0.01);
      }
      const out = Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    expect(run(2)).toEqual(run());
    for (const t of g) t.dispose();
  });
});
