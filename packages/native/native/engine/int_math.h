// Per-element arithmetic whose tfjs-cpu semantics every device must reproduce exactly: int32
// floor division, modulo and power (the divisor's sign, no trap on zero, wrap-around) and
// casts between dtypes (truncation toward zero, NaN to 0). Shared by the host's kernels and
// the CUDA device's.
#pragma once

#include <cstdint>

#include "op_codes.h"

#if defined(__CUDACC__) || defined(GFT_SIMT)
#define GFT_HOST_DEVICE __host__ __device__
#else
#define GFT_HOST_DEVICE
#endif

namespace gft {

GFT_HOST_DEVICE inline int32_t floorDivI32(int32_t x, int32_t y) {
  if (y == 0) return x == 0 ? 0 : (x > 0 ? INT32_MAX : INT32_MIN);
  const int32_t q = x / y;
  return (q * y != x && ((x < 0) != (y < 0))) ? q - 1 : q;
}

GFT_HOST_DEVICE inline int32_t modI32(int32_t x, int32_t y) {
  if (y == 0) return 0;
  const int32_t r = x % y;
  return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
}

GFT_HOST_DEVICE inline int32_t powI32(int32_t x, int32_t y) {
  if (y < 0) return x == 1 ? 1 : (x == -1 ? (y % 2 ? -1 : 1) : 0);
  int64_t r = 1, b = x;
  while (y) {
    if (y & 1) r = static_cast<int32_t>(r * b);
    b = static_cast<int32_t>(b * b);
    y >>= 1;
  }
  return static_cast<int32_t>(r);
}

// Element i of x (dtype `from`) written as element i of o (dtype `to`).
GFT_HOST_DEVICE inline void castElement(int from, int to, const void* x, void* o, int64_t i) {
  const double v = from == kF32   ? static_cast<const float*>(x)[i]
                   : from == kI32 ? static_cast<const int32_t*>(x)[i]
                                  : static_cast<const uint8_t*>(x)[i];
  if (to == kF32) {
    static_cast<float*>(o)[i] = static_cast<float>(v);
  } else if (to == kI32) {
    static_cast<int32_t*>(o)[i] = v != v ? 0 : static_cast<int32_t>(v);
  } else {
    static_cast<uint8_t*>(o)[i] = v != 0 ? 1 : 0;
  }
}

}  // namespace gft
