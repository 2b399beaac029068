/** A resolved plugin set: exactly one plugin of each kind, what one run or benchmark cell uses. */
import type { Adapter } from '../adapter.js';
import type { Backend } from '../backend.js';
import type { Collator } from '../collator.js';
import type { Tokenizer } from '../tokenizer.js';

export interface PluginSet {
  tokenizer: Tokenizer;
  collator: Collator;
  adapter: Adapter;
  backend: Backend;
}

export type Plugin = Tokenizer | Collator | Adapter | Backend;

/** `adapter=qlora collator=varlen-packing ...`, for logs and reports. */
export function describePluginSet(set: PluginSet): string {
  return `tokenizer=${set.tokenizer.name} collator=${set.collator.name} adapter=${set.adapter.name} backend=${set.backend.name}`;
}
