/**
 * Conformance cases for comparisons and logic (Greater ... NotEqual, LogicalAnd / Or / Not,
 * IsNan, IsFinite, IsInf), Select, ClipByValue, Cast between every dtype pair, and exact int32
 * FloorDiv / Mod past 2^24 with negative operands (QLoRA unpacks NF4 codes with them). All
 * exact but float Mod.
 *
 * Left out where tfjs-cpu is no reference: float32 FloorDiv (cpu answers int32, other
 * backends float32), float-to-int32 casts of NaN or out-of-range values (JavaScript's ToInt32).
 */
import type { tf as TF } from '../../tf.js';
import {
  type ConformanceCase,
  EXACT,
  FLOAT,
  ints,
  rand,
  specialGrid,
  specials,
  type Tf,
} from './case.js';

type Binary = (tf: Tf, a: TF.Tensor, b: TF.Tensor) => TF.Tensor;

const COMPARE: Array<[string, Binary]> = [
  ['Greater', (tf, a, b) => tf.greater(a, b)],
  ['GreaterEqual', (tf, a, b) => tf.greaterEqual(a, b)],
  ['Less', (tf, a, b) => tf.less(a, b)],
  ['LessEqual', (tf, a, b) => tf.lessEqual(a, b)],
  ['Equal', (tf, a, b) => tf.equal(a, b)],
  ['NotEqual', (tf, a, b) => tf.notEqual(a, b)],
];

function comparisonCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  COMPARE.forEach(([kernel, op], i) => {
    const seed = 400 + 10 * i;
    out.push(
      {
        kernel,
        name: `${kernel} float32 [9,11] with ties`,
        tolerance: EXACT,
        run: (tf) =>
          op(
            tf,
            tf.cast(ints(tf, [9, 11], seed, -3, 3), 'float32'),
            tf.cast(ints(tf, [11], seed + 1, -3, 3), 'float32'),
          ),
      },
      {
        kernel,
        name: `${kernel} int32 [4,1,5] by [3,1]`,
        tolerance: EXACT,
        run: (tf) => op(tf, ints(tf, [4, 1, 5], seed, -2, 2), ints(tf, [3, 1], seed + 2, -2, 2)),
      },
      {
        kernel,
        name: `${kernel} special values grid`,
        tolerance: EXACT,
        run: (tf) => op(tf, ...specialGrid(tf)),
      },
      {
        kernel,
        name: `${kernel} [0,2] by scalar`,
        tolerance: EXACT,
        run: (tf) => op(tf, tf.zeros([0, 2]), tf.scalar(1)),
      },
    );
  });
  out.push(
    {
      kernel: 'Equal',
      name: 'Equal bool',
      tolerance: EXACT,
      run: (tf) =>
        tf.equal(
          tf.tensor1d([true, false, true, false], 'bool'),
          tf.tensor1d([true, true, false, false], 'bool'),
        ),
    },
    {
      kernel: 'LogicalAnd',
      name: 'LogicalAnd [4,1] by [3]',
      tolerance: EXACT,
      run: (tf) =>
        tf.logicalAnd(tf.tensor2d([1, 0, 1, 0], [4, 1], 'bool'), tf.tensor1d([1, 1, 0], 'bool')),
    },
    {
      kernel: 'LogicalOr',
      name: 'LogicalOr [4,1] by [3]',
      tolerance: EXACT,
      run: (tf) =>
        tf.logicalOr(tf.tensor2d([1, 0, 1, 0], [4, 1], 'bool'), tf.tensor1d([0, 1, 0], 'bool')),
    },
    {
      kernel: 'LogicalNot',
      name: 'LogicalNot [5]',
      tolerance: EXACT,
      run: (tf) => tf.logicalNot(tf.tensor1d([1, 0, 0, 1, 1], 'bool')),
    },
    {
      kernel: 'LogicalNot',
      name: 'LogicalNot [0]',
      tolerance: EXACT,
      run: (tf) => tf.logicalNot(tf.tensor1d([], 'bool')),
    },
    {
      kernel: 'IsNan',
      name: 'IsNan special values',
      tolerance: EXACT,
      run: (tf) => tf.isNaN(specials(tf)),
    },
    {
      kernel: 'IsFinite',
      name: 'IsFinite special values',
      tolerance: EXACT,
      run: (tf) => tf.isFinite(specials(tf)),
    },
    {
      kernel: 'IsInf',
      name: 'IsInf special values',
      tolerance: EXACT,
      run: (tf) => tf.isInf(specials(tf)),
    },
  );
  return out;
}

