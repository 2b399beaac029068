/**
 * `gft memory`: each technique's predicted weight and optimizer memory for a preset (or a
 * checkpoint's config.json) without building the model: core's `predictMemory` over the
 * model's inventory (its linear sites and other parameters) with each adapter's estimates.
 * Activations are not predicted (they depend on the batch; `gft bench` measures peaks).
 */
import { type Adapter, GftError, type MemoryBreakdown, predictMemory } from '@gft/core';
import { modelInventory, preset, readGemmaConfig } from '@gft/gemma';
import { formatBytes, formatCount } from '@gft/report';
import type { RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';

export interface MemoryRow extends MemoryBreakdown {
  technique: string;
}

/** Rank-taking techniques get `r` (and PEFT's usual alpha = 2r unless adapterOptions set it). */
const RANKED = new Set(['lora', 'qlora']);

export async function memoryCommand(
  config: RunConfig,
): Promise<{ model: string; r: number; rows: MemoryRow[] }> {
  const gemmaConfig = config.checkpoint
    ? readGemmaConfig(config.checkpoint)
    : preset(config.preset);
  const inventory = modelInventory(gemmaConfig);
  const registry = cliRegistry();
  const rows: MemoryRow[] = [];
  for (const name of config.adapters) {
    const options = RANKED.has(name)
      ? { alpha: 2 * config.r, ...config.adapterOptions, r: config.r }
      : {};
    const adapter = (await registry.create('adapter', name, options)) as Adapter;
    if (typeof adapter.estimateLinear !== 'function') {
      throw new GftError(
        'PLUGIN_INCOMPATIBLE',
        `adapter '${name}' has no estimateLinear, so its memory cannot be predicted`,
        { where: name },
      );
    }
    rows.push({
      technique: RANKED.has(name) ? `${name} r=${config.r}` : name,
      ...predictMemory(inventory, adapter),
    });
  }
  return { model: config.checkpoint ?? config.preset, r: config.r, rows };
}

export function formatMemory(r: Awaited<ReturnType<typeof memoryCommand>>): string {
  const header = [
    'technique',
    'trainable params',
    'frozen',
    'trainable',
    'optimizer (AdamW)',
    'total',
  ];
  const body = r.rows.map((m) => [
    m.technique,
    formatCount(m.trainableParams),
    formatBytes(m.frozenBytes),
    formatBytes(m.trainableBytes),
    formatBytes(m.optimizerBytes),
    formatBytes(m.totalBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `${r.model}: predicted weights + optimizer state (float32 trainables, no activations)`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
