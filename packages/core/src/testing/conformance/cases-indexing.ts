/**
 * Conformance cases for indexing (GatherV2 on axes 0 and 1, UnsortedSegmentSum, OneHot) and
 * for tensors made from attributes (Fill, ZerosLike, OnesLike, Range) or by adding (AddN).
 * Exact but for sums. UnsortedSegmentSum runs on float32 only: tfjs-cpu answers float32 for
 * int32 input.
 */
import type { tf as TF } from '../../tf.js';
import { type ConformanceCase, EXACT, FLOAT, ints, rand, type Tf } from './case.js';

const T = EXACT;

function indexing(): ConformanceCase[] {
  const ids = (tf: Tf, shape: number[], n: number, seed: number) => ints(tf, shape, seed, 0, n - 1);
  return [
    {
      kernel: 'GatherV2',
      name: 'GatherV2 axis 0 [50,8] by 13 ids with repeats',
      tolerance: T,
      run: (tf) => tf.gather(rand(tf, [50, 8], 800), ids(tf, [13], 50, 801)),
    },
    {
      kernel: 'GatherV2',
      name: 'GatherV2 axis 1 [4,9,3] by [2,3] ids',
      tolerance: T,
      run: (tf) => tf.gather(rand(tf, [4, 9, 3], 802), ids(tf, [2, 3], 9, 803), 1),
    },
    {
      kernel: 'GatherV2',
      name: 'GatherV2 int32 table',
      tolerance: T,
      run: (tf) => tf.gather(ints(tf, [10, 2], 804, -99, 99), ids(tf, [6], 10, 805)),
    },
    {
      kernel: 'GatherV2',
      name: 'GatherV2 axis 0 [3000,64] by 1500 ids (threaded size)',
      tolerance: T,
      run: (tf) => tf.gather(rand(tf, [3000, 64], 808), ids(tf, [1500], 3000, 809)),
    },
    {
      kernel: 'GatherV2',
      name: 'GatherV2 with 0 ids',
      tolerance: T,
      run: (tf) => tf.gather(rand(tf, [5, 3], 806), tf.tensor1d([], 'int32')),
    },
    {
      kernel: 'GatherV2',
      name: 'GatherV2 [1,1] table',
      tolerance: T,
      run: (tf) => tf.gather(rand(tf, [1, 1], 807), tf.tensor1d([0, 0, 0], 'int32')),
    },
    {
      kernel: 'UnsortedSegmentSum',
      name: 'UnsortedSegmentSum [40,6] into 9 (some empty)',
      tolerance: FLOAT,
      run: (tf) =>
        tf.unsortedSegmentSum(rand(tf, [40, 6], 810), ints(tf, [40], 811, 0, 6) as TF.Tensor1D, 9),
    },
    {
      kernel: 'UnsortedSegmentSum',
      name: 'UnsortedSegmentSum [3,2,4] by [3] ids',
      tolerance: FLOAT,
      run: (tf) =>
        tf.unsortedSegmentSum(rand(tf, [3, 2, 4], 814), tf.tensor1d([2, 0, 2], 'int32'), 3),
    },
    {
      kernel: 'OneHot',
      name: 'OneHot depth 5 with out-of-range ids',
      tolerance: T,
      run: (tf) => tf.oneHot(tf.tensor1d([0, 4, -1, 7, 2, 2], 'int32'), 5),
    },
    {
      kernel: 'OneHot',
      name: 'OneHot [2,3] ids, on 0.9 off 0.025, float32',
      tolerance: T,
      run: (tf) => tf.oneHot(ids(tf, [2, 3], 4, 820), 4, 0.9, 0.025, 'float32'),
    },
    {
      kernel: 'OneHot',
      name: 'OneHot depth 2, [4,1] ids',
      tolerance: T,
      run: (tf) => tf.oneHot(tf.tensor2d([0, 1, 1, 0], [4, 1], 'int32'), 2),
    },
  ];
}

function creation(): ConformanceCase[] {
  return [
    {
      kernel: 'Fill',
      name: 'Fill [3,4] float32',
      tolerance: T,
      run: (tf) => tf.fill([3, 4], -2.5),
    },
    { kernel: 'Fill', name: 'Fill [5] int32', tolerance: T, run: (tf) => tf.fill([5], 7, 'int32') },
    { kernel: 'Fill', name: 'Fill [0,2]', tolerance: T, run: (tf) => tf.fill([0, 2], 1) },
    { kernel: 'Fill', name: 'Fill 1e30 scalar', tolerance: T, run: (tf) => tf.fill([], 1e30) },
    {
      kernel: 'ZerosLike',
      name: 'ZerosLike float32 [2,3]',
      tolerance: T,
      run: (tf) => tf.zerosLike(rand(tf, [2, 3], 830)),
    },
    {
      kernel: 'ZerosLike',
      name: 'ZerosLike int32 [4]',
      tolerance: T,
      run: (tf) => tf.zerosLike(ints(tf, [4], 831, 1, 9)),
    },
    {
      kernel: 'ZerosLike',
      name: 'ZerosLike bool [3]',
      tolerance: T,
      run: (tf) => tf.zerosLike(tf.tensor1d([1, 1, 0], 'bool')),
    },
    {
      kernel: 'OnesLike',
      name: 'OnesLike float32 [2,3]',
      tolerance: T,
      run: (tf) => tf.onesLike(rand(tf, [2, 3], 832)),
    },
    {
      kernel: 'OnesLike',
      name: 'OnesLike int32 [0]',
      tolerance: T,
      run: (tf) => tf.onesLike(tf.tensor1d([], 'int32')),
    },
    {
      kernel: 'Range',
      name: 'Range 0..10 step 3 float32',
      tolerance: T,
      run: (tf) => tf.range(0, 10, 3),
    },
    {
      kernel: 'Range',
      name: 'Range 5..-5 step -2 int32',
      tolerance: T,
      run: (tf) => tf.range(5, -5, -2, 'int32'),
    },
    {
      kernel: 'Range',
      name: 'Range empty (start = stop)',
      tolerance: T,
      run: (tf) => tf.range(4, 4),
    },
    {
      kernel: 'Range',
      name: 'Range 0..100 step 0.1 float32',
      // tfjs-cpu adds step to the previous float32 value, so its own error grows with the
      // count (to about 1e-5 relative here); start + i * step is closer to exact.
      tolerance: { rel: 1e-4, abs: 1e-6 },
      run: (tf) => tf.range(0, 100, 0.1),
    },
    {
      kernel: 'AddN',
      name: 'AddN three float32 [4,5]',
      tolerance: FLOAT,
      run: (tf) => tf.addN([rand(tf, [4, 5], 840), rand(tf, [4, 5], 841), rand(tf, [4, 5], 842)]),
    },
    {
      kernel: 'AddN',
      name: 'AddN two int32 [6]',
      tolerance: T,
      run: (tf) => tf.addN([ints(tf, [6], 843, -99, 99), ints(tf, [6], 844, -99, 99)]),
    },
    {
      kernel: 'AddN',
      name: 'AddN [0,3]',
      tolerance: T,
      run: (tf) => tf.addN([tf.zeros([0, 3]), tf.zeros([0, 3])]),
    },
  ];
}

export function indexingCases(): ConformanceCase[] {
  return [...indexing(), ...creation()];
}
