/**
 * Property tests: files written by this package's own writer, then mutated (flipped,
 * inserted, truncated or appended bytes, a lying length prefix, header fields replaced by
 * arbitrary JSON, shifted offsets), are read tensor by tensor. Every case must keep the
 * reader invariant: a value or a GftError-compatible error with a code and a `where`;
 * never a RangeError / TypeError, never a hang. Fixed seeds, so a failure reproduces.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// From core's source, not '@gft/core/testing': see test-support.ts (no dependency cycle).
import { expectValueOrGftError } from '../../core/src/testing/reader-invariant.js';
import { dtypeSize, SAFETENSORS_DTYPES, type SafetensorsDtype } from './dtype.js';
import { openSafetensors } from './file-reader.js';
import { openCheckpoint } from './open-checkpoint.js';
import { openSafetensorsBytes } from './parse-safetensors.js';
import type { TensorReader } from './tensor-reader.js';
import { makeTempDir, writeRaw } from './test-support.js';
import { serializeSafetensors, type TensorInputs } from './write-safetensors.js';
import { writeShardedCheckpoint } from './write-sharded.js';

const SEED = 42;

/** Reads everything a loader would: names, metadata, and each tensor in every form. */
function readAll(reader: TensorReader): number {
  let values = 0;
  try {
    void Object.keys(reader.metadata);
    for (const name of reader.names()) {
      reader.info(name);
      reader.readBytes(name);
      values += reader.read(name).length;
      values += reader.readF32(name).length;
    }
  } finally {
    reader.close();
  }
  return values;
}

const tensorArb = fc
  .record({
    dtype: fc.constantFrom(...SAFETENSORS_DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    fill: fc.nat(255),
  })
  .map(({ dtype, shape, fill }) => {
    const n = shape.reduce((a, d) => a * d, 1) * dtypeSize(dtype as SafetensorsDtype);
    const data = Uint8Array.from({ length: n }, (_, i) => (fill + i * 37) & 0xff);
    return { dtype: dtype as SafetensorsDtype, shape, data };
  });

const nameArb = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s !== '__metadata__');

const fileArb = fc
  .record({
    tensors: fc.dictionary(nameArb, tensorArb, { minKeys: 1, maxKeys: 4 }),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 })), {
      nil: undefined,
    }),
  })
  .map(({ tensors, metadata }) => serializeSafetensors(tensors as TensorInputs, metadata));

/** The header JSON and data section of a well-formed file. */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { header, data: bytes.subarray(8 + n) };
}

function join3(header: string, data: Uint8Array, prefix?: bigint): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, prefix ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

type Mutation = (bytes: Uint8Array) => Uint8Array;

const flipBytes: fc.Arbitrary<Mutation> = fc
  .array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 6 })
  .map((flips) => (bytes) => {
    const out = bytes.slice();
    for (const { at, byte } of flips) out[at % out.length] = byte;
    return out;
  });

/** Flips inside the data section only: the header stays valid, the values change. */
const flipData: fc.Arbitrary<Mutation> = fc
  .array(fc.record({ at: fc.nat(), byte: fc.nat(255) }), { minLength: 1, maxLength: 6 })
  .map((flips) => (bytes) => {
    const start = bytes.length - split(bytes).data.length;
    const out = bytes.slice();
    if (start === out.length) return out;
    for (const { at, byte } of flips) out[start + (at % (out.length - start))] = byte;
    return out;
  });

const insertBytes: fc.Arbitrary<Mutation> = fc
  .record({ at: fc.nat(), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) })
  .map(({ at, extra }) => (bytes) => {
    const i = at % (bytes.length + 1);
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes.subarray(0, i));
    out.set(extra, i);
    out.set(bytes.subarray(i), i + extra.length);
    return out;
  });

const truncate: fc.Arbitrary<Mutation> = fc
  .nat()
  .map((at) => (bytes) => bytes.slice(0, at % bytes.length));

const append: fc.Arbitrary<Mutation> = fc
  .uint8Array({ minLength: 1, maxLength: 32 })
  .map((extra) => (bytes) => {
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes);
    out.set(extra, bytes.length);
    return out;
  });

/** A lying length prefix: anything from slightly off to 2^64 - 1. */
const lengthPrefix: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.integer({ min: -16, max: 16 }).map((d) => ({ delta: BigInt(d) })),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ value })),
    fc.constantFrom(2n ** 63n, 2n ** 53n + 1n, 100_000_001n).map((value) => ({ value })),
  )
  .map((change) => (bytes) => {
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    const now = view.getBigUint64(0, true);
    const next = 'value' in change ? change.value : now + change.delta;
    view.setBigUint64(0, BigInt.asUintN(64, next), true);
    return out;
  });

