/**
 * LoRA options as the user writes them (options-schema.ts), resolved into a config:
 * defaults filled, lists sorted, the scale derived. Field names follow gft's camelCase;
 * `peft-config.ts` maps them to PEFT's `adapter_config.json`.
 *
 * Not here: the layer math (lora-linear.ts), the adapter (lora.ts).
 */
import { LINEAR_MODULES, type LinearModule, type LinearSite, parseConfig } from '@gft/core';
import { type LoraOptions, loraOptionsSchema, optionErrorStyle } from './options-schema.js';

export type { LoraOptions } from './options-schema.js';

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

export function resolveLoraOptions(options: LoraOptions = {}, plugin = 'lora'): LoraConfig {
  const given = parseConfig(loraOptionsSchema, options, optionErrorStyle(plugin));
  const r = given.r ?? 8;
  const alpha = given.alpha ?? 8;
  const dropout = given.dropout ?? 0;
  const tm = given.targetModules ?? 'all-linear';
  const targetModules = tm === 'all-linear' ? LINEAR_MODULES : [...new Set(tm)].sort();
  const layersToTransform = given.layersToTransform
    ? [...new Set(given.layersToTransform)].sort((a, b) => a - b)
    : null;
  const useRslora = given.useRslora ?? false;
  const modulesToSave = given.modulesToSave ?? ['score'];
  const seed = given.seed ?? 0;
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
