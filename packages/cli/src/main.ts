/**
 * The `gft` command line: parses flags (node:util parseArgs), merges them over a JSON
 * config file, dispatches to a command and maps failures to exit codes (1: the run
 * failed, or any bench cell did, 2: bad usage or config). Returns the exit code instead of exiting, for tests.
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
import { resolveAutoBackend } from './default-backend.js';
import { progressReporter } from './progress.js';
import { cliRegistry } from './registry.js';

type Field = keyof RunConfig;

/** What picks the model and the plugin set, for the commands that run one set. */
const PLUGIN_SET_FIELDS: Field[] = [
  'preset',
  'checkpoint',
  'adapter',
  'adapterOptions',
  'collator',
  'backend',
  'threads',
  'tokenizer',
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
      'checkpoint',
      'tokenizer',
      'adapters',
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
      'write <out>/submission.csv (id,winner_model_a,winner_model_b,winner_tie) for an unlabelled file, or the validation fold',
    fields: [...EVAL_FIELDS, 'out'],
  },
  'data preview': {
    summary:
      'print the micro-batches of the first --steps loader batches (len(input_ids[0]), cu_seqlens, ...)',
    fields: ['checkpoint', 'tokenizer', 'collator', 'steps', ...DATA_FIELDS, 'seed'],
  },
  plugins: {
    summary:
      'list the plugins found (built-in, shipped with the CLI, installed in the project) with their package and version',
    fields: [],
  },
  memory: {
    summary:
      'predicted weight + optimizer memory of each technique for a preset (e.g. --preset gemma2-9b)',
    fields: ['preset', 'checkpoint', 'adapters', 'r', 'adapterOptions'],
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
    lines.push(
      '  --config FILE             JSON config; flags override it',
      '  --json                    machine-readable output',
      '  --help',
    );
    return lines.join('\n');
  }
  return [
    'gft: fine-tune and benchmark Gemma-family models',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(14)} ${c.summary}`),
    '',
    'gft <command> --help for its options.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  let name = argv[0];
  let rest = argv.slice(1);
  if (name === 'bench-cell') return benchCellCommand(rest[0]);
  if (name === 'data' && rest[0] === 'preview') {
    name = 'data preview';
    rest = rest.slice(1);
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (!COMMANDS[name]) {
    process.stderr.write(
      `gft: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return 2;
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
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage(name)}\n`);
    return 0;
  }
  const json = values.json === true;
  const { config: file, json: _j, help: _h, resume, ...flags } = values;
  const print = (result: unknown, text: string) =>
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${text}\n`);
  try {
    const config = await resolveAutoBackend(
      loadConfig(file as string | undefined, flags),
      cliRegistry(),
      (line) => process.stderr.write(`${line}\n`),
    );
    switch (name) {
      case 'train': {
        const r = await trainCommand(config, progressReporter({ json }), resume === true);
        if (!json)
          print(
            r.summary,
            `done: ${r.summary.steps} steps, final loss ${r.summary.finalLoss.toFixed(4)}, ${Math.round(r.summary.realTokensPerSecond)} real tokens/s`,
          );
        return 0;
      }
      case 'bench': {
        const r = await benchCommand(config, (l) => !json && process.stderr.write(`${l}\n`));
        print(
          r,
          `wrote ${r.jsonl}, ${r.markdown}, ${r.html} (${r.cells} cells, ${r.failed} failed, ${(r.wallMs / 1000).toFixed(1)} s)`,
        );
        if (r.failed === 0) return 0;
        if (!json) {
          process.stderr.write(
            `gft bench: ${r.failed} of ${r.cells} cells failed: ${r.failures.map((f) => `${f.id} (${f.code})`).join(', ')}` +
              `${config.allowFailures ? '' : '; exit code 1 (--allowFailures exits 0)'}\n`,
          );
        }
        return config.allowFailures ? 0 : 1;
      }
      case 'eval': {
        const r = await evalCommand(config);
        print(
          r,
          `eval at step ${r.step}: log loss ${r.logLoss.toFixed(4)}, accuracy ${(r.accuracy * 100).toFixed(1)}% (${r.rows} rows)`,
        );
        return 0;
      }
      case 'predict': {
        const r = await predictCommand(config);
        print(
          r,
          `wrote ${r.out} (${r.rows} rows of ${r.data}${r.swapAveraged ? ', A/B-swap averaged' : ''})`,
        );
        return 0;
      }
      case 'data preview': {
        const r = await dataPreviewCommand(config);
        print(r, formatDataPreview(r));
        return 0;
      }
      case 'memory': {
        const r = await memoryCommand(config);
        print(r, formatMemory(r));
        return 0;
      }
      case 'plugins': {
        const r = pluginsCommand();
        print(r, formatPlugins(r));
        return 0;
      }
      default:
        throw new GftError('INTERNAL', `gft ${name}: command listed but not dispatched`);
    }
  } catch (e) {
    const code = GftError.isInstance(e) ? e.code : 'INTERNAL';
    const message = (e as Error).message;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`gft ${name}: ${code}: ${message}\n`);
    return code === 'BAD_CONFIG' ? 2 : 1;
  }
}
