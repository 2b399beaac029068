/**
 * PEFT's target_modules rule on gft's Gemma names: a string is fullmatch'd against the whole
 * dotted name, a list entry is a name or a `.suffix` (never a regex), layers_to_transform
 * narrows list suffix matches; what gft cannot express or wrap is refused naming it.
 */
import { describe, expect, it } from 'vitest';
import { fullMatchRegex, translatePythonRegex } from './python-regex.js';
import {
  abbreviateModuleNames,
  gemmaModuleNames,
  matchTargetModules,
  resolveTargetModules,
  TargetModulesError,
} from './target-modules.js';

const TWO_LAYERS = gemmaModuleNames(2);
const names = (target: string | string[], options = {}) =>
  matchTargetModules(target, TWO_LAYERS, options).map((m) => m.name);

function refusal(run: () => unknown): TargetModulesError {
  try {
    run();
  } catch (e) {
    if (e instanceof TargetModulesError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('matchTargetModules (PEFT check_target_module_exists)', () => {
  it('a regex selects the whole names it fullmatches', () => {
    expect(names('.*\\.(q_proj|v_proj)$')).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    expect(names('model\\.layers\\.\\d+\\.self_attn\\.(q|k|v|o)_proj')).toEqual(
      [0, 1].flatMap((l) =>
        ['q', 'k', 'v', 'o'].map((p) => `model.layers.${l}.self_attn.${p}_proj`),
      ),
    );
    expect(names('model\\.layers\\.(0|1)\\.self_attn\\.q_proj')).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.1.self_attn.q_proj',
    ]);
  });

  it('a partial match does not count: a string is always matched against the whole name', () => {
    expect(names('q_proj')).toEqual([]);
    expect(names('self_attn\\.q_proj')).toEqual([]);
    expect(names('model\\.layers\\.1')).toEqual(['model.layers.1']);
    // Alternation binds inside the anchors: `a|b` is fullmatch(a) or fullmatch(b).
    expect(names('score|.*\\.0\\.mlp\\.up_proj')).toEqual(['model.layers.0.mlp.up_proj', 'score']);
  });

  it('a list entry is a name or a dotted suffix, never a regex', () => {
    expect(names(['q_.*'])).toEqual([]);
    expect(names(['q_proj'])).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.1.self_attn.q_proj',
    ]);
    expect(names(['mlp.down_proj', 'model.layers.1.self_attn.k_proj'])).toEqual([
      'model.layers.0.mlp.down_proj',
      'model.layers.1.self_attn.k_proj',
      'model.layers.1.mlp.down_proj',
    ]);
    // `_proj` is not a dotted suffix of `q_proj`.
    expect(names(['proj', '_proj'])).toEqual([]);
  });

  it('layers_to_transform narrows a list suffix match, not an exact name (as in PEFT)', () => {
    expect(names(['q_proj'], { layersToTransform: [1] })).toEqual([
      'model.layers.1.self_attn.q_proj',
    ]);
    expect(names(['q_proj', 'model.layers.0.mlp.up_proj'], { layersToTransform: [1] })).toEqual([
      'model.layers.0.mlp.up_proj',
      'model.layers.1.self_attn.q_proj',
    ]);
  });

  it('modules_to_save are never targeted (PEFT skips them)', () => {
    expect(names('score|.*\\.0\\.mlp\\.up_proj', { modulesToSave: ['score'] })).toEqual([
      'model.layers.0.mlp.up_proj',
    ]);
  });
});

