import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors } from './file-reader.js';
import { MAX_HEADER_BYTES } from './header.js';
import { parseSafetensors } from './parse-safetensors.js';
import { SafetensorsError } from './safetensors-error.js';
import { makeTempDir, rawFile, writeRaw } from './test-support.js';

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

/** Opens `bytes` as a file and returns the error it must raise. */
function openError(dir: string, name: string, bytes: Uint8Array): SafetensorsError {
  const path = writeRaw(dir, name, bytes);
  try {
    openSafetensors(path).close();
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    const e = error as SafetensorsError;
    expect(e.code).toBe('BAD_CHECKPOINT');
    expect(e.file).toBe(path);
    expect(e.message).toContain(path);
    // The marker @gft/core's GftError.isInstance looks for.
    expect((e as unknown as Record<symbol, unknown>)[Symbol.for('gft.error')]).toBe(true);
    return e;
  }
  throw new Error(`${name}: expected openSafetensors to throw`);
}

/** JSON.parse accepts this; a recursive JSON.stringify of it overflows the stack. */
const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

describe('bad safetensors files are rejected with the file and the problem named', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(() => cleanup());

  const cases: [string, () => Uint8Array, RegExp, string?][] = [
    ['empty file', () => new Uint8Array(0), /0 bytes, shorter than the 8-byte/],
    ['7-byte file', () => new Uint8Array(7), /7 bytes, shorter than the 8-byte/],
    ['absurd header length', () => rawFile('{}', 0, 2n ** 62n), /exceeds the 100000000-byte limit/],
    [
      'header length past the end',
      () => rawFile('{}', 0, 1000n),
      /header length 1000 runs past the end of the file \(10 bytes\)/,
    ],
    ['invalid JSON', () => rawFile('{"a": ', 0), /header is not valid JSON/],
    ['header not an object', () => rawFile('[1, 2]', 0), /must start with '\{'/],
    [
      'entry not an object',
      () => rawFile('{"x": 3}', 0),
      /entry must be an object, got a number/,
      'x',
    ],
    [
      'missing dtype',
      () => rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, 4),
      /missing 'dtype'/,
      'w',
    ],
    [
      'missing shape',
      () => rawFile({ w: { dtype: 'F32', data_offsets: [0, 4] } }, 4),
      /missing 'shape'/,
      'w',
    ],
    [
      'missing data_offsets',
      () => rawFile({ w: { dtype: 'F32', shape: [1] } }, 4),
      /missing 'data_offsets'/,
      'w',
    ],
    [
      'unknown dtype',
      () => rawFile({ w: entry('F8_E4M3', [4], 0, 4) }, 4),
      /unknown dtype "F8_E4M3"; supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL/,
      'w',
    ],
    [
      'negative dim',
      () => rawFile({ w: entry('F32', [-1], 0, 4) }, 4),
      /shape must be an array of non-negative integers, got \[-1\]/,
      'w',
    ],
    [
      'non-integer dim',
      () => rawFile({ w: entry('F32', [1.5], 0, 4) }, 4),
      /non-negative integers, got \[1.5\]/,
      'w',
    ],
    [
      'string dim',
      () => rawFile({ w: entry('F32', ['2'] as unknown as number[], 0, 8) }, 8),
      /non-negative integers/,
      'w',
    ],
    [
      'offsets reversed',
      () => rawFile({ w: entry('U8', [0], 4, 0) }, 4),
      /data_offsets must be \[begin, end\]/,
      'w',
    ],
    [
      'offsets wrong arity',
      () => rawFile({ w: { dtype: 'U8', shape: [4], data_offsets: [0] } }, 4),
      /data_offsets must be/,
      'w',
    ],
    [
      'shape x dtype != bytes',
      () => rawFile({ w: entry('F32', [2, 3], 0, 20) }, 20),
      /shape \[2,3\] x F32 \(4 bytes\) needs 24 bytes, but data_offsets \[0, 20\] span 20/,
      'w',
    ],
    [
      'huge shape',
      () => rawFile({ w: entry('F64', [2 ** 30, 2 ** 30], 0, 8) }, 8),
      /too large to address/,
      'w',
    ],
    [
      'offsets out of range',
      () => rawFile({ a: entry('U8', [4], 0, 4), b: entry('U8', [4], 100, 104) }, 8),
      /\[100, 104\] run past the end of the data section \(8 bytes\)/,
      'b',
    ],
    [
      'truncated data',
      () => rawFile({ a: entry('F32', [4], 0, 16), b: entry('F32', [4], 16, 32) }, 30),
      /\[16, 32\] run past the end of the data section \(30 bytes\): file truncated/,
      'b',
    ],
    [
      'overlapping offsets',
      () => rawFile({ a: entry('U8', [8], 0, 8), b: entry('U8', [4], 4, 8) }, 8),
      /overlap tensor 'a' \[0, 8\]/,
      'b',
    ],
    [
      'gap between tensors',
      () => rawFile({ a: entry('U8', [4], 0, 4), b: entry('U8', [4], 8, 12) }, 12),
      /leave a gap: bytes 4..8/,
      'b',
    ],
    [
      'trailing bytes',
      () => rawFile({ a: entry('U8', [4], 0, 4) }, 10),
      /data section is 10 bytes but the tensors cover only 4: 6 trailing bytes/,
    ],
    [
      'shape nested deeper than JSON.stringify can recurse',
      () => rawFile(`{"w":{"dtype":"F32","shape":${deep},"data_offsets":[0,4]}}`, 4),
      /shape must be an array of non-negative integers, got \[+…\]+$/,
      'w',
    ],
    [
      'dtype nested deeper than JSON.stringify can recurse',
      () => rawFile(`{"w":{"dtype":${deep},"shape":[1],"data_offsets":[0,4]}}`, 4),
      /unknown dtype \[+…\]+;/,
      'w',
    ],
    [
      'data_offsets nested deeper than JSON.stringify can recurse',
      () => rawFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":${deep}}}`, 4),
      /data_offsets must be \[begin, end\]/,
      'w',
    ],
    [
      'a megabyte dtype string',
      () => rawFile({ w: entry('x'.repeat(1 << 20), [1], 0, 4) }, 4),
      /unknown dtype "x{100,}…; supported/,
      'w',
    ],
    [
      'metadata not strings',
      () => rawFile({ __metadata__: { n: 3 } }, 0),
      /__metadata__.n must be a string, got a number/,
    ],
    [
      'metadata not an object',
      () => rawFile({ __metadata__: 'pt' }, 0),
      /__metadata__ must be an object of strings/,
    ],
  ];

  for (const [label, build, pattern, tensor] of cases) {
    it(label, () => {
      const e = openError(dir, `${label.replace(/\W+/g, '-')}.safetensors`, build());
      expect(e.message).toMatch(pattern);
      expect(e.tensor).toBe(tensor);
      // Bounded whatever the header holds: the file and tensor name plus a short preview.
      expect(e.message.length).toBeLessThan(e.file.length + 600);
      if (tensor !== undefined) expect(e.message).toContain(`tensor '${tensor}'`);
    });
  }

  it('rejects bytes that are not UTF-8', () => {
    const bytes = rawFile('{"a":1}', 0);
    bytes[9] = 0xff; // inside the key
    expect(openError(dir, 'latin.safetensors', bytes).message).toMatch(/header is not valid UTF-8/);
  });

  it('caps the header at the reference limit', () => {
    expect(MAX_HEADER_BYTES).toBe(100_000_000);
  });

  it('reports a missing file as BAD_CHECKPOINT naming it', () => {
    const path = `${dir}/does-not-exist.safetensors`;
    expect(() => openSafetensors(path)).toThrow(/does-not-exist.safetensors: cannot open/);
  });

  it('parseSafetensors validates in memory, naming the source', () => {
    expect(() => parseSafetensors(new Uint8Array(3), 'upload.bin')).toThrow(
      /upload.bin: file is 3 bytes/,
    );
    const ok = parseSafetensors(
      rawFile({ a: entry('U8', [2], 0, 2), b: entry('U8', [0], 2, 2) }, 2),
      'm',
    );
    expect(ok.tensors.map((t) => [t.name, t.byteOffset, t.byteLength, t.file])).toEqual([
      ['a', ok.dataOffset, 2, 'm'],
      ['b', ok.dataOffset + 2, 0, 'm'],
    ]);
  });

  it('accepts zero-sized tensors, scalars and an empty header', () => {
    const bytes = rawFile({ e: entry('F32', [0, 5], 0, 0), s: entry('F64', [], 0, 8) }, 8);
    const parsed = parseSafetensors(bytes);
    expect(parsed.tensors.map((t) => t.shape)).toEqual([[0, 5], []]);
    expect(parseSafetensors(rawFile('{}        ', 0)).tensors).toEqual([]);
  });
});
