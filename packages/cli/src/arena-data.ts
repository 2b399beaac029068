/**
 * A run's rows: arena records (the synthetic generator, or a CSV / JSONL / Parquet file)
 * split by grouped k-fold into train and validation, formatted as judge prompts, tokenized
 * (worker pool) and truncated turn-aware to `maxSequenceLength`. Evaluation rows can come
 * with their A/B-swapped mirrors for test-time augmentation. Not here: batching into
 * micro-batches (loaders.ts) and the model.
 */
import { availableParallelism } from 'node:os';
import {
  type ArenaRecord,
  type BadRow,
  createTokenizerPool,
  describeBadRow,
  type JudgeRow,
  kFoldSplits,
  type LabelRequirement,
  readArena,
  syntheticArena,
  tokenizeArena,
  whereOf,
} from '@gft/arena';
import { GftError, type TokenizedRow, type Tokenizer } from '@gft/core';
import { DEFAULT_TRAIN_EVAL_ROWS, evalRowsFor, type RunConfig } from './config.js';
import { checkOptionRules } from './option-rules.js';

/**
 * Tokenized rows of one run: train, validation and (swapAverage) the validation mirrors.
 * Judge rows (with their truncation facts) when freshly tokenized; plain rows from a rows file.
 */
export interface RunRows<Row extends TokenizedRow = TokenizedRow> {
  /** `synthetic (N rows, seed S)` or the file path, for logs. */
  source: string;
  train: Row[];
  eval: Row[];
  /** The eval rows A/B-swapped, same ids (only with `swapAverage`). */
  evalSwapped?: Row[];
  /** Rows skipped as unreadable (files only). */
  skipped: number;
  /** Each skipped row with its reason, when read in this process. */
  skippedRows?: BadRow[];
  /** Every row in file order (`preview` only): train and validation rows, unsplit. */
  all?: Row[];
  /** Rows cut to fit `maxSequenceLength`. */
  truncated: number;
}

/**
 * Which rows a command needs: train + validation, or all rows for prediction. `preview`:
 * train folds and the whole validation fold, labels optional (`gft data preview`).
 */
export type RowsPurpose = 'train' | 'eval' | 'predict' | 'preview';

/** The validation-row cap a purpose uses; preview reads every row. */
function evalCap(config: RunConfig, purpose: Exclude<RowsPurpose, 'predict'>): number {
  return purpose === 'preview' ? 0 : evalRowsFor(config, purpose);
}

/**
 * Synthetic rows to generate when `rows` is 0: enough for every step to see fresh rows
 * (`steps * batchSize` in the train folds) and the validation rows in the validation fold.
 */
export function syntheticRowCount(config: RunConfig, purpose: RowsPurpose): number {
  if (config.rows > 0) return config.rows;
  const k = config.folds;
  const trainNeed =
    purpose === 'train' || purpose === 'preview'
      ? Math.ceil((config.steps * config.batchSize * k) / (k - 1))
      : 0;
  const evalRows = purpose === 'predict' ? 0 : evalCap(config, purpose);
  return Math.max(trainNeed, Math.max(1, evalRows || DEFAULT_TRAIN_EVAL_ROWS) * k);
}

/** A submission must hold every id: rows that cannot be read fail `predict`, all named at once. */
function incompleteSubmission(file: string, bad: readonly BadRow[]): GftError {
  const shown = bad.slice(0, 10).map((b) => `  ${describeBadRow(b)}`);
  const more = bad.length > shown.length ? [`  ... and ${bad.length - shown.length} more`] : [];
  return new GftError(
    'BAD_INPUT',
    `${file}: ${bad.length} row(s) cannot be read, so a submission would miss their ids; fix or remove them:\n${[...shown, ...more].join('\n')}`,
    { where: whereOf(bad[0]) },
  );
}

