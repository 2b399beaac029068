/**
 * Memory check of a padded micro-batch of the `small` preset on wasm (or cpu-native with
 * GFT_BACKEND=cpu-native): one LoRA (r16, all linears) training step on B rows padded to the
 * longest, reporting the backend's reserved memory (wasm: the heap high-water, which never
 * shrinks; cpu-native: native bytes in use), the process's peak RSS and the step time. The seed's budget is 16,384 tokens,
 * e.g. 4 rows padded to 4096 (truncation caps rows at 4096). Not a unit test.
 * Run: pnpm --filter @gft/plugin-lora build && tsx packages/gemma/bench/padded-memory.ts
 * Env: GFT_PM_ROWS=4096,3072,2048,1024 (row lengths; padded to the longest), GFT_PM_STEPS=2,
 *      GFT_PM_CHECKPOINT=true|false.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Adapter, type Backend, GftError, type MicroBatch, tf, wasmBackend } from '@gft/core';
import { GemmaModel, preset, randomWeights, trainStep } from '../src/index.js';

const ROWS = (process.env.GFT_PM_ROWS ?? '4096,3072,2048,1024').split(',').map(Number);
const STEPS = Number(process.env.GFT_PM_STEPS ?? 2);
const CHECKPOINT = (process.env.GFT_PM_CHECKPOINT ?? 'true') === 'true';

function padded(vocab: number): MicroBatch {
  const L = Math.max(...ROWS);
  const B = ROWS.length;
  const inputIds = new Int32Array(B * L);
  const positionIds = new Int32Array(B * L);
  const attentionMask = new Int32Array(B * L);
  const cuSeqlens = new Int32Array(B + 1);
  const labels = new Float32Array(B * 3);
  let s = 5;
  ROWS.forEach((len, b) => {
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      inputIds[b * L + t] = 3 + (s % (vocab - 3));
    }
    attentionMask.fill(1, b * L, b * L + len);
    for (let t = 0; t < L; t++) positionIds[b * L + t] = t;
    cuSeqlens[b + 1] = cuSeqlens[b] + len;
    labels[b * 3 + (b % 3)] = 1;
  });
  return {
    layout: 'padded',
    batchSize: B,
    inputIds,
    positionIds,
    seqLens: ROWS,
    cuSeqlens,
    maxSeqLen: L,
    labels,
    attentionMask,
  };
}

async function chosenBackend(): Promise<Backend> {
  if (process.env.GFT_BACKEND !== 'cpu-native') return wasmBackend();
  const dist = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../plugins/cpu-native/dist/index.js',
  );
  const mod = (await import(dist)) as { cpuNative(): Backend };
  return mod.cpuNative();
}

async function main() {
  const backend = await chosenBackend();
  await backend.setup();
  const heapMiB = () =>
    `${((backend.memory?.().reservedBytes ?? 0) / 2 ** 20).toFixed(0)} MiB ${backend.name === 'wasm' ? 'wasm heap high-water' : 'native held (in use + cached)'}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
  const loraDist = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../plugins/lora/dist/index.js',
  );
  const { lora } = (await import(loraDist)) as { lora(o: object): Adapter };
  const config = preset('small');
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 1 }),
    adapter: lora({ r: 16, alpha: 32 }),
  });
  const mb = padded(config.vocabSize);
  console.log(
    `small, LoRA r16, padded ${ROWS.length} x ${mb.maxSeqLen} (${mb.inputIds.length} computed tokens, rows ${ROWS.join(', ')}), checkpoint=${CHECKPOINT}, ${backend.name}; after build ${heapMiB()}`,
  );
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    try {
      const r = trainStep(model, mb, { checkpoint: CHECKPOINT });
      tf.dispose([...r.grads.values()]);
      console.log(
        `step ${i + 1}: loss ${r.loss.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(1)} s, tensors ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB live, ${heapMiB()}`,
      );
    } catch (e) {
      console.log(
        `step ${i + 1}: failed: ${e instanceof GftError ? e.code : (e as Error).name}: ${(e as Error).message.split('\n')[0]} (${heapMiB()})`,
      );
      break;
    }
  }
  model.dispose();
}

main();
