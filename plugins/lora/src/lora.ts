/**
 * `lora(options)`: the LoRA technique plugin. Frozen base weights (float32, or bfloat16 with
 * `baseDtype: 'bfloat16'`, computed in float32 either way), trainable A and B on the targeted
 * projections, the score head trained in full (modules_to_save), PEFT adapter files.
 * `loraBf16(options)` is the bf16-base form under its own plugin name (`lora-bf16`), so a
 * benchmark can cross it with the others.
 *
 * Not here: the parts it is assembled from (lora-adapter.ts and what it imports).
 */
import { GftError, listChoices } from '@gft/core';
import { bf16Projection, bf16SiteBytes } from './bf16-projection.js';
import { denseProjection } from './frozen-projection.js';
import { createLoraAdapter, type LoraAdapter } from './lora-adapter.js';
import { standardLora } from './lora-variant.js';
import { type LoraOptions, resolveLoraOptions } from './options.js';

/** How the frozen base is stored (it is always computed in float32). */
export type BaseDtype = 'float32' | 'bfloat16';
const BASE_DTYPES: readonly BaseDtype[] = ['float32', 'bfloat16'];

export interface LoraPluginOptions extends LoraOptions {
  /** Storage of the frozen base weights; default float32. */
  baseDtype?: BaseDtype;
}

export function lora(options: LoraPluginOptions = {}): LoraAdapter {
  const { baseDtype = 'float32', ...rest } = options;
  if (!BASE_DTYPES.includes(baseDtype)) {
    throw new GftError(
      'BAD_CONFIG',
      `lora option 'baseDtype': must be one of ${listChoices(BASE_DTYPES)}, got ${JSON.stringify(baseDtype)}`,
      { where: 'baseDtype' },
    );
  }
  const bf16 = baseDtype === 'bfloat16';
  const name = bf16 ? 'lora-bf16' : 'lora';
  return createLoraAdapter({
    name,
    config: resolveLoraOptions(rest, name),
    base: bf16 ? bf16Projection : denseProjection,
    baseBytes: bf16 ? bf16SiteBytes : (site) => site.inFeatures * site.outFeatures * 4,
    variant: standardLora,
  });
}

/** LoRA over a bfloat16 base (`lora({ ...options, baseDtype: 'bfloat16' })`). */
export function loraBf16(options: LoraOptions = {}): LoraAdapter {
  return lora({ ...options, baseDtype: 'bfloat16' });
}
