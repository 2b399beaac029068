// cuBLASLt, loaded at run time: the toolkit's headers and libraries are not on every machine
// that builds gft (they are not here), and a user's GPU machine may have them only inside
// PyTorch's `nvidia-cublas` wheel. The TypeScript side finds the library (CUDA toolkit
// folders, LD_LIBRARY_PATH, the wheel) and names it in GFT_CUBLASLT; this opens it and takes
// the handful of entry points gft uses. The types and enum values below are cuBLASLt's
// documented ABI (cublasLt.h, CUDA 12 and 13).
// Not here: how a matmul uses it (matmul.cu).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace gft::cuda {

using cublasStatus = int;
using LtHandle = void*;
using LtMatmulDesc = void*;
using LtLayout = void*;
using LtPreference = void*;

struct LtAlgo {
  uint64_t data[8];
};

struct LtHeuristicResult {
  LtAlgo algo;
  size_t workspaceSize;
  cublasStatus state;
  float wavesCount;
  int reserved[4];
};

// Enum values of cublasLt.h that gft passes.
enum : int {
  kCudaR32F = 0,
  kCudaR16BF = 14,
  kComputeF32 = 68,
  kComputeF32FastTf32 = 77,
  kOpN = 0,
  kOpT = 1,
  kDescTransA = 3,
  kDescTransB = 4,
  kLayoutOrder = 1,
  kLayoutBatchCount = 5,
  kLayoutStridedBatchOffset = 6,
  kOrderRow = 1,
  kPrefMaxWorkspaceBytes = 1,
};

struct CublasLt {
  std::string path;
  void* library = nullptr;
  LtHandle handle = nullptr;
  // Bytes of device workspace matmuls may use (allocated once).
  void* workspace = nullptr;
  size_t workspaceBytes = 0;

  cublasStatus (*create)(LtHandle*) = nullptr;
  cublasStatus (*destroy)(LtHandle) = nullptr;
  cublasStatus (*descCreate)(LtMatmulDesc*, int computeType, int scaleType) = nullptr;
  cublasStatus (*descDestroy)(LtMatmulDesc) = nullptr;
  cublasStatus (*descSet)(LtMatmulDesc, int attr, const void* value, size_t size) = nullptr;
  cublasStatus (*layoutCreate)(LtLayout*, int type, uint64_t rows, uint64_t cols,
                               int64_t ld) = nullptr;
  cublasStatus (*layoutDestroy)(LtLayout) = nullptr;
  cublasStatus (*layoutSet)(LtLayout, int attr, const void* value, size_t size) = nullptr;
  cublasStatus (*prefCreate)(LtPreference*) = nullptr;
  cublasStatus (*prefDestroy)(LtPreference) = nullptr;
  cublasStatus (*prefSet)(LtPreference, int attr, const void* value, size_t size) = nullptr;
  cublasStatus (*heuristic)(LtHandle, LtMatmulDesc, LtLayout a, LtLayout b, LtLayout c,
                            LtLayout d, LtPreference, int requested, LtHeuristicResult* results,
                            int* returned) = nullptr;
  cublasStatus (*matmul)(LtHandle, LtMatmulDesc, const void* alpha, const void* a, LtLayout,
                         const void* b, LtLayout, const void* beta, const void* c, LtLayout,
                         void* d, LtLayout, const LtAlgo* algo, void* workspace,
                         size_t workspaceBytes, cudaStream_t stream) = nullptr;

  ~CublasLt();
};

// Opens cuBLASLt at `path` and creates a handle; on failure returns nullptr and sets `why`.
CublasLt* loadCublasLt(const std::string& path, std::string& why);

}  // namespace gft::cuda
