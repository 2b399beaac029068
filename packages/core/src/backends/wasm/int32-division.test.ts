/**
 * Exact int32 FloorDiv / Mod on wasm: the stock kernels compute in float32, so words past
 * 2^24 (QLoRA's packed 4-bit codes) come out wrong. Compared with exact JS integer math.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { wasmBackend } from './wasm-backend.js';
import { onBackend } from './wasm-test-utils.js';

beforeAll(async () => {
  await wasmBackend().setup();
});

const WORDS = [0x7fffff01, -0x7ffffff3, 0x12345679, 16777217, -1, 0, 255, -256, 2147483647];

// Reference integer math in float64, exact for 32-bit operands; `| 0` folds -0 into 0.
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b) | 0;
}
function mod(a: number, b: number): number {
  return (a - b * Math.floor(a / b)) | 0;
}

describe('int32 FloorDiv and Mod (wasm)', () => {
  it('is exact past 2^24, with broadcasting and negative operands', async () => {
    const divisors = [1, 16, 256, 4096, 65536, 16777216, -16, 7];
    const result = await onBackend('wasm', () =>
      tf.tidy(() => {
        const a = tf.tensor2d(WORDS, [WORDS.length, 1], 'int32');
        const b = tf.tensor2d(divisors, [1, divisors.length], 'int32');
        return {
          div: Array.from(tf.floorDiv(a, b).dataSync()),
          mod: Array.from(tf.mod(a, b).dataSync()),
        };
      }),
    );
    const expectedDiv = WORDS.flatMap((w) => divisors.map((d) => floorDiv(w, d)));
    const expectedMod = WORDS.flatMap((w) => divisors.map((d) => mod(w, d)));
    expect(result.div).toEqual(expectedDiv);
    expect(result.mod).toEqual(expectedMod);
  });

  it('unpacks 4-bit codes from packed int32 words like QLoRA does', async () => {
    const nibbles = Array.from({ length: 64 }, (_, i) => (i * 7 + 3) % 16);
    const words: number[] = [];
    for (let w = 0; w < nibbles.length / 8; w++) {
      let word = 0;
      for (let k = 0; k < 8; k++) word = (word * 16 + nibbles[w * 8 + k]) | 0;
      words.push(word);
    }
    const unpacked = await onBackend('wasm', () =>
      tf.tidy(() => {
        const packed = tf.tensor2d(words, [words.length, 1], 'int32');
        const shifts = tf.tensor2d(
          Array.from({ length: 8 }, (_, k) => 16 ** (7 - k)),
          [1, 8],
          'int32',
        );
        return Array.from(tf.mod(tf.floorDiv(packed, shifts), tf.scalar(16, 'int32')).dataSync());
      }),
    );
    expect(unpacked).toEqual(nibbles);
  });

  it('leaves float32 to the stock kernels', async () => {
    const values = await onBackend('wasm', () =>
      tf.tidy(() => Array.from(tf.floorDiv(tf.tensor1d([7.5, -7.5]), tf.scalar(2)).dataSync())),
    );
    expect(values).toEqual([3, -4]);
  });
});
