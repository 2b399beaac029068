/**
 * `gft bench`: expands the matrix and runs each cell in its own child process (a fork of
 * this CLI's entry running the hidden `bench-cell` command), so memory is measured per
 * cell and one failing cell is reported while the others continue. Each record holds the
 * memory model's predicted peak beside the measured one. Records go to
 * `<out>/bench.jsonl`, then @gft/report writes `report.md` and `report.html`.
 */
import { fork } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Backend,
  type BenchCell,
  type BenchRecord,
  expandMatrix,
  GftError,
  type PluginSet,
  percentile,
  type StepEvent,
} from '@gft/core';
import { writeReport } from '@gft/report';
import { loadRunRows } from '../arena-data.js';
import { adapterOptionsFor, type RunConfig } from '../config.js';
import { stepMemoryModel } from '../memory-prediction.js';
import { cliRegistry } from '../registry.js';
import { readRowsFile, writeRowsFile } from '../rows-file.js';
import { describeHead, runHead } from '../run-head.js';
import { runGemmaConfig, runTokenizer } from '../session.js';
import { trainCommand } from './train.js';

export async function benchCommand(config: RunConfig, log: (line: string) => void) {
  const started = Date.now();
  // A misspelt name would otherwise surface only after the data is tokenized, as failed
  // cells; a backend that is known but cannot start is a cell failure the report shows.
  const registry = cliRegistry();
  for (const [kind, names] of [
    ['adapter', config.adapters],
    ['collator', config.collators],
    ['backend', config.backends],
  ] as const) {
    for (const name of names) registry.get(kind, name);
  }
  const tokenizer = await runTokenizer(config, registry);
  // Every cell uses this head; the report's settings line says which, ids included.
  const head = describeHead(await runHead(config, tokenizer));
  const cells = expandMatrix({
    adapters: config.adapters,
    collators: config.collators,
    backends: config.backends,
    preset: config.preset,
    steps: config.steps,
    warmupSteps: config.warmupSteps,
    baseline: config.baseline,
    shared: {
      data: config.data,
      batchSize: config.batchSize,
      maxTokens: config.maxTokens,
      maxSequenceLength: config.maxSequenceLength,
      lr: config.lr,
      seed: config.seed,
      head,
    },
  });
  mkdirSync(config.out, { recursive: true });
  const jsonl = join(config.out, 'bench.jsonl');
  writeFileSync(jsonl, '');
  // Read and tokenize once; every cell trains on the same rows.
  const rows = await loadRunRows(config, tokenizer, 'train');
  const rowsFile = join(config.out, 'rows.json');
  writeRowsFile(rowsFile, rows);
  log(
    `data: ${rows.source}: ${rows.train.length} train / ${rows.eval.length} eval rows, ${rows.truncated} truncated to ${config.maxSequenceLength} tokens (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  const entry = process.env.GFT_CLI_ENTRY ?? process.argv[1];
  const records: BenchRecord[] = [];
  for (const [i, cell] of cells.entries()) {
    log(`[${i + 1}/${cells.length}] ${cell.id} ...`);
    const record = await runCell(entry, cell, config, rowsFile);
    records.push(record);
    appendFileSync(jsonl, `${JSON.stringify(record)}\n`);
    log(
      record.ok
        ? `[${i + 1}/${cells.length}] ${cell.id}: ${Math.round(record.summary!.realTokensPerSecond)} tok/s, final loss ${record.summary!.finalLoss.toFixed(4)} (${Math.round(record.wallMs! / 1000)} s)`
        : `[${i + 1}/${cells.length}] ${cell.id}: FAILED ${record.error?.code}: ${record.error?.message}`,
    );
  }
  const report = await writeReport(records, config.out, { baseline: config.baseline });
  const failures = records
    .filter((r) => !r.ok)
    .map((r) => ({
      id: r.cell.id,
      code: r.error?.code ?? 'FAILED',
      message: r.error?.message ?? '',
    }));
  return {
    jsonl,
    ...report,
    cells: records.length,
    failed: failures.length,
    failures,
    wallMs: Date.now() - started,
  };
}

function runCell(
  entry: string,
  cell: BenchCell,
  config: RunConfig,
  rowsFile: string,
): Promise<BenchRecord> {
  const cellConfig: RunConfig = {
    ...config,
    adapter: cell.adapter,
    collator: cell.collator,
    backend: cell.backend,
    checkpointEvery: 0,
  };
  const started = Date.now();
  return new Promise((resolve) => {
    let record: BenchRecord | undefined;
    let stderr = '';
    const child = fork(
      entry,
      ['bench-cell', JSON.stringify({ cell, config: cellConfig, rowsFile })],
      {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    child.stderr?.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('message', (m) => {
      record = m as BenchRecord;
    });
    child.on('exit', (code, signal) => {
      resolve(
        record ?? {
          cell,
          ok: false,
          wallMs: Date.now() - started,
          error: {
            code: signal ? `SIGNAL_${signal}` : `EXIT_${code}`,
            message:
              stderr.trim().split('\n').slice(-3).join(' / ') ||
              'the cell process died without a result',
          },
        },
      );
    });
  });
}

/**
 * What the process holds besides the backend's allocator (Node, tfjs, the tokenizer, the
 * rows): resident memory minus the allocator's held bytes, sampled after each step, when the
 * step's transients are gone; the median, since V8's heap breathes between samples.
 */
function runtimeSampler(): { sample(backend: Backend): void; median(): number | undefined } {
  const samples: number[] = [];
  return {
    sample(backend) {
      const held = backend.memory?.().reservedBytes ?? 0;
      samples.push(Math.max(0, process.memoryUsage.rss() - held));
    },
    median: () => (samples.length > 0 ? percentile(samples, 0.5) : undefined),
  };
}

/** The child side: one cell, one training run; the record goes back over IPC. */
export async function benchCellCommand(payload: string): Promise<number> {
  const { cell, config, rowsFile } = JSON.parse(payload) as {
    cell: BenchCell;
    config: RunConfig;
    rowsFile: string;
  };
  const started = Date.now();
  const steps: StepEvent[] = [];
  let start:
    | {
        trainableParams: number;
        trainableBytes: number;
        frozenBytes: number;
        optimizerBytes: number;
      }
    | undefined;
  let record: BenchRecord;
  const runtime = runtimeSampler();
  let set: PluginSet | undefined;
  try {
    const result = await trainCommand(
      config,
      (e) => {
        if (e.type === 'step') {
          steps.push(e);
          if (set) runtime.sample(set.backend);
        }
        if (e.type === 'run-start') start = e;
      },
      false,
      readRowsFile(rowsFile),
      (built) => {
        set = built;
      },
    );
    const adapter = set?.adapter;
    const tokens = result.summary.largestMicroBatchTokens;
    record = {
      cell,
      ok: true,
      trainableParams: start?.trainableParams,
      trainableBytes: start?.trainableBytes,
      frozenBytes: start?.frozenBytes,
      optimizerBytes: start?.optimizerBytes,
      summary: result.summary,
      predictedMemory:
        adapter && tokens
          ? stepMemoryModel(
              runGemmaConfig(config),
              adapter,
              adapterOptionsFor(config, config.adapter),
              config.head,
            )({
              tokens,
              checkpoint: config.activationCheckpointing,
              runtimeBytes: runtime.median(),
            })
          : undefined,
      losses: steps.map((s) => s.loss),
      stepMs: steps.filter((s) => !s.warmup).map((s) => s.stepMs),
      wallMs: Date.now() - started,
    };
  } catch (error) {
    const e = error as Error;
    record = {
      cell,
      ok: false,
      wallMs: Date.now() - started,
      error: { code: GftError.isInstance(e) ? e.code : e.name, message: e.message },
    };
  }
  await new Promise<void>((resolve) => process.send!(record, () => resolve()));
  return record.ok ? 0 : 1;
}
