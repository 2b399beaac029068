import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { GftError } from '../errors/gft-error.js';
import { type CheckpointData, directoryCheckpointStore } from './checkpoint-store.js';
import {
  editJson,
  type Json,
  pokeTensor,
  rehash,
  twoCheckpoints,
} from './checkpoint-test-support.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

const root = mkdtempSync(join(tmpdir(), 'gft-ckpt-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `s${n++}`);

function data(step: number, values = [1.5, -2, 3.25, 0]): CheckpointData {
  return {
    step,
    tensors: new Map([
      ['param.w', { dtype: 'float32', shape: [2, 2], data: Float32Array.from(values) }],
      ['ids', { dtype: 'int32', shape: [3], data: Int32Array.from([7, -1, 2 ** 31 - 1]) }],
      ['empty', { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) }],
    ]),
    state: { seed: 3, nextBatch: step, nested: { a: [1, 'x'] } },
  };
}

async function saved(
  step = 4,
): Promise<{ store: ReturnType<typeof directoryCheckpointStore>; at: string }> {
  const store = directoryCheckpointStore(freshDir());
  const at = await store.save(data(step));
  return { store, at };
}

/** The GftError `promise` rejects with (fails the test when it resolves or throws another). */
async function gftError(promise: Promise<unknown>): Promise<GftError> {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  );
  if (!GftError.isInstance(error)) throw new Error(`expected a GftError, got ${error}`);
  return error;
}

