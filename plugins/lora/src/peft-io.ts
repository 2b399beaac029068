/**
 * Saving and loading adapters in PEFT's directory layout: `adapter_config.json` plus
 * `adapter_model.safetensors` with keys `base_model.model.<site>.<key>` for the LoRA
 * tensors (e.g. `...q_proj.lora_A.weight`, DoRA's `...q_proj.lora_magnitude_vector`) and
 * `base_model.model.<param>` for modules_to_save (e.g. `base_model.model.score.weight`).
 *
 * Not here: config field mapping (peft-config.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AdapterState, GftError, tf } from '@gft/core';
import {
  isFloatDtype,
  jsonPreview,
  openSafetensors,
  requireFinite,
  type TensorInputs,
  writeSafetensors,
} from '@gft/safetensors';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from './peft-config.js';

export const PEFT_PREFIX = 'base_model.model.';

/** PEFT key of every tensor the state trains. */
export function peftTensors(state: AdapterState): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [site, linear] of state.linears) {
    for (const [key, v] of Object.entries(linear.trainable))
      out.set(`${PEFT_PREFIX}${site}.${key}`, v);
  }
  for (const [name, v] of state.params) out.set(`${PEFT_PREFIX}${name}`, v);
  return out;
}

/** Writes `config` and the state's trainable tensors (float32) into `dir`. */
export function savePeftAdapter(
  dir: string,
  state: AdapterState,
  config: Record<string, unknown>,
): void {
  mkdirSync(dir, { recursive: true });
  const tensors: TensorInputs = {};
  for (const [key, v] of peftTensors(state)) {
    tensors[key] = { dtype: 'F32', shape: [...v.shape], data: Float32Array.from(v.dataSync()) };
  }
  writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads `adapter_config.json` from a PEFT adapter directory. */
export function readPeftConfig(dir: string): Record<string, unknown> {
  const file = join(dir, ADAPTER_CONFIG_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file}: cannot read the adapter config (${(cause as Error).message})`,
      { cause, where: file },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file}: the adapter config must be a JSON object, got ${jsonPreview(json)}`,
      { where: file },
    );
  }
  return json as Record<string, unknown>;
}

/**
 * Assigns every tensor of the adapter file to the state's variables. Each variable must
 * be found and every file tensor used, with matching shapes, a float dtype and finite
 * values; otherwise nothing changes and the error names the file and tensor.
 */
export function loadPeftTensors(dir: string, state: AdapterState): void {
  const file = join(dir, ADAPTER_WEIGHTS_FILE);
  const reader = openSafetensors(file);
  try {
    const wanted = peftTensors(state);
    const missing = [...wanted.keys()].filter((k) => !reader.has(k));
    if (missing.length > 0) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${file}: missing ${missing.length} tensor(s) the adapter trains, e.g. '${missing[0]}'`,
        { where: `${file}#${missing[0]}` },
      );
    }
    const unused = reader.names().filter((k) => !wanted.has(k));
    if (unused.length > 0) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${file}: tensor '${unused[0]}' (and ${unused.length - 1} more) matches no adapted site or trained parameter of this model/adapter`,
        { where: `${file}#${unused[0]}` },
      );
    }
    const values = new Map<string, Float32Array>();
    for (const [key, v] of wanted) {
      const info = reader.info(key);
      if (info.shape.join(',') !== v.shape.join(',')) {
        throw new GftError(
          'BAD_CHECKPOINT',
          `${file}: tensor '${key}' has shape [${info.shape}], the adapter expects [${v.shape}]`,
          { where: `${file}#${key}` },
        );
      }
      if (!isFloatDtype(info.dtype)) {
        throw new GftError(
          'BAD_CHECKPOINT',
          `${file}: tensor '${key}' has dtype ${info.dtype}; adapter weights must be F32, BF16, F16 or F64`,
          { where: `${file}#${key}` },
        );
      }
      // A NaN here would make every prediction NaN once the adapter is applied.
      const decoded = reader.readF32(key);
      requireFinite(decoded, info);
      values.set(key, decoded);
    }
    for (const [key, v] of wanted) {
      const t = tf.tensor(values.get(key)!, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  } finally {
    reader.close();
  }
}
