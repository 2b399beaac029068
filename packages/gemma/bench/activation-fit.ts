/**
 * Where activation-memory.ts's coefficients come from: runner steps on cpu-native for shapes
 * that change one dimension at a time (layers, hidden, MLP width, head dim, kv heads), at two
 * token counts, reading the engine's exact allocation high-water mark. Per shape and
 * technique it prints the bytes above weights + AdamW moments, the fitted floats per token
 * (the slope between the two token counts) and the model's prediction beside them.
 * Not a unit test (plugins/cpu-native/src/activation-memory.test.ts holds the model to 10%).
 * Run: pnpm build && tsx packages/gemma/bench/activation-fit.ts
 * Env: GFT_FIT_TECHNIQUES=lora,full-ft  GFT_FIT_DROPOUT=0  GFT_FIT_TOKENS=1024,2048
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Adapter, type Backend, type MicroBatch, train, variableParams } from '@gft/core';
import { activationMemory } from '../src/activation-memory.js';
import type { GemmaConfig } from '../src/config.js';
import { GemmaModel, gemmaTrainableModel, preset, randomWeights } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (name: string) => join(here, `../../../plugins/${name}/dist/index.js`);
const { cpuNative } = (await import(dist('cpu-native'))) as { cpuNative(): Backend };
const backend = cpuNative();
await backend.setup();

const TECHNIQUES = (process.env.GFT_FIT_TECHNIQUES ?? 'lora,full-ft').split(',');
const DROPOUT = Number(process.env.GFT_FIT_DROPOUT ?? 0);
const TOKENS = (process.env.GFT_FIT_TOKENS ?? '1024,2048').split(',').map(Number);
const RANK = 16;

async function adapterOf(technique: string): Promise<Adapter> {
  if (technique === 'full-ft') return (await import(dist('full-ft'))).fullFineTune();
  const mod = await import(dist(technique === 'qlora' ? 'qlora' : 'lora'));
  return mod[technique]({ r: RANK, alpha: 2 * RANK, dropout: DROPOUT });
}

const BASE: GemmaConfig = { ...preset('small'), vocabSize: 2000, numLayers: 2 };
const SHAPES: Array<[string, Partial<GemmaConfig>]> = [
  ['base', {}],
  ['layers 4', { numLayers: 4 }],
  ['hidden 384', { hiddenSize: 384 }],
  ['mlp 1536', { intermediateSize: 1536 }],
  ['headDim 96', { headDim: 96, queryPreAttnScalar: 96 }],
  ['kvHeads 4', { numKvHeads: 4 }],
];

function packed(tokens: number, vocab: number): MicroBatch {
  const seq = 256;
  const rows = tokens / seq;
  return {
    layout: 'packed',
    batchSize: rows,
    inputIds: Int32Array.from({ length: tokens }, (_, i) => 3 + ((i * 7919) % (vocab - 3))),
    positionIds: Int32Array.from({ length: tokens }, (_, i) => i % seq),
    seqLens: Array(rows).fill(seq),
    cuSeqlens: Int32Array.from({ length: rows + 1 }, (_, i) => i * seq),
    maxSeqLen: seq,
    labels: Float32Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  };
}

/** Bytes above weights + trainables + AdamW moments at the step peak, and the model's figure. */
async function above(config: GemmaConfig, technique: string, checkpoint: boolean, tokens: number) {
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 1 }),
    adapter: await adapterOf(technique),
  });
  const vars = model.trainableVariables();
  const trainable = gemmaTrainableModel(model, { checkpoint });
  const mb = packed(tokens, config.vocabSize);
  let peak = 0;
  await train({
    model: trainable,
    steps: 3,
    schedule: { lr: 1e-5 },
    backend,
    data: async function* () {
      for (;;) yield [mb];
    },
    onEvent: (e) => {
      if (e.type === 'step') peak = Math.max(peak, e.peakBackendBytes ?? 0);
    },
  });
  const trainableBytes = 4 * variableParams(vars.values());
  const statics = model.memory().frozenBytes + 3 * trainableBytes;
  const predicted = activationMemory(config, {
    profile: technique === 'full-ft' ? 'dense' : DROPOUT > 0 ? 'low-rank-dropout' : 'low-rank',
    tokens,
    checkpoint,
    rank: RANK,
    trainableBytes,
  }).peakBytes;
  model.dispose();
  return { measured: peak - statics, predicted };
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(8);
for (const [label, change] of SHAPES) {
  const config = { ...BASE, ...change };
  for (const technique of TECHNIQUES) {
    for (const checkpoint of [false, true]) {
      const [a, b] = [
        await above(config, technique, checkpoint, TOKENS[0]),
        await above(config, technique, checkpoint, TOKENS[1]),
      ];
      const slope = (b.measured - a.measured) / 4 / (TOKENS[1] - TOKENS[0]);
      console.log(
        `${label.padEnd(11)} ${technique.padEnd(7)} checkpoint=${String(checkpoint).padEnd(5)} above MiB ${mib(a.measured)} ${mib(b.measured)}  predicted ${mib(a.predicted)} ${mib(b.predicted)}  floats/token ${slope.toFixed(0)}`,
      );
    }
  }
}
