/**
 * Benchmark of the `small` preset on each backend (cpu-native and wasm by default,
 * GFT_BENCH_BACKENDS to choose), beside PyTorch eager on the same work when the peer
 * (../shared/peer/bench_peer.py, Debian's python3-torch) is installed, all in one run:
 * forward+backward tokens/s for the same eight sequences packed and padded, the varlen
 * attention against a dense masked attention over the whole packed row, achieved GFLOP/s,
 * peak memory with and without per-layer checkpointing. Each backend runs in its own child
 * process, so its peak RSS is its own. Technique: LoRA (r 16, all linears) when
 * plugins/lora/dist exists (imported by path: @gft/plugin-lora must not be a dependency of
 * @gft/gemma), otherwise full-ft with a frozen base (only the score head trains).
 * Run: pnpm --filter @gft/gemma bench
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Adapter,
  type Backend,
  GftError,
  type MicroBatch,
  tf,
  varlenAttention,
  wasmBackend,
} from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import { GemmaModel, preset, randomWeights, seededNormal, trainStep } from '../src/index.js';

const BASE_LENGTHS = [1024, 768, 640, 512, 448, 320, 256, 128];
/** GFT_BENCH_REPEAT=4 repeats the eight sequences (16,384 tokens: the memory check). */
const LENGTHS = Array.from(
  { length: Number(process.env.GFT_BENCH_REPEAT ?? 1) },
  () => BASE_LENGTHS,
).flat();
/** GFT_BENCH_LAYOUTS=packed limits the layouts; GFT_BENCH_CHECKPOINT=true|false limits checkpointing. */
const LAYOUTS = (process.env.GFT_BENCH_LAYOUTS ?? 'packed,padded').split(',');
const CHECKPOINTS = (process.env.GFT_BENCH_CHECKPOINT ?? 'true,false')
  .split(',')
  .map((v) => v === 'true');
const TIMED_STEPS = Number(process.env.GFT_BENCH_STEPS ?? 2);
/** GFT_BENCH_THREADS=2 starts the threaded wasm build (see wasmBackend's `threads`). */
const THREADS = Number(process.env.GFT_BENCH_THREADS ?? 1);
const BACKENDS = (process.env.GFT_BENCH_BACKENDS ?? 'cpu-native,wasm').split(',');
/** Set in the child process that measures one backend. */
const CHILD_BACKEND = process.env.GFT_BENCH_CHILD;
const here = dirname(fileURLToPath(import.meta.url));

/** The backend plugin by name; cpu-native is imported by path (not a dependency of @gft/gemma). */
async function backendPlugin(name: string): Promise<Backend> {
  if (name === 'wasm') return wasmBackend({ threads: THREADS });
  if (name === 'cpu-native') {
    const dist = join(here, '../../../plugins/cpu-native/dist/index.js');
    if (!existsSync(dist)) throw new Error(`build plugins/cpu-native first (${dist})`);
    const mod = (await import(dist)) as { cpuNative(o?: object): Backend };
    return mod.cpuNative(
      process.env.GFT_BENCH_NATIVE_THREADS
        ? { threads: Number(process.env.GFT_BENCH_NATIVE_THREADS) }
        : {},
    );
  }
  throw new Error(`unknown backend '${name}' (wasm, cpu-native)`);
}

async function techniqueAdapter(): Promise<{ adapter: Adapter; label: string }> {
  const loraDist = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../plugins/lora/dist/index.js',
  );
  if (existsSync(loraDist)) {
    const mod = (await import(loraDist)) as { lora(o: object): Adapter };
    return { adapter: mod.lora({ r: 16, alpha: 32 }), label: 'LoRA r16 (all linears) + score' };
  }
  return {
    adapter: fullFineTune({
      trainsLinear: () => false,
      trainsParam: (_n, role) => role === 'head',
    }),
    label: 'full-ft, frozen base (score head trains)',
  };
}

