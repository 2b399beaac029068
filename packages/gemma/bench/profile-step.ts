/**
 * Kernel-level profile of one training step of the `small` preset on wasm (or cpu-native with
 * GFT_BACKEND=cpu-native): time and count
 * per tfjs kernel (tf.profile), largest first. A diagnostic, not a benchmark.
 * Run: pnpm --filter @gft/gemma exec tsx bench/profile-step.ts
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Adapter, type Backend, type MicroBatch, tf, wasmBackend } from '@gft/core';
import { GemmaModel, preset, randomWeights, trainStep } from '../src/index.js';

const LENGTHS = [1024, 768, 640, 512, 448, 320, 256, 128];

async function nativeBackend() {
  const dist = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../plugins/cpu-native/dist/index.js',
  );
  const mod = (await import(dist)) as { cpuNative(o?: object): Backend };
  return mod.cpuNative();
}

async function main() {
  const backend =
    process.env.GFT_BACKEND === 'cpu-native'
      ? await nativeBackend()
      : wasmBackend({ threads: Number(process.env.GFT_THREADS ?? 1) });
  await backend.setup();
  const loraDist = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../plugins/lora/dist/index.js',
  );
  if (!existsSync(loraDist)) throw new Error(`build plugins/lora first (${loraDist})`);
  const mod = (await import(loraDist)) as { lora(o: object): Adapter };
  const config = preset('small');
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 1 }),
    adapter: mod.lora({ r: 16, alpha: 32 }),
  });
  const total = LENGTHS.reduce((a, b) => a + b, 0);
  const ids = Int32Array.from(
    { length: total },
    (_, i) => 3 + ((i * 7919) % (config.vocabSize - 3)),
  );
  const cu = new Int32Array(LENGTHS.length + 1);
  LENGTHS.forEach((l, i) => {
    cu[i + 1] = cu[i] + l;
  });
  const positions = new Int32Array(total);
  LENGTHS.forEach((l, i) => {
    for (let t = 0; t < l; t++) positions[cu[i] + t] = t;
  });
  const labels = new Float32Array(LENGTHS.length * 3);
  for (let i = 0; i < LENGTHS.length; i++) labels[i * 3 + (i % 3)] = 1;
  const mb: MicroBatch = {
    layout: 'packed',
    inputIds: ids,
    positionIds: positions,
    batchSize: LENGTHS.length,
    seqLens: LENGTHS,
    cuSeqlens: cu,
    maxSeqLen: 1024,
    labels,
  };
  const ref = () => {
    const a = tf.randomNormal([1024, 1024]);
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      tf.matMul(a as tf.Tensor2D, a as tf.Tensor2D).dispose();
      ts.push(performance.now() - t0);
    }
    a.dispose();
    return (2 * 1024 ** 3) / ts.sort((x, y) => x - y)[2] / 1e6;
  };
  console.log(`machine reference: 1024^3 matmul ${ref().toFixed(1)} GFLOP/s`);
  const checkpoint = process.env.GFT_CKPT === 'true';
  const step = () => tf.dispose([...trainStep(model, mb, { checkpoint }).grads.values()]);
  step();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < Number(process.env.GFT_STEPS ?? 2); i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - t0);
    cpus.push((c.user + c.system) / 1000);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const wall = med(walls);
  console.log(
    `step: wall ${wall.toFixed(0)} ms, process CPU ${med(cpus).toFixed(0)} ms (load-insensitive when single-threaded)`,
  );
  const prof = await tf.profile(step);
  const agg = new Map<string, { ms: number; n: number; bytes: number }>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}`;
    const a = agg.get(key) ?? { ms: 0, n: 0, bytes: 0 };
    a.ms += Number(k.kernelTimeMs) || 0;
    a.n++;
    a.bytes += k.totalBytesSnapshot;
    agg.set(key, a);
  }
  const byName = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const a = byName.get(k.name) ?? { ms: 0, n: 0 };
    a.ms += Number(k.kernelTimeMs) || 0;
    a.n++;
    byName.set(k.name, a);
  }
  const sum = [...byName.values()].reduce((s, a) => s + a.ms, 0);
  console.log(
    `wall ${wall.toFixed(0)} ms (unprofiled), kernels ${prof.kernels.length}, kernel ms ${sum.toFixed(0)}, peak ${(prof.peakBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const [k, a] of [...byName].sort((x, y) => y[1].ms - x[1].ms).slice(0, 25))
    console.log(`${a.ms.toFixed(0).padStart(7)} ms ${String(a.n).padStart(6)}x ${k}`);
  console.log('--- by shape');
  for (const [k, a] of [...agg].sort((x, y) => y[1].ms - x[1].ms).slice(0, 40))
    console.log(`${a.ms.toFixed(0).padStart(7)} ms ${String(a.n).padStart(6)}x ${k}`);
  model.dispose();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