function selectAndClipCases(): ConformanceCase[] {
  return [
    {
      kernel: 'Select',
      name: 'Select float32 [6,7]',
      tolerance: EXACT,
      run: (tf) =>
        tf.where(rand(tf, [6, 7], 500).greater(0), rand(tf, [6, 7], 501), rand(tf, [6, 7], 502)),
    },
    {
      kernel: 'Select',
      name: 'Select int32, condition [4,1] broadcast to [4,5]',
      tolerance: EXACT,
      run: (tf) =>
        tf.where(
          tf.tensor2d([1, 0, 0, 1], [4, 1], 'bool'),
          ints(tf, [4, 5], 503, -9, 9),
          ints(tf, [4, 5], 504, -9, 9),
        ),
    },
    {
      kernel: 'Select',
      name: 'Select special values in both branches',
      tolerance: EXACT,
      run: (tf) => {
        const s = specials(tf);
        return tf.where(rand(tf, [19], 505).greater(0), s, s.reverse());
      },
    },
    {
      kernel: 'Select',
      name: 'Select bool [3]',
      tolerance: EXACT,
      run: (tf) =>
        tf.where(
          tf.tensor1d([1, 0, 1], 'bool'),
          tf.tensor1d([0, 0, 0], 'bool'),
          tf.tensor1d([1, 1, 1], 'bool'),
        ),
    },
    {
      kernel: 'Select',
      name: 'Select [0,3]',
      tolerance: EXACT,
      run: (tf) => tf.where(tf.zeros([0, 3]).greater(0), tf.zeros([0, 3]), tf.ones([0, 3])),
    },
    {
      kernel: 'ClipByValue',
      name: 'ClipByValue [13,9] to [-1, 1.5]',
      tolerance: EXACT,
      run: (tf) => tf.clipByValue(rand(tf, [13, 9], 510, 3), -1, 1.5),
    },
    {
      kernel: 'ClipByValue',
      name: 'ClipByValue special values to [-1e30, 1e30]',
      tolerance: EXACT,
      run: (tf) => tf.clipByValue(specials(tf), -1e30, 1e30),
    },
    {
      kernel: 'ClipByValue',
      name: 'ClipByValue int32',
      tolerance: EXACT,
      run: (tf) => tf.clipByValue(ints(tf, [20], 511, -100, 100), -7, 40),
    },
  ];
}

const DTYPES = ['float32', 'int32', 'bool'] as const;

/** Inputs each source dtype is cast from, per target (see the notes inside). */
function castSource(tf: Tf, from: (typeof DTYPES)[number], to: (typeof DTYPES)[number]): TF.Tensor {
  switch (from) {
    case 'float32':
      // Truncation toward zero, ±0, values past 2^24; no NaN or out-of-int32 values, whose
      // conversion tfjs-cpu inherits from JavaScript's ToInt32 rather than defining.
      return tf.tensor1d([0, -0, 0.4, -0.4, 1.5, -1.5, 2.9999, -2.9999, 7, -123456.7, 2 ** 30]);
    case 'int32':
      // tfjs-cpu casts int32 to float32 by relabelling the int32 buffer, unrounded, so only
      // ints that float32 holds exactly have a reference there.
      return to === 'float32'
        ? tf.tensor1d([0, 1, -1, 7, 16777216, -16777216, 2 ** 30, -(2 ** 31)], 'int32')
        : tf.tensor1d([0, 1, -1, 7, 256, 16777217, -16777217, 2147483647, -2147483648], 'int32');
    case 'bool':
      return tf.tensor1d([1, 0, 1, 1, 0], 'bool');
  }
}

function castCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      if (from === to) continue;
      out.push({
        kernel: 'Cast',
        name: `Cast ${from} to ${to}`,
        tolerance: EXACT,
        run: (tf) => tf.cast(castSource(tf, from, to), to),
      });
    }
  }
  out.push(
    {
      kernel: 'Cast',
      name: 'Cast float32 special values to bool',
      tolerance: EXACT,
      run: (tf) => tf.cast(specials(tf), 'bool'),
    },
    {
      kernel: 'Cast',
      name: 'Cast [2,0] int32 to float32',
      tolerance: EXACT,
      run: (tf) => tf.cast(tf.zeros([2, 0], 'int32'), 'float32'),
    },
  );
  return out;
}

/** int32 words past float32's 2^24 integer range (QLoRA's packed NF4 codes), both signs. */
const WORDS = [0, 1, -1, 7, -7, 255, 16777217, -16777217, 268435457, -268435457, 2147483647];
const DIVISORS = [1, -1, 3, -3, 16, 256, -256, 16777216, 7];

function divisionCases(): ConformanceCase[] {
  const a = (tf: Tf) => tf.tensor2d(WORDS, [WORDS.length, 1], 'int32');
  const b = (tf: Tf) => tf.tensor2d(DIVISORS, [1, DIVISORS.length], 'int32');
  return [
    {
      kernel: 'FloorDiv',
      name: 'FloorDiv int32 past 2^24, negative operands',
      tolerance: EXACT,
      run: (tf) => tf.floorDiv(a(tf), b(tf)),
    },
    {
      kernel: 'Mod',
      name: 'Mod int32 past 2^24, negative operands',
      tolerance: EXACT,
      run: (tf) => tf.mod(a(tf), b(tf)),
    },
    {
      kernel: 'FloorDiv',
      name: 'FloorDiv int32 by scalar 16 (nibble unpacking)',
      tolerance: EXACT,
      run: (tf) =>
        tf.floorDiv(ints(tf, [40], 600, -2147483647, 2147483647), tf.scalar(16, 'int32')),
    },
    {
      kernel: 'Mod',
      name: 'Mod int32 by scalar 16 (nibble unpacking)',
      tolerance: EXACT,
      run: (tf) => tf.mod(ints(tf, [40], 601, -2147483647, 2147483647), tf.scalar(16, 'int32')),
    },
    {
      kernel: 'Mod',
      name: 'Mod float32 negative operands',
      tolerance: FLOAT,
      run: (tf) => tf.mod(rand(tf, [8, 1], 603, 50), tf.tensor1d([-7, -2.5, 3, 0.75])),
    },
  ];
}

export function logicCases(): ConformanceCase[] {
  return [...comparisonCases(), ...selectAndClipCases(), ...castCases(), ...divisionCases()];
}
