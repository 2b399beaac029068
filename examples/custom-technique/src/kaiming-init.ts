/**
 * The initial A of a DoRA layer: PEFT's `kaiming_uniform_(a = sqrt(5))` on [r, in], which is
 * U(-1/sqrt(in), 1/sqrt(in)), drawn from a small seeded generator (xorshift32 over the seed
 * mixed with the site name) so every site is reproducible whatever order layers are built in.
 * PyTorch's own draws are not a goal; the distribution is.
 */

/** 32-bit FNV-1a of `text`, mixed with `seed`. */
function mix(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x27d4eb2d)) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h === 0 ? 0x9e3779b9 : h; // xorshift must not start at 0
}

/** r * inFeatures values, row-major [r, in], uniform in ±1/sqrt(inFeatures). */
export function kaimingUniform(
  r: number,
  inFeatures: number,
  seed: number,
  stream: string,
): Float32Array {
  let s = mix(stream, seed);
  const bound = 1 / Math.sqrt(inFeatures);
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * bound;
  }
  return out;
}
