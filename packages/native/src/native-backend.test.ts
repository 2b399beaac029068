/**
 * The native backend against tfjs-cpu on a spread of ops (shapes, broadcasting, int32, bool,
 * gradients), plus storage: native bytes follow tensors, dispose frees, nothing leaks.
 * The per-kernel conformance suite shared by every backend lives in @gft/core/testing.
 */
import { cpuBackend, registerTfjsCpu, tf } from '@gft/core';
import { needs } from '@gft/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { fallbackCounts, loadNativeAddon, registerNativeBackend } from './index.js';

const load = loadNativeAddon();
const nativeAddon = needs('cpu-native', () => (load.ok ? undefined : load.reason));
const BACKEND = 'native-test';

function values(shape: number[], seed: number): Float32Array {
  let s = seed;
  const n = shape.reduce((p, q) => p * q, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = (s / 2147483648) * 4 - 2;
  }
  return v;
}

type Case = (a: tf.Tensor3D, b: tf.Tensor2D) => tf.Tensor;
const CASES: Record<string, Case> = {
  matmul: (a, b) => tf.matMul(a.reshape([20, 6]) as tf.Tensor2D, b),
  batchMatMulTransposeB: (a) => tf.matMul(a, a, false, true),
  batchMatMulTransposeA: (a) => tf.matMul(a, a, true, false),
  broadcastAdd: (a) => tf.add(a, tf.tensor2d(values([5, 1], 3), [5, 1])),
  sumTwoAxes: (a) => tf.sum(a, [0, 2]),
  sumAll: (a) => tf.sum(a),
  sumKeepDims: (a) => tf.sum(a, 1, true),
  maxLast: (a) => tf.max(a, -1),
  mean: (a) => tf.mean(a, 0),
  softmax: (a) => tf.softmax(a),
  logSoftmax: (a) => tf.logSoftmax(a),
  transpose: (a) => tf.transpose(a, [2, 0, 1]),
  transposeLastTwoLarge: (a) => tf.transpose(tf.tile(a, [8, 8, 8]), [0, 2, 1]),
  slice: (a) => tf.slice(a, [1, 2, 0], [2, 2, 4]),
  concat: (a) => tf.concat([a, a.mul(3)], 1),
  exp: (a) => tf.exp(a),
  tanh: (a) => tf.tanh(a),
  sigmoid: (a) => tf.sigmoid(a),
  log: (a) => tf.log(tf.abs(a)),
  rsqrt: (a) => tf.rsqrt(tf.abs(a)),
  gather: (a) => tf.gather(a, tf.tensor1d([3, 0, 0], 'int32'), 1),
  pad: (a) =>
    tf.pad(
      a,
      [
        [1, 0],
        [0, 2],
        [1, 1],
      ],
      7,
    ),
  gradient: (a, b) =>
    tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.softmax(tf.matMul(x as tf.Tensor2D, b)))))(
      a.reshape([20, 6]),
    ),
  where: (a) => tf.where(tf.greater(a, 0), a, tf.zerosLike(a)),
  floorDivInt: () =>
    tf.floorDiv(tf.tensor1d([7, -7, 9, 0], 'int32'), tf.tensor1d([2, 2, -4, 3], 'int32')),
  modInt: () => tf.mod(tf.tensor1d([7, -7, 9, 0], 'int32'), tf.tensor1d([2, 2, -4, 3], 'int32')),
  splitV: (a) => tf.split(a, [2, 3], 1)[1],
  tile: (a) => tf.tile(a, [1, 2, 1]),
  stridedSlice: (a) => tf.stridedSlice(a, [0, 1, 0], [4, 5, 6], [2, 2, 1]),
  segmentSum: (a) =>
    tf.unsortedSegmentSum(
      a.reshape([20, 6]),
      tf.tensor1d(
        Array.from({ length: 20 }, (_, i) => i % 7),
        'int32',
      ),
      7,
    ),
  argMax: (a) => tf.argMax(a, 1),
  castToInt: (a) => tf.cast(a.mul(3), 'int32'),
  reverse: (a) => tf.reverse(a, [0, 2]),
  stack: (a) => tf.stack([a, a], 1),
  unstack: (a) => tf.unstack(a, 1)[3],
  oneHot: () => tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 4),
  broadcastTo: () => tf.broadcastTo(tf.tensor1d([1, 2, 3, 4, 5, 6]), [3, 2, 6]),
  range: () => tf.range(0, 10, 3),
  pow: (a) => tf.pow(tf.abs(a), 1.5),
  squaredDifference: (a) => tf.squaredDifference(a, 0.5),
  minimum: (a) => tf.minimum(a, 0.3),
  emptyConcat: (a) => tf.concat([a.slice([0, 0, 0], [4, 0, 6]), a], 1),
  boolLogic: (a) => tf.logicalAnd(tf.greater(a, -1), tf.less(a, 1)),
};

