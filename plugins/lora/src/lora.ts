/**
 * `lora(options)`: the LoRA technique plugin. Frozen dense base weights, trainable
 * A and B on the targeted projections, the score head trained in full (modules_to_save),
 * PEFT adapter files.
 *
 * Not here: the parts it is assembled from (lora-adapter.ts and what it imports).
 */
import { denseProjection } from './frozen-projection.js';
import { createLoraAdapter, type LoraAdapter } from './lora-adapter.js';
import { standardLora } from './lora-variant.js';
import { type LoraOptions, resolveLoraOptions } from './options.js';

export function lora(options: LoraOptions = {}): LoraAdapter {
  return createLoraAdapter({
    name: 'lora',
    config: resolveLoraOptions(options, 'lora'),
    base: denseProjection,
    baseBytes: (site) => site.inFeatures * site.outFeatures * 4,
    variant: standardLora,
  });
}
