/**
 * Opens one safetensors file synchronously: reads only the 8-byte prefix and the header,
 * keeps the descriptor for positioned per-tensor reads. Not sharded checkpoints (see
 * open-checkpoint.ts).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { fileByteSource } from './byte-source.js';
import { parseHeader, readHeaderLength } from './header.js';
import { SafetensorsError } from './safetensors-error.js';
import { SingleFileReader } from './single-reader.js';
import type { TensorReader } from './tensor-reader.js';

export function openSafetensors(path: string): TensorReader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new SafetensorsError(
      'BAD_CHECKPOINT',
      path,
      `${path}: cannot open safetensors file (${(cause as Error).message})`,
      { cause },
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new SafetensorsError('BAD_CHECKPOINT', path, `${path}: not a regular file`);
    }
    const source = fileByteSource(fd, stat.size, path);
    const prefix = stat.size >= 8 ? source.readAt(0, 8) : new Uint8Array(0);
    const headerLength = readHeaderLength(prefix, stat.size, path);
    const header = parseHeader(source.readAt(8, headerLength), stat.size - 8 - headerLength, path);
    return new SingleFileReader(header, source, path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
