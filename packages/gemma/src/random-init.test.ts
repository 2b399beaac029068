import { describe, expect, it } from 'vitest';
import { NORMAL_QUANTILES, normalQuantile } from './normal-quantiles.js';
import { seededNormal } from './random-init.js';

describe('seeded random init', () => {
  it('quantiles match the normal distribution (reference values of the inverse CDF)', () => {
    // Φ⁻¹ at 0.975, 0.999, 0.5 and 0.02 (the lower-tail branch).
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.02)).toBeCloseTo(-2.053748910631823, 8);
    for (let i = 0; i < NORMAL_QUANTILES.length; i += 997) {
      expect(NORMAL_QUANTILES[i]).toBeCloseTo(
        -NORMAL_QUANTILES[NORMAL_QUANTILES.length - 1 - i],
        9,
      );
    }
  });
  it('draws N(0, std): mean, standard deviation and kurtosis of 4M values; same (seed, name) same values', () => {
    const n = 4_000_000;
    const x = seededNormal(n, 0.02, 3, 'model.layers.0.mlp.up_proj.weight');
    let mean = 0;
    for (const v of x) mean += v;
    mean /= n;
    let m2 = 0;
    let m4 = 0;
    for (const v of x) {
      const d = v - mean;
      m2 += d * d;
      m4 += d ** 4;
    }
    const std = Math.sqrt(m2 / n);
    const kurtosis = m4 / n / (m2 / n) ** 2;
    console.log(
      `mean ${mean.toExponential(2)}, std ${std.toFixed(6)}, kurtosis ${kurtosis.toFixed(4)}`,
    );
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(std - 0.02)).toBeLessThan(1e-4);
    expect(Math.abs(kurtosis - 3)).toBeLessThan(0.02);
    expect(seededNormal(1001, 0.02, 3, 'a')).toEqual(seededNormal(1001, 0.02, 3, 'a'));
    expect(seededNormal(1001, 0.02, 3, 'a')).not.toEqual(seededNormal(1001, 0.02, 4, 'a'));
  });
});
