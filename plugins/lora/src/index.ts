/**
 * @gft/plugin-lora: LoRA for gft (PEFT semantics and adapter files), plus the parts other
 * LoRA-family techniques reuse: frozen-base factories, variant strategies, PEFT IO.
 */

export { bf16MatMulGeneric, registerBf16MatMulGeneric } from './bf16-matmul.js';
export { bf16Projection, bf16SiteBytes } from './bf16-projection.js';
export { bf16Table, packBf16, widenBf16 } from './bf16-words.js';
export {
  denseProjection,
  type FrozenBaseFactory,
  type FrozenProjection,
  readDense,
} from './frozen-projection.js';
export { type BaseDtype, type LoraPluginOptions, lora, loraBf16 } from './lora.js';
export {
  createLoraAdapter,
  type LoraAdapter,
  type LoraAdapterParts,
  loraOptionsFromPeft,
} from './lora-adapter.js';
export { frozenLinear, isLoraLinear, type LoraLinear, loraLinear } from './lora-linear.js';
export {
  deltaWeight,
  type LoraLayerContext,
  type LoraVariant,
  standardLora,
} from './lora-variant.js';
export { type LoraConfig, type LoraOptions, resolveLoraOptions, targetsSite } from './options.js';
export { loraOptionsSchema, optionErrorStyle } from './options-schema.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  fromPeftConfig,
  type PeftLoraConfig,
  toPeftConfig,
} from './peft-config.js';
export {
  loadPeftTensors,
  PEFT_PREFIX,
  peftTensors,
  readPeftConfig,
  savePeftAdapter,
} from './peft-io.js';
export { kaimingUniformA } from './seeded-random.js';
