/**
 * The run config: a JSON file and/or flags, validated field by field with errors that name
 * the field, say what it must be and what it got. Flags override the file; defaults fill
 * the rest. Not here: what the fields do (the commands read them).
 */
import { readFileSync } from 'node:fs';
import { GftError } from '@gft/core';

export interface RunConfig {
  preset: string;
  adapter: string;
  collator: string;
  backend: string;
  /** Default: the checkpoint's tokenizer.json with `checkpoint`, else `gemma2` (bundled). */
  tokenizer?: string;
  /** A Hugging Face model directory: weights (else random init of `preset`) and tokenizer.json. */
  checkpoint?: string;
  /** Options passed to the adapter factory (e.g. `{ "r": 16 }`). */
  adapterOptions: Record<string, unknown>;
  /** `classification` (the `score` matrix) or `verdict` (LM-head logits of A / B / C). */
  head: 'classification' | 'verdict';
  /** Verdict-head token ids; default: derived from the tokenizer (run-head.ts). */
  verdictTokens?: string[];
  /** `synthetic` (the embedded default) or a path to arena CSV / JSONL / Parquet. */
  data: string;
  /** Records to use: synthetic rows to generate, or the first N of a file; 0: automatic / all. */
  rows: number;
  /** k of the k-fold split into train / validation (grouped by prompt). */
  folds: number;
  /** Which fold is the validation fold (0..folds-1). */
  fold: number;
  /** Tokenizer worker threads (seed: 4), capped at cores - 1; 0 or 1 tokenizes inline. */
  numWorkers: number;
  batchSize: number;
  maxTokens: number;
  maxSequenceLength: number;
  steps: number;
  warmupSteps: number;
  lr: number;
  lrWarmupSteps: number;
  decay: 'constant' | 'linear' | 'cosine';
  clipGradNorm?: number;
  weightDecay: number;
  seed: number;
  activationCheckpointing: boolean;
  checkpointDir?: string;
  checkpointEvery: number;
  /** Validation rows to evaluate; default 4 for train / bench, every row for eval (evalRowsFor). */
  evalRows?: number;
  swapAverage: boolean;
  out: string;
  adapters: string[];
  collators: string[];
  backends: string[];
  /** Backend threads; the backend's own default when absent. */
  threads?: number;
  baseline?: string;
  /** `gft bench`: exit 0 even when cells fail (CI matrices with a backend that may be absent). */
  allowFailures: boolean;
  /** LoRA rank of the rank-taking adapters (lora, lora-bf16, qlora); adapterOptions.r wins. */
  r: number;
  /** `gft memory --fit`. */
  fit: boolean;
  /** `gft memory --fit`: the limit, e.g. '24GiB' (default: free memory). */
  memoryLimit?: string;
}

export const DEFAULT_CONFIG: RunConfig = {
  preset: 'small',
  adapter: 'lora',
  collator: 'padding',
  // cpu-native where its addon loads, else wasm (default-backend.ts).
  backend: 'auto',
  adapterOptions: {},
  head: 'classification',
  data: 'synthetic',
  rows: 0,
  folds: 5,
  fold: 0,
  numWorkers: 4,
  // The main job (`gft bench`, 6 cells) must finish in 5 minutes on 2 cores (measured: 178 s
  // on a quiet machine): small loader batches, yet enough rows that padding shows (~27%);
  // the seed's 80 rows / 16384 tokens are a flag away.
  batchSize: 4,
  maxTokens: 4096,
  maxSequenceLength: 4096,
  steps: 3,
  warmupSteps: 1,
  lr: 2e-4,
  lrWarmupSteps: 0,
  decay: 'linear',
  weightDecay: 0.01,
  seed: 0,
  activationCheckpointing: true,
  checkpointEvery: 0,
  swapAverage: false,
  out: 'gft-out',
  adapters: ['full-ft', 'lora', 'qlora'],
  collators: ['padding', 'varlen-packing'],
  backends: ['auto'],
  allowFailures: false,
  r: 16,
  fit: false,
};

/** Adapters that take a LoRA rank (`--r`). */
const RANKED_ADAPTERS = new Set(['lora', 'lora-bf16', 'qlora']);

