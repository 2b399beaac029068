/**
 * The barrier-free BatchMatMul (installed on fallback adapters) against the cpu backend:
 * plain, transposed, batched and batch-broadcast shapes. Max differences printed.
 */
import { registerTfjsCpu, tf } from '@gft/core';
import { maxAbsDiff } from '@gft/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu, gpuTitle } from '../testing/gpu-probe.js';
import { webgpu } from '../webgpu-backend.js';
import { installSimpleMatMul } from './simple-mat-mul.js';

const CASES: Array<[number[], number[], boolean, boolean]> = [
  [[33, 40], [40, 17], false, false],
  [[40, 33], [40, 17], true, false],
  [[33, 40], [17, 40], false, true],
  [[2, 40, 33], [2, 17, 40], true, true],
  [[1, 9, 40], [3, 40, 5], false, false],
  [[3, 9, 40], [40, 5], false, false],
];

function values(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 0.37));
}

describe.skipIf(!gpu.ok)(gpuTitle('barrier-free BatchMatMul vs cpu'), () => {
  beforeAll(async () => {
    await registerTfjsCpu();
    await webgpu({ matMul: 'simple' }).setup();
    installSimpleMatMul();
  });

  for (const [sa, sb, ta, tb] of CASES) {
    it(`[${sa}] x [${sb}] transposeA ${ta} transposeB ${tb}`, async () => {
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const y = tf.tidy(() =>
          tf.matMul(tf.tensor(values(sa, 1), sa), tf.tensor(values(sb, 2), sb), ta, tb),
        );
        const out = { shape: y.shape, data: await y.data() };
        y.dispose();
        return out;
      };
      const want = await run('cpu');
      const got = await run('webgpu');
      const diff = maxAbsDiff(got.data, want.data);
      console.log(`matmul [${sa}] x [${sb}] (${ta}, ${tb}): max diff ${diff.toExponential(2)}`);
      expect(got.shape).toEqual(want.shape);
      expect(diff).toBeLessThan(1e-4);
    });
  }
});
