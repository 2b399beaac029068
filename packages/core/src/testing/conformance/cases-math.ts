/**
 * Conformance cases for the kernels that accumulate: BatchMatMul (every transpose pair,
 * batched, broadcast batch, size-0 and size-1 dims), _FusedMatMul, reductions (Sum, Mean,
 * Max, Min, Prod, ArgMax, ArgMin, Any, All) over leading, trailing, split and all axes,
 * Softmax and the LogSoftmax op. Tolerances allow reassociated float32 sums (ACCUMULATED);
 * integer and selection results are exact. Gradients are in cases-gradients.ts.
 *
 * Not covered on purpose: BatchMatMul with both batch shapes broadcasting ([2,1] by [1,3]):
 * tfjs-cpu 4.22 indexes flattened batches modulo each side's count and computes it wrongly.
 */
import type { tf as TF } from '../../tf.js';
import {
  ACCUMULATED,
  type ConformanceCase,
  EXACT,
  FLOAT,
  ints,
  rand,
  type Tf,
  TRANSCENDENTAL,
} from './case.js';

function matMulCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const M = 7;
  const K = 19;
  const N = 5;
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const aShape = ta ? [K, M] : [M, K];
      const bShape = tb ? [N, K] : [K, N];
      out.push(
        {
          kernel: 'BatchMatMul',
          name: `BatchMatMul [${aShape}] x [${bShape}] transposeA=${ta} transposeB=${tb}`,
          tolerance: ACCUMULATED,
          run: (tf) => tf.matMul(rand(tf, aShape, 900), rand(tf, bShape, 901), ta, tb),
        },
        {
          kernel: 'BatchMatMul',
          name: `BatchMatMul batched [3,${aShape}] x [3,${bShape}] transposeA=${ta} transposeB=${tb}`,
          tolerance: ACCUMULATED,
          run: (tf) =>
            tf.matMul(rand(tf, [3, ...aShape], 902), rand(tf, [3, ...bShape], 903), ta, tb),
        },
      );
    }
  }
  const mm = (name: string, a: number[], b: number[], ta = false, tb = false, scale = 1) => ({
    kernel: 'BatchMatMul',
    name: `BatchMatMul ${name}`,
    tolerance: ACCUMULATED,
    run: (tf: Tf) => tf.matMul(rand(tf, a, 910, scale), rand(tf, b, 911, scale), ta, tb),
  });
  out.push(
    mm('[2,3,4,5] x [5,6] (rank-mismatched batch broadcast)', [2, 3, 4, 5], [5, 6]),
    mm('[1,4,5] x [3,5,2] (batch 1 broadcast)', [1, 4, 5], [3, 5, 2]),
    mm('[3,4,5] x [1,6,5] transposeB (batch 1 broadcast)', [3, 4, 5], [1, 6, 5], false, true),
    mm('[65,130] x [130,67] (blocked paths)', [65, 130], [130, 67]),
    mm('[1,64] x [64,33] (M = 1)', [1, 64], [64, 33]),
    mm('[33,64] x [64,1] (N = 1)', [33, 64], [64, 1]),
    mm('[1,1] x [1,1]', [1, 1], [1, 1]),
    mm('[0,5] x [5,3] (M = 0)', [0, 5], [5, 3]),
    mm('[4,0] x [0,3] (K = 0: zeros)', [4, 0], [0, 3]),
    mm('[0,4,5] x [0,5,2] (batch 0)', [0, 4, 5], [0, 5, 2]),
    mm('[6,9] x [9,4] entries near 1e18 (products near 1e36)', [6, 9], [9, 4], false, false, 1e18),
    {
      kernel: 'BatchMatMul',
      name: 'BatchMatMul int32 [3,4] x [4,2]',
      tolerance: EXACT,
      run: (tf) => tf.matMul(ints(tf, [3, 4], 912, -9, 9), ints(tf, [4, 2], 913, -9, 9)),
    },
    {
      kernel: '_FusedMatMul',
      name: '_FusedMatMul [6,8] x [8,5] + bias [5], relu',
      tolerance: ACCUMULATED,
      run: (tf) =>
        tf.fused.matMul({
          a: rand(tf, [6, 8], 920),
          b: rand(tf, [8, 5], 921),
          bias: rand(tf, [5], 922),
          activation: 'relu',
        }),
    },
    {
      kernel: '_FusedMatMul',
      name: '_FusedMatMul [2,8,6] x [2,5,8] transposes, bias [2,6,1], sigmoid',
      tolerance: ACCUMULATED,
      run: (tf) =>
        tf.fused.matMul({
          a: rand(tf, [2, 8, 6], 923),
          b: rand(tf, [2, 5, 8], 924),
          transposeA: true,
          transposeB: true,
          bias: rand(tf, [2, 6, 1], 925),
          activation: 'sigmoid',
        }),
    },
  );
  return out;
}

