// Matrix products of the host device through OpenBLAS sgemm: all four transpose forms and
// batches (with broadcast batch offsets) without copying an operand.
//
// matmul buffers [a, b, out] params [transA, transB, M, N, K, batch, aOffsets[batch], bOffsets[batch]]
//   a is [M, K] (or [K, M] when transA), b is [K, N] (or [N, K]); offsets are in elements.
#include <cblas.h>

#include "../engine/registry.h"
#include "kernel_util.h"

namespace gft::host {
namespace {

void matmulKernel(Device&, const KernelArgs& a) {
  bool ta = a.i(0) != 0, tb = a.i(1) != 0;
  int64_t M = a.i(2), N = a.i(3), K = a.i(4), batch = a.i(5);
  const float* A = a.ptr<float>(0);
  const float* B = a.ptr<float>(1);
  float* C = a.ptr<float>(2);
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::memset(C, 0, static_cast<size_t>(batch * M * N) * 4);
    return;
  }
  int64_t lda = ta ? M : K, ldb = tb ? K : N;
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(M), static_cast<blasint>(N), static_cast<blasint>(K), 1.0f,
                A + a.i(6 + i), static_cast<blasint>(lda), B + a.i(6 + batch + i),
                static_cast<blasint>(ldb), 0.0f, C + i * M * N, static_cast<blasint>(N));
  }
}

}  // namespace

GFT_KERNEL(kDeviceName, "matmul", matmulKernel);

}  // namespace gft::host
