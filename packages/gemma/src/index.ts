/**
 * @gft/gemma: Gemma (v1) and Gemma-2 on tfjs with Hugging Face semantics: config and
 * presets, the model (forward, heads, loss), the training step (optionally checkpointed),
 * and Hugging Face checkpoint loading / saving.
 */

export {
  type ActivationMemory,
  type ActivationOptions,
  type ActivationProfile,
  activationMemory,
} from './activation-memory.js';
export { type BatchContext, buildContext } from './batch-context.js';
export { checkStore } from './check-store.js';
export {
  type LoadGemmaOptions,
  loadGemma,
  readerWeightStore,
  readGemmaConfig,
} from './checkpoint-load.js';
export { saveGemma } from './checkpoint-save.js';
export {
  type AttentionKind,
  attentionScale,
  configFromHf,
  configToHf,
  type GemmaConfig,
  type GemmaFamily,
  layerAttention,
  validateConfig,
} from './config.js';
export { gemmaConfigSchema } from './config-schema.js';
export { decoderLayer, type LayerWeights } from './decoder-layer.js';
export { type ForwardMode, linearOptions } from './forward-mode.js';
export { type HeadSpec, headLogits, lmLogits, softLabelCrossEntropy } from './heads.js';
export { type GemmaForward, GemmaModel, type GemmaModelOptions } from './model.js';
export {
  countParams,
  EMBED_KEY,
  FINAL_NORM_KEY,
  layerNormNames,
  linearSites,
  modelInventory,
  type ParamSpec,
  paramSpecs,
  SCORE_KEY,
} from './params.js';
export { PRESETS, type PresetName, preset } from './presets.js';
export { type RandomInitOptions, randomWeights, seededNormal } from './random-init.js';
export { applyRope, fullRopeTable, ropeTables, rotateHalfMatrix } from './rope.js';
export {
  type TrainStepOptions,
  type TrainStepResult,
  type TrainStepTensors,
  trainStep,
  trainStepAsync,
  trainStepTensors,
} from './train-step.js';
export { gemmaTrainableModel } from './trainable-model.js';
export { readDense, type WeightStore } from './weight-store.js';
