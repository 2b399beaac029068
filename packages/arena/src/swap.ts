/**
 * A/B swap: the mirrored comparison (responses and models exchanged, label permuted to
 * [pB, pA, pTie]). Used for augmentation and for swap-averaged evaluation. Swapping twice
 * gives back the original record.
 */
import type { ArenaLabel, ArenaRecord } from './record.js';

export function swapLabel(label: ArenaLabel): ArenaLabel {
  const mirrored = [label[1], label[0], label[2]];
  return label instanceof Float32Array ? Float32Array.from(mirrored) : mirrored;
}

export function swapRecord(record: ArenaRecord): ArenaRecord {
  const { swapped, modelA, modelB, label, ...rest } = record;
  const out: ArenaRecord = { ...rest, responseA: record.responseB, responseB: record.responseA };
  if (label !== undefined) out.label = swapLabel(label);
  if (modelB !== undefined) out.modelA = modelB;
  if (modelA !== undefined) out.modelB = modelA;
  if (!swapped) out.swapped = true;
  return out;
}
