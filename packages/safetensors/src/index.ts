/**
 * @gft/safetensors: read and write safetensors files (single, sharded, in memory) with
 * per-tensor positioned reads, bf16/f16 <-> f32 conversion, and the finiteness check
 * weight loaders apply to what they decode.
 */
export { writeFileAtomic } from './atomic-write.js';
export { closeNames } from './close-names.js';
export {
  dtypeSize,
  isFloatDtype,
  isSafetensorsDtype,
  type NativeArray,
  SAFETENSORS_DTYPES,
  type SafetensorsDtype,
} from './dtype.js';
export { openSafetensors } from './file-reader.js';
export { firstNonFinite, requireFinite } from './finite.js';
export {
  bf16ToF32,
  f16ToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  f32ToBf16,
  f32ToF16,
} from './half-float.js';
export { MAX_HEADER_BYTES, type ParsedHeader } from './header.js';
export { jsonPreview } from './json-preview.js';
export { INDEX_FILE_NAME, openCheckpoint, SINGLE_FILE_NAME } from './open-checkpoint.js';
export { openSafetensorsBytes, parseSafetensors } from './parse-safetensors.js';
export {
  SafetensorsError,
  type SafetensorsErrorCode,
} from './safetensors-error.js';
export { ShardedReader } from './sharded-reader.js';
export { compareCodePoints } from './sort-names.js';
export type { TensorInfo, TensorReader } from './tensor-reader.js';
export {
  serializeSafetensors,
  type TensorInput,
  type TensorInputs,
  writeSafetensors,
} from './write-safetensors.js';
export {
  type ShardedWriteOptions,
  type ShardedWriteResult,
  writeShardedCheckpoint,
} from './write-sharded.js';
