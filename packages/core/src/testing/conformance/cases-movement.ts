import { type ConformanceCase, EXACT, ints, rand, type Tf } from './case.js';

const T = EXACT;

function reshapeAndTranspose(): ConformanceCase[] {
  const perms: Array<[number[], number[]]> = [
    [
      [7, 9],
      [1, 0],
    ],
    [
      [3, 5, 4],
      [0, 2, 1],
    ],
    [
      [3, 5, 4],
      [2, 0, 1],
    ],
    [
      [3, 5, 4],
      [1, 2, 0],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 2, 0],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 1, 3],
    ],
    [
      [1, 6, 1, 4],
      [3, 2, 1, 0],
    ],
    [
      [4, 0, 3],
      [2, 1, 0],
    ],
    [
      [300, 1031],
      [1, 0],
    ],
  ];
  return [
    {
      kernel: 'Reshape',
      name: 'Reshape [2,3,4] to [4,-1]',
      tolerance: T,
      run: (tf) => rand(tf, [2, 3, 4], 700).reshape([4, -1]),
    },
    {
      kernel: 'Reshape',
      name: 'Reshape [1,1] to scalar',
      tolerance: T,
      run: (tf) => rand(tf, [1, 1], 701).reshape([]),
    },
    {
      kernel: 'Reshape',
      name: 'Reshape [0,3] to [3,0]',
      tolerance: T,
      run: (tf) => tf.zeros([0, 3]).reshape([3, 0]),
    },
    {
      kernel: 'Reshape',
      name: 'Reshape int32 [6] to [2,1,3]',
      tolerance: T,
      run: (tf) => ints(tf, [6], 702, -9, 9).reshape([2, 1, 3]),
    },
    {
      kernel: 'Reshape',
      name: 'Reshape bool [4] to [2,2]',
      tolerance: T,
      run: (tf) => tf.tensor1d([1, 0, 0, 1], 'bool').reshape([2, 2]),
    },
    {
      kernel: 'Identity',
      name: 'Identity float32 [3,4]',
      tolerance: T,
      run: (tf) => tf.clone(rand(tf, [3, 4], 703)),
    },
    {
      kernel: 'Identity',
      name: 'Identity int32 scalar',
      tolerance: T,
      run: (tf) => tf.clone(tf.scalar(-5, 'int32')),
    },
    ...perms.map(
      ([shape, perm], i): ConformanceCase => ({
        kernel: 'Transpose',
        name: `Transpose [${shape}] perm [${perm}]`,
        tolerance: T,
        run: (tf) => tf.transpose(rand(tf, shape, 710 + i), perm),
      }),
    ),
    {
      kernel: 'Transpose',
      name: 'Transpose int32 [5,3]',
      tolerance: T,
      run: (tf) => tf.transpose(ints(tf, [5, 3], 720, -9, 9)),
    },
    {
      kernel: 'Transpose',
      name: 'Transpose bool [2,3]',
      tolerance: T,
      run: (tf) => tf.transpose(tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3], 'bool')),
    },
  ];
}

function slicing(): ConformanceCase[] {
  const x = (tf: Tf) => rand(tf, [6, 7, 5], 730);
  return [
    {
      kernel: 'Slice',
      name: 'Slice [6,7,5] interior',
      tolerance: T,
      run: (tf) => tf.slice(x(tf), [1, 2, 1], [3, 4, 3]),
    },
    {
      kernel: 'Slice',
      name: 'Slice [6,7,5] with size -1',
      tolerance: T,
      run: (tf) => tf.slice(x(tf), [2, 0, 3], [-1, 5, -1]),
    },
    {
      kernel: 'Slice',
      name: 'Slice to size 0',
      tolerance: T,
      run: (tf) => tf.slice(x(tf), [1, 1, 1], [2, 0, 3]),
    },
    {
      kernel: 'Slice',
      name: 'Slice whole trailing rows',
      tolerance: T,
      run: (tf) => tf.slice(x(tf), [4, 0, 0], [2, 7, 5]),
    },
    {
      kernel: 'Slice',
      name: 'Slice int32 [10]',
      tolerance: T,
      run: (tf) => tf.slice(ints(tf, [10], 731, -99, 99), [3], [4]),
    },
    {
      kernel: 'Slice',
      name: 'Slice bool [2,3]',
      tolerance: T,
      run: (tf) => tf.slice(tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3], 'bool'), [0, 1], [2, 2]),
    },
    {
      kernel: 'StridedSlice',
      name: 'StridedSlice step 2',
      tolerance: T,
      run: (tf) => tf.stridedSlice(x(tf), [0, 1, 0], [6, 7, 5], [2, 2, 1]),
    },
    {
      kernel: 'StridedSlice',
      name: 'StridedSlice negative steps',
      tolerance: T,
      run: (tf) => tf.stridedSlice(x(tf), [5, 6, 4], [0, 0, 0], [-2, -3, -1]),
    },
    {
      kernel: 'StridedSlice',
      name: 'StridedSlice begin/end masks and shrink axis',
      tolerance: T,
      run: (tf) =>
        tf.stridedSlice(x(tf), [0, 3, 1], [0, 4, 0], [1, 1, 1], 0b101, 0b101, 0, 0, 0b010),
    },
    {
      kernel: 'StridedSlice',
      name: 'StridedSlice new axis and ellipsis',
      tolerance: T,
      run: (tf) => tf.stridedSlice(x(tf), [0, 1], [0, 4], [1, 1], 0, 0, 0b01, 0b00, 0),
    },
    {
      kernel: 'StridedSlice',
      name: 'StridedSlice int32 step 3',
      tolerance: T,
      run: (tf) => tf.stridedSlice(ints(tf, [20], 732, -9, 9), [1], [20], [3]),
    },
  ];
}

