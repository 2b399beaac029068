/** The full-ft adapter: dense trainable projections, options, and refusal of quantised weights. */
import { cpuBackend, GftError, type LinearSite, tf } from '@gft/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullFineTune } from './full-fine-tune.js';

const site: LinearSite = {
  name: 'model.layers.0.mlp.up_proj',
  layer: 0,
  module: 'up_proj',
  inFeatures: 3,
  outFeatures: 2,
};
const weight = {
  name: `${site.name}.weight`,
  shape: [2, 3] as [number, number],
  readF32: () => Float32Array.from([1, 2, 3, 4, 5, 6]),
};

beforeAll(async () => {
  await cpuBackend().setup();
});

describe('fullFineTune', () => {
  it('computes x W^T with W a trainable variable, and trains every other parameter', () => {
    const adapter = fullFineTune();
    expect(adapter).toMatchObject({ kind: 'adapter', name: 'full-ft' });
    const lin = adapter.linear(site, weight);
    const y = lin.apply(tf.tensor2d([[1, 0, -1]]));
    expect(Array.from(y.dataSync())).toEqual([-2, -2]);
    expect(lin.trainable.weight).toBeInstanceOf(tf.Variable);
    const [g] = tf.grads((w: tf.Tensor) =>
      tf.sum(tf.matMul(tf.tensor2d([[1, 0, -1]]), w, false, true)),
    )([lin.trainable.weight]);
    expect(Array.from(g.dataSync())).toEqual([1, 0, -1, 1, 0, -1]);
    expect(adapter.trainsParam('model.embed_tokens.weight', 'embedding')).toBe(true);
    expect(adapter.estimateLinear(site)).toEqual({ frozenBytes: 0, trainableParams: 6 });
    lin.dispose();
  });

  it('can freeze the base for a head-only baseline', () => {
    const adapter = fullFineTune({
      trainsLinear: () => false,
      trainsParam: (_n, role) => role === 'head',
    });
    const lin = adapter.linear(site, weight);
    expect(Object.keys(lin.trainable)).toEqual([]);
    expect(lin.frozenBytes).toBe(24);
    expect(adapter.trainsParam('model.norm.weight', 'norm')).toBe(false);
    lin.dispose();
  });

  it('refuses a quantised weight, naming it', () => {
    let err: unknown;
    try {
      fullFineTune().linear(site, { name: weight.name, shape: [2, 3], companions: {} });
    } catch (e) {
      err = e;
    }
    expect(GftError.isInstance(err) && err.code).toBe('PLUGIN_INCOMPATIBLE');
    expect((err as Error).message).toContain(weight.name);
  });
});
