/**
 * Builds a LoRA-family adapter plugin from its parts: resolved options, a frozen-base
 * factory (dense for LoRA, NF4 for QLoRA), a variant strategy (plain LoRA, ...) and a
 * base-size estimator. `lora()` and `qlora()` are thin calls of this.
 *
 * Not here: layer math (lora-linear.ts, lora-variant.ts), file formats (peft-io.ts).
 */
import type { Adapter, AdapterState, LinearSite, ParamRole } from '@gft/core';
import { GftError } from '@gft/core';
import type { FrozenBaseFactory } from './frozen-projection.js';
import { frozenLinear, isLoraLinear, loraLinear } from './lora-linear.js';
import type { LoraVariant } from './lora-variant.js';
import { type LoraConfig, resolveLoraOptions, targetsSite } from './options.js';
import { fromPeftConfig, toPeftConfig } from './peft-config.js';
import { loadPeftTensors, readPeftConfig, savePeftAdapter } from './peft-io.js';

export interface LoraAdapterParts {
  name: string;
  config: LoraConfig;
  base: FrozenBaseFactory;
  /** Frozen bytes of one site's base, without building it. */
  baseBytes(site: LinearSite): number;
  variant: LoraVariant;
  requiresKernels?: readonly string[];
}

/** A LoRA-family adapter: also exposes its config and a merged-weights export. */
export interface LoraAdapter extends Adapter {
  readonly config: LoraConfig;
  readonly variant: LoraVariant;
  /** W + scale · B·A per adapted site ([out, in] row-major), for export without LoRA. */
  mergedWeights(state: AdapterState): Map<string, Float32Array>;
}

/** modules_to_save name of a parameter key: `score.weight` -> `score`. */
function moduleOf(name: string): string {
  return name.endsWith('.weight') || name.endsWith('.bias')
    ? name.slice(0, name.lastIndexOf('.'))
    : name;
}

export function createLoraAdapter(parts: LoraAdapterParts): LoraAdapter {
  const { config, variant } = parts;
  return {
    kind: 'adapter',
    name: parts.name,
    config,
    variant,
    requiresKernels: parts.requiresKernels,
    linear(site, weight) {
      const base = parts.base(site, weight);
      return targetsSite(config, site)
        ? loraLinear(site, base, config, variant)
        : frozenLinear(base);
    },
    trainsParam(name: string, _role: ParamRole) {
      return config.modulesToSave.includes(moduleOf(name));
    },
    estimateLinear(site) {
      const trainableParams = targetsSite(config, site)
        ? config.r * (site.inFeatures + site.outFeatures) +
          (variant.name === 'lora' ? 0 : site.outFeatures)
        : 0;
      return { frozenBytes: parts.baseBytes(site), trainableParams };
    },
    async save(dir, state) {
      savePeftAdapter(dir, state, toPeftConfig(config, state.baseModel, variant.peftConfig));
    },
    async load(dir, state) {
      const file = readPeftConfig(dir);
      const theirs = resolveLoraOptions(fromPeftConfig(file, `${dir}/adapter_config.json`));
      for (const field of ['r', 'scale'] as const) {
        if (theirs[field] !== config[field]) {
          throw new GftError(
            'BAD_CONFIG',
            `${dir}: adapter ${field} ${theirs[field]} differs from this ${parts.name} adapter's ${config[field]}; build it with loraOptionsFromPeft(dir)`,
            { where: `${dir}/adapter_config.json#${field}` },
          );
        }
      }
      const useDora = file.use_dora === true;
      if (useDora !== (variant.peftConfig?.use_dora === true)) {
        throw new GftError(
          'BAD_CONFIG',
          `${dir}: use_dora is ${useDora} but this adapter's variant is '${variant.name}'`,
          { where: `${dir}/adapter_config.json#use_dora` },
        );
      }
      loadPeftTensors(dir, state);
    },
    mergedWeights(state) {
      const out = new Map<string, Float32Array>();
      for (const [site, linear] of state.linears)
        if (isLoraLinear(linear)) out.set(site, linear.merged());
      return out;
    },
  };
}

/** The gft options a PEFT adapter directory was trained with (to build a matching adapter). */
export function loraOptionsFromPeft(dir: string) {
  return fromPeftConfig(readPeftConfig(dir), `${dir}/adapter_config.json`);
}
