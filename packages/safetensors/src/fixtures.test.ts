/**
 * Reads every safetensors file of the golden fixtures and checks the specific facts the
 * fixtures README states (tiny-gemma2 checkpoint, its bf16 copy, the sharded copy, NF4).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtypeSize } from './dtype.js';
import { openSafetensors } from './file-reader.js';
import { bf16ToF32, f32ToBf16 } from './half-float.js';
import { openCheckpoint } from './open-checkpoint.js';
import type { TensorReader } from './tensor-reader.js';
import { FIXTURES } from './test-support.js';
import { serializeSafetensors, type TensorInputs } from './write-safetensors.js';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? walk(join(dir, e.name))
      : e.name.endsWith('.safetensors')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every tensor of a reader as writer input, in its stored dtype. */
function asInputs(reader: TensorReader): TensorInputs {
  const out: TensorInputs = {};
  for (const name of reader.names()) {
    const { dtype, shape } = reader.info(name);
    out[name] = { dtype, shape, data: reader.readBytes(name) };
  }
  return out;
}

describe('golden fixtures', () => {
  const files = walk(FIXTURES).sort();

  it('finds the fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it('reads every tensor of every file with the byte count its dtype and shape imply', () => {
    let tensors = 0;
    for (const file of files) {
      const reader = openSafetensors(file);
      try {
        expect(reader.names().length, file).toBeGreaterThan(0);
        for (const name of reader.names()) {
          const info = reader.info(name);
          const count = info.shape.reduce((n, d) => n * d, 1);
          expect(info.byteLength, `${file}:${name}`).toBe(count * dtypeSize(info.dtype));
          expect(reader.readBytes(name).length).toBe(info.byteLength);
          expect(reader.read(name).length).toBe(count);
          tensors++;
        }
      } finally {
        reader.close();
      }
    }
    console.log(`read ${tensors} tensors from ${files.length} fixture files`);
  });

  it('rewrites every fixture file byte-identically from its own tensors and metadata', () => {
    const differing: string[] = [];
    for (const file of files) {
      const original = readFileSync(file);
      const reader = openSafetensors(file);
      const hasMetadata = original
        .subarray(8, 8 + 64)
        .toString('latin1')
        .includes('"__metadata__"');
      const rewritten = serializeSafetensors(
        asInputs(reader),
        hasMetadata ? reader.metadata : undefined,
      );
      reader.close();
      if (!Buffer.from(rewritten).equals(original)) differing.push(relative(FIXTURES, file));
    }
    expect(differing).toEqual([]);
  });

  describe('tiny-gemma2', () => {
    let model: TensorReader;
    beforeAll(() => {
      model = openSafetensors(join(FIXTURES, 'tiny-gemma2/model.safetensors'));
    });
    afterAll(() => model.close());

    it('model.safetensors holds 47 F32 tensors with the documented embedding shape', () => {
      const names = model.names();
      expect(names).toHaveLength(47);
      expect(names.every((n) => model.info(n).dtype === 'F32')).toBe(true);
      expect(model.info('model.embed_tokens.weight').shape).toEqual([512, 64]);
      expect(model.info('model.layers.0.self_attn.k_proj.weight').shape).toEqual([32, 64]);
      expect(model.info('score.weight').shape).toEqual([3, 64]);
      expect(model.metadata).toEqual({ format: 'pt' });
    });

    it('model-bf16 equals the F32 checkpoint rounded to bf16 (round to nearest even)', () => {
      const bf16 = openCheckpoint(join(FIXTURES, 'tiny-gemma2/model-bf16'));
      try {
        expect(bf16.names()).toEqual(model.names());
        for (const name of model.names()) {
          expect(bf16.info(name).dtype).toBe('BF16');
          const expected = bf16ToF32(f32ToBf16(model.readF32(name)));
          const actual = bf16.readF32(name);
          let maxDiff = 0;
          for (let i = 0; i < actual.length; i++)
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
          if (name === 'model.embed_tokens.weight')
            console.log(`bf16 ${name}: max |diff| ${maxDiff}`);
          expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer)), name).toBe(true);
        }
      } finally {
        bf16.close();
      }
    });

    it('the sharded copy gives exactly the same tensors as model.safetensors', () => {
      const sharded = openCheckpoint(join(FIXTURES, 'tiny-gemma2/sharded'));
      try {
        expect(sharded.names()).toEqual(model.names());
        expect(sharded.metadata).toEqual({ total_size: '726016' });
        for (const name of model.names()) {
          const a = sharded.info(name);
          const b = model.info(name);
          expect([a.dtype, a.shape]).toEqual([b.dtype, b.shape]);
          expect(
            Buffer.from(sharded.readBytes(name)).equals(Buffer.from(model.readBytes(name))),
            name,
          ).toBe(true);
        }
        expect(sharded.info('score.weight').file).toMatch(/model-00002-of-00002\.safetensors$/);
        expect(sharded.info('model.embed_tokens.weight').file).toMatch(
          /model-00001-of-00002\.safetensors$/,
        );
      } finally {
        sharded.close();
      }
    });
  });

  it('nf4/bnb_linear.safetensors: U8 packed weights and quant state read', () => {
    const reader = openCheckpoint(join(FIXTURES, 'nf4/bnb_linear.safetensors'));
    try {
      expect(reader.info('linear.weight')).toMatchObject({ dtype: 'U8', shape: [6144, 1] });
      const packed = reader.read('linear.weight');
      expect(packed).toBeInstanceOf(Uint8Array);
      expect(packed.length).toBe(6144);
      // Must equal the packed nibbles of case_a, stored in another file.
      const caseA = openSafetensors(join(FIXTURES, 'nf4/case_a.safetensors'));
      expect(Buffer.from(caseA.readBytes('packed')).equals(Buffer.from(packed as Uint8Array))).toBe(
        true,
      );
      expect(
        Buffer.from(caseA.readBytes('qabsmax')).equals(
          Buffer.from(reader.readBytes('linear.weight.absmax')),
        ),
      ).toBe(true);
      caseA.close();
      const state = JSON.parse(
        new TextDecoder().decode(
          reader.read('linear.weight.quant_state.bitsandbytes__nf4') as Uint8Array,
        ),
      );
      expect(state).toMatchObject({ quant_type: 'nf4', blocksize: 64, shape: [128, 96] });
      expect(reader.readF32('linear.weight.quant_map')).toHaveLength(16);
    } finally {
      reader.close();
    }
  });
});
