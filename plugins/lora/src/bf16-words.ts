/**
 * bfloat16 storage of a float32 weight: values rounded to nearest-even on their top 16 bits
 * (what PyTorch's `.to(torch.bfloat16)` does, NaN kept NaN) and packed two per int32, element 2k
 * in the low half, so the int32 array's bytes are a safetensors BF16 tensor's bytes. Widening
 * back is exact: the 16 bits become a float32's high half.
 */

/** float32 values -> [ceil(n / 2)] int32 words of bf16 pairs. */
export function packBf16(values: Float32Array): Int32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const words = new Int32Array(Math.ceil(values.length / 2));
  const halves = new Uint16Array(words.buffer);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    // NaN: keep it a (quiet) NaN; rounding could carry it into infinity.
    if ((b & 0x7fffffff) > 0x7f800000) halves[i] = (b >>> 16) | 0x40;
    else halves[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return words;
}

/** [ceil(n / 2)] int32 words of bf16 pairs -> the first `n` float32 values. */
export function widenBf16(words: Int32Array, n: number): Float32Array {
  const halves = new Uint16Array(words.buffer, words.byteOffset, words.length * 2);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = halves[i] << 16;
  return out;
}

let table: Float32Array | undefined;

/** The float32 value of every bf16 bit pattern, indexed by the pattern (65,536 entries). */
export function bf16Table(): Float32Array {
  if (!table) {
    const bits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) bits[h] = h << 16;
    table = new Float32Array(bits.buffer);
  }
  return table;
}
