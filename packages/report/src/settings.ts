/**
 * The one line under a report's title saying what every cell ran: preset, steps, warm-up and
 * the shared settings the bench recorded (data, batch size, token budget, truncation).
 */
import type { BenchRecord } from '@gft/core';

const LABELS: Record<string, string> = {
  data: 'data',
  batchSize: 'rows per loader batch',
  maxTokens: 'micro-batch token budget',
  maxSequenceLength: 'max sequence length',
  head: 'head',
  lr: 'lr',
  seed: 'seed',
};

export function settingsLine(
  records: readonly BenchRecord[],
  baselineId: string | undefined,
): string {
  const first = records[0]?.cell;
  if (!first) return 'No cells.';
  const shared = Object.entries(first.shared ?? {})
    .filter(([k, v]) => k in LABELS && v !== undefined)
    .map(([k, v]) => `${LABELS[k]} ${typeof v === 'string' ? `\`${v}\`` : String(v)}`);
  return [
    `Preset \`${first.preset}\`, ${first.steps} steps per cell (${first.warmupSteps} warm-up ${first.warmupSteps === 1 ? 'step' : 'steps'} left out of timings)`,
    ...shared,
  ]
    .join(', ')
    .concat(`. Baseline: \`${baselineId ?? 'none (no cell succeeded)'}\`.`);
}
