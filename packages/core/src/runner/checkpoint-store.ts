/**
 * Where training checkpoints go. The runner hands a store plain typed arrays and JSON; the
 * store decides the file format. Core ships `directoryCheckpointStore` (below, documented
 * format, no dependencies) so a library user gets resumable runs from @gft/core alone; a
 * package that can depend on @gft/safetensors may provide a safetensors-backed store with
 * the same interface.
 *
 * Directory format, version 1: `<dir>/step-<8-digit step>/` holding
 *   - `tensors.bin`: every tensor's values, little-endian, back to back in manifest order;
 *   - `checkpoint.json`: `{ format: "gft-checkpoint", version: 1, step, tensors: [{ name,
 *     dtype: "float32" | "int32", shape, offset, length }], state }`, offsets in bytes.
 * Both are written into a `.tmp-*` sibling directory first, flushed, then renamed into place:
 * a rename is atomic, so a run killed at any point leaves either a whole checkpoint or none.
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
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { GftError } from '../errors/gft-error.js';

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
  /** Writes a checkpoint atomically; returns where it went (for events and messages). */
  save(data: CheckpointData): Promise<string>;
  /** The checkpoint with the highest step, or undefined when there is none. */
  loadLatest(): Promise<CheckpointData | undefined>;
  /** Where the latest checkpoint is, without reading it. */
  latestLocation(): string | undefined;
}

export interface DirectoryCheckpointStoreOptions {
  /** Checkpoints kept on disk (oldest deleted first); default 2. */
  keep?: number;
}

const STEP_DIR = /^step-(\d{8})$/;

function writeAll(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function directoryCheckpointStore(
  dir: string,
  options: DirectoryCheckpointStoreOptions = {},
): CheckpointStore {
  const keep = options.keep ?? 2;
  const steps = (): number[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .map((n) => STEP_DIR.exec(n))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => Number(m[1]))
          .sort((a, b) => a - b)
      : [];
  const stepDir = (step: number) => join(dir, `step-${String(step).padStart(8, '0')}`);

  return {
    async save({ step, tensors, state }) {
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `.tmp-step-${step}-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      const manifest: Record<string, unknown>[] = [];
      const chunks: Uint8Array[] = [];
      let offset = 0;
      for (const [name, t] of tensors) {
        const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        manifest.push({ name, dtype: t.dtype, shape: t.shape, offset, length: bytes.length });
        chunks.push(bytes);
        offset += bytes.length;
      }
      writeAll(join(tmp, 'tensors.bin'), chunks);
      const json = { format: 'gft-checkpoint', version: 1, step, tensors: manifest, state };
      writeAll(join(tmp, 'checkpoint.json'), [Buffer.from(JSON.stringify(json))]);
      const final = stepDir(step);
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
      for (const old of steps().slice(0, -keep))
        rmSync(stepDir(old), { recursive: true, force: true });
      return final;
    },
    latestLocation() {
      const all = steps();
      return all.length === 0 ? undefined : stepDir(all[all.length - 1]);
    },
    async loadLatest() {
      const all = steps();
      if (all.length === 0) return undefined;
      const where = stepDir(all[all.length - 1]);
      const file = join(where, 'checkpoint.json');
      let json: {
        format?: string;
        version?: number;
        step: number;
        tensors: { name: string; dtype: string; shape: number[]; offset: number; length: number }[];
        state: Record<string, unknown>;
      };
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (cause) {
        throw new GftError('BAD_CHECKPOINT', `cannot read ${file}: ${(cause as Error).message}`, {
          cause,
          where: file,
        });
      }
      if (json.format !== 'gft-checkpoint' || json.version !== 1) {
        throw new GftError(
          'BAD_CHECKPOINT',
          `${file} is not a gft checkpoint version 1 (format '${json.format}', version ${json.version})`,
          { where: file },
        );
      }
      const bin = readFileSync(join(where, 'tensors.bin'));
      const tensors = new Map<string, CheckpointTensor>();
      for (const t of json.tensors) {
        if (t.offset + t.length > bin.length || (t.dtype !== 'float32' && t.dtype !== 'int32')) {
          throw new GftError(
            'BAD_CHECKPOINT',
            `${where}: tensor '${t.name}' (${t.dtype}, bytes ${t.offset}..${t.offset + t.length}) does not fit tensors.bin (${bin.length} bytes) or has an unknown dtype (float32, int32)`,
            { where: t.name },
          );
        }
        // Copy into a fresh, aligned buffer: the Buffer's offset need not be 4-aligned.
        const copy = new Uint8Array(t.length);
        copy.set(bin.subarray(t.offset, t.offset + t.length));
        const data =
          t.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
        tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
      }
      return { step: json.step, tensors, state: json.state };
    },
  };
}
