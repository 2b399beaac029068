/**
 * Child process for the kill-and-resume test (resume.test.ts), not part of the package:
 * trains the bag-of-tokens model with checkpoints, resuming from the latest one, and
 * appends `step loss` lines to a file as each step finishes.
 *
 * argv: <checkpointDir> <lossFile> <steps> <everySteps> <delayMs>
 */
import { appendFileSync } from 'node:fs';
import { cpuBackend } from '../backends/cpu/index.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { arrayBatchSource } from './batch-source.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import { syntheticBatches } from './test-support.js';
import { train } from './train.js';

const [dir, lossFile, steps, every, delay] = process.argv.slice(2);
await cpuBackend().setup();
const batches = syntheticBatches(5, 12, 80, 4);
const source = arrayBatchSource(batches);
const model = bagOfTokensModel({ seed: 9 });
await train({
  model,
  async *data(start) {
    for await (const batch of source(start)) {
      // Slows the run down so the parent can kill it mid-way; does not touch the math.
      await new Promise((r) => setTimeout(r, Number(delay)));
      yield batch;
    }
  },
  steps: Number(steps),
  schedule: { lr: 0.05, warmupSteps: 2, decay: 'linear' },
  clipGradNorm: 0.5,
  optimizer: { weightDecay: 0.1 },
  checkpoint: { store: directoryCheckpointStore(dir), everySteps: Number(every) },
  resume: true,
  seed: 9,
  onEvent(e) {
    // The full float64 value of the float32 loss, so the comparison is bit for bit.
    if (e.type === 'step') appendFileSync(lossFile, `${e.step} ${e.loss}\n`);
  },
});
model.dispose();
