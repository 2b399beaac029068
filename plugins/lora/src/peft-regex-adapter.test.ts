/**
 * A PEFT adapter whose target_modules is a regular expression loads into tiny-gemma2 as the
 * same model its list form gives (same adapted sites, same logits), and saving it writes
 * the explicit list (plus layers_to_transform) that PEFT reads back to the same sites.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, tf } from '@gft/core';
import { loadGemma } from '@gft/gemma';
import { openSafetensors, type TensorInputs, writeSafetensors } from '@gft/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { isLoraLinear } from './lora-linear.js';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from './peft-config.js';
import { FIXTURES, packed3 } from './test-support.js';

const PEFT_DIR = join(FIXTURES, 'tiny-gemma2-lora');
const MODEL_DIR = join(FIXTURES, 'tiny-gemma2');
const fixtureConfig = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(PEFT_DIR, ADAPTER_CONFIG_FILE), 'utf8'));

const dirs: string[] = [];
beforeAll(async () => {
  await cpuBackend().setup();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the fixture adapter with `config` edits and only the tensors `keep` accepts. */
function adapterDir(edits: Record<string, unknown>, keep: (key: string) => boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'gft-peft-regex-'));
  dirs.push(dir);
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), JSON.stringify({ ...fixtureConfig(), ...edits }));
  const reader = openSafetensors(join(PEFT_DIR, ADAPTER_WEIGHTS_FILE));
  const tensors: TensorInputs = {};
  for (const key of reader.names().filter(keep)) {
    tensors[key] = { dtype: 'F32', shape: reader.info(key).shape, data: reader.readF32(key) };
  }
  reader.close();
  writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  return dir;
}

/** The loaded model's adapted sites and classification logits on packed3. */
async function loadAndRun(dir: string) {
  const adapter = lora(loraOptionsFromPeft(dir));
  const model = loadGemma(MODEL_DIR, { adapter });
  await adapter.load!(dir, model.adapterState());
  const state = model.adapterState();
  const sites = [...state.linears].filter(([, l]) => isLoraLinear(l)).map(([s]) => s);
  const out = model.forward(await packed3());
  const logits = Float32Array.from(out.logits.dataSync());
  tf.dispose([out.hidden, out.logits, out.loss]);
  return { adapter, model, sites: sites.sort(), logits };
}

describe('regex target_modules in a PEFT adapter directory', () => {
  it('every projection: the regex form is the list form', async () => {
    const regex = adapterDir(
      {
        target_modules: 'model\\.layers\\.\\d+\\.(self_attn\\.(q|k|v|o)|mlp\\.(gate|up|down))_proj',
      },
      () => true,
    );
    const a = await loadAndRun(PEFT_DIR);
    const b = await loadAndRun(regex);
    expect(b.sites).toHaveLength(4 * 7);
    expect(b.sites).toEqual(a.sites);
    expect(Buffer.from(b.logits.buffer).equals(Buffer.from(a.logits.buffer))).toBe(true);
    a.model.dispose();
    b.model.dispose();
  });

  it('q/v in layers 0-1 by regex equals the list with layers_to_transform, and saves as that list', async () => {
    const keep = (key: string) =>
      key === 'base_model.model.score.weight' ||
      /^base_model\.model\.model\.layers\.[01]\.self_attn\.[qv]_proj\./.test(key);
    const regex = adapterDir(
      { target_modules: 'model\\.layers\\.(0|1)\\.self_attn\\.(?P<p>q|v)_proj' },
      keep,
    );
    const list = adapterDir(
      { target_modules: ['q_proj', 'v_proj'], layers_to_transform: [0, 1] },
      keep,
    );
    const a = await loadAndRun(list);
    const b = await loadAndRun(regex);
    expect(b.sites).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    expect(b.sites).toEqual(a.sites);
    expect(Buffer.from(b.logits.buffer).equals(Buffer.from(a.logits.buffer))).toBe(true);
    // The fixture's layers 2-3 adapters were dropped, so the logits differ from the full one.
    const full = await loadAndRun(PEFT_DIR);
    expect(Buffer.from(b.logits.buffer).equals(Buffer.from(full.logits.buffer))).toBe(false);

    const saved = mkdtempSync(join(tmpdir(), 'gft-peft-regex-saved-'));
    dirs.push(saved);
    await b.adapter.save!(saved, b.model.adapterState());
    const written = JSON.parse(readFileSync(join(saved, ADAPTER_CONFIG_FILE), 'utf8'));
    expect(written).toMatchObject({
      target_modules: ['q_proj', 'v_proj'],
      layers_to_transform: [0, 1],
    });
    const c = await loadAndRun(saved);
    expect(c.sites).toEqual(b.sites);
    expect(Buffer.from(c.logits.buffer).equals(Buffer.from(b.logits.buffer))).toBe(true);
    for (const x of [a, b, c, full]) x.model.dispose();
  });

  it('a regex the fixture cannot honour is refused naming the file and field', () => {
    const bad = adapterDir({ target_modules: 'q_proj' }, () => true);
    expect(() => loraOptionsFromPeft(bad)).toThrow(
      `${bad}/adapter_config.json: 'target_modules' = "q_proj" matches no module`,
    );
    const both = adapterDir({ target_modules: '.*q_proj', layers_to_transform: [0] }, () => true);
    expect(() => loraOptionsFromPeft(both)).toThrow(
      `${both}/adapter_config.json: 'layers_to_transform' = [0] is not supported (supported: null when target_modules is a regular expression)`,
    );
    const pattern = adapterDir(
      { target_modules: '.*q_proj', layers_pattern: 'layers' },
      () => true,
    );
    expect(() => loraOptionsFromPeft(pattern)).toThrow(
      `${pattern}/adapter_config.json: 'layers_pattern' = "layers" is not supported`,
    );
  });
});
