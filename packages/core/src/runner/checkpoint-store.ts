/**
 * Where training checkpoints go. The runner hands a store plain typed arrays and JSON; the
 * store decides the file format. Core ships `directoryCheckpointStore` (below, documented
 * format, no dependencies) so a library user gets resumable runs from @gft/core alone; a
 * package that can depend on @gft/safetensors may provide a safetensors-backed store with
 * the same interface.
 *
 * Directory format, version 2: `<dir>/step-<step, 8 digits or more>/` holding
 *   - `tensors.bin`: every tensor's values, little-endian, back to back in `tensors` order;
 *   - `checkpoint.json`: `{ format: "gft-checkpoint", version: 2, step, tensors: [{ name,
 *     dtype: "float32" | "int32", shape, offset, length }], state }`, offset and length in
 *     bytes into tensors.bin, length = 4 * elements of shape, no two tensors overlapping;
 *   - `manifest.json`: `{ files: [{ name, bytes, sha256 }] }` for every other file
 *     (checkpoint-manifest.ts), written last.
 * All three are written into a `.tmp-step-<step>-<pid>` sibling directory first, flushed,
 * then renamed into place: a rename is atomic, so a run killed at any point leaves either a
 * whole checkpoint or none, plus at worst a temp directory that the next save removes.
 * Loading checks sizes and checksums against the manifest and every field of
 * checkpoint.json (checkpoint-validate.ts) before any value is used, and refuses NaN or
 * infinite float32 values; saving refuses them too, so a diverged run cannot replace its
 * last good checkpoint with a poisoned one.
 *
 * Version 1 (gft 0.1) is version 2 without `manifest.json`; it still loads, with every
 * check except the checksums.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GftError } from '../errors/gft-error.js';
import {
  MANIFEST_FILE,
  type ManifestEntry,
  manifestLooksIntact,
  readManifest,
  readVerified,
  writeHashedFile,
  writeManifest,
} from './checkpoint-manifest.js';
import {
  CHECKPOINT_FORMAT,
  decodeTensors,
  elementCount,
  firstNonFinite,
  parseCheckpointHeader,
} from './checkpoint-validate.js';

export interface CheckpointTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface CheckpointData {
  /** Optimizer steps completed. */
  step: number;
  /** Trainable variables by name, optimizer moments by `m.<name>` / `v.<name>`. */
  tensors: Map<string, CheckpointTensor>;
  /** Run state as JSON: seed, data position, model state, schedule. */
  state: Record<string, unknown>;
}

export interface CheckpointStore {
  /**
   * Writes a checkpoint atomically; returns where it went (for events and messages). Throws
   * NON_FINITE, writing nothing, when a float32 tensor holds NaN or infinity.
   */
  save(data: CheckpointData): Promise<string>;
  /** Every checkpoint's location, newest first, intact or not (`load` tells). */
  list(): string[];
  /** Reads one checkpoint of `list()`; BAD_CHECKPOINT naming the file and field when damaged. */
  load(location: string): Promise<CheckpointData>;
  /**
   * The newest checkpoint, or undefined when there is none; BAD_CHECKPOINT when it is
   * damaged (`restoreLatest` falls back to an older one instead).
   */
  loadLatest(): Promise<CheckpointData | undefined>;
  /**
   * The newest checkpoint that looks intact by a cheap check (files present with their
   * recorded sizes; no checksums), without reading it: the "last good checkpoint" of messages.
   */
  latestLocation(): string | undefined;
  /**
   * Sets a checkpoint aside so it is never resumed from again (its weights diverged), keeping
   * it for inspection; returns its new location. Optional: a store without it keeps the
   * checkpoint and the runner's message says which one to avoid.
   */
  setAside?(location: string, reason: string): string;
}

export interface DirectoryCheckpointStoreOptions {
  /** Checkpoints kept on disk (oldest deleted first); default 2. */
  keep?: number;
}

export const CHECKPOINT_VERSION = 2;
const TENSORS_FILE = 'tensors.bin';
const JSON_FILE = 'checkpoint.json';
const DATA_FILES = [TENSORS_FILE, JSON_FILE];
const STEP_DIR = /^step-(\d{8,})$/;
const TEMP_DIR = /^\.tmp-step-/;
const TEMP_PID = /^\.tmp-step-\d+-(\d+)$/;

/** The step a `step-NNNNNNNN` directory holds, or undefined for another name. */
function stepOf(location: string): number | undefined {
  const m = STEP_DIR.exec(basename(location));
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether the temp directory `name` may belong to a save still under way in another live
 * process (a concurrent `restoreLatest` must not pull it from under that writer). Saves of
 * this process never overlap (they do no I/O asynchronously), so its own are stale.
 */
function mayBeInProgress(name: string): boolean {
  const pid = Number(TEMP_PID.exec(name)?.[1] ?? 0);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Temp directories of writes killed before their rename. Best effort: the store may be read-only. */
function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!TEMP_DIR.test(name) || mayBeInProgress(name)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // left for the next save
    }
  }
}

