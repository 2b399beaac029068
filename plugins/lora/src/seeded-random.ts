/**
 * LoRA's seeded initialisation on core's generator, one stream per site name, so each site's
 * draw is reproducible and independent of build order (PEFT's exact draws are not a goal:
 * PyTorch's generator is not reproduced, the distribution is).
 */
import { seededRandom } from '@gft/core';

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
  const rng = seededRandom(seed, stream);
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}
