/**
 * The kernels the wasm plugin registers, each against the cpu backend's result:
 * UnsortedSegmentSum, BatchMatMul (four transpose cases, batches, broadcasting),
 * _FusedMatMul, and the buffer-sharing Identity's refcounting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { wasmBackend } from './wasm-backend.js';
import { wasmInternals } from './wasm-internals.js';
import { onBackend, relDiff, seededValues } from './wasm-test-utils.js';

const TOL = 1e-5;

beforeAll(async () => {
  await wasmBackend().setup();
});

/** Runs `fn` on cpu and on wasm from the same inputs and returns both results. */
async function bothBackends(
  fn: () => tf.Tensor,
): Promise<{ cpu: Float32Array | Int32Array; wasm: Float32Array | Int32Array; shape: number[] }> {
  const run = (name: string) =>
    onBackend(name, () => {
      const t = tf.tidy(fn);
      const out = { values: t.dataSync() as Float32Array | Int32Array, shape: t.shape };
      t.dispose();
      return out;
    });
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(wasm.shape).toEqual(cpu.shape);
  return { cpu: cpu.values, wasm: wasm.values, shape: wasm.shape };
}

describe('UnsortedSegmentSum (wasm)', () => {
  it('is registered for wasm', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('matches cpu for float32 with repeated and out-of-range ids', async () => {
    const x = seededValues(7 * 3 * 4, 1);
    const ids = [4, 0, 4, 2, -1, 7, 0];
    const { cpu, wasm } = await bothBackends(() =>
      tf.unsortedSegmentSum(tf.tensor3d(x, [7, 3, 4]), tf.tensor1d(ids, 'int32'), 5),
    );
    const diff = relDiff(wasm, cpu);
    console.log(`UnsortedSegmentSum float32 [7,3,4] -> [5,3,4]: max rel diff ${diff}`);
    expect(diff).toBeLessThanOrEqual(TOL);
    expect(Array.from(wasm.slice(12, 24))).toEqual(new Array(12).fill(0)); // segment 1: no id
  });

  it('matches cpu for int32 values', async () => {
    const x = Array.from(seededValues(6 * 2, 2, 100), Math.round);
    const { cpu, wasm } = await bothBackends(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d(x, [6, 2], 'int32'),
        tf.tensor1d([1, 1, 0, 2, 1, 0], 'int32'),
        3,
      ),
    );
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it('sums rows for rank-2 segment ids (which cpu does not support)', async () => {
    const out = await onBackend('wasm', () =>
      tf.tidy(() =>
        tf
          .unsortedSegmentSum(
            tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]),
            // The op's type says rank 1; the op itself accepts any rank.
            tf.tensor2d([1, 1, 0, 2, 1, 0], [2, 3], 'int32') as unknown as tf.Tensor1D,
            3,
          )
          .arraySync(),
      ),
    );
    // segment 0: rows 2 and 5; segment 1: rows 0, 1, 4; segment 2: row 3.
    expect(out).toEqual([
      [5 + 11, 6 + 12],
      [1 + 3 + 9, 2 + 4 + 10],
      [7, 8],
    ]);
  });

  it("gives gather's gradient (embedding rows) equal to cpu", async () => {
    const table = seededValues(6 * 5, 3);
    const weights = seededValues(4 * 5, 4);
    const { cpu, wasm } = await bothBackends(() => {
      const ids = tf.tensor1d([3, 1, 3, 5], 'int32');
      const w = tf.tensor2d(weights, [4, 5]);
      return tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, ids), w)))(
        tf.tensor2d(table, [6, 5]),
      );
    });
    const diff = relDiff(wasm, cpu);
    console.log(`gather gradient [6,5]: max rel diff ${diff}`);
    expect(diff).toBeLessThanOrEqual(TOL);
  });
});

