/**
 * The finiteness check weight loaders apply: every NaN / infinity bit pattern of each float
 * dtype is found (exhaustively for the 16-bit formats), finite data passes, and the error
 * names the file, tensor and first bad element.
 */
import { describe, expect, it } from 'vitest';
import { firstNonFinite, requireFinite } from './finite.js';
import { bf16ToF32, f16ToF32 } from './half-float.js';
import { SafetensorsError } from './safetensors-error.js';

const ALL = Uint16Array.from({ length: 65536 }, (_, i) => i);

describe('firstNonFinite', () => {
  it('finds NaN and both infinities in float32 and float64 values', () => {
    for (const Float of [Float32Array, Float64Array]) {
      expect(firstNonFinite(Float.from([1, -2, 3e38, 5e-45]), 'F32')).toBe(-1);
      expect(firstNonFinite(Float.from([0, 1, Number.NaN, Number.NaN]), 'F32')).toBe(2);
      expect(firstNonFinite(Float.from([0, Number.POSITIVE_INFINITY]), 'F64')).toBe(1);
      expect(firstNonFinite(Float.from([Number.NEGATIVE_INFINITY]), 'F32')).toBe(0);
      expect(firstNonFinite(new Float(0), 'F32')).toBe(-1);
    }
  });

  it('agrees with decoding for every F16 and BF16 bit pattern', () => {
    for (const [dtype, decode] of [
      ['F16', f16ToF32],
      ['BF16', bf16ToF32],
    ] as const) {
      const values = decode(ALL);
      let disagreements = 0;
      for (let i = 0; i < ALL.length; i++) {
        const bad = firstNonFinite(ALL.subarray(i, i + 1), dtype) === 0;
        if (bad === Number.isFinite(values[i])) disagreements++;
      }
      expect(disagreements, dtype).toBe(0);
    }
  });

  it('treats integer data as finite', () => {
    expect(firstNonFinite(new Uint8Array([255, 255]), 'U8')).toBe(-1);
    expect(firstNonFinite(new Uint16Array([0x7fff]), 'I16')).toBe(-1);
    expect(firstNonFinite(new Int32Array([-1]), 'I32')).toBe(-1);
  });
});

describe('requireFinite', () => {
  it('names the file, tensor, element and value', () => {
    const info = {
      file: 'ckpt/model.safetensors',
      name: 'model.norm.weight',
      dtype: 'F32' as const,
    };
    expect(() => requireFinite(new Float32Array([1, 2]), info)).not.toThrow();
    let error: unknown;
    try {
      requireFinite(new Float32Array([1, 2, Number.NEGATIVE_INFINITY, Number.NaN]), info);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SafetensorsError);
    const e = error as SafetensorsError;
    expect(e.code).toBe('BAD_CHECKPOINT');
    expect(e.where).toBe('ckpt/model.safetensors:model.norm.weight');
    expect(e.message).toMatch(
      /ckpt\/model.safetensors, tensor 'model.norm.weight': element 2 \(of 4\) is -Infinity; weights must be finite/,
    );
  });

  it('reads half-float bit patterns without decoding them', () => {
    const bf16 = { file: 'f', name: 'w', dtype: 'BF16' as const };
    expect(() => requireFinite(new Uint16Array([0x3f80, 0x7fc0]), bf16)).toThrow(
      /element 1 \(of 2\) is NaN/,
    );
    const f16 = { file: 'f', name: 'w', dtype: 'F16' as const };
    expect(() => requireFinite(new Uint16Array([0x3c00, 0x7bff]), f16)).not.toThrow();
    expect(() => requireFinite(new Uint16Array([0xfc00]), f16)).toThrow(/is -Infinity/);
  });
});
