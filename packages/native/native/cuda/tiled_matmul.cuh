// The CUDA device's own matmul: C [M, N] = A [M, K] . B [K, N] where A and B are read through
// loaders, so one kernel serves dense operands (either transposed, matmul.cu) and stored
// weights decoded as their tiles are staged into shared memory (NF4 codes, bf16 halves:
// stored_weight_matmul.cu). A block computes a 64 x 64 tile of C with 256 threads, each
// holding a 4 x 4 piece in registers; K is walked 16 at a time. Float32 on CUDA cores: it is
// the path when cuBLASLt is absent, and always for stored weights.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "launch.h"

namespace gft::cuda {

constexpr int kMatmulTile = 64;
constexpr int kMatmulDepth = 16;

// loadA(row, k) and loadB(k, col) are called only inside [0, M) x [0, K) and [0, K) x [0, N).
template <typename LoadA, typename LoadB>
__global__ void __launch_bounds__(256)
    tiledMatmulKernel(LoadA loadA, LoadB loadB, float* C, int64_t M, int64_t N, int64_t K) {
  __shared__ float As[kMatmulDepth][kMatmulTile + 4];
  __shared__ float Bs[kMatmulDepth][kMatmulTile + 4];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int64_t row0 = blockIdx.y * int64_t{kMatmulTile}, col0 = blockIdx.x * int64_t{kMatmulTile};
  float acc[4][4] = {};
  for (int64_t k0 = 0; k0 < K; k0 += kMatmulDepth) {
    // 1024 elements per tile, 4 per thread.
    for (int e = threadIdx.x; e < kMatmulTile * kMatmulDepth; e += 256) {
      const int r = e / kMatmulDepth, kk = e % kMatmulDepth;  // A: row-major in k
      const int64_t gr = row0 + r, gk = k0 + kk;
      As[kk][r] = (gr < M && gk < K) ? loadA(gr, gk) : 0.0f;
      const int kb = e / kMatmulTile, c = e % kMatmulTile;  // B: row-major in col
      const int64_t gkb = k0 + kb, gc = col0 + c;
      Bs[kb][c] = (gkb < K && gc < N) ? loadB(gkb, gc) : 0.0f;
    }
    __syncthreads();
    for (int kk = 0; kk < kMatmulDepth; kk++) {
      float a[4], b[4];
      for (int i = 0; i < 4; i++) a[i] = As[kk][ty + 16 * i];
      for (int j = 0; j < 4; j++) b[j] = Bs[kk][tx + 16 * j];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; i++) {
    const int64_t r = row0 + ty + 16 * i;
    if (r >= M) continue;
    for (int j = 0; j < 4; j++) {
      const int64_t c = col0 + tx + 16 * j;
      if (c < N) C[r * N + c] = acc[i][j];
    }
  }
}

template <typename LoadA, typename LoadB>
void tiledMatmul(const char* what, cudaStream_t stream, LoadA loadA, LoadB loadB, float* C,
                 int64_t M, int64_t N, int64_t K) {
  const dim3 grid(static_cast<unsigned>((N + kMatmulTile - 1) / kMatmulTile),
                  static_cast<unsigned>((M + kMatmulTile - 1) / kMatmulTile));
  launch(what, tiledMatmulKernel<LoadA, LoadB>, grid, 256, 0, stream, loadA, loadB, C, M, N, K);
}

// A dense row-major operand, read as [rows, cols] or, transposed, as its [cols, rows] transpose.
struct DenseLoader {
  const float* data;
  int64_t rows, cols;  // of the logical (possibly transposed) operand
  bool transposed;
  __device__ __forceinline__ float operator()(int64_t r, int64_t c) const {
    return transposed ? data[c * rows + r] : data[r * cols + c];
  }
};

}  // namespace gft::cuda
