// Element-wise kernels of the CUDA device, same contracts as the host's (host/elementwise.cc):
//
// unary   buffers [x, out]        params [op, dtype, n, alpha, beta]
// binary  buffers [a, b, out]     params [op, dtype, rank, shape[rank], aStrides[rank], bStrides[rank]]
// select  buffers [cond, a, b, out] params [dtype, n]
// cast    buffers [x, out]        params [dtypeIn, dtypeOut, n]
// fill    buffers [out]           params [dtype, n, value]
// range   buffers [out]           params [dtype, n, start, step]
// addN    buffers [x0..xk-1, out] params [dtype, n]
// Every kernel is a grid-stride loop, one element per thread per step.
#include <string>
#include <type_traits>

#include "../engine/registry.h"
#include "cuda_device.h"
#include "device_math.cuh"
#include "kernel_args.h"

namespace gft::cuda {
namespace {

constexpr unsigned kThreads = 256;

__global__ void unaryF32Kernel(int op, const float* x, float* o, int64_t n, float alpha,
                               float beta) {
  GFT_GRID_STRIDE(i, n) o[i] = unaryF32(op, x[i], alpha, beta);
}

__global__ void unaryI32Kernel(int op, const int32_t* x, int32_t* o, int64_t n, float alpha,
                               float beta) {
  GFT_GRID_STRIDE(i, n) o[i] = unaryI32(op, x[i], alpha, beta);
}

// isNaN / isInf / isFinite of float32 or int32, logicalNot of bool.
__global__ void predicateKernel(int op, int dtype, const void* xv, uint8_t* o, int64_t n) {
  GFT_GRID_STRIDE(i, n) {
    if (op == kLogicalNot) {
      o[i] = static_cast<const uint8_t*>(xv)[i] ? 0 : 1;
    } else if (dtype == kI32) {
      o[i] = op == kIsFinite ? 1 : 0;  // integers are never NaN or infinite
    } else {
      const float v = static_cast<const float*>(xv)[i];
      o[i] = op == kIsNan ? isnan(v) : (op == kIsInf ? isinf(v) : isfinite(v));
    }
  }
}

bool isPredicate(int op) {
  return op == kIsNan || op == kIsInf || op == kIsFinite || op == kLogicalNot;
}

bool hasF32Form(int op) { return op >= kNeg && op <= kSelu && !isPredicate(op); }

bool hasI32Form(int op) {
  return op == kNeg || op == kAbs || op == kSquare || op == kSign || op == kRelu ||
         op == kFloor || op == kCeil || op == kRound || op == kClip;
}

void unary(Device& device, const KernelArgs& a) {
  const int op = static_cast<int>(a.i(0)), dtype = static_cast<int>(a.i(1));
  const int64_t n = a.i(2);
  const float alpha = static_cast<float>(a.f(3)), beta = static_cast<float>(a.f(4));
  const bool ok = isPredicate(op) ? (op == kLogicalNot) == (dtype == kBool)
                  : dtype == kF32 ? hasF32Form(op)
                  : dtype == kI32 ? hasI32Form(op)
                                  : false;
  if (!ok) {
    throw EngineError{"unary: op " + std::to_string(op) + " has no form for dtype " +
                      std::to_string(dtype)};
  }
  if (n <= 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (isPredicate(op)) {
    launch("unary", predicateKernel, blocksFor(n), kThreads, 0, s, op, dtype, a.ptr<void>(0),
           a.ptr<uint8_t>(1), n);
  } else if (dtype == kF32) {
    launch("unary", unaryF32Kernel, blocksFor(n), kThreads, 0, s, op, a.ptr<float>(0),
           a.ptr<float>(1), n, alpha, beta);
  } else {
    launch("unary", unaryI32Kernel, blocksFor(n), kThreads, 0, s, op, a.ptr<int32_t>(0),
           a.ptr<int32_t>(1), n, alpha, beta);
  }
}

// Offsets into a and b of output element i (row-major over `shape`).
__device__ __forceinline__ void broadcastOffsets(int64_t i, int rank, const Dims& shape,
                                                 const Dims& sa, const Dims& sb, int64_t* oa,
                                                 int64_t* ob) {
  int64_t offA = 0, offB = 0;
  for (int d = rank - 1; d >= 0; d--) {
    const int64_t c = i % shape.v[d];
    i /= shape.v[d];
    offA += c * sa.v[d];
    offB += c * sb.v[d];
  }
  *oa = offA;
  *ob = offB;
}

template <typename T, typename Out>
__global__ void binaryKernel(int op, const T* A, const T* B, Out* O, int64_t n, int rank,
                             Dims shape, Dims sa, Dims sb) {
  GFT_GRID_STRIDE(i, n) {
    int64_t ia, ib;
    broadcastOffsets(i, rank, shape, sa, sb, &ia, &ib);
    if constexpr (sizeof(Out) == 1) {
      O[i] = compare(op, A[ia], B[ib]);
    } else if constexpr (std::is_floating_point<T>::value) {
      O[i] = binaryF32(op, A[ia], B[ib]);
    } else {
      O[i] = binaryI32(op, A[ia], B[ib]);
    }
  }
}

bool isComparison(int op) { return op >= kEqual && op <= kLogicalOr; }

void binary(Device& device, const KernelArgs& a) {
  const int op = static_cast<int>(a.i(0)), dtype = static_cast<int>(a.i(1));
  const int rank = readRank(a, 2, "binary");
  const Dims shape = readDims(a, 3, rank), sa = readDims(a, 3 + rank, rank),
             sb = readDims(a, 3 + 2 * rank, rank);
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= shape.v[d];
  const bool i32Form = (op >= kAdd && op <= kMod && op != kDiv);
  const bool ok = isComparison(op) || (dtype == kF32 && (op <= kMod || op == kAtan2 || op == kDivNoNan)) ||
                  (dtype == kI32 && i32Form);
  if (!ok) {
    throw EngineError{"binary: op " + std::to_string(op) + " has no form for dtype " +
                      std::to_string(dtype)};
  }
  if (n == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  const unsigned grid = blocksFor(n);
  if (isComparison(op)) {
    if (dtype == kF32) {
      launch("binary", binaryKernel<float, uint8_t>, grid, kThreads, 0, s, op, a.ptr<float>(0),
             a.ptr<float>(1), a.ptr<uint8_t>(2), n, rank, shape, sa, sb);
    } else if (dtype == kI32) {
      launch("binary", binaryKernel<int32_t, uint8_t>, grid, kThreads, 0, s, op,
             a.ptr<int32_t>(0), a.ptr<int32_t>(1), a.ptr<uint8_t>(2), n, rank, shape, sa, sb);
    } else {
      launch("binary", binaryKernel<uint8_t, uint8_t>, grid, kThreads, 0, s, op,
             a.ptr<uint8_t>(0), a.ptr<uint8_t>(1), a.ptr<uint8_t>(2), n, rank, shape, sa, sb);
    }
  } else if (dtype == kF32) {
    launch("binary", binaryKernel<float, float>, grid, kThreads, 0, s, op, a.ptr<float>(0),
           a.ptr<float>(1), a.ptr<float>(2), n, rank, shape, sa, sb);
  } else {
    launch("binary", binaryKernel<int32_t, int32_t>, grid, kThreads, 0, s, op, a.ptr<int32_t>(0),
           a.ptr<int32_t>(1), a.ptr<int32_t>(2), n, rank, shape, sa, sb);
  }
}

template <typename T>
__global__ void selectKernel(const uint8_t* c, const T* x, const T* y, T* o, int64_t n) {
  GFT_GRID_STRIDE(i, n) o[i] = c[i] ? x[i] : y[i];
}

void select(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int64_t n = a.i(1);
  if (n <= 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (dtypeBytes(dtype) == 4) {
    launch("select", selectKernel<uint32_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0),
           a.ptr<uint32_t>(1), a.ptr<uint32_t>(2), a.ptr<uint32_t>(3), n);
  } else {
    launch("select", selectKernel<uint8_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0),
           a.ptr<uint8_t>(1), a.ptr<uint8_t>(2), a.ptr<uint8_t>(3), n);
  }
}

__global__ void castKernel(int from, int to, const void* x, void* o, int64_t n) {
  GFT_GRID_STRIDE(i, n) castElement(from, to, x, o, i);
}

void cast(Device& device, const KernelArgs& a) {
  const int64_t n = a.i(2);
  if (n <= 0) return;
  launch("cast", castKernel, blocksFor(n), kThreads, 0, cudaOf(device).stream(),
         static_cast<int>(a.i(0)), static_cast<int>(a.i(1)), a.ptr<void>(0), a.ptr<void>(1), n);
}

template <typename T>
__global__ void fillKernel(T* out, int64_t n, T value) {
  GFT_GRID_STRIDE(i, n) out[i] = value;
}

void fill(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int64_t n = a.i(1);
  const double value = a.f(2);
  if (n <= 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (dtype == kF32) {
    launch("fill", fillKernel<float>, blocksFor(n), kThreads, 0, s, a.ptr<float>(0), n,
           static_cast<float>(value));
  } else if (dtype == kI32) {
    launch("fill", fillKernel<int32_t>, blocksFor(n), kThreads, 0, s, a.ptr<int32_t>(0), n,
           static_cast<int32_t>(value));
  } else {
    launch("fill", fillKernel<uint8_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0), n,
           static_cast<uint8_t>(value != 0));
  }
}

__global__ void rangeKernel(int dtype, void* out, int64_t n, double start, double step) {
  GFT_GRID_STRIDE(i, n) {
    const double v = start + step * static_cast<double>(i);
    if (dtype == kF32) {
      static_cast<float*>(out)[i] = static_cast<float>(v);
    } else {
      static_cast<int32_t*>(out)[i] = static_cast<int32_t>(v);
    }
  }
}

void range(Device& device, const KernelArgs& a) {
  const int64_t n = a.i(1);
  if (n <= 0) return;
  launch("range", rangeKernel, blocksFor(n), kThreads, 0, cudaOf(device).stream(),
         static_cast<int>(a.i(0)), a.ptr<void>(0), n, a.f(2), a.f(3));
}

// out (+)= x, so addN of k inputs is k launches over the same output.
template <typename T>
__global__ void accumulateKernel(const T* x, T* o, int64_t n, bool first) {
  GFT_GRID_STRIDE(i, n) o[i] = first ? x[i] : o[i] + x[i];
}

void addN(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int64_t n = a.i(1);
  const int k = a.numBuffers - 1;
  if (n <= 0 || k < 1) return;
  cudaStream_t s = cudaOf(device).stream();
  for (int j = 0; j < k; j++) {
    if (dtype == kF32) {
      launch("addN", accumulateKernel<float>, blocksFor(n), kThreads, 0, s, a.ptr<float>(j),
             a.ptr<float>(k), n, j == 0);
    } else {
      launch("addN", accumulateKernel<int32_t>, blocksFor(n), kThreads, 0, s, a.ptr<int32_t>(j),
             a.ptr<int32_t>(k), n, j == 0);
    }
  }
}

}  // namespace

GFT_KERNEL(kDeviceName, "unary", unary);
GFT_KERNEL(kDeviceName, "binary", binary);
GFT_KERNEL(kDeviceName, "select", select);
GFT_KERNEL(kDeviceName, "cast", cast);
GFT_KERNEL(kDeviceName, "fill", fill);
GFT_KERNEL(kDeviceName, "range", range);
GFT_KERNEL(kDeviceName, "addN", addN);

}  // namespace gft::cuda