function joining(): ConformanceCase[] {
  return [
    {
      kernel: 'Concat',
      name: 'Concat axis 0 [2,3] [4,3]',
      tolerance: T,
      run: (tf) => tf.concat([rand(tf, [2, 3], 740), rand(tf, [4, 3], 741)], 0),
    },
    {
      kernel: 'Concat',
      name: 'Concat axis -1 of three widths',
      tolerance: T,
      run: (tf) =>
        tf.concat(
          [rand(tf, [2, 3, 1], 742), rand(tf, [2, 3, 4], 743), rand(tf, [2, 3, 2], 744)],
          -1,
        ),
    },
    {
      kernel: 'Concat',
      name: 'Concat axis 1 with a size-0 part',
      tolerance: T,
      run: (tf) => tf.concat([rand(tf, [3, 2], 745), tf.zeros([3, 0]), rand(tf, [3, 5], 746)], 1),
    },
    {
      kernel: 'Concat',
      name: 'Concat int32 rank 1',
      tolerance: T,
      run: (tf) => tf.concat([ints(tf, [3], 747, -9, 9), ints(tf, [5], 748, -9, 9)]),
    },
    {
      kernel: 'Concat',
      name: 'Concat bool axis 1',
      tolerance: T,
      run: (tf) =>
        tf.concat(
          [tf.tensor2d([1, 0], [2, 1], 'bool'), tf.tensor2d([0, 1, 1, 0], [2, 2], 'bool')],
          1,
        ),
    },
    {
      kernel: 'Pack',
      name: 'Pack three [2,3] on axis 0',
      tolerance: T,
      run: (tf) => tf.stack([rand(tf, [2, 3], 750), rand(tf, [2, 3], 751), rand(tf, [2, 3], 752)]),
    },
    {
      kernel: 'Pack',
      name: 'Pack two [2,3] on axis 2',
      tolerance: T,
      run: (tf) => tf.stack([rand(tf, [2, 3], 753), rand(tf, [2, 3], 754)], 2),
    },
    {
      kernel: 'Pack',
      name: 'Pack int32 scalars',
      tolerance: T,
      run: (tf) => tf.stack([tf.scalar(3, 'int32'), tf.scalar(-4, 'int32')]),
    },
    {
      kernel: 'Unpack',
      name: 'Unpack [3,4] on axis 0',
      tolerance: T,
      run: (tf) => tf.unstack(rand(tf, [3, 4], 755)),
    },
    {
      kernel: 'Unpack',
      name: 'Unpack [2,3,4] on axis 1',
      tolerance: T,
      run: (tf) => tf.unstack(rand(tf, [2, 3, 4], 756), 1),
    },
    {
      kernel: 'SplitV',
      name: 'SplitV [4,9] into 3 on axis 1',
      tolerance: T,
      run: (tf) => tf.split(rand(tf, [4, 9], 757), 3, 1),
    },
    {
      kernel: 'SplitV',
      name: 'SplitV sizes [2,-1,1] on axis 0',
      tolerance: T,
      run: (tf) => tf.split(rand(tf, [7, 3], 758), [2, -1, 1], 0),
    },
    {
      kernel: 'SplitV',
      name: 'SplitV int32 with a size-0 part',
      tolerance: T,
      run: (tf) => tf.split(ints(tf, [2, 5], 759, -9, 9), [2, 0, 3], 1),
    },
  ];
}

