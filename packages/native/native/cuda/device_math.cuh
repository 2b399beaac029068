// Per-element math of the CUDA device's kernels: the unary and binary ops by code (op_codes.h),
// with the semantics tfjs-cpu has (NaN propagation in max/min, Python-style mod, round half to
// even, int32 wrap-around), and the tanh-GELU Gemma uses. The op code is the same for every
// thread of a launch, so the switch never diverges within a warp.
// Not here: which op/dtype pairs exist (elementwise.cu checks them before launching).
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../engine/int_math.h"
#include "../engine/op_codes.h"

namespace gft::cuda {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;

__device__ __forceinline__ float geluTanh(float x) {
  return 0.5f * x * (1.0f + tanhf(kSqrt2OverPi * (x + kGeluCubic * x * x * x)));
}

__device__ __forceinline__ float unaryF32(int op, float x, float alpha, float beta) {
  switch (op) {
    case kNeg: return -x;
    case kAbs: return fabsf(x);
    case kExp: return expf(x);
    case kLog: return logf(x);
    case kSqrt: return sqrtf(x);
    case kRsqrt: return 1.0f / sqrtf(x);
    case kSquare: return x * x;
    case kSigmoid: return 1.0f / (1.0f + expf(-x));
    case kTanh: return tanhf(x);
    case kRelu: return x > 0 ? x : (x != x ? x : 0.0f);
    case kSign: return x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
    case kFloor: return floorf(x);
    case kCeil: return ceilf(x);
    case kRound: return rintf(x);  // half to even, like tfjs
    case kReciprocal: return 1.0f / x;
    case kLog1p: return log1pf(x);
    case kExpm1: return expm1f(x);
    case kSin: return sinf(x);
    case kCos: return cosf(x);
    case kSoftplus: return x > 15.0f ? x : (x < -15.0f ? expf(x) : logf(1.0f + expf(x)));
    case kElu: return x >= 0 ? x : expf(x) - 1.0f;
    case kRelu6: return x < 0 ? 0.0f : (x > 6 ? 6.0f : x);
    case kLeakyRelu: return x < 0 ? alpha * x : x;
    case kClip: return x != x ? x : (x < alpha ? alpha : (x > beta ? beta : x));
    case kStep: return x != x ? x : (x > 0 ? 1.0f : alpha);
    case kErf: return erff(x);
    case kGeluTanh: return geluTanh(x);
    case kSelu: {
      const float a = 1.6732632423543772848170429916717f, s = 1.0507009873554804934193349852946f;
      return x >= 0 ? s * x : s * a * (expf(x) - 1.0f);
    }
    default: return x;
  }
}

__device__ __forceinline__ int32_t unaryI32(int op, int32_t x, float alpha, float beta) {
  switch (op) {
    case kNeg: return -x;
    case kAbs: return x < 0 ? -x : x;
    case kSquare: return x * x;
    case kSign: return x > 0 ? 1 : (x < 0 ? -1 : 0);
    case kRelu: return x > 0 ? x : 0;
    case kClip: {
      const int32_t lo = static_cast<int32_t>(alpha), hi = static_cast<int32_t>(beta);
      return x < lo ? lo : (x > hi ? hi : x);
    }
    default: return x;  // floor, ceil, round
  }
}

__device__ __forceinline__ float binaryF32(int op, float x, float y) {
  switch (op) {
    case kAdd: return x + y;
    case kSub: return x - y;
    case kMul: return x * y;
    case kDiv: return x / y;
    case kMax: return x != x || y != y ? x + y : (x > y ? x : y);
    case kMin: return x != x || y != y ? x + y : (x < y ? x : y);
    case kPow: return powf(x, y);
    case kSquaredDiff: return (x - y) * (x - y);
    case kFloorDiv: return floorf(x / y);
    case kMod: return fmodf(fmodf(x, y) + y, y);  // the divisor's sign, like tfjs
    case kAtan2: return atan2f(x, y);
    case kDivNoNan: return y == 0 ? 0.0f : x / y;
    default: return 0.0f;
  }
}

__device__ __forceinline__ int32_t binaryI32(int op, int32_t x, int32_t y) {
  switch (op) {
    case kAdd: return static_cast<int32_t>(static_cast<uint32_t>(x) + static_cast<uint32_t>(y));
    case kSub: return static_cast<int32_t>(static_cast<uint32_t>(x) - static_cast<uint32_t>(y));
    case kMul: return static_cast<int32_t>(static_cast<int64_t>(x) * y);
    case kMax: return x > y ? x : y;
    case kMin: return x < y ? x : y;
    case kPow: return powI32(x, y);
    case kSquaredDiff: return (x - y) * (x - y);
    case kFloorDiv: return floorDivI32(x, y);
    case kMod: return modI32(x, y);
    default: return 0;
  }
}

template <typename T>
__device__ __forceinline__ uint8_t compare(int op, T x, T y) {
  switch (op) {
    case kEqual: return x == y;
    case kNotEqual: return x != y;
    case kLess: return x < y;
    case kLessEqual: return x <= y;
    case kGreater: return x > y;
    case kGreaterEqual: return x >= y;
    case kLogicalAnd: return x && y;
    case kLogicalOr: return x || y;
    default: return 0;
  }
}

}  // namespace gft::cuda
