/**
 * Opens the weights of a Hugging Face style checkpoint from a directory or a file path:
 * a sharded index, or one safetensors file. Not config.json or tokenizer handling.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openSafetensors } from './file-reader.js';
import { SafetensorsError } from './safetensors-error.js';
import { ShardedReader } from './sharded-reader.js';
import type { TensorReader } from './tensor-reader.js';

export const SINGLE_FILE_NAME = 'model.safetensors';
export const INDEX_FILE_NAME = 'model.safetensors.index.json';

/**
 * `dirOrFile` may be: a directory holding `model.safetensors.index.json` (preferred) or
 * `model.safetensors`; a path to an `*.index.json`; or a path to a `.safetensors` file.
 */
export function openCheckpoint(dirOrFile: string): TensorReader {
  if (!existsSync(dirOrFile)) {
    throw new SafetensorsError(
      'BAD_CHECKPOINT',
      dirOrFile,
      `${dirOrFile}: no such file or directory`,
    );
  }
  if (!statSync(dirOrFile).isDirectory()) {
    return dirOrFile.endsWith('.json') ? new ShardedReader(dirOrFile) : openSafetensors(dirOrFile);
  }
  const index = join(dirOrFile, INDEX_FILE_NAME);
  if (existsSync(index)) return new ShardedReader(index);
  const single = join(dirOrFile, SINGLE_FILE_NAME);
  if (existsSync(single)) return openSafetensors(single);
  const found = readdirSync(dirOrFile).filter(
    (f) => f.endsWith('.safetensors') || f.endsWith('.index.json'),
  );
  throw new SafetensorsError(
    'BAD_CHECKPOINT',
    dirOrFile,
    `${dirOrFile}: no ${INDEX_FILE_NAME} or ${SINGLE_FILE_NAME} in this directory (safetensors files here: ${found.length === 0 ? '(none)' : found.sort().join(', ')}); pass a file path to open another one`,
  );
}
