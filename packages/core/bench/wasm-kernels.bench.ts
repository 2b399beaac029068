/**
 * The wasm plugin's data-movement and JS math kernels against the stock tfjs-backend-wasm
 * 4.22 kernels they replace, both timed in this run on the same tensors, at the shapes a
 * Gemma `small` training step uses (4096 packed tokens): Transpose, Slice, SplitV, column
 * Sum, slow-path broadcast binaries; and for the thin LoRA matmuls, gft's route choice
 * against always taking the direct route (the baseline there: stock BatchMatMul runs a
 * naive loop on transposed operands, see wasm-matmul.bench.ts). Prints median process-CPU
 * ms (robust to other processes on a shared machine), the baseline/new ratio and the max
 * difference between the two results.
 *
 * Usage: pnpm --filter @gft/core exec tsx bench/wasm-kernels.bench.ts [--reps 7]
 * Not a unit test: nothing is asserted; speed is only ever measured here.
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { batchMatMulKernel } from '../src/backends/wasm/batch-mat-mul.js';
import { wasmBackend } from '../src/backends/wasm/index.js';
import { stockWasmKernel } from '../src/backends/wasm/stock-kernels.js';
import { wasmInternals } from '../src/backends/wasm/wasm-internals.js';
import { tf } from '../src/tf.js';

const repsArg = process.argv.indexOf('--reps');
const reps = repsArg >= 0 ? Number(process.argv[repsArg + 1]) : 7;

interface Case {
  name: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'Transpose [4096,1024] 2-D',
    kernel: 'Transpose',
    inputs: { x: [4096, 1024] },
    attrs: { perm: [1, 0] },
  },
  {
    name: 'Transpose [4096,256] 2-D',
    kernel: 'Transpose',
    inputs: { x: [4096, 256] },
    attrs: { perm: [1, 0] },
  },
  {
    name: 'Transpose [8,512,64] last two',
    kernel: 'Transpose',
    inputs: { x: [8, 512, 64] },
    attrs: { perm: [0, 2, 1] },
  },
  {
    name: 'Transpose [1,1024,2,128] heads',
    kernel: 'Transpose',
    inputs: { x: [1, 1024, 2, 128] },
    attrs: { perm: [0, 2, 1, 3] },
  },
  {
    name: 'Slice [4096,256] rows 1024+768',
    kernel: 'Slice',
    inputs: { x: [4096, 256] },
    attrs: { begin: [1024, 0], size: [768, 256] },
  },
  {
    name: 'Slice [2,2048,64] middle',
    kernel: 'Slice',
    inputs: { x: [2, 2048, 64] },
    attrs: { begin: [0, 512, 0], size: [2, 512, 64] },
  },
  {
    name: 'SplitV [4096,1536] -> 1024,256,256',
    kernel: 'SplitV',
    inputs: { x: [4096, 1536] },
    attrs: { numOrSizeSplits: [1024, 256, 256], axis: 1 },
  },
  {
    name: 'Sum [4096,256] axis 0',
    kernel: 'Sum',
    inputs: { x: [4096, 256] },
    attrs: { axis: [0], keepDims: false },
  },
  {
    name: 'Sum [4096,1024] axis 0',
    kernel: 'Sum',
    inputs: { x: [4096, 1024] },
    attrs: { axis: [0], keepDims: false },
  },
  {
    name: 'Maximum [4096,8,64]·[4096,1,64]',
    kernel: 'Maximum',
    inputs: { a: [4096, 8, 64], b: [4096, 1, 64] },
    attrs: {},
  },
  {
    name: 'Greater [4096,256]·[4096,1]',
    kernel: 'Greater',
    inputs: { a: [4096, 256], b: [4096, 1] },
    attrs: {},
  },
  {
    name: 'Maximum [8,512,512] same shape',
    kernel: 'Maximum',
    inputs: { a: [8, 512, 512], b: [8, 512, 512] },
    attrs: {},
  },
  {
    name: 'MatMul [4096,16]ᵀ·[4096,256]',
    kernel: 'BatchMatMul',
    inputs: { a: [4096, 16], b: [4096, 256] },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    name: 'MatMul [4096,16]ᵀ·[4096,1024]',
    kernel: 'BatchMatMul',
    inputs: { a: [4096, 16], b: [4096, 1024] },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    name: 'MatMul [4096,1024]ᵀ·[4096,16]',
    kernel: 'BatchMatMul',
    inputs: { a: [4096, 1024], b: [4096, 16] },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    name: 'MatMul [2,512,64]ᵀ·[2,512,512]',
    kernel: 'BatchMatMul',
    inputs: { a: [2, 512, 64], b: [2, 512, 512] },
    attrs: { transposeA: true, transposeB: false },
  },
];

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const plugin = wasmBackend();
  await plugin.setup();
  const backend = wasmInternals();
  const kernelBackend = backend as unknown as KernelBackend;
  console.log('wasm backend:', plugin.describe!());
  console.log(`median process-CPU ms of ${reps} runs after one warm-up\n`);
  console.log(
    `${'case (baseline: stock; MatMul: direct route)'.padEnd(46)}${'base ms'.padStart(10)}${'new ms'.padStart(10)}${'base/new'.padStart(11)}  max |diff|`,
  );
  for (const c of CASES) {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([name, shape], i) => [
        name,
        tf.randomUniform(shape, -1, 1, 'float32', i + 1),
      ]),
    );
    const time = (kernel: KernelFunc) => {
      const ms: number[] = [];
      let values: Float32Array | Uint8Array | undefined;
      for (let r = 0; r <= reps; r++) {
        const start = cpuMs();
        const result = kernel({ inputs, backend: kernelBackend, attrs: c.attrs as never });
        const elapsed = cpuMs() - start;
        if (r > 0) ms.push(elapsed);
        const outs = (Array.isArray(result) ? result : [result]) as TensorInfo[];
        if (r === reps) {
          const parts = outs.map((t) => backend.typedArrayFromHeap(t));
          values =
            parts.length === 1
              ? (parts[0].slice() as Float32Array)
              : Float32Array.from(parts.flatMap((p) => Array.from(p)));
        }
        for (const t of outs) backend.disposeData(t.dataId);
      }
      return { ms: median(ms), values: values! };
    };
    const fresh = time(tf.getKernel(c.kernel, 'wasm')!.kernelFunc);
    const baseline =
      c.kernel === 'BatchMatMul' ? batchMatMulKernel('direct') : stockWasmKernel(c.kernel);
    const stock = time(baseline);
    let diff = 0;
    for (let i = 0; i < fresh.values.length; i++)
      diff = Math.max(diff, Math.abs(fresh.values[i] - stock.values[i]));
    console.log(
      `${c.name.padEnd(46)}${stock.ms.toFixed(2).padStart(10)}${fresh.ms.toFixed(2).padStart(10)}` +
        `${(stock.ms / fresh.ms).toFixed(1).padStart(10)}x  ${diff.toExponential(1)}`,
    );
    tf.dispose(Object.values(inputs));
  }
}

await main();
