/**
 * Numeric codes the native kernels understand. They mirror the enums in
 * `native/host/*.cc` (and every future device's kernels): keep both in step.
 */
import { GftError, type tf } from '@gft/core';

type DataType = tf.DataType;

export const DTYPE = { float32: 0, int32: 1, bool: 2 } as const;

export function dtypeCode(dtype: DataType, where: string): number {
  const code = (DTYPE as Record<string, number>)[dtype];
  if (code === undefined) {
    throw new GftError(
      'KERNEL_UNKNOWN',
      `${where}: dtype '${dtype}' is not supported by the native engine (float32, int32, bool)`,
      { where },
    );
  }
  return code;
}

export function bytesPerElement(dtype: DataType): number {
  return dtype === 'bool' ? 1 : 4;
}

export const UNARY = {
  Neg: 0,
  Abs: 1,
  Exp: 2,
  Log: 3,
  Sqrt: 4,
  Rsqrt: 5,
  Square: 6,
  Sigmoid: 7,
  Tanh: 8,
  Relu: 9,
  Sign: 10,
  Floor: 11,
  Ceil: 12,
  Round: 13,
  Reciprocal: 14,
  Log1p: 15,
  Expm1: 16,
  Sin: 17,
  Cos: 18,
  Softplus: 19,
  Elu: 20,
  Relu6: 21,
  LeakyRelu: 22,
  ClipByValue: 23,
  Step: 24,
  IsNan: 25,
  IsInf: 26,
  IsFinite: 27,
  LogicalNot: 28,
  Erf: 29,
  GeluTanh: 30,
  Selu: 31,
} as const;

export const BINARY = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  Pow: 6,
  SquaredDifference: 7,
  FloorDiv: 8,
  Mod: 9,
  Equal: 10,
  NotEqual: 11,
  Less: 12,
  LessEqual: 13,
  Greater: 14,
  GreaterEqual: 15,
  LogicalAnd: 16,
  LogicalOr: 17,
  Atan2: 18,
  DivNoNan: 19,
} as const;

export const REDUCE = {
  Sum: 0,
  Mean: 1,
  Max: 2,
  Min: 3,
  Prod: 4,
  Any: 5,
  All: 6,
  ArgMax: 7,
  ArgMin: 8,
} as const;
