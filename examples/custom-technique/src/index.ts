/**
 * @gft-example/dora: DoRA (weight-decomposed LoRA) as a third-party gft technique, built on
 * @gft/core's public API only. `dora(options)` is the plugin factory the package.json `gft`
 * field announces.
 */

/** PEFT's LoRA A init, which DoRA shares. */
export { kaimingUniformA as kaimingUniform } from '@gft/plugin-lora';
export { type DoraAdapter, dora } from './dora.js';
export { DORA_KEYS, type DoraLinear, doraLinear, frozenLinear } from './dora-linear.js';
export { type DoraConfig, type DoraOptions, resolveDoraOptions, targetsSite } from './options.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  loadDora,
  PEFT_PREFIX,
  peftConfig,
  peftKeys,
  saveDora,
} from './peft-files.js';
