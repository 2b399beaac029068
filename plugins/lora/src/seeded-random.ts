/**
 * Seeded uniform random numbers for LoRA initialisation: splitmix32 over a seed mixed
 * with the site name, so each site's draw is reproducible and independent of build
 * order. Not cryptographic, not PyTorch's generator (PEFT's exact draws are not a goal).
 */

/** FNV-1a of a string, 32-bit. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A generator of uniform floats in [0, 1). */
export function seededUniform(seed: number, stream: string): () => number {
  let state = (hashString(stream) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

/**
 * PEFT's A init: kaiming_uniform_(a = sqrt(5)) on [r, in], i.e. U(-1/sqrt(in), 1/sqrt(in))
 * (gain sqrt(2 / (1 + 5)), bound sqrt(3) * gain / sqrt(fan_in)).
 */
export function kaimingUniformA(
  r: number,
  inFeatures: number,
  seed: number,
  stream: string,
): Float32Array {
  const bound = 1 / Math.sqrt(inFeatures);
  const next = seededUniform(seed, stream);
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) out[i] = (2 * next() - 1) * bound;
  return out;
}
