/**
 * Turns a tensor's raw little-endian bytes into typed arrays: the dtype's native array, or
 * float32 for compute. Not I/O: the bytes come from a reader (file or memory).
 */
import { dtypeSize, type NativeArray, nativeArrayType, type SafetensorsDtype } from './dtype.js';
import { bf16ToF32, f16ToF32 } from './half-float.js';

/** safetensors is little-endian; typed arrays use the host's order. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `size`-byte element in place (only called on big-endian hosts). */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Views `bytes` as the native array of `dtype`. Takes ownership: `bytes` must be a fresh
 * buffer that starts at offset 0 (readers guarantee that), so no copy is needed.
 */
export function viewNative(bytes: Uint8Array, dtype: SafetensorsDtype): NativeArray {
  const size = dtypeSize(dtype);
  if (!HOST_IS_LITTLE_ENDIAN) swapBytesInPlace(bytes, size);
  const Native = nativeArrayType(dtype);
  return new Native(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / size);
}

/**
 * Converts a native array to float32: exact for F32/BF16/F16, rounded to nearest for F64
 * and large integers. Returns the input itself when it already is float32.
 */
export function nativeToF32(values: NativeArray, dtype: SafetensorsDtype): Float32Array {
  switch (dtype) {
    case 'F32':
      return values as Float32Array;
    case 'BF16':
      return bf16ToF32(values as Uint16Array);
    case 'F16':
      return f16ToF32(values as Uint16Array);
    case 'I64': {
      const big = values as BigInt64Array;
      const out = new Float32Array(big.length);
      for (let i = 0; i < big.length; i++) out[i] = Number(big[i]);
      return out;
    }
    default:
      // Float32Array.from rounds each number to nearest even, which is what we want for F64.
      return Float32Array.from(values as Exclude<NativeArray, BigInt64Array>);
  }
}
