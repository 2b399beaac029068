/**
 * The wasm plugin's JS math kernels against the cpu backend: column `Sum` (leading axes)
 * and the broadcast binary ops that stock wasm runs outside XNNPACK (Maximum, Minimum,
 * Pow, comparisons). Both follow the cpu backend's arithmetic, so each must match it
 * exactly; each prints its max difference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { broadcastDims, stockIsSlow } from './broadcast-binary.js';
import { wasmBackend } from './wasm-backend.js';
import { wasmInternals } from './wasm-internals.js';
import { onBackend, relDiff, seededValues } from './wasm-test-utils.js';

beforeAll(async () => {
  await wasmBackend().setup();
});

/** Max difference between cpu and wasm results of `fn` (same inputs on both). */
async function cpuVsWasm(fn: () => tf.Tensor): Promise<{ diff: number; dtype: string }> {
  const run = (name: string) =>
    onBackend(name, () => {
      const t = tf.tidy(fn);
      const out = { values: t.dataSync(), shape: t.shape, dtype: t.dtype };
      t.dispose();
      return out;
    });
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(wasm.shape).toEqual(cpu.shape);
  expect(wasm.dtype).toBe(cpu.dtype);
  return { diff: relDiff(wasm.values, cpu.values), dtype: wasm.dtype };
}

describe('Sum over leading axes (wasm)', () => {
  // tol 0: the JS path (cpu's arithmetic); the stock C++ path sums in float32.
  const cases: { shape: number[]; axis: number | number[]; keepDims?: boolean; tol: number }[] = [
    { shape: [300, 37], axis: 0, tol: 0 },
    { shape: [4, 50, 3, 17], axis: [1, 2], tol: 0 }, // batched column sums
    { shape: [6, 1, 40], axis: [0, 1], keepDims: true, tol: 0 },
    { shape: [0, 8], axis: 0, tol: 0 },
    { shape: [20, 30], axis: 1, tol: 1e-6 }, // trailing: stock
    { shape: [5, 6, 7], axis: [0, 2], tol: 1e-6 }, // mixed: stock
  ];
  for (const c of cases) {
    it(`[${c.shape}] axis ${JSON.stringify(c.axis)} keepDims=${c.keepDims ?? false} matches cpu`, async () => {
      const x = seededValues(tf.util.sizeFromShape(c.shape), 50, 10);
      const { diff } = await cpuVsWasm(() => tf.sum(tf.tensor(x, c.shape), c.axis, c.keepDims));
      console.log(`Sum [${c.shape}] axis ${JSON.stringify(c.axis)}: max rel diff ${diff}`);
      expect(diff).toBeLessThanOrEqual(c.tol);
    });
  }
});

describe('broadcastDims', () => {
  it('drops size-1 dims and merges dims both inputs walk alike', () => {
    expect(broadcastDims([4, 8, 64], [4, 1, 64], [4, 8, 64])).toEqual([
      { size: 4, sa: 512, sb: 64 },
      { size: 8, sa: 64, sb: 0 },
      { size: 64, sa: 1, sb: 1 },
    ]);
    expect(broadcastDims([3, 5, 7], [5, 7], [3, 5, 7])).toEqual([
      { size: 3, sa: 35, sb: 0 },
      { size: 35, sa: 1, sb: 1 },
    ]);
    expect(broadcastDims([], [2, 3], [2, 3])).toEqual([{ size: 6, sa: 0, sb: 1 }]);
  });
});

describe('broadcast binary ops (wasm, JS)', () => {
  const shapes: [number[], number[]][] = [
    [
      [6, 9, 16],
      [6, 9, 16],
    ],
    [
      [6, 9, 16],
      [6, 1, 16],
    ], // middle-dim broadcast
    [
      [4, 7, 7],
      [7, 7],
    ], // leading batch
    [
      [30, 1],
      [1, 20],
    ], // outer product
    [[25], []],
    [[1], [3, 5]],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['pow', tf.pow],
    ['greater', tf.greater],
    ['greaterEqual', tf.greaterEqual],
    ['less', tf.less],
    ['lessEqual', tf.lessEqual],
    ['equal', tf.equal],
    ['notEqual', tf.notEqual],
  ];
  for (const [name, op] of ops) {
    it(`${name} matches cpu for float32 and int32 in six broadcasts`, async () => {
      // Exact where the JS kernel runs; the stock C++ kernel (powf) may differ by an ulp.
      const worst = { js: 0, stock: 0 };
      for (const [sa, sb] of shapes) {
        const viaJs = (dtype: string) =>
          (name === 'pow' && dtype === 'int32') ||
          stockIsSlow(broadcastDims(sa, sb, tf.broadcast_util.assertAndGetBroadcastShape(sa, sb)))
            ? 'js'
            : 'stock';
        // Rounded to quarters so equal pairs occur; pow gets a base >= 0.25 (no 0 ** -x).
        const av = seededValues(tf.util.sizeFromShape(sa), 51, 3).map((v) => Math.round(v * 4) / 4);
        const bv = seededValues(tf.util.sizeFromShape(sb), 52, 3).map((v) => Math.round(v * 4) / 4);
        const base = name === 'pow' ? av.map((v) => Math.abs(v) + 0.25) : av;
        for (const dtype of ['float32', 'int32'] as const) {
          const cast = (v: Float32Array) =>
            dtype === 'int32' ? Int32Array.from(v, Math.round) : v;
          const { diff } = await cpuVsWasm(() =>
            op(tf.tensor(cast(base), sa, dtype), tf.tensor(cast(bv), sb, dtype)),
          );
          const route = viaJs(dtype) ? 'js' : 'stock';
          worst[route] = Math.max(worst[route], diff);
        }
      }
      console.log(`${name}: max rel diff, JS broadcasts ${worst.js}, stock ones ${worst.stock}`);
      expect(worst.js).toBe(0);
      expect(worst.stock).toBeLessThanOrEqual(1e-6);
    });
  }

  it('leaves no heap buffers behind', async () => {
    await onBackend('wasm', () => {
      const backend = wasmInternals();
      const a = tf.tensor3d(seededValues(2 * 3 * 4, 53), [2, 3, 4]);
      const b = tf.tensor3d(seededValues(2 * 4, 54), [2, 1, 4]);
      const before = backend.numDataIds();
      tf.dispose([tf.maximum(a, b), tf.less(a, b), tf.sum(a, 0)]);
      expect(backend.numDataIds()).toBe(before);
      tf.dispose([a, b]);
    });
  });
});
