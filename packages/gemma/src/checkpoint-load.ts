/**
 * Hugging Face model directories: `config.json` (model_type gemma / gemma2) plus
 * `model.safetensors` or a sharded index, F32 / BF16 / F16 weights, optional `score` head and
 * bitsandbytes 4-bit weights (packed codes as `WeightSource.stored`, companions `<weight>.absmax`,
 * ... by suffix) passed to the adapter untouched. Float values are checked finite as they
 * are decoded. Reads one tensor at a time. Not the writing (checkpoint-save.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Adapter, type CompanionTensor, GftError, type WeightSource } from '@gft/core';
import {
  isFloatDtype,
  jsonPreview,
  openCheckpoint,
  requireFinite,
  type TensorInfo,
  type TensorReader,
} from '@gft/safetensors';
import { configFromHf, type GemmaConfig } from './config.js';
import type { HeadSpec } from './heads.js';
import { GemmaModel, type GemmaModelOptions } from './model.js';
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GftError('BAD_CHECKPOINT', `${file}: cannot read (${(cause as Error).message})`, {
      where: file,
      cause,
    });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new GftError('BAD_CHECKPOINT', `${file}: not valid JSON`, { where: file, cause });
  }
  return configFromHf(json, file);
}

/**
 * The dense [out, in] shape a bitsandbytes quant_state JSON records. Untrusted bytes: a
 * broken one is a BAD_CHECKPOINT naming the companion, never a SyntaxError.
 */
function quantStateShape(bytes: Uint8Array, info: TensorInfo): number[] {
  const bad = (why: string): never => {
    throw new GftError('BAD_CHECKPOINT', `${info.file}, tensor '${info.name}': ${why}`, {
      where: `${info.file}:${info.name}`,
    });
  };
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    bad('quant_state is not UTF-8 JSON');
  }
  const shape = (state as { shape?: unknown } | null)?.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((d) => Number.isSafeInteger(d) && d > 0)
  ) {
    bad(`quant_state shape must be [out, in] (positive integers), got ${jsonPreview(shape)}`);
  }
  return shape as number[];
}

/**
 * Float tensors must be finite: one NaN weight makes every prediction NaN with no error.
 * Checked where values are decoded (one pass over data already in memory). Integer
 * tensors (4-bit packed codes, quantised absmax) hold no floats and pass.
 */
function finite<T extends ArrayBufferView>(values: T, info: TensorInfo): T {
  if (isFloatDtype(info.dtype)) requireFinite(values, info);
  return values;
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
    const key = `${name}.${suffix}`;
    return quantStateShape(reader.readBytes(key), reader.info(key));
  };
  const readDenseF32 = (name: string): Float32Array => {
    const info = reader.info(name);
    if (!isFloatDtype(info.dtype)) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${info.file}, tensor '${name}': dtype ${info.dtype} is not a float type; dense weights must be F32, BF16, F16 or F64`,
        { where: `${info.file}:${name}` },
      );
    }
    return finite(reader.readF32(name), info);
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
                  read: () => finite(reader.read(`${name}.${s}`), info),
                },
              ];
            }),
          )
        : undefined;
      const src: WeightSource = { name, shape, companions };
      if (!quant) src.readF32 = () => readDenseF32(name);
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
  onProgress?: GemmaModelOptions['onProgress'];
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
