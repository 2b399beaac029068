/**
 * The parameters a config implies: every checkpoint tensor with its shape and role, the
 * linear sites handed to the adapter, and the parameter count. Not the loading (checkpoint.ts).
 */
import type { LinearModule, LinearSite, ModelInventory, ParamRole } from '@gft/core';
import type { GemmaConfig } from './config.js';
import type { HeadSpec } from './heads.js';

export const EMBED_KEY = 'model.embed_tokens.weight';
export const FINAL_NORM_KEY = 'model.norm.weight';
export const SCORE_KEY = 'score.weight';

/** Norms of one layer, in the order HF names them. */
export function layerNormNames(config: GemmaConfig): string[] {
  return config.family === 'gemma2'
    ? [
        'input_layernorm',
        'post_attention_layernorm',
        'pre_feedforward_layernorm',
        'post_feedforward_layernorm',
      ]
    : ['input_layernorm', 'post_attention_layernorm'];
}

/** Every linear projection of the model, layer by layer (q, k, v, o, gate, up, down). */
export function linearSites(config: GemmaConfig): LinearSite[] {
  const { hiddenSize: d, numHeads: h, numKvHeads: kv, headDim: hd, intermediateSize: f } = config;
  const shapes: Array<[LinearModule, string, number, number]> = [
    ['q_proj', 'self_attn', d, h * hd],
    ['k_proj', 'self_attn', d, kv * hd],
    ['v_proj', 'self_attn', d, kv * hd],
    ['o_proj', 'self_attn', h * hd, d],
    ['gate_proj', 'mlp', d, f],
    ['up_proj', 'mlp', d, f],
    ['down_proj', 'mlp', f, d],
  ];
  const sites: LinearSite[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const [module, parent, inFeatures, outFeatures] of shapes) {
      sites.push({
        name: `model.layers.${layer}.${parent}.${module}`,
        layer,
        module,
        inFeatures,
        outFeatures,
      });
    }
  }
  return sites;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  role: ParamRole | 'linear';
  /** Layer index, or -1 for embeddings / final norm / head. */
  layer: number;
}

/** Every tensor of a checkpoint for this config; `withScore` adds the classification head. */
export function paramSpecs(config: GemmaConfig, withScore: boolean): ParamSpec[] {
  const d = config.hiddenSize;
  const specs: ParamSpec[] = [
    { name: EMBED_KEY, shape: [config.vocabSize, d], role: 'embedding', layer: -1 },
  ];
  const sites = linearSites(config);
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const norm of layerNormNames(config)) {
      specs.push({ name: `model.layers.${layer}.${norm}.weight`, shape: [d], role: 'norm', layer });
    }
    for (const s of sites.filter((x) => x.layer === layer)) {
      specs.push({
        name: `${s.name}.weight`,
        shape: [s.outFeatures, s.inFeatures],
        role: 'linear',
        layer,
      });
    }
  }
  specs.push({ name: FINAL_NORM_KEY, shape: [d], role: 'norm', layer: -1 });
  if (withScore)
    specs.push({ name: SCORE_KEY, shape: [config.numLabels, d], role: 'head', layer: -1 });
  return specs;
}

/** Parameters of the causal-LM model (tied embeddings, no score head): the published size. */
export function countParams(config: GemmaConfig): number {
  let n = 0;
  for (const s of paramSpecs(config, false)) n += s.shape.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * Sizes of everything the model holds, in the form core's `predictMemory` takes: the linear
 * sites (the adapter decides their cost) and the rest. The verdict head reads the tied
 * embedding, so it holds no `score` matrix.
 */
export function modelInventory(
  config: GemmaConfig,
  options: { head?: HeadSpec['kind'] } = {},
): ModelInventory {
  return {
    linears: linearSites(config),
    params: paramSpecs(config, (options.head ?? 'classification') === 'classification')
      .filter((p) => p.role !== 'linear')
      .map((p) => ({
        name: p.name,
        role: p.role as ParamRole,
        numel: p.shape.reduce((a, b) => a * b, 1),
      })),
  };
}
