/**
 * The report's charts as Vega-Lite specs, rendered to SVG strings in Node at report time
 * (vega's headless View, no canvas), so the HTML page needs no scripts and works offline.
 */
import type { BenchRecord } from '@gft/core';
import { reportRows } from './rows.js';

export interface ChartSpec {
  title: string;
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One bar (or bar group) per bench cell, in the report's order, with full names. */
const COMBINATION_AXIS = {
  field: 'combination',
  type: 'nominal',
  sort: null,
  title: null,
  axis: { labelLimit: 400 },
} as const;

export function chartSpecs(records: readonly BenchRecord[], baseline?: string): ChartSpec[] {
  const rows = reportRows(records, { baseline }).filter((r) => r.ok);
  const bar = (field: string, title: string, format?: string) => ({
    $schema: SCHEMA,
    width: 480,
    height: { step: 22 },
    data: {
      values: rows.map((r) => ({
        combination: r.id,
        value: (r as unknown as Record<string, number>)[field] ?? 0,
      })),
    },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: COMBINATION_AXIS,
      x: { field: 'value', type: 'quantitative', title, axis: format ? { format } : {} },
    },
  });
  const lossValues = records.flatMap((r) =>
    r.ok && r.losses
      ? r.losses.map((loss, i) => ({ combination: r.cell.id, step: i + 1, loss }))
      : [],
  );
  return [
    { title: 'Throughput (real tokens/s)', spec: bar('tokensPerSecond', 'real tokens/s') },
    {
      title: 'Peak memory',
      spec: {
        $schema: SCHEMA,
        width: 480,
        height: { step: 14 },
        data: {
          values: rows.flatMap((r) => [
            { combination: r.id, kind: 'process RSS', MiB: (r.peakRssBytes ?? 0) / 2 ** 20 },
            { combination: r.id, kind: 'predicted', MiB: (r.predictedPeakBytes ?? 0) / 2 ** 20 },
          ]),
        },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: COMBINATION_AXIS,
          yOffset: { field: 'kind' },
          x: { field: 'MiB', type: 'quantitative', title: 'peak MiB' },
          color: { field: 'kind', type: 'nominal', title: null },
        },
      },
    },
    {
      title: 'Training loss',
      spec: {
        $schema: SCHEMA,
        width: 480,
        height: 260,
        data: { values: lossValues },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          color: {
            field: 'combination',
            type: 'nominal',
            title: null,
            legend: { labelLimit: 400 },
          },
        },
      },
    },
  ];
}

/** Renders a Vega-Lite spec to an SVG string (vega and vega-lite are ESM-only: loaded lazily). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
