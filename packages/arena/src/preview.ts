/**
 * Preview of micro-batches, the lines the seed prints per micro-batch: len(input_ids[0]),
 * len(position_ids[0]), cu_seqlens, len(cu_seqlens), len(input_text) and the last 10 words
 * of the first text. For `gft data preview`; it does not load or collate anything.
 */
import type { MicroBatch } from '@gft/core';

export interface MicroBatchPreview {
  /** len(input_ids[0]): T for packed, L for padded. */
  inputIdsLen: number;
  positionIdsLen: number;
  cuSeqlens: number[];
  cuSeqlensLen: number;
  inputTextLen: number;
  /** Last 10 whitespace-separated words of the first sequence's text ('' without text). */
  lastWords: string;
}

export function previewMicroBatch(mb: MicroBatch): MicroBatchPreview {
  // Row 0 of [1, T] (packed) or [B, L] (padded).
  const rowLen = mb.layout === 'packed' ? mb.inputIds.length : mb.maxSeqLen;
  const first = mb.inputText?.[0] ?? '';
  return {
    inputIdsLen: rowLen,
    positionIdsLen: mb.layout === 'packed' ? mb.positionIds.length : mb.maxSeqLen,
    cuSeqlens: Array.from(mb.cuSeqlens),
    cuSeqlensLen: mb.cuSeqlens.length,
    inputTextLen: mb.inputText?.length ?? 0,
    lastWords: first.split(/\s+/).filter(Boolean).slice(-10).join(' '),
  };
}

export function formatPreview(p: MicroBatchPreview, index: number): string {
  return [
    `micro-batch ${index}`,
    `  len(input_ids[0]) = ${p.inputIdsLen}`,
    `  len(position_ids[0]) = ${p.positionIdsLen}`,
    `  cu_seqlens = [${p.cuSeqlens.join(', ')}]`,
    `  len(cu_seqlens) = ${p.cuSeqlensLen}`,
    `  len(input_text) = ${p.inputTextLen}`,
    `  input_text[0][-10 words:] = ${JSON.stringify(p.lastWords)}`,
  ].join('\n');
}

/** Previews every micro-batch; pass `print` (e.g. console.log) to print them too. */
export function previewMicroBatches(
  microBatches: readonly MicroBatch[],
  options: { print?: (text: string) => void } = {},
): MicroBatchPreview[] {
  return microBatches.map((mb, i) => {
    const p = previewMicroBatch(mb);
    options.print?.(formatPreview(p, i));
    return p;
  });
}