describe('BatchMatMul (wasm, via XNNPACK)', () => {
  const M = 33;
  const K = 17;
  const N = 29;
  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: '2-D', a: [M, K], b: [K, N] },
    { name: 'batch 3', a: [3, M, K], b: [3, K, N] },
    { name: 'b broadcast (rank 2)', a: [3, M, K], b: [K, N] },
    { name: 'a broadcast (batch 1)', a: [1, M, K], b: [3, K, N] },
    { name: 'rank 4, batch 2x2', a: [2, 2, M, K], b: [2, 2, K, N] },
  ];
  const swapLast = (shape: number[]) => [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!];

  for (const c of cases) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${c.name}, transposeA=${transposeA} transposeB=${transposeB} matches cpu`, async () => {
        const aShape = transposeA ? swapLast(c.a) : c.a;
        const bShape = transposeB ? swapLast(c.b) : c.b;
        const aValues = seededValues(tf.util.sizeFromShape(aShape), 10);
        const bValues = seededValues(tf.util.sizeFromShape(bShape), 11);
        const { cpu, wasm } = await bothBackends(() =>
          tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, transposeB),
        );
        const diff = relDiff(wasm, cpu);
        console.log(
          `BatchMatMul ${c.name} tA=${transposeA} tB=${transposeB}: max rel diff ${diff}`,
        );
        expect(diff).toBeLessThanOrEqual(TOL);
      });
    }
  }

  it('broadcasts [2,1] x [1,3] batch dims like an explicit tile', async () => {
    const aValues = seededValues(2 * 1 * M * K, 12);
    const bValues = seededValues(1 * 3 * N * K, 13);
    const result = await onBackend('wasm', () =>
      tf.tidy(() => {
        const a = tf.tensor(aValues, [2, 1, M, K]);
        const b = tf.tensor(bValues, [1, 3, N, K]);
        const out = tf.matMul(a, b, false, true);
        const tiled = tf.matMul(tf.tile(a, [1, 3, 1, 1]), tf.tile(b, [2, 1, 1, 1]), false, true);
        return { shape: out.shape, diff: relDiff(out.dataSync(), tiled.dataSync()) };
      }),
    );
    console.log(`BatchMatMul [2,1] x [1,3] broadcast vs tiled: max rel diff ${result.diff}`);
    expect(result.shape).toEqual([2, 3, M, N]);
    expect(result.diff).toBe(0);
  });

  it('stays right when one buffer is used as b under two shapes (reshape shares ids)', async () => {
    const w = seededValues(8 * 8, 16);
    const x1 = seededValues(3 * 8, 17);
    const x2 = seededValues(3 * 4, 18);
    const { cpu, wasm } = await bothBackends(() => {
      const weights = tf.tensor2d(w, [8, 8]);
      const first = tf.matMul(tf.tensor2d(x1, [3, 8]), weights); // [3, 8]
      const second = tf.matMul(tf.tensor2d(x2, [3, 4]), tf.reshape(weights, [4, 16])); // [3, 16]
      return tf.concat([tf.reshape(first, [-1]), tf.reshape(second, [-1])]);
    });
    const diff = relDiff(wasm, cpu);
    console.log(`BatchMatMul, b reused under two shapes: max rel diff ${diff}`);
    expect(diff).toBeLessThanOrEqual(TOL);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await onBackend('wasm', () => {
      const a = tf.tensor(seededValues(3 * M * K, 14), [3, K, M]);
      const b = tf.tensor(seededValues(N * K, 15), [N, K]);
      const backend = wasmInternals();
      const before = { tensors: tf.memory().numTensors, ids: backend.numDataIds() };
      tf.matMul(a, b, true, true).dispose();
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(backend.numDataIds()).toBe(before.ids);
      tf.dispose([a, b]);
    });
  });

  it('names both shapes when inner dimensions differ', async () => {
    await onBackend('wasm', () => {
      const a = tf.zeros([2, 4, 5]);
      const b = tf.zeros([2, 6, 3]);
      let caught: unknown;
      try {
        tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
      } catch (error) {
        caught = error;
      }
      expect(GftError.isInstance(caught) && caught.code).toBe('BAD_INPUT');
      expect(String((caught as Error).message)).toMatch(/\[2,4,5\].*\[2,6,3\]/);
      tf.dispose([a, b]);
    });
  });
});

describe('_FusedMatMul (wasm)', () => {
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, true],
  ] as const) {
    it(`bias + relu, batch 2, transposeA=${transposeA} transposeB=${transposeB} matches cpu`, async () => {
      const aShape = transposeA ? [2, 9, 7] : [2, 7, 9];
      const bShape = transposeB ? [2, 5, 9] : [2, 9, 5];
      const a = seededValues(2 * 7 * 9, 20);
      const b = seededValues(2 * 9 * 5, 21);
      const bias = seededValues(5, 22);
      const { cpu, wasm } = await bothBackends(() =>
        tf.fused.matMul({
          a: tf.tensor(a, aShape),
          b: tf.tensor(b, bShape),
          transposeA,
          transposeB,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        }),
      );
      const diff = relDiff(wasm, cpu);
      console.log(`_FusedMatMul tA=${transposeA} tB=${transposeB}: max rel diff ${diff}`);
      expect(diff).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('Identity (wasm) shares the buffer', () => {
  it('clone adds no buffer, and either tensor survives disposing the other', async () => {
    await onBackend('wasm', () => {
      const backend = wasmInternals();
      const values = [1.5, -2, 3.25];
      const ids0 = backend.numDataIds();
      const a = tf.tensor1d(values);
      const b = tf.clone(a);
      expect(b.dataId).toBe(a.dataId);
      expect(backend.numDataIds()).toBe(ids0 + 1);
      a.dispose();
      expect(Array.from(b.dataSync())).toEqual(values);
      const c = tf.clone(b);
      b.dispose();
      expect(Array.from(c.dataSync())).toEqual(values);
      expect(backend.numDataIds()).toBe(ids0 + 1);
      c.dispose();
      expect(backend.numDataIds()).toBe(ids0);
    });
  });

  it('a gradient that saves tensors leaves nothing behind', async () => {
    await onBackend('wasm', () => {
      const backend = wasmInternals();
      const x = tf.tensor2d(seededValues(12, 30), [3, 4]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(t), tf.exp(t))));
      grad(x).dispose();
      const before = { tensors: tf.memory().numTensors, ids: backend.numDataIds() };
      for (let i = 0; i < 3; i++) grad(x).dispose();
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(backend.numDataIds()).toBe(before.ids);
      x.dispose();
    });
  });
});

describe('wasmBackend plugin', () => {
  it('reports memory (tensor bytes, heap size) and describes itself', async () => {
    const plugin = wasmBackend();
    await plugin.setup();
    const t = tf.zeros([1000]);
    const memory = plugin.memory!();
    expect(memory.tensorBytes).toBeGreaterThanOrEqual(4000);
    expect(memory.reservedBytes).toBeGreaterThanOrEqual(16 * 1024 ** 2);
    t.dispose();
    const facts = plugin.describe!();
    console.log('wasm backend:', facts);
    expect(facts.threads).toBe(1);
    expect(facts.simd).toBe(true);
    expect(facts.kernelsAdded).toBe('UnsortedSegmentSum');
  });

  it('rejects a thread count that is not a positive integer, naming the field', () => {
    expect(() => wasmBackend({ threads: 0 })).toThrow(/threads/);
    expect(() => wasmBackend({ threads: 1.5 })).toThrow(/threads/);
  });
});
