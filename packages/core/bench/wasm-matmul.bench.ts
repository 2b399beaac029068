/**
 * Matmul throughput on the wasm backend: the stock tfjs-backend-wasm 4.22 BatchMatMul
 * kernel against gft's replacement, both timed in this run on the same tensors, for
 * the four transpose cases at 1024^3 and three batched shapes. Prints GFLOP/s (median
 * of several runs) and the fixed/stock ratio, and checks both give the same numbers.
 *
 * Usage: pnpm --filter @gft/core bench [-- --threads 2] [--reps 5]
 * Not a unit test: nothing is asserted; speed is only ever measured here.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBackend } from '../src/backends/wasm/index.js';
import { stockWasmKernel } from '../src/backends/wasm/stock-kernels.js';
import { wasmInternals } from '../src/backends/wasm/wasm-internals.js';
import { tf } from '../src/tf.js';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const threads = argValue('threads', 1);
const reps = argValue('reps', 5);

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const S = 1024;
const CASES: Case[] = [
  { name: 'A·B       1024^3', a: [S, S], b: [S, S], transposeA: false, transposeB: false },
  { name: 'Aᵀ·B      1024^3', a: [S, S], b: [S, S], transposeA: true, transposeB: false },
  { name: 'A·Bᵀ      1024^3', a: [S, S], b: [S, S], transposeA: false, transposeB: true },
  { name: 'Aᵀ·Bᵀ     1024^3', a: [S, S], b: [S, S], transposeA: true, transposeB: true },
  {
    name: '[4,512,1024]·[1024,1024]',
    a: [4, 512, S],
    b: [S, S],
    transposeA: false,
    transposeB: false,
  },
  {
    name: '[8,256,64]·[8,256,64]ᵀ',
    a: [8, 256, 64],
    b: [8, 256, 64],
    transposeA: false,
    transposeB: true,
  },
  {
    name: '[8,256,256]·[8,256,64]',
    a: [8, 256, 256],
    b: [8, 256, 64],
    transposeA: false,
    transposeB: false,
  },
];

function flops(c: Case): number {
  const m = c.transposeA ? c.a.at(-1)! : c.a.at(-2)!;
  const k = c.transposeA ? c.a.at(-2)! : c.a.at(-1)!;
  const n = c.transposeB ? c.b.at(-2)! : c.b.at(-1)!;
  const batch = Math.max(
    tf.util.sizeFromShape(c.a.slice(0, -2)),
    tf.util.sizeFromShape(c.b.slice(0, -2)),
  );
  return 2 * batch * m * n * k;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const plugin = wasmBackend({ threads });
  await plugin.setup();
  const backend = wasmInternals();
  const kernelBackend = backend as unknown as KernelBackend;
  const stock = stockWasmKernel('BatchMatMul');
  const fixed = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  console.log('wasm backend:', plugin.describe!());
  console.log(`median of ${reps} runs (stock: of ${Math.min(reps, 3)} for cases over 1 s)\n`);
  console.log(
    `${'case'.padEnd(28)}${'stock ms'.padStart(10)}${'GFLOP/s'.padStart(9)}` +
      `${'fixed ms'.padStart(10)}${'GFLOP/s'.padStart(9)}${'fixed/stock'.padStart(13)}  max |diff|`,
  );

  for (const c of CASES) {
    const a = tf.randomUniform(c.a, -1, 1, 'float32', 1);
    const b = tf.randomUniform(c.b, -1, 1, 'float32', 2);
    const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
    const time = (kernel: typeof stock, runs: number) => {
      const ms: number[] = [];
      let last: Float32Array | undefined;
      for (let r = 0; r < runs + 1; r++) {
        const start = performance.now();
        const out = kernel({ inputs: { a, b }, backend: kernelBackend, attrs }) as TensorInfo;
        const elapsed = performance.now() - start; // wasm kernels are synchronous
        if (r > 0) ms.push(elapsed); // run 0 warms up (XNNPACK packing, heap growth)
        if (r === runs) last = backend.typedArrayFromHeap(out).slice() as Float32Array;
        backend.disposeData(out.dataId);
      }
      return { ms: median(ms), values: last! };
    };
    const fixedRun = time(fixed, reps);
    const stockProbe = time(stock, 1);
    const stockRun = stockProbe.ms > 1000 ? time(stock, Math.min(reps, 3)) : time(stock, reps);
    let diff = 0;
    for (let i = 0; i < fixedRun.values.length; i++) {
      diff = Math.max(diff, Math.abs(fixedRun.values[i] - stockRun.values[i]));
    }
    const gflops = (ms: number) => (flops(c) / ms / 1e6).toFixed(1);
    console.log(
      `${c.name.padEnd(28)}${stockRun.ms.toFixed(1).padStart(10)}${gflops(stockRun.ms).padStart(9)}` +
        `${fixedRun.ms.toFixed(1).padStart(10)}${gflops(fixedRun.ms).padStart(9)}` +
        `${(stockRun.ms / fixedRun.ms).toFixed(1).padStart(12)}x  ${diff.toExponential(1)}`,
    );
    tf.dispose([a, b]);
  }
}

await main();
