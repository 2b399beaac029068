/**
 * Hugging Face model directories: `config.json` (model_type gemma / gemma2) plus
 * `model.safetensors` or a sharded index, F32 / BF16 / F16 weights, optional `score` head and
 * bitsandbytes 4-bit weights (packed codes as `WeightSource.stored`, companions `<weight>.absmax`,
 * ... by suffix) passed to the adapter untouched.
 * Reads one tensor at a time. Not the writing (checkpoint-save.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Adapter, type CompanionTensor, GftError, type WeightSource } from '@gft/core';
import { openCheckpoint, type TensorReader } from '@gft/safetensors';
import { configFromHf, type GemmaConfig } from './config.js';
import type { HeadSpec } from './heads.js';
import { GemmaModel } from './model.js';
import type { WeightStore } from './weight-store.js';

/** bitsandbytes stores a 4-bit weight's logical shape in this companion (UTF-8 JSON). */
const QUANT_STATE_PREFIX = 'quant_state.';

/** Reads and parses `config.json` of a model directory. */
export function readGemmaConfig(dir: string): GemmaConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${dir}: no config.json (a Hugging Face model directory has one)`,
      { where: file },
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new GftError('BAD_CHECKPOINT', `${file}: not valid JSON`, { where: file, cause });
  }
  return configFromHf(json, file);
}

/** A `WeightStore` over a safetensors reader; companions grouped under their weight. */
export function readerWeightStore(reader: TensorReader, label: string): WeightStore {
  const all = reader.names();
  const set = new Set(all);
  const companionsOf = new Map<string, string[]>();
  const main: string[] = [];
  for (const name of all) {
    const at = name.indexOf('.weight.');
    const owner = at >= 0 ? name.slice(0, at + '.weight'.length) : undefined;
    if (owner && set.has(owner)) {
      const list = companionsOf.get(owner) ?? [];
      list.push(name.slice(owner.length + 1));
      companionsOf.set(owner, list);
    } else {
      main.push(name);
    }
  }
  const quantShape = (name: string): number[] | undefined => {
    const suffix = companionsOf.get(name)?.find((s) => s.startsWith(QUANT_STATE_PREFIX));
    if (!suffix) return undefined;
    const state = JSON.parse(new TextDecoder().decode(reader.readBytes(`${name}.${suffix}`)));
    return state.shape as number[];
  };
  return {
    label,
    names: () => main,
    shape: (name) => quantShape(name) ?? reader.info(name).shape,
    source(name): WeightSource {
      const quant = quantShape(name);
      const shape = (quant ?? reader.info(name).shape) as [number, number];
      const suffixes = companionsOf.get(name);
      const companions: Record<string, CompanionTensor> | undefined = suffixes
        ? Object.fromEntries(
            suffixes.map((s) => {
              const info = reader.info(`${name}.${s}`);
              return [
                s,
                {
                  dtype: info.dtype,
                  shape: info.shape,
                  read: () => reader.read(`${name}.${s}`) as ArrayBufferView,
                },
              ];
            }),
          )
        : undefined;
      const src: WeightSource = { name, shape, companions };
      if (!quant) src.readF32 = () => reader.readF32(name);
      else {
        // The main tensor of a quantised weight is its packed bytes, not a dense weight.
        const info = reader.info(name);
        src.stored = {
          dtype: info.dtype,
          shape: info.shape,
          read: () => reader.read(name) as ArrayBufferView,
        };
      }
      return src;
    },
    close: () => reader.close(),
  };
}

export interface LoadGemmaOptions {
  adapter: Adapter;
  head?: HeadSpec;
  /** Seed for a `score` head the checkpoint lacks (default 0). */
  scoreSeed?: number;
}

/** Loads a Hugging Face Gemma / Gemma-2 directory into a model built by `adapter`. */
export function loadGemma(dir: string, options: LoadGemmaOptions): GemmaModel {
  const config = readGemmaConfig(dir);
  const reader = openCheckpoint(dir);
  const weights = readerWeightStore(reader, dir);
  try {
    return GemmaModel.build({ config, weights, ...options, baseModel: dir });
  } finally {
    weights.close?.();
  }
}
