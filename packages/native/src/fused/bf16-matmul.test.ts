/**
 * Native bf16 matmul (forward and the x gradient) against the LoRA plugin's generic kernel on
 * tfjs-cpu, with odd element counts (a row of W starting mid-word), tiles and row chunks that
 * do not divide the shapes, and x = I: W widened from bf16 must come back bit for bit.
 * Tolerance vs generic: 1e-5 of each tensor's largest magnitude.
 */
import { BF16_MATMUL, resolveFusedKernel, runFusedKernel, tf } from '@gft/core';
import { bitDiffs, needs, relativeMaxError } from '@gft/core/testing';
import { bf16MatMulGeneric, packBf16, widenBf16 } from '@gft/plugin-lora';
import { describe, expect, it } from 'vitest';
import { BACKEND, leftBehind, load, seeded, useNative, valuesOn } from './test-support.js';

interface Case {
  out: number;
  in: number;
  rows: number;
}

const CASES: Case[] = [
  { out: 7, in: 13, rows: 3 },
  { out: 200, in: 97, rows: 37 },
  { out: 1024, in: 256, rows: 130 },
  { out: 256, in: 1024, rows: 600 },
  { out: 33, in: 1, rows: 1 },
];

type Bf16 = (x: tf.Tensor2D, packed: tf.Tensor1D) => tf.Tensor2D;

function run(c: Case, bf16: Bf16): () => tf.Tensor[] {
  return () => {
    const p = tf.tensor1d(packBf16(seeded(c.out * c.in, 41, 0.5)), 'int32');
    const x = tf.tensor2d(seeded(c.rows * c.in, 42, 2), [c.rows, c.in]);
    const r = tf.tensor2d(seeded(c.rows * c.out, 43), [c.rows, c.out]);
    const y = bf16(x, p);
    const dx = tf.grad((xs) => tf.sum(tf.mul(bf16(xs as tf.Tensor2D, p), r)))(x);
    return [y, dx];
  };
}

// Skipped, saying why, where the addon cannot load (a failure where GFT_REQUIRE names cpu-native).
const addon = needs('cpu-native', () => (load.ok ? undefined : load.reason));

describe.skipIf(!addon.ok)(addon.title('native bf16 matmul'), () => {
  it('is the registered implementation on native backends', async () => {
    await useNative();
    expect(resolveFusedKernel(BF16_MATMUL, BACKEND)?.source).toBe('@gft/native (src/fused)');
  });

  it.each(CASES)('[$rows, $in] x [$out, $in]^T vs generic', async (c) => {
    await useNative();
    const attrs = { inFeatures: c.in, outFeatures: c.out };
    const native = await valuesOn(
      BACKEND,
      run(c, (x, packed) => runFusedKernel(BF16_MATMUL, { x, packed }, attrs) as tf.Tensor2D),
    );
    const generic = await valuesOn(
      'cpu',
      run(c, (x, packed) => bf16MatMulGeneric({ x, packed }, attrs)),
    );
    const ey = relativeMaxError(native[0], generic[0]);
    const edx = relativeMaxError(native[1], generic[1]);
    console.log(
      `bf16 [${c.rows}, ${c.in}] x [${c.out}, ${c.in}]^T: y ${ey.toExponential(2)}, dx ${edx.toExponential(2)}`,
    );
    expect(ey).toBeLessThan(1e-5);
    expect(edx).toBeLessThan(1e-5);
  });

  it('widens W exactly (x = I gives W^T bit for bit)', async () => {
    await useNative();
    const c = CASES[1];
    const packed = packBf16(seeded(c.out * c.in, 44, 3));
    const yT = tf.tidy(() => {
      const y = runFusedKernel(
        BF16_MATMUL,
        { x: tf.eye(c.in) as tf.Tensor2D, packed: tf.tensor1d(packed, 'int32') },
        { inFeatures: c.in, outFeatures: c.out },
      );
      return tf.transpose(y).dataSync() as Float32Array;
    });
    expect(bitDiffs(yT, widenBf16(packed, c.out * c.in))).toBe(0);
  });

  it('leaves no tensors or native bytes behind', async () => {
    await useNative();
    const c = CASES[2];
    const attrs = { inFeatures: c.in, outFeatures: c.out };
    const left = leftBehind(
      run(c, (x, packed) => runFusedKernel(BF16_MATMUL, { x, packed }, attrs) as tf.Tensor2D),
    );
    expect(left).toEqual({ tensors: 0, nativeBytes: 0 });
  });
});