async function readRecords(
  config: RunConfig,
  purpose: RowsPurpose,
  labels: LabelRequirement,
): Promise<{ records: ArenaRecord[]; bad: BadRow[]; source: string }> {
  if (config.data === 'synthetic') {
    const n = syntheticRowCount(config, purpose);
    return {
      records: syntheticArena(n, { seed: config.seed }),
      bad: [],
      source: `synthetic (${n} rows, seed ${config.seed})`,
    };
  }
  const records: ArenaRecord[] = [];
  const bad: BadRow[] = [];
  for await (const r of readArena(config.data, {
    onBadRow: 'skip',
    labels,
    onSkip: (row) => {
      bad.push(row);
      if (purpose !== 'predict') {
        process.stderr.write(`gft: skipped ${describeBadRow(row)}\n`);
      }
    },
  })) {
    records.push(r);
    if (config.rows > 0 && records.length >= config.rows) break;
  }
  if (purpose === 'predict' && bad.length > 0) throw incompleteSubmission(config.data, bad);
  if (records.length === 0) {
    throw new GftError('BAD_INPUT', `${config.data}: no readable arena rows`, {
      where: config.data,
    });
  }
  return { records, bad, source: config.data };
}

/** Worker threads actually used: more than cores - 1 only adds contention. */
export function effectiveWorkers(requested: number): number {
  return Math.min(requested, Math.max(0, availableParallelism() - 1));
}

/**
 * Records -> tokenized rows. `train`: the k-fold train part and up to `evalRows` (default 4)
 * of the validation fold. `eval`: the validation fold (capped by `evalRows` when > 0).
 * `predict`: every record, labelled or not (a Kaggle test set; a submission holds every id).
 */
export async function loadRunRows(
  config: RunConfig,
  tokenizer: Tokenizer,
  purpose: RowsPurpose,
  /** Default: required to train and evaluate (losses need them), optional to predict and preview. */
  labels: LabelRequirement = purpose === 'predict' || purpose === 'preview'
    ? 'optional'
    : 'require',
): Promise<RunRows<JudgeRow>> {
  checkOptionRules(config, { batches: true });
  const { records, bad, source } = await readRecords(config, purpose, labels);
  // Indices into `records` of the training and validation rows.
  let trainIndices: number[] = [];
  let evalIndices: number[];
  if (purpose === 'predict') {
    evalIndices = records.map((_, i) => i);
  } else {
    if (records.length < config.folds) {
      throw new GftError(
        'BAD_INPUT',
        `${source}: ${records.length} rows cannot be split into ${config.folds} folds; use more rows or --folds`,
        { where: 'folds' },
      );
    }
    const split = kFoldSplits(records, { k: config.folds, seed: config.seed })[config.fold];
    trainIndices = purpose === 'train' || purpose === 'preview' ? split.train : [];
    const cap = evalCap(config, purpose);
    evalIndices = split.valid.slice(0, purpose === 'train' ? cap : cap || split.valid.length);
  }
  // A preview describes every row in file order; the others tokenize only the rows they use.
  const needed =
    purpose === 'preview' ? records.map((_, i) => i) : [...trainIndices, ...evalIndices];
  const evalRecords = evalIndices.map((i) => records[i]);

  // One pool for both passes, so workers start once.
  const pool = await createTokenizerPool(tokenizer, {
    numWorkers: effectiveWorkers(config.numWorkers),
  });
  let tokenized: JudgeRow[];
  let evalSwapped: JudgeRow[] | undefined;
  try {
    const options = { maxSequenceLength: config.maxSequenceLength, pool };
    tokenized = await tokenizeArena(
      needed.map((i) => records[i]),
      tokenizer,
      options,
    );
    if (config.swapAverage && evalRecords.length > 0) {
      evalSwapped = await tokenizeArena(evalRecords, tokenizer, { ...options, swap: true });
    }
  } finally {
    await pool.close();
  }
  const rowOf = new Map(needed.map((recordIndex, k) => [recordIndex, tokenized[k]]));
  return {
    source,
    train: trainIndices.map((i) => rowOf.get(i)!),
    eval: evalIndices.map((i) => rowOf.get(i)!),
    evalSwapped,
    all: purpose === 'preview' ? tokenized : undefined,
    skipped: bad.length,
    skippedRows: bad,
    truncated: tokenized.filter((r) => r.truncated).length,
  };
}
