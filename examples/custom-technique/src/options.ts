/**
 * DoRA options: a subset of LoRA's (no dropout, layer selection or rsLoRA yet), so the
 * schema is LoRA's with those entries picked, and resolution is LoRA's. Errors name the
 * field and list the valid values, as gft's own techniques do.
 *
 * Not here: the layer math (dora-linear.ts), the files (peft-files.ts).
 */
import type { LinearModule, LinearSite } from '@gft/core';
import { parseConfig } from '@gft/core';
import { loraOptionsSchema, optionErrorStyle, resolveLoraOptions } from '@gft/plugin-lora';
import * as v from 'valibot';

export const doraOptionsSchema = v.strictObject(
  v.pick(loraOptionsSchema, ['r', 'alpha', 'targetModules', 'modulesToSave', 'seed']).entries,
  'an object of options',
);

export type DoraOptions = v.InferOutput<typeof doraOptionsSchema>;

export interface DoraConfig {
  r: number;
  alpha: number;
  /** alpha / r */
  scale: number;
  targetModules: readonly LinearModule[];
  /** True when the user asked for `'all-linear'` (saved in PEFT's spelling). */
  allLinear: boolean;
  modulesToSave: readonly string[];
  seed: number;
}

export function resolveDoraOptions(options: DoraOptions = {}): DoraConfig {
  const given = parseConfig(doraOptionsSchema, options, optionErrorStyle('dora'));
  const { r, alpha, scale, targetModules, allLinear, modulesToSave, seed } = resolveLoraOptions(
    given,
    'dora',
  );
  return { r, alpha, scale, targetModules, allLinear, modulesToSave: [...modulesToSave], seed };
}

/** Whether DoRA adapts this site. */
export function targetsSite(config: DoraConfig, site: LinearSite): boolean {
  return config.targetModules.includes(site.module);
}