function batches(vocab: number): { packed: MicroBatch; padded: MicroBatch } {
  const total = LENGTHS.reduce((a, b) => a + b, 0);
  const noise = seededNormal(total, 1, 7, 'bench-ids');
  const ids = Int32Array.from(noise, (v) => 3 + (Math.floor(Math.abs(v) * 100003) % (vocab - 3)));
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
  const L = Math.max(...LENGTHS);
  const B = LENGTHS.length;
  const pIds = new Int32Array(B * L);
  const pPos = new Int32Array(B * L);
  const mask = new Int32Array(B * L);
  LENGTHS.forEach((l, b) => {
    pIds.set(ids.subarray(cu[b], cu[b + 1]), b * L);
    mask.fill(1, b * L, b * L + l);
    for (let t = 0; t < L; t++) pPos[b * L + t] = t;
  });
  const common = { batchSize: B, seqLens: LENGTHS, cuSeqlens: cu, maxSeqLen: L, labels };
  return {
    packed: { layout: 'packed', inputIds: ids, positionIds: positions, ...common },
    padded: { layout: 'padded', inputIds: pIds, positionIds: pPos, attentionMask: mask, ...common },
  };
}

/** Matmul FLOPs of one training step: linears forward + input grad (2+2 per MAC; +2 when W trains), attention 3x forward. */
function stepFlops(mb: MicroBatch, weightsTrain: boolean): number {
  const c = preset('small');
  const rows = mb.inputIds.length;
  const linearParams =
    c.hiddenSize * (c.numHeads + 2 * c.numKvHeads) * c.headDim +
    c.numHeads * c.headDim * c.hiddenSize +
    3 * c.hiddenSize * c.intermediateSize;
  const segs = mb.layout === 'packed' ? LENGTHS : LENGTHS.map(() => mb.maxSeqLen);
  const attn = segs.reduce((a, s) => a + 4 * s * s * c.numHeads * c.headDim, 0);
  return c.numLayers * (rows * linearParams * (weightsTrain ? 6 : 4) + 3 * attn);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall ms; `cpu` is this process's CPU ms (on a shared machine, wall >> cpu means contention). */
function timeIt(f: () => void, reps: number): number & { cpu?: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - t0);
    cpus.push((c.user + c.system) / 1000);
  }
  return Object.assign(median(walls), { cpu: median(cpus) });
}

/** Machine speed right now: GFLOP/s of a 1024^3 wasm matmul (the other engineers' load moves it). */
function referenceGflops(): number {
  const a = tf.randomNormal([1024, 1024]) as tf.Tensor2D;
  const ms = timeIt(() => tf.matMul(a, a).dispose(), 5);
  a.dispose();
  return (2 * 1024 ** 3) / ms / 1e6;
}

