/**
 * `dora(options)`: DoRA as a gft technique plugin, written the way a third party writes one:
 * a factory returning a plain `Adapter` object, built on @gft/core's public API only.
 * Targeted projections become DoRA layers, the rest stay frozen, the score head trains in
 * full (modules_to_save), and the trained state saves in PEFT's DoRA layout.
 *
 * Not here: the layer (dora-linear.ts), files (peft-files.ts), options (options.ts).
 */
import type { Adapter, ParamRole } from '@gft/core';
import { doraLinear, frozenLinear } from './dora-linear.js';
import { type DoraConfig, type DoraOptions, resolveDoraOptions, targetsSite } from './options.js';
import { loadDora, saveDora } from './peft-files.js';

export interface DoraAdapter extends Adapter {
  readonly config: DoraConfig;
}

/** modules_to_save name of a parameter key: `score.weight` -> `score`. */
function moduleOf(name: string): string {
  return name.endsWith('.weight') || name.endsWith('.bias')
    ? name.slice(0, name.lastIndexOf('.'))
    : name;
}

export function dora(options: DoraOptions = {}): DoraAdapter {
  const config = resolveDoraOptions(options);
  return {
    kind: 'adapter',
    name: 'dora',
    apiVersion: 1,
    config,
    linear: (site, weight) =>
      targetsSite(config, site) ? doraLinear(site, weight, config) : frozenLinear(site, weight),
    trainsParam: (name: string, _role: ParamRole) => config.modulesToSave.includes(moduleOf(name)),
    estimateLinear(site) {
      const { inFeatures: inF, outFeatures: out } = site;
      // A [r, in] + B [out, r] + the magnitude [out]
      const trainableParams = targetsSite(config, site) ? config.r * (inF + out) + out : 0;
      return { frozenBytes: inF * out * 4, trainableParams };
    },
    save: async (dir, state) => saveDora(dir, state, config),
    load: async (dir, state) => loadDora(dir, state, config),
  };
}
