/**
 * bf16 storage against the fixtures: rounding tiny-gemma2's float32 weights gives exactly the
 * bytes of its bf16 copy (PyTorch's round-to-nearest-even), widening is exact, NaN stays NaN.
 */
import { join } from 'node:path';
import { openSafetensors } from '@gft/safetensors';
import { describe, expect, it } from 'vitest';
import { bf16Table, packBf16, widenBf16 } from './bf16-words.js';
import { FIXTURES } from './test-support.js';

describe('bf16 words', () => {
  it("rounds the float32 checkpoint to the bf16 checkpoint's exact values", () => {
    const f32 = openSafetensors(join(FIXTURES, 'tiny-gemma2', 'model.safetensors'));
    const bf16 = openSafetensors(join(FIXTURES, 'tiny-gemma2', 'model-bf16', 'model.safetensors'));
    let compared = 0;
    for (const name of f32.names()) {
      const words = packBf16(f32.readF32(name));
      const expected = bf16.readF32(name);
      const widened = widenBf16(words, expected.length);
      expect(Buffer.compare(Buffer.from(widened.buffer), Buffer.from(expected.buffer))).toBe(0);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(100_000);
    f32.close();
    bf16.close();
  });

  it('keeps NaN and infinity, rounds ties to even, packs element 2k in the low half', () => {
    const v = Float32Array.from([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      1 + 2 ** -8,
      1 + 3 * 2 ** -8,
    ]);
    const w = widenBf16(packBf16(v), v.length);
    expect(Number.isNaN(w[0])).toBe(true);
    expect(w[1]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(w[2], -0)).toBe(true);
    expect(w[3]).toBe(1); // a tie: to the even neighbour
    expect(w[4]).toBe(1 + 2 ** -6);
    expect(new Uint16Array(packBf16(Float32Array.from([1, 2])).buffer)[0]).toBe(0x3f80);
    expect(bf16Table()[0x3f80]).toBe(1);
  });
});
