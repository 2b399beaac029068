/**
 * The conformance suite itself: every case runs on tfjs-cpu, builds the same inputs on every
 * run (cpu against cpu agrees bit for bit), and really dispatches the kernel it names; and the
 * comparison fails on each kind of disagreement it promises to catch. Backends run the suite
 * in their own tests (wasm: backends/wasm/conformance.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../backends/cpu/index.js';
import { tf } from '../../tf.js';
import { EXACT, FLOAT } from './case.js';
import { compareOutputs, runConformance } from './run.js';
import { conformanceCases } from './suite.js';

const cases = conformanceCases();

beforeAll(async () => {
  await cpuBackend().setup();
});

describe('conformance cases on tfjs-cpu', () => {
  it('has unique names and covers every kernel a training step dispatches', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const named = new Set(cases.flatMap((c) => c.kernel.split(' + ')));
    // From packages/gemma/bench/profile-step.ts, plus what full-ft, QLoRA and AdamW add.
    const step = [
      'BatchMatMul',
      'Multiply',
      'Add',
      'Sigmoid',
      'Sum',
      'Softmax',
      'Mean',
      'Sub',
      'GatherV2',
      'Slice',
      'Square',
      'Transpose',
      'Concat',
      'AddN',
      'PadV2',
      'Reshape',
      'Identity',
      'Rsqrt',
      'Cast',
      'Max',
      'Exp',
      'Neg',
      'UnsortedSegmentSum',
      'Sqrt',
      'RealDiv',
      'FloorDiv',
      'Mod',
    ];
    expect(step.filter((k) => !named.has(k))).toEqual([]);
    console.log(`${cases.length} cases over ${named.size} kernels`);
  });

  it.each(cases)('$kernel | $name: dispatches its kernels, deterministic', async (c) => {
    const profile = await tf.profile(() => {
      const out = tf.tidy(() => c.run(tf));
      tf.dispose(out);
    });
    const dispatched = new Set(profile.kernelNames);
    const missing = c.kernel.split(' + ').filter((k) => !dispatched.has(k));
    expect(missing, `dispatched: ${[...dispatched].join(', ')}`).toEqual([]);
    const [r] = await runConformance('cpu', [c]);
    expect(r.ok, r.message).toBe(true);
    expect(r.maxAbsDiff).toBe(0);
  });
});

describe('compareOutputs', () => {
  const out = (values: number[], shape = [values.length], dtype = 'float32') => [
    { values, shape, dtype },
  ];

  it('accepts agreement within rel * |e| + abs, and reports the max difference', () => {
    const r = compareOutputs(out([1, 100.00005, 0]), out([1, 100, 5e-8]), FLOAT);
    expect(r.ok).toBe(true);
    expect(r.maxAbsDiff).toBeCloseTo(5e-5, 8);
  });

  it('fails past the bound, naming the element and values', () => {
    const r = compareOutputs(out([1, 2.001]), out([1, 2]), FLOAT);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/element 1 of \[2\] is 2\.001/);
  });

  it('requires NaN and ±Infinity at the same positions', () => {
    expect(compareOutputs(out([Number.NaN, 1]), out([Number.NaN, 1]), EXACT).ok).toBe(true);
    expect(compareOutputs(out([0, 1]), out([Number.NaN, 1]), FLOAT).ok).toBe(false);
    expect(compareOutputs(out([Number.NaN, 1]), out([0, 1]), FLOAT).ok).toBe(false);
    expect(compareOutputs(out([-1 / 0]), out([1 / 0]), FLOAT).ok).toBe(false);
    expect(compareOutputs(out([3e38]), out([1 / 0]), FLOAT).ok).toBe(false);
  });

  it('requires the same shape, dtype and number of outputs', () => {
    expect(compareOutputs(out([1, 2], [1, 2]), out([1, 2], [2]), EXACT).message).toMatch(/shape/);
    expect(compareOutputs(out([1], [1], 'int32'), out([1]), EXACT).message).toMatch(/dtype/);
    expect(compareOutputs([], out([1]), EXACT).ok).toBe(false);
  });
});
