/**
 * Property tests of the checkpoint reader: random edits of checkpoint.json, manifest.json and
 * tensors.bin must each end in a restored model or a GftError with a code and `where`
 * (expectValueOrGftError), in bounded time; a restore that succeeds leaves only finite
 * values in model and optimizer, and one that fails leaves them as they were.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { expectValueOrGftError } from '../testing/reader-invariant.js';
import { restoreCheckpoint, snapshot } from './checkpoint.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import {
  fill,
  type Json,
  rehash,
  type Trainee,
  tinyTrainee,
  values,
} from './checkpoint-test-support.js';

const SEED = 20_250_611;
const root = mkdtempSync(join(tmpdir(), 'gft-ckpt-fuzz-'));
const caseDir = join(root, 'case', 'step-00000003');
const store = directoryCheckpointStore(join(root, 'case'));
let trainee: Trainee;
let base: { json: Json; manifest: Json; bin: Uint8Array };
const outcomes = new Map<string, number>();

beforeAll(async () => {
  await cpuBackend().setup();
  trainee = tinyTrainee();
  fill(trainee, 1, 30);
  const saved = directoryCheckpointStore(join(root, 'base'));
  const at = await saved.save(
    await snapshot(3, trainee.model, trainee.optimizer, { nextBatch: 3 }),
  );
  base = {
    json: JSON.parse(readFileSync(join(at, 'checkpoint.json'), 'utf8')),
    manifest: JSON.parse(readFileSync(join(at, 'manifest.json'), 'utf8')),
    bin: readFileSync(join(at, 'tensors.bin')),
  };
  mkdirSync(caseDir, { recursive: true });
});

afterAll(() => {
  trainee?.dispose();
  rmSync(root, { recursive: true, force: true });
  console.log(
    `checkpoint fuzz outcomes: ${[...outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
});

type Path = (string | number)[];

function paths(x: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(x)) {
    for (const [i, v] of x.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (typeof x === 'object' && x !== null) {
    for (const [k, v] of Object.entries(x)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** Numbers a reader must not trust, as JSON can carry them, and JSON of every kind. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.integer({ min: 0, max: 4096 }),
  fc.constantFrom(
    0,
    1,
    0.5,
    -0.5,
    3.7,
    1e-300,
    1e300,
    2 ** 31,
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    -(2 ** 53),
  ),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-1', '1', '', '0x10', '1e3', 'float16'),
  fc.array(fc.integer({ min: -3, max: 1_000_000_000 }), { maxLength: 4 }),
);

const KEYS = ['offset', 'length', 'shape', 'name', 'dtype', 'step', 'version', 'optimizerStep'];

/** Fields restoreCheckpoint reads; tensor entries would otherwise draw most edits. */
const FOCUS: Path[] = [
  ['state', 'optimizerStep'],
  ['state', 'nextBatch'],
  ['state', 'model'],
  ['step'],
  ['version'],
];

/**
 * One edit: delete, replace or add at the path numbered `at` (mod the paths there are), or
 * at a focus path.
 */
