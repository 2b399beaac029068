/**
 * Checks a weight store against the tensors a config implies, before anything is built:
 * one error naming every missing tensor, every unexpected one and every shape mismatch.
 */
import { GftError } from '@gft/core';
import type { GemmaConfig } from './config.js';
import { paramSpecs } from './params.js';
import type { WeightStore } from './weight-store.js';

export function checkStore(config: GemmaConfig, store: WeightStore, withScore: boolean): void {
  const specs = paramSpecs(config, withScore);
  const have = new Set(store.names());
  const want = new Set(specs.map((s) => s.name));
  const problems: string[] = [];
  for (const s of specs) {
    if (!have.has(s.name)) {
      problems.push(`missing tensor '${s.name}' (expected shape [${s.shape.join(', ')}])`);
      continue;
    }
    const shape = store.shape(s.name);
    if (shape.length !== s.shape.length || shape.some((d, i) => d !== s.shape[i])) {
      problems.push(
        `tensor '${s.name}' has shape [${shape.join(', ')}], the config implies [${s.shape.join(', ')}]`,
      );
    }
  }
  for (const name of have) if (!want.has(name)) problems.push(`unexpected tensor '${name}'`);
  if (problems.length > 0) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${store.label} does not match the ${config.family} config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`,
      { where: store.label },
    );
  }
}
