// Checks every device's kernels make on their arguments before touching memory, so a bad
// call is an EngineError naming the kernel and the operand rather than a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "device.h"
#include "op_codes.h"

namespace gft {

inline size_t dtypeBytes(int dtype) { return dtype == kBool ? 1 : 4; }

// The call has `buffers` buffers and `params` params (`layout` names them for the message).
inline void expectCounts(const KernelArgs& a, int buffers, int params, const char* kernel,
                         const char* layout) {
  if (a.numBuffers != buffers || a.numParams != params) {
    throw EngineError{std::string(kernel) + ": expected " + std::to_string(buffers) +
                      " buffers and params " + layout + ", got " + std::to_string(a.numBuffers) +
                      " buffers and " + std::to_string(a.numParams) + " params"};
  }
}

// Buffer `index` holds exactly `elements` float32 values (`shape` says which, for the message).
inline void expectFloats(const KernelArgs& a, int index, int64_t elements, const char* kernel,
                         const char* operand, const std::string& shape) {
  const size_t want = static_cast<size_t>(elements) * 4;
  if (a.buffers[index]->bytes != want) {
    throw EngineError{std::string(kernel) + ": " + operand + " has " +
                      std::to_string(a.buffers[index]->bytes / 4) + " elements, expected " +
                      shape + " = " + std::to_string(elements)};
  }
}

}  // namespace gft
