/**
 * PEFT's `target_modules` rule applied to gft's Gemma: which projections (and in which
 * layers) an adapter config adapts. As in PEFT's `check_target_module_exists`: a string is a
 * regular expression that must match a module's whole dotted name (`re.fullmatch`); a list
 * entry matches a name equal to it or ending in `.entry`, and `layers_to_transform` then
 * narrows the suffix matches to those layers. Names are those PEFT sees in a
 * Gemma(2)ForSequenceClassification, the model gft trains (`model.layers.3.self_attn.q_proj`).
 *
 * gft adapts one set of layers for every targeted projection (`targetModules` ×
 * `layersToTransform`), so a selection outside that shape is refused, as is one reaching
 * modules gft's LoRA cannot wrap.
 *
 * Not here: Python-to-JavaScript regex translation (python-regex.ts), the other config fields
 * (peft-config.ts).
 */
import { LINEAR_MODULES, type LinearModule } from '@gft/core';
import { fullMatchRegex } from './python-regex.js';

/** One module of the model as PEFT names it; `linear` when gft's LoRA can wrap it. */
export interface ModuleEntry {
  name: string;
  /** Decoder layer index, for modules inside `model.layers.<i>`. */
  layer?: number;
  linear?: LinearModule;
}

/** The config is read before the model, so layers are enumerated up to this (Gemma: <= 62). */
export const LAYER_BOUND = 128;

const PARENT: Record<LinearModule, string> = {
  q_proj: 'self_attn',
  k_proj: 'self_attn',
  v_proj: 'self_attn',
  o_proj: 'self_attn',
  gate_proj: 'mlp',
  up_proj: 'mlp',
  down_proj: 'mlp',
};
const LAYER_NORMS = [
  'input_layernorm',
  'post_attention_layernorm',
  'pre_feedforward_layernorm',
  'post_feedforward_layernorm',
];

// Every config read asks for LAYER_BOUND layers; building 4,600 entries each time is waste.
let boundNames: readonly ModuleEntry[] | undefined;

/** Every module (not parameter) of gft's model with `numLayers` layers, in named_modules order. */
export function gemmaModuleNames(numLayers: number): readonly ModuleEntry[] {
  if (numLayers === LAYER_BOUND && boundNames) return boundNames;
  const out: ModuleEntry[] = [
    { name: 'model' },
    { name: 'model.embed_tokens' },
    { name: 'model.layers' },
  ];
  for (let layer = 0; layer < numLayers; layer++) {
    const at = `model.layers.${layer}`;
    out.push({ name: at, layer }, { name: `${at}.self_attn`, layer });
    for (const m of LINEAR_MODULES.filter((x) => PARENT[x] === 'self_attn'))
      out.push({ name: `${at}.self_attn.${m}`, layer, linear: m });
    out.push({ name: `${at}.mlp`, layer });
    for (const m of LINEAR_MODULES.filter((x) => PARENT[x] === 'mlp'))
      out.push({ name: `${at}.mlp.${m}`, layer, linear: m });
    out.push({ name: `${at}.mlp.act_fn`, layer });
    for (const norm of LAYER_NORMS) out.push({ name: `${at}.${norm}`, layer });
  }
  out.push({ name: 'model.norm' }, { name: 'model.rotary_emb' }, { name: 'score' });
  if (numLayers === LAYER_BOUND) boundNames = out;
  return out;
}

/**
 * A target_modules gft cannot honour: `value` is what to name (the expression, or the list
 * entries at fault), `reason` what is wrong with it.
 */
