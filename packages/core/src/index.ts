/**
 * @gft/core: plugin contracts, plugin-set resolution, the fused-kernel registry, the
 * built-in plugins (padding collator, cpu and wasm backends, Hugging Face tokenizer) and the
 * runner. Importing it registers no tfjs backend: each loads when its plugin's `setup()` runs.
 */

// Checkpoint files are part of the public API so third-party techniques can save and load
// their state in the safetensors format without depending on another package.
export {
  openCheckpoint,
  openSafetensors,
  type SafetensorsDtype,
  type TensorInfo,
  type TensorReader,
  writeSafetensors,
} from '@gft/safetensors';
export * from './adapter.js';
export * from './backend.js';
export * from './backends/cpu/index.js';
export * from './backends/wasm/index.js';
export * from './collator.js';
export { type GroupCost, groupUnderBudget } from './collators/grouping.js';
export { packingStats } from './collators/packing-stats.js';
export {
  checkBudget,
  type PaddingCollatorOptions,
  paddedMicroBatch,
  paddingCollator,
} from './collators/padding.js';
export { closestName } from './errors/closest-name.js';
export { GftError, type GftErrorCode, listChoices } from './errors/gft-error.js';
export { parseConfig, type SchemaErrorStyle, schemaError } from './errors/schema-error.js';
export * from './events.js';
export * from './kernels/index.js';
export * from './memory.js';
export * from './micro-batch.js';
export * from './plugin.js';
export { discoverPlugins, type GftPackageField, pluginEntriesOf } from './plugin-set/discover.js';
export { describePluginSet, type Plugin, type PluginSet } from './plugin-set/plugin-set.js';
export {
  createPluginRegistry,
  type PluginEntry,
  type PluginFactory,
  type PluginRegistry,
} from './plugin-set/registry.js';
export { type ResolveOptions, resolvePluginSet } from './plugin-set/resolve.js';
export * from './runner/index.js';
export {
  hashString,
  normalArray,
  type SeededRandom,
  seededRandom,
  shuffledIndices,
} from './seeded-random.js';
export { type Tensor, tf, type Variable } from './tf.js';
export * from './tokenizer.js';
export type { HfBpeSnapshot } from './tokenizers/hf-bpe-snapshot.js';
export { type HfTokenizerOptions, hfTokenizer } from './tokenizers/hf-tokenizer.js';