function runAll(backend: string) {
  return tf.tidy(() => {
    const a = tf.tensor3d(values([4, 5, 6], 1), [4, 5, 6]);
    const b = tf.tensor2d(values([6, 3], 2), [6, 3]);
    const out: Record<string, { shape: number[]; dtype: string; data: number[] }> = {};
    for (const [name, f] of Object.entries(CASES)) {
      const r = f(a, b);
      out[name] = { shape: r.shape, dtype: r.dtype, data: Array.from(r.dataSync()) };
    }
    void backend;
    return out;
  });
}

describe.skipIf(!nativeAddon.ok)(nativeAddon.title('native backend vs tfjs-cpu'), () => {
  let native: ReturnType<typeof runAll>;
  let cpu: ReturnType<typeof runAll>;
  beforeAll(async () => {
    await registerTfjsCpu();
    registerNativeBackend({ backendName: BACKEND, deviceName: 'host' });
    await tf.setBackend(BACKEND);
    native = runAll(BACKEND);
    await cpuBackend().setup();
    cpu = runAll('cpu');
    await tf.setBackend(BACKEND);
  });

  it.each(Object.keys(CASES))('%s matches tfjs-cpu (relative 1e-5)', (name) => {
    const n = native[name];
    const c = cpu[name];
    expect(n.shape).toEqual(c.shape);
    expect(n.dtype).toBe(c.dtype);
    let worst = 0;
    for (let i = 0; i < c.data.length; i++) {
      worst = Math.max(worst, Math.abs(n.data[i] - c.data[i]) / (1 + Math.abs(c.data[i])));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('ran every case natively (no JavaScript fallback)', () => {
    expect(fallbackCounts(BACKEND)).toEqual({});
  });

  it('data() reads what the tensor held when it was called, though it is freed and reused before the await', async () => {
    const x = tf.fill([4099], 3);
    const pending = x.data();
    x.dispose();
    const y = tf.fill([4099], 7);
    const values = await pending;
    expect(values.length).toBe(4099);
    expect(values.every((v) => v === 3)).toBe(true);
    expect((await y.data()).every((v) => v === 7)).toBe(true);
    y.dispose();
  });

  it('native bytes follow tensors and dispose frees them', () => {
    const backend = tf.backend() as unknown as { memory(): { nativeBytes: number } };
    const before = backend.memory().nativeBytes;
    const t = tf.zeros([1000, 1000]);
    expect(backend.memory().nativeBytes - before).toBe(4_000_000);
    t.dispose();
    expect(backend.memory().nativeBytes).toBe(before);
  });

  it('a training-like loop keeps tensor count and native bytes flat', () => {
    const w = tf.variable(tf.randomNormal([64, 64]));
    const x = tf.randomNormal([32, 64]);
    const opt = tf.train.adam(1e-3);
    const step = () =>
      opt.minimize(() => tf.mean(tf.square(tf.tanh(tf.matMul(x, w)))) as tf.Scalar);
    step();
    const tensors = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { memory(): { nativeBytes: number } };
    const bytes = backend.memory().nativeBytes;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.memory().nativeBytes).toBe(bytes);
    tf.dispose([w, x]);
    opt.dispose();
  });

  it('a tensor larger than 4 GiB lives in native memory', () => {
    const n = 1.1 * 2 ** 30; // float32 elements: 4.4 GB
    const t = tf.fill([Math.floor(n)], 1.5);
    const tail = t.slice([Math.floor(n) - 2], [2]);
    expect(Array.from(tail.dataSync())).toEqual([1.5, 1.5]);
    tf.dispose([t, tail]);
  });
});
