/**
 * Technique benchmark: the `small` Gemma-2 preset (random init) on the wasm backend, one
 * packed micro-batch, per technique (full-ft, LoRA r16, QLoRA r16, DoRA r16 from the
 * third-party example): trainable parameters, frozen bytes, tfjs peak tensor bytes of a
 * training step, and training tokens/s (forward + backward + AdamW step; median of timed
 * steps after one warm-up), with each technique's ratio to full-ft measured in this run.
 *
 * Not a unit test: nothing is asserted. DoRA and full-ft are imported by relative path
 * (neither is a dependency of @gft/plugin-qlora).
 * Run: pnpm --filter @gft/plugin-qlora bench
 * Env: GFT_BENCH_LENGTHS=1024,768,... (sequence lengths), GFT_BENCH_STEPS=3 (timed steps),
 *      GFT_BENCH_TECHNIQUES=qlora,lora,dora,full-ft, GFT_BENCH_CHECKPOINT=true|false.
 */
import { type Adapter, adamW, type MicroBatch, tf, wasmBackend } from '@gft/core';
import { GemmaModel, preset, randomWeights, trainStep } from '@gft/gemma';
import { lora } from '@gft/plugin-lora';
import { dora } from '../../../examples/custom-technique/src/index.js';
import { fullFineTune } from '../../full-ft/src/index.js';
import { qlora } from '../src/index.js';

/** Default 2048 tokens so the run fits ~5 minutes on a shared 2-core machine; the brief's 4096: 1024,768,640,512,448,320,256,128. */
const LENGTHS = (process.env.GFT_BENCH_LENGTHS ?? '512,384,320,256,224,160,128,64')
  .split(',')
  .map(Number);
const TIMED_STEPS = Number(process.env.GFT_BENCH_STEPS ?? 3);
const CHECKPOINT = (process.env.GFT_BENCH_CHECKPOINT ?? 'true') === 'true';
const LR = 1e-4;

/** Rising expected memory: the wasm heap never shrinks, so its high-water mark is read in order. */
const TECHNIQUES: Record<string, () => Adapter> = {
  'qlora r16': () => qlora({ r: 16, alpha: 32 }),
  'lora r16': () => lora({ r: 16, alpha: 32 }),
  'dora r16': () => dora({ r: 16, alpha: 32 }),
  'full-ft': () => fullFineTune(),
};
const SELECTED = (process.env.GFT_BENCH_TECHNIQUES ?? 'qlora,lora,dora,full-ft').split(',');

function packedBatch(vocab: number): MicroBatch {
  const total = LENGTHS.reduce((a, b) => a + b, 0);
  const inputIds = new Int32Array(total);
  const positionIds = new Int32Array(total);
  const cuSeqlens = new Int32Array(LENGTHS.length + 1);
  let s = 7;
  LENGTHS.forEach((len, b) => {
    cuSeqlens[b + 1] = cuSeqlens[b] + len;
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      inputIds[cuSeqlens[b] + t] = 3 + (s % (vocab - 3));
      positionIds[cuSeqlens[b] + t] = t;
    }
  });
  const labels = new Float32Array(LENGTHS.length * 3);
  LENGTHS.forEach((_, b) => {
    labels[b * 3 + (b % 3)] = 1;
  });
  return {
    layout: 'packed',
    batchSize: LENGTHS.length,
    inputIds,
    positionIds,
    seqLens: LENGTHS,
    cuSeqlens,
    maxSeqLen: Math.max(...LENGTHS),
    labels,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

interface Row {
  name: string;
  trainableParams: number;
  frozenBytes: number;
  optimizerBytes: number;
  peakBytes: number;
  heapBytes: number;
  buildMs: number;
  fwdBwdMs: number;
  optMs: number;
  stepMs: number;
  /** Process CPU time of a step (user + system): robust to other processes sharing the cores. */
  cpuMs: number;
  tokensPerSec: number;
  cpuTokensPerSec: number;
  loss: number;
}

async function measure(
  name: string,
  make: () => Adapter,
  mb: MicroBatch,
  heap: () => number,
): Promise<Row> {
  const config = preset('small');
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 1 }),
    adapter: make(),
  });
  const buildMs = performance.now() - t0;
  const vars = model.trainableVariables();
  const optimizer = adamW(vars);
  const fwdBwd: number[] = [];
  const opt: number[] = [];
  const cpu: number[] = [];
  let loss = Number.NaN;
  const step = () => {
    const c0 = process.cpuUsage();
    const a = performance.now();
    const out = trainStep(model, mb, { checkpoint: CHECKPOINT });
    const b = performance.now();
    optimizer.step(out.grads, LR);
    tf.dispose([...out.grads.values()]);
    fwdBwd.push(b - a);
    opt.push(performance.now() - b);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    loss = out.loss;
  };
  // The warm-up step, profiled: tfjs's engine peak over a whole training step.
  const prof = await tf.profile(step);
  fwdBwd.length = 0;
  opt.length = 0;
  cpu.length = 0;
  for (let i = 0; i < TIMED_STEPS; i++) step();
  const { trainableParams, frozenBytes } = model.memory();
  const row: Row = {
    name,
    trainableParams,
    frozenBytes,
    optimizerBytes: optimizer.bytes,
    peakBytes: prof.peakBytes,
    heapBytes: heap(),
    buildMs,
    fwdBwdMs: median(fwdBwd),
    optMs: median(opt),
    stepMs: median(fwdBwd.map((f, i) => f + opt[i])),
    cpuMs: median(cpu),
    tokensPerSec: 0,
    cpuTokensPerSec: 0,
    loss,
  };
  row.tokensPerSec = (mb.inputIds.length / row.stepMs) * 1000;
  row.cpuTokensPerSec = (mb.inputIds.length / row.cpuMs) * 1000;
  optimizer.dispose();
  model.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.log(`${name}: ${leaked} tensor(s) still allocated after dispose`);
  console.log(
    `${name}: built in ${buildMs.toFixed(0)} ms, step ${row.stepMs.toFixed(0)} ms wall, ${row.cpuMs.toFixed(0)} ms CPU (fwd+bwd ${row.fwdBwdMs.toFixed(0)}, AdamW ${row.optMs.toFixed(0)}), loss ${loss.toFixed(4)}`,
  );
  return row;
}

