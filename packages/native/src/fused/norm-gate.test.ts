/**
 * Native RMSNorm and gated GELU (forward and gradients) against core's generic kernels on
 * tfjs-cpu: rows not a multiple of any block, widths below, at and above the 16-lane
 * reductions, large and small magnitudes. Tolerance: 1e-5 of each tensor's largest magnitude.
 */
import {
  GELU_GATE,
  geluGateGeneric,
  RMS_NORM,
  resolveFusedKernel,
  rmsNormGeneric,
  runFusedKernel,
  tf,
} from '@gft/core';
import { relativeMaxError } from '@gft/core/testing';
import { describe, expect, it } from 'vitest';
import { BACKEND, leftBehind, load, seeded, useNative, valuesOn } from './test-support.js';

const SHAPES: Array<[number, number]> = [
  [1, 7],
  [5, 16],
  [33, 64],
  [257, 256],
  [200, 1152],
];

function report(
  label: string,
  names: string[],
  native: Float32Array[],
  generic: Float32Array[],
): number[] {
  const errors = names.map((_, i) => relativeMaxError(native[i], generic[i]));
  console.log(`${label}: ${names.map((n, i) => `${n} ${errors[i].toExponential(2)}`).join(', ')}`);
  return errors;
}

describe.skipIf(!load.ok)(
  `native RMSNorm and GELU gate vs generic on tfjs-cpu${load.ok ? '' : ` (skipped: ${load.ok ? '' : load.reason})`}`,
  () => {
    it('are the registered implementations on native backends', async () => {
      await useNative();
      expect(resolveFusedKernel(RMS_NORM, BACKEND)?.source).toBe('@gft/native (src/fused)');
      expect(resolveFusedKernel(GELU_GATE, BACKEND)?.source).toBe('@gft/native (src/fused)');
    });

    it.each(SHAPES)('RMSNorm [%i, %i]', async (n, d) => {
      await useNative();
      const run = (rms: (x: tf.Tensor2D, w: tf.Tensor1D) => tf.Tensor2D) => () => {
        // Row i scaled by 10^(i % 5 - 2): the normaliser must hold across magnitudes.
        const scales = tf.tensor2d(
          Array.from({ length: n }, (_, i) => 10 ** ((i % 5) - 2)),
          [n, 1],
        );
        const x = tf.mul(tf.tensor2d(seeded(n * d, 11, 3), [n, d]), scales) as tf.Tensor2D;
        const w = tf.tensor1d(seeded(d, 12, 0.5));
        const r = tf.tensor2d(seeded(n * d, 13), [n, d]);
        const y = rms(x, w);
        const [dx, dw] = tf.grads((a, b) =>
          tf.sum(tf.mul(rms(a as tf.Tensor2D, b as tf.Tensor1D), r)),
        )([x, w]);
        return [y, dx, dw];
      };
      const native = await valuesOn(
        BACKEND,
        run((x, weight) => runFusedKernel(RMS_NORM, { x, weight }, { eps: 1e-6 }) as tf.Tensor2D),
      );
      const generic = await valuesOn(
        'cpu',
        run((x, weight) => rmsNormGeneric({ x, weight }, { eps: 1e-6 })),
      );
      for (const e of report(`RMSNorm [${n}, ${d}]`, ['y', 'dx', 'dw'], native, generic))
        expect(e).toBeLessThan(1e-5);
    });

    it.each(SHAPES)('GELU gate [%i, %i]', async (n, f) => {
      await useNative();
      const run = (gelu: (g: tf.Tensor2D, u: tf.Tensor2D) => tf.Tensor2D) => () => {
        const gate = tf.tensor2d(seeded(n * f, 21, 6), [n, f]);
        const up = tf.tensor2d(seeded(n * f, 22, 2), [n, f]);
        const r = tf.tensor2d(seeded(n * f, 23), [n, f]);
        const y = gelu(gate, up);
        const [dg, du] = tf.grads((a, b) =>
          tf.sum(tf.mul(gelu(a as tf.Tensor2D, b as tf.Tensor2D), r)),
        )([gate, up]);
        return [y, dg, du];
      };
      const native = await valuesOn(
        BACKEND,
        run((gate, up) => runFusedKernel(GELU_GATE, { gate, up }, {}) as tf.Tensor2D),
      );
      const generic = await valuesOn(
        'cpu',
        run((gate, up) => geluGateGeneric({ gate, up })),
      );
      for (const e of report(`GELU gate [${n}, ${f}]`, ['y', 'dgate', 'dup'], native, generic))
        expect(e).toBeLessThan(1e-5);
    });

    it('leave no tensors or native bytes behind', async () => {
      await useNative();
      const left = leftBehind(() => {
        const x = tf.randomNormal([9, 40]) as tf.Tensor2D;
        const w = tf.randomNormal([40]) as tf.Tensor1D;
        const u = tf.randomNormal([9, 40]) as tf.Tensor2D;
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(
            runFusedKernel(
              GELU_GATE,
              {
                gate: runFusedKernel(
                  RMS_NORM,
                  { x: a as tf.Tensor2D, weight: b as tf.Tensor1D },
                  { eps: 1e-6 },
                ) as tf.Tensor2D,
                up: c as tf.Tensor2D,
              },
              {},
            ),
          );
        return tf.grads(f)([x, w, u]);
      });
      expect(left).toEqual({ tensors: 0, nativeBytes: 0 });
    });
  },
);
