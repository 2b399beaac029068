import { describe, expect, it } from 'vitest';
import {
  bf16ToF32,
  f16ToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  f32ToBf16,
  f32ToF16,
} from './half-float.js';

const f32 = (...v: number[]) => new Float32Array(v);
const bitsOf = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];
const fromBits = (b: number) => new Float32Array(new Uint32Array([b]).buffer)[0];
const ALL = Uint16Array.from({ length: 65536 }, (_, i) => i);

describe('bfloat16', () => {
  it('widens exactly: bf16 bits become the top half of the float32', () => {
    const wide = new Uint32Array(bf16ToF32(ALL).buffer);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (wide[i] !== (i << 16) >>> 0) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('round-trips every non-NaN bf16 pattern; NaN stays NaN', () => {
    const back = f32ToBf16(bf16ToF32(ALL));
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const nanPattern = (i & 0x7f80) === 0x7f80 && (i & 0x7f) !== 0;
      if (nanPattern) expect(Number.isNaN(bf16ToF32(new Uint16Array([back[i]]))[0])).toBe(true);
      else if (back[i] !== i) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-8 is halfway between bf16 1.0 (0x3f80, even) and 1.0078125 (0x3f81): stays even.
    expect(f32BitsToBf16Bits(0x3f808000)).toBe(0x3f80);
    // Halfway above an odd mantissa rounds up to the even one.
    expect(f32BitsToBf16Bits(0x3f818000)).toBe(0x3f82);
    expect(f32BitsToBf16Bits(0x3f808001)).toBe(0x3f81);
    expect(f32BitsToBf16Bits(0x3f807fff)).toBe(0x3f80);
    // Every midpoint between consecutive finite bf16 values, and its two neighbours.
    for (let b = 0; b < 0x7f7f; b += 37) {
      const mid = (b << 16) + 0x8000;
      expect(f32BitsToBf16Bits(mid)).toBe(b % 2 === 0 ? b : b + 1);
      expect(f32BitsToBf16Bits(mid - 1)).toBe(b);
      expect(f32BitsToBf16Bits(mid + 1)).toBe(b + 1);
      expect(f32BitsToBf16Bits((mid | 0x80000000) >>> 0)).toBe((b % 2 === 0 ? b : b + 1) | 0x8000);
    }
  });

  it('handles Inf, NaN, overflow, zero signs and subnormals', () => {
    const out = f32ToBf16(f32(Infinity, -Infinity, Number.NaN, 0, -0, 3.4028234663852886e38));
    expect([...out]).toEqual([0x7f80, 0xff80, 0x7fc0, 0x0000, 0x8000, 0x7f80]); // f32 max -> Inf
    // float32 subnormals keep the same rule: 1e-40 = 0x000116c2 -> 0x0001 (= 2^-133).
    expect(f32BitsToBf16Bits(0x000116c2)).toBe(0x0001);
    expect(bf16ToF32(new Uint16Array([0x0001]))[0]).toBe(2 ** -133);
    expect(f32BitsToBf16Bits(0x00018000)).toBe(0x0002); // tie above odd -> even
    expect(f32BitsToBf16Bits(0x00028000)).toBe(0x0002); // tie above even -> stays
    expect(f32BitsToBf16Bits(0x00007fff)).toBe(0x0000);
    // A NaN whose payload lives only in the low 16 bits must not become Inf.
    expect(f32BitsToBf16Bits(0x7f800001)).toBe(0x7fc0);
    expect(f32BitsToBf16Bits(0xff800001)).toBe(0xffc0);
  });
});

/** Independent oracle: nearest representable value by binary search, ties to the even pattern. */
function nearestBySearch(x: number, sortedValues: Float64Array, sortedBits: number[]): number {
  let lo = 0;
  let hi = sortedValues.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sortedValues[mid] <= x) lo = mid;
    else hi = mid;
  }
  const dLo = Math.abs(x - sortedValues[lo]);
  const dHi = Math.abs(sortedValues[hi] - x);
  if (dLo < dHi) return sortedBits[lo];
  if (dHi < dLo) return sortedBits[hi];
  return sortedBits[lo] % 2 === 0 ? sortedBits[lo] : sortedBits[hi];
}

/** Non-negative finite patterns of a 16-bit format plus its +Inf (as the value 2^maxExp+1 boundary). */
function table16(widen: (b: Uint16Array) => Float32Array, infBits: number, infValue: number) {
  const bits = Array.from({ length: infBits }, (_, i) => i);
  const values = Float64Array.from(widen(Uint16Array.from(bits)));
  // Beyond the largest finite value the next "representable" step is Inf at max + 1 ulp.
  return { values: Float64Array.from([...values, infValue]), bits: [...bits, infBits] };
}

