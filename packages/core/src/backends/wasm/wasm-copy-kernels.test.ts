/**
 * The wasm plugin's data-movement kernels against the cpu backend: Transpose (blocked 2-D
 * and batched last-two swaps, stock fallbacks), Slice / SplitV / StridedSlice
 * (heap to heap, never reading the whole input), and BatchMatMul on the thin shapes that
 * take the swapped (op(b)ᵀ·op(a)ᵀ)ᵀ route. Each prints its max difference.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../tf.js';
import { canonicalPermutation } from './transpose.js';
import { wasmBackend } from './wasm-backend.js';
import { wasmInternals } from './wasm-internals.js';
import { onBackend, relDiff, seededValues } from './wasm-test-utils.js';

beforeAll(async () => {
  await wasmBackend().setup();
});

type Values = Float32Array | Int32Array | Uint8Array;

/** Runs `fn` on cpu and wasm from the same inputs; returns each output's values and shape. */
async function bothBackends(fn: () => tf.Tensor | tf.Tensor[]) {
  const run = (name: string) =>
    onBackend(name, () => {
      const result = tf.tidy(fn);
      const list = Array.isArray(result) ? result : [result];
      const out = list.map((t) => ({ values: t.dataSync() as Values, shape: t.shape }));
      tf.dispose(list);
      return out;
    });
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(wasm.map((o) => o.shape)).toEqual(cpu.map((o) => o.shape));
  let diff = 0;
  cpu.forEach((c, i) => {
    diff = Math.max(diff, relDiff(wasm[i].values, c.values));
  });
  return diff;
}

describe('canonicalPermutation', () => {
  it('drops size-1 dims and merges dims that stay adjacent', () => {
    expect(canonicalPermutation([1, 128, 2, 128], [0, 2, 1, 3])).toEqual({
      shape: [128, 2, 128],
      perm: [1, 0, 2],
    });
    expect(canonicalPermutation([2, 3, 4, 5], [0, 1, 3, 2])).toEqual({
      shape: [6, 4, 5],
      perm: [0, 2, 1],
    });
    expect(canonicalPermutation([4, 5], [0, 1])).toEqual({ shape: [20], perm: [0] });
    expect(canonicalPermutation([2, 3, 4], [2, 0, 1])).toEqual({ shape: [6, 4], perm: [1, 0] });
  });
});

describe('Transpose (wasm)', () => {
  // From 256K elements the JS kernel runs (tile-unaligned sizes on purpose); below, stock.
  const cases: { shape: number[]; perm: number[]; dtype?: 'int32' | 'bool' }[] = [
    { shape: [517, 509], perm: [1, 0] },
    { shape: [3, 301, 297], perm: [0, 2, 1] }, // batched last two
    { shape: [2, 2, 257, 260], perm: [0, 1, 3, 2] },
    { shape: [40, 97, 70], perm: [2, 0, 1] }, // merges to a 2-D swap
    { shape: [1, 600, 1, 450], perm: [0, 3, 2, 1] }, // size-1 dims dropped
    { shape: [512, 520], perm: [1, 0], dtype: 'int32' },
    { shape: [600, 450], perm: [1, 0], dtype: 'bool' },
    { shape: [67, 45], perm: [1, 0] }, // small: stock
    { shape: [1, 40, 2, 24], perm: [0, 2, 1, 3] }, // row copy: stock
    { shape: [3, 4, 5, 6], perm: [3, 1, 0, 2] }, // other permutation: stock
    { shape: [0, 5], perm: [1, 0] },
  ];
  for (const c of cases) {
    it(`[${c.shape}] perm [${c.perm}] ${c.dtype ?? 'float32'} matches cpu`, async () => {
      const n = tf.util.sizeFromShape(c.shape);
      const values = seededValues(n, 40, 1000);
      const diff = await bothBackends(() => {
        const x =
          c.dtype === undefined
            ? tf.tensor(values, c.shape)
            : c.dtype === 'int32'
              ? tf.tensor(Int32Array.from(values, Math.round), c.shape, 'int32')
              : tf.tensor(
                  Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)),
                  c.shape,
                  'bool',
                );
        return tf.transpose(x, c.perm);
      });
      console.log(
        `Transpose [${c.shape}] perm [${c.perm}] ${c.dtype ?? 'float32'}: max diff ${diff}`,
      );
      expect(diff).toBe(0);
    });
  }
});

