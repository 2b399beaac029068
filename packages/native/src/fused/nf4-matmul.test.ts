/**
 * Native NF4 matmul (forward and the x gradient) against the QLoRA plugin's generic kernel on
 * tfjs-cpu, for both packed layouts (one byte per int32, four bytes per int32), odd element
 * counts, tiles and row chunks that do not divide the shapes; and against the bitsandbytes
 * golden fixtures (nf4/case_a/b/c): x = I gives dequant(W)^T, which must equal the fixture's
 * `dequant_dq` bit for bit. Tolerance vs generic: 1e-5 of each tensor's largest magnitude.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NF4_MATMUL, resolveFusedKernel, runFusedKernel, tf } from '@gft/core';
import { bitDiffs, goldenFixturesDir, relativeMaxError } from '@gft/core/testing';
import { nf4MatMulGeneric } from '@gft/plugin-qlora';
import { describe, expect, it } from 'vitest';
import { BACKEND, leftBehind, load, seeded, useNative, valuesOn } from './test-support.js';

interface Case {
  out: number;
  in: number;
  rows: number;
  blockSize: number;
  codesPerElement: 2 | 8;
}

const CASES: Case[] = [
  { out: 7, in: 13, rows: 3, blockSize: 64, codesPerElement: 2 },
  { out: 7, in: 13, rows: 3, blockSize: 64, codesPerElement: 8 },
  { out: 200, in: 96, rows: 37, blockSize: 64, codesPerElement: 2 },
  { out: 1024, in: 256, rows: 130, blockSize: 64, codesPerElement: 8 },
  { out: 256, in: 1024, rows: 300, blockSize: 64, codesPerElement: 2 },
  { out: 33, in: 40, rows: 1, blockSize: 32, codesPerElement: 8 },
];

/** Random packed codes in the case's layout, and positive per-block scales. */
function weights(c: Case): { packed: Int32Array; absmax: Float32Array } {
  const n = c.out * c.in;
  const units = Math.ceil(n / c.codesPerElement);
  const bits = seeded(units, 31, 1);
  const packed = Int32Array.from(bits, (b) =>
    c.codesPerElement === 2 ? Math.floor((b + 1) * 128) & 0xff : Math.floor((b + 1) * 2 ** 31) | 0,
  );
  const absmax = Float32Array.from(
    seeded(Math.ceil(n / c.blockSize), 32),
    (v) => 0.05 + Math.abs(v),
  );
  return { packed, absmax };
}

type Nf4 = (x: tf.Tensor2D, packed: tf.Tensor1D, absmax: tf.Tensor1D) => tf.Tensor2D;

function run(c: Case, nf4: Nf4): () => tf.Tensor[] {
  return () => {
    const { packed, absmax } = weights(c);
    const p = tf.tensor1d(packed, 'int32');
    const a = tf.tensor1d(absmax);
    const x = tf.tensor2d(seeded(c.rows * c.in, 33, 2), [c.rows, c.in]);
    const r = tf.tensor2d(seeded(c.rows * c.out, 34), [c.rows, c.out]);
    const y = nf4(x, p, a);
    const dx = tf.grad((xs) => tf.sum(tf.mul(nf4(xs as tf.Tensor2D, p, a), r)))(x);
    return [y, dx];
  };
}

/** The tensors of a safetensors file by name (F32 and U8 only). */
function readSafetensors(
  path: string,
): Map<string, { shape: number[]; data: Float32Array | Uint8Array }> {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, { shape: number[]; data: Float32Array | Uint8Array }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const raw = bytes.subarray(8 + headerLength + b, 8 + headerLength + e);
    const copy = new Uint8Array(raw);
    if (info.dtype === 'F32')
      out.set(name, { shape: info.shape, data: new Float32Array(copy.buffer) });
    else if (info.dtype === 'U8') out.set(name, { shape: info.shape, data: copy });
  }
  return out;
}

describe.skipIf(!load.ok)(
  `native NF4 matmul${load.ok ? '' : ` (skipped: ${load.ok ? '' : load.reason})`}`,
  () => {
    it('is the registered implementation on native backends', async () => {
      await useNative();
      expect(resolveFusedKernel(NF4_MATMUL, BACKEND)?.source).toBe('@gft/native (src/fused)');
    });

    it.each(CASES)(
      '[$rows, $in] x [$out, $in]^T, block $blockSize, $codesPerElement codes per int32, vs generic',
      async (c) => {
        await useNative();
        const attrs = { inFeatures: c.in, outFeatures: c.out, blockSize: c.blockSize };
        const native = await valuesOn(
          BACKEND,
          run(
            c,
            (x, packed, absmax) =>
              runFusedKernel(NF4_MATMUL, { x, packed, absmax }, attrs) as tf.Tensor2D,
          ),
        );
        const generic = await valuesOn(
          'cpu',
          run(c, (x, packed, absmax) => nf4MatMulGeneric({ x, packed, absmax }, attrs)),
        );
        const ey = relativeMaxError(native[0], generic[0]);
        const edx = relativeMaxError(native[1], generic[1]);
        console.log(
          `nf4 [${c.rows}, ${c.in}] x [${c.out}, ${c.in}]^T /${c.codesPerElement}: y ${ey.toExponential(2)}, dx ${edx.toExponential(2)}`,
        );
        expect(ey).toBeLessThan(1e-5);
        expect(edx).toBeLessThan(1e-5);
      },
    );

    it('leaves no tensors or native bytes behind', async () => {
      await useNative();
      const c = CASES[3];
      const attrs = { inFeatures: c.in, outFeatures: c.out, blockSize: c.blockSize };
      const left = leftBehind(
        run(
          c,
          (x, packed, absmax) =>
            runFusedKernel(NF4_MATMUL, { x, packed, absmax }, attrs) as tf.Tensor2D,
        ),
      );
      expect(left).toEqual({ tensors: 0, nativeBytes: 0 });
    });

    it.each(['case_a', 'case_b', 'case_c'])(
      'dequantises the bitsandbytes fixture %s bit-exactly',
      async (name) => {
        await useNative();
        const f = readSafetensors(join(goldenFixturesDir(), 'nf4', `${name}.safetensors`));
        const dense = f.get('dequant_dq')!;
        const [out, inFeatures] = dense.shape;
        const yT = tf.tidy(() => {
          const packed = tf.tensor1d(Int32Array.from(f.get('packed')!.data), 'int32');
          const absmax = tf.tensor1d(f.get('absmax_dq')!.data as Float32Array);
          const x = tf.eye(inFeatures) as tf.Tensor2D;
          const y = runFusedKernel(
            NF4_MATMUL,
            { x, packed, absmax },
            { inFeatures, outFeatures: out, blockSize: 64 },
          );
          return tf.transpose(y).dataSync() as Float32Array;
        });
        expect(bitDiffs(yT, dense.data)).toBe(0);
      },
    );
  },
);