type Reducer = (tf: Tf, x: TF.Tensor, axis?: number | number[], keepDims?: boolean) => TF.Tensor;

const REDUCERS: Array<[string, Reducer]> = [
  ['Sum', (tf, x, axis, keep) => tf.sum(x, axis, keep)],
  ['Mean', (tf, x, axis, keep) => tf.mean(x, axis, keep)],
  ['Max', (tf, x, axis, keep) => tf.max(x, axis, keep)],
  ['Min', (tf, x, axis, keep) => tf.min(x, axis, keep)],
  ['Prod', (tf, x, axis, keep) => tf.prod(x, axis, keep)],
];

/**
 * float32 sums of 4096 terms in [-1, 1]: rounding error grows with sum |x| (about 2048), not
 * with the result, which may cancel to near 0; tfjs-cpu itself adds in float64.
 */
const LONG_SUM = { rel: 1e-5, abs: 5e-4 };

function reductionCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  REDUCERS.forEach(([kernel, op], i) => {
    const seed = 1000 + 10 * i;
    const tolerance = kernel === 'Max' || kernel === 'Min' ? EXACT : ACCUMULATED;
    // Prod over many values under- or overflows: keep its factors near 1.
    const x = (tf: Tf, shape: number[]) =>
      kernel === 'Prod' ? tf.add(rand(tf, shape, seed, 0.5), 1) : rand(tf, shape, seed, 10);
    out.push(
      {
        kernel,
        name: `${kernel} [13,37] last axis`,
        tolerance,
        run: (tf) => op(tf, x(tf, [13, 37]), -1),
      },
      {
        kernel,
        name: `${kernel} [300,37] axis 0 (column)`,
        tolerance,
        run: (tf) => op(tf, x(tf, [300, 37]), 0),
      },
      {
        kernel,
        name: `${kernel} [4,5,6] axes [0,2] (split)`,
        tolerance,
        run: (tf) => op(tf, x(tf, [4, 5, 6]), [0, 2]),
      },
      {
        kernel,
        name: `${kernel} [4,5,6] axes [1,2] keepDims`,
        tolerance,
        run: (tf) => op(tf, x(tf, [4, 5, 6]), [1, 2], true),
      },
      {
        kernel,
        name: `${kernel} [6,1,9] all axes`,
        tolerance,
        run: (tf) => op(tf, x(tf, [6, 1, 9])),
      },
      {
        kernel,
        name: `${kernel} [5,1] axis 1 (size-1 reduced dim)`,
        tolerance,
        run: (tf) => op(tf, x(tf, [5, 1]), 1),
      },
      {
        kernel,
        name: `${kernel} [0,4] axis 1 (size-0 kept dim)`,
        tolerance,
        run: (tf) => op(tf, tf.zeros([0, 4]), 1),
      },
      {
        kernel,
        name: `${kernel} int32 [7,6] axis 0`,
        tolerance: kernel === 'Mean' ? FLOAT : EXACT,
        run: (tf) => op(tf, ints(tf, [7, 6], seed, -20, 20), 0),
      },
      {
        kernel,
        name: `${kernel} with NaN and ±Infinity in separate rows`,
        tolerance,
        run: (tf) =>
          op(
            tf,
            tf.tensor2d(
              [
                1,
                Number.NaN,
                2,
                3,
                Number.POSITIVE_INFINITY,
                1,
                2,
                Number.NEGATIVE_INFINITY,
                4,
                5,
                6,
                7,
              ],
              [4, 3],
            ),
            1,
          ),
      },
      {
        kernel,
        name: `${kernel} large magnitudes (±1e30)`,
        tolerance,
        run: (tf) =>
          op(
            tf,
            tf.tensor2d(
              kernel === 'Prod'
                ? [1e30, 1e-30, 1e5, -1e30, 1e-10, 2]
                : [1e30, 1e30, 3e30, -1e30, -2e30, -1e30],
              [2, 3],
            ),
            1,
          ),
      },
    );
  });
  out.push(
    {
      kernel: 'Sum',
      name: 'Sum bool [3,4] (counts as int32)',
      tolerance: EXACT,
      run: (tf) => tf.sum(tf.tensor2d([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1], [3, 4], 'bool'), 1),
    },
    {
      kernel: 'Sum',
      name: 'Sum [64,4096] last axis (long rows)',
      tolerance: LONG_SUM,
      run: (tf) => tf.sum(rand(tf, [64, 4096], 1090), 1),
    },
    {
      kernel: 'Mean',
      name: 'Mean [4096,64] axis 0 (long columns)',
      tolerance: ACCUMULATED,
      run: (tf) => tf.mean(rand(tf, [4096, 64], 1091), 0),
    },
    {
      kernel: 'ArgMax',
      name: 'ArgMax [9,31] last axis',
      tolerance: EXACT,
      run: (tf) => tf.argMax(rand(tf, [9, 31], 1100), -1),
    },
    {
      kernel: 'ArgMax',
      name: 'ArgMax [9,31] axis 0',
      tolerance: EXACT,
      run: (tf) => tf.argMax(rand(tf, [9, 31], 1101), 0),
    },
    {
      kernel: 'ArgMax',
      name: 'ArgMax int32 with ties (first wins)',
      tolerance: EXACT,
      run: (tf) => tf.argMax(ints(tf, [8, 12], 1102, 0, 2), 1),
    },
    {
      kernel: 'ArgMax',
      name: 'ArgMax all -Infinity and ±1e30 rows',
      tolerance: EXACT,
      run: (tf) => tf.argMax(tf.tensor2d([-1 / 0, -1 / 0, -1 / 0, -1e30, 1e30, 1e30], [2, 3]), 1),
    },
    {
      kernel: 'ArgMin',
      name: 'ArgMin [9,31] last axis',
      tolerance: EXACT,
      run: (tf) => tf.argMin(rand(tf, [9, 31], 1103), -1),
    },
    {
      kernel: 'Any',
      name: 'Any bool [4,3] axis 1',
      tolerance: EXACT,
      run: (tf) => tf.any(tf.tensor2d([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1], [4, 3], 'bool'), 1),
    },
    {
      kernel: 'All',
      name: 'All bool [4,3] axis 1',
      tolerance: EXACT,
      run: (tf) => tf.all(tf.tensor2d([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1], [4, 3], 'bool'), 1),
    },
  );
  return out;
}