describe('directory checkpoint store, format version 2', () => {
  it('writes a manifest with every other file, its size and sha256, and round-trips the data', async () => {
    const { store, at } = await saved(4);
    expect(readdirSync(at).sort()).toEqual(['checkpoint.json', 'manifest.json', 'tensors.bin']);
    const manifest = JSON.parse(readFileSync(join(at, 'manifest.json'), 'utf8'));
    const listed = [...manifest.files].sort((a: Json, b: Json) => a.name.localeCompare(b.name));
    expect(listed).toEqual(
      ['checkpoint.json', 'tensors.bin'].map((name) => {
        const bytes = readFileSync(join(at, name));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        return { name, bytes: bytes.length, sha256 };
      }),
    );
    expect(JSON.parse(readFileSync(join(at, 'checkpoint.json'), 'utf8')).version).toBe(2);
    const back = await store.load(at);
    expect(back.step).toBe(4);
    expect(back.state).toEqual(data(4).state);
    expect([...back.tensors.keys()]).toEqual(['param.w', 'ids', 'empty']);
    for (const [name, t] of data(4).tensors) expect(back.tensors.get(name)).toEqual(t);
    expect(store.list()).toEqual([at]);
    expect(store.latestLocation()).toBe(at);
    expect((await store.loadLatest())?.step).toBe(4);
  });

  it('still loads a version 1 checkpoint (no manifest), checking every field', async () => {
    const { store, at } = await saved(4);
    unlinkSync(join(at, 'manifest.json'));
    const file = join(at, 'checkpoint.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...json, version: 1 }));
    expect(store.latestLocation()).toBe(at);
    expect((await store.load(at)).tensors.get('param.w')?.data).toEqual(
      data(4).tensors.get('param.w')?.data,
    );
    writeFileSync(file, JSON.stringify({ ...json, version: 1, step: -1 }));
    expect((await gftError(store.load(at))).where).toBe(`${file}: step`);
  });

  it('names the damaged file: missing, truncated, one byte flipped, manifest gone', async () => {
    const cases: [string, (at: string) => void, string, RegExp][] = [
      [
        'missing tensors.bin',
        (at) => unlinkSync(join(at, 'tensors.bin')),
        'tensors.bin',
        /is missing/,
      ],
      ['truncated', (at) => truncateSync(join(at, 'tensors.bin'), 10), 'tensors.bin', /truncated/],
      [
        'flipped byte',
        (at) => {
          const f = join(at, 'tensors.bin');
          const b = readFileSync(f);
          b[5] ^= 0x10;
          writeFileSync(f, b);
        },
        'tensors.bin',
        /sha256/,
      ],
      [
        'edited json',
        (at) => {
          const f = join(at, 'checkpoint.json');
          writeFileSync(f, readFileSync(f, 'utf8').replace('"seed":3', '"seed":4'));
        },
        'checkpoint.json',
        /sha256/,
      ],
      [
        'manifest deleted',
        (at) => unlinkSync(join(at, 'manifest.json')),
        'manifest.json',
        /missing/,
      ],
      [
        'manifest not JSON',
        (at) => writeFileSync(join(at, 'manifest.json'), '{"files": ['),
        'manifest.json',
        /not valid JSON/,
      ],
      [
        'manifest skips tensors.bin',
        (at) => {
          const f = join(at, 'manifest.json');
          const m = JSON.parse(readFileSync(f, 'utf8'));
          m.files = m.files.filter((e: Json) => e.name !== 'tensors.bin');
          writeFileSync(f, JSON.stringify(m));
        },
        'manifest.json: files',
        /does not list tensors.bin/,
      ],
      [
        'manifest points outside',
        (at) => {
          const f = join(at, 'manifest.json');
          const m = JSON.parse(readFileSync(f, 'utf8'));
          m.files[0].name = '../../etc/passwd';
          writeFileSync(f, JSON.stringify(m));
        },
        'manifest.json: files[0].name',
        /expected a file name/,
      ],
    ];
    for (const [what, damage, where, message] of cases) {
      const { store, at } = await saved(4);
      damage(at);
      const error = await gftError(store.load(at));
      expect(error.code, what).toBe('BAD_CHECKPOINT');
      expect(error.where, what).toBe(join(at, where));
      expect(error.message, what).toMatch(message);
    }
  });

  it('checks every field of checkpoint.json before using it', async () => {
    // Each edit keeps the checksums right (rehash), so only the field checks can catch it.
    const cases: [string, (j: Json) => void, string][] = [
      ['negative offset', (j) => (j.tensors[0].offset = -4), 'tensors[0].offset'],
      ['fractional offset', (j) => (j.tensors[0].offset = 0.5), 'tensors[0].offset'],
      ['string offset', (j) => (j.tensors[0].offset = '0'), 'tensors[0].offset'],
      ['length not shape', (j) => (j.tensors[0].length = 12), 'tensors[0].length'],
      ['overlap', (j) => (j.tensors[1].offset = 4), 'tensors[1].offset'],
      ['beyond the file', (j) => (j.tensors[1].offset = 1000), 'tensors[1]'],
      ['unknown dtype', (j) => (j.tensors[0].dtype = 'float16'), 'tensors[0].dtype'],
      ['negative dim', (j) => (j.tensors[0].shape = [-2, -2]), 'tensors[0].shape'],
      ['shape not array', (j) => (j.tensors[0].shape = 4), 'tensors[0].shape'],
      ['duplicate name', (j) => (j.tensors[1].name = 'param.w'), 'tensors[1].name'],
      ['empty name', (j) => (j.tensors[0].name = ''), 'tensors[0].name'],
      ['entry not object', (j) => (j.tensors[2] = null), 'tensors[2]'],
      ['tensors missing', (j) => delete j.tensors, 'tensors'],
      ['step of another directory', (j) => (j.step = 5), 'step'],
      ['step not a number', (j) => (j.step = '4'), 'step'],
      ['state an array', (j) => (j.state = []), 'state'],
      ['newer version', (j) => (j.version = 3), 'version'],
      ['other format', (j) => (j.format = 'pickle'), 'format'],
    ];
    for (const [what, edit, field] of cases) {
      const { store, at } = await saved(4);
      editJson(at, edit);
      const error = await gftError(store.load(at));
      expect(error.code, what).toBe('BAD_CHECKPOINT');
      expect(error.where, what).toBe(`${join(at, 'checkpoint.json')}: ${field}`);
    }
  });

  it('refuses a NaN or infinite float32 value, naming the tensor and the first bad index', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const { store, at } = await saved(4);
      pokeTensor(at, 'param.w', 2, value);
      pokeTensor(at, 'param.w', 3, value);
      const error = await gftError(store.load(at));
      expect(error.code).toBe('BAD_CHECKPOINT');
      expect(error.where).toBe(`${join(at, 'tensors.bin')}: param.w[2]`);
      expect(error.message).toContain(`holds ${value} at index 2`);
    }
  });

  it('never writes a non-finite checkpoint: NON_FINITE naming tensor and step, nothing on disk', async () => {
    const dir = freshDir();
    const store = directoryCheckpointStore(dir);
    const first = await store.save(data(3));
    const before = readdirSync(dir);
    const error = await gftError(store.save(data(6, [0, 1, Number.NaN, 2])));
    expect(error.code).toBe('NON_FINITE');
    expect(error.where).toBe('param.w');
    expect(error.message).toMatch(/step 6 .*'param\.w' holds NaN at index 2/);
    const bad = { ...data(7), state: { lossScale: Number.POSITIVE_INFINITY } };
    expect((await gftError(store.save(bad))).where).toBe('state.lossScale');
    expect(readdirSync(dir)).toEqual(before);
    expect(store.latestLocation()).toBe(first);
  });

  it('removes temp directories of killed writes, on save and on list, but not a live writer', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = join(dir, `.tmp-step-9-${dead}`);
    const live = join(dir, `.tmp-step-9-${process.ppid}`);
    for (const d of [stale, live]) {
      mkdirSync(d);
      writeFileSync(join(d, 'tensors.bin'), 'half');
    }
    const store = directoryCheckpointStore(dir);
    await store.save(data(2));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    mkdirSync(stale);
    store.list();
    expect(existsSync(stale)).toBe(false);
  });

  it('latestLocation names the newest checkpoint that looks intact; list is newest first', async () => {
    const dir = freshDir();
    const store = directoryCheckpointStore(dir, { keep: 3 });
    await twoCheckpoints(store);
    const [two, one] = store.list();
    expect(two).toMatch(/step-00000002$/);
    expect(one).toMatch(/step-00000001$/);
    truncateSync(join(two, 'tensors.bin'), 8);
    expect(store.latestLocation()).toBe(one);
    unlinkSync(join(two, 'tensors.bin'));
    expect(store.latestLocation()).toBe(one);
    // loadLatest stays strict: the newest, damaged or not.
    expect((await gftError(store.loadLatest())).where).toBe(join(two, 'tensors.bin'));
  });

  it('keeps steps beyond 8 digits visible and orders them by number', async () => {
    const store = directoryCheckpointStore(freshDir(), { keep: 5 });
    await store.save(data(99_999_999));
    await store.save(data(123_456_789));
    expect(store.list().map((l) => l.split('step-')[1])).toEqual(['123456789', '99999999']);
    expect((await store.loadLatest())?.step).toBe(123_456_789);
  });

  it('a rehashed but otherwise untouched checkpoint still loads (the test helper is sound)', async () => {
    const { store, at } = await saved(4);
    rehash(at);
    expect((await store.load(at)).step).toBe(4);
  });
});
