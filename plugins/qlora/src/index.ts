/**
 * @gft/plugin-qlora: QLoRA for gft. NF4 with double quantisation exactly as bitsandbytes
 * stores it, the generic NF4 matmul kernel, bitsandbytes 4-bit checkpoint reading.
 */

/**
 * The Gemma model, so `pnpm add @gft/core @gft/plugin-qlora` is enough for a fine-tune
 * (pnpm links only direct dependencies): `gemma.GemmaModel`, `gemma.loadGemma`, ...
 */
export * as gemma from '@gft/gemma';
export { type BnbQuantState, isBnb4bit, nf4FromBnb, QUANT_STATE_SUFFIX } from './bnb-layout.js';
export {
  absmaxOffset,
  type DoubleQuantAbsmax,
  type DoubleQuantDebug,
  dequantizeAbsmax,
  dequantizeAbsmaxAt,
  doubleQuantize,
} from './double-quant.js';
export { nf4MatMulGeneric, registerNf4MatMulGeneric, tileRowsFor } from './nf4-matmul.js';
export { nf4Projection, nf4SiteBytes, nf4WeightOf } from './nf4-projection.js';
export {
  dequantizeNf4Range,
  NF4_ZERO_INDEX,
  type Nf4Blocks,
  nf4IndexAt,
  quantizeNf4,
} from './nf4-quantize.js';
export { DYNAMIC_MAP, NF4_CODE } from './nf4-tables.js';
export { type Nf4Tensors, nf4ToTensors } from './nf4-tensors.js';
export {
  dequantizeNf4Weight,
  dequantizeRows,
  type Nf4Weight,
  nf4WeightBytes,
  quantizeNf4Weight,
} from './nf4-weight.js';
export { type QloraOptions, qlora } from './qlora.js';
