// matmul of the CUDA device, same contract as the host's (host/matmul.cc):
// buffers [a, b, out] params [transA, transB, M, N, K, batch, aOffsets[batch], bOffsets[batch]]
//   row-major; a is [M, K] (or [K, M] when transA), b is [K, N] (or [N, K]); offsets in elements.
// Through cuBLASLt where it was loaded (float32 compute; TF32 tensor cores with
// GFT_CUDA_TF32=1), else the device's own tiled kernel (tiled_matmul.cuh). cuBLAS is column-major: a
// row-major C = op(A) op(B) is computed as the column-major C^T = op(B)^T op(A)^T, which reads
// the same memory without copies.
#include <cstdlib>
#include <string>

#include "../engine/registry.h"
#include "cuda_device.h"
#include "tiled_matmul.cuh"

namespace gft::cuda {
namespace {

void checkBlas(int status, const char* what) {
  if (status != 0) {
    throw EngineError{std::string("cuda device: matmul: ") + what + " failed (cuBLAS status " +
                      std::to_string(status) + ")"};
  }
}

void ltMatmul(const CublasLt& lt, cudaStream_t stream, bool tf32, const float* A, const float* B,
              float* C, int64_t M, int64_t N, int64_t K, bool ta, bool tb) {
  LtMatmulDesc desc = nullptr;
  LtLayout la = nullptr, lb = nullptr, lc = nullptr;
  LtPreference pref = nullptr;
  auto cleanup = [&] {
    if (pref) lt.prefDestroy(pref);
    if (lc) lt.layoutDestroy(lc);
    if (lb) lt.layoutDestroy(lb);
    if (la) lt.layoutDestroy(la);
    if (desc) lt.descDestroy(desc);
  };
  try {
    checkBlas(lt.descCreate(&desc, tf32 ? kComputeF32FastTf32 : kComputeF32, kCudaR32F),
          "cublasLtMatmulDescCreate");
    // Column-major C^T [N, M] = op(B)^T [N, K] . op(A)^T [K, M].
    int opB = tb ? kOpT : kOpN, opA = ta ? kOpT : kOpN;
    checkBlas(lt.descSet(desc, kDescTransA, &opB, sizeof opB), "set TRANSA");
    checkBlas(lt.descSet(desc, kDescTransB, &opA, sizeof opA), "set TRANSB");
    const uint64_t bRows = tb ? K : N, bCols = tb ? N : K;
    const uint64_t aRows = ta ? M : K, aCols = ta ? K : M;
    checkBlas(lt.layoutCreate(&lb, kCudaR32F, bRows, bCols, static_cast<int64_t>(bRows)), "layout B");
    checkBlas(lt.layoutCreate(&la, kCudaR32F, aRows, aCols, static_cast<int64_t>(aRows)), "layout A");
    checkBlas(lt.layoutCreate(&lc, kCudaR32F, N, M, N), "layout C");
    checkBlas(lt.prefCreate(&pref), "cublasLtMatmulPreferenceCreate");
    uint64_t ws = lt.workspaceBytes;
    checkBlas(lt.prefSet(pref, kPrefMaxWorkspaceBytes, &ws, sizeof ws), "set workspace");
    LtHeuristicResult result{};
    int found = 0;
    checkBlas(lt.heuristic(lt.handle, desc, lb, la, lc, lc, pref, 1, &result, &found),
          "cublasLtMatmulAlgoGetHeuristic");
    if (found == 0) throw EngineError{"cuda device: matmul: cuBLASLt found no algorithm"};
    const float alpha = 1.0f, beta = 0.0f;
    checkBlas(lt.matmul(lt.handle, desc, &alpha, B, lb, A, la, &beta, C, lc, C, lc, &result.algo,
                    lt.workspace, lt.workspaceBytes, stream),
          "cublasLtMatmul");
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

void matmul(Device& device, const KernelArgs& a) {
  CudaDevice& cuda = cudaOf(device);
  const bool ta = a.i(0) != 0, tb = a.i(1) != 0;
  const int64_t M = a.i(2), N = a.i(3), K = a.i(4), batch = a.i(5);
  const float* A = a.ptr<float>(0);
  const float* B = a.ptr<float>(1);
  float* C = a.ptr<float>(2);
  if (M == 0 || N == 0 || batch == 0) return;
  if (K == 0) {
    check(cudaMemsetAsync(C, 0, static_cast<size_t>(batch * M * N) * 4, cuda.stream()),
                       "matmul (K = 0)");
    return;
  }
  for (int64_t i = 0; i < batch; i++) {
    const float* Ai = A + a.i(6 + i);
    const float* Bi = B + a.i(6 + batch + i);
    float* Ci = C + i * M * N;
    if (cuda.blas()) {
      ltMatmul(*cuda.blas(), cuda.stream(), cuda.tf32(), Ai, Bi, Ci, M, N, K, ta, tb);
    } else {
      tiledMatmul("matmul", cuda.stream(), cuda.tf32(), DenseLoader{Ai, M, K, ta},
                  DenseLoader{Bi, K, N, tb}, Ci, M, N, K);
    }
  }
}

}  // namespace

GFT_KERNEL(kDeviceName, "matmul", matmul);

}  // namespace gft::cuda
