/**
 * The WGSL NF4 matmul against the golden NF4 fixtures (bitsandbytes layout): y = x · W^T
 * and dx = dy · W, where W is the fixture's own dequantised weight and the expectation is
 * computed in float64 here. Both packed layouts (one byte or four bytes per int32), a
 * weight whose blocks span rows (case_a, in = 96) and an odd element count (case_c). Also
 * against the QLoRA plugin's generic kernel (tfjs ops) on the same inputs, run on cpu: on
 * webgpu the generic kernel is wrong, because tfjs-backend-webgpu's Slice / Concat / Gather
 * copy int32 data through float32 and so corrupt packed words beyond 2^24. Max differences
 * printed.
 */
import { join } from 'node:path';
import { registerTfjsCpu, tf } from '@gft/core';
import { maxAbsDiff } from '@gft/core/testing';
import { nf4MatMulGeneric } from '@gft/plugin-qlora';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, readSafetensors, tensorOf } from '../testing/fixtures.js';
import { gpu, gpuTitle } from '../testing/gpu-probe.js';
import { webgpu } from '../webgpu-backend.js';
import { nf4MatMulWebGpu } from './nf4-matmul.js';

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** a [r, k] · b [k, c] in float64 (b given row-major, optionally transposed). */
function matmul64(a: Float32Array, b: Float32Array, r: number, k: number, c: number, bT: boolean) {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += a[i * k + t] * (bT ? b[j * k + t] : b[t * c + j]);
      out[i * c + j] = acc;
    }
  }
  return out;
}

/** Four packed bytes per int32, little-endian: the layout QLoRA keeps in memory. */
function toWords(bytes: Uint8Array): Int32Array {
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) words[i >> 2] |= bytes[i] << (8 * (i & 3));
  return words;
}

const CASES = [
  { file: 'case_a', layout: 'bytes' },
  { file: 'case_a', layout: 'words' },
  { file: 'case_c', layout: 'bytes' },
  { file: 'case_c', layout: 'words' },
] as const;

describe('NF4 matmul fixtures', () => {
  describe.skipIf(!gpu.ok)(gpuTitle('WGSL NF4 matmul vs fixture dequant'), () => {
    beforeAll(async () => {
      // cpu is the reference the last case compares with.
      await registerTfjsCpu();
      await webgpu().setup();
    });

    for (const c of CASES) {
      it(`${c.file}, ${c.layout} layout`, async () => {
        const file = join(FIXTURES, 'nf4', `${c.file}.safetensors`);
        const t = readSafetensors(file);
        const [outF, inF] = tensorOf(t, 'weight', file).shape;
        const packedBytes = tensorOf(t, 'packed', file).data as Uint8Array;
        const absmaxValues = tensorOf(t, 'absmax', file).data as Float32Array;
        const dense = tensorOf(t, 'dequant', file).data as Float32Array;
        const rows = 5;
        const before = tf.memory().numTensors;

        const x = tf.tensor2d(seeded(rows * inF, 11), [rows, inF]);
        const dy = tf.tensor2d(seeded(rows * outF, 12), [rows, outF]);
        const packed = tf.tensor1d(
          c.layout === 'bytes' ? Int32Array.from(packedBytes) : toWords(packedBytes),
          'int32',
        );
        const absmax = tf.tensor1d(absmaxValues);
        const attrs = { inFeatures: inF, outFeatures: outF, blockSize: 64 };

        const y = nf4MatMulWebGpu({ x, packed, absmax }, attrs);
        const dx = tf.grad((xx) =>
          tf.sum(tf.mul(nf4MatMulWebGpu({ x: xx as tf.Tensor2D, packed, absmax }, attrs), dy)),
        )(x);
        const yDiff = maxAbsDiff(
          await y.data(),
          matmul64((await x.data()) as Float32Array, dense, rows, inF, outF, true),
        );
        const dxDiff = maxAbsDiff(
          await dx.data(),
          matmul64((await dy.data()) as Float32Array, dense, rows, outF, inF, false),
        );
        console.log(
          `${c.file} ${c.layout}: y max diff ${yDiff.toExponential(2)}, dx max diff ${dxDiff.toExponential(2)}`,
        );
        expect(y.shape).toEqual([rows, outF]);
        expect(yDiff).toBeLessThan(1e-5);
        expect(dxDiff).toBeLessThan(1e-5);
        tf.dispose([x, dy, packed, absmax, y, dx]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('matches the generic NF4 kernel (tfjs ops, on cpu) on the same inputs', async () => {
      const file = join(FIXTURES, 'nf4', 'case_b.safetensors');
      const t = readSafetensors(file);
      const [outF, inF] = tensorOf(t, 'weight', file).shape;
      const words = toWords(tensorOf(t, 'packed', file).data as Uint8Array);
      const scales = tensorOf(t, 'absmax', file).data as Float32Array;
      const attrs = { inFeatures: inF, outFeatures: outF, blockSize: 64 };
      const run = async (backend: string, impl: typeof nf4MatMulWebGpu) => {
        await tf.setBackend(backend);
        const x = tf.tensor2d(seeded(3 * inF, 21), [3, inF]);
        const dy = tf.tensor2d(seeded(3 * outF, 22), [3, outF]);
        const packed = tf.tensor1d(words, 'int32');
        const absmax = tf.tensor1d(scales);
        const y = impl({ x, packed, absmax }, attrs);
        const dx = tf.grad((xx) =>
          tf.sum(tf.mul(impl({ x: xx as tf.Tensor2D, packed, absmax }, attrs), dy)),
        )(x);
        const out = [await y.data(), await dx.data()];
        tf.dispose([x, dy, packed, absmax, y, dx]);
        return out;
      };
      const generic = await run('cpu', nf4MatMulGeneric);
      const before = tf.memory().numTensors;
      const ours = await run('webgpu', nf4MatMulWebGpu);
      expect(tf.memory().numTensors).toBe(before);
      for (const [i, name] of ['y', 'dx'].entries()) {
        const diff = maxAbsDiff(ours[i], generic[i]);
        console.log(`case_b, webgpu vs generic on cpu: ${name} max diff ${diff.toExponential(2)}`);
        expect(diff).toBeLessThan(1e-5);
      }
    });

    it('rejects a packed tensor of the wrong size, naming the field', () => {
      const x = tf.zeros([2, 96]) as tf.Tensor2D;
      const packed = tf.zeros([100], 'int32') as tf.Tensor1D;
      const absmax = tf.zeros([192]) as tf.Tensor1D;
      expect(() =>
        nf4MatMulWebGpu({ x, packed, absmax }, { inFeatures: 96, outFeatures: 128, blockSize: 64 }),
      ).toThrow(/packed has 100 elements; expected 6144 \(one byte each\) or 1536/);
      tf.dispose([x, packed, absmax]);
    });
  });
});
