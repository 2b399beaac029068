/**
 * `qlora(options)`: QLoRA. Frozen projection weights stored as NF4 with double
 * quantisation (bitsandbytes layout, quantised on load or read as stored), LoRA on top,
 * embeddings and norms unquantised and frozen, the score head trained. Same options and
 * PEFT adapter files as `lora`.
 *
 * Not here: the parts (nf4-projection.ts, @gft/plugin-lora).
 */
import { NF4_MATMUL } from '@gft/core';
import {
  createLoraAdapter,
  type LoraAdapter,
  type LoraOptions,
  resolveLoraOptions,
  standardLora,
} from '@gft/plugin-lora';
import { nf4Projection, nf4SiteBytes } from './nf4-projection.js';

export type QloraOptions = LoraOptions;

export function qlora(options: QloraOptions = {}): LoraAdapter {
  return createLoraAdapter({
    name: 'qlora',
    config: resolveLoraOptions(options, 'qlora'),
    base: nf4Projection,
    baseBytes: nf4SiteBytes,
    variant: standardLora,
    requiresKernels: [NF4_MATMUL],
  });
}
