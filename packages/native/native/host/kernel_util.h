// Shared vocabulary of the host kernels: dtype codes, a vectorisation attribute, and a
// row iterator over collapsed shapes. The TypeScript side (src/kernels/params.ts) encodes the
// same codes; keep the two in step.
#pragma once

#include <cstdint>
#include <cstring>

#include "../engine/device.h"
#include "../engine/kernel_checks.h"
#include "host_device.h"

namespace gft::host {

// Hot loops are compiled for AVX-512, AVX2 and baseline x86-64; the loader picks the best one
// the CPU has (GCC function multi-versioning through ifunc).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GFT_VECTORIZED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GFT_VECTORIZED
#endif

// Elements per parallel chunk below which waking workers costs more than it saves.
constexpr int64_t kGrain = 32768;

// Reads a shape or stride list of `rank` entries starting at params[at].
inline void readDims(const KernelArgs& a, int at, int rank, int64_t* out) {
  for (int d = 0; d < rank; d++) out[d] = a.i(at + d);
}

constexpr int kMaxRank = 8;

// Offset of row `row` (an index over all dims but the last) for a tensor with `strides`.
inline int64_t rowOffset(int64_t row, int rank, const int64_t* shape, const int64_t* strides) {
  int64_t offset = 0;
  for (int d = rank - 2; d >= 0; d--) {
    int64_t idx = row % shape[d];
    row /= shape[d];
    offset += idx * strides[d];
  }
  return offset;
}

}  // namespace gft::host
