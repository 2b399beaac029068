import { describe, expect, it } from 'vitest';
import { nearestCode, quantizeNf4 } from './nf4-quantize.js';
import { NF4_MIDPOINTS } from './nf4-tables.js';

describe('quantizeNf4 bucket lookup', () => {
  it('gives the code of the midpoint search for every scaled value near each midpoint and at random', () => {
    const values: number[] = [-1, 1, 0, -0, 1e-9, -1e-9];
    for (const m of NF4_MIDPOINTS) {
      // The midpoint itself (ties go to the lower code) and its float32 neighbours.
      const f = new Float32Array([m]);
      const u = new Uint32Array(f.buffer);
      for (const d of [-2, -1, 0, 1, 2]) {
        const x = new Uint32Array([u[0] + (m >= 0 ? d : -d)]);
        values.push(new Float32Array(x.buffer)[0]);
      }
    }
    let state = 12345;
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      values.push(Math.fround((state / 2 ** 32) * 2 - 1));
    }
    // One block per value with absmax 1 (a ±1 partner), so the scaled value is the value.
    const data = new Float32Array(values.length * 2);
    values.forEach((v, i) => {
      data[i * 2] = v;
      data[i * 2 + 1] = 1;
    });
    const { packed } = quantizeNf4(data, 2);
    let mismatches = 0;
    values.forEach((v, i) => {
      if (packed[i] >> 4 !== nearestCode(v, NF4_MIDPOINTS)) mismatches++;
    });
    expect(mismatches).toBe(0);
  });
});
