/**
 * Seeded random initialisation of a whole model as a `WeightStore` (the `small` default run
 * has no checkpoint): N(0, 0.02) for embeddings, projections and the score head (HF's
 * initializer_range), zeros for norms (Gemma's (1 + w) makes that the identity scale).
 * Each tensor's stream depends only on the seed and its name, so build order does not matter.
 */
import { seededRandom, type WeightSource } from '@gft/core';
import type { GemmaConfig } from './config.js';
import { NORMAL_QUANTILES, QUANTILE_CELLS } from './normal-quantiles.js';
import { paramSpecs } from './params.js';
import type { WeightStore } from './weight-store.js';

/**
 * n values from N(0, std), deterministic in (seed, name): core's seeded generator draws 32
 * bits, each half picks one of 65,536 equal-probability normal quantiles (normal-quantiles.ts).
 */
export function seededNormal(n: number, std: number, seed: number, name: string): Float32Array {
  const rng = seededRandom(seed, name);
  const scaled = new Float32Array(QUANTILE_CELLS);
  for (let i = 0; i < QUANTILE_CELLS; i++) scaled[i] = NORMAL_QUANTILES[i] * std;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const t = rng.uint32();
    out[i] = scaled[t & 0xffff];
    if (i + 1 < n) out[i + 1] = scaled[t >>> 16];
  }
  return out;
}

export interface RandomInitOptions {
  seed?: number;
  /** Standard deviation of weights (default 0.02). */
  std?: number;
  /** Include a `score.weight` head (default true). */
  withScore?: boolean;
}

export function randomWeights(config: GemmaConfig, options: RandomInitOptions = {}): WeightStore {
  const seed = options.seed ?? 0;
  const std = options.std ?? 0.02;
  const specs = new Map(paramSpecs(config, options.withScore ?? true).map((s) => [s.name, s]));
  return {
    label: `random init (seed ${seed})`,
    names: () => [...specs.keys()],
    shape: (name) => specs.get(name)!.shape,
    source(name): WeightSource {
      const s = specs.get(name)!;
      const size = s.shape.reduce((a, b) => a * b, 1);
      return {
        name,
        shape: [s.shape[0], s.shape[1] ?? 1],
        readF32: () =>
          s.role === 'norm' ? new Float32Array(size) : seededNormal(size, std, seed, name),
      };
    },
  };
}
