/**
 * Test support for the checkpoint tests (not exported): a tiny model with an optimizer,
 * checkpoints of it with known values, and ways to damage a checkpoint directory. `rehash`
 * rewrites the manifest after an edit so that a test reaches the field checks behind the
 * checksums, as a hand edit by someone who knows the format would.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalArray } from '../seeded-random.js';
import { tf } from '../tf.js';
import { type AdamW, adamW } from './adamw.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { snapshot } from './checkpoint.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { TrainableModel } from './trainable-model.js';

export interface Trainee {
  model: TrainableModel;
  optimizer: AdamW;
  dispose(): void;
}

export function tinyTrainee(): Trainee {
  const model = bagOfTokensModel({ buckets: 8, dim: 4, hidden: 4, seed: 1 });
  const optimizer = adamW(model.trainableVariables());
  return {
    model,
    optimizer,
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Sets every parameter and moment to seeded values (second moments >= 0) and the step count. */
export function fill(t: Trainee, seed: number, stepCount: number): void {
  let s = seed * 100;
  for (const v of t.model.trainableVariables().values()) {
    v.assign(tf.tensor(normalArray(v.size, 1, s++), v.shape, 'float32'));
  }
  const moments = new Map<string, Float32Array>();
  for (const [key, x] of t.optimizer.moments()) {
    const values = normalArray(x.size, 0.1, s++);
    moments.set(key, key.startsWith('v.') ? values.map(Math.abs) : values);
  }
  t.optimizer.restore(moments, stepCount);
}

/** Every parameter's and moment's values, for equality checks. */
export function values(t: Trainee): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, v] of t.model.trainableVariables()) out[name] = [...v.dataSync()];
  for (const [key, x] of t.optimizer.moments()) out[key] = [...x.dataSync()];
  return out;
}

/** Saves checkpoints of steps 1 and 2 with different values; returns those values by step. */
export async function twoCheckpoints(
  store: CheckpointStore,
): Promise<Map<number, Record<string, number[]>>> {
  const t = tinyTrainee();
  const out = new Map<number, Record<string, number[]>>();
  for (const step of [1, 2]) {
    fill(t, step, step * 10);
    await store.save(await snapshot(step, t.model, t.optimizer, { nextBatch: step }));
    out.set(step, values(t));
  }
  t.dispose();
  return out;
}

/** Recomputes manifest.json from the files beside it. */
export function rehash(dir: string): void {
  const files = readdirSync(dir)
    .filter((n) => n !== 'manifest.json')
    .map((name) => {
      const data = readFileSync(join(dir, name));
      return { name, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ files }));
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary fields of parsed JSON
export type Json = any;

/** Edits checkpoint.json as parsed JSON, then rehashes. */
export function editJson(dir: string, edit: (json: Json) => void): void {
  const file = join(dir, 'checkpoint.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  rehash(dir);
}

/** Writes `value` as float32 at element `index` of the named tensor, then rehashes. */
export function pokeTensor(dir: string, name: string, index: number, value: number): void {
  const json = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
  const entry = json.tensors.find((t: { name: string }) => t.name === name);
  const bin = readFileSync(join(dir, 'tensors.bin'));
  bin.writeFloatLE(value, entry.offset + 4 * index);
  writeFileSync(join(dir, 'tensors.bin'), bin);
  rehash(dir);
}
