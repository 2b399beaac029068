// Reading kernel params on the CUDA device's host side: shapes and strides packed into a
// struct that kernels take by value, and the checks that turn a bad call into an EngineError
// before anything is launched.
#pragma once

#include <cstdint>
#include <string>

#include "../engine/device.h"
#include "../engine/op_codes.h"

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

inline size_t dtypeBytes(int dtype) { return dtype == kBool ? 1 : 4; }

// Bytes a float32 tensor of `elements` must have; throws naming the kernel and the operand.
inline void expectFloats(const KernelArgs& a, int index, int64_t elements, const char* kernel,
                         const char* operand, const std::string& shape) {
  const size_t want = static_cast<size_t>(elements) * 4;
  if (a.buffers[index]->bytes != want) {
    throw EngineError{std::string(kernel) + ": " + operand + " has " +
                      std::to_string(a.buffers[index]->bytes / 4) + " elements, expected " +
                      shape + " = " + std::to_string(elements)};
  }
}

inline void expectCounts(const KernelArgs& a, int buffers, int params, const char* kernel,
                         const char* layout) {
  if (a.numBuffers != buffers || a.numParams != params) {
    throw EngineError{std::string(kernel) + ": expected " + std::to_string(buffers) +
                      " buffers and params " + layout + ", got " + std::to_string(a.numBuffers) +
                      " buffers and " + std::to_string(a.numParams) + " params"};
  }
}

}  // namespace gft::cuda
