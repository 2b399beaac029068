// The params of the matmuls against a frozen weight W [out, in] kept compressed (y = x . W^T
// and its input gradient dx = dy . W), read and checked the same way on every device:
//
// nf4MatMul      buffers [x, packed, absmax, y]   params [N, in, out, blockSize, codesPerElement]
// nf4MatMulGradX buffers [dy, packed, absmax, dx] params [N, in, out, blockSize, codesPerElement]
//   x/dx [N, in], y/dy [N, out], absmax [ceil(out*in / blockSize)]. packed is int32 holding
//   either one byte per element (codesPerElement 2, [ceil(out*in / 2)]) or four bytes per
//   element, little-endian (codesPerElement 8, [ceil(out*in / 8)]); two NF4 codes per byte,
//   high nibble first.
// bf16MatMul      buffers [x, packed, y]   params [N, in, out]
// bf16MatMulGradX buffers [dy, packed, dx] params [N, in, out]
//   packed is int32 [ceil(out*in / 2)] holding two bf16 values each, element 2k in the low
//   half (the little-endian byte order of a safetensors BF16 tensor).
#pragma once

#include <cstdint>
#include <string>

#include "kernel_checks.h"

namespace gft {

struct Nf4Params {
  int64_t N, in, out, blockSize, perElement;
};

struct Bf16Params {
  int64_t N, in, out;
};

namespace detail {

inline std::string weightShape(int64_t N, int64_t in, int64_t out) {
  return "N=" + std::to_string(N) + " in=" + std::to_string(in) + " out=" + std::to_string(out);
}

// x (or dy) at buffer 0 and y (or dx) at `outIndex`.
inline void expectActivations(const KernelArgs& a, const char* kernel, bool forward,
                              int outIndex, int64_t N, int64_t in, int64_t out,
                              const std::string& sh) {
  expectFloats(a, 0, N * (forward ? in : out), kernel, forward ? "x" : "dy",
               forward ? "[N, in] (" + sh + ")" : "[N, out] (" + sh + ")");
  expectFloats(a, outIndex, N * (forward ? out : in), kernel, forward ? "y" : "dx",
               forward ? "[N, out] (" + sh + ")" : "[N, in] (" + sh + ")");
}

inline void expectPacked(const KernelArgs& a, const char* kernel, int64_t elements,
                         int64_t perUnit, const std::string& what) {
  const size_t bytes = static_cast<size_t>((elements + perUnit - 1) / perUnit) * 4;
  if (a.buffers[1]->bytes != bytes) {
    throw EngineError{std::string(kernel) + ": packed has " +
                      std::to_string(a.buffers[1]->bytes / 4) + " int32 elements, expected " +
                      std::to_string(bytes / 4) + " for " + what};
  }
}

}  // namespace detail

inline Nf4Params readNf4Params(const KernelArgs& a, const char* kernel, bool forward) {
  expectCounts(a, 4, 5, kernel, "[N, in, out, blockSize, codesPerElement]");
  const Nf4Params p{a.i(0), a.i(1), a.i(2), a.i(3), a.i(4)};
  const std::string sh =
      detail::weightShape(p.N, p.in, p.out) + " blockSize=" + std::to_string(p.blockSize);
  if (p.N < 0 || p.in < 0 || p.out < 0 || p.blockSize <= 0 ||
      (p.perElement != 2 && p.perElement != 8)) {
    throw EngineError{std::string(kernel) + ": bad shape " + sh + " codesPerElement=" +
                      std::to_string(p.perElement) + " (2 or 8)"};
  }
  detail::expectActivations(a, kernel, forward, 3, p.N, p.in, p.out, sh);
  detail::expectPacked(a, kernel, p.in * p.out, p.perElement,
                       sh + " codesPerElement=" + std::to_string(p.perElement));
  expectFloats(a, 2, (p.in * p.out + p.blockSize - 1) / p.blockSize, kernel, "absmax",
               "[ceil(out*in / blockSize)] (" + sh + ")");
  return p;
}

inline Bf16Params readBf16Params(const KernelArgs& a, const char* kernel, bool forward) {
  expectCounts(a, 3, 3, kernel, "[N, in, out]");
  const Bf16Params p{a.i(0), a.i(1), a.i(2)};
  const std::string sh = detail::weightShape(p.N, p.in, p.out);
  if (p.N < 0 || p.in < 0 || p.out < 0) throw EngineError{std::string(kernel) + ": bad shape " + sh};
  detail::expectActivations(a, kernel, forward, 2, p.N, p.in, p.out, sh);
  detail::expectPacked(a, kernel, p.in * p.out, 2, "ceil(out*in / 2) (" + sh + ")");
  return p;
}

}  // namespace gft
