/**
 * PEFT's `adapter_config.json` for LoRA: written with the fields PEFT itself writes (so
 * `PeftModel.from_pretrained` accepts it) and read back into gft options, with errors
 * naming the field when a file asks for something this plugin does not do.
 *
 * Not here: tensors (peft-io.ts).
 */
import { GftError, LINEAR_MODULES, type LinearModule, listChoices } from '@gft/core';
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

function unsupported(file: string, field: string, value: unknown, valid: string): GftError {
  return new GftError(
    'BAD_CONFIG',
    `${file}: '${field}' = ${JSON.stringify(value)} is not supported (supported: ${valid})`,
    { where: `${file}#${field}` },
  );
}

/** Reads a PEFT LoRA config into gft options; rejects what would change the math silently. */
export function fromPeftConfig(json: Record<string, unknown>, file: string): LoraOptions {
  if (json.peft_type !== 'LORA') throw unsupported(file, 'peft_type', json.peft_type, 'LORA');
  if (json.bias !== undefined && json.bias !== 'none')
    throw unsupported(file, 'bias', json.bias, 'none');
  if (json.fan_in_fan_out === true) throw unsupported(file, 'fan_in_fan_out', true, 'false');
  for (const field of ['rank_pattern', 'alpha_pattern'] as const) {
    const v = json[field];
    if (v && typeof v === 'object' && Object.keys(v).length > 0)
      throw unsupported(file, field, v, '{}');
  }
  let targetModules: LoraOptions['targetModules'];
  const tm = json.target_modules;
  if (tm === 'all-linear') targetModules = 'all-linear';
  else if (Array.isArray(tm)) {
    const bad = tm.filter((m) => !(LINEAR_MODULES as readonly string[]).includes(m));
    if (bad.length > 0)
      throw unsupported(file, 'target_modules', bad, `all-linear, ${listChoices(LINEAR_MODULES)}`);
    targetModules = tm as LinearModule[];
  } else
    throw unsupported(
      file,
      'target_modules',
      tm,
      `all-linear or a list of ${listChoices(LINEAR_MODULES)}`,
    );
  const ltt = json.layers_to_transform;
  return {
    r: json.r as number,
    alpha: json.lora_alpha as number,
    dropout: (json.lora_dropout as number | undefined) ?? 0,
    targetModules,
    layersToTransform:
      ltt === null || ltt === undefined
        ? undefined
        : typeof ltt === 'number'
          ? [ltt]
          : (ltt as number[]),
    useRslora: (json.use_rslora as boolean | undefined) ?? false,
    modulesToSave: (json.modules_to_save as string[] | null | undefined) ?? [],
  };
}
