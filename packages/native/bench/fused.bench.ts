/**
 * The native fused kernels against the generic ones, both on cpu-native (so the difference is
 * the kernel, not the backend): varlen attention forward and forward+backward for the `small`
 * Gemma-2 preset's attention over T = 4096 tokens packed as 1024,768,640,512,448,320,256,128;
 * NF4 matmul (x gradient included) for its q/gate/down projection shapes over those tokens
 * and over 256 tokens;
 * RMSNorm and the GELU gate over [4096, hidden] / [4096, MLP width]. Prints medians.
 * Run: pnpm --filter @gft/native exec tsx bench/fused.bench.ts
 *   GFT_BENCH_REPEATS=N (default 5), GFT_BENCH_THREADS=N (default: every core).
 */
import {
  GELU_GATE,
  geluGateGeneric,
  NF4_MATMUL,
  RMS_NORM,
  registerTfjsCpu,
  rmsNormGeneric,
  runFusedKernel,
  tf,
  VARLEN_ATTENTION,
  type VarlenAttentionAttrs,
  varlenAttentionGeneric,
} from '@gft/core';
import { gemma, nf4MatMulGeneric } from '@gft/plugin-qlora';
import { fallbackCounts, registerNativeBackend } from '../src/index.js';

const BACKEND = 'cpu-native';
const LENGTHS = [1024, 768, 640, 512, 448, 320, 256, 128];
const REPEATS = Number(process.env.GFT_BENCH_REPEATS ?? 5);
/** Worker threads of the host device (default: every core). */
const THREADS = Number(process.env.GFT_BENCH_THREADS ?? 0);

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

interface Timing {
  /** Median wall-clock ms. */
  wall: number;
  /** Median process CPU ms (user + system, all threads): steadier than wall time on a busy machine. */
  cpu: number;
}

/** Medians of `f` after one warm-up call; `f` returns the tensors it made. */
function median(f: () => tf.Tensor[]): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    tf.tidy(() => {
      for (const t of f()) t.dataSync();
    });
    const wall = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    if (i > 0) {
      walls.push(wall);
      cpus.push((cpu.user + cpu.system) / 1000);
    }
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: mid(walls), cpu: mid(cpus) };
}

function row(name: string, generic: Timing, native: Timing): void {
  const cell = (t: Timing) =>
    `${t.wall.toFixed(1).padStart(8)} ms wall ${t.cpu.toFixed(1).padStart(8)} ms cpu`;
  console.log(
    `${name.padEnd(46)} generic ${cell(generic)} | native ${cell(native)} | x${(generic.wall / native.wall).toFixed(1)} wall x${(generic.cpu / native.cpu).toFixed(1)} cpu`,
  );
}

function attention(): void {
  const config = gemma.preset('small');
  const { numHeads: h, numKvHeads: kv, headDim: hd } = config;
  const t = LENGTHS.reduce((a, b) => a + b, 0);
  const cu = [0];
  for (const l of LENGTHS) cu.push(cu[cu.length - 1] + l);
  const attrs: VarlenAttentionAttrs = {
    cuSeqlens: cu,
    numHeads: h,
    numKvHeads: kv,
    headDim: hd,
    scale: (config.queryPreAttnScalar ?? hd) ** -0.5,
    softcap: config.attnSoftcap,
    // Gemma-2 alternates sliding and global layers; a 4096 window covers these sequences.
    window: config.slidingWindow,
  };
  const q = random([t, h * hd], 1) as tf.Tensor2D;
  const k = random([t, kv * hd], 2) as tf.Tensor2D;
  const v = random([t, kv * hd], 3) as tf.Tensor2D;
  const r = random([t, h * hd], 4);
  type Attn = (a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor2D;
  const generic: Attn = (a, b, c) => varlenAttentionGeneric({ q: a, k: b, v: c }, attrs);
  const native: Attn = (a, b, c) =>
    runFusedKernel(VARLEN_ATTENTION, { q: a, k: b, v: c }, attrs) as tf.Tensor2D;
  const both = (f: Attn) => () =>
    tf.grads((a, b, c) =>
      tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D), r)),
    )([q, k, v]);
  const label = `attention T=${t} H=${h} KV=${kv} hd=${hd}`;
  row(
    `${label} forward`,
    median(() => [generic(q, k, v)]),
    median(() => [native(q, k, v)]),
  );
  row(`${label} fwd+bwd`, median(both(generic)), median(both(native)));
  tf.dispose([q, k, v, r]);
}

