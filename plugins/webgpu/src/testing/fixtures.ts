/**
 * Test helper: the repository's golden fixtures, read whole into a map by tensor name.
 * Small files only: the fixtures.
 */
import { openSafetensors } from '@gft/core';
import { goldenFixturesDir } from '@gft/core/testing';

export const FIXTURES = goldenFixturesDir();

export interface RawTensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export function readSafetensors(path: string): Map<string, RawTensor> {
  const reader = openSafetensors(path);
  try {
    const out = new Map<string, RawTensor>();
    for (const name of reader.names()) {
      const { dtype, shape } = reader.info(name);
      out.set(name, { dtype, shape, data: reader.read(name) as RawTensor['data'] });
    }
    return out;
  } finally {
    reader.close();
  }
}

/** The named tensor, or an error naming the file and the tensor. */
export function tensorOf(tensors: Map<string, RawTensor>, name: string, file: string): RawTensor {
  const t = tensors.get(name);
  if (t === undefined) throw new Error(`${file}: no tensor '${name}'`);
  return t;
}
