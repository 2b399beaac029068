/**
 * adapter_model.safetensors with NaN / infinite values or an integer dtype is rejected
 * when loaded, naming the file and tensor, and leaves the adapter's variables untouched;
 * before, the NaN loaded and every prediction with the adapter was NaN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterState, cpuBackend, GftError, type LinearSite, tf } from '@gft/core';
import { openSafetensors, type TensorInputs, writeSafetensors } from '@gft/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';
import { ADAPTER_WEIGHTS_FILE } from './peft-config.js';

const site: LinearSite = {
  name: 'model.layers.0.self_attn.q_proj',
  layer: 0,
  module: 'q_proj',
  inFeatures: 4,
  outFeatures: 6,
};
const KEY_B = `base_model.model.${site.name}.lora_B.weight`;
const KEY_SCORE = 'base_model.model.score.weight';

let root: string;
beforeAll(async () => {
  await cpuBackend().setup();
  root = mkdtempSync(join(tmpdir(), 'gft-peft-tensors-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function build() {
  const adapter = lora({ r: 2, alpha: 4, targetModules: ['q_proj'], layersToTransform: [0] });
  const linear = adapter.linear(site, {
    name: `${site.name}.weight`,
    shape: [6, 4],
    readF32: () => Float32Array.from({ length: 24 }, (_, i) => i / 24),
  });
  const score = tf.variable(tf.fill([3, 4], 0.5));
  const state: AdapterState = {
    linears: new Map([[site.name, linear]]),
    params: new Map([['score.weight', score]]),
  };
  return { adapter, state, dispose: () => tf.dispose([score, ...Object.values(linear.trainable)]) };
}

/** Saves an adapter, then rewrites tensor `key` of its file through `edit`. */
async function savedThenEdited(
  key: string,
  edit: (t: TensorInputs[string]) => TensorInputs[string],
): Promise<string> {
  const dir = join(root, `case-${Math.random().toString(36).slice(2)}`);
  const { adapter, state, dispose } = build();
  await adapter.save!(dir, state);
  dispose();
  const file = join(dir, ADAPTER_WEIGHTS_FILE);
  const reader = openSafetensors(file);
  const tensors: TensorInputs = {};
  for (const name of reader.names()) {
    const { dtype, shape } = reader.info(name);
    const t = { dtype, shape, data: reader.readBytes(name) };
    tensors[name] = name === key ? edit(t) : t;
  }
  reader.close();
  writeSafetensors(file, tensors, { format: 'pt' });
  return dir;
}

const withF32 =
  (index: number, value: number) =>
  (t: TensorInputs[string]): TensorInputs[string] => {
    const data = new Float32Array((t.data as Uint8Array).buffer.slice(0));
    data[index] = value;
    return { ...t, data };
  };

async function loadError(dir: string): Promise<{ error: GftError; untouched: boolean }> {
  const { adapter, state, dispose } = build();
  const linear = state.linears.get(site.name)!;
  const before = [...linear.trainable['lora_A.weight'].dataSync()];
  let error: unknown;
  try {
    await adapter.load!(dir, state);
  } catch (e) {
    error = e;
  }
  const untouched =
    [...linear.trainable['lora_A.weight'].dataSync()].every((v, i) => v === before[i]) &&
    [...state.params.get('score.weight')!.dataSync()].every((v) => v === 0.5);
  dispose();
  if (!GftError.isInstance(error)) throw new Error(`expected a GftError, got ${error}`);
  return { error, untouched };
}

describe('adapter tensors must be finite floats', () => {
  it('a NaN in lora_B', async () => {
    const dir = await savedThenEdited(KEY_B, withF32(5, Number.NaN));
    const { error, untouched } = await loadError(dir);
    const file = join(dir, ADAPTER_WEIGHTS_FILE);
    expect(error.code).toBe('BAD_CHECKPOINT');
    expect(error.where).toBe(`${file}:${KEY_B}`);
    expect(error.message).toMatch(/lora_B.weight': element 5 \(of 12\) is NaN/);
    expect(untouched).toBe(true);
  });

  it('an infinity in a modules_to_save tensor', async () => {
    const dir = await savedThenEdited(KEY_SCORE, withF32(0, Number.NEGATIVE_INFINITY));
    const { error, untouched } = await loadError(dir);
    expect(error.where).toBe(`${join(dir, ADAPTER_WEIGHTS_FILE)}:${KEY_SCORE}`);
    expect(error.message).toMatch(/element 0 \(of 12\) is -Infinity/);
    expect(untouched).toBe(true);
  });

  it('an integer dtype is an error, not a silent cast', async () => {
    const dir = await savedThenEdited(KEY_B, (t) => ({ ...t, dtype: 'I32' }));
    const { error } = await loadError(dir);
    expect(error.code).toBe('BAD_CHECKPOINT');
    expect(error.message).toMatch(/dtype I32; adapter weights must be F32, BF16, F16 or F64/);
  });

  it('an unmodified adapter still loads', async () => {
    const dir = await savedThenEdited(KEY_B, (t) => t);
    const { adapter, state, dispose } = build();
    await adapter.load!(dir, state);
    dispose();
  });
});