describe('resolveTargetModules: PEFT targets as gft targetModules x layersToTransform', () => {
  it('every layer, or the layers the regex names', () => {
    expect(resolveTargetModules('.*\\.(q_proj|v_proj)$')).toEqual({
      targetModules: ['q_proj', 'v_proj'],
      layersToTransform: null,
    });
    expect(resolveTargetModules('model\\.layers\\.(0|1)\\.self_attn\\.q_proj')).toEqual({
      targetModules: ['q_proj'],
      layersToTransform: [0, 1],
    });
    expect(resolveTargetModules('.*(?<!\\.0)\\.mlp\\.(?P<p>down)_proj', { numLayers: 3 })).toEqual({
      targetModules: ['down_proj'],
      layersToTransform: [1, 2],
    });
    expect(resolveTargetModules(['v_proj', 'q_proj'], { layersToTransform: [2, 0] })).toEqual({
      targetModules: ['q_proj', 'v_proj'],
      layersToTransform: [0, 2],
    });
  });

  it('a regex matching nothing names the expression, the full-match rule and gft names', () => {
    const e = refusal(() => resolveTargetModules('q_proj'));
    expect(e.value).toBe('q_proj');
    expect(e.message).toMatch(
      /^"q_proj" matches no module \(a string is a regular expression that must match a whole module name/,
    );
    expect(e.message).toContain(
      "gft's LoRA wraps model.layers.<i>.self_attn.{q_proj,k_proj,v_proj,o_proj}, model.layers.<i>.mlp.{gate_proj,up_proj,down_proj} (<i>: layer index)",
    );
    // A multimodal model's names: gft's text model has no language_model.
    expect(refusal(() => resolveTargetModules('.*language_model.*\\.q_proj')).reason).toMatch(
      /^matches no module/,
    );
  });

  it('a regex reaching modules LoRA cannot wrap names them', () => {
    const e = refusal(() => resolveTargetModules('.*(embed_tokens|q_proj)'));
    expect(e.reason).toMatch(/^matches model\.embed_tokens, which gft's LoRA cannot wrap; /);
    expect(refusal(() => resolveTargetModules('.*\\.self_attn')).reason).toMatch(
      /^matches model\.layers\.<i>\.self_attn, which/,
    );
    expect(refusal(() => resolveTargetModules(['q_proj', 'score'])).reason).toMatch(
      /^matches score, which/,
    );
    // The same head listed in modules_to_save is skipped, not refused.
    expect(
      resolveTargetModules(['q_proj', 'score'], { modulesToSave: ['score'] }).targetModules,
    ).toEqual(['q_proj']);
  });

  it('list entries that name no module are listed', () => {
    const e = refusal(() => resolveTargetModules(['q_proj', 'q_.*', 'qkv']));
    expect(e.value).toEqual(['q_.*', 'qkv']);
    expect(e.reason).toMatch(/^is not supported: no module of the model is named so/);
  });

  it('different layers for different projections cannot be expressed', () => {
    const e = refusal(() =>
      resolveTargetModules('model\\.layers\\.0\\.self_attn\\.q_proj|.*\\.v_proj', { numLayers: 2 }),
    );
    expect(e.reason).toBe(
      'adapts different layers for different projections (q_proj: layers 0; v_proj: every layer); gft adapts the same layers for every targeted projection',
    );
  });

  it('Python-only syntax is refused naming the expression and why', () => {
    for (const [expr, why] of [
      ['(?>x)q_proj', /JavaScript cannot compile it \(Invalid group\)/],
      ['.*q_proj*+', /JavaScript cannot compile it \(Nothing to repeat\)/],
      ['(?i).*Q_PROJ', /JavaScript cannot compile it \(Invalid group\)/],
      ['.*\\Uq_proj', /the escape \\U means something else/],
      ['.*q_proj)|(x', /Unmatched '\)'/],
    ] as const) {
      const e = refusal(() => resolveTargetModules(expr));
      expect(e.value).toBe(expr);
      expect(e.reason).toMatch(/^is not a regular expression gft can run: /);
      expect(e.reason).toMatch(why);
    }
  });
});

describe('translatePythonRegex', () => {
  it('rewrites the Python spellings JavaScript reads differently', () => {
    expect(translatePythonRegex('(?P<n>q|k)_(?P=n)\\Z')).toEqual({ source: '(?<n>q|k)_\\k<n>$' });
    expect(translatePythonRegex('\\Aa{,2}[]x]\\\\Z')).toEqual({ source: '^a{0,2}[\\]x]\\\\Z' });
    const re = fullMatchRegex('(?P<p>q|k)_proj_(?P=p)');
    expect(re.test('q_proj_q')).toBe(true);
    expect(re.test('q_proj_k')).toBe(false);
    expect(fullMatchRegex('a{,2}').test('aa')).toBe(true);
    expect(fullMatchRegex('a{,2}').test('a{,2}')).toBe(false);
    // {,} is {0,} in Python (unbounded), never the literal text.
    expect(fullMatchRegex('a{,}').test('aaaa')).toBe(true);
    expect(fullMatchRegex('a{,}').test('')).toBe(true);
    expect(fullMatchRegex('a{,}').test('a{,}')).toBe(false);
    expect(fullMatchRegex('[]a]+').test(']a]')).toBe(true);
  });
});

describe('abbreviateModuleNames', () => {
  it('collapses layer indices and groups siblings', () => {
    expect(
      abbreviateModuleNames([
        'model.layers.0.self_attn.q_proj',
        'model.layers.0.self_attn.k_proj',
        'model.layers.11.self_attn.q_proj',
        'score',
      ]),
    ).toBe('model.layers.<i>.self_attn.{q_proj,k_proj}, score');
  });
});
