/**
 * The `gft` command line: parses flags (node:util parseArgs), merges them over a JSON
 * config file, checks options that conflict, dispatches to a command and maps failures to
 * the exit-code table (exit-codes.ts). Returns the exit code instead of exiting, for tests.
 */
import { parseArgs } from 'node:util';
import { GftError } from '@gft/core';
import { benchCellCommand, benchCommand } from './commands/bench.js';
import { dataPreviewCommand, formatDataPreview } from './commands/data-preview.js';
import { evalCommand, predictCommand } from './commands/eval.js';
import { formatMemory, memoryCommand } from './commands/memory.js';
import { formatPlugins, pluginsCommand } from './commands/plugins.js';
import { trainCommand } from './commands/train.js';
import { CONFIG_FIELDS, loadConfig, type RunConfig } from './config.js';
import { CONFIG_SCHEMA_PATH, configJsonSchema } from './config-json-schema.js';
import { resolveAutoBackend } from './default-backend.js';
import { EXIT, exitCodeHelp, exitCodeOf } from './exit-codes.js';
import { checkOptionRules } from './option-rules.js';
import { progressReporter } from './progress.js';
import { cliRegistry } from './registry.js';
import { versionLine } from './version.js';

type Field = keyof RunConfig;

/** What picks the model and the plugin set, for the commands that run one set. */
const PLUGIN_SET_FIELDS: Field[] = [
  'preset',
  'model',
  'adapter',
  'r',
  'adapterOptions',
  'collator',
  'backend',
  'threads',
  'tokenizer',
  'head',
  'verdictTokens',
];
/** Where rows come from and how they become micro-batches. */
const DATA_FIELDS: Field[] = [
  'data',
  'rows',
  'folds',
  'fold',
  'numWorkers',
  'batchSize',
  'maxTokens',
  'maxSequenceLength',
];
const EVAL_FIELDS: Field[] = [
  ...PLUGIN_SET_FIELDS,
  ...DATA_FIELDS,
  'evalRows',
  'swapAverage',
  'checkpointDir',
  'seed',
];

const COMMANDS: Record<string, { summary: string; fields: Field[] }> = {
  bench: {
    summary:
      'run the adapter x collator x backend matrix, one child process per cell, and write report.md / report.html',
    fields: [
      'preset',
      'model',
      'tokenizer',
      'head',
      'verdictTokens',
      'adapters',
      'r',
      'collators',
      'backends',
      'threads',
      'baseline',
      'steps',
      'warmupSteps',
      ...DATA_FIELDS,
      'lr',
      'evalRows',
      'swapAverage',
      'activationCheckpointing',
      'seed',
      'out',
      'allowFailures',
    ],
  },
  train: {
    summary:
      'fine-tune a preset with one plugin set (checkpoints with --checkpointDir/--checkpointEvery, --resume)',
    fields: [
      ...PLUGIN_SET_FIELDS,
      'steps',
      ...DATA_FIELDS,
      'lr',
      'lrWarmupSteps',
      'decay',
      'clipGradNorm',
      'weightDecay',
      'seed',
      'activationCheckpointing',
      'checkpointDir',
      'checkpointEvery',
      'evalRows',
      'swapAverage',
      'warmupSteps',
    ],
  },
  eval: {
    summary:
      'log loss and accuracy on the validation fold (model restored from --checkpointDir when given)',
    fields: EVAL_FIELDS,
  },
  predict: {
    summary:
      'write <out>/submission.csv (id,winner_model_a,winner_model_b,winner_tie) for every row of --data, or fail naming the rows it cannot read',
    fields: [
      ...EVAL_FIELDS.filter((f) => f !== 'evalRows' && f !== 'folds' && f !== 'fold'),
      'out',
    ],
  },
  'data preview': {
    summary:
      'data statistics (rows read / skipped, labels, multi-turn, truncation, token-length percentiles, padded vs packed efficiency), then the micro-batches of the first --steps loader batches (len(input_ids[0]), cu_seqlens, ...)',
    fields: ['model', 'tokenizer', 'collator', 'steps', ...DATA_FIELDS, 'seed'],
  },
  plugins: {
    summary:
      'list the plugins found (built-in, shipped with the CLI, installed in the project) with their package and version',
    fields: [],
  },
  memory: {
    summary:
      'predicted peak memory of a training step per technique, with and without activation checkpointing (--fit: the largest token budget that fits)',
    fields: [
      'preset',
      'model',
      'adapters',
      'r',
      'adapterOptions',
      'head',
      'maxTokens',
      'activationCheckpointing',
      'fit',
      'memoryLimit',
    ],
  },
};

/** A true/false option given alone (`--allowFailures`) means true, as switches do elsewhere. */
function expandSwitches(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const [i, arg] of args.entries()) {
    out.push(arg);
    const field = arg.startsWith('--') ? (arg.slice(2) as Field) : undefined;
    const next = args[i + 1];
    if (
      field &&
      CONFIG_FIELDS[field]?.kind === 'boolean' &&
      (next === undefined || next.startsWith('--'))
    )
      out.push('true');
  }
  return out;
}

