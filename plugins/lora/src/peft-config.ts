/**
 * PEFT's `adapter_config.json` for LoRA: written with the fields PEFT itself writes (so
 * `PeftModel.from_pretrained` accepts it) and read back into gft options. Reading checks
 * every field it uses: a wrong type, an impossible value or a setting this plugin does not
 * implement is BAD_CONFIG naming the file and field (the schema, peftLoraConfigSchema, says
 * what each field read must hold). `target_modules` follows PEFT's matching rule, regular
 * expressions included (target-modules.ts); gft always writes the explicit list.
 *
 * Not here: tensors (peft-io.ts).
 */
import { GftError, LINEAR_MODULES, listChoices, parseConfig } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';
import * as v from 'valibot';
import type { LoraConfig, LoraOptions } from './options.js';
import { resolveTargetModules, TargetModulesError } from './target-modules.js';

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

const POSITIVE_INTEGER = 'a positive integer';
const POSITIVE = 'a finite number > 0';
const DROPOUT = 'a number in [0, 1)';
const BOOLEAN = 'true or false';
const TARGETS = `a string or a list of strings: all-linear, a regular expression over whole module names, or a non-empty list of module names or name suffixes (${listChoices(LINEAR_MODULES)})`;
const LAYERS = 'a layer index or a non-empty list of them (integers >= 0)';
const MODULE_NAMES = 'a list of module names (strings) or null';
const OVERRIDES = 'an object of per-module overrides ({} here)';

const layerIndex = v.pipe(v.number(LAYERS), v.safeInteger(LAYERS), v.minValue(0, LAYERS));
const flag = v.nullish(v.boolean(BOOLEAN));
const overrides = v.nullish(
  v.pipe(
    v.custom<Record<string, unknown>>(
      (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
      OVERRIDES,
    ),
  ),
);

/**
 * The fields of adapter_config.json gft reads, and what each must hold; PEFT writes many
 * more (kept: loose object). null is how PEFT writes "not set".
 */
export const peftLoraConfigSchema = v.looseObject(
  {
    r: v.pipe(
      v.number(POSITIVE_INTEGER),
      v.safeInteger(POSITIVE_INTEGER),
      v.minValue(1, POSITIVE_INTEGER),
    ),
    lora_alpha: v.pipe(v.number(POSITIVE), v.finite(POSITIVE), v.gtValue(0, POSITIVE)),
    lora_dropout: v.nullish(
      v.pipe(v.number(DROPOUT), v.minValue(0, DROPOUT), v.ltValue(1, DROPOUT)),
    ),
    target_modules: v.union(
      [v.string(TARGETS), v.pipe(v.array(v.string(TARGETS), TARGETS), v.minLength(1, TARGETS))],
      TARGETS,
    ),
    layers_to_transform: v.nullish(
      v.union([layerIndex, v.pipe(v.array(layerIndex, LAYERS), v.minLength(1, LAYERS))], LAYERS),
    ),
    modules_to_save: v.nullish(v.array(v.string(MODULE_NAMES), MODULE_NAMES)),
    use_rslora: flag,
    use_dora: flag,
    fan_in_fan_out: flag,
    rank_pattern: overrides,
    alpha_pattern: overrides,
  },
  'a JSON object (a PEFT adapter config)',
);

/** Reads a PEFT LoRA config into gft options; rejects what would change the math silently. */
export function fromPeftConfig(json: Record<string, unknown>, file: string): LoraOptions {
  const style = {
    source: file,
    field: (path: string) => `'${path}'`,
    topLevel: true,
    preview: jsonPreview,
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return parseConfig(peftLoraConfigSchema, json, style);
  }
  // Settings PEFT supports and gft does not come first: they name what to change, where a
  // type error on a field gft would then ignore would not.
  const get = (field: string): unknown => (Object.hasOwn(json, field) ? json[field] : undefined);
  const only = (field: string, allowed: unknown[], why?: string) => {
    const value = get(field);
    if (value === undefined || allowed.some((a) => JSON.stringify(a) === JSON.stringify(value)))
      return;
    const valid = allowed.map((a) => JSON.stringify(a)).join(' or ');
    throw unsupported(file, field, value, why ? `${valid} (${why})` : valid);
  };
  if (get('peft_type') !== 'LORA') throw unsupported(file, 'peft_type', get('peft_type'), 'LORA');
  only('bias', ['none']);
  if (get('fan_in_fan_out') === true) throw unsupported(file, 'fan_in_fan_out', true, 'false');
  for (const field of ['rank_pattern', 'alpha_pattern'] as const) {
    const value = get(field);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (isObject && Object.keys(value).length > 0) throw unsupported(file, field, value, '{}');
  }
  // Each of these, when set, changes which weights exist or what the layer computes.
  only('layer_replication', [null], 'duplicated layers are not built');
  only('lora_bias', [false, null], 'gft LoRA has no bias on lora_B');
  only('trainable_token_indices', [null], 'no token-embedding training');
  only('exclude_modules', [null, []]);
  const config = parseConfig(peftLoraConfigSchema, json, style);

  const tm = config.target_modules;
  const ltt = config.layers_to_transform;
  const layers = ltt === null || ltt === undefined ? null : [ltt].flat();
  let targetModules: LoraOptions['targetModules'] = 'all-linear';
  let layersToTransform = layers ?? undefined;
  if (typeof tm === 'string' && tm !== 'all-linear') {
    // PEFT's LoraConfig refuses these pairs too: a regex already says which layers.
    if (layers !== null)
      throw unsupported(
        file,
        'layers_to_transform',
        ltt,
        'null when target_modules is a regular expression',
      );
    only('layers_pattern', [null], 'target_modules is a regular expression');
  }
  if (tm !== 'all-linear') {
    try {
      const resolved = resolveTargetModules(tm, {
        layersToTransform: layers,
        modulesToSave: config.modules_to_save ?? [],
      });
      targetModules = resolved.targetModules;
      layersToTransform = resolved.layersToTransform ?? undefined;
    } catch (e) {
      if (!(e instanceof TargetModulesError)) throw e;
      throw fieldError(file, 'target_modules', `= ${jsonPreview(e.value)} ${e.reason}`);
    }
  }
  return {
    r: config.r,
    alpha: config.lora_alpha,
    dropout: config.lora_dropout ?? 0,
    targetModules,
    layersToTransform,
    useRslora: config.use_rslora ?? false,
    modulesToSave: config.modules_to_save ?? [],
  };
}