function padTileBroadcast(): ConformanceCase[] {
  return [
    {
      kernel: 'PadV2',
      name: 'PadV2 [3,4] with zeros',
      tolerance: T,
      run: (tf) =>
        tf.pad(rand(tf, [3, 4], 760), [
          [1, 2],
          [0, 3],
        ]),
    },
    {
      kernel: 'PadV2',
      name: 'PadV2 rank 3 with 7.5',
      tolerance: T,
      run: (tf) =>
        tf.pad(
          rand(tf, [2, 3, 2], 761),
          [
            [0, 1],
            [2, 0],
            [1, 1],
          ],
          7.5,
        ),
    },
    {
      kernel: 'PadV2',
      name: 'PadV2 of a size-0 dim',
      tolerance: T,
      run: (tf) =>
        tf.pad(
          tf.zeros([0, 2]),
          [
            [1, 1],
            [0, 0],
          ],
          -1,
        ),
    },
    {
      kernel: 'PadV2',
      name: 'PadV2 int32 with -3',
      tolerance: T,
      run: (tf) =>
        tf.pad(
          ints(tf, [2, 2], 762, -9, 9),
          [
            [1, 0],
            [0, 2],
          ],
          -3,
        ),
    },
    {
      kernel: 'Tile',
      name: 'Tile [2,3] by [3,2]',
      tolerance: T,
      run: (tf) => tf.tile(rand(tf, [2, 3], 770), [3, 2]),
    },
    {
      kernel: 'Tile',
      name: 'Tile [2,1,3] by [1,4,1]',
      tolerance: T,
      run: (tf) => tf.tile(rand(tf, [2, 1, 3], 771), [1, 4, 1]),
    },
    {
      kernel: 'Tile',
      name: 'Tile by 0 (size-0 result)',
      tolerance: T,
      run: (tf) => tf.tile(rand(tf, [2, 3], 772), [0, 2]),
    },
    {
      kernel: 'Tile',
      name: 'Tile int32',
      tolerance: T,
      run: (tf) => tf.tile(ints(tf, [3], 773, -9, 9), [3]),
    },
    {
      kernel: 'Tile',
      name: 'Tile bool',
      tolerance: T,
      run: (tf) => tf.tile(tf.tensor2d([1, 0], [1, 2], 'bool'), [2, 2]),
    },
    {
      kernel: 'Tile',
      name: 'broadcastTo [1,3] to [4,3]',
      tolerance: T,
      run: (tf) => tf.broadcastTo(rand(tf, [1, 3], 780), [4, 3]),
    },
    {
      kernel: 'Tile',
      name: 'broadcastTo [3,1,1] to [3,2,5]',
      tolerance: T,
      run: (tf) => tf.broadcastTo(rand(tf, [3, 1, 1], 781), [3, 2, 5]),
    },
    {
      kernel: 'Tile',
      name: 'broadcastTo [4] to [2,3,4] (rank-mismatched)',
      tolerance: T,
      run: (tf) => tf.broadcastTo(rand(tf, [4], 782), [2, 3, 4]),
    },
    {
      kernel: 'Tile',
      name: 'broadcastTo int32 [2,1] to [2,3]',
      tolerance: T,
      run: (tf) => tf.broadcastTo(ints(tf, [2, 1], 783, -9, 9), [2, 3]),
    },
    {
      kernel: 'Tile',
      name: 'broadcastTo bool [1] to [1,4]',
      tolerance: T,
      run: (tf) => tf.broadcastTo(tf.tensor2d([1], [1, 1], 'bool'), [1, 4]),
    },
    {
      kernel: 'Reverse',
      name: 'Reverse [5,4] axis 0',
      tolerance: T,
      run: (tf) => tf.reverse(rand(tf, [5, 4], 790), 0),
    },
    {
      kernel: 'Reverse',
      name: 'Reverse [3,4,5] axes [0,2]',
      tolerance: T,
      run: (tf) => tf.reverse(rand(tf, [3, 4, 5], 791), [0, 2]),
    },
    {
      kernel: 'Reverse',
      name: 'Reverse int32 [7]',
      tolerance: T,
      run: (tf) => tf.reverse(ints(tf, [7], 792, -9, 9)),
    },
  ];
}

export function movementCases(): ConformanceCase[] {
  return [...reshapeAndTranspose(), ...slicing(), ...joining(), ...padTileBroadcast()];
}
