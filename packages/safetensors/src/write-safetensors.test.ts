import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAFETENSORS_DTYPES } from './dtype.js';
import { openSafetensors } from './file-reader.js';
import { openSafetensorsBytes, parseSafetensors } from './parse-safetensors.js';
import { SafetensorsError } from './safetensors-error.js';
import { makeTempDir } from './test-support.js';
import { serializeSafetensors, type TensorInputs, writeSafetensors } from './write-safetensors.js';

/** One tensor of every dtype, with awkward values (NaN payloads, extremes, -0). */
function everyDtype(): TensorInputs {
  return {
    f64: {
      dtype: 'F64',
      shape: [2, 2],
      data: new Float64Array([Math.PI, -0, Number.MAX_VALUE, 5e-324]),
    },
    f32: { dtype: 'F32', shape: [3], data: new Float32Array([1.5, -Infinity, Number.NaN]) },
    f16: { dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0x7e01]) },
    bf16: { dtype: 'BF16', shape: [2, 1], data: new Uint16Array([0x3f80, 0xffc1]) },
    i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
    i32: { dtype: 'I32', shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
    i16: { dtype: 'I16', shape: [1], data: new Int16Array([-32768]) },
    i8: { dtype: 'I8', shape: [3], data: new Int8Array([-128, 0, 127]) },
    u8: { dtype: 'U8', shape: [], data: new Uint8Array([255]) },
    bool: { dtype: 'BOOL', shape: [4], data: new Uint8Array([1, 0, 0, 1]) },
    empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
  };
}

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

describe('writeSafetensors', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(() => cleanup());

  it('round-trips every dtype bit-identically, natively and as raw bytes', () => {
    const tensors = everyDtype();
    const path = join(dir, 'all.safetensors');
    writeSafetensors(path, tensors, { format: 'pt', note: 'ünïcode ✓' });
    const reader = openSafetensors(path);
    try {
      expect(reader.names()).toEqual(Object.keys(tensors).sort());
      expect(reader.metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
      for (const [name, t] of Object.entries(tensors)) {
        const info = reader.info(name);
        expect(info.dtype).toBe(t.dtype);
        expect(info.shape).toEqual(t.shape);
        expect(reader.readBytes(name)).toEqual(bytesOf(t.data));
        const native = reader.read(name);
        expect(native.constructor).toBe(t.data.constructor);
        expect(bytesOf(native)).toEqual(bytesOf(t.data));
      }
      expect([...reader.readF32('f16')]).toEqual([1, Number.NaN]);
      expect(reader.readF32('bf16')[0]).toBe(1);
      expect([...reader.readF32('i64')]).toEqual([-(2 ** 63), 2 ** 63]);
      expect([...reader.readF32('f64')]).toEqual([Math.fround(Math.PI), -0, Infinity, 0]);
    } finally {
      reader.close();
    }
  });

  it('lays the file out as the fixtures do: sorted keys, contiguous data, space padding to 8', () => {
    const bytes = serializeSafetensors(
      {
        b: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
        a: { dtype: 'I16', shape: [1], data: new Int16Array([-2]) },
      },
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"data_offsets":[0,2],"dtype":"I16","shape":[1]},"b":{"data_offsets":[2,5],"dtype":"U8","shape":[3]}}',
    );
    expect(header.slice(header.trimEnd().length)).toMatch(/^ *$/);
    expect([...bytes.subarray(8 + n)]).toEqual([0xfe, 0xff, 1, 2, 3]);
    expect(parseSafetensors(bytes).metadata).toEqual({ format: 'pt' });
  });

  it('omits __metadata__ when none is given and keeps odd names as plain keys', () => {
    const bytes = serializeSafetensors({
      __proto__x: { dtype: 'U8', shape: [1], data: new Uint8Array([7]) },
      '10': { dtype: 'U8', shape: [1], data: new Uint8Array([1]) },
      '9': { dtype: 'U8', shape: [1], data: new Uint8Array([9]) },
    });
    const reader = openSafetensorsBytes(bytes);
    expect(reader.metadata).toEqual({});
    expect(reader.names()).toEqual(['10', '9', '__proto__x']); // code-point order, not JS integer-key order
    expect([...reader.read('9')]).toEqual([9]);
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
  });

  it('writes atomically: no temp file is left, and a failed write leaves the old file intact', () => {
    const path = join(dir, 'atomic.safetensors');
    writeSafetensors(path, { x: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });
    const before = readFileSync(path);
    expect(() =>
      writeSafetensors(path, { x: { dtype: 'F32', shape: [2], data: new Float32Array([1]) } }),
    ).toThrow(SafetensorsError);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects bad input, naming the file, the tensor and the problem', () => {
    const path = join(dir, 'bad.safetensors');
    const attempt = (tensors: TensorInputs, metadata?: Record<string, string>) => {
      try {
        writeSafetensors(path, tensors, metadata);
      } catch (error) {
        expect((error as SafetensorsError).code).toBe('BAD_INPUT');
        expect((error as Error).message).toContain(path);
        return (error as Error).message;
      }
      throw new Error('expected a throw');
    };
    const f32 = new Float32Array(2);
    expect(attempt({ w: { dtype: 'F32', shape: [3], data: f32 } })).toMatch(
      /tensor 'w': shape \[3\] x F32 needs 12 bytes, data has 8/,
    );
    expect(attempt({ w: { dtype: 'F8' as 'F32', shape: [2], data: f32 } })).toMatch(
      /unknown dtype "F8"; supported: F64/,
    );
    expect(attempt({ w: { dtype: 'F32', shape: [-2], data: f32 } })).toMatch(
      /non-negative integers/,
    );
    expect(attempt({ w: { dtype: 'I32', shape: [2], data: f32 } })).toMatch(
      /I32 data must be Int32Array or raw bytes .* got Float32Array/,
    );
    expect(attempt({ __metadata__: { dtype: 'F32', shape: [2], data: f32 } })).toMatch(/reserved/);
    expect(attempt({}, { n: 3 as unknown as string })).toMatch(/metadata.n must be a string/);
    // Raw bytes are accepted for any dtype.
    writeSafetensors(path, { w: { dtype: 'I32', shape: [2], data: new Uint8Array(8) } });
    expect(openSafetensors(path).info('w').byteLength).toBe(8);
  });

  it('accepts views into a larger buffer (byteOffset != 0)', () => {
    const backing = new Float32Array([0, 1, 2, 3, 4]);
    const bytes = serializeSafetensors({
      v: { dtype: 'F32', shape: [2], data: backing.subarray(2, 4) },
    });
    expect([...openSafetensorsBytes(bytes).readF32('v')]).toEqual([2, 3]);
  });

  it('covers every supported dtype', () => {
    expect(new Set(Object.values(everyDtype()).map((t) => t.dtype))).toEqual(
      new Set(SAFETENSORS_DTYPES),
    );
  });
});
