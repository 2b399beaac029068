/**
 * The README's "Using it from code", as code that runs: resolve a QLoRA plugin set for a
 * Hugging Face checkpoint folder, load the model through the adapter, tokenize arena records
 * as judge prompts, collate them and train a few steps with core's runner, printing each
 * step's loss. The test runs it on the golden fixture `tiny-gemma2`; `pnpm start [dir]`
 * runs it on any Gemma-2 folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticArena, tokenizeArena } from '@gft/arena';
import { arrayBatchSource, resolvePluginSet, train } from '@gft/core';
import { gemma, qlora } from '@gft/plugin-qlora';
import { byteTokenizer } from './byte-tokenizer.js';
import { trainableGemma } from './trainable-gemma.js';

export interface FineTuneOptions {
  steps?: number;
  log?: (line: string) => void;
}

/** Fine-tunes `checkpointDir` with QLoRA r16 and returns the loss of each step. */
export async function fineTune(
  checkpointDir: string,
  { steps = 2, log = console.log }: FineTuneOptions = {},
): Promise<number[]> {
  // With no tokenizer plugin in the list, the folder's tokenizer.json is the tokenizer;
  // the fixture has none, so it gets the byte tokenizer.
  const tokenizer = existsSync(join(checkpointDir, 'tokenizer.json')) ? [] : [byteTokenizer()];
  const set = resolvePluginSet([qlora({ r: 16, alpha: 32 }), ...tokenizer], { checkpointDir });
  await set.backend.setup();
  const model = gemma.loadGemma(checkpointDir, { adapter: set.adapter });

  // Synthetic arena records (prompt, two responses, who won) as judge prompts; any
  // TokenizedRow[] will do. Four rows make one loader batch, that is one optimizer step.
  const rows = await tokenizeArena(syntheticArena(4 * steps, { seed: 0 }), set.tokenizer, {
    maxSequenceLength: 1536,
  });
  const batches = Array.from({ length: steps }, (_, i) =>
    set.collator.collate(rows.slice(4 * i, 4 * i + 4), { maxTokens: 8192 }),
  );

  const result = await train({
    model: trainableGemma(model),
    data: arrayBatchSource(batches),
    steps,
    schedule: { lr: 2e-4 },
    backend: set.backend,
  });
  model.dispose();
  for (const [step, loss] of result.losses) log(`step ${step}: loss ${loss.toFixed(4)}`);
  return [...result.losses.values()];
}
