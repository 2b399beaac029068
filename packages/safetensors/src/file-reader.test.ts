import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors } from './file-reader.js';
import type { SafetensorsError } from './safetensors-error.js';
import { makeTempDir } from './test-support.js';
import { writeSafetensors } from './write-safetensors.js';

describe('openSafetensors', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(() => cleanup());

  it('names a missing tensor with the file and the closest names', () => {
    const path = join(dir, 'names.safetensors');
    const t = { dtype: 'F32' as const, shape: [1], data: new Float32Array(1) };
    writeSafetensors(path, {
      'model.layers.0.mlp.up_proj.weight': t,
      'model.layers.0.mlp.down_proj.weight': t,
      'model.norm.weight': t,
    });
    const reader = openSafetensors(path);
    try {
      reader.info('model.layers.0.mlp.up_proj.weigth');
      expect.unreachable();
    } catch (error) {
      const e = error as SafetensorsError;
      expect(e.code).toBe('BAD_CHECKPOINT');
      expect(e.where).toBe(`${path}:model.layers.0.mlp.up_proj.weigth`);
      expect(e.message).toBe(
        `${path}, tensor 'model.layers.0.mlp.up_proj.weigth': no such tensor (closest names: model.layers.0.mlp.up_proj.weight, model.layers.0.mlp.down_proj.weight)`,
      );
    }
    expect(() => reader.info('zzz')).toThrow(
      /it holds 3 tensors, e.g. model.layers.0.mlp.down_proj.weight/,
    );
    expect(reader.has('model.norm.weight')).toBe(true);
    expect(reader.has('nope')).toBe(false);
  });

  it('returns fresh copies and refuses reads after close', () => {
    const path = join(dir, 'copy.safetensors');
    writeSafetensors(path, { x: { dtype: 'I32', shape: [2], data: new Int32Array([5, 6]) } });
    const reader = openSafetensors(path);
    const a = reader.read('x') as Int32Array;
    a[0] = 99;
    expect([...(reader.read('x') as Int32Array)]).toEqual([5, 6]);
    reader.close();
    reader.close();
    expect(() => reader.readBytes('x')).toThrow(
      /copy.safetensors: cannot read tensor 'x', the reader is closed/,
    );
    expect(reader.info('x').shape).toEqual([2]); // the header stays available
  });

  it('reads a tensor past 4 GiB of a sparse file with positioned reads only', () => {
    // 5 GiB U8 tensor (a hole on disk) followed by a small F32 tensor.
    const big = 5 * 2 ** 30;
    const json = JSON.stringify({
      big: { dtype: 'U8', shape: [big], data_offsets: [0, big] },
      tail: { dtype: 'F32', shape: [2], data_offsets: [big, big + 8] },
    });
    const header = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
    const path = join(dir, 'sparse.safetensors');
    const fd = openSync(path, 'w');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, Buffer.from(header), 0, header.length, 8);
    ftruncateSync(fd, 8 + header.length + big + 8);
    writeSync(fd, Buffer.from(new Float32Array([1.25, -3]).buffer), 0, 8, 8 + header.length + big);
    closeSync(fd);

    const before = process.memoryUsage().rss;
    const reader = openSafetensors(path);
    expect(reader.info('big').byteLength).toBe(big);
    expect(reader.info('tail').byteOffset).toBe(8 + header.length + big);
    expect([...reader.readF32('tail')]).toEqual([1.25, -3]);
    reader.close();
    // Opening and reading the tail must not have touched gigabytes of memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20);
  });
});
