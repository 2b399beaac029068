/**
 * In-memory safetensors: parse a whole buffer (browsers, tests, small files) and read
 * tensors from it. Not for multi-GB checkpoints in Node: use openSafetensors there.
 */
import { memoryByteSource } from './byte-source.js';
import { type ParsedHeader, parseHeader, readHeaderLength } from './header.js';
import { SingleFileReader } from './single-reader.js';
import type { TensorReader } from './tensor-reader.js';

/** Validates `bytes` as a complete safetensors file. `source` labels errors and `TensorInfo.file`. */
export function parseSafetensors(bytes: Uint8Array, source = '<memory>'): ParsedHeader {
  const headerLength = readHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  return parseHeader(bytes.subarray(8, 8 + headerLength), bytes.length - 8 - headerLength, source);
}

/** A TensorReader over a buffer holding a whole file; reads copy out of `bytes`. */
export function openSafetensorsBytes(bytes: Uint8Array, source = '<memory>'): TensorReader {
  return new SingleFileReader(parseSafetensors(bytes, source), memoryByteSource(bytes), source);
}
