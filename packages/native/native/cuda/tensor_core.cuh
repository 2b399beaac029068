// The tensor-core instruction the CUDA device's own TF32 matmul uses, mma.sync m16n8k8 with
// float32 accumulation, and the float32 -> TF32 rounding its operands get. Each lane holds
// pieces of the 16x8 A, 8x8 B and 16x8 C tiles, in the PTX ISA's fragment layout
// (g = lane / 4, t = lane % 4):
//   a[r] = A[g + 8 (r % 2)][t + 4 (r / 2)]    r < 4
//   b[r] = B[t + 4 r][g]                      r < 2
//   c[r] = C[g + 8 (r / 2)][2 t + r % 2]      r < 4
// On the SIMT emulator the instruction is emulated from that layout (the lanes' operands are
// gathered and each lane computes its own four sums), so kernels using it are tested in CI.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace gft::cuda {

// Rounds to the nearest TF32 value (10 mantissa bits), ties away from zero, as cvt.rna does.
__device__ __forceinline__ uint32_t toTf32(float x) {
#ifdef GFT_SIMT
  const uint32_t bits = __float_as_uint(x);
  if ((bits & 0x7f800000u) == 0x7f800000u) return bits;  // inf and NaN stay
  return (bits + 0x1000u) & 0xffffe000u;
#else
  uint32_t out;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(out) : "f"(x));
  return out;
#endif
}

// c += A . B for one 16x8x8 tile, warp-wide (every lane of the warp must call it).
__device__ __forceinline__ void mmaTf32(float c[4], const uint32_t a[4], const uint32_t b[2]) {
#ifdef GFT_SIMT
  struct Operands {
    uint32_t a[4], b[2];
  };
  const Operands mine{{a[0], a[1], a[2], a[3]}, {b[0], b[1]}};
  const auto* lanes = static_cast<const Operands*>(::gft::simt::gatherWarp(&mine, sizeof mine));
  const int lane = ::gft::simt::laneId(), g = lane / 4, t = lane % 4;
  for (int r = 0; r < 4; r++) {
    const int row = g + 8 * (r / 2), col = 2 * t + r % 2;
    float sum = 0;
    for (int k = 0; k < 8; k++) {
      // A[row][k] is lane (row % 8) * 4 + k % 4, register row / 8 + 2 (k / 4); B[k][col] is
      // lane col * 4 + k % 4, register k / 4.
      const float av = __uint_as_float(lanes[(row % 8) * 4 + k % 4].a[row / 8 + 2 * (k / 4)]);
      const float bv = __uint_as_float(lanes[col * 4 + k % 4].b[k / 4]);
      sum += av * bv;
    }
    c[r] += sum;
  }
#else
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

}  // namespace gft::cuda
