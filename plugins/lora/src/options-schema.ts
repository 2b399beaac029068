/**
 * The schema of LoRA options as a user writes them (`lora({ ... })`, `--adapterOptions`):
 * which fields exist and what each must hold. Defaults and derived values are
 * resolveLoraOptions' (options.ts); techniques with a subset of these options (the DoRA
 * example) pick their entries from here.
 */
import { LINEAR_MODULES, type LinearModule, listChoices, type SchemaErrorStyle } from '@gft/core';
import * as v from 'valibot';

const POSITIVE_INTEGER = 'a positive integer';
const isLinearModule = (m: string): m is LinearModule =>
  (LINEAR_MODULES as readonly string[]).includes(m);
const TARGET_MODULES = `'all-linear' or a non-empty list of ${listChoices(LINEAR_MODULES)}`;
const LAYERS = 'a non-empty list of layer indices (integers >= 0)';
const MODULE_NAMES = 'a list of module names, e.g. ["score"]';

export const loraOptionsSchema = v.strictObject(
  {
    // Rank of the update B·A (PEFT `r`). Default 8.
    r: v.optional(
      v.pipe(
        v.number(POSITIVE_INTEGER),
        v.safeInteger(POSITIVE_INTEGER),
        v.minValue(1, POSITIVE_INTEGER),
      ),
    ),
    // Scale numerator (PEFT `lora_alpha`): scale = alpha / r, or alpha / sqrt(r) with rsLoRA. Default 8.
    alpha: v.optional(
      v.pipe(
        v.number('a positive number'),
        v.finite('a positive number'),
        v.gtValue(0, 'a positive number'),
      ),
    ),
    // Dropout on the LoRA branch input in training steps, in [0, 1). Default 0.
    dropout: v.optional(
      v.pipe(v.number('in [0, 1)'), v.minValue(0, 'in [0, 1)'), v.ltValue(1, 'in [0, 1)')),
    ),
    // Projections to adapt: module names or `'all-linear'` (PEFT's spelling). Default all-linear.
    targetModules: v.optional(
      v.pipe(
        v.union(
          [
            v.literal('all-linear'),
            v.pipe(
              v.array(v.string(TARGET_MODULES), TARGET_MODULES),
              v.minLength(1, TARGET_MODULES),
            ),
          ],
          TARGET_MODULES,
        ),
        v.check(
          (tm) => tm === 'all-linear' || tm.every(isLinearModule),
          (issue) =>
            `${TARGET_MODULES}: unknown module '${(issue.input as string[]).find((m) => !isLinearModule(m))}' (valid: all-linear, ${listChoices(LINEAR_MODULES)})`,
        ),
        v.transform((tm) => tm as 'all-linear' | readonly LinearModule[]),
      ),
    ),
    // Layers to adapt (PEFT `layers_to_transform`); default every layer.
    layersToTransform: v.optional(
      v.pipe(
        v.array(v.pipe(v.number(LAYERS), v.safeInteger(LAYERS), v.minValue(0, LAYERS)), LAYERS),
        v.minLength(1, LAYERS),
        v.readonly(),
      ),
    ),
    // rsLoRA: scale = alpha / sqrt(r) (PEFT `use_rslora`). Default false.
    useRslora: v.optional(v.boolean('a boolean')),
    // Non-linear modules that train in full and are saved (PEFT `modules_to_save`). Default ['score'].
    modulesToSave: v.optional(v.pipe(v.array(v.string(MODULE_NAMES), MODULE_NAMES), v.readonly())),
    // Seed of the A initialisation (per site: this seed mixed with the site name). Default 0.
    seed: v.optional(v.pipe(v.number('an integer'), v.safeInteger('an integer'))),
  },
  'an object of options',
);

/** LoRA options as the user writes them; every field optional. */
export type LoraOptions = v.InferOutput<typeof loraOptionsSchema>;

/**
 * How a technique's option errors read: `lora: option 'r' must be a positive integer,
 * got 0`, where = the option's path; unknown options list the valid ones.
 */
export function optionErrorStyle(plugin: string): SchemaErrorStyle {
  return {
    source: plugin,
    field: (path) => `option '${path}'`,
    where: (path) => path,
    unknownKey: (key, known, closest) =>
      `unknown option '${key}' (valid: ${listChoices(known)})${closest ? `; did you mean '${closest}'?` : ''}`,
  };
}
