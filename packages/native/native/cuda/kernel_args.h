// Shapes and strides of a kernel's params packed into a struct that CUDA kernels take by
// value (the argument checks every device shares are engine/kernel_checks.h).
#pragma once

#include <cstdint>
#include <string>

#include "../engine/device.h"
#include "../engine/kernel_checks.h"

namespace gft::cuda {

constexpr int kMaxRank = 8;

struct Dims {
  int64_t v[kMaxRank];
};

inline Dims readDims(const KernelArgs& a, int at, int rank) {
  Dims d{};
  for (int i = 0; i < rank; i++) d.v[i] = a.i(at + i);
  return d;
}

inline int readRank(const KernelArgs& a, int at, const char* kernel) {
  const int rank = static_cast<int>(a.i(at));
  if (rank < 1 || rank > kMaxRank) {
    throw EngineError{std::string(kernel) + ": rank " + std::to_string(rank) + " out of range"};
  }
  return rank;
}

}  // namespace gft::cuda