const edit = fc.record({
  op: fc.constantFrom('delete', 'replace', 'replace', 'add'),
  at: fc.nat(),
  focus: fc.boolean(),
  key: fc.constantFrom(...KEYS, 'nextBatch', 'model', 'files', 'bytes', 'sha256'),
  value: nasty,
});
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdits(json: Json, edits: readonly Edit[]): Json {
  let doc = structuredClone(json);
  for (const e of edits) {
    const all = paths(doc);
    const focus = FOCUS[e.at % FOCUS.length];
    const path =
      e.focus && typeof doc?.state === 'object' && doc.state ? focus : all[e.at % all.length];
    if (path.length === 0) {
      if (e.op !== 'add') doc = e.op === 'delete' ? undefined : e.value;
      continue;
    }
    let parent = doc;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const key = path[path.length - 1];
    const target = parent[key];
    if (e.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (e.op === 'replace') parent[key] = e.value;
    else if (Array.isArray(target)) target.push(e.value);
    else if (typeof target === 'object' && target !== null) target[e.key] = e.value;
    else parent[key] = e.value;
  }
  return doc;
}

const text = (json: Json) => (json === undefined ? '' : JSON.stringify(json));

function writeCase(files: { json: string; manifest?: string; bin: Uint8Array }): void {
  writeFileSync(join(caseDir, 'checkpoint.json'), files.json);
  writeFileSync(join(caseDir, 'tensors.bin'), files.bin);
  if (files.manifest === undefined) rmSync(join(caseDir, 'manifest.json'), { force: true });
  else writeFileSync(join(caseDir, 'manifest.json'), files.manifest);
}

/** Loads and restores the case directory; checks the reader invariant and what the model holds. */
async function check(withOptimizer: boolean): Promise<void> {
  const before = values(trainee);
  const stepBefore = trainee.optimizer.stepCount;
  const outcome = await expectValueOrGftError(
    async () =>
      restoreCheckpoint(
        await store.load(caseDir),
        trainee.model,
        withOptimizer ? trainee.optimizer : undefined,
      ),
    { timeLimitMs: 1000, what: 'checkpoint load + restore' },
  );
  const after = values(trainee);
  if (outcome.error) {
    const field = (outcome.error.where ?? '').replace(/^.*step-00000003[/\\]?/, '');
    const kind = `${outcome.error.code} ${field.replace(/\[\d+\]/g, '[]')}`;
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    expect(after).toEqual(before);
    expect(trainee.optimizer.stepCount).toBe(stepBefore);
  } else {
    outcomes.set('restored', (outcomes.get('restored') ?? 0) + 1);
    for (const [name, xs] of Object.entries(after)) {
      const bad = xs.findIndex((x) => !Number.isFinite(x));
      expect(bad, `${name}[${bad}] is ${xs[bad]} after a successful restore`).toBe(-1);
    }
    expect(Number.isSafeInteger(trainee.optimizer.stepCount)).toBe(true);
    expect(trainee.optimizer.stepCount).toBeGreaterThanOrEqual(0);
  }
}

describe('checkpoint reader under fuzzing', () => {
  it('random edits of checkpoint.json (version 2 rehashed, version 2 stale, version 1)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('rehash', 'rehash', 'stale', 'v1'),
        fc.boolean(),
        async (edits, variant, withOptimizer) => {
          const json =
            variant === 'v1'
              ? applyEdits({ ...base.json, version: 1 }, edits)
              : applyEdits(base.json, edits);
          writeCase({ json: text(json), manifest: JSON.stringify(base.manifest), bin: base.bin });
          if (variant === 'rehash') rehash(caseDir);
          if (variant === 'v1') rmSync(join(caseDir, 'manifest.json'));
          await check(withOptimizer);
        },
      ),
      { seed: SEED, numRuns: 700 },
    );
  });

  it('random edits of manifest.json and raw damage to checkpoint.json text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { maxLength: 3 }),
        fc.option(fc.record({ cut: fc.nat(), insert: fc.string({ maxLength: 4 }) })),
        async (edits, raw) => {
          let json = JSON.stringify(base.json);
          if (raw) {
            const at = raw.cut % (json.length + 1);
            json = json.slice(0, at) + raw.insert + json.slice(at + (raw.cut % 3));
          }
          writeCase({ json, manifest: text(applyEdits(base.manifest, edits)), bin: base.bin });
          await check(true);
        },
      ),
      { seed: SEED + 1, numRuns: 400 },
    );
  });

  it('truncated, flipped and extended tensors.bin, with and without a matching manifest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
        fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), {
          maxLength: 4,
        }),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
          { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
        ),
        fc.boolean(),
        fc.boolean(),
        fc.option(
          fc.record({
            at: fc.nat(),
            value: fc.constantFrom(Number.NaN, Infinity, -Infinity, -1e-3, 3e38, -0),
          }),
        ),
        async (truncateTo, flips, append, matching, withOptimizer, poke) => {
          let bin = Uint8Array.from(base.bin);
          for (const f of flips) bin[f.at % bin.length] ^= f.xor;
          // Values a float32 can hold that a checkpoint must not (NaN, infinities; a negative
          // second moment) or may (huge, negative zero).
          if (poke) {
            const view = new DataView(bin.buffer);
            view.setFloat32(4 * (poke.at % (bin.length / 4)), poke.value, true);
          }
          if (truncateTo !== null) bin = bin.slice(0, truncateTo % (bin.length + 1));
          const out = new Uint8Array(bin.length + append.length);
          out.set(bin);
          out.set(append, bin.length);
          writeCase({ json: text(base.json), manifest: JSON.stringify(base.manifest), bin: out });
          if (matching) rehash(caseDir);
          await check(withOptimizer);
        },
      ),
      { seed: SEED + 2, numRuns: 500 },
    );
    // The cases reach every layer: checksums, field checks, finite checks and success.
    expect(outcomes.get('restored') ?? 0).toBeGreaterThan(100);
    const kinds = [...outcomes.keys()].join(' | ');
    for (const layer of ['manifest.json', 'checkpoint.json', 'tensors.bin']) {
      expect(kinds).toContain(layer);
    }
  });
});
