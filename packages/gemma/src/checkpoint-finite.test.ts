/**
 * Loading a model directory rejects NaN and infinite float weights (F32, BF16, F16, and
 * float companions of 4-bit weights) with BAD_CHECKPOINT naming the file, tensor and first
 * bad element; before, such a checkpoint loaded and every prediction was NaN. Also: dense
 * weights in an integer dtype and a broken bitsandbytes quant_state are named errors.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, GftError } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import {
  openCheckpoint,
  openSafetensors,
  type TensorInputs,
  writeSafetensors,
} from '@gft/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGemma, readerWeightStore } from './checkpoint-load.js';
import { fixture } from './fixture-support.js';

let root: string;

beforeAll(async () => {
  await cpuBackend().setup();
  root = mkdtempSync(join(tmpdir(), 'gft-finite-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A copy of fixture directory `from` whose safetensors file `file` has `edit` applied to the
 * raw bytes of tensor `name` (and optionally a new dtype).
 */
function brokenCopy(
  from: string,
  file: string,
  name: string,
  edit: (bytes: Uint8Array) => Uint8Array,
  dtype?: 'I32',
): string {
  const dir = join(root, `${from.replace(/\W+/g, '-')}-${readdirSync(root).length}`);
  cpSync(fixture(from), dir, { recursive: true });
  const reader = openSafetensors(join(dir, file));
  const tensors: TensorInputs = {};
  for (const n of reader.names()) {
    const info = reader.info(n);
    const bytes = reader.readBytes(n);
    tensors[n] =
      n === name
        ? { dtype: dtype ?? info.dtype, shape: info.shape, data: edit(bytes) }
        : { dtype: info.dtype, shape: info.shape, data: bytes };
  }
  const metadata = reader.metadata;
  reader.close();
  writeSafetensors(join(dir, file), tensors, metadata);
  return dir;
}

function setF32(index: number, value: number) {
  return (bytes: Uint8Array) => {
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(index * 4, value, true);
    return bytes;
  };
}

function setU16(index: number, bits: number) {
  return (bytes: Uint8Array) => {
    new DataView(bytes.buffer, bytes.byteOffset).setUint16(index * 2, bits, true);
    return bytes;
  };
}

function loadError(dir: string): GftError {
  try {
    loadGemma(dir, { adapter: fullFineTune() }).dispose();
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`${dir} loaded`);
}

describe('non-finite weights are rejected at load', () => {
  it('a NaN in an F32 projection', () => {
    const name = 'model.layers.1.self_attn.q_proj.weight';
    const dir = brokenCopy('tiny-gemma2', 'model.safetensors', name, setF32(37, Number.NaN));
    const e = loadError(dir);
    const file = join(dir, 'model.safetensors');
    expect(e.code).toBe('BAD_CHECKPOINT');
    expect(e.where).toBe(`${file}:${name}`);
    expect(e.message).toMatch(
      /tensor 'model.layers.1.self_attn.q_proj.weight': element 37 \(of 4096\) is NaN/,
    );
  });

  it('an infinity in an F32 norm and in the embedding', () => {
    for (const [name, index, value] of [
      ['model.norm.weight', 5, Number.POSITIVE_INFINITY],
      ['model.embed_tokens.weight', 1000, Number.NEGATIVE_INFINITY],
    ] as const) {
      const dir = brokenCopy('tiny-gemma2', 'model.safetensors', name, setF32(index, value));
      const e = loadError(dir);
      expect(e.where).toBe(`${join(dir, 'model.safetensors')}:${name}`);
      expect(e.message).toContain(`element ${index} `);
      expect(e.message).toContain(`is ${value}`);
    }
  });

  it('an Inf bit pattern in a BF16 checkpoint', () => {
    const name = 'model.layers.0.mlp.up_proj.weight';
    const dir = brokenCopy('tiny-gemma2/model-bf16', 'model.safetensors', name, setU16(3, 0x7f80));
    const e = loadError(dir);
    expect(e.where).toBe(`${join(dir, 'model.safetensors')}:${name}`);
    expect(e.message).toMatch(/element 3 \(of 8192\) is Infinity/);
  });

  it('names the shard holding the bad tensor in a sharded checkpoint', () => {
    const shard = 'model-00002-of-00002.safetensors';
    const probe = openSafetensors(fixture('tiny-gemma2', 'sharded', shard));
    const name = probe.names().find((n) => n.endsWith('v_proj.weight'))!;
    probe.close();
    const dir = brokenCopy('tiny-gemma2/sharded', shard, name, setF32(0, Number.NaN));
    expect(loadError(dir).where).toBe(`${join(dir, shard)}:${name}`);
  });

  it('a dense weight stored as integers is an error, not a silent cast', () => {
    const name = 'model.layers.0.post_attention_layernorm.weight';
    const dir = brokenCopy('tiny-gemma2', 'model.safetensors', name, (b) => b, 'I32');
    const e = loadError(dir);
    expect(e.code).toBe('BAD_CHECKPOINT');
    expect(e.message).toMatch(
      /dtype I32 is not a float type; dense weights must be F32, BF16, F16 or F64/,
    );
  });

  it('float companions of a 4-bit weight must be finite; the packed codes are not floats', () => {
    const name = 'model.layers.0.self_attn.q_proj.weight';
    const dir = brokenCopy(
      'tiny-gemma2-qlora/base-bnb-nf4',
      'model.safetensors',
      `${name}.nested_absmax`,
      setF32(0, Number.NaN),
    );
    const store = readerWeightStore(openCheckpoint(dir), dir);
    try {
      const src = store.source(name);
      // Packed uint8 codes read as they are, whatever their bits.
      expect(src.stored?.read().byteLength).toBe((64 * 64) / 2);
      expect(src.companions?.absmax.read().byteLength).toBeGreaterThan(0);
      expect(() => src.companions?.nested_absmax.read()).toThrow(
        /q_proj.weight.nested_absmax': element 0 \(of 1\) is NaN/,
      );
    } finally {
      store.close?.();
    }
  });

  it('a broken quant_state is BAD_CHECKPOINT naming the companion, not a SyntaxError', () => {
    const name = 'model.layers.0.self_attn.q_proj.weight';
    const state = `${name}.quant_state.bitsandbytes__nf4`;
    for (const edit of [
      (b: Uint8Array) => b.fill(0x7b), // '{{{{...'
      (b: Uint8Array) => {
        const text = '{"shape": [64, "x"]}';
        b.fill(0x20);
        b.set(new TextEncoder().encode(text));
        return b;
      },
    ]) {
      const dir = brokenCopy('tiny-gemma2-qlora/base-bnb-nf4', 'model.safetensors', state, edit);
      const store = readerWeightStore(openCheckpoint(dir), dir);
      try {
        let error: unknown;
        try {
          store.shape(name);
        } catch (e) {
          error = e;
        }
        expect(GftError.isInstance(error) && error.code).toBe('BAD_CHECKPOINT');
        expect((error as GftError).where).toBe(`${join(dir, 'model.safetensors')}:${state}`);
      } finally {
        store.close?.();
      }
    }
  });

  it('the unmodified fixtures still load', () => {
    for (const dir of [
      'tiny-gemma2',
      'tiny-gemma2/model-bf16',
      'tiny-gemma2/sharded',
      'tiny-gemma',
    ]) {
      loadGemma(fixture(dir), { adapter: fullFineTune() }).dispose();
    }
  });
});
