import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors } from './file-reader.js';
import { openCheckpoint } from './open-checkpoint.js';
import type { SafetensorsError } from './safetensors-error.js';
import { FIXTURES, makeTempDir } from './test-support.js';
import { type TensorInputs, writeSafetensors } from './write-safetensors.js';
import { writeShardedCheckpoint } from './write-sharded.js';

const u8 = (...v: number[]) => ({
  dtype: 'U8' as const,
  shape: [v.length],
  data: new Uint8Array(v),
});

describe('sharded checkpoints', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(() => cleanup());

  it('writeShardedCheckpoint splits greedily in name order and reads back through openCheckpoint', () => {
    const out = join(dir, 'greedy');
    const tensors: TensorInputs = {
      a: u8(1, 2, 3),
      b: u8(4, 5),
      c: u8(6, 7, 8, 9, 10, 11),
      d: u8(12),
    };
    const result = writeShardedCheckpoint(out, tensors, { maxShardBytes: 5 });
    // a+b = 5 fits; c (6 bytes) exceeds the limit alone and gets its own shard; then d.
    expect(result.shards).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ]);
    expect(result.totalSize).toBe(12);
    const reader = openCheckpoint(out);
    try {
      expect(reader.names()).toEqual(['a', 'b', 'c', 'd']);
      expect(reader.metadata).toEqual({ total_size: '12' });
      expect([...reader.read('c')]).toEqual([6, 7, 8, 9, 10, 11]);
      expect(reader.info('d').file).toBe(join(out, 'model-00003-of-00003.safetensors'));
      expect(openSafetensors(join(out, result.shards[0])).metadata).toEqual({ format: 'pt' });
    } finally {
      reader.close();
    }
  });

  it('opens an index path directly and a single file through a directory', () => {
    const single = join(dir, 'single');
    mkdirSync(single);
    writeSafetensors(join(single, 'model.safetensors'), { w: u8(3) });
    expect([...openCheckpoint(single).read('w')]).toEqual([3]);
    expect([...openCheckpoint(join(single, 'model.safetensors')).read('w')]).toEqual([3]);
    const sharded = join(dir, 'by-index');
    writeShardedCheckpoint(sharded, { w: u8(4) }, { maxShardBytes: 100 });
    expect([...openCheckpoint(join(sharded, 'model.safetensors.index.json')).read('w')]).toEqual([
      4,
    ]);
  });

  it('reports inconsistent indexes and missing checkpoints clearly', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeSafetensors(join(bad, 'shard.safetensors'), { present: u8(1) });
    const index = join(bad, 'model.safetensors.index.json');
    writeFileSync(
      index,
      JSON.stringify({
        weight_map: {
          present: 'shard.safetensors',
          absent: 'shard.safetensors',
          lost: 'gone.safetensors',
        },
      }),
    );
    const reader = openCheckpoint(bad);
    expect(reader.names()).toEqual(['absent', 'lost', 'present']);
    expect(() => reader.info('absent')).toThrow(
      /weight_map puts the tensor in shard.safetensors, but that shard does not contain it/,
    );
    expect(() => reader.read('lost')).toThrow(/gone.safetensors: cannot open safetensors file/);
    expect(() => reader.info('presnt')).toThrow(
      /tensor 'presnt': no such tensor \(closest names: present\)/,
    );
    reader.close();
    expect(() => reader.read('present')).toThrow(/the reader is closed/);

    writeFileSync(index, JSON.stringify({ weight_map: { w: '../../etc/passwd' } }));
    expect(() => openCheckpoint(bad)).toThrow(/leaves the checkpoint directory/);
    writeFileSync(index, '{"weight_map": [1]}');
    expect(() => openCheckpoint(bad)).toThrow(/index must be an object with a "weight_map" object/);
    // JSON.parse accepts nesting this deep; a recursive JSON.stringify overflows the stack.
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    writeFileSync(index, `{"weight_map": {"w": ${deep}}}`);
    expect(() => openCheckpoint(bad)).toThrow(
      /weight_map value must be a shard file name, got \[\[/,
    );
    writeFileSync(
      index,
      `{"metadata": {"total_size": 1, "odd": ${deep}}, "weight_map": {"present": "shard.safetensors"}}`,
    );
    const odd = openCheckpoint(bad);
    expect(odd.metadata.total_size).toBe('1');
    expect(odd.metadata.odd).toMatch(/^\[+…\]+$/);
    odd.close();
    writeFileSync(index, '{not json');
    expect(() => openCheckpoint(bad)).toThrow(
      /model.safetensors.index.json: cannot read index JSON/,
    );

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeSafetensors(join(empty, 'adapter_model.safetensors'), { w: u8(1) });
    const err = (() => {
      try {
        openCheckpoint(empty);
      } catch (e) {
        return e as SafetensorsError;
      }
    })();
    expect(err?.code).toBe('BAD_CHECKPOINT');
    expect(err?.message).toMatch(
      /no model.safetensors.index.json or model.safetensors .*adapter_model.safetensors/,
    );
    expect(() => openCheckpoint(join(dir, 'nope'))).toThrow(/nope: no such file or directory/);
  });

  it('reproduces the fixture shards and index byte for byte', () => {
    const source = openSafetensors(join(FIXTURES, 'tiny-gemma2/model.safetensors'));
    const tensors: TensorInputs = {};
    for (const name of source.names()) {
      const { dtype, shape } = source.info(name);
      tensors[name] = { dtype, shape, data: source.readBytes(name) };
    }
    source.close();
    // Shard 1 of the fixture = embeddings + layers 0-1 = 428032 tensor bytes.
    const out = join(dir, 'fixture-copy');
    const result = writeShardedCheckpoint(out, tensors, { maxShardBytes: 428032 });
    expect(result.shards).toHaveLength(2);
    for (const file of [...result.shards, 'model.safetensors.index.json']) {
      const ours = readFileSync(join(out, file));
      const theirs = readFileSync(join(FIXTURES, 'tiny-gemma2/sharded', file));
      expect(ours.equals(theirs), file).toBe(true);
    }
  });
});