describe('narrowing against a search oracle (random float32 patterns)', () => {
  let seed = 12345;
  const nextU32 = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed;
  };
  it('f32ToF16 and f32ToBf16 agree with nearest-value search, ties to even', () => {
    const f16 = table16(f16ToF32, 0x7c00, 65536);
    const bf16 = table16(bf16ToF32, 0x7f80, 2 ** 128);
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      // Bias exponents toward the f16 range so subnormals/normals/overflow are all hit.
      const raw = nextU32();
      const bits = i % 2 === 0 ? raw : ((raw & 0x807fffff) | ((98 + (raw % 50)) << 23)) >>> 0;
      const x = fromBits(bits);
      if (!Number.isFinite(x)) continue;
      const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
      expect(f32BitsToF16Bits(bits)).toBe(
        nearestBySearch(Math.abs(x), f16.values, f16.bits) | sign,
      );
      expect(f32BitsToBf16Bits(bits)).toBe(
        nearestBySearch(Math.abs(x), bf16.values, bf16.bits) | sign,
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(19000);
  });
});

describe('float16', () => {
  it('widens known values exactly', () => {
    const v = f16ToF32(
      new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00, 0x8000]),
    );
    expect([...v]).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      -0,
    ]);
    expect(Object.is(v[8], -0)).toBe(true);
    expect(Number.isNaN(f16ToF32(new Uint16Array([0x7e00]))[0])).toBe(true);
  });

  it('round-trips every non-NaN f16 pattern; NaN stays NaN', () => {
    const wide = f16ToF32(ALL);
    const back = f32ToF16(wide);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const nanPattern = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (nanPattern)
        expect(
          Number.isNaN(wide[i]) && (back[i] & 0x7c00) === 0x7c00 && (back[i] & 0x3ff) !== 0,
        ).toBe(true);
      else if (back[i] !== i) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('rounds every midpoint between consecutive finite f16 values to even (normals and subnormals)', () => {
    const wide = f16ToF32(ALL);
    const failures: string[] = [];
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (wide[h] + wide[h + 1]) / 2; // exact in float64 and in float32 (12 significant bits)
      const m = bitsOf(mid);
      const ok =
        Math.fround(mid) === mid &&
        f32BitsToF16Bits(m) === (h % 2 === 0 ? h : h + 1) &&
        f32BitsToF16Bits(m - 1) === h &&
        f32BitsToF16Bits(m + 1) === h + 1;
      if (!ok) failures.push(`0x${h.toString(16)}`);
    }
    expect(failures).toEqual([]);
  });

  it('handles overflow, Inf, NaN and underflow', () => {
    // 65520 is halfway between 65504 (max, odd mantissa 0x3ff) and 65536 (Inf): ties to even = Inf.
    expect([...f32ToF16(f32(65519.996, 65520, 1e6, Infinity, -Infinity))]).toEqual([
      0x7bff, 0x7c00, 0x7c00, 0x7c00, 0xfc00,
    ]);
    expect(f32ToF16(f32(Number.NaN))[0] & 0x7e00).toBe(0x7e00);
    expect(f32BitsToF16Bits(0x7f800001)).toBe(0x7e00); // low-payload NaN stays NaN
    // 2^-25 is halfway between 0 and the smallest subnormal: ties to even = 0; just above -> 1 ulp.
    expect([
      ...f32ToF16(f32(2 ** -25, -(2 ** -25), fromBits(bitsOf(2 ** -25) + 1), 1e-30)),
    ]).toEqual([0, 0x8000, 1, 0]);
    // 3 * 2^-25 is halfway between subnormals 1 and 2: ties to even = 2.
    expect(f32ToF16(f32(3 * 2 ** -25))[0]).toBe(2);
    // Rounding up out of the subnormal range gives the smallest normal.
    expect(f32ToF16(f32(2 ** -14 - 2 ** -26))[0]).toBe(0x0400);
  });

  it('respects the view offset of the input', () => {
    const buf = new Float32Array([9, 1, 2]);
    expect([...f32ToF16(buf.subarray(1))]).toEqual([0x3c00, 0x4000]);
    expect([...f32ToBf16(buf.subarray(1))]).toEqual([0x3f80, 0x4000]);
  });
});
