/**
 * Bench records -> report rows: one row per cell with the baseline ratio computed. The
 * baseline is the named cell, or the first successful one.
 */
import type { BenchRecord } from '@gft/core';

export interface ReportRow {
  id: string;
  ok: boolean;
  error?: string;
  tokensPerSecond?: number;
  /** tokens/s of this cell / tokens/s of the baseline. */
  ratio?: number;
  peakTensorBytes?: number;
  peakRssBytes?: number;
  /** The memory model's peak for the cell's largest micro-batch (runtime measured in the cell). */
  predictedPeakBytes?: number;
  trainableParams?: number;
  paddingRatio?: number;
  stepMsP50?: number;
  stepMsP90?: number;
  finalLoss?: number;
  evalLogLoss?: number;
}

export interface ReportOptions {
  /** Cell id (`adapter/collator/backend`) the ratios divide by. */
  baseline?: string;
  title?: string;
}

export function baselineOf(
  records: readonly BenchRecord[],
  baseline?: string,
): BenchRecord | undefined {
  if (baseline) return records.find((r) => r.cell.id === baseline && r.ok);
  return records.find((r) => r.ok);
}

export function reportRows(
  records: readonly BenchRecord[],
  options: ReportOptions = {},
): ReportRow[] {
  const base = baselineOf(records, options.baseline)?.summary?.realTokensPerSecond;
  return records.map((r) => {
    const s = r.summary;
    if (!r.ok || !s) {
      return {
        id: r.cell.id,
        ok: false,
        error: r.error ? `${r.error.code}: ${r.error.message}` : 'failed',
      };
    }
    return {
      id: r.cell.id,
      ok: true,
      tokensPerSecond: s.realTokensPerSecond,
      ratio: base ? s.realTokensPerSecond / base : undefined,
      peakTensorBytes: s.peakTensorBytes,
      peakRssBytes: s.peakRssBytes,
      predictedPeakBytes: r.predictedMemory?.peakBytes,
      trainableParams: r.trainableParams,
      paddingRatio: s.paddingRatio,
      stepMsP50: s.stepMsP50,
      stepMsP90: s.stepMsP90,
      finalLoss: s.finalLoss,
      evalLogLoss: s.evalLogLoss,
    };
  });
}
