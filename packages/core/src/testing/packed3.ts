/**
 * The fixtures' `batch/packed3` micro-batches: three sequences (lengths 5, 11, 20) packed
 * into one row, and the same three right-padded. Every model fixture was computed on them.
 */
import { join } from 'node:path';
import { openSafetensors } from '@gft/safetensors';
import type { MicroBatch } from '../micro-batch.js';

export function packed3Batches(fixturesDir: string): { packed: MicroBatch; padded: MicroBatch } {
  const reader = openSafetensors(join(fixturesDir, 'batch', 'packed3.safetensors'));
  try {
    const i32 = (name: string) => reader.read(name) as Int32Array;
    const seqLens = Array.from(i32('seq_lens'));
    const labels = reader.readF32('labels');
    const maxSeqLen = Math.max(...seqLens);
    const cuSeqlens = i32('cu_seqlens');
    return {
      packed: {
        layout: 'packed',
        batchSize: seqLens.length,
        inputIds: i32('input_ids'),
        positionIds: i32('position_ids'),
        seqLens,
        cuSeqlens,
        maxSeqLen,
        labels,
      },
      padded: {
        layout: 'padded',
        batchSize: seqLens.length,
        inputIds: i32('padded.input_ids'),
        positionIds: i32('padded.position_ids'),
        seqLens,
        cuSeqlens,
        maxSeqLen,
        labels,
        attentionMask: i32('padded.attention_mask'),
      },
    };
  } finally {
    reader.close();
  }
}
