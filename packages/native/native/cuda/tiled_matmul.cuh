// The CUDA device's own matmul: C [M, N] = A [M, K] . B [K, N] where A and B are read through
// loaders, so one kernel serves dense operands (either transposed, matmul.cu) and stored
// weights decoded as their tiles are staged into shared memory (NF4 codes, bf16 halves:
// stored_weight_matmul.cu). A block computes a 64 x 64 tile of C; K is walked 16 at a time.
// In float32 (the default), 256 threads each hold a 4 x 4 piece on CUDA cores; with TF32 on
// (GFT_CUDA_TF32=1), four warps each hold a 32 x 32 piece as 2 x 4 tensor-core tiles
// (mma.sync m16n8k8, tensor_core.cuh), operands rounded to TF32 as they are staged. It is the
// path when cuBLASLt is absent, and always for stored weights.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "launch.h"
#include "tensor_core.cuh"

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
__global__ void __launch_bounds__(128)
    tensorCoreMatmulKernel(LoadA loadA, LoadB loadB, float* C, int64_t M, int64_t N, int64_t K) {
  // Padding puts the fragment reads of a warp on 32 different banks.
  __shared__ uint32_t As[kMatmulTile][kMatmulDepth + 4];
  __shared__ uint32_t Bs[kMatmulDepth][kMatmulTile + 8];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int wm = (warp / 2) * 32, wn = (warp % 2) * 32;
  const int64_t row0 = blockIdx.y * int64_t{kMatmulTile}, col0 = blockIdx.x * int64_t{kMatmulTile};
  float acc[2][4][4] = {};
  for (int64_t k0 = 0; k0 < K; k0 += kMatmulDepth) {
    for (int e = threadIdx.x; e < kMatmulTile * kMatmulDepth; e += 128) {
      const int r = e / kMatmulDepth, kk = e % kMatmulDepth;
      const int64_t gr = row0 + r, gk = k0 + kk;
      As[r][kk] = toTf32((gr < M && gk < K) ? loadA(gr, gk) : 0.0f);
      const int kb = e / kMatmulTile, c = e % kMatmulTile;
      const int64_t gkb = k0 + kb, gc = col0 + c;
      Bs[kb][c] = toTf32((gkb < K && gc < N) ? loadB(gkb, gc) : 0.0f);
    }
    __syncthreads();
    for (int ks = 0; ks < kMatmulDepth; ks += 8) {
      uint32_t a[2][4], b[4][2];
      for (int mi = 0; mi < 2; mi++)
        for (int r = 0; r < 4; r++) a[mi][r] = As[wm + mi * 16 + g + 8 * (r % 2)][ks + t + 4 * (r / 2)];
      for (int ni = 0; ni < 4; ni++)
        for (int r = 0; r < 2; r++) b[ni][r] = Bs[ks + t + 4 * r][wn + ni * 8 + g];
      for (int mi = 0; mi < 2; mi++)
        for (int ni = 0; ni < 4; ni++) mmaTf32(acc[mi][ni], a[mi], b[ni]);
    }
    __syncthreads();
  }
  for (int mi = 0; mi < 2; mi++)
    for (int ni = 0; ni < 4; ni++)
      for (int r = 0; r < 4; r++) {
        const int64_t row = row0 + wm + mi * 16 + g + 8 * (r / 2);
        const int64_t col = col0 + wn + ni * 8 + 2 * t + r % 2;
        if (row < M && col < N) C[row * N + col] = acc[mi][ni][r];
      }
}

template <typename LoadA, typename LoadB>
void tiledMatmul(const char* what, cudaStream_t stream, bool tf32, LoadA loadA, LoadB loadB,
                 float* C, int64_t M, int64_t N, int64_t K) {
  const dim3 grid(static_cast<unsigned>((N + kMatmulTile - 1) / kMatmulTile),
                  static_cast<unsigned>((M + kMatmulTile - 1) / kMatmulTile));
  if (tf32) {
    launch(what, tensorCoreMatmulKernel<LoadA, LoadB>, grid, 128, 0, stream, loadA, loadB, C, M,
           N, K);
  } else {
    launch(what, tiledMatmulKernel<LoadA, LoadB>, grid, 256, 0, stream, loadA, loadB, C, M, N, K);
  }
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