function usage(command?: string): string {
  if (command && COMMANDS[command]) {
    const c = COMMANDS[command];
    const lines = [
      `gft ${command}: ${c.summary}`,
      '',
      'Options (also settable in --config FILE.json):',
    ];
    for (const f of c.fields) lines.push(`  --${f.padEnd(24)} ${CONFIG_FIELDS[f].help}`);
    const sw = c.fields.find((f) => CONFIG_FIELDS[f].kind === 'boolean');
    if (sw) lines.push(`  (true/false options alone mean true: --${sw} is --${sw} true)`);
    if (command === 'train') {
      lines.push(
        '  --resume                  continue from the newest intact checkpoint in --checkpointDir (fresh start when there is none);',
        '                            without --checkpointEvery it keeps the cadence the checkpoint was written with',
      );
    }
    lines.push(
      `  --config FILE             JSON config; flags override it ("$schema": "${CONFIG_SCHEMA_PATH}" completes it in editors)`,
      '  --json                    machine-readable output (errors: {"error": {code, message, where}})',
      '  --help',
      '',
      exitCodeHelp(),
    );
    return lines.join('\n');
  }
  return [
    'gft: fine-tune and benchmark Gemma-family models',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(14)} ${c.summary}`),
    '',
    'gft <command> --help for its options; gft --version for the installed versions.',
    `gft config schema prints the JSON Schema of --config files (shipped as ${CONFIG_SCHEMA_PATH};`,
    'point a config file\'s "$schema" at it for completion in editors).',
    '',
    exitCodeHelp(),
  ].join('\n');
}

/** Prints a failure (a GftError, or a bug) and returns its exit code from the table. */
export function reportFailure(command: string, e: unknown, json: boolean): number {
  const gft = GftError.isInstance(e) ? e : undefined;
  const code = gft?.code ?? 'INTERNAL';
  const message = (e as Error)?.message ?? String(e);
  const where = gft?.where ?? command;
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { code, message, where } })}\n`);
  } else {
    const bug = code === 'INTERNAL' ? ' (a bug in gft or a plugin; please report it)' : '';
    process.stderr.write(`gft ${command}: ${code}${bug}: ${message}\n`);
    if (!gft && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  }
  return exitCodeOf(code);
}

export async function main(argv: readonly string[]): Promise<number> {
  let name = argv[0];
  let rest = argv.slice(1);
  if (name === 'bench-cell') return benchCellCommand(rest[0]);
  if (name === 'config' && rest[0] === 'schema' && rest.length === 1) {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return EXIT.ok;
  }
  if (name === 'data' && rest[0] === 'preview') {
    name = 'data preview';
    rest = rest.slice(1);
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${versionLine()}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (!COMMANDS[name]) {
    process.stderr.write(
      `gft: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return EXIT.usage;
  }
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
    resume: { type: 'boolean' },
  };
  for (const f of Object.keys(CONFIG_FIELDS)) options[f] = { type: 'string' };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: expandSwitches(rest),
      options,
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`gft ${name}: ${(e as Error).message}\n${usage(name)}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(`${usage(name)}\n`);
    return EXIT.ok;
  }
  const json = values.json === true;
  const { config: file, json: _j, help: _h, resume, ...flags } = values;
  const print = (result: unknown, text: string) =>
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${text}\n`);
  try {
    const loaded = loadConfig(file as string | undefined, flags);
    checkOptionRules(loaded, {
      batches: COMMANDS[name].fields.includes('maxTokens'),
      resume: resume === true,
    });
    const config = await resolveAutoBackend(loaded, cliRegistry(), (line) =>
      process.stderr.write(`${line}\n`),
    );
    switch (name) {
      case 'train': {
        const r = await trainCommand(config, progressReporter({ json }), resume === true);
        if (!json)
          print(
            r.summary,
            `done: ${r.summary.steps} steps, final loss ${r.summary.finalLoss.toFixed(4)}, ${Math.round(r.summary.realTokensPerSecond)} real tokens/s`,
          );
        return EXIT.ok;
      }
      case 'bench': {
        const r = await benchCommand(config, (l) => !json && process.stderr.write(`${l}\n`));
        print(
          r,
          `wrote ${r.jsonl}, ${r.markdown}, ${r.html} (${r.cells} cells, ${r.failed} failed, ${(r.wallMs / 1000).toFixed(1)} s)`,
        );
        if (r.failed === 0) return EXIT.ok;
        if (!json) {
          process.stderr.write(
            `gft bench: ${r.failed} of ${r.cells} cells failed: ${r.failures.map((f) => `${f.id} (${f.code})`).join(', ')}` +
              `${config.allowFailures ? '' : '; exit code 1 (--allowFailures exits 0)'}\n`,
          );
        }
        return config.allowFailures ? EXIT.ok : EXIT.runFailed;
      }
      case 'eval': {
        const r = await evalCommand(config);
        print(
          r,
          `eval at step ${r.step}: log loss ${r.logLoss.toFixed(4)}, accuracy ${(r.accuracy * 100).toFixed(1)}% (${r.rows} rows, ${r.head} head)`,
        );
        return EXIT.ok;
      }
      case 'predict': {
        const r = await predictCommand(config);
        print(
          r,
          `wrote ${r.out} (${r.rows} rows of ${r.data}, ${r.head} head${r.swapAveraged ? ', A/B-swap averaged' : ''})`,
        );
        return EXIT.ok;
      }
      case 'data preview': {
        const r = await dataPreviewCommand(config);
        print(r, formatDataPreview(r));
        return EXIT.ok;
      }
      case 'memory': {
        const r = await memoryCommand(config, new Set(Object.keys(flags)));
        print(r, formatMemory(r));
        return EXIT.ok;
      }
      case 'plugins': {
        const r = pluginsCommand();
        print(r, formatPlugins(r));
        return EXIT.ok;
      }
      default:
        throw new GftError('INTERNAL', `gft ${name}: command listed but not dispatched`);
    }
  } catch (e) {
    return reportFailure(name, e, json);
  }
}
