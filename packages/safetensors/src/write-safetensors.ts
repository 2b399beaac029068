/**
 * Serialises tensors to the safetensors format the fixtures use: compact JSON header with
 * keys in code-point order (`__metadata__` sorted like any key), entry fields
 * data_offsets/dtype/shape, padded with spaces to a multiple of 8 bytes, tensor bytes
 * contiguous in key order. Files are written atomically and streamed tensor by tensor.
 * Not a converter: data must already be in the target dtype (see half-float.ts).
 */

import { writeFileAtomic } from './atomic-write.js';
import { HOST_IS_LITTLE_ENDIAN, swapBytesInPlace } from './decode.js';
import {
  dtypeSize,
  isSafetensorsDtype,
  nativeArrayType,
  SAFETENSORS_DTYPES,
  type SafetensorsDtype,
} from './dtype.js';
import { SafetensorsError } from './safetensors-error.js';
import { sortNames } from './sort-names.js';

export interface TensorInput {
  dtype: SafetensorsDtype;
  /** Row-major, `[]` for a scalar. */
  shape: number[];
  /** The dtype's native typed array (F16/BF16 bits as Uint16Array), or raw bytes (Uint8Array / DataView). */
  data: ArrayBufferView;
}

export type TensorInputs = Record<string, TensorInput>;

interface Planned {
  name: string;
  bytes: Uint8Array;
}

function badInput(file: string, problem: string, tensor?: string): SafetensorsError {
  const subject = tensor === undefined ? file : `${file}, tensor '${tensor}'`;
  return new SafetensorsError('BAD_INPUT', file, `${subject}: ${problem}`, { tensor });
}

function checkTensor(name: string, t: TensorInput, file: string): Uint8Array {
  if (name === '' || name === '__metadata__')
    throw badInput(file, `tensor name ${JSON.stringify(name)} is reserved`);
  if (!isSafetensorsDtype(t.dtype)) {
    throw badInput(
      file,
      `unknown dtype ${JSON.stringify(t.dtype)}; supported: ${SAFETENSORS_DTYPES.join(', ')}`,
      name,
    );
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badInput(
      file,
      `shape must be an array of non-negative integers, got ${JSON.stringify(t.shape)}`,
      name,
    );
  }
  if (!ArrayBuffer.isView(t.data))
    throw badInput(file, 'data must be a typed array or DataView', name);
  const Native = nativeArrayType(t.dtype);
  const raw = t.data instanceof Uint8Array || t.data instanceof DataView;
  if (!raw && !(t.data instanceof Native)) {
    throw badInput(
      file,
      `${t.dtype} data must be ${Native.name} or raw bytes (Uint8Array / DataView), got ${t.data.constructor.name}`,
      name,
    );
  }
  const expected = t.shape.reduce((n, d) => n * d, dtypeSize(t.dtype));
  if (t.data.byteLength !== expected) {
    throw badInput(
      file,
      `shape ${JSON.stringify(t.shape)} x ${t.dtype} needs ${expected} bytes, data has ${t.data.byteLength}`,
      name,
    );
  }
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || raw) return bytes;
  const swapped = bytes.slice();
  swapBytesInPlace(swapped, dtypeSize(t.dtype));
  return swapped;
}

/** The 8-byte prefix plus the padded header, and the tensor bytes in file order. */
export function planSafetensors(
  tensors: TensorInputs,
  metadata: Record<string, string> | undefined,
  file: string,
): { prefixAndHeader: Uint8Array; data: Planned[]; totalBytes: number } {
  const entries = new Map<string, string>(); // a Map: names like "__proto__" stay plain keys
  const data: Planned[] = [];
  let offset = 0;
  for (const name of sortNames(Object.keys(tensors))) {
    const t = tensors[name];
    const bytes = checkTensor(name, t, file);
    const end = offset + bytes.length;
    entries.set(
      name,
      `{"data_offsets":[${offset},${end}],"dtype":"${t.dtype}","shape":${JSON.stringify(t.shape)}}`,
    );
    data.push({ name, bytes });
    offset = end;
  }
  if (metadata !== undefined) {
    const keys = sortNames(Object.keys(metadata));
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') throw badInput(file, `metadata.${k} must be a string`);
    }
    entries.set(
      '__metadata__',
      `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`,
    );
  }
  const json = `{${sortNames(entries.keys())
    .map((k) => `${JSON.stringify(k)}:${entries.get(k)}`)
    .join(',')}}`;
  const encoded = new TextEncoder().encode(json);
  const headerLength = Math.ceil(encoded.length / 8) * 8;
  const prefixAndHeader = new Uint8Array(8 + headerLength).fill(0x20);
  new DataView(prefixAndHeader.buffer).setBigUint64(0, BigInt(headerLength), true);
  prefixAndHeader.set(encoded, 8);
  return { prefixAndHeader, data, totalBytes: 8 + headerLength + offset };
}

/** Writes a safetensors file atomically (temp file in the same directory, fsync, rename). */
export function writeSafetensors(
  path: string,
  tensors: TensorInputs,
  metadata?: Record<string, string>,
): void {
  const plan = planSafetensors(tensors, metadata, path);
  writeFileAtomic(path, [plan.prefixAndHeader, ...plan.data.map((d) => d.bytes)]);
}

/** The whole file in one buffer: for browsers and small files. */
export function serializeSafetensors(
  tensors: TensorInputs,
  metadata?: Record<string, string>,
): Uint8Array {
  const plan = planSafetensors(tensors, metadata, '<memory>');
  const out = new Uint8Array(plan.totalBytes);
  out.set(plan.prefixAndHeader, 0);
  let at = plan.prefixAndHeader.length;
  for (const d of plan.data) {
    out.set(d.bytes, at);
    at += d.bytes.length;
  }
  return out;
}
