/**
 * Finds NaN and infinities in float tensors. Loaders of model weights reject them: one NaN
 * weight turns every prediction into NaN without any error. Not part of reading itself,
 * because outputs and masks may legitimately hold infinities.
 */
import type { SafetensorsDtype } from './dtype.js';
import { badCheckpoint } from './safetensors-error.js';
import type { TensorInfo } from './tensor-reader.js';

/** Exponent bits all set means Inf or NaN; the masks differ per half-float format. */
const HALF_EXPONENT: Partial<Record<SafetensorsDtype, number>> = { F16: 0x7c00, BF16: 0x7f80 };

/**
 * Index of the first NaN or infinity, or -1. `values` is float32/float64 values, or the raw
 * bit patterns of an F16/BF16 tensor (a Uint16Array, as `TensorReader.read` returns them);
 * other arrays hold no floats and are finite.
 */
export function firstNonFinite(values: ArrayBufferView, dtype: SafetensorsDtype): number {
  if (values instanceof Float32Array || values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) {
      // x - x is 0 for every finite x and NaN for NaN and both infinities.
      if (values[i] - values[i] !== 0) return i;
    }
    return -1;
  }
  const exponent = HALF_EXPONENT[dtype];
  if (exponent !== undefined && values instanceof Uint16Array) {
    for (let i = 0; i < values.length; i++) if ((values[i] & exponent) === exponent) return i;
  }
  return -1;
}

function describeValue(values: ArrayBufferView, dtype: SafetensorsDtype, i: number): string {
  if (values instanceof Float32Array || values instanceof Float64Array) return String(values[i]);
  const bits = (values as Uint16Array)[i];
  const mantissa = bits & (dtype === 'F16' ? 0x3ff : 0x7f);
  if (mantissa !== 0) return 'NaN';
  return bits & 0x8000 ? '-Infinity' : 'Infinity';
}

/** Throws BAD_CHECKPOINT naming the file, tensor and first bad element if `values` is not finite. */
export function requireFinite(
  values: ArrayBufferView,
  info: Pick<TensorInfo, 'name' | 'dtype' | 'file'>,
): void {
  const i = firstNonFinite(values, info.dtype);
  if (i < 0) return;
  const length = (values as unknown as ArrayLike<number>).length;
  throw badCheckpoint(
    info.file,
    `element ${i} (of ${length}) is ${describeValue(values, info.dtype, i)}; weights must be finite (corrupt file, or saved from a diverged run)`,
    info.name,
  );
}
