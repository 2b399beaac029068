/**
 * What the training suites share on any backend (not exported from the package): seeded token
 * rows in both layouts, the models they build (Gemma-2 `tiny` and Gemma v1, the tiny-gemma
 * fixture's config, each with every technique: full-ft, lora, qlora and the DoRA example, from
 * seeded random weights), tfjs-cpu as the reference, and what left native code. cuda-native's
 * suites import this file too, so it names no backend.
 */
import { join } from 'node:path';
import { type Adapter, cpuBackend, type MicroBatch, type TokenizedRow, tf } from '@gft/core';
import { goldenFixturesDir } from '@gft/core/testing';
import { type GemmaConfig, GemmaModel, preset, randomWeights, readGemmaConfig } from '@gft/gemma';
import { fallbackCounts } from '@gft/native';
import { fullFineTune } from '@gft/plugin-full-ft';
import { lora } from '@gft/plugin-lora';
import { qlora } from '@gft/plugin-qlora';
import { packedMicroBatch as packRows } from '@gft/plugin-varlen-packing';
import { dora } from '@gft-example/dora';

export async function useCpu(): Promise<void> {
  await cpuBackend().setup();
}

/** Seeded rows of the given lengths, ids in [3, 512), one-hot labels cycling over 3 classes. */
export function seededRows(lengths: readonly number[], seed = 11, prefix = 'r'): TokenizedRow[] {
  let s = seed;
  return lengths.map((len, b) => {
    const ids = new Int32Array(len);
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      ids[t] = 3 + (s % 509);
    }
    const label = new Float32Array(3);
    label[b % 3] = 1;
    return { id: `${prefix}${b}`, ids, label };
  });
}

/** The rows back to back in one packed micro-batch (the varlen-packing collator's layout). */
export function packedMicroBatch(rs: readonly TokenizedRow[]): MicroBatch {
  return packRows(rs, false);
}

/** Model shapes by family; the fixture-sized vocabulary keeps tfjs-cpu references quick. */
export const FAMILIES: Readonly<Record<string, () => GemmaConfig>> = {
  'gemma-2': () => ({ ...preset('tiny'), vocabSize: 512 }),
  'gemma v1': () => readGemmaConfig(join(goldenFixturesDir(), 'tiny-gemma')),
};

export const TECHNIQUES: Readonly<Record<string, () => Adapter>> = {
  'full-ft': () => fullFineTune(),
  lora: () => lora({ r: 4, alpha: 8, seed: 2 }),
  qlora: () => qlora({ r: 4, alpha: 8, seed: 2 }),
  dora: () => dora({ r: 4, alpha: 8, seed: 2 }),
};

/** `family` with `technique` over seeded random weights (the same on every backend). */
export function buildModel(family: string, technique: string): GemmaModel {
  const config = FAMILIES[family]();
  return GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 4, std: 0.05 }),
    adapter: TECHNIQUES[technique](),
  });
}

/**
 * What left native code: the fallbacks counted so far (none when strict mode was on
 * throughout), and whether strict mode is live, i.e. a kernel native devices lack (Cumsum)
 * throws instead of running on tfjs-cpu.
 */
export function fallbackReport(backendName: string): {
  fallbacks: Record<string, number>;
  strict: boolean;
} {
  let strict = false;
  try {
    tf.tidy(() => tf.cumsum(tf.tensor1d([1, 2, 3])).dataSync());
  } catch (error) {
    strict = /no native implementation/.test((error as Error).message);
  }
  return { fallbacks: fallbackCounts(backendName), strict };
}
