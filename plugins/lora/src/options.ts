/**
 * LoRA options as the user writes them, validated into a resolved config. Field names
 * follow gft's camelCase; `peft-config.ts` maps them to PEFT's `adapter_config.json`.
 * Errors name the field and the valid values.
 *
 * Not here: the layer math (lora-linear.ts), the adapter (lora.ts).
 */
import {
  GftError,
  LINEAR_MODULES,
  type LinearModule,
  type LinearSite,
  listChoices,
} from '@gft/core';

export interface LoraOptions {
  /** Rank of the update B·A (PEFT `r`). Default 8. */
  r?: number;
  /** Scale numerator (PEFT `lora_alpha`): scale = alpha / r, or alpha / sqrt(r) with rsLoRA. Default 8. */
  alpha?: number;
  /** Dropout on the LoRA branch input in training steps, in [0, 1). Default 0. */
  dropout?: number;
  /** Projections to adapt: module names or `'all-linear'` (PEFT's spelling). Default all-linear. */
  targetModules?: readonly LinearModule[] | 'all-linear';
  /** Layers to adapt (PEFT `layers_to_transform`); default every layer. */
  layersToTransform?: readonly number[];
  /** rsLoRA: scale = alpha / sqrt(r) (PEFT `use_rslora`). Default false. */
  useRslora?: boolean;
  /** Non-linear modules that train in full and are saved (PEFT `modules_to_save`). Default ['score']. */
  modulesToSave?: readonly string[];
  /** Seed of the A initialisation (per site: this seed mixed with the site name). Default 0. */
  seed?: number;
}

export interface LoraConfig {
  r: number;
  alpha: number;
  dropout: number;
  targetModules: readonly LinearModule[];
  /** True when the user asked for `'all-linear'` (saved as PEFT's `all-linear`). */
  allLinear: boolean;
  layersToTransform: readonly number[] | null;
  useRslora: boolean;
  modulesToSave: readonly string[];
  seed: number;
  /** alpha / r, or alpha / sqrt(r) with rsLoRA. */
  scale: number;
}

function bad(field: string, message: string): GftError {
  return new GftError('BAD_CONFIG', `lora option '${field}': ${message}`, { where: field });
}

export function resolveLoraOptions(options: LoraOptions = {}, plugin = 'lora'): LoraConfig {
  const known = new Set([
    'r',
    'alpha',
    'dropout',
    'targetModules',
    'layersToTransform',
    'useRslora',
    'modulesToSave',
    'seed',
  ]);
  for (const k of Object.keys(options)) {
    if (!known.has(k)) {
      throw new GftError(
        'BAD_CONFIG',
        `${plugin}: unknown option '${k}' (valid: ${listChoices([...known])})`,
        { where: k },
      );
    }
  }
  const r = options.r ?? 8;
  if (!Number.isInteger(r) || r < 1) throw bad('r', `must be a positive integer, got ${r}`);
  const alpha = options.alpha ?? 8;
  if (!Number.isFinite(alpha) || alpha <= 0)
    throw bad('alpha', `must be a positive number, got ${alpha}`);
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw bad('dropout', `must be in [0, 1), got ${dropout}`);
  const tm = options.targetModules ?? 'all-linear';
  let targetModules: readonly LinearModule[];
  if (tm === 'all-linear') targetModules = LINEAR_MODULES;
  else {
    if (!Array.isArray(tm) || tm.length === 0) {
      throw bad(
        'targetModules',
        `must be 'all-linear' or a non-empty list of ${listChoices(LINEAR_MODULES)}`,
      );
    }
    for (const m of tm) {
      if (!(LINEAR_MODULES as readonly string[]).includes(m)) {
        throw bad(
          'targetModules',
          `unknown module '${m}' (valid: all-linear, ${listChoices(LINEAR_MODULES)})`,
        );
      }
    }
    targetModules = [...new Set(tm)].sort();
  }
  let layersToTransform: readonly number[] | null = null;
  if (options.layersToTransform !== undefined) {
    const l = options.layersToTransform;
    if (!Array.isArray(l) || l.length === 0 || !l.every((x) => Number.isInteger(x) && x >= 0)) {
      throw bad('layersToTransform', 'must be a non-empty list of layer indices (integers >= 0)');
    }
    layersToTransform = [...new Set(l)].sort((a, b) => a - b);
  }
  const useRslora = options.useRslora ?? false;
  if (typeof useRslora !== 'boolean') throw bad('useRslora', `must be a boolean, got ${useRslora}`);
  const modulesToSave = options.modulesToSave ?? ['score'];
  if (!Array.isArray(modulesToSave) || !modulesToSave.every((m) => typeof m === 'string')) {
    throw bad('modulesToSave', 'must be a list of module names, e.g. ["score"]');
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw bad('seed', `must be an integer, got ${seed}`);
  return {
    r,
    alpha,
    dropout,
    targetModules,
    allLinear: tm === 'all-linear',
    layersToTransform,
    useRslora,
    modulesToSave,
    seed,
    scale: useRslora ? alpha / Math.sqrt(r) : alpha / r,
  };
}

/** Whether LoRA adapts this site under `config`. */
export function targetsSite(config: LoraConfig, site: LinearSite): boolean {
  if (!config.targetModules.includes(site.module)) return false;
  return config.layersToTransform === null || config.layersToTransform.includes(site.layer);
}
