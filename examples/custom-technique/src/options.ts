/**
 * DoRA options as a user writes them, validated into a resolved config. Errors name the
 * field and list the valid values, as gft's own techniques do.
 *
 * Not here: the layer math (dora-linear.ts), the files (peft-files.ts).
 */
import {
  GftError,
  LINEAR_MODULES,
  type LinearModule,
  type LinearSite,
  listChoices,
} from '@gft/core';

export interface DoraOptions {
  /** Rank of the directional update B·A (PEFT `r`). Default 8. */
  r?: number;
  /** Scale numerator (PEFT `lora_alpha`): scale = alpha / r. Default 8. */
  alpha?: number;
  /** Projections to adapt: module names or `'all-linear'`. Default all-linear. */
  targetModules?: readonly LinearModule[] | 'all-linear';
  /** Non-linear modules that train in full and are saved (PEFT `modules_to_save`). Default ['score']. */
  modulesToSave?: readonly string[];
  /** Seed of the A initialisation (mixed with each site's name). Default 0. */
  seed?: number;
}

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

const FIELDS = ['r', 'alpha', 'targetModules', 'modulesToSave', 'seed'] as const;

function bad(field: string, message: string): GftError {
  return new GftError('BAD_CONFIG', `dora option '${field}': ${message}`, { where: field });
}

export function resolveDoraOptions(options: DoraOptions = {}): DoraConfig {
  for (const k of Object.keys(options)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      throw new GftError(
        'BAD_CONFIG',
        `dora: unknown option '${k}' (valid: ${listChoices(FIELDS)})`,
        { where: k },
      );
    }
  }
  const r = options.r ?? 8;
  if (!Number.isInteger(r) || r < 1) throw bad('r', `must be a positive integer, got ${r}`);
  const alpha = options.alpha ?? 8;
  if (!Number.isFinite(alpha) || alpha <= 0)
    throw bad('alpha', `must be a positive number, got ${alpha}`);
  const tm = options.targetModules ?? 'all-linear';
  let targetModules: readonly LinearModule[];
  if (tm === 'all-linear') targetModules = LINEAR_MODULES;
  else {
    if (!Array.isArray(tm) || tm.length === 0)
      throw bad(
        'targetModules',
        `must be 'all-linear' or a non-empty list of ${listChoices(LINEAR_MODULES)}`,
      );
    const unknown = tm.filter((m) => !(LINEAR_MODULES as readonly string[]).includes(m));
    if (unknown.length > 0) {
      throw bad(
        'targetModules',
        `unknown module '${unknown[0]}' (valid: all-linear, ${listChoices(LINEAR_MODULES)})`,
      );
    }
    targetModules = [...new Set(tm)].sort();
  }
  const modulesToSave = options.modulesToSave ?? ['score'];
  if (!Array.isArray(modulesToSave) || !modulesToSave.every((m) => typeof m === 'string'))
    throw bad('modulesToSave', 'must be a list of module names, e.g. ["score"]');
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw bad('seed', `must be an integer, got ${seed}`);
  return {
    r,
    alpha,
    scale: alpha / r,
    targetModules,
    allLinear: tm === 'all-linear',
    modulesToSave: [...modulesToSave],
    seed,
  };
}

/** Whether DoRA adapts this site. */
export function targetsSite(config: DoraConfig, site: LinearSite): boolean {
  return config.targetModules.includes(site.module);
}
