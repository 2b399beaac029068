/**
 * Conformance cases for element-wise math: unary ops and binary ops with broadcasting. Each
 * op runs on a shape with a vector tail (odd sizes), a scalar, a size-0 shape, int32 where
 * tfjs allows it, and the special values (±0, ±1e30, ±3.4e38, ±Infinity, NaN) where tfjs-cpu
 * defines the result; a few run past a threaded backend's split. Comparisons, logic, Select,
 * Cast and integer division are in cases-logic.ts.
 */
import type { tf as TF } from '../../tf.js';
import {
  type ConformanceCase,
  EXACT,
  FLOAT,
  ints,
  positive,
  rand,
  SPECIAL_VALUES,
  specialGrid,
  specials,
  type Tf,
  type Tolerance,
  TRANSCENDENTAL,
} from './case.js';

type Unary = (tf: Tf, x: TF.Tensor) => TF.Tensor;

interface UnarySpec {
  kernel: string;
  op: Unary;
  /** Input scale for the random case (the domain where the op is interesting). */
  scale: number;
  tolerance: Tolerance;
  /** Also run on int32 input (ops that keep int32, or cast it to float first). */
  int32?: boolean;
}

const UNARY: UnarySpec[] = [
  { kernel: 'Neg', op: (tf, x) => tf.neg(x), scale: 10, tolerance: EXACT, int32: true },
  { kernel: 'Abs', op: (tf, x) => tf.abs(x), scale: 10, tolerance: EXACT, int32: true },
  { kernel: 'Sign', op: (tf, x) => tf.sign(x), scale: 10, tolerance: EXACT, int32: true },
  { kernel: 'Relu', op: (tf, x) => tf.relu(x), scale: 10, tolerance: EXACT, int32: true },
  { kernel: 'Square', op: (tf, x) => tf.square(x), scale: 10, tolerance: FLOAT, int32: true },
  { kernel: 'Exp', op: (tf, x) => tf.exp(x), scale: 20, tolerance: TRANSCENDENTAL, int32: true },
  { kernel: 'Log', op: (tf, x) => tf.log(x), scale: 100, tolerance: TRANSCENDENTAL },
  { kernel: 'Sqrt', op: (tf, x) => tf.sqrt(x), scale: 100, tolerance: FLOAT },
  { kernel: 'Rsqrt', op: (tf, x) => tf.rsqrt(x), scale: 100, tolerance: FLOAT },
  { kernel: 'Sigmoid', op: (tf, x) => tf.sigmoid(x), scale: 20, tolerance: TRANSCENDENTAL },
  { kernel: 'Tanh', op: (tf, x) => tf.tanh(x), scale: 10, tolerance: TRANSCENDENTAL },
];

function unaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  UNARY.forEach(({ kernel, op, scale, tolerance, int32 }, i) => {
    const seed = 100 + i;
    out.push(
      {
        kernel,
        name: `${kernel} [37,29]`,
        tolerance,
        run: (tf) => op(tf, rand(tf, [37, 29], seed, scale)),
      },
      { kernel, name: `${kernel} special values`, tolerance, run: (tf) => op(tf, specials(tf)) },
      { kernel, name: `${kernel} scalar`, tolerance, run: (tf) => op(tf, tf.scalar(0.75)) },
      { kernel, name: `${kernel} [0,3]`, tolerance, run: (tf) => op(tf, tf.zeros([0, 3])) },
    );
    if (int32) {
      out.push({
        kernel,
        name: `${kernel} int32 [5,7]`,
        tolerance,
        run: (tf) => op(tf, ints(tf, [5, 7], seed, -9, 9)),
      });
    }
  });
  // Where vectorised code switches algorithm: underflow to 0, saturation of the logistic.
  out.push(
    {
      kernel: 'Exp',
      name: 'Exp near float32 overflow and underflow',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.exp(tf.tensor1d([-104, -103, -87.5, -87, 87, 88, 88.7, 89, -1e-8, 1e-8])),
    },
    {
      kernel: 'Sigmoid',
      name: 'Sigmoid saturating',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.sigmoid(tf.tensor1d([-120, -90, -40, -17, -1e-6, 1e-6, 17, 40, 90, 120])),
    },
    {
      kernel: 'Tanh',
      name: 'Tanh near zero and saturating',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.tanh(tf.tensor1d([-1e-7, -1e-4, -0.01, 0.01, 1e-4, 1e-7, -9, 9, -45, 45])),
    },
    {
      kernel: 'Log',
      name: 'Log of tiny, subnormal-adjacent and huge',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.log(tf.tensor1d([1e-37, 1.2e-38, 1e-20, 0.999999, 1.000001, 1e20, 3e38])),
    },
  );
  return out;
}

type Binary = (tf: Tf, a: TF.Tensor, b: TF.Tensor) => TF.Tensor;

interface BinarySpec {
  kernel: string;
  op: Binary;
  tolerance: Tolerance;
  int32?: boolean;
  /** Operands in (0, scale] for `a` (Pow's base). */
  positiveA?: boolean;
  /** Special-value pairs tfjs-cpu gives no portable answer for (POW_OMITTED). */
  omit?: (a: number, b: number) => boolean;
}

/**
 * pow(±1, ±Infinity) and pow(±1, NaN): JavaScript's Math.pow (so tfjs-cpu) says NaN where
 * IEEE 754 and C's powf say 1 (except pow(-1, NaN)); neither is a tfjs definition.
 */
const POW_OMITTED = (a: number, b: number) => Math.abs(a) === 1 && !Number.isFinite(b);

