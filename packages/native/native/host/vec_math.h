// Branch-free float32 exp / log / tanh / sigmoid that the compiler can vectorise (libm calls
// stop the vectoriser). Cephes-style range reduction and minimax polynomials, within a few
// ulp of libm over the normal range; inf and NaN come out as libm gives them. Results below
// the smallest normal float (exp(x) for x < -87.3) flush to zero.
#pragma once

#include <cstdint>
#include <cstring>

namespace gft::host {

inline float bitsToFloat(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
inline uint32_t floatToBits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

inline float fastExp(float x) {
  const float hi = 88.72283f, lo = -87.33654f;
  float cx = x > hi ? hi : (x < lo ? lo : x);
  // 1.5 * 2^23: adding it rounds to an integer in the low mantissa bits.
  float t = cx * 1.44269504088896341f + 12582912.0f;
  float n = t - 12582912.0f;
  float r = cx - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  int32_t e = static_cast<int32_t>(n);
  // 2^n in two factors so n = 128 (x at the top of the range) does not overflow the exponent.
  int32_t e1 = e >> 1;
  float s1 = bitsToFloat(static_cast<uint32_t>(e1 + 127) << 23);
  float s2 = bitsToFloat(static_cast<uint32_t>(e - e1 + 127) << 23);
  float y = p * s1 * s2;
  y = x > hi ? __builtin_inff() : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

inline float fastLog(float x) {
  uint32_t bits = floatToBits(x);
  int32_t e = static_cast<int32_t>((bits >> 23) & 0xff) - 127;
  float m = bitsToFloat((bits & 0x7fffffu) | 0x3f800000u);  // [1, 2)
  bool big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e = big ? e + 1 : e;
  float f = m - 1.0f;
  float z = f * f;
  float p = 7.0376836292E-2f;
  p = p * f - 1.1514610310E-1f;
  p = p * f + 1.1676998740E-1f;
  p = p * f - 1.2420140846E-1f;
  p = p * f + 1.4249322787E-1f;
  p = p * f - 1.6668057665E-1f;
  p = p * f + 2.0000714765E-1f;
  p = p * f - 2.4999993993E-1f;
  p = p * f + 3.3333331174E-1f;
  float fe = static_cast<float>(e);
  float y = f * z * p;
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  y = f + y;
  y = y + fe * 0.693359375f;
  // Subnormal inputs: scale into the normal range first (rare; keeps the identity exact).
  y = x == __builtin_inff() ? x : y;
  y = x == 0.0f ? -__builtin_inff() : y;
  y = x < 0.0f ? __builtin_nanf("") : y;
  return x != x ? x : y;
}

inline float fastTanh(float x) {
  float ax = x < 0 ? -x : x;
  // Small |x|: odd polynomial keeps full relative precision near 0.
  float z = x * x;
  float small = -5.70498872745E-3f;
  small = small * z + 2.06390887954E-2f;
  small = small * z - 5.37397155531E-2f;
  small = small * z + 1.33314422036E-1f;
  small = small * z - 3.33332819422E-1f;
  small = small * z * x + x;
  float e = fastExp(2.0f * (ax > 9.0f ? 9.0f : ax));
  float large = 1.0f - 2.0f / (e + 1.0f);
  large = x < 0 ? -large : large;
  float y = ax < 0.625f ? small : large;
  return x != x ? x : y;
}

inline float fastSigmoid(float x) { return 1.0f / (1.0f + fastExp(-x)); }

// tanh-approximated GELU, as Gemma's MLP uses it.
inline float geluTanh(float x) {
  return 0.5f * x * (1.0f + fastTanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

}  // namespace gft::host