/** One header field (or a whole entry, or __metadata__) replaced, deleted or added. */
const headerField: fc.Arbitrary<Mutation> = fc
  .record({
    pick: fc.nat(),
    field: fc.constantFrom('dtype', 'shape', 'data_offsets', '*', 'extra'),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom('F32', 'BF16', 'F8_E4M3', 'f32', [], [0], [1, 2], [-1], [2 ** 53]),
    ),
    remove: fc.boolean(),
  })
  .map(({ pick, field, value, remove }) => (bytes) => {
    const { header, data } = split(bytes);
    const keys = Object.keys(header);
    const key = keys[pick % keys.length];
    const entry = header[key] as Record<string, unknown>;
    if (field === '*') {
      if (remove) delete header[key];
      else header[key] = value;
    } else if (remove) delete entry[field];
    else entry[field] = value;
    return join3(JSON.stringify(header), data);
  });

/** data_offsets moved: overlaps, gaps, out-of-range and reversed ranges. */
const shiftOffsets: fc.Arbitrary<Mutation> = fc
  .record({
    pick: fc.nat(),
    begin: fc.integer({ min: -8, max: 8 }),
    end: fc.integer({ min: -8, max: 8 }),
  })
  .map(({ pick, begin, end }) => (bytes) => {
    const { header, data } = split(bytes);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    const entry = header[names[pick % names.length]] as { data_offsets: number[] };
    entry.data_offsets = [entry.data_offsets[0] + begin, entry.data_offsets[1] + end];
    return join3(JSON.stringify(header), data);
  });

/** Valid JSON that is not what a header holds, with the real data section behind it. */
const foreignHeader: fc.Arbitrary<Mutation> = fc
  .jsonValue({ maxDepth: 4 })
  .map((json) => (bytes) => join3(JSON.stringify(json) ?? 'null', split(bytes).data));

const mutationArb = fc.array(
  fc.oneof(
    flipBytes,
    flipData,
    insertBytes,
    truncate,
    append,
    lengthPrefix,
    headerField,
    shiftOffsets,
    foreignHeader,
  ),
  { minLength: 1, maxLength: 3 },
);

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) {
    // A later header mutation needs a parseable header; skip it once bytes are garbage.
    try {
      out = out.length === 0 ? out : m(out);
    } catch {}
  }
  return out;
}

describe('safetensors readers under fuzzing', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(() => cleanup());

  it('unmutated files written by the writer read back', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (bytes) => {
        const outcome = await expectValueOrGftError(
          () => readAll(openSafetensorsBytes(bytes, 'ok.safetensors')),
          { what: 'openSafetensorsBytes' },
        );
        expect(outcome.error).toBeUndefined();
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('mutated bytes in memory: a value or a GftError with where', async () => {
    let errors = 0;
    let values = 0;
    await fc.assert(
      fc.asyncProperty(fileArb, mutationArb, async (bytes, mutations) => {
        const broken = mutate(bytes, mutations);
        const outcome = await expectValueOrGftError(
          () => readAll(openSafetensorsBytes(broken, 'fuzz.safetensors')),
          { what: 'openSafetensorsBytes', timeLimitMs: 1000 },
        );
        if (outcome.error) {
          errors++;
          expect(outcome.error.code).toBe('BAD_CHECKPOINT');
          expect(outcome.error.where?.startsWith('fuzz.safetensors')).toBe(true);
          expect(outcome.error.message).toContain('fuzz.safetensors');
        } else values++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    console.log(`in memory: ${errors} rejected, ${values} read`);
    // The mutations must reach both outcomes, or the property tests little.
    expect(errors).toBeGreaterThan(500);
    expect(values).toBeGreaterThan(50);
  });

  it('mutated files on disk: same invariant through positioned reads', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileArb, mutationArb, async (bytes, mutations) => {
        const path = writeRaw(dir, `case-${n++ % 8}.safetensors`, mutate(bytes, mutations));
        const outcome = await expectValueOrGftError(() => readAll(openSafetensors(path)), {
          what: 'openSafetensors',
          timeLimitMs: 1000,
        });
        if (outcome.error) expect(outcome.error.where?.startsWith(path)).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('sharded indexes with mutated weight_map and metadata', async () => {
    const base = join(dir, 'sharded');
    const written = writeShardedCheckpoint(
      base,
      {
        a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
        b: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
      },
      { maxShardBytes: 8 },
    );
    expect(written.shards).toHaveLength(2);
    const indexPath = join(base, 'model.safetensors.index.json');
    const shardName = fc.constantFrom(...written.shards, 'missing.safetensors', '../x', '');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          metadata: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
          weight_map: fc.oneof(
            fc.dictionary(
              fc.constantFrom('a', 'b', 'c'),
              fc.oneof(shardName, fc.jsonValue({ maxDepth: 2 })),
            ),
            fc.jsonValue({ maxDepth: 3 }),
          ),
        }),
        async (index) => {
          writeRaw(
            base,
            'model.safetensors.index.json',
            new TextEncoder().encode(JSON.stringify(index)),
          );
          await expectValueOrGftError(() => readAll(openCheckpoint(indexPath)), {
            what: 'openCheckpoint (sharded)',
            timeLimitMs: 1000,
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