const BINARY: BinarySpec[] = [
  { kernel: 'Add', op: (tf, a, b) => tf.add(a, b), tolerance: FLOAT, int32: true },
  { kernel: 'Sub', op: (tf, a, b) => tf.sub(a, b), tolerance: FLOAT, int32: true },
  { kernel: 'Multiply', op: (tf, a, b) => tf.mul(a, b), tolerance: FLOAT, int32: true },
  { kernel: 'RealDiv', op: (tf, a, b) => tf.div(a, b), tolerance: FLOAT },
  { kernel: 'Maximum', op: (tf, a, b) => tf.maximum(a, b), tolerance: EXACT, int32: true },
  { kernel: 'Minimum', op: (tf, a, b) => tf.minimum(a, b), tolerance: EXACT, int32: true },
  {
    kernel: 'SquaredDifference',
    op: (tf, a, b) => tf.squaredDifference(a, b),
    tolerance: FLOAT,
    int32: true,
  },
  {
    kernel: 'Pow',
    op: (tf, a, b) => tf.pow(a, b),
    tolerance: TRANSCENDENTAL,
    positiveA: true,
    omit: POW_OMITTED,
  },
];

/** The same pairs as two flat operands, less those `omit` names. */
function specialPairs(tf: Tf, omit: (a: number, b: number) => boolean): [TF.Tensor, TF.Tensor] {
  const a: number[] = [];
  const b: number[] = [];
  for (const x of SPECIAL_VALUES) {
    for (const y of SPECIAL_VALUES) {
      if (omit(x, y)) continue;
      a.push(x);
      b.push(y);
    }
  }
  return [tf.tensor1d(a), tf.tensor1d(b)];
}

function binaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  BINARY.forEach(({ kernel, op, tolerance, int32, positiveA, omit }, i) => {
    const seed = 200 + 10 * i;
    const a = (tf: Tf, shape: number[]) =>
      positiveA ? positive(tf, shape, seed, 4) : rand(tf, shape, seed, 4);
    out.push(
      {
        kernel,
        name: `${kernel} [23,17] same shape`,
        tolerance,
        run: (tf) => op(tf, a(tf, [23, 17]), rand(tf, [23, 17], seed + 1, 3)),
      },
      {
        kernel,
        name: `${kernel} [4,1,6] by [5,1] (rank-mismatched broadcast)`,
        tolerance,
        run: (tf) => op(tf, a(tf, [4, 1, 6]), rand(tf, [5, 1], seed + 2, 3)),
      },
      {
        kernel,
        name: `${kernel} scalar by [3,4]`,
        tolerance,
        run: (tf) => op(tf, a(tf, []), rand(tf, [3, 4], seed + 3, 3)),
      },
      {
        kernel,
        name: `${kernel} [0,4] by [1,4]`,
        tolerance,
        run: (tf) => op(tf, a(tf, [0, 4]), rand(tf, [1, 4], seed + 4, 3)),
      },
      {
        kernel,
        name: `${kernel} special values grid`,
        tolerance,
        run: (tf) => op(tf, ...(omit ? specialPairs(tf, omit) : specialGrid(tf))),
      },
    );
    if (int32) {
      out.push({
        kernel,
        name: `${kernel} int32 [6,5] by [5]`,
        tolerance: EXACT,
        run: (tf) => op(tf, ints(tf, [6, 5], seed, -3000, 3000), ints(tf, [5], seed + 5, -50, 50)),
      });
    }
  });
  out.push(
    {
      kernel: 'Pow',
      name: 'Pow negative base, integer and fractional exponents',
      tolerance: TRANSCENDENTAL,
      run: (tf) =>
        tf.pow(
          tf.tensor2d([-2, -0.5, 0, 3], [4, 1]),
          tf.tensor2d([0, 1, 2, 3, -1, -2, 0.5, 1.5], [1, 8]),
        ),
    },
    {
      kernel: 'Pow',
      name: 'Pow int32',
      tolerance: EXACT,
      run: (tf) => tf.pow(ints(tf, [4, 6], 290, -5, 5), ints(tf, [6], 291, 0, 6)),
    },
  );
  return out;
}

/** Past a few multiples of 32K elements, where a threaded backend splits the work. */
function largeCases(): ConformanceCase[] {
  const shape = [300, 1031];
  return [
    {
      kernel: 'Exp',
      name: 'Exp [300,1031] (threaded size)',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.exp(rand(tf, shape, 650, 20)),
    },
    {
      kernel: 'Sigmoid',
      name: 'Sigmoid [300,1031] (threaded size)',
      tolerance: TRANSCENDENTAL,
      run: (tf) => tf.sigmoid(rand(tf, shape, 651, 20)),
    },
    {
      kernel: 'Add',
      name: 'Add [300,1031] by [1031] (threaded size)',
      tolerance: FLOAT,
      run: (tf) => tf.add(rand(tf, shape, 652), rand(tf, [1031], 653)),
    },
    {
      kernel: 'Multiply',
      name: 'Multiply [300,1031] by [300,1] (threaded size)',
      tolerance: FLOAT,
      run: (tf) => tf.mul(rand(tf, shape, 654), rand(tf, [300, 1], 655)),
    },
    {
      kernel: 'Cast',
      name: 'Cast [300,1031] bool to float32 (threaded size)',
      tolerance: EXACT,
      run: (tf) => tf.cast(tf.greater(rand(tf, shape, 656), 0), 'float32'),
    },
  ];
}

export function elementwiseCases(): ConformanceCase[] {
  return [...unaryCases(), ...binaryCases(), ...largeCases()];
}
