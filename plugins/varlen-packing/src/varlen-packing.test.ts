import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GftError,
  lastTokenIndex,
  packingStats,
  paddingCollator,
  pluginEntriesOf,
  type TokenizedRow,
} from '@gft/core';
import { goldenFixturesDir, maxAbsDiff } from '@gft/core/testing';
import { describe, expect, it } from 'vitest';
import { varlenPacking } from './varlen-packing.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(goldenFixturesDir(), 'batch', 'packed3.json');

function row(id: string, ids: number[], label = [1, 0, 0]): TokenizedRow {
  return { id, ids: Int32Array.from(ids), label: Float32Array.from(label), text: `text ${id}` };
}

function range(n: number, start = 3): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

interface Packed3 {
  sequences: number[][];
  seq_lens: number[];
  cu_seqlens: number[];
  input_ids: number[];
  position_ids: number[];
  last_token_index: number[];
  labels: number[][];
  padded: {
    input_ids: number[][];
    attention_mask: number[][];
    position_ids: number[][];
    last_token_index: number[];
  };
}

function same(name: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  const diff = got.length === want.length ? maxAbsDiff(got, want) : Number.POSITIVE_INFINITY;
  console.log(`packed3 ${name}: max |diff| = ${diff}`);
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe('packed3 golden batch', () => {
  const fx = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Packed3;
  const rows = fx.sequences.map((s, i) => row(`s${i}`, s, fx.labels[i]));

  it('the packed layout reproduces input ids, position ids and cu_seqlens', () => {
    const [mb, ...rest] = varlenPacking().collate(rows, { maxTokens: 16384 });
    expect(rest).toHaveLength(0);
    expect(mb.layout).toBe('packed');
    same('input_ids', mb.inputIds, fx.input_ids);
    same('position_ids', mb.positionIds, fx.position_ids);
    same('cu_seqlens', mb.cuSeqlens, fx.cu_seqlens);
    expect(mb.cuSeqlens).toBeInstanceOf(Int32Array);
    expect(mb.seqLens).toEqual(fx.seq_lens);
    same('last_token_index', lastTokenIndex(mb), fx.last_token_index);
    const labelDiff = maxAbsDiff(mb.labels, fx.labels.flat());
    console.log(`packed3 labels: max |diff| = ${labelDiff}`);
    expect(labelDiff).toBeLessThan(1e-7);
  });

  it('the padding collator reproduces the padded layout from the same sequences', () => {
    const [mb] = paddingCollator().collate(rows, { maxTokens: 16384 });
    same('padded.input_ids', mb.inputIds, fx.padded.input_ids.flat());
    same('padded.attention_mask', mb.attentionMask!, fx.padded.attention_mask.flat());
    same('padded.position_ids', mb.positionIds, fx.padded.position_ids.flat());
    // The fixture indexes within each row; core's lastTokenIndex indexes the flattened [B*L] axis.
    const withinRow = Array.from(lastTokenIndex(mb), (flat, b) => flat - b * mb.maxSeqLen);
    same('padded.last_token_index', withinRow, fx.padded.last_token_index);
  });
});

describe('varlenPacking', () => {
  const lengths = [300, 700, 2000, 5000, 120, 9000, 40, 16000, 17000, 800];
  const rows = lengths.map((n, i) => row(`r${i}`, range(n), [i % 3 === 0 ? 1 : 0, 0, 0]));

  for (const order of ['keep', 'sort', 'first-fit-decreasing'] as const) {
    it(`order '${order}': every row once, budget kept, cu_seqlens and positions right`, () => {
      const mbs = varlenPacking().collate(rows, { maxTokens: 16384, order });
      const seen = mbs.flatMap((mb) => mb.rowIds!);
      expect([...seen].sort()).toEqual(rows.map((r) => r.id).sort());
      for (const mb of mbs) {
        const total = mb.seqLens.reduce((a, b) => a + b, 0);
        // Over budget only as a micro-batch of its own.
        if (total > 16384) expect(mb.batchSize).toBe(1);
        expect(mb.cuSeqlens).toBeInstanceOf(Int32Array);
        expect(mb.cuSeqlens.length).toBe(mb.batchSize + 1);
        expect(mb.cuSeqlens[0]).toBe(0);
        expect(mb.cuSeqlens[mb.batchSize]).toBe(mb.inputIds.length);
        expect(mb.positionIds.length).toBe(mb.inputIds.length);
        expect(mb.maxSeqLen).toBe(Math.max(...mb.seqLens));
        for (let b = 0; b < mb.batchSize; b++) {
          const start = mb.cuSeqlens[b];
          expect(mb.positionIds[start]).toBe(0);
          expect(mb.positionIds[mb.cuSeqlens[b + 1] - 1]).toBe(mb.seqLens[b] - 1);
          const source = rows.find((r) => r.id === mb.rowIds![b])!;
          expect(mb.inputIds.subarray(start, start + mb.seqLens[b])).toEqual(source.ids);
          expect(Array.from(mb.labels.subarray(b * 3, b * 3 + 3))).toEqual(
            Array.from(source.label),
          );
        }
      }
      // Packing computes no padding.
      expect(packingStats(mbs).efficiency).toBe(1);
    });
  }

  it("'keep' preserves row order; first-fit-decreasing needs no more micro-batches", () => {
    const keep = varlenPacking().collate(rows, { maxTokens: 16384 });
    expect(keep.flatMap((mb) => mb.rowIds!)).toEqual(rows.map((r) => r.id));
    const ffd = varlenPacking().collate(rows, { maxTokens: 16384, order: 'first-fit-decreasing' });
    expect(ffd.length).toBeLessThanOrEqual(keep.length);
  });

  it('keeps text only when asked', () => {
    expect(varlenPacking().collate(rows, { maxTokens: 16384 })[0].inputText).toBeUndefined();
    const [mb] = varlenPacking({ keepText: true }).collate(rows, { maxTokens: 16384 });
    expect(mb.inputText).toEqual(mb.rowIds!.map((id) => `text ${id}`));
  });

  it('rejects a bad budget and an empty row with a GftError', () => {
    expect(() => varlenPacking().collate(rows, { maxTokens: 0 })).toThrow(GftError);
    expect(() => varlenPacking().collate([row('empty', [])], { maxTokens: 10 })).toThrow(/empty/);
  });

  it('is announced in package.json', () => {
    const entries = pluginEntriesOf(resolve(HERE, '..'));
    expect(entries.map((e) => [e.kind, e.name, e.source])).toEqual([
      ['collator', 'varlen-packing', '@gft/plugin-varlen-packing'],
    ]);
    expect(existsSync(join(HERE, '..', 'package.json'))).toBe(true);
  });
});
