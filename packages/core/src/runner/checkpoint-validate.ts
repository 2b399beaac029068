/**
 * Checks a checkpoint's `checkpoint.json` and tensor bytes before any value is used. A
 * damaged or hand-edited checkpoint must fail with BAD_CHECKPOINT naming the file and the
 * field or tensor: before these checks a negative offset read as a tensor of zeros and a
 * NaN tensor poisoned the resumed run without a word.
 */
import { GftError } from '../errors/gft-error.js';
import type { CheckpointTensor } from './checkpoint-store.js';

export const CHECKPOINT_FORMAT = 'gft-checkpoint';
/** Versions this reader understands; the writer writes the last one. */
export const CHECKPOINT_VERSIONS: readonly number[] = [1, 2];

export interface TensorEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  /** Bytes into tensors.bin. */
  offset: number;
  length: number;
}

export interface CheckpointHeader {
  version: number;
  step: number;
  tensors: TensorEntry[];
  state: Record<string, unknown>;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A non-negative integer that float64 holds exactly: steps, sizes, offsets, dims. */
export function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

/** A JSON value for an error message, cut short: fuzzed or hand-edited values can be huge. */
export function show(x: unknown): string {
  if (x === undefined) return 'missing';
  let s: string;
  try {
    s = typeof x === 'number' && !Number.isFinite(x) ? String(x) : (JSON.stringify(x) ?? String(x));
  } catch {
    s = String(x);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A name for an error message, cut short like `show`. */
export function short(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

/** Elements of `shape`; Infinity when the count is beyond what float64 holds exactly. */
export function elementCount(shape: readonly number[]): number {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
  }
  return n;
}

/** Index of the first NaN or infinity in `data`, or -1. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    // x - x is 0 for every finite x and NaN for NaN and +-Infinity: one compare per value.
    const x = data[i];
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * Parses and checks `checkpoint.json` (its text from `file`): format, version, step (equal
 * to `expectedStep`, the directory's, when given), every tensor entry (name, dtype, shape,
 * offset, length = elements * 4, no two overlapping) and that state is an object. Whether
 * the entries fit tensors.bin is `decodeTensors`' check.
 */
/** BAD_CHECKPOINT naming `file` and one of its fields (`label` when the message says it otherwise). */
export function fieldProblem(file: string) {
  return (field: string, problem: string, label = field) =>
    new GftError('BAD_CHECKPOINT', `${file}: ${label} ${problem}`, {
      where: `${file}: ${field}`,
    });
}

/** A checkpoint JSON file's text as an object, or BAD_CHECKPOINT naming the file. */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new GftError('BAD_CHECKPOINT', `${file} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      where: file,
    });
  }
  if (!isPlainObject(json))
    throw fieldProblem(file)('(top level)', `is ${show(json)}, expected an object`);
  return json;
}

export function parseCheckpointHeader(
  text: string,
  file: string,
  expectedStep?: number,
): CheckpointHeader {
  const bad = fieldProblem(file);
  const json = parseJsonObject(text, file);
  if (json.format !== CHECKPOINT_FORMAT) {
    throw bad('format', `is ${show(json.format)}, expected "${CHECKPOINT_FORMAT}"`);
  }
  const version = json.version;
  if (typeof version !== 'number' || !CHECKPOINT_VERSIONS.includes(version)) {
    throw bad(
      'version',
      `is ${show(version)}; this gft reads versions ${CHECKPOINT_VERSIONS.join(', ')}${typeof version === 'number' && version > Math.max(...CHECKPOINT_VERSIONS) ? ' (written by a newer gft?)' : ''}`,
    );
  }
  const step = json.step;
  if (!isCount(step)) throw bad('step', `is ${show(step)}, expected an integer >= 0`);
  if (expectedStep !== undefined && step !== expectedStep) {
    throw bad('step', `is ${step}, but the directory is the checkpoint of step ${expectedStep}`);
  }
  if (!isPlainObject(json.state)) throw bad('state', `is ${show(json.state)}, expected an object`);
  if (!Array.isArray(json.tensors)) {
    throw bad('tensors', `is ${show(json.tensors)}, expected an array`);
  }
  const names = new Set<string>();
  const tensors: TensorEntry[] = [];
  json.tensors.forEach((t: unknown, i) => {
    const at = `tensors[${i}]`;
    if (!isPlainObject(t)) {
      throw bad(at, `is ${show(t)}, expected { name, dtype, shape, offset, length }`);
    }
    const { name, dtype, shape, offset, length } = t;
    if (typeof name !== 'string' || name === '') {
      throw bad(`${at}.name`, `is ${show(name)}, expected a non-empty string`);
    }
    const it = `${at} ('${short(name)}')`;
    const entry = (key: string, problem: string) => bad(`${at}.${key}`, problem, `${it} ${key}`);
    if (names.has(name)) throw bad(`${at}.name`, `'${short(name)}' appears twice`);
    names.add(name);
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw entry('dtype', `is ${show(dtype)}, expected "float32" or "int32"`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      throw entry('shape', `is ${show(shape)}, expected an array of integers >= 0`);
    }
    if (!isCount(offset)) throw entry('offset', `is ${show(offset)}, expected an integer >= 0`);
    if (!isCount(length)) throw entry('length', `is ${show(length)}, expected an integer >= 0`);
    if (length !== elementCount(shape) * 4) {
      throw entry(
        'length',
        `is ${length} bytes, but shape ${show(shape)} holds ${elementCount(shape)} 4-byte values`,
      );
    }
    tensors.push({ name, dtype, shape: [...shape], offset, length });
  });
  // Sorted by offset, each tensor must end before the next begins; empty tensors hold no bytes.
  const spans = tensors.filter((t) => t.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1];
    if (spans[i].offset < prev.offset + prev.length) {
      const j = tensors.indexOf(spans[i]);
      throw bad(
        `tensors[${j}].offset`,
        `is ${spans[i].offset}, inside '${short(prev.name)}' (bytes ${prev.offset}..${prev.offset + prev.length})`,
        `tensors[${j}] ('${short(spans[i].name)}') offset`,
      );
    }
  }
  return { version, step, tensors, state: json.state };
}

/**
 * The tensors of `header` read out of `bin` (the bytes of `binFile`); `file` is the
 * checkpoint.json the entries came from. Float32 tensors must be finite.
 */
export function decodeTensors(
  header: CheckpointHeader,
  bin: Uint8Array,
  file: string,
  binFile: string,
): Map<string, CheckpointTensor> {
  const tensors = new Map<string, CheckpointTensor>();
  header.tensors.forEach((t, i) => {
    if (t.offset + t.length > bin.length) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${file}: tensors[${i}] ('${short(t.name)}', bytes ${t.offset}..${t.offset + t.length}) lies beyond the end of ${binFile} (${bin.length} bytes)`,
        { where: `${file}: tensors[${i}]` },
      );
    }
    // A fresh buffer: the Buffer's offset need not be 4-aligned, and the caller may keep
    // these arrays after the file's bytes are gone.
    const copy = new Uint8Array(t.length);
    copy.set(bin.subarray(t.offset, t.offset + t.length));
    const data =
      t.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    if (data instanceof Float32Array) {
      const at = firstNonFinite(data);
      if (at >= 0) {
        throw new GftError(
          'BAD_CHECKPOINT',
          `${binFile}: tensor '${short(t.name)}' holds ${data[at]} at index ${at}; a checkpoint must be finite`,
          { where: `${binFile}: ${t.name}[${at}]` },
        );
      }
    }
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  });
  return tensors;
}
