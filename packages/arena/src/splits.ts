/**
 * k-fold splits grouped by prompt and stratified by label, seeded. Records that share any
 * non-empty prompt turn are one group (union-find), so no prompt text is in both train and
 * validation. Groups are dealt to folds greedily, largest first, each to the fold that keeps
 * its label class closest to an even share. Not a sampler: it returns indices.
 */
import { GftError } from '@gft/core';
import { createRng } from './random.js';
import { type ArenaRecord, labelClass } from './record.js';

export interface KFoldOptions {
  /** Number of folds (default 5). */
  k?: number;
  seed?: number;
}

export interface ArenaFold {
  fold: number;
  /** Record indices. */
  train: number[];
  valid: number[];
}

/** Group id of each record: records sharing a non-empty prompt turn share a group. */
export function promptGroups(records: readonly ArenaRecord[]): number[] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const owner = new Map<string, number>();
  records.forEach((r, i) => {
    for (const turn of r.prompt) {
      const key = turn.trim();
      if (key === '') continue;
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  return records.map((_, i) => find(i));
}

/** Fold index (0..k-1) of every record. */
export function assignFolds(records: readonly ArenaRecord[], options: KFoldOptions = {}): number[] {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 2) {
    throw new GftError('BAD_CONFIG', `k must be an integer >= 2, got ${k}`, { where: 'k' });
  }
  const groupOf = promptGroups(records);
  const members = new Map<number, number[]>();
  groupOf.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  // Class counts per group; unlabelled records count as a fourth class.
  const classOf = (i: number): number => {
    const label = records[i].label;
    return label ? labelClass(label) : 3;
  };
  const rng = createRng(options.seed ?? 0);
  const groups = [...members.values()].map((rows) => ({ rows, key: rng.next() }));
  // Largest first for balance; seeded order among equal sizes.
  groups.sort((a, b) => b.rows.length - a.rows.length || a.key - b.key);
  const totals = [0, 0, 0, 0];
  for (let i = 0; i < records.length; i++) totals[classOf(i)]++;
  const foldClass = Array.from({ length: k }, () => [0, 0, 0, 0]);
  const foldSize = new Array<number>(k).fill(0);
  const fold = new Array<number>(records.length);
  for (const g of groups) {
    const counts = [0, 0, 0, 0];
    for (const i of g.rows) counts[classOf(i)]++;
    let best = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let f = 0; f < k; f++) {
      // Fill of each class and of the fold, relative to an even share, after adding g.
      let cost = 0;
      for (let c = 0; c < 4; c++) {
        if (counts[c] > 0) cost += (foldClass[f][c] + counts[c]) / Math.max(1, totals[c]);
      }
      cost += (foldSize[f] + g.rows.length) / records.length;
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    for (const i of g.rows) fold[i] = best;
    for (let c = 0; c < 4; c++) foldClass[best][c] += counts[c];
    foldSize[best] += g.rows.length;
  }
  return fold;
}

/** The k train/validation splits. */
export function kFoldSplits(
  records: readonly ArenaRecord[],
  options: KFoldOptions = {},
): ArenaFold[] {
  const fold = assignFolds(records, options);
  const k = options.k ?? 5;
  return Array.from({ length: k }, (_, f) => ({
    fold: f,
    train: fold.flatMap((g, i) => (g === f ? [] : [i])),
    valid: fold.flatMap((g, i) => (g === f ? [i] : [])),
  }));
}