export class TargetModulesError extends Error {
  override name = 'TargetModulesError';
  constructor(
    readonly value: string | readonly string[],
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${JSON.stringify(value)} ${reason}`, options);
  }
}

export interface MatchOptions {
  /** PEFT `layers_to_transform`; applies to a list's suffix matches only, as in PEFT. */
  layersToTransform?: readonly number[] | null;
  /** PEFT `modules_to_save`: modules under these are never targeted (PEFT skips them). */
  modulesToSave?: readonly string[];
}

function underModuleToSave(name: string, modulesToSave: readonly string[]): boolean {
  return modulesToSave.some(
    (m) =>
      name === m || name.endsWith(`.${m}`) || name.startsWith(`${m}.`) || name.includes(`.${m}.`),
  );
}

/** Whether list entry `entry` selects `m` (PEFT: equal name, or a suffix within the layers). */
function listEntryMatches(
  entry: string,
  m: ModuleEntry,
  layers: readonly number[] | null,
): boolean {
  if (m.name === entry) return true;
  if (!m.name.endsWith(`.${entry}`)) return false;
  return layers === null || (m.layer !== undefined && layers.includes(m.layer));
}

/** The modules `target` selects among `modules`, by PEFT's rule. */
export function matchTargetModules(
  target: string | readonly string[],
  modules: readonly ModuleEntry[],
  options: MatchOptions = {},
): ModuleEntry[] {
  const save = options.modulesToSave ?? [];
  const candidates = modules.filter((m) => !underModuleToSave(m.name, save));
  if (typeof target === 'string') {
    let re: RegExp;
    try {
      re = fullMatchRegex(target);
    } catch (cause) {
      throw new TargetModulesError(
        target,
        `is not a regular expression gft can run: ${(cause as Error).message} (PEFT reads a string as a Python regular expression)`,
        { cause },
      );
    }
    return candidates.filter((m) => re.test(m.name));
  }
  const layers = options.layersToTransform ?? null;
  return candidates.filter((m) => target.some((entry) => listEntryMatches(entry, m, layers)));
}

/**
 * Names shortened for a message: layer indices become `<i>`, siblings are grouped
 * (`model.layers.<i>.self_attn.{q_proj,k_proj}`), first-seen order.
 */
export function abbreviateModuleNames(names: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const general = name.replace(/\.layers\.\d+(?=\.|$)/, '.layers.<i>');
    const dot = general.lastIndexOf('.');
    const parent = dot < 0 ? '' : general.slice(0, dot + 1);
    const leaf = general.slice(dot + 1);
    const leaves = groups.get(parent) ?? [];
    if (!leaves.includes(leaf)) leaves.push(leaf);
    groups.set(parent, leaves);
  }
  return [...groups]
    .map(([parent, leaves]) =>
      leaves.length === 1 ? `${parent}${leaves[0]}` : `${parent}{${leaves.join(',')}}`,
    )
    .join(', ');
}

/** What gft adapts: these projections in these layers (null: every layer). */
export interface GftTargets {
  targetModules: LinearModule[];
  layersToTransform: number[] | null;
}

/**
 * `target` (PEFT `target_modules`) as gft's targets on a Gemma; throws TargetModulesError when
 * it matches nothing, matches a module gft's LoRA cannot wrap, or picks different layers for
 * different projections. `numLayers` defaults to LAYER_BOUND (the model is not known yet):
 * a selection covering every layer below it is read as every layer.
 */
export function resolveTargetModules(
  target: string | readonly string[],
  options: MatchOptions & { numLayers?: number } = {},
): GftTargets {
  const numLayers = Math.max(
    options.numLayers ?? LAYER_BOUND,
    ...(options.layersToTransform ?? []).map((l) => l + 1),
  );
  const modules = gemmaModuleNames(numLayers);
  // Only an error names them: not worth abbreviating 900 names on every successful read.
  const known = () =>
    `gft's LoRA wraps ${abbreviateModuleNames(modules.filter((m) => m.linear).map((m) => m.name))} (<i>: layer index)`;
  const matched = matchTargetModules(target, modules, options);

  if (typeof target !== 'string') {
    // PEFT ignores an entry that matches nothing; here it is almost always a typo or a
    // module of another architecture, so it is named rather than dropped.
    const layers = options.layersToTransform ?? null;
    const dead = target.filter((t) => !modules.some((m) => listEntryMatches(t, m, layers)));
    if (dead.length > 0) {
      throw new TargetModulesError(
        dead,
        `is not supported: no module of the model is named so or ends so; ${known()}`,
      );
    }
  }
  if (matched.length === 0) {
    const hint =
      typeof target === 'string'
        ? ' (a string is a regular expression that must match a whole module name, as PEFT\'s re.fullmatch does: "q_proj" matches nothing, ".*\\\\.q_proj" matches every q_proj)'
        : '';
    throw new TargetModulesError(target, `matches no module${hint}; ${known()}`);
  }
  const unwrappable = matched.filter((m) => !m.linear).map((m) => m.name);
  if (unwrappable.length > 0) {
    throw new TargetModulesError(
      target,
      `matches ${abbreviateModuleNames(unwrappable)}, which gft's LoRA cannot wrap; ${known()}`,
    );
  }
  const layersOf = new Map<LinearModule, number[]>();
  for (const m of matched) layersOf.set(m.linear!, [...(layersOf.get(m.linear!) ?? []), m.layer!]);
  const shapes = new Map<string, LinearModule[]>();
  for (const [module, layers] of layersOf) {
    const key = layers.length === numLayers ? 'every layer' : `layers ${layers.join(',')}`;
    shapes.set(key, [...(shapes.get(key) ?? []), module]);
  }
  if (shapes.size > 1) {
    const detail = [...shapes].map(([layers, ms]) => `${ms.join(', ')}: ${layers}`).join('; ');
    throw new TargetModulesError(
      target,
      `adapts different layers for different projections (${detail}); gft adapts the same layers for every targeted projection`,
    );
  }
  const [layers] = [...layersOf.values()];
  return {
    targetModules: LINEAR_MODULES.filter((m) => layersOf.has(m)),
    layersToTransform: layers!.length === numLayers ? null : layers!,
  };
}
