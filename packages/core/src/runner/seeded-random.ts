/**
 * A small seeded PRNG (mulberry32) for weight init and shuffles that must not depend on
 * tfjs's global random state, so two runs with the same seed see the same numbers.
 */

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Current internal state, for checkpoints. */
  state(): number;
}

export function seededRandom(seed: number): SeededRandom {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    state: () => s,
  };
}

/** `n` float32 values ~ N(0, std^2) from `seed`. */
export function normalArray(n: number, std: number, seed: number): Float32Array {
  const rng = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}
