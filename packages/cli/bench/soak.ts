/**
 * Soak benchmark: `gft train` for 300 optimizer steps on `tiny`, checkpointing every 10, run
 * twice: once straight through, once killed with SIGKILL right after its step-150 checkpoint
 * and resumed. Prints live tensors and RSS (first / last / max) over the steps, and compares
 * the two final checkpoints bit for bit. Exits 1 when tensors grow or the weights differ.
 *
 *   pnpm --filter @gft/cli bench:soak [-- --steps 300 --every 10 --backend cpu-native]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { directoryCheckpointStore } from '@gft/core';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    every: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'auto' },
    adapter: { type: 'string', default: 'lora' },
  },
});
const steps = Number(values.steps);
const every = Number(values.every);
const killAt = Math.floor(steps / 2 / every) * every;
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'gft-soak-'));

interface StepLine {
  type: string;
  step: number;
  numTensors: number;
  rssBytes: number;
  loss: number;
}

/** Runs `gft train --json`; `killAfter` SIGKILLs it once that step's checkpoint is written. */
function gftTrain(dir: string, extra: string[], killAfter?: number) {
  const args = [
    bin,
    'train',
    '--preset',
    'tiny',
    '--adapter',
    values.adapter!,
    '--backend',
    values.backend!,
    '--steps',
    String(steps),
    '--batchSize',
    '2',
    '--maxSequenceLength',
    '256',
    '--maxTokens',
    '512',
    '--numWorkers',
    '0',
    '--evalRows',
    '0',
    '--checkpointDir',
    dir,
    '--checkpointEvery',
    String(every),
    '--json',
    ...extra,
  ];
  return new Promise<{ code: number | null; signal: string | null; steps: StepLine[]; ms: number }>(
    (resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      const lines: StepLine[] = [];
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const text = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
          if (!text.startsWith('{')) continue;
          const e = JSON.parse(text);
          if (e.type === 'step') lines.push(e);
          if (e.type === 'checkpoint' && e.step === killAfter) child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({ code, signal, steps: lines, ms: performance.now() - t0 }),
      );
    },
  );
}

function flatness(label: string, lines: StepLine[]) {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const tensors = lines.map((l) => l.numTensors);
  const rss = lines.map((l) => l.rssBytes);
  // Step 1 allocates the optimizer moments and kernels' caches; flat means from step 2 on.
  const settled = tensors.slice(1);
  console.log(
    `${label}: ${lines.length} steps; tensors first ${tensors[0]} / after step 2 ${settled[0]} / last ${tensors.at(-1)} / max ${Math.max(...tensors)}; ` +
      `RSS MiB first ${mib(rss[0])} / last ${mib(rss.at(-1)!)} / max ${mib(Math.max(...rss))}`,
  );
  return Math.max(...settled) === Math.min(...settled);
}

const straight = await gftTrain(join(work, 'straight'), []);
if (straight.code !== 0) throw new Error(`uninterrupted run exited ${straight.code}`);
const killed = await gftTrain(join(work, 'resumed'), [], killAt);
const resumed = await gftTrain(join(work, 'resumed'), ['--resume']);
if (resumed.code !== 0) throw new Error(`resumed run exited ${resumed.code}`);

console.log(
  `gft train --preset tiny --adapter ${values.adapter} --backend ${values.backend}, ${steps} steps, checkpoint every ${every}`,
);
console.log(
  `uninterrupted: ${(straight.ms / 1000).toFixed(1)} s; killed (${killed.signal}) after the step-${killAt} checkpoint at step ${killed.steps.at(-1)?.step}, resumed ${resumed.steps[0]?.step}..${resumed.steps.at(-1)?.step} in ${((killed.ms + resumed.ms) / 1000).toFixed(1)} s`,
);
const flatStraight = flatness('uninterrupted', straight.steps);
const flatResumed = flatness('resumed      ', resumed.steps);

const a = await directoryCheckpointStore(join(work, 'straight')).loadLatest();
const b = await directoryCheckpointStore(join(work, 'resumed')).loadLatest();
let differing = 0;
let compared = 0;
for (const [name, t] of a!.tensors) {
  const u = b!.tensors.get(name);
  const x = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  const y = u && new Uint32Array(u.data.buffer, u.data.byteOffset, u.data.length);
  compared += x.length;
  if (!y || y.length !== x.length) differing += x.length;
  else for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differing++;
}
console.log(
  `final weights (step ${a!.step} vs ${b!.step}, ${a!.tensors.size} tensors, ${compared} values incl. Adam moments): ${differing} values differ; ` +
    `final loss ${straight.steps.at(-1)?.loss} vs ${resumed.steps.at(-1)?.loss}`,
);
rmSync(work, { recursive: true, force: true });
const ok = differing === 0 && a!.step === steps && b!.step === steps && flatStraight && flatResumed;
console.log(ok ? 'soak: OK' : 'soak: FAILED');
process.exitCode = ok ? 0 : 1;
