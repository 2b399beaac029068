// The params of the RMSNorm and gated-GELU kernels, read and checked the same way on every
// device:
//
// rmsNormForward   buffers [x, w, y]                  params [N, D, eps]
// rmsNormBackward  buffers [x, w, dy, dx, dw]         params [N, D, eps]
//   y = x * rsqrt(mean(x^2) + eps) * (1 + w); x/y/dy/dx [N, D], w/dw [D]
// geluGateForward  buffers [gate, up, y]              params [n]
// geluGateBackward buffers [gate, up, dy, dgate, dup] params [n]
//   y = gelu_tanh(gate) * up, all n elements
#pragma once

#include <cstdint>
#include <string>

#include "kernel_checks.h"

namespace gft {

struct RmsNormParams {
  int64_t N, D;
  float eps;
};

// `buffers` is 3 (forward) or 5 (backward).
inline RmsNormParams readRmsNormParams(const KernelArgs& a, const char* kernel, int buffers) {
  expectCounts(a, buffers, 3, kernel, "[N, D, eps]");
  const RmsNormParams p{a.i(0), a.i(1), static_cast<float>(a.f(2))};
  const std::string sh = "N=" + std::to_string(p.N) + " D=" + std::to_string(p.D);
  expectFloats(a, 0, p.N * p.D, kernel, "x", "[N, D] (" + sh + ")");
  expectFloats(a, 1, p.D, kernel, "w", "[D] (" + sh + ")");
  if (buffers == 3) {
    expectFloats(a, 2, p.N * p.D, kernel, "y", "[N, D] (" + sh + ")");
  } else {
    expectFloats(a, 2, p.N * p.D, kernel, "dy", "[N, D] (" + sh + ")");
    expectFloats(a, 3, p.N * p.D, kernel, "dx", "[N, D] (" + sh + ")");
    expectFloats(a, 4, p.D, kernel, "dw", "[D] (" + sh + ")");
  }
  return p;
}

// Elements of each operand; `buffers` is 3 (forward) or 5 (backward).
inline int64_t readGeluGateParams(const KernelArgs& a, const char* kernel, int buffers) {
  expectCounts(a, buffers, 1, kernel, "[n]");
  const int64_t n = a.i(0);
  static const char* const forward[] = {"gate", "up", "y"};
  static const char* const backward[] = {"gate", "up", "dy", "dgate", "dup"};
  for (int i = 0; i < buffers; i++) {
    expectFloats(a, i, n, kernel, buffers == 3 ? forward[i] : backward[i],
                 "[N, F] (n=" + std::to_string(n) + ")");
  }
  return n;
}

}  // namespace gft
