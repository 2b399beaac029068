/**
 * Parses and validates a safetensors header: the u64 length prefix and the JSON that maps
 * names to {dtype, shape, data_offsets}. Every inconsistency is a BAD_CHECKPOINT error
 * naming the file (and tensor): no partial results, no allocation sized by untrusted
 * numbers beyond the capped header itself. Not I/O: callers hand in the bytes.
 *
 * Layout: [u64 LE n][n bytes JSON, space padded][data section]. data_offsets are relative
 * to the data section and must tile it exactly (no overlap, no gap, no trailing bytes),
 * as the reference implementation requires.
 */
import { dtypeSize, isSafetensorsDtype, SAFETENSORS_DTYPES } from './dtype.js';
import { jsonPreview } from './json-preview.js';
import { badCheckpoint } from './safetensors-error.js';
import { compareCodePoints } from './sort-names.js';
import type { TensorInfo } from './tensor-reader.js';

/** Same cap as the reference implementation: a larger prefix means a corrupt or foreign file. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface ParsedHeader {
  /** Byte length of the JSON header (without the 8-byte prefix). */
  headerLength: number;
  /** Absolute offset of the data section: 8 + headerLength. */
  dataOffset: number;
  metadata: Record<string, string>;
  /** Sorted by name. */
  tensors: TensorInfo[];
}

/** Reads and checks the length prefix against the file size. */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8) {
    throw badCheckpoint(
      file,
      `file is ${fileSize} bytes, shorter than the 8-byte header length prefix (not a safetensors file?)`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw badCheckpoint(
      file,
      `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt length prefix, or not a safetensors file)`,
    );
  }
  const length = Number(n);
  if (8 + length > fileSize) {
    throw badCheckpoint(
      file,
      `header length ${length} runs past the end of the file (${fileSize} bytes): truncated file?`,
    );
  }
  if (length < 2)
    throw badCheckpoint(file, `header length ${length} is too short for a JSON object`);
  return length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function decodeJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw badCheckpoint(file, 'header is not valid UTF-8', undefined, cause);
  }
  if (text[0] !== '{') {
    throw badCheckpoint(
      file,
      `header must start with '{' but starts with ${JSON.stringify(text.slice(0, 16))}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw badCheckpoint(
      file,
      `header is not valid JSON (${(cause as Error).message})`,
      undefined,
      cause,
    );
  }
  if (!isPlainObject(json))
    throw badCheckpoint(file, `header must be a JSON object, got ${describe(json)}`);
  return json;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw badCheckpoint(file, `__metadata__ must be an object of strings, got ${describe(value)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw badCheckpoint(file, `__metadata__.${key} must be a string, got ${describe(v)}`);
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" stays data.
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

/** Validates one entry on its own; returns data_offsets relative to the data section. */
function parseEntry(
  name: string,
  value: unknown,
  dataOffset: number,
  dataLength: number,
  file: string,
): { info: TensorInfo; begin: number; end: number } {
  if (!isPlainObject(value))
    throw badCheckpoint(file, `entry must be an object, got ${describe(value)}`, name);
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(value, field))
      throw badCheckpoint(file, `entry is missing '${field}'`, name);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafetensorsDtype(dtype)) {
    throw badCheckpoint(
      file,
      `unknown dtype ${jsonPreview(dtype)}; supported: ${SAFETENSORS_DTYPES.join(', ')}`,
      name,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw badCheckpoint(
      file,
      `shape must be an array of non-negative integers, got ${jsonPreview(shape)}`,
      name,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isCount) ||
    offsets[0] > offsets[1]
  ) {
    throw badCheckpoint(
      file,
      `data_offsets must be [begin, end] with 0 <= begin <= end, got ${jsonPreview(offsets)}`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  let expected = dtypeSize(dtype);
  for (const dim of shape as number[]) {
    expected *= dim;
    if (!Number.isSafeInteger(expected)) {
      throw badCheckpoint(file, `shape ${jsonPreview(shape)} is too large to address`, name);
    }
  }
  if (expected !== end - begin) {
    throw badCheckpoint(
      file,
      `shape ${jsonPreview(shape)} x ${dtype} (${dtypeSize(dtype)} bytes) needs ${expected} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`,
      name,
    );
  }
  if (end > dataLength) {
    throw badCheckpoint(
      file,
      `data_offsets [${begin}, ${end}] run past the end of the data section (${dataLength} bytes): file truncated or offsets wrong`,
      name,
    );
  }
  const info: TensorInfo = {
    name,
    dtype,
    shape: [...(shape as number[])],
    byteOffset: dataOffset + begin,
    byteLength: end - begin,
    file,
  };
  return { info, begin, end };
}

/** The entries must tile [0, dataLength) exactly, in offset order. */
function checkCoverage(
  entries: { info: TensorInfo; begin: number; end: number }[],
  dataLength: number,
  file: string,
): void {
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: (typeof entries)[number] | undefined;
  for (const entry of byOffset) {
    if (entry.begin < covered) {
      throw badCheckpoint(
        file,
        `data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${previous!.info.name}' [${previous!.begin}, ${previous!.end}]`,
        entry.info.name,
      );
    }
    if (entry.begin > covered) {
      throw badCheckpoint(
        file,
        `data_offsets [${entry.begin}, ${entry.end}] leave a gap: bytes ${covered}..${entry.begin} of the data section belong to no tensor`,
        entry.info.name,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    throw badCheckpoint(
      file,
      `data section is ${dataLength} bytes but the tensors cover only ${covered}: ${dataLength - covered} trailing bytes belong to no tensor`,
    );
  }
}

/**
 * Parses the JSON header bytes (without the prefix). `dataLength` is the size of the data
 * section (file size - 8 - header length).
 */
export function parseHeader(
  headerBytes: Uint8Array,
  dataLength: number,
  file: string,
): ParsedHeader {
  const headerLength = headerBytes.length;
  const dataOffset = 8 + headerLength;
  const json = decodeJson(headerBytes, file);
  let metadata: Record<string, string> = {};
  const entries: { info: TensorInfo; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(value, file);
    else entries.push(parseEntry(name, value, dataOffset, dataLength, file));
  }
  checkCoverage(entries, dataLength, file);
  const tensors = entries.map((e) => e.info).sort((a, b) => compareCodePoints(a.name, b.name));
  return { headerLength, dataOffset, metadata, tensors };
}
