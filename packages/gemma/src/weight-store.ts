/**
 * Where a model's weights come from: a checkpoint or a seeded random initialisation. The
 * model reads one tensor at a time through it (projections go to the adapter as lazy
 * `WeightSource`s), so building never holds more than the model plus one tensor.
 */
import type { WeightSource } from '@gft/core';

export interface WeightStore {
  /** Named in error messages: a checkpoint path or `random init (seed 1)`. */
  readonly label: string;
  /** Main tensor names (companions of quantised weights excluded). */
  names(): string[];
  /** Logical shape: for a quantised weight, the dense [out, in] shape. */
  shape(name: string): number[];
  /** The tensor as a lazy source (`readF32` absent when only a quantised form exists). */
  source(name: string): WeightSource;
  /** Releases files. */
  close?(): void;
}

/** Reads a dense tensor or explains why it cannot. */
export function readDense(store: WeightStore, name: string): Float32Array {
  const src = store.source(name);
  if (!src.readF32) {
    throw new Error(
      `${store.label}: tensor '${name}' has no dense float form (quantised) but must be dense`,
    );
  }
  return src.readF32();
}