function table(rows: Row[]): string {
  const base = rows.find((r) => r.name === 'full-ft');
  const head = [
    'technique',
    'trainable params',
    'frozen MiB',
    'AdamW MiB',
    'tfjs peak MiB',
    'wasm heap MiB',
    'ms/step (fwd+bwd / AdamW)',
    'tokens/s',
    'vs full-ft',
    'CPU ms/step',
    'tokens/CPU-s',
    'vs full-ft (CPU)',
  ];
  const lines = rows.map((r) => [
    r.name,
    r.trainableParams.toLocaleString('en-US'),
    mib(r.frozenBytes),
    mib(r.optimizerBytes),
    mib(r.peakBytes),
    mib(r.heapBytes),
    `${r.stepMs.toFixed(0)} (${r.fwdBwdMs.toFixed(0)} / ${r.optMs.toFixed(0)})`,
    r.tokensPerSec.toFixed(0),
    base ? `${(r.tokensPerSec / base.tokensPerSec).toFixed(2)}x` : 'n/a',
    r.cpuMs.toFixed(0),
    r.cpuTokensPerSec.toFixed(0),
    base ? `${(r.cpuTokensPerSec / base.cpuTokensPerSec).toFixed(2)}x` : 'n/a',
  ]);
  return [head, head.map(() => '---'), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

async function main() {
  const backend = wasmBackend();
  await backend.setup();
  const heap = () => backend.memory?.().reservedBytes ?? 0;
  const config = preset('small');
  const mb = packedBatch(config.vocabSize);
  console.log(
    `techniques on gemma small (random init), ${tf.getBackend()} backend, ${LENGTHS.length} packed sequences (${mb.inputIds.length} tokens: ${LENGTHS.join(', ')}), ` +
      `checkpointing ${CHECKPOINT}, 1 warm-up + ${TIMED_STEPS} timed steps each`,
  );
  const rows: Row[] = [];
  for (const [name, make] of Object.entries(TECHNIQUES)) {
    if (!SELECTED.includes(name.split(' ')[0])) continue;
    rows.push(await measure(name, make, mb, heap));
  }
  console.log(`\n${table(rows)}\n`);
  console.log(
    "tokens/s counts real tokens through forward + backward + the AdamW step (wall clock); tokens/CPU-s divides by this process's CPU time instead, which other processes on the shared cores inflate less. tfjs peak: the engine's tensor-byte peak over the warm-up step (tf.profile; buffers shared by the wasm Identity count twice, so an overcount). wasm heap: high-water mark so far in this process (it never shrinks; techniques run in rising expected memory).",
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
