import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRecord } from '@gft/core';
import { chromiumPath, needs } from '@gft/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { settingsLine } from './settings.js';
import { readBenchJsonl, writeReport } from './write-report.js';

const CHROMIUM = chromiumPath();
const chromiumNeed = needs('chromium');
const tmp = mkdtempSync(join(tmpdir(), 'gft-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function record(id: string, tps: number, losses: number[]): BenchRecord {
  const [adapter, collator, backend] = id.split('/');
  return {
    cell: {
      id,
      adapter,
      collator,
      backend,
      preset: 'small',
      steps: losses.length,
      warmupSteps: 1,
      shared: {},
    },
    ok: true,
    trainableParams: 123_456,
    summary: {
      steps: losses.length,
      realTokensPerSecond: tps,
      computedTokensPerSecond: tps * 1.5,
      paddingRatio: 1 / 3,
      stepMsP50: 100,
      stepMsP90: 120,
      peakTensorBytes: 50 * 2 ** 20,
      peakRssBytes: 400 * 2 ** 20,
      finalLoss: losses.at(-1)!,
      evalLogLoss: 1.05,
    },
    predictedMemory: {
      tokens: 4096,
      checkpoint: true,
      frozenBytes: 0,
      trainableParams: 123_456,
      trainableBytes: 0,
      optimizerBytes: 0,
      totalBytes: 0,
      keptBytes: 0,
      workingBytes: 0,
      gradientBytes: 0,
      optimizerPeakBytes: 0,
      allocatorBytes: 0,
      runtimeBytes: 0,
      peakBytes: 380 * 2 ** 20,
    },
    losses,
  };
}

const records: BenchRecord[] = [
  record('lora/padding/wasm', 200, [1.1, 1.0, 0.9]),
  record('lora/varlen-packing/wasm', 500, [1.1, 0.95, 0.85]),
  {
    cell: {
      id: 'qlora/padding/wasm',
      adapter: 'qlora',
      collator: 'padding',
      backend: 'wasm',
      preset: 'small',
      steps: 3,
      warmupSteps: 1,
      shared: {},
    },
    ok: false,
    error: { code: 'OUT_OF_MEMORY', message: 'heap exhausted | at step 2' },
  },
];

describe('settingsLine', () => {
  it('names the preset, the warm-up and the shared settings every cell ran with', () => {
    const withShared = records.map((r) => ({
      ...r,
      cell: { ...r.cell, shared: { data: 'synthetic', batchSize: 4, maxTokens: 4096, other: 1 } },
    }));
    const line = settingsLine(withShared, 'lora/padding/wasm');
    console.log(line);
    expect(line).toBe(
      'Preset `small`, 3 steps per cell (1 warm-up step left out of timings), data `synthetic`, rows per loader batch 4, micro-batch token budget 4096. Baseline: `lora/padding/wasm`.',
    );
    expect(settingsLine([], undefined)).toBe('No cells.');
  });
});

describe('renderMarkdown', () => {
  it('has a row per combination with the ratio to the baseline and the failure reason', () => {
    const md = renderMarkdown(records, { baseline: 'lora/padding/wasm' });
    expect(md).toMatch(/\| lora\/padding\/wasm \| 200\.0 \| 1\.00x \|/);
    expect(md).toMatch(
      /\| lora\/varlen-packing\/wasm \| 500\.0 \| 2\.50x \|.*\| 400\.0 MiB \| 380\.0 MiB \| 0\.95 \| 123\.5k.*33\.3%.*0\.8500.*1\.0500/,
    );
    expect(md).toContain('`qlora/padding/wasm`: OUT_OF_MEMORY: heap exhausted \\| at step 2');
  });
});

describe('report.html', () => {
  it.skipIf(!chromiumNeed.ok)(
    chromiumNeed.title('renders its charts as inline SVG in headless Chromium, with no scripts'),
    async () => {
      const jsonl = join(tmp, 'bench.jsonl');
      writeFileSync(jsonl, records.map((r) => JSON.stringify(r)).join('\n'));
      const { html, markdown } = await writeReport(readBenchJsonl(jsonl), tmp, {
        baseline: 'lora/padding/wasm',
      });
      expect(readFileSync(markdown, 'utf8')).toContain('2.50x');
      const text = readFileSync(html, 'utf8');
      expect(text).not.toMatch(/<script/i);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu-sandbox',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`file://${html}`);
        const charts = await page.$$eval('figure.chart', (figs) =>
          figs.map((f) => {
            const svg = f.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            return {
              caption: f.querySelector('figcaption')?.textContent,
              width: box?.width ?? 0,
              height: box?.height ?? 0,
              marks: svg?.querySelectorAll('path, rect, line').length ?? 0,
              text: svg?.textContent ?? '',
            };
          }),
        );
        console.log(
          charts.map((c) => `${c.caption}: ${c.width}x${c.height}, ${c.marks} marks`).join('; '),
        );
        expect(charts.map((c) => c.caption)).toEqual([
          'Throughput (real tokens/s)',
          'Peak memory',
          'Training loss',
        ]);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(100);
          expect(c.height).toBeGreaterThan(50);
          expect(c.text).toContain('lora/varlen-packing/wasm');
        }
        // Throughput chart: one bar per successful combination.
        const bars = await page.$$eval(
          'figure.chart:first-of-type svg .mark-rect path',
          (p) => p.length,
        );
        expect(bars).toBe(2);
      } finally {
        await browser.close();
      }
    },
  );
});
