/**
 * PEFT's `adapter_config.json` for LoRA: written with the fields PEFT itself writes (so
 * `PeftModel.from_pretrained` accepts it) and read back into gft options. Reading checks
 * every field it uses: a wrong type, an impossible value or a setting this plugin does not
 * implement is BAD_CONFIG naming the file and field.
 *
 * Not here: tensors (peft-io.ts).
 */
import { GftError, LINEAR_MODULES, type LinearModule, listChoices } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';
import type { LoraConfig, LoraOptions } from './options.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

export type PeftLoraConfig = Record<string, unknown> & {
  peft_type: 'LORA';
  r: number;
  lora_alpha: number;
};

/** The config PEFT would write for `config` (variant fields merged last). */
export function toPeftConfig(
  config: LoraConfig,
  baseModel: string | undefined,
  variantFields: Readonly<Record<string, unknown>> = {},
): PeftLoraConfig {
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseModel ?? null,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: config.layersToTransform ? [...config.layersToTransform] : null,
    loftq_config: {},
    lora_alpha: config.alpha,
    lora_dropout: config.dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: config.modulesToSave.length > 0 ? [...config.modulesToSave] : null,
    peft_type: 'LORA',
    r: config.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...config.targetModules].sort(),
    task_type: 'SEQ_CLS',
    use_dora: false,
    use_rslora: config.useRslora,
    ...variantFields,
  };
}

function fieldError(file: string, field: string, message: string): GftError {
  return new GftError('BAD_CONFIG', `${file}: '${field}' ${message}`, {
    where: `${file}#${field}`,
  });
}

function unsupported(file: string, field: string, value: unknown, valid: string): GftError {
  return fieldError(file, field, `= ${jsonPreview(value)} is not supported (supported: ${valid})`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Field reads of an untrusted adapter_config.json: a wrong type or an impossible value is
 * an error naming the file and field, never a value passed on to fail later without them.
 */
function fieldsOf(json: Record<string, unknown>, file: string) {
  const get = (field: string): unknown => (Object.hasOwn(json, field) ? json[field] : undefined);
  const unset = (field: string) => get(field) === undefined || get(field) === null;
  const fail = (field: string, mustBe: string): never => {
    const v = get(field);
    throw fieldError(
      file,
      field,
      `must be ${mustBe}, got ${v === undefined ? 'nothing (field absent)' : jsonPreview(v)}`,
    );
  };
  const isLayer = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  return {
    get,
    unset,
    fail,
    isLayer,
    /** Absent, null or one of `allowed`: settings PEFT supports and gft does not. */
    only(field: string, allowed: unknown[], why: string): void {
      const v = get(field);
      if (v === undefined || allowed.includes(v)) return;
      throw unsupported(
        file,
        field,
        v,
        `${allowed.map((a) => JSON.stringify(a)).join(' or ')} (${why})`,
      );
    },
    boolean(field: string, fallback: boolean): boolean {
      if (unset(field)) return fallback;
      const v = get(field);
      return typeof v === 'boolean' ? v : fail(field, 'true or false');
    },
  };
}

/** Reads a PEFT LoRA config into gft options; rejects what would change the math silently. */
export function fromPeftConfig(json: Record<string, unknown>, file: string): LoraOptions {
  if (!isPlainObject(json)) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: must be a JSON object (a PEFT adapter config), got ${jsonPreview(json)}`,
      { where: file },
    );
  }
  const f = fieldsOf(json, file);
  if (f.get('peft_type') !== 'LORA')
    throw unsupported(file, 'peft_type', f.get('peft_type'), 'LORA');
  const bias = f.get('bias');
  if (bias !== undefined && bias !== 'none') throw unsupported(file, 'bias', bias, 'none');
  if (f.get('fan_in_fan_out') === true) throw unsupported(file, 'fan_in_fan_out', true, 'false');
  f.boolean('fan_in_fan_out', false);
  for (const field of ['rank_pattern', 'alpha_pattern'] as const) {
    const v = f.get(field);
    if (f.unset(field) || (isPlainObject(v) && Object.keys(v).length === 0)) continue;
    if (!isPlainObject(v)) f.fail(field, 'an object of per-module overrides ({} here)');
    throw unsupported(file, field, v, '{}');
  }
  // Each of these, when set, changes which weights exist or what the layer computes.
  f.only('layer_replication', [null], 'duplicated layers are not built');
  f.only('lora_bias', [false, null], 'gft LoRA has no bias on lora_B');
  f.only('trainable_token_indices', [null], 'no token-embedding training');
  const exclude = f.get('exclude_modules');
  if (!f.unset('exclude_modules') && !(Array.isArray(exclude) && exclude.length === 0))
    throw unsupported(file, 'exclude_modules', exclude, 'null or []');
  f.boolean('use_dora', false);

  const valid = `all-linear, or a non-empty list of ${listChoices(LINEAR_MODULES)}`;
  let targetModules: LoraOptions['targetModules'];
  const tm = f.get('target_modules');
  if (tm === 'all-linear') targetModules = 'all-linear';
  else if (Array.isArray(tm) && tm.length > 0 && tm.every((m) => typeof m === 'string')) {
    const bad = tm.filter((m) => !(LINEAR_MODULES as readonly string[]).includes(m));
    if (bad.length > 0) throw unsupported(file, 'target_modules', bad, valid);
    targetModules = tm as LinearModule[];
  } else if (typeof tm === 'string') {
    // PEFT reads any other string as a regular expression over module paths.
    throw unsupported(file, 'target_modules', tm, `${valid} (regular expressions are not)`);
  } else return f.fail('target_modules', `a string or a list of strings: ${valid}`);

  const r = f.get('r');
  if (!(typeof r === 'number' && Number.isSafeInteger(r) && r > 0))
    f.fail('r', 'a positive integer');
  const alpha = f.get('lora_alpha');
  if (!(typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0))
    f.fail('lora_alpha', 'a finite number > 0');
  const dropout = f.unset('lora_dropout') ? 0 : f.get('lora_dropout');
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1))
    f.fail('lora_dropout', 'a number in [0, 1)');

  let layersToTransform: number[] | undefined;
  const ltt = f.get('layers_to_transform');
  if (!f.unset('layers_to_transform')) {
    if (f.isLayer(ltt)) layersToTransform = [ltt as number];
    else if (Array.isArray(ltt) && ltt.length > 0 && ltt.every(f.isLayer))
      layersToTransform = ltt as number[];
    else f.fail('layers_to_transform', 'a layer index or a non-empty list of them (integers >= 0)');
  }
  let modulesToSave: string[] = [];
  const mts = f.get('modules_to_save');
  if (!f.unset('modules_to_save')) {
    if (Array.isArray(mts) && mts.every((m) => typeof m === 'string')) modulesToSave = mts;
    else f.fail('modules_to_save', 'a list of module names (strings) or null');
  }
  return {
    r: r as number,
    alpha: alpha as number,
    dropout: dropout as number,
    targetModules,
    layersToTransform,
    useRslora: f.boolean('use_rslora', false),
    modulesToSave,
  };
}
