/**
 * bfloat16 and IEEE float16 <-> float32 conversion on raw bit patterns (Uint16Array), as
 * stored in safetensors. Narrowing rounds to nearest, ties to even (what PyTorch's `.to()`
 * does); NaN stays NaN (quiet, sign kept), overflow becomes Inf. Not a tensor op: plain
 * loops over typed arrays, used when loading and saving checkpoints.
 */

/** float32 bits of every float16 pattern, built on first use (256 KiB). */
let f16Table: Uint32Array | undefined;

function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half: renormalise so the leading 1 becomes the implicit bit of a normal float32.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e -= 1;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

function table(): Uint32Array {
  if (f16Table === undefined) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32Bits(h);
  }
  return f16Table;
}

/** float16 bit patterns -> float32 values (exact). */
export function f16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  const t = table();
  for (let i = 0; i < bits.length; i++) outBits[i] = t[bits[i]];
  return out;
}

/** bfloat16 bit patterns -> float32 values (exact: bf16 is the top half of a float32). */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/** One float32 bit pattern -> bfloat16 bits, round to nearest even. */
export function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    // NaN: truncating could clear every mantissa bit and produce Inf, so force the quiet bit.
    return ((x >>> 16) | 0x40) & 0xffff;
  }
  const rounding = 0x7fff + ((x >>> 16) & 1);
  return ((x >>> 0) + rounding) >>> 16;
}

/** One float32 bit pattern -> float16 bits, round to nearest even. */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  if (exp > 142) return sign | 0x7c00; // >= 2^16: beyond even the rounding range of 65504
  if (exp >= 113) {
    // Normal half. A carry out of the mantissa correctly bumps the exponent (up to Inf).
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1;
    return sign | h;
  }
  if (exp < 102) return sign; // below 2^-25, half of the smallest subnormal: rounds to zero
  // Subnormal half: value in units of 2^-24 is (1.mant) * 2^(exp - 103).
  const m = mant | 0x800000;
  const shift = 126 - exp;
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h += 1;
  return sign | h;
}

/** float32 values -> bfloat16 bit patterns (round to nearest even). */
export function f32ToBf16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToBf16Bits(bits[i]);
  return out;
}

/** float32 values -> float16 bit patterns (round to nearest even). */
export function f32ToF16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16Bits(bits[i]);
  return out;
}
