/**
 * The runner on a backend without synchronous readback (webgpu in Node): with a model that
 * has `lossAndGradsAsync` / `predictAsync`, `train` (accumulation, clipping, evaluation)
 * never calls `dataSync` itself, and gives the same losses as the synchronous path.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { tf } from '../tf.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { arrayBatchSource } from './batch-source.js';
import { clipByGlobalNorm, clipByGlobalNormAsync } from './grad-clip.js';
import { syntheticBatches } from './test-support.js';
import { train } from './train.js';
import type { TrainableModel } from './trainable-model.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

/** dataSync throws unless `allowed` (the model's own readback, standing in for `await data()`). */
const proto = tf.Tensor.prototype as { dataSync: () => unknown };
const realDataSync = proto.dataSync;
let allowed = false;
let refused = 0;
afterEach(() => {
  proto.dataSync = realDataSync;
});
function forbidDataSync(): void {
  proto.dataSync = function (this: tf.Tensor) {
    if (!allowed) {
      refused += 1;
      throw new Error('dataSync is not available on this backend');
    }
    return realDataSync.call(this);
  };
}
const permitted = <T>(f: () => T): T => {
  allowed = true;
  try {
    return f();
  } finally {
    allowed = false;
  }
};

/** The bag-of-tokens model with only async readback: its sync forms are refused. */
function asyncOnly(inner: TrainableModel): TrainableModel {
  return {
    trainableVariables: () => inner.trainableVariables(),
    frozenBytes: () => inner.frozenBytes(),
    lossAndGrads: () => {
      throw new Error('sync lossAndGrads called');
    },
    predict: () => {
      throw new Error('sync predict called');
    },
    lossAndGradsAsync: async (mb, scale) => permitted(() => inner.lossAndGrads(mb, scale)),
    predictAsync: async (mb) => permitted(() => inner.predict(mb)),
    dispose: () => inner.dispose(),
  };
}

describe('runner with async readback only', () => {
  it('clipByGlobalNormAsync equals clipByGlobalNorm', async () => {
    const make = () =>
      new Map<string, tf.Tensor>([
        ['a', tf.tensor1d([3, 4])],
        ['b', tf.tensor2d([[12]])],
      ]);
    const a = make();
    const b = make();
    const na = clipByGlobalNorm(a, 1);
    const nb = await clipByGlobalNormAsync(b, 1);
    expect(nb).toBe(na);
    expect(na).toBe(13);
    for (const k of ['a', 'b']) expect(b.get(k)!.dataSync()).toEqual(a.get(k)!.dataSync());
    tf.dispose([...a.values(), ...b.values()]);
  });

  it('trains and evaluates without dataSync, with the synchronous losses', async () => {
    const run = async (model: TrainableModel) => {
      const before = tf.memory().numTensors;
      const out = await train({
        model,
        data: arrayBatchSource(syntheticBatches(3, 12, 100, 4)),
        steps: 3,
        schedule: { lr: 0.05, warmupSteps: 1 },
        clipGradNorm: 0.5,
        evaluation: { data: syntheticBatches(1, 8, 100, 9) },
      });
      model.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
      return out;
    };
    const sync = await run(bagOfTokensModel({ seed: 5 }));
    forbidDataSync();
    const asyncRun = await run(asyncOnly(bagOfTokensModel({ seed: 5 })));
    proto.dataSync = realDataSync;
    console.log(
      `sync losses ${[...sync.losses.values()].join(', ')}; async ${[...asyncRun.losses.values()].join(', ')}; eval ${sync.summary.evalLogLoss} / ${asyncRun.summary.evalLogLoss}; refused dataSync calls ${refused}`,
    );
    expect(refused).toBe(0);
    expect([...asyncRun.losses.values()]).toEqual([...sync.losses.values()]);
    expect(asyncRun.summary.evalLogLoss).toBe(sync.summary.evalLogLoss);
  });
});