/** One backend's cells, in this (child) process; prints a JSON line per cell for the parent. */
async function measure(backendName: string) {
  const backend = await backendPlugin(backendName);
  await backend.setup();
  const heapMiB = () => ((backend.memory?.().reservedBytes ?? 0) / 2 ** 20).toFixed(0);
  const rssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const config = preset('small');
  const { adapter, label } = await techniqueAdapter();
  const model = GemmaModel.build({ config, weights: randomWeights(config, { seed: 1 }), adapter });
  const { packed, padded } = batches(config.vocabSize);
  const real = packed.inputIds.length;
  console.log(
    `gemma small on ${tf.getBackend()} (pid ${process.pid}), technique: ${label}; ${LENGTHS.length} sequences, ${real} real tokens`,
  );
  console.log('backend', JSON.stringify(backend.describe?.() ?? {}));
  const load = (await import('node:os')).loadavg()[0].toFixed(2);
  console.log(
    `machine: load average ${load} on ${(await import('node:os')).cpus().length} CPUs; 1024^3 matmul ${referenceGflops().toFixed(1)} GFLOP/s`,
  );
  console.log(
    `trainable params ${model.memory().trainableParams}, frozen ${(model.memory().frozenBytes / 2 ** 20).toFixed(0)} MiB`,
  );

  // Attention first: a configuration that exhausts the heap below leaves it no room.
  if (process.env.GFT_BENCH_ATTENTION !== 'false' && real <= 4096) {
    // Attention alone, forward + backward, one layer's shapes.
    const c = config;
    const q = tf.randomNormal([real, c.numHeads * c.headDim], 0, 1, 'float32', 1) as tf.Tensor2D;
    const k = tf.randomNormal([real, c.numKvHeads * c.headDim], 0, 1, 'float32', 2) as tf.Tensor2D;
    const v = tf.randomNormal([real, c.numKvHeads * c.headDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    const attrs = {
      numHeads: c.numHeads,
      numKvHeads: c.numKvHeads,
      headDim: c.headDim,
      scale: 0.125,
      softcap: 50,
    };
    const varlen = () =>
      tf.dispose(
        tf.grads((a, b, d) =>
          tf.sum(
            varlenAttention(
              { q: a as tf.Tensor2D, k: b as tf.Tensor2D, v: d as tf.Tensor2D },
              { ...attrs, cuSeqlens: packed.cuSeqlens },
            ),
          ),
        )([q, k, v]),
      );
    // Dense: the whole packed row as one sequence with a T x T block-diagonal mask.
    const seqOf = new Int32Array(real);
    for (let s = 0; s < LENGTHS.length; s++)
      seqOf.fill(s, packed.cuSeqlens[s], packed.cuSeqlens[s + 1]);
    const bias = new Float32Array(real * real);
    for (let i = 0; i < real; i++)
      for (let j = 0; j < real; j++)
        bias[i * real + j] = seqOf[i] === seqOf[j] && j <= i ? 0 : -1e30;
    const biasT = tf.tensor2d(bias, [real, real]);
    const g = c.numHeads / c.numKvHeads;
    const dense = () =>
      tf.dispose(
        tf.grads((a, b, d) => {
          // One head at a time: all heads' T x T scores at once do not fit the 4 GB heap.
          const head = (x: tf.Tensor, h: number) =>
            tf.slice(x, [0, h * c.headDim], [real, c.headDim]);
          let total = tf.scalar(0);
          for (let h = 0; h < c.numHeads; h++) {
            const kvHead = Math.floor(h / g);
            let s = tf.mul(tf.matMul(head(a, h), head(b, kvHead), false, true), attrs.scale);
            s = tf.mul(tf.tanh(tf.div(s, attrs.softcap)), attrs.softcap);
            total = tf.add(
              total,
              tf.sum(tf.matMul(tf.softmax(tf.add(s, biasT), -1), head(d, kvHead))),
            );
          }
          return total;
        })([q, k, v]),
      );
    varlen();
    const tVar = timeIt(varlen, 3);
    dense();
    const tDense = timeIt(dense, 2);
    const sumSq = LENGTHS.reduce((a, l) => a + l * l, 0);
    console.log(
      `attention fwd+bwd, one layer, T=${real}: generic varlen ${tVar.toFixed(0)} ms, dense masked T x T ${tDense.toFixed(0)} ms ` +
        `(${(tDense / tVar).toFixed(2)}x; score entries: sum S^2 = ${sumSq} vs T^2 = ${real * real}, ratio ${((real * real) / sumSq).toFixed(2)})`,
    );
    tf.dispose([q, k, v, biasT]);
  }

  const results: Record<string, number> = {};
  for (const [name, mb] of [
    ['packed', packed],
    ['padded', padded],
  ] as const) {
    if (!LAYOUTS.includes(name)) continue;
    // Checkpointed first: the wasm heap never shrinks, so its high-water mark is read in rising order.
    for (const checkpoint of CHECKPOINTS) {
      try {
        const step = () => tf.dispose([...trainStep(model, mb, { checkpoint }).grads.values()]);
        // Warm-up outside tf.profile: an exception inside tf.profile leaves tfjs's engine in
        // profiling mode with no active profile, and every later kernel then throws a TypeError.
        step();
        const prof = await tf.profile(step);
        const ms = timeIt(step, TIMED_STEPS);
        const tps = (real / ms) * 1000;
        const gflops = stepFlops(mb, false) / ms / 1e6;
        results[`${name}${checkpoint ? '+ckpt' : ''}`] = tps;
        console.log(
          `GFT_BENCH_CELL ${JSON.stringify({ backend: backendName, layout: name, checkpoint, ms, tokensPerS: tps, peakRssMiB: Number(rssMiB()) })}`,
        );
        console.log(
          `${name.padEnd(6)} checkpoint=${String(checkpoint).padEnd(5)} ${ms.toFixed(0)} ms/step (process CPU ${ms.cpu?.toFixed(0)} ms), ${tps.toFixed(0)} real tokens/s, ` +
            `${gflops.toFixed(1)} GFLOP/s (matmul FLOPs on ${mb.inputIds.length} computed tokens), peak tensor bytes ${(prof.peakBytes / 2 ** 20).toFixed(0)} MiB (engine count; buffer-sharing Identity makes it an overcount), ${backendName === 'wasm' ? 'wasm heap high-water' : 'native bytes now'} ${heapMiB()} MiB, peak RSS ${rssMiB()} MiB`,
        );
      } catch (e) {
        console.log(
          `${name} checkpoint=${checkpoint}: failed: ${e instanceof GftError ? e.code : (e as Error).name}: ${(e as Error).message.split('\n')[0]} (wasm heap high-water ${heapMiB()} MiB)`,
        );
      }
    }
  }
  for (const suffix of ['', '+ckpt']) {
    const [p, d] = [results[`packed${suffix}`], results[`padded${suffix}`]];
    if (p && d) console.log(`packed${suffix} / padded${suffix} throughput: ${(p / d).toFixed(2)}x`);
  }

  model.dispose();
}

interface Cell {
  backend: string;
  layout: string;
  checkpoint: boolean;
  tokensPerS: number;
  peakRssMiB: number;
}

/** PyTorch eager on the same sequences (LoRA r16, 2 threads), when the peer is installed. */
function runPeer(): Cell[] {
  const script = join(here, '../../../../shared/peer/bench_peer.py');
  if (!existsSync(script)) {
    console.log(`PyTorch peer: not run (no ${script})`);
    return [];
  }
  const env = { ...process.env };
  // The peer's README: with these set, OpenBLAS picks a slow generic kernel on this processor.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [
    script,
    '--preset',
    'small',
    '--technique',
    'lora',
    '--layout',
    LAYOUTS.join(','),
    '--steps',
    String(Math.max(2, TIMED_STEPS)),
    '--warmup',
    '1',
    '--lens',
    LENGTHS.join(','),
  ];
  const r = spawnSync('/usr/bin/python3', args, { env, encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`PyTorch peer: failed (${(r.stderr || r.stdout).trim().split('\n').pop()})`);
    return [];
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { layout: string; tokens_per_s: number; peak_rss_mb: number })
    .map((j) => ({
      backend: 'pytorch-eager',
      layout: j.layout,
      checkpoint: false,
      tokensPerS: j.tokens_per_s,
      peakRssMiB: j.peak_rss_mb,
    }));
}

async function main() {
  if (CHILD_BACKEND) {
    await measure(CHILD_BACKEND);
    return;
  }
  const cells: Cell[] = [];
  for (const backend of BACKENDS) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, GFT_BENCH_CHILD: backend },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('GFT_BENCH_CELL ')) cells.push(JSON.parse(line.slice(15)) as Cell);
      else if (line.trim() !== '') console.log(`[${backend}] ${line}`);
    }
    if (r.status !== 0) console.log(`[${backend}] exited with ${r.status}`);
  }
  const peer = runPeer();
  cells.push(...peer);
  const peerOf = (layout: string) => peer.find((p) => p.layout === layout)?.tokensPerS;
  console.log(
    '\n| backend | layout | checkpointing | tokens/s | vs PyTorch eager (same layout) | peak RSS MiB |',
  );
  console.log('| --- | --- | --- | ---: | ---: | ---: |');
  for (const c of cells) {
    const p = peerOf(c.layout);
    console.log(
      `| ${c.backend} | ${c.layout} | ${c.checkpoint ? 'yes' : 'no'} | ${c.tokensPerS.toFixed(0)} | ${p ? `${(c.tokensPerS / p).toFixed(2)}x` : '-'} | ${c.peakRssMiB.toFixed(0)} |`,
    );
  }
  for (const backend of [...BACKENDS, 'pytorch-eager']) {
    const find = (layout: string) =>
      cells.find((c) => c.backend === backend && c.layout === layout && !c.checkpoint)?.tokensPerS;
    const [p, d] = [find('packed'), find('padded')];
    if (p && d)
      console.log(`${backend}: packed / padded (no checkpointing) ${(p / d).toFixed(2)}x`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