function softmaxCases(): ConformanceCase[] {
  const inf = Number.POSITIVE_INFINITY;
  return [
    {
      kernel: 'Softmax',
      name: 'Softmax [7,33]',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(rand(tf, [7, 33], 1200, 5)),
    },
    {
      kernel: 'Softmax',
      name: 'Softmax [2,3,40] (rank 3)',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(rand(tf, [2, 3, 40], 1201, 5)),
    },
    {
      kernel: 'Softmax',
      name: 'Softmax [64,1000] (vocabulary-like rows)',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(rand(tf, [64, 1000], 1202, 8)),
    },
    {
      kernel: 'Softmax',
      name: 'Softmax [4,1] (size-1 rows)',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(rand(tf, [4, 1], 1203)),
    },
    {
      kernel: 'Softmax',
      name: 'Softmax [0,5]',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(tf.zeros([0, 5])),
    },
    {
      kernel: 'Softmax',
      name: 'Softmax rows with ±1e30 and -Infinity (masked) logits',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.softmax(tf.tensor2d([1e30, 0, -1e30, 1, -inf, 2, -inf, -inf, 0.5], [3, 3])),
    },
    {
      kernel: 'Max + Sub + Exp + Sum + Log',
      name: 'LogSoftmax op [9,50]',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.logSoftmax(rand(tf, [9, 50], 1210, 10)),
    },
    {
      kernel: 'Max + Sub + Exp + Sum + Log',
      name: 'LogSoftmax op with ±1e30 and -Infinity logits',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.logSoftmax(tf.tensor2d([1e30, 0, -1e30, 1, -inf, 2], [2, 3])),
    },
  ];
}

export function mathCases(): ConformanceCase[] {
  return [...matMulCases(), ...reductionCases(), ...softmaxCases()];
}
