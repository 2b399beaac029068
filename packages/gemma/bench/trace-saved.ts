// temp: which tensors does the tape save for backward? grouped by shape class
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Adapter, type Backend, type MicroBatch, tf } from '@gft/core';
import { GemmaModel, randomWeights } from '../src/index.js';
import type { GemmaConfig } from '../src/config.js';

const here = dirname(fileURLToPath(import.meta.url));
const cfg: GemmaConfig = {
  family: 'gemma2', vocabSize: 1000, rmsNormEps: 1e-6, ropeTheta: 10000, slidingWindow: 4096,
  attnSoftcap: 50, finalSoftcap: 30, numLabels: 3, padTokenId: 0,
  hiddenSize: 96, intermediateSize: 160, numLayers: 1, numHeads: 4, numKvHeads: 2, headDim: 20,
  queryPreAttnScalar: 20,
} as GemmaConfig;
const N = 52;
const mb: MicroBatch = {
  layout: 'packed', batchSize: 2, inputIds: Int32Array.from({ length: N }, (_, i) => 5 + i),
  positionIds: Int32Array.from({ length: N }, (_, i) => i % 26), seqLens: [26, 26],
  cuSeqlens: Int32Array.from([0, 26, 52]), maxSeqLen: 26, labels: Float32Array.from([1, 0, 0, 0, 1, 0]),
} as MicroBatch;
const { cpuNative } = (await import(join(here, '../../../plugins/cpu-native/dist/index.js'))) as { cpuNative(): Backend };
await cpuNative().setup();
const which = process.argv[2] ?? 'lora';
const mod = await import(join(here, `../../../plugins/${which}/dist/index.js`));
const factory = Object.values(mod).find((f) => typeof f === 'function' && /^(lora|qlora|fullFineTune|fullFt)$/i.test((f as any).name)) as any;
const adapter: Adapter = which === 'full-ft' ? mod.fullFineTune() : mod[which]({ r: 7, alpha: 14, dropout: Number(process.argv[3] ?? 0.05) });
const model = GemmaModel.build({ config: cfg, weights: randomWeights(cfg, { seed: 1 }), adapter, scoreSeed: 1 });
const vars = [...model.trainableVariables().values()];
const ctx = model.context(mb);
const dims: Record<number, string> = { 96: 'D', 160: 'F', 80: 'Hhd', 40: 'KVhd', 7: 'r', 1000: 'V', 3: 'L', 4: 'H', 2: 'KV', 20: 'hd' };
tf.variableGrads(() => {
  const out = model.forwardContext(ctx, { training: true, seed: 1 });
  const tape = (tf.engine() as any).state.activeTape as { kernelName: string; saved: tf.Tensor[] }[];
  const seen = new Map<number, { shape: number[]; who: string[] }>();
  for (const node of tape) for (const t of node.saved ?? []) {
    const id = (t.dataId as any).id ?? t.dataId;
    const e = seen.get(id as any) ?? { shape: t.shape, who: [] };
    e.who.push(node.kernelName);
    seen.set(id as any, e);
  }
  const varIds = new Set(vars.map((v) => v.dataId));
  let total = 0;
  const rows: string[] = [];
  for (const [id, e] of seen) {
    const t = [...seen.keys()];
    const cls = e.shape.map((d) => (d === N ? 'N' : dims[d] ?? String(d))).join('x');
    const size = e.shape.reduce((a, b) => a * b, 1);
    total += size;
    rows.push(`${cls.padEnd(14)} ${e.who.join(',')}`);
  }
  rows.sort();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
  for (const [r, c] of counts) console.log(c, r);
  console.log('total floats', total, 'per token', (total / N).toFixed(1));
  return out.loss;
}, vars);
