/**
 * Writes a model back as a Hugging Face directory (`config.json` + `model.safetensors`, F32):
 * what full fine-tuning produces. Every projection must expose its dense weight as a
 * trainable `weight` (full-ft); other techniques save their own format (`adapter.save`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { type TensorInputs, writeSafetensors } from '@gft/safetensors';
import { configToHf } from './config.js';
import type { GemmaModel } from './model.js';

export async function saveGemma(model: GemmaModel, dir: string): Promise<void> {
  const tensors: TensorInputs = {};
  for (const [name, t] of model.params) {
    tensors[name] = { dtype: 'F32', shape: t.shape, data: (await t.data()) as Float32Array };
  }
  for (const [site, lin] of model.linears) {
    const w = lin.trainable.weight;
    if (!w) {
      throw new GftError(
        'BAD_INPUT',
        `cannot save a full model: projection '${site}' has no dense 'weight' under the '${model.adapter.name}' technique (save the adapter with adapter.save instead)`,
        { where: site },
      );
    }
    tensors[`${site}.weight`] = {
      dtype: 'F32',
      shape: w.shape,
      data: (await w.data()) as Float32Array,
    };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(configToHf(model.config), null, 2)}\n`);
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
}
