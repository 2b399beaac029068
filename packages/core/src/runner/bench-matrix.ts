/**
 * The bench matrix: `adapter x collator x backend` (plus the model preset, data and step
 * counts shared by every cell) expands into cells, one plugin set each, and each cell's
 * outcome is one `BenchRecord` line of JSONL. Running cells (in child processes) is the
 * CLI's job; this file only names and expands them.
 */
import { GftError } from '../errors/gft-error.js';
import type { RunSummary } from '../events.js';
import type { StepMemory } from '../memory.js';

export interface BenchMatrix {
  adapters: string[];
  collators: string[];
  backends: string[];
  /** Model preset every cell trains (e.g. `small`). */
  preset: string;
  /** Loader batches (= optimizer steps) per cell, warm-up steps included. */
  steps: number;
  /** Leading steps left out of timings. */
  warmupSteps: number;
  /** Which cell the report's ratios divide by: `adapter/collator/backend`; default the first. */
  baseline?: string;
  /** Anything else every cell gets (data, batch size, token budget, lr, seed...). */
  shared?: Record<string, unknown>;
}

export interface BenchCell {
  /** `adapter/collator/backend`, unique in a matrix. */
  id: string;
  adapter: string;
  collator: string;
  backend: string;
  preset: string;
  steps: number;
  warmupSteps: number;
  shared: Record<string, unknown>;
}

/** What one cell produced: its measurements, or why it failed. */
export interface BenchRecord {
  cell: BenchCell;
  ok: boolean;
  error?: { code: string; message: string };
  trainableParams?: number;
  trainableBytes?: number;
  frozenBytes?: number;
  optimizerBytes?: number;
  summary?: RunSummary;
  /**
   * The memory model's peak for this cell's largest micro-batch, with the runtime measured
   * in the cell; compare with `summary.peakRssBytes`.
   */
  predictedMemory?: StepMemory;
  /** Loss of every step, warm-up included. */
  losses?: number[];
  /** Step times (ms) of the timed (non-warm-up) steps. */
  stepMs?: number[];
  wallMs?: number;
}

export function cellId(adapter: string, collator: string, backend: string): string {
  return `${adapter}/${collator}/${backend}`;
}

export function expandMatrix(m: BenchMatrix): BenchCell[] {
  for (const field of ['adapters', 'collators', 'backends'] as const) {
    if (!Array.isArray(m[field]) || m[field].length === 0) {
      throw new GftError(
        'BAD_CONFIG',
        `bench matrix field '${field}' must be a non-empty list of plugin names`,
        {
          where: field,
        },
      );
    }
  }
  if (!Number.isInteger(m.steps) || m.steps <= m.warmupSteps) {
    throw new GftError(
      'BAD_CONFIG',
      `bench matrix 'steps' (${m.steps}) must be an integer larger than 'warmupSteps' (${m.warmupSteps}) so some steps are timed`,
      { where: 'steps' },
    );
  }
  const cells: BenchCell[] = [];
  for (const adapter of m.adapters)
    for (const collator of m.collators)
      for (const backend of m.backends)
        cells.push({
          id: cellId(adapter, collator, backend),
          adapter,
          collator,
          backend,
          preset: m.preset,
          steps: m.steps,
          warmupSteps: m.warmupSteps,
          shared: m.shared ?? {},
        });
  if (m.baseline && !cells.some((c) => c.id === m.baseline)) {
    throw new GftError(
      'BAD_CONFIG',
      `bench baseline '${m.baseline}' is not a cell of the matrix (cells: ${cells.map((c) => c.id).join(', ')})`,
      { where: 'baseline' },
    );
  }
  return cells;
}