/** Makes renames and new entries of `dir` durable; platforms that cannot open a directory skip it. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: directories cannot be opened; NTFS journals the rename itself
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Refuses data `load` would refuse, before anything is written. */
function checkWritable({ step, tensors }: CheckpointData): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new GftError('BAD_INPUT', `checkpoint step ${step} is not an integer >= 0`, {
      where: 'step',
    });
  }
  for (const [name, t] of tensors) {
    const Want = t.dtype === 'float32' ? Float32Array : t.dtype === 'int32' ? Int32Array : null;
    if (name === '' || !Want || !(t.data instanceof Want)) {
      throw new GftError(
        'BAD_INPUT',
        `checkpoint tensor '${name}' has dtype '${t.dtype}' and a ${t.data?.constructor?.name}; expected a non-empty name, float32 with a Float32Array or int32 with an Int32Array`,
        { where: name },
      );
    }
    if (t.data.length !== elementCount(t.shape)) {
      throw new GftError(
        'BAD_INPUT',
        `checkpoint tensor '${name}' has ${t.data.length} values for shape [${t.shape}]`,
        { where: name },
      );
    }
    if (t.data instanceof Float32Array) {
      const at = firstNonFinite(t.data);
      if (at >= 0) {
        throw new GftError(
          'NON_FINITE',
          `checkpoint of step ${step} not written: tensor '${name}' holds ${t.data[at]} at index ${at}; the previous checkpoint is kept`,
          { where: name },
        );
      }
    }
  }
}

/** checkpoint.json's text; NaN or infinity in the state would silently become null. */
function checkpointJson({ step, state }: CheckpointData, entries: object[]): string {
  const json = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step,
    tensors: entries,
    state,
  };
  return JSON.stringify(json, (key, value) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new GftError(
        'NON_FINITE',
        `checkpoint of step ${step} not written: state field '${key}' is ${value}`,
        { where: `state.${key}` },
      );
    }
    return value;
  });
}

export function directoryCheckpointStore(
  dir: string,
  options: DirectoryCheckpointStoreOptions = {},
): CheckpointStore {
  const keep = options.keep ?? 2;
  const steps = (): number[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .map((n) => stepOf(n))
          .filter((s): s is number => s !== undefined)
          .sort((a, b) => b - a)
      : [];
  const stepDir = (step: number) => join(dir, `step-${String(step).padStart(8, '0')}`);

  /** Version 1 has no manifest: present files and a readable version 1 header will do. */
  const looksIntact = (where: string): boolean => {
    if (existsSync(join(where, MANIFEST_FILE))) return manifestLooksIntact(where, DATA_FILES);
    try {
      const json = JSON.parse(readFileSync(join(where, JSON_FILE), 'utf8'));
      return json?.version === 1 && existsSync(join(where, TENSORS_FILE));
    } catch {
      return false;
    }
  };

  const load = async (where: string): Promise<CheckpointData> => {
    const file = join(where, JSON_FILE);
    const binFile = join(where, TENSORS_FILE);
    const manifest = readManifest(where, DATA_FILES);
    const files = new Map<string, Buffer>();
    for (const entry of manifest ?? []) files.set(entry.name, readVerified(where, entry));
    const read = (path: string, name: string): Buffer => {
      const verified = files.get(name);
      if (verified) return verified;
      try {
        return readFileSync(path);
      } catch (cause) {
        const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
        throw new GftError(
          'BAD_CHECKPOINT',
          missing ? `${path} is missing` : `cannot read ${path}: ${(cause as Error).message}`,
          { cause, where: path },
        );
      }
    };
    const header = parseCheckpointHeader(
      read(file, JSON_FILE).toString('utf8'),
      file,
      stepOf(where),
    );
    if (header.version >= 2 && !manifest) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${join(where, MANIFEST_FILE)} is missing; a version ${header.version} checkpoint always has one, so the directory was damaged after it was written`,
        { where: join(where, MANIFEST_FILE) },
      );
    }
    const tensors = decodeTensors(header, read(binFile, TENSORS_FILE), file, binFile);
    return { step: header.step, tensors, state: header.state };
  };

  return {
    async save(data) {
      checkWritable(data);
      const entries: object[] = [];
      const chunks: Uint8Array[] = [];
      let offset = 0;
      for (const [name, t] of data.tensors) {
        const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        entries.push({ name, dtype: t.dtype, shape: t.shape, offset, length: bytes.length });
        chunks.push(bytes);
        offset += bytes.length;
      }
      const json = checkpointJson(data, entries);
      mkdirSync(dir, { recursive: true });
      removeStaleTemps(dir);
      const tmp = join(dir, `.tmp-step-${data.step}-${process.pid}`);
      const final = stepDir(data.step);
      mkdirSync(tmp);
      try {
        const files: ManifestEntry[] = [
          writeHashedFile(tmp, TENSORS_FILE, chunks),
          writeHashedFile(tmp, JSON_FILE, [Buffer.from(json)]),
        ];
        writeManifest(tmp, files);
        fsyncDir(tmp);
        rmSync(final, { recursive: true, force: true });
        renameSync(tmp, final);
        fsyncDir(dir);
      } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        throw error;
      }
      // keep < 1 keeps every checkpoint, as it always did.
      const old = keep >= 1 ? steps().slice(keep) : [];
      for (const step of old) rmSync(stepDir(step), { recursive: true, force: true });
      return final;
    },
    list() {
      removeStaleTemps(dir);
      return steps().map(stepDir);
    },
    load,
    async loadLatest() {
      const newest = steps()[0];
      return newest === undefined ? undefined : load(stepDir(newest));
    },
    latestLocation() {
      return steps().map(stepDir).find(looksIntact);
    },
    setAside(location, reason) {
      const aside = join(dirname(location), `diverged-${basename(location)}`);
      rmSync(aside, { recursive: true, force: true });
      renameSync(location, aside);
      writeFileSync(join(aside, 'DIVERGED.txt'), `${reason}\n`);
      return aside;
    },
  };
}
