/**
 * Test support (not exported): locating ../shared/fixtures, the packed3 batch in both
 * layouts, and tolerance checks that print the max difference. Used by *.test.ts only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MicroBatch } from '@gft/core';
import { openCheckpoint, openSafetensors, type TensorReader } from '@gft/safetensors';
import { readerWeightStore } from './checkpoint-load.js';
import { configFromHf, type GemmaConfig } from './config.js';
import type { WeightStore } from './weight-store.js';

function findShared(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'shared', 'fixtures'))) return join(dir, 'shared', 'fixtures');
    dir = resolve(dir, '..');
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
}

export const FIXTURES = findShared();
export const HAVE_FIXTURES = existsSync(join(FIXTURES, 'batch', 'packed3.safetensors'));

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readTensors(path: string): TensorReader {
  return openSafetensors(path);
}

/** The packed3 batch: packed and padded micro-batches of the same three sequences. */
export function packed3(): { packed: MicroBatch; padded: MicroBatch } {
  const r = openSafetensors(fixture('batch', 'packed3.safetensors'));
  const i32 = (n: string) => r.read(n) as Int32Array;
  const seqLens = Array.from(i32('seq_lens'));
  const labels = r.readF32('labels');
  const maxSeqLen = Math.max(...seqLens);
  const packed: MicroBatch = {
    layout: 'packed',
    batchSize: 3,
    inputIds: i32('input_ids'),
    positionIds: i32('position_ids'),
    seqLens,
    cuSeqlens: i32('cu_seqlens'),
    maxSeqLen,
    labels,
  };
  const padded: MicroBatch = {
    layout: 'padded',
    batchSize: 3,
    inputIds: i32('padded.input_ids'),
    positionIds: i32('padded.position_ids'),
    seqLens,
    cuSeqlens: i32('cu_seqlens'),
    maxSeqLen,
    labels,
    attentionMask: i32('padded.attention_mask'),
  };
  r.close();
  return { packed, padded };
}

export function readConfig(path: string): GemmaConfig {
  return configFromHf(JSON.parse(readFileSync(path, 'utf8')), path);
}

export function checkpointStore(dir: string): WeightStore {
  return readerWeightStore(openCheckpoint(dir), dir);
}

/** max |a - e| and the allowed bound `rel * max|e| + abs`, printed; returns pass/fail. */
export function within(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  abs = 0,
): boolean {
  if (actual.length !== expected.length)
    throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const bound = rel * scale + abs;
  console.log(
    `${label}: max|diff| ${diff.toExponential(3)} (rel ${(diff / (scale || 1)).toExponential(3)}, bound ${bound.toExponential(3)})`,
  );
  return diff <= bound;
}