/** The factory options of adapter `name`: `--adapterOptions`, with `--r` for ranked adapters. */
export function adapterOptionsFor(config: RunConfig, name: string): Record<string, unknown> {
  return RANKED_ADAPTERS.has(name)
    ? { r: config.r, ...config.adapterOptions }
    : config.adapterOptions;
}

/** Train and bench evaluate a few rows after training by default; `gft eval` every row. */
export const DEFAULT_TRAIN_EVAL_ROWS = 4;

/** The validation-row cap of a purpose; 0 means none for train, all for eval. */
export function evalRowsFor(config: RunConfig, purpose: 'train' | 'eval'): number {
  return config.evalRows ?? (purpose === 'train' ? DEFAULT_TRAIN_EVAL_ROWS : 0);
}

/** The kind of value a config field holds (CONFIG_FIELDS). */
export type Kind =
  | 'string'
  | 'int+'
  | 'int0'
  | 'int2'
  | 'number+'
  | 'number0'
  | 'boolean'
  | 'strings'
  | 'object';
const FIELDS: Record<keyof RunConfig, { kind: Kind; help: string; oneOf?: readonly string[] }> = {
  preset: { kind: 'string', help: 'model preset (tiny, small, gemma2-9b, ...)' },
  adapter: { kind: 'string', help: 'technique plugin name' },
  collator: { kind: 'string', help: 'collator plugin name' },
  backend: {
    kind: 'string',
    help: "backend plugin name (default 'auto': cuda-native where a GPU is, else cpu-native where its addon loads, else wasm)",
  },
  threads: {
    kind: 'int+',
    help: 'backend threads (cpu-native: default every core; wasm: default 1)',
  },
  tokenizer: {
    kind: 'string',
    help: "tokenizer plugin name (default: the checkpoint's tokenizer.json, else gemma2)",
  },
  checkpoint: {
    kind: 'string',
    help: 'Hugging Face model directory (weights + tokenizer.json); default: random init',
  },
  adapterOptions: { kind: 'object', help: 'options for the adapter factory' },
  head: {
    kind: 'string',
    help: "'classification' (score matrix) or 'verdict' (LM-head logits of the tokens A, B, C after the prompt's '[[')",
    oneOf: ['classification', 'verdict'],
  },
  verdictTokens: {
    kind: 'strings',
    help: "verdict head: token ids of A, B, C (default: derived from the tokenizer by encoding the prompt's suffix + each letter)",
  },
  data: { kind: 'string', help: "'synthetic' or an arena .csv / .jsonl / .parquet file" },
  rows: {
    kind: 'int0',
    help: 'records: synthetic rows to make / first N of the file (0: enough / all; predict: every row)',
  },
  folds: { kind: 'int2', help: 'k of the k-fold train / validation split' },
  fold: { kind: 'int0', help: 'which fold validates (0..folds-1)' },
  numWorkers: { kind: 'int0', help: 'tokenizer worker threads (capped at cores - 1)' },
  batchSize: { kind: 'int+', help: 'rows per loader batch (one optimizer step)' },
  maxTokens: { kind: 'int+', help: 'token budget per micro-batch' },
  maxSequenceLength: { kind: 'int+', help: 'tokens per sequence after truncation' },
  steps: { kind: 'int+', help: 'optimizer steps' },
  warmupSteps: { kind: 'int0', help: 'leading steps left out of timings' },
  lr: { kind: 'number+', help: 'peak learning rate' },
  lrWarmupSteps: { kind: 'int0', help: 'learning-rate warm-up steps' },
  decay: { kind: 'string', help: 'learning-rate decay', oneOf: ['constant', 'linear', 'cosine'] },
  clipGradNorm: { kind: 'number+', help: 'global gradient-norm clip' },
  weightDecay: { kind: 'number0', help: 'AdamW decoupled weight decay' },
  seed: { kind: 'int0', help: 'seed for init, data and shuffles' },
  activationCheckpointing: { kind: 'boolean', help: 'recompute each layer in backward' },
  checkpointDir: { kind: 'string', help: 'where training checkpoints go' },
  checkpointEvery: {
    kind: 'int0',
    help: 'checkpoint every N steps (0: never; with --resume: the cadence the checkpoint was written with)',
  },
  evalRows: {
    kind: 'int0',
    help: 'validation rows to evaluate (train/bench: default 4, 0 = no eval; eval: default 0 = all)',
  },
  swapAverage: { kind: 'boolean', help: 'average eval with the A/B-swapped input' },
  out: { kind: 'string', help: 'output directory' },
  adapters: { kind: 'strings', help: 'bench: adapters to cross' },
  collators: { kind: 'strings', help: 'bench: collators to cross' },
  backends: { kind: 'strings', help: "bench: backends to cross (default 'auto', see --backend)" },
  baseline: { kind: 'string', help: 'bench: baseline cell adapter/collator/backend' },
  allowFailures: {
    kind: 'boolean',
    help: 'bench: exit 0 when cells fail (default: exit 1; the report names failures either way)',
  },
  r: { kind: 'int+', help: 'LoRA rank of lora, lora-bf16 and qlora (adapterOptions.r overrides)' },
  fit: {
    kind: 'boolean',
    help: 'memory: the largest token budget that fits --memoryLimit, per technique, with and without checkpointing',
  },
  memoryLimit: {
    kind: 'string',
    help: "memory --fit: bytes available, e.g. '24GiB' or '20GB' (default: this machine's free memory)",
  },
};

