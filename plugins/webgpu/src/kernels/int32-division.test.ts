/**
 * Exact int32 FloorDiv / Mod on webgpu against the cpu backend (exact in JS), on operands
 * beyond float32's 2^24 integer range, with broadcasting; float32 still goes to the stock
 * kernels.
 */
import { cpuBackend, tf } from '@gft/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, gpuTitle } from '../testing/gpu-probe.js';
import { webgpu } from '../webgpu-backend.js';

const WORDS = [-268435456, -1, 0x7fffffff, -2147483648, -123456789, 987654321, 5, -7, 0];
const DIVISORS = [1, 16, -3, 268435456, 16777216, 7];

async function onBackend(name: 'cpu' | 'webgpu') {
  if (name === 'webgpu') await webgpu().setup();
  else await cpuBackend().setup();
  // 2048 rows: above tfjs's CPU-handoff size, so webgpu really runs its GPU kernels.
  const rows = new Int32Array(2048);
  rows.set(WORDS);
  return tf.tidy(() => {
    const a = tf.tensor2d(rows, [2048, 1], 'int32');
    const b = tf.tensor2d(DIVISORS, [1, DIVISORS.length], 'int32');
    const q = tf.floorDiv(a, b);
    const m = tf.mod(q, tf.scalar(16, 'int32'));
    const m2 = tf.mod(a, b);
    return [q, m, m2];
  });
}

describe.skipIf(!gpu.ok)(gpuTitle('exact int32 FloorDiv / Mod on webgpu'), () => {
  beforeAll(async () => {
    await webgpu().setup();
  });

  it('matches cpu bit for bit beyond 2^24, broadcasting [N,1] by [1,K]', async () => {
    const expected = await onBackend('cpu');
    const want = await Promise.all(expected.map((t) => t.data()));
    const actual = await onBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    for (let i = 0; i < actual.length; i++) {
      expect(actual[i].dtype).toBe('int32');
      const got = await actual[i].data();
      let mismatches = 0;
      for (let j = 0; j < got.length; j++) if (got[j] !== want[i][j]) mismatches++;
      console.log(
        `int32 op ${['floorDiv', 'mod(floorDiv)', 'mod'][i]}: ${mismatches} mismatches of ${got.length}`,
      );
      expect(mismatches).toBe(0);
    }
    tf.dispose([...expected, ...actual]);
  });

  it('leaves float32 floorDiv to the stock kernel', async () => {
    const a = tf.tensor1d(new Float32Array(2048).fill(-7.5));
    const q = tf.floorDiv(a, tf.scalar(2));
    expect((await q.data())[0]).toBe(-4);
    tf.dispose([a, q]);
  });
});
