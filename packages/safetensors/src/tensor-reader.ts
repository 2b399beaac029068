/**
 * The reader contract shared by single files, sharded checkpoints and in-memory buffers.
 * Only the shape of the API; implementations live in file-reader.ts, sharded-reader.ts
 * and single-reader.ts.
 */
import type { NativeArray, SafetensorsDtype } from './dtype.js';

/** Where one tensor lives. `shape` is row-major, `[]` for a scalar. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte offset in the file (8 + header length + begin of data_offsets). */
  byteOffset: number;
  byteLength: number;
  /** Path of the file holding it (or the `source` label of an in-memory buffer). */
  file: string;
}

/** One file or a sharded checkpoint behind the same API. Reads are per tensor, never whole-file. */
export interface TensorReader {
  /** `__metadata__` of the file, or the index's `metadata` (values stringified) for shards. */
  readonly metadata: Record<string, string>;
  /** Tensor names in code-point order. */
  names(): string[];
  has(name: string): boolean;
  /** Throws BAD_CHECKPOINT naming the file and tensor, with a few close names, if absent. */
  info(name: string): TensorInfo;
  /** Raw little-endian bytes, a fresh copy (offset 0, own buffer). */
  readBytes(name: string): Uint8Array;
  /** Native dtype: F16/BF16 as Uint16Array bits, BOOL as Uint8Array, I64 as BigInt64Array. */
  read(name: string): NativeArray;
  /** Any dtype as float32: F32/BF16/F16 exact, F64 and integers rounded to nearest. */
  readF32(name: string): Float32Array;
  /** Releases file descriptors; further reads throw. Safe to call twice. */
  close(): void;
}