export const CONFIG_FIELDS = FIELDS;

function check(field: string, value: unknown, source: string): unknown {
  const spec = FIELDS[field as keyof RunConfig];
  const fail = (what: string) =>
    new GftError(
      'BAD_CONFIG',
      `${source}: field '${field}' must be ${what} (${spec.help}); got ${JSON.stringify(value)}`,
      {
        where: field,
      },
    );
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string' || value === '') throw fail('a non-empty string');
      if (spec.oneOf && !spec.oneOf.includes(value)) throw fail(`one of ${spec.oneOf.join(', ')}`);
      return value;
    case 'int+':
    case 'int0':
    case 'int2': {
      const n = typeof value === 'string' ? Number(value) : value;
      const min = spec.kind === 'int2' ? 2 : spec.kind === 'int+' ? 1 : 0;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
        throw fail(`an integer >= ${min}`);
      return n;
    }
    case 'number+':
    case 'number0': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (
        typeof n !== 'number' ||
        !Number.isFinite(n) ||
        n < 0 ||
        (spec.kind === 'number+' && n === 0)
      )
        throw fail(spec.kind === 'number+' ? 'a positive number' : 'a number >= 0');
      return n;
    }
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      if (typeof value !== 'boolean') throw fail('true or false');
      return value;
    case 'strings': {
      const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        list.some((s) => typeof s !== 'string' || s === '')
      )
        throw fail('a non-empty list of names (comma-separated on the command line)');
      return list;
    }
    case 'object':
      if (typeof value === 'string') {
        try {
          return check(field, JSON.parse(value), source);
        } catch {
          throw fail('a JSON object');
        }
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw fail('a JSON object');
      return value;
  }
}

/** Validates a partial config from `source` (a file name or `flags`); unknown fields are errors. */
export function validateConfig(raw: unknown, source: string): Partial<RunConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new GftError('BAD_CONFIG', `${source}: a config must be a JSON object`, {
      where: source,
    });
  }
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(field in FIELDS)) {
      throw new GftError(
        'BAD_CONFIG',
        `${source}: unknown field '${field}'; known fields: ${Object.keys(FIELDS).sort().join(', ')}`,
        { where: field },
      );
    }
    out[field] = check(field, value, source);
  }
  return out as Partial<RunConfig>;
}

export function loadConfig(file: string | undefined, flags: Record<string, unknown>): RunConfig {
  let fromFile: Partial<RunConfig> = {};
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new GftError('BAD_CONFIG', `cannot read config ${file}: ${(cause as Error).message}`, {
        cause,
        where: file,
      });
    }
    fromFile = validateConfig(raw, file);
  }
  const given = { ...fromFile, ...validateConfig(flags, 'flags') };
  const config = { ...DEFAULT_CONFIG, ...given };
  // A budget below the default truncation, with no truncation asked for, truncates to the
  // budget (every row still fits one micro-batch); both given and conflicting is refused
  // (option-rules.ts).
  if (given.maxSequenceLength === undefined && config.maxTokens < config.maxSequenceLength) {
    config.maxSequenceLength = config.maxTokens;
  }
  return config;
}
