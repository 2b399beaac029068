// temp: measure the step peak above the static bytes for mini configs (cpu-native)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Adapter, type Backend, type MicroBatch, tf, train, type TrainableModel } from '@gft/core';
import { GemmaModel, randomWeights, trainStep } from '../src/index.js';
import type { GemmaConfig } from '../src/config.js';

const here = dirname(fileURLToPath(import.meta.url));
const { cpuNative } = (await import(join(here, '../../../plugins/cpu-native/dist/index.js'))) as { cpuNative(): Backend };
const backend = cpuNative();
await backend.setup();
const plugin = async (name: string) => import(join(here, `../../../plugins/${name}/dist/index.js`));
const mods = { 'full-ft': await plugin('full-ft'), lora: await plugin('lora'), qlora: await plugin('qlora') };
const adapterOf = (t: string): Adapter =>
  t === 'full-ft' ? mods['full-ft'].fullFineTune() : (mods as any)[t][t]({ r: 16, alpha: 32, dropout: Number(process.env.DROPOUT ?? 0) });

function batch(n: number, seq: number, vocab: number): MicroBatch {
  const rows = n / seq;
  return {
    layout: 'packed', batchSize: rows,
    inputIds: Int32Array.from({ length: n }, (_, i) => 3 + ((i * 7919) % (vocab - 3))),
    positionIds: Int32Array.from({ length: n }, (_, i) => i % seq),
    seqLens: Array(rows).fill(seq), cuSeqlens: Int32Array.from({ length: rows + 1 }, (_, i) => i * seq),
    maxSeqLen: seq, labels: Float32Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  } as MicroBatch;
}

const base = {
  family: 'gemma2', vocabSize: 2000, rmsNormEps: 1e-6, ropeTheta: 10000, slidingWindow: 4096,
  attnSoftcap: 50, finalSoftcap: 30, numLabels: 3, padTokenId: 0,
  hiddenSize: 256, intermediateSize: 1024, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 64,
  queryPreAttnScalar: 64,
};
const variants: [string, Partial<GemmaConfig>][] = JSON.parse(process.env.VARIANTS ?? '[["base",{}]]');
const techniques = (process.env.TECH ?? 'lora').split(',');
const ckpts = (process.env.CKPT ?? 'true').split(',').map((s) => s === 'true');
const N = Number(process.env.N ?? 2048);
const M = 2 ** 20;
for (const [label, v] of variants) for (const t of techniques) for (const ck of ckpts) {
  const cfg = { ...base, ...v } as GemmaConfig;
  const model = GemmaModel.build({ config: cfg, weights: randomWeights(cfg, { seed: 1 }), adapter: adapterOf(t), scoreSeed: 1 });
  const vars = model.trainableVariables();
  const tm: TrainableModel = {
    trainableVariables: () => vars,
    frozenBytes: () => model.memory().frozenBytes,
    lossAndGrads(mb, scale) { const r = trainStep(model, mb, { checkpoint: ck, lossScale: scale }); return { loss: r.loss, grads: r.grads }; },
    predict: () => new Float32Array(),
    dispose: () => model.dispose(),
  };
  const mb = batch(N, 256, cfg.vocabSize);
  const inUse = (backend.memory!() as any).reservedBytes;
  let trainable = 0; for (const x of vars.values()) trainable += x.size;
  const peaks: number[] = [];
  await train({ model: tm, steps: 3, schedule: { lr: 1e-5 }, backend, data: async function* () { for (;;) yield [mb]; },
    onEvent: (e) => { if (e.type === 'step') peaks.push(e.peakBackendBytes ?? 0); } });
  const nativeNow = tf.memory();
  const stat = model.memory().frozenBytes + trainable * 4 * 3; // weights + m + v
  const peak = peaks[peaks.length - 1];
  const act = peak - stat;
  console.log(`${label.padEnd(8)} ${t.padEnd(7)} ckpt=${ck} N=${N} L=${cfg.numLayers} frozen=${(model.memory().frozenBytes / M).toFixed(1)} trainable=${trainable} peak=${(peak / M).toFixed(1)}MiB static=${(stat / M).toFixed(1)} above=${(act / M).toFixed(2)}MiB perTokenFloats=${(act / 4 / N).toFixed(0)}`);
  model.dispose();
}
