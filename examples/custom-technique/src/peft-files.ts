/**
 * DoRA adapters in PEFT's directory layout, written and read with @gft/core's safetensors
 * functions only: `adapter_config.json` (peft_type LORA, `use_dora: true`) and
 * `adapter_model.safetensors` with
 *   base_model.model.<site>.lora_A.weight          [r, in]
 *   base_model.model.<site>.lora_B.weight          [out, r]
 *   base_model.model.<site>.lora_magnitude_vector  [out]    (PEFT strips its module's `.weight`)
 *   base_model.model.<param>                                 (modules_to_save, e.g. score.weight)
 * Tensors are float32, so a save / load round trip is bit-identical.
 *
 * Not here: the layer (dora-linear.ts), option validation (options.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AdapterState,
  GftError,
  openSafetensors,
  type TensorReader,
  tf,
  writeSafetensors,
} from '@gft/core';
import type { DoraConfig } from './options.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
export const PEFT_PREFIX = 'base_model.model.';

/** Every tensor the state trains, by its PEFT key. */
export function peftKeys(state: AdapterState): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [site, linear] of state.linears)
    for (const [key, v] of Object.entries(linear.trainable))
      out.set(`${PEFT_PREFIX}${site}.${key}`, v);
  for (const [name, v] of state.params) out.set(`${PEFT_PREFIX}${name}`, v);
  return out;
}

/** The adapter_config.json PEFT writes for a DoRA LoRA config. */
export function peftConfig(config: DoraConfig, baseModel?: string): Record<string, unknown> {
  return {
    base_model_name_or_path: baseModel ?? null,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_to_transform: null,
    lora_alpha: config.alpha,
    lora_dropout: 0,
    modules_to_save: config.modulesToSave.length > 0 ? [...config.modulesToSave] : null,
    peft_type: 'LORA',
    r: config.r,
    rank_pattern: {},
    alpha_pattern: {},
    target_modules: [...config.targetModules].sort(),
    task_type: 'SEQ_CLS',
    use_dora: true,
    use_rslora: false,
  };
}

export function saveDora(dir: string, state: AdapterState, config: DoraConfig): void {
  mkdirSync(dir, { recursive: true });
  const tensors: Parameters<typeof writeSafetensors>[1] = {};
  for (const [key, v] of peftKeys(state))
    tensors[key] = { dtype: 'F32', shape: [...v.shape], data: Float32Array.from(v.dataSync()) };
  writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  writeFileSync(
    join(dir, ADAPTER_CONFIG_FILE),
    `${JSON.stringify(peftConfig(config, state.baseModel), null, 2)}\n`,
  );
}

function mismatch(file: string, field: string, theirs: unknown, ours: unknown): GftError {
  return new GftError(
    'BAD_CONFIG',
    `${file}: '${field}' is ${JSON.stringify(theirs)}, this dora adapter has ${JSON.stringify(ours)}`,
    { where: `${file}#${field}` },
  );
}

/** Checks the directory's config against ours: the math must be the same. */
function checkConfig(dir: string, config: DoraConfig): void {
  const file = join(dir, ADAPTER_CONFIG_FILE);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new GftError('BAD_CHECKPOINT', `${file}: cannot read the adapter config`, {
      cause,
      where: file,
    });
  }
  if (json.peft_type !== 'LORA') throw mismatch(file, 'peft_type', json.peft_type, 'LORA');
  if (json.use_dora !== true) throw mismatch(file, 'use_dora', json.use_dora, true);
  if (json.r !== config.r) throw mismatch(file, 'r', json.r, config.r);
  if (json.lora_alpha !== config.alpha)
    throw mismatch(file, 'lora_alpha', json.lora_alpha, config.alpha);
  if (json.use_rslora === true) throw mismatch(file, 'use_rslora', true, false);
}

function readAll(file: string, reader: TensorReader, wanted: Map<string, tf.Variable>) {
  const missing = [...wanted.keys()].filter((k) => !reader.has(k));
  if (missing.length > 0) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file}: missing ${missing.length} tensor(s) this adapter trains, e.g. '${missing[0]}'`,
      { where: `${file}#${missing[0]}` },
    );
  }
  const unused = reader.names().filter((k) => !wanted.has(k));
  if (unused.length > 0) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file}: tensor '${unused[0]}' (and ${unused.length - 1} more) matches nothing this model/adapter trains`,
      { where: `${file}#${unused[0]}` },
    );
  }
  const values = new Map<string, Float32Array>();
  for (const [key, v] of wanted) {
    const { shape } = reader.info(key);
    if (shape.join(',') !== v.shape.join(',')) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${file}: tensor '${key}' has shape [${shape}], the adapter expects [${v.shape}]`,
        { where: `${file}#${key}` },
      );
    }
    values.set(key, reader.readF32(key));
  }
  return values;
}

/** Loads a PEFT DoRA directory into built linears; all or nothing. */
export function loadDora(dir: string, state: AdapterState, config: DoraConfig): void {
  checkConfig(dir, config);
  const file = join(dir, ADAPTER_WEIGHTS_FILE);
  const reader = openSafetensors(file);
  try {
    const wanted = peftKeys(state);
    const values = readAll(file, reader, wanted);
    for (const [key, v] of wanted) tf.tidy(() => v.assign(tf.tensor(values.get(key)!, v.shape)));
  } finally {
    reader.close();
  }
}
