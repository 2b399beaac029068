// Helpers shared by the host device's fused kernels (attention.cc, nf4.cc, norm.cc): a guard
// that keeps OpenBLAS single-threaded while the pool's workers each call sgemm on their own
// block, a row-major sgemm shorthand, dynamic task scheduling, and lane-split reductions the
// compiler vectorises without -ffast-math.
// Not here: any kernel's arithmetic.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "../engine/kernel_checks.h"
#include "kernel_util.h"

namespace gft::host {

// OpenBLAS (pthreads build) would hand a large enough call from a pool worker to its own
// threads, and concurrent callers then queue on its one thread server. Fused kernels
// parallelise over blocks themselves, so each sgemm must run on the calling thread.
class SerialBlas {
 public:
  SerialBlas() : saved_(openblas_get_num_threads()) {
    if (saved_ > 1) openblas_set_num_threads(1);
  }
  ~SerialBlas() {
    if (saved_ > 1) openblas_set_num_threads(saved_);
  }
  SerialBlas(const SerialBlas&) = delete;
  SerialBlas& operator=(const SerialBlas&) = delete;

 private:
  int saved_;
};

// C = alpha * op(A) op(B) + beta * C, row-major.
inline void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(M), static_cast<blasint>(N), static_cast<blasint>(K), alpha, A,
              static_cast<blasint>(lda), B, static_cast<blasint>(ldb), beta, C,
              static_cast<blasint>(ldc));
}

// Runs task(0..n-1), each thread pulling the next index as it finishes one: tasks of very
// different sizes (sequences of different lengths) balance without a static split. Callers
// order tasks largest first.
inline void dynamicFor(ThreadPool& pool, int64_t n, const std::function<void(int64_t)>& task) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0};
  int64_t workers = std::min<int64_t>(n, pool.size());
  pool.parallelFor(workers, 1, [&](int64_t begin, int64_t end) {
    for (int64_t w = begin; w < end; w++) {
      for (int64_t t = next.fetch_add(1); t < n; t = next.fetch_add(1)) task(t);
    }
  });
}

// Per-thread scratch that grows to the largest request and is kept for the next call.
inline float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Row reductions over 16 lanes of a GCC vector type: the compiler keeps a single float
// accumulator scalar unless -ffast-math lets it reassociate, and these run once per score row.
// (Each clone of GFT_VECTORIZED lowers the 16 lanes to its widest registers.)
typedef float Lanes16 __attribute__((vector_size(64)));

GFT_VECTORIZED static float laneMax(const float* x, int64_t n) {
  const float lowest = -std::numeric_limits<float>::infinity();
  Lanes16 acc;
  for (int k = 0; k < 16; k++) acc[k] = lowest;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 v;
    std::memcpy(&v, x + i, 64);
    acc = v > acc ? v : acc;
  }
  float m = lowest;
  for (; i < n; i++) m = x[i] > m ? x[i] : m;
  for (int k = 0; k < 16; k++) m = acc[k] > m ? acc[k] : m;
  return m;
}

GFT_VECTORIZED static float laneSum(const float* x, int64_t n) {
  Lanes16 acc = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 v;
    std::memcpy(&v, x + i, 64);
    acc += v;
  }
  float s = 0;
  for (; i < n; i++) s += x[i];
  for (int k = 0; k < 16; k++) s += acc[k];
  return s;
}

GFT_VECTORIZED static float laneDot(const float* x, const float* y, int64_t n) {
  Lanes16 acc = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 a, b;
    std::memcpy(&a, x + i, 64);
    std::memcpy(&b, y + i, 64);
    acc += a * b;
  }
  float s = 0;
  for (; i < n; i++) s += x[i] * y[i];
  for (int k = 0; k < 16; k++) s += acc[k];
  return s;
}

}  // namespace gft::host