describe('Slice / SplitV / StridedSlice (wasm, heap to heap)', () => {
  const x = seededValues(6 * 7 * 8 * 5, 41);
  const shape = [6, 7, 8, 5];
  const slices: { begin: number[]; size: number[] }[] = [
    { begin: [2, 0, 0, 0], size: [3, -1, -1, -1] }, // one contiguous run
    { begin: [1, 2, 3, 1], size: [4, 3, 2, 3] }, // short runs in every dim
    { begin: [0, 1, 0, 0], size: [6, 5, 8, 5] }, // runs of whole inner blocks
    { begin: [5, 6, 7, 4], size: [1, 1, 1, 1] },
    { begin: [0, 0, 0, 0], size: [6, 7, 8, 5] },
    { begin: [3, 0, 0, 0], size: [0, 7, 8, 5] },
  ];
  for (const s of slices) {
    it(`slice begin [${s.begin}] size [${s.size}] matches cpu`, async () => {
      const diff = await bothBackends(() => tf.slice(tf.tensor(x, shape), s.begin, s.size));
      console.log(`Slice [${s.begin}] [${s.size}]: max diff ${diff}`);
      expect(diff).toBe(0);
    });
  }

  it('slices int32 and rank-1 tensors like cpu', async () => {
    const ints = Int32Array.from(seededValues(40, 42, 1e6), Math.round);
    const diff = await bothBackends(() => [
      tf.slice(tf.tensor2d(ints, [8, 5], 'int32'), [2, 1], [5, 3]),
      tf.slice(tf.tensor1d(ints, 'int32'), [7], [20]),
    ]);
    console.log(`Slice int32 / rank 1: max diff ${diff}`);
    expect(diff).toBe(0);
  });

  it('never reads the whole input off the heap', async () => {
    await onBackend('wasm', () => {
      const backend = wasmInternals() as unknown as { readSync(dataId: unknown): unknown };
      const spy = vi.spyOn(backend, 'readSync');
      tf.tidy(() => {
        const t = tf.tensor(x, shape);
        tf.slice(t, [1, 0, 0, 0], [2, -1, -1, -1]);
        tf.split(t, [2, 4, 1], 1);
        tf.stridedSlice(t, [0, 1], [6, 3], [1, 1]);
      });
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    });
  });

  it('split (SplitV) along each axis matches cpu', async () => {
    const diff = await bothBackends(() => {
      const t = tf.tensor(x, shape);
      return [...tf.split(t, [1, 3, 2], 0), ...tf.split(t, 7, 1), ...tf.split(t, [3, 2], 3)];
    });
    console.log(`SplitV along axes 0, 1, 3: max diff ${diff}`);
    expect(diff).toBe(0);
  });

  it('stridedSlice (unit stride, shrink axis, and a strided fallback) matches cpu', async () => {
    const diff = await bothBackends(() => {
      const t = tf.tensor(x, shape);
      return [
        tf.stridedSlice(t, [1, 2], [4, 6], [1, 1]),
        tf.stridedSlice(t, [2, 0, 0, 0], [3, 7, 8, 5], [1, 1, 1, 1], 0, 0, 0, 0, 1),
        tf.stridedSlice(t, [0, 1, 0, 0], [6, 7, 8, 5], [2, 3, 1, 2]),
      ];
    });
    console.log(`StridedSlice: max diff ${diff}`);
    expect(diff).toBe(0);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await onBackend('wasm', () => {
      const backend = wasmInternals();
      const t = tf.tensor(x, shape);
      const before = { tensors: tf.memory().numTensors, ids: backend.numDataIds() };
      tf.dispose([tf.slice(t, [1, 1, 1, 1], [2, 2, 2, 2]), ...tf.split(t, 3, 0)]);
      tf.dispose([tf.transpose(t, [0, 2, 1, 3]), tf.transpose(t, [1, 0, 3, 2])]);
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(backend.numDataIds()).toBe(before.ids);
      t.dispose();
    });
  });
});

describe('BatchMatMul, thin shapes (swapped route)', () => {
  const cases: { name: string; a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
    { name: 'hᵀ·du, h thin', a: [300, 8], b: [300, 200], tA: true, tB: false },
    { name: 'x·wᵀ, x thin', a: [8, 300], b: [200, 300], tA: false, tB: true },
    { name: 'batched thin a, shared b', a: [3, 300, 8], b: [300, 200], tA: true, tB: false },
    { name: 'batched, broadcast a', a: [1, 150, 6], b: [2, 150, 90], tA: true, tB: false },
    { name: 'dA = duᵀ·h, big a (direct)', a: [300, 200], b: [300, 8], tA: true, tB: false },
  ];
  for (const c of cases) {
    it(`${c.name}: [${c.a}]${c.tA ? 'ᵀ' : ''}·[${c.b}]${c.tB ? 'ᵀ' : ''} matches cpu`, async () => {
      const av = seededValues(tf.util.sizeFromShape(c.a), 43);
      const bv = seededValues(tf.util.sizeFromShape(c.b), 44);
      const diff = await bothBackends(() =>
        tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.tA, c.tB),
      );
      console.log(`BatchMatMul ${c.name}: max rel diff ${diff}`);
      expect(diff).toBeLessThanOrEqual(1e-5);
    });
  }
});
