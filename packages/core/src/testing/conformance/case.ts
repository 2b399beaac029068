/**
 * What a kernel conformance case is, and the seeded inputs cases build from. A case is plain
 * data plus a function of `tf`: it builds its own inputs from fixed seeds inside `run`, so the
 * backend under test and the `cpu` reference start from identical numbers. No test framework
 * here (this is published in `@gft/core/testing`).
 */
import { seededRandom } from '../../seeded-random.js';
import type { tf as TF } from '../../tf.js';

export type Tf = typeof TF;

/** Per element: `|actual - expected| <= abs + rel * |expected|` (numpy's `allclose`). */
export interface Tolerance {
  rel: number;
  abs: number;
}

export interface ConformanceCase {
  /**
   * The tfjs kernel the case is about (as in tfjs's kernel_names), e.g. `BatchMatMul`;
   * a composite case names each kernel it must reach, joined by ` + `.
   */
  kernel: string;
  /** Unique within the suite; says the shapes and the edge it covers. */
  name: string;
  /** Builds inputs (deterministically) and calls the op; runs inside `tf.tidy`. */
  run(tf: Tf): TF.Tensor | TF.Tensor[];
  tolerance: Tolerance;
}

/** Movement, integer and boolean results: bit for bit. */
export const EXACT: Tolerance = { rel: 0, abs: 0 };
/**
 * One float32 operation, correctly rounded on cpu (it computes in float64), a few ulp
 * elsewhere (vectorised exp/log/tanh approximations). The abs term covers results that
 * cancel to near zero.
 */
export const FLOAT: Tolerance = { rel: 1e-6, abs: 1e-7 };
/** Transcendentals: vectorised polynomial approximations are allowed a few ulp more. */
export const TRANSCENDENTAL: Tolerance = { rel: 4e-6, abs: 1e-7 };
/**
 * Sums of products and reductions: another backend may block, vectorise or reassociate
 * the sum, so rounding differs by about K ulp of the largest partial sum.
 */
export const ACCUMULATED: Tolerance = { rel: 1e-5, abs: 1e-5 };

/** Uniform float32 values in [-scale, scale) from a seed. */
export function uniform(count: number, seed: number, scale = 1): Float32Array {
  const rng = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng.next() - 1) * scale;
  return out;
}

/** Uniform integers in [lo, hi] from a seed. */
export function integers(count: number, seed: number, lo: number, hi: number): Int32Array {
  const u = uniform(count, seed, 1);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = lo + Math.min(hi - lo, Math.floor(((u[i] + 1) / 2) * (hi - lo + 1)));
  }
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float32 tensor of seeded uniform values in [-scale, scale). */
export function rand(tf: Tf, shape: number[], seed: number, scale = 1): TF.Tensor {
  return tf.tensor(uniform(sizeOf(shape), seed, scale), shape, 'float32');
}

/** A float32 tensor of seeded values in (0, scale]: for Log, Sqrt, Rsqrt, Pow bases. */
export function positive(tf: Tf, shape: number[], seed: number, scale = 1): TF.Tensor {
  const u = uniform(sizeOf(shape), seed, 1);
  return tf.tensor(
    u.map((v) => ((v + 1) / 2) * scale + 1e-3),
    shape,
    'float32',
  );
}

/** An int32 tensor of seeded integers in [lo, hi]. */
export function ints(tf: Tf, shape: number[], seed: number, lo: number, hi: number): TF.Tensor {
  return tf.tensor(integers(sizeOf(shape), seed, lo, hi), shape, 'int32');
}

/** A bool tensor of seeded values. */
export function bools(tf: Tf, shape: number[], seed: number): TF.Tensor {
  return tf.tensor(integers(sizeOf(shape), seed, 0, 1), shape, 'bool');
}

/**
 * Values where float math has edges: zeros of both signs, ±1, tiny and huge magnitudes,
 * ±Infinity and NaN. Every unary case that tfjs-cpu defines on them runs on this vector.
 */
export const SPECIAL_VALUES: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1e-30,
  -1e-30,
  1e30,
  -1e30,
  3.4e38,
  -3.4e38,
  88.7,
  -88.7,
  100,
  -100,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
];

/** `SPECIAL_VALUES` as a float32 tensor [19]. */
export function specials(tf: Tf): TF.Tensor {
  return tf.tensor1d(SPECIAL_VALUES as number[], 'float32');
}

/** All 19 x 19 pairs of special values, as [19,1] against [1,19]. */
export function specialGrid(tf: Tf): [TF.Tensor, TF.Tensor] {
  const s = specials(tf);
  return [s.reshape([19, 1]), s.reshape([1, 19])];
}
