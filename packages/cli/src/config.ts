/**
 * The run config: a JSON file and/or flags, validated by the schema (config-schema.ts)
 * with errors that name the field, say what it must be and what it got. Flags override the
 * file; defaults fill the rest. Not here: what the fields do (the commands read them).
 */
import { readFileSync } from 'node:fs';
import { GftError, parseConfig } from '@gft/core';
import {
  CONFIG_FIELDS,
  type Kind,
  type RunConfig,
  type RunConfigInput,
  runConfigFileSchema,
} from './config-schema.js';

export {
  CONFIG_FIELDS,
  type ConfigField,
  type Kind,
  type RunConfig,
  type RunConfigInput,
} from './config-schema.js';

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

/**
 * A flag's text as the value its field holds. Text that does not convert stays text, so
 * that the schema's error shows what was typed.
 */
function fromFlag(kind: Kind, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (kind) {
    case 'int+':
    case 'int0':
    case 'int2':
    case 'number+':
    case 'number0':
      return value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'strings':
      return value.split(',').map((s) => s.trim());
    case 'ints':
      return value
        .split(',')
        .map((s) => (s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s));
    case 'object':
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    default:
      return value;
  }
}

/**
 * Validates a partial config from `source`: a config file's parsed JSON, or `flags` (text
 * converted by each field's kind). Unknown fields are errors; `$schema` is dropped.
 */
export function validateConfig(raw: unknown, source: string): Partial<RunConfigInput> {
  let input = raw;
  if (source === 'flags' && typeof raw === 'object' && raw !== null) {
    input = Object.fromEntries(
      Object.entries(raw)
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => {
          const kind = CONFIG_FIELDS[field as keyof RunConfig]?.kind;
          return [field, kind ? fromFlag(kind, value) : value];
        }),
    );
  }
  const { $schema: _editorHint, ...config } = parseConfig(runConfigFileSchema, input, {
    source,
    where: (path) => path,
  });
  return config;
}

/**
 * `checkpoint` was the Hugging Face model folder's name until it was confused once too often
 * with `checkpointDir` (gft's training checkpoints): it is read as `model`, with one line on
 * stderr, and giving both is refused.
 */
function withModelRenamed(config: Partial<RunConfigInput>, source: string): Partial<RunConfig> {
  const { checkpoint, ...rest } = config;
  if (checkpoint === undefined) return rest;
  const flag = source === 'flags';
  if (rest.model !== undefined && rest.model !== checkpoint) {
    throw new GftError(
      'BAD_CONFIG',
      `${source}: ${flag ? '--checkpoint' : "'checkpoint'"} is the old name of ${flag ? '--model' : "'model'"}; give only ${flag ? '--model' : "'model'"} (got both: ${JSON.stringify(checkpoint)} and ${JSON.stringify(rest.model)})`,
      { where: 'checkpoint' },
    );
  }
  process.stderr.write(
    `gft: ${flag ? '--checkpoint' : `'checkpoint' in ${source}`} is deprecated; use ${flag ? '--model' : "'model'"} (the Hugging Face model folder). --checkpointDir stays the folder of training checkpoints.\n`,
  );
  return { ...rest, model: checkpoint };
}

export function loadConfig(file: string | undefined, flags: Record<string, unknown>): RunConfig {
  let fromFile: Partial<RunConfigInput> = {};
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
  const given = withModelRenamed(fromFile, file ?? 'flags');
  Object.assign(given, withModelRenamed(validateConfig(flags, 'flags'), 'flags'));
  const config = { ...DEFAULT_CONFIG, ...given };
  // A budget below the default truncation, with no truncation asked for, truncates to the
  // budget (every row still fits one micro-batch); both given and conflicting is refused
  // (option-rules.ts).
  if (given.maxSequenceLength === undefined && config.maxTokens < config.maxSequenceLength) {
    config.maxSequenceLength = config.maxTokens;
  }
  return config;
}
