/**
 * Test helper: where the shared golden fixtures are (`../shared/fixtures` beside the repo
 * root, found by walking up), and a minimal safetensors reader for them (header + raw
 * little-endian data; F32, I32, U8 only). Not a safetensors library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findShared(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'shared', 'fixtures'))) return join(dir, 'shared', 'fixtures');
    const up = dirname(dir);
    if (up === dir) return join(dir, 'shared', 'fixtures'); // absent: callers skip
    dir = up;
  }
}

export const FIXTURES = findShared();
export const HAVE_FIXTURES = existsSync(FIXTURES);

export interface RawTensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export function readSafetensors(path: string): Map<string, RawTensor> {
  const bytes = readFileSync(path);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out = new Map<string, RawTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [a, b] = entry.data_offsets;
    const slice = bytes.buffer.slice(bytes.byteOffset + base + a, bytes.byteOffset + base + b);
    const data =
      entry.dtype === 'F32'
        ? new Float32Array(slice)
        : entry.dtype === 'I32'
          ? new Int32Array(slice)
          : new Uint8Array(slice);
    out.set(name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return out;
}

/** The named tensor, or an error naming the file and the tensor. */
export function tensorOf(tensors: Map<string, RawTensor>, name: string, file: string): RawTensor {
  const t = tensors.get(name);
  if (t === undefined) throw new Error(`${file}: no tensor '${name}'`);
  return t;
}
