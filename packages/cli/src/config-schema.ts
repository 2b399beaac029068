/**
 * The run config's schema: one entry per field, each saying what it must hold (the error
 * text) and what it is for (the help, also the JSON Schema's description). The
 * `--config` file schema and the RunConfig type are derived from it, so the help, the
 * checks, the type and the editor completion cannot drift apart.
 */
import * as v from 'valibot';

/** The kind of value a config field holds; flags are converted from text by it. */
export type Kind =
  | 'string'
  | 'int+'
  | 'int0'
  | 'int2'
  | 'number+'
  | 'number0'
  | 'boolean'
  | 'strings'
  | 'ints'
  | 'object';

/** The flag parser's reading of a field (CONFIG_FIELDS), kept beside its description. */
const kindOf = <TInput>(kind: Kind) => v.metadata<TInput, { kind: Kind }>({ kind });

function text(help: string) {
  const mustBe = `a non-empty string (${help})`;
  return v.pipe(
    v.string(mustBe),
    v.minLength(1, mustBe),
    v.description(help),
    kindOf<string>('string'),
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(choices: T, help: string) {
  return v.pipe(
    v.picklist(choices, `one of ${choices.join(', ')} (${help})`),
    v.description(help),
    kindOf<T[number]>('string'),
  );
}

function integer(min: 0 | 1 | 2, help: string) {
  const mustBe = `an integer >= ${min} (${help})`;
  const kind: Kind = min === 2 ? 'int2' : min === 1 ? 'int+' : 'int0';
  return v.pipe(
    v.number(mustBe),
    v.safeInteger(mustBe),
    v.minValue(min, mustBe),
    v.description(help),
    kindOf<number>(kind),
  );
}

function positive(help: string) {
  const mustBe = `a positive number (${help})`;
  return v.pipe(
    v.number(mustBe),
    v.finite(mustBe),
    v.gtValue(0, mustBe),
    v.description(help),
    kindOf<number>('number+'),
  );
}

function nonNegative(help: string) {
  const mustBe = `a number >= 0 (${help})`;
  return v.pipe(
    v.number(mustBe),
    v.finite(mustBe),
    v.minValue(0, mustBe),
    v.description(help),
    kindOf<number>('number0'),
  );
}

function flag(help: string) {
  return v.pipe(
    v.boolean(`true or false (${help})`),
    v.description(help),
    kindOf<boolean>('boolean'),
  );
}

function names(help: string) {
  const mustBe = `a non-empty list of names (comma-separated on the command line) (${help})`;
  return v.pipe(
    v.array(v.pipe(v.string(mustBe), v.minLength(1, mustBe)), mustBe),
    v.minLength(1, mustBe),
    v.description(help),
    kindOf<string[]>('strings'),
  );
}

/** Checks that JSON Schema writes as `uniqueItems` (config-json-schema.ts). */
export const UNIQUE_ITEMS_CHECKS = new WeakSet<object>();

function distinctItems(mustBe: string) {
  // Two equal verdict ids would make two outcomes one logit: a head that cannot tell them apart.
  const check = v.check((items: number[]) => new Set(items).size === items.length, mustBe);
  UNIQUE_ITEMS_CHECKS.add(check);
  return check;
}

function tokenIds(count: number, help: string) {
  const mustBe = `${count} token ids, integers >= 0 (comma-separated on the command line) (${help})`;
  const id = v.pipe(v.number(mustBe), v.safeInteger(mustBe), v.minValue(0, mustBe));
  return v.pipe(
    v.array(id, mustBe),
    v.length(count, mustBe),
    distinctItems(`${count} different token ids (${help})`),
    v.description(help),
    kindOf<number[]>('ints'),
  );
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function options(help: string) {
  // Not v.record: it takes an array and turns it into an object keyed '0', '1', ...
  return v.pipe(
    v.custom<Record<string, unknown>>(isJsonObject, `a JSON object (${help})`),
    v.description(help),
    kindOf<Record<string, unknown>>('object'),
  );
}

/** Every field of a run; optional ones have no default (DEFAULT_CONFIG has the rest). */
export const runConfigSchema = v.strictObject(
  {
    preset: text('model preset (tiny, small, gemma2-9b, ...)'),
    adapter: text('technique plugin name'),
    collator: text('collator plugin name'),
    backend: text(
      "backend plugin name (default 'auto': cuda-native where a GPU is, else cpu-native where its addon loads, else wasm)",
    ),
    threads: v.optional(
      integer(1, 'backend threads (cpu-native: default every core; wasm: default 1)'),
    ),
    tokenizer: v.optional(
      text("tokenizer plugin name (default: the model folder's tokenizer.json, else gemma2)"),
    ),
    model: v.optional(
      text(
        'Hugging Face model folder to fine-tune (weights + config.json + tokenizer.json); default: random init of --preset',
      ),
    ),
    // The old spelling of `model`, too close to `checkpointDir` (training checkpoints):
    // still read, with a deprecation line (config.ts).
    checkpoint: v.optional(text('deprecated: the old name of --model')),
    adapterOptions: options('options for the adapter factory'),
    head: oneOf(
      ['classification', 'verdict'],
      "'classification' (score matrix) or 'verdict' (LM-head logits of the tokens A, B, C after the prompt's '[[')",
    ),
    verdictTokens: v.optional(
      tokenIds(
        3,
        "verdict head: token ids of A, B, C (default: derived from the tokenizer by encoding the prompt's suffix + each letter)",
      ),
    ),
    data: text("'synthetic' or an arena .csv / .jsonl / .parquet file"),
    rows: integer(
      0,
      'records: synthetic rows to make / first N of the file (0: enough / all; predict: every row)',
    ),
    folds: integer(2, 'k of the k-fold train / validation split'),
    fold: integer(0, 'which fold validates (0..folds-1)'),
    numWorkers: integer(0, 'tokenizer worker threads (capped at cores - 1)'),
    batchSize: integer(1, 'rows per loader batch (one optimizer step)'),
    maxTokens: integer(1, 'token budget per micro-batch'),
    maxSequenceLength: integer(1, 'tokens per sequence after truncation'),
    steps: integer(1, 'optimizer steps'),
    warmupSteps: integer(0, 'leading steps left out of timings'),
    lr: positive('peak learning rate'),
    lrWarmupSteps: integer(0, 'learning-rate warm-up steps'),
    decay: oneOf(['constant', 'linear', 'cosine'], 'learning-rate decay'),
    clipGradNorm: v.optional(positive('global gradient-norm clip')),
    weightDecay: nonNegative('AdamW decoupled weight decay'),
    seed: integer(0, 'seed for init, data and shuffles'),
    activationCheckpointing: flag('recompute each layer in backward'),
    checkpointDir: v.optional(
      text(
        "where training checkpoints go (gft's own, for --resume and eval/predict; not a model folder)",
      ),
    ),
    checkpointEvery: integer(
      0,
      'checkpoint every N steps (0: never; with --resume: the cadence the checkpoint was written with)',
    ),
    evalRows: v.optional(
      integer(
        0,
        'validation rows to evaluate (train/bench: default 4, 0 = no eval; eval: default 0 = all)',
      ),
    ),
    swapAverage: flag('average eval with the A/B-swapped input'),
    out: text('output directory'),
    adapters: names('bench: adapters to cross'),
    collators: names('bench: collators to cross'),
    backends: names("bench: backends to cross (default 'auto', see --backend)"),
    baseline: v.optional(text('bench: baseline cell adapter/collator/backend')),
    allowFailures: flag(
      'bench: exit 0 when cells fail (default: exit 1; the report names failures either way)',
    ),
    r: integer(1, 'LoRA rank of lora, lora-bf16 and qlora (adapterOptions.r overrides)'),
    fit: flag(
      'memory: the largest token budget that fits --memoryLimit, per technique, with and without checkpointing',
    ),
    memoryLimit: v.optional(
      text(
        "memory --fit: bytes available, e.g. '24GiB' or '20GB' (default: this machine's free memory)",
      ),
    ),
  },
  'a JSON object',
);

/** A complete run config: what the commands read. */
/** What a config file or the flags may hold, old spellings included. */
export type RunConfigInput = v.InferOutput<typeof runConfigSchema>;
/** A run's config after loadConfig: `checkpoint` has become `model` (config.ts). */
export type RunConfig = Omit<RunConfigInput, 'checkpoint'>;

/**
 * A `--config` file: any subset of the fields, nothing else, plus `$schema` (the editor's
 * pointer to config.schema.json, ignored here).
 */
export const runConfigFileSchema = v.strictObject(
  {
    $schema: v.optional(
      v.pipe(
        v.string('a string (the JSON Schema URL or path, for editors)'),
        v.description(
          'JSON Schema of this file, for editors: node_modules/@gft/cli/config.schema.json',
        ),
      ),
    ),
    ...v.partial(runConfigSchema).entries,
  },
  'a JSON object',
);

/** What a field holds and what it is for, as `gft <command> --help` prints it. */
export interface ConfigField {
  kind: Kind;
  help: string;
}

function fieldOf(schema: v.GenericSchema): ConfigField {
  const inner = (schema as { wrapped?: v.GenericSchema }).wrapped ?? schema;
  const kind = (v.getMetadata(inner as never) as { kind?: Kind }).kind;
  const help = v.getDescription(inner as never);
  if (!kind || !help) throw new Error('a run-config field schema lacks its kind or help');
  return { kind, help };
}

/** The kind and help of every field, for the flag parser and the usage text. */
export const CONFIG_FIELDS = Object.fromEntries(
  Object.entries(runConfigSchema.entries).map(([name, schema]) => [name, fieldOf(schema)]),
) as Record<keyof RunConfig, ConfigField>;
