/** @gft/plugin-varlen-packing: the packed collator (cu_seqlens, restarting positions). */
export { packedMicroBatch } from './packed-micro-batch.js';
export { type VarlenPackingOptions, varlenPacking } from './varlen-packing.js';