/** NF4 over `t` rows: the packed batch, and a short one where dequantisation weighs more. */
function nf4(t: number): void {
  const config = gemma.preset('small');
  const d = config.hiddenSize;
  const shapes: Array<[string, number, number]> = [
    ['q_proj', d, config.numHeads * config.headDim],
    ['gate_proj', d, config.intermediateSize],
    ['down_proj', config.intermediateSize, d],
  ];
  for (const [name, inFeatures, outFeatures] of shapes) {
    const n = inFeatures * outFeatures;
    const attrs = { inFeatures, outFeatures, blockSize: 64 };
    // Four packed bytes per int32: the layout QLoRA keeps.
    const packed = tf.randomUniform(
      [Math.ceil(n / 8)],
      -(2 ** 31),
      2 ** 31 - 1,
      'int32',
      5,
    ) as tf.Tensor1D;
    const absmax = tf.randomUniform([Math.ceil(n / 64)], 0.01, 0.1, 'float32', 6) as tf.Tensor1D;
    const x = random([t, inFeatures], 7) as tf.Tensor2D;
    const r = random([t, outFeatures], 8);
    type Mm = (a: tf.Tensor2D) => tf.Tensor2D;
    const generic: Mm = (a) => nf4MatMulGeneric({ x: a, packed, absmax }, attrs);
    const native: Mm = (a) =>
      runFusedKernel(NF4_MATMUL, { x: a, packed, absmax }, attrs) as tf.Tensor2D;
    const both = (f: Mm) => () => [tf.grad((a) => tf.sum(tf.mul(f(a as tf.Tensor2D), r)))(x)];
    const label = `nf4 ${name} [${t}, ${inFeatures}] x [${outFeatures}, ${inFeatures}]^T`;
    row(
      `${label} fwd`,
      median(() => [generic(x)]),
      median(() => [native(x)]),
    );
    row(`${label} fwd+bwd`, median(both(generic)), median(both(native)));
    tf.dispose([packed, absmax, x, r]);
  }
}

function normAndGate(): void {
  const config = gemma.preset('small');
  const t = LENGTHS.reduce((a, b) => a + b, 0);
  const x = random([t, config.hiddenSize], 9) as tf.Tensor2D;
  const w = random([config.hiddenSize], 10) as tf.Tensor1D;
  const rx = random([t, config.hiddenSize], 11);
  const rms = (f: (a: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => () =>
    tf.grads((a, b) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor1D), rx)))([x, w]);
  row(
    `rmsnorm [${t}, ${config.hiddenSize}] fwd+bwd`,
    median(rms((a, b) => rmsNormGeneric({ x: a, weight: b }, { eps: 1e-6 }))),
    median(rms((a, b) => runFusedKernel(RMS_NORM, { x: a, weight: b }, { eps: 1e-6 }))),
  );
  const f = config.intermediateSize;
  const g = random([t, f], 12) as tf.Tensor2D;
  const u = random([t, f], 13) as tf.Tensor2D;
  const ru = random([t, f], 14);
  const gelu = (fn: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => () =>
    tf.grads((a, b) => tf.sum(tf.mul(fn(a as tf.Tensor2D, b as tf.Tensor2D), ru)))([g, u]);
  row(
    `gelu gate [${t}, ${f}] fwd+bwd`,
    median(gelu((a, b) => geluGateGeneric({ gate: a, up: b }))),
    median(gelu((a, b) => runFusedKernel(GELU_GATE, { gate: a, up: b }, {}))),
  );
  tf.dispose([x, w, rx, g, u, ru]);
}

async function main(): Promise<void> {
  await registerTfjsCpu();
  registerNativeBackend({
    backendName: BACKEND,
    deviceName: 'host',
    threads: THREADS || undefined,
  });
  await tf.setBackend(BACKEND);
  const facts = tf.backend() as unknown as {
    addon: { describe(d: unknown): object };
    device: unknown;
  };
  console.log(
    `cpu-native ${JSON.stringify(facts.addon.describe(facts.device))}, median of ${REPEATS}`,
  );
  attention();
  nf4(LENGTHS.reduce((a, b) => a + b, 0));
  nf4(256);
  normAndGate();
  const fallbacks = fallbackCounts(BACKEND);
  if (Object.keys(fallbacks).length > 0)
    console.log(`JavaScript fallbacks: ${JSON.stringify(fallbacks)}`);
}

await main();
