/**
 * `gft memory`: each technique's predicted step peak for a preset (or a checkpoint's
 * config.json) at a micro-batch token budget, with and without activation checkpointing,
 * without building the model (memory-prediction.ts); `--fit` turns it around: the largest
 * token budget whose step fits a memory limit (default: this machine's free memory).
 */
import { freemem } from 'node:os';
import { type Adapter, GftError, type StepMemory } from '@gft/core';
import { formatBytes, formatCount } from '@gft/report';
import { adapterOptionsFor, type RunConfig } from '../config.js';
import {
  largestFittingTokens,
  RUNTIME_BYTES_ESTIMATE,
  stepMemoryModel,
} from '../memory-prediction.js';
import { cliRegistry } from '../registry.js';
import { runGemmaConfig } from '../session.js';

/** What `gft memory` compares when --adapters is not given: every shipped technique. */
export const MEMORY_ADAPTERS = ['full-ft', 'lora', 'lora-bf16', 'qlora'];

export interface MemoryRow extends StepMemory {
  technique: string;
}

export interface FitRow {
  technique: string;
  checkpoint: boolean;
  /** Largest micro-batch token budget that fits (0: not even the weights do). */
  tokens: number;
  /** The predicted peak at that budget (at one token when nothing fits). */
  peakBytes: number;
}

interface Technique {
  label: string;
  adapter: Adapter;
  options: Record<string, unknown>;
}

async function techniques(config: RunConfig, names: readonly string[]): Promise<Technique[]> {
  const registry = cliRegistry();
  const out: Technique[] = [];
  for (const name of names) {
    const options = adapterOptionsFor(config, name);
    const adapter = (await registry.create('adapter', name, options)) as Adapter;
    if (typeof adapter.estimateLinear !== 'function') {
      throw new GftError(
        'PLUGIN_INCOMPATIBLE',
        `adapter '${name}' has no estimateLinear, so its memory cannot be predicted`,
        { where: name },
      );
    }
    out.push({ label: 'r' in options ? `${name} r=${options.r}` : name, adapter, options });
  }
  return out;
}

/** Parses '24GiB', '20GB', '512MiB', '1e9' into bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i.exec(text);
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  };
  const bytes = m ? Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()] : Number.NaN;
  if (!(bytes > 0)) {
    throw new GftError(
      'BAD_CONFIG',
      `--memoryLimit: '${text}' is not a size; write e.g. 24GiB, 20GB or 512MiB`,
      { where: 'memoryLimit' },
    );
  }
  return bytes;
}

export async function memoryCommand(
  config: RunConfig,
  given: ReadonlySet<string> = new Set(),
): Promise<
  | { model: string; tokens: number; runtimeBytes: number; rows: MemoryRow[] }
  | { model: string; limitBytes: number; runtimeBytes: number; fit: FitRow[] }
> {
  const gemma = runGemmaConfig(config);
  const model = config.model ?? config.preset;
  const list = await techniques(config, given.has('adapters') ? config.adapters : MEMORY_ADAPTERS);
  const checkpointing = given.has('activationCheckpointing')
    ? [config.activationCheckpointing]
    : [false, true];
  const runtimeBytes = RUNTIME_BYTES_ESTIMATE;
  const models = list.map((t) => ({
    t,
    predict: stepMemoryModel(gemma, t.adapter, t.options, config.head),
  }));
  if (config.fit) {
    const limitBytes = config.memoryLimit ? parseBytes(config.memoryLimit) : freemem();
    const fit: FitRow[] = [];
    for (const { t, predict } of models) {
      for (const checkpoint of checkpointing) {
        const peak = (tokens: number) => predict({ tokens, checkpoint, runtimeBytes }).peakBytes;
        const tokens = largestFittingTokens((n) => peak(n) <= limitBytes);
        fit.push({ technique: t.label, checkpoint, tokens, peakBytes: peak(Math.max(1, tokens)) });
      }
    }
    return { model, limitBytes, runtimeBytes, fit };
  }
  const rows: MemoryRow[] = [];
  for (const { t, predict } of models) {
    for (const checkpoint of checkpointing) {
      rows.push({
        technique: t.label,
        ...predict({ tokens: config.maxTokens, checkpoint, runtimeBytes }),
      });
    }
  }
  return { model, tokens: config.maxTokens, runtimeBytes, rows };
}

function table(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

export function formatMemory(r: Awaited<ReturnType<typeof memoryCommand>>): string {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  if ('fit' in r) {
    return [
      `${r.model}: the largest micro-batch token budget whose training step fits ${formatBytes(r.limitBytes)} ` +
        `(runtime ${formatBytes(r.runtimeBytes)} included)`,
      '',
      ...table(
        ['technique', 'checkpointing', 'largest budget (tokens)', 'predicted peak'],
        r.fit.map((f) => [
          f.technique,
          yesNo(f.checkpoint),
          f.tokens === 0 ? 'does not fit' : f.tokens.toLocaleString('en-US'),
          formatBytes(f.peakBytes),
        ]),
      ),
    ].join('\n');
  }
  return [
    `${r.model}: predicted peak of one training step on a micro-batch of ${r.tokens.toLocaleString('en-US')} tokens ` +
      `(AdamW, float32 trainables; cache = the engine's freed blocks, at most 1/16 of the live bytes; runtime = Node, tfjs, tokenizer and rows, estimated ${formatBytes(r.runtimeBytes)})`,
    '',
    ...table(
      [
        'technique',
        'checkpointing',
        'trainable params',
        'weights',
        'trainable',
        'AdamW',
        'gradients',
        'kept for backward',
        'working set',
        'cache',
        'runtime',
        'peak',
      ],
      r.rows.map((m) => [
        m.technique,
        yesNo(m.checkpoint),
        formatCount(m.trainableParams),
        formatBytes(m.frozenBytes),
        formatBytes(m.trainableBytes),
        formatBytes(m.optimizerBytes),
        formatBytes(m.gradientBytes),
        formatBytes(m.keptBytes),
        formatBytes(m.workingBytes),
        formatBytes(m.allocatorBytes),
        formatBytes(m.runtimeBytes),
        formatBytes(m.peakBytes),
      ]),
    ),
  ].join('\n');
}
