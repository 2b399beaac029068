/**
 * The fine-tuning loop the page runs: the `tiny` Gemma-2 preset (random weights) with a
 * LoRA adapter, AdamW, packed micro-batches of synthetic arena rows, on the webgpu backend.
 * Reads the loss with `await data()` so the tab never blocks on the GPU. Reports each step
 * through `onStep`; not UI code.
 */
import { syntheticArena } from '@gft/arena';
import { adamW, type MicroBatch, tf } from '@gft/core';
import { GemmaModel, preset, randomWeights } from '@gft/gemma';
import { lora } from '@gft/plugin-lora';
import { webgpu } from '@gft/plugin-webgpu';
import { packRows } from './packed-batch.js';
import { encodeRow } from './word-tokens.js';

export interface StepReport {
  step: number;
  loss: number;
  tokens: number;
  ms: number;
  tokensPerSecond: number;
}

export interface TrainingOptions {
  steps: number;
  rowsPerBatch: number;
  /** Words kept from each response (the rows are long; SwiftShader is slow). */
  wordsPerSide: number;
  learningRate: number;
}

function batches(options: TrainingOptions, count: number): MicroBatch[] {
  const records = syntheticArena(options.rowsPerBatch * count, { seed: 1 });
  const out: MicroBatch[] = [];
  for (let i = 0; i < count; i++) {
    const group = records.slice(i * options.rowsPerBatch, (i + 1) * options.rowsPerBatch);
    out.push(
      packRows(
        group.map((r) =>
          encodeRow(r.responseA.join(' '), r.responseB.join(' '), options.wordsPerSide),
        ),
        group.map((r) => r.label ?? [1 / 3, 1 / 3, 1 / 3]),
      ),
    );
  }
  return out;
}

export async function fineTune(
  options: TrainingOptions,
  onReady: (describe: Record<string, string | number | boolean>) => void,
  onStep: (report: StepReport) => void,
): Promise<void> {
  const backend = webgpu();
  await backend.setup();
  onReady(backend.describe?.() ?? {});
  // The word tokenizer's ids fit 512; a 256k-row embedding would only slow the browser down.
  const config = { ...preset('tiny'), vocabSize: 512 };
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 5, std: 0.05 }),
    adapter: lora({ r: 4, alpha: 8, seed: 1 }),
  });
  const vars = model.trainableVariables();
  const keyOf = new Map([...vars].map(([k, v]) => [v.name, k]));
  const optimizer = adamW(vars, { weightDecay: 0 });
  // Two fixed batches, cycled: the loss falls as the adapter fits them.
  const data = batches(options, 2);
  try {
    for (let step = 0; step < options.steps; step++) {
      const mb = data[step % data.length];
      const started = performance.now();
      const ctx = model.context(mb);
      const { value, grads } = tf.variableGrads(
        () => model.forwardContext(ctx).loss,
        [...vars.values()],
      );
      const loss = (await value.data())[0];
      const byKey = new Map<string, tf.Tensor>();
      for (const [name, g] of Object.entries(grads)) byKey.set(keyOf.get(name) ?? name, g);
      optimizer.step(byKey, options.learningRate);
      tf.dispose([value, ...Object.values(grads)]);
      ctx.dispose();
      const ms = performance.now() - started;
      const tokens = mb.inputIds.length;
      onStep({ step, loss, tokens, ms, tokensPerSecond: (tokens / ms) * 1000 });
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
