/**
 * Test helpers: the repository's golden tiny-gemma2 checkpoint, a seeded packed micro-batch,
 * and a frozen "base model" adapter to compare with.
 */
import { join } from 'node:path';
import type { Adapter, MicroBatch } from '@gft/core';
import { goldenFixturesDir } from '@gft/core/testing';
import { frozenLinear } from './dora-linear.js';

export const TINY_GEMMA2 = join(goldenFixturesDir(), 'tiny-gemma2');

/** A packed micro-batch of seeded token ids (ids >= 3: clear of pad / eos / bos). */
export function packedBatch(lengths: number[], vocab: number, seed = 1): MicroBatch {
  const total = lengths.reduce((a, b) => a + b, 0);
  const inputIds = new Int32Array(total);
  const positionIds = new Int32Array(total);
  const cuSeqlens = new Int32Array(lengths.length + 1);
  let s = seed >>> 0 || 1;
  lengths.forEach((len, b) => {
    cuSeqlens[b + 1] = cuSeqlens[b] + len;
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      inputIds[cuSeqlens[b] + t] = 3 + (s % (vocab - 3));
      positionIds[cuSeqlens[b] + t] = t;
    }
  });
  const labels = new Float32Array(lengths.length * 3);
  lengths.forEach((_, b) => {
    labels[b * 3 + (b % 3)] = 1;
  });
  return {
    layout: 'packed',
    batchSize: lengths.length,
    inputIds,
    positionIds,
    seqLens: [...lengths],
    cuSeqlens,
    maxSeqLen: Math.max(...lengths),
    labels,
  };
}

/** The base model as an adapter: every projection frozen, only the score head trains. */
export const frozenBase: Adapter = {
  kind: 'adapter',
  name: 'frozen-base',
  linear: frozenLinear,
  trainsParam: (name) => name === 'score.weight',
  estimateLinear: (site) => ({
    frozenBytes: site.inFeatures * site.outFeatures * 4,
    trainableParams: 0,
  }),
};
