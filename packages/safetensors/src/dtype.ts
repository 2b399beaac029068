/**
 * The safetensors dtypes this package reads and writes: element sizes and the typed array
 * that holds each one natively. Not conversion (see half-float.ts and decode.ts).
 */

export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U8'
  | 'BOOL';

/** Native typed array of each dtype; F16/BF16 are raw bit patterns, BOOL one byte per value. */
export type NativeArray =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

interface DtypeSpec {
  readonly size: number;
  readonly native: { new (buffer: ArrayBuffer, byteOffset: number, length: number): NativeArray };
  readonly float: boolean;
}

const SPECS: Record<SafetensorsDtype, DtypeSpec> = {
  F64: { size: 8, native: Float64Array, float: true },
  F32: { size: 4, native: Float32Array, float: true },
  F16: { size: 2, native: Uint16Array, float: true },
  BF16: { size: 2, native: Uint16Array, float: true },
  I64: { size: 8, native: BigInt64Array, float: false },
  I32: { size: 4, native: Int32Array, float: false },
  I16: { size: 2, native: Int16Array, float: false },
  I8: { size: 1, native: Int8Array, float: false },
  U8: { size: 1, native: Uint8Array, float: false },
  BOOL: { size: 1, native: Uint8Array, float: false },
};

/** All supported dtypes, for error messages and tests. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.keys(
  SPECS,
) as SafetensorsDtype[];

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(SPECS, value);
}

/** Bytes per element. */
export function dtypeSize(dtype: SafetensorsDtype): number {
  return SPECS[dtype].size;
}

export function isFloatDtype(dtype: SafetensorsDtype): boolean {
  return SPECS[dtype].float;
}

/** The constructor of the native array of `dtype` (used to view bytes and to check writer input). */
export function nativeArrayType(dtype: SafetensorsDtype): DtypeSpec['native'] {
  return SPECS[dtype].native;
}
