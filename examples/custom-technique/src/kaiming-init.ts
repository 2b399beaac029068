/**
 * The initial A of a DoRA layer: PEFT's `kaiming_uniform_(a = sqrt(5))` on [r, in], which is
 * U(-1/sqrt(in), 1/sqrt(in)), drawn from gft's seeded generator with one stream per site
 * name, so every site is reproducible whatever order layers are built in. PyTorch's own draws
 * are not a goal; the distribution is.
 */
import { seededRandom } from '@gft/core';

/** r * inFeatures values, row-major [r, in], uniform in ±1/sqrt(inFeatures). */
export function kaimingUniform(
  r: number,
  inFeatures: number,
  seed: number,
  stream: string,
): Float32Array {
  const rng = seededRandom(seed, stream);
  const bound = 1 / Math.sqrt(inFeatures);
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}
