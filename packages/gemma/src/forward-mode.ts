/**
 * How a forward runs: evaluation (the default: deterministic) or training, where every
 * projection gets `training: true` and a dropout seed derived from the training forward's seed,
 * the layer, the half and the first token row of a row chunk. Seeds are derived rather than
 * drawn so that the checkpointed step's recomputation of a half sees the same masks as its
 * first forward. Not the dropout itself (the adapter's `Linear` applies it).
 */
import type { LinearApplyOptions } from '@gft/core';

export interface ForwardMode {
  /** Training forward (dropout on); default false. */
  training?: boolean;
  /** Seed of this training forward's masks (the train step counts forwards); default 0. */
  seed?: number;
}

/** One 32-bit mixing round (murmur3's finaliser) of `h` with `v`. */
function mix(h: number, v: number): number {
  let x = (h ^ Math.imul(v | 0, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The options layer `layer`'s `half` passes to its projections; `rowStart` is the first token
 * row of a row chunk of the MLP half (0 when it runs on all rows).
 */
export function linearOptions(
  mode: ForwardMode,
  layer: number,
  half: 'attention' | 'mlp',
  rowStart = 0,
): LinearApplyOptions {
  if (!mode.training) return {};
  const seed = mix(mix(mix(mode.seed ?? 0, layer), half === 'attention' ? 1 : 2), rowStart);
  return { training: true, seed };
}
