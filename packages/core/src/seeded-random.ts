/**
 * gft's one seeded random generator, for everything that must come out the same on every run
 * with the same seed whatever tfjs's global random state is: weight and adapter init, shuffles,
 * splits, synthetic data. mulberry32 on a 32-bit state (fast, good enough statistics for
 * sampling; not cryptographic, and not PyTorch's generator). A named stream (`seededRandom(seed,
 * 'layers.3.q_proj')`) starts from the FNV-1a hash of the name mixed with the seed, so each
 * site's draws are independent of the order things are built in.
 */

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Current internal state, for checkpoints. */
  state(): number;
}

/** 32-bit FNV-1a of `text`, starting from the offset basis mixed with `seed`. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function seededRandom(seed: number, stream?: string): SeededRandom {
  let s = stream === undefined ? seed >>> 0 : hashString(stream, seed);
  const uint32 = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = () => uint32() / 4294967296;
  return {
    next,
    uint32,
    int: (n) => Math.floor(next() * n),
    normal() {
      // 1 - u keeps the log's argument in (0, 1].
      const u = 1 - next();
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

/** A Fisher-Yates permutation of 0..n-1 drawn from `seed`. */
export function shuffledIndices(n: number, seed: number): number[] {
  const rng = seededRandom(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
