// Reductions of the CUDA device over a [outer, R, inner] view, same contracts as the host's
// (host/reduce.cc): sums and products accumulate in double, max/min propagate NaN, argmax /
// argmin keep the first extreme index.
//
// reduce  buffers [x, out]  params [op, dtype, outer, R, inner]
// softmax buffers [x, out]  params [rows, cols]
// A block per output reduces rows (inner = 1) for the sum, mean, max, min, product, any and
// all; every other case is one thread per output walking R (adjacent threads read adjacent
// columns).
#include <cmath>
#include <string>

#include "../engine/registry.h"
#include "block_reduce.cuh"
#include "cuda_device.h"
#include "kernel_args.h"

namespace gft::cuda {
namespace {

constexpr unsigned kRowThreads = 256;

__device__ __forceinline__ double identityOf(int op) {
  switch (op) {
    case kMaxOf: return -INFINITY;
    case kMinOf: return INFINITY;
    case kProd: case kAll: return 1;
    default: return 0;
  }
}

// Folds b into a; NaN wins max and min, as on the host.
__device__ __forceinline__ double combineOp(int op, double a, double b) {
  switch (op) {
    case kMaxOf: return a != a || b != b ? NAN : (b > a ? b : a);
    case kMinOf: return a != a || b != b ? NAN : (b < a ? b : a);
    case kProd: return a * b;
    case kAny: return (a != 0 || b != 0) ? 1 : 0;
    case kAll: return (a != 0 && b != 0) ? 1 : 0;
    default: return a + b;
  }
}

__device__ __forceinline__ void store(int outDtype, void* out, int64_t i, double v) {
  if (outDtype == kF32) {
    static_cast<float*>(out)[i] = static_cast<float>(v);
  } else if (outDtype == kI32) {
    static_cast<int32_t*>(out)[i] = static_cast<int32_t>(v);  // integer means truncate
  } else {
    static_cast<uint8_t*>(out)[i] = v != 0 ? 1 : 0;
  }
}

template <typename T>
__global__ void reduceRowsKernel(int op, int outDtype, const T* x, void* out, int64_t R) {
  const T* row = x + blockIdx.x * R;
  double acc = identityOf(op);
  for (int64_t i = threadIdx.x; i < R; i += blockDim.x) {
    acc = combineOp(op, acc, static_cast<double>(row[i]));
  }
  acc = blockReduce(acc, identityOf(op), [op](double a, double b) { return combineOp(op, a, b); });
  if (threadIdx.x == 0) {
    store(outDtype, out, blockIdx.x, op == kMean ? acc / static_cast<double>(R) : acc);
  }
}

template <typename T>
__global__ void reduceColumnsKernel(int op, int outDtype, const T* x, void* out, int64_t outer,
                                    int64_t R, int64_t inner) {
  GFT_GRID_STRIDE(o, outer * inner) {
    const T* col = x + (o / inner) * R * inner + o % inner;
    double v;
    if (op == kArgMax || op == kArgMin) {
      int64_t best = 0;
      double bv = R > 0 ? static_cast<double>(col[0]) : 0;
      for (int64_t i = 1; i < R; i++) {
        const double c = static_cast<double>(col[i * inner]);
        if (op == kArgMax ? c > bv : c < bv) {
          bv = c;
          best = i;
        }
      }
      v = static_cast<double>(best);
    } else {
      v = identityOf(op);
      for (int64_t i = 0; i < R; i++) v = combineOp(op, v, static_cast<double>(col[i * inner]));
      if (op == kMean) v /= static_cast<double>(R);
    }
    store(outDtype, out, o, v);
  }
}

template <typename T>
void reduceAs(cudaStream_t s, int op, int outDtype, const void* x, void* out, int64_t outer,
              int64_t R, int64_t inner) {
  const T* xs = static_cast<const T*>(x);
  if (inner == 1 && op != kArgMax && op != kArgMin && R >= 64 && outer <= 2147483647) {
    launch("reduce", reduceRowsKernel<T>, dim3(static_cast<unsigned>(outer)), kRowThreads, 0, s,
           op, outDtype, xs, out, R);
  } else {
    launch("reduce", reduceColumnsKernel<T>, blocksFor(outer * inner), 256, 0, s, op, outDtype,
           xs, out, outer, R, inner);
  }
}

void reduce(Device& device, const KernelArgs& a) {
  const int op = static_cast<int>(a.i(0)), dtype = static_cast<int>(a.i(1));
  const int64_t outer = a.i(2), R = a.i(3), inner = a.i(4);
  if (op < kSum || op > kArgMin) throw EngineError{"reduce: unknown op " + std::to_string(op)};
  const int outDtype = (op == kArgMax || op == kArgMin) ? kI32
                       : (op == kAny || op == kAll)     ? kBool
                                                        : dtype;
  if (outer * inner == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (dtype == kF32) {
    reduceAs<float>(s, op, outDtype, a.ptr<void>(0), a.ptr<void>(1), outer, R, inner);
  } else if (dtype == kI32) {
    reduceAs<int32_t>(s, op, outDtype, a.ptr<void>(0), a.ptr<void>(1), outer, R, inner);
  } else {
    reduceAs<uint8_t>(s, op, outDtype, a.ptr<void>(0), a.ptr<void>(1), outer, R, inner);
  }
}

__global__ void softmaxKernel(const float* x, float* o, int64_t cols) {
  const float* row = x + blockIdx.x * cols;
  float* out = o + blockIdx.x * cols;
  float m = -INFINITY;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) m = fmaxf(m, row[i]);
  m = blockReduce(m, -INFINITY, [](float a, float b) { return fmaxf(a, b); });
  float sum = 0;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
    const float e = expf(row[i] - m);
    out[i] = e;
    sum += e;
  }
  sum = blockReduce(sum, 0.0f, [](float a, float b) { return a + b; });
  const float inv = 1.0f / sum;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) out[i] *= inv;
}

void softmax(Device& device, const KernelArgs& a) {
  const int64_t rows = a.i(0), cols = a.i(1);
  if (rows * cols == 0) return;
  const unsigned threads = cols >= 256 ? 256 : (cols >= 64 ? 64 : 32);
  launch("softmax", softmaxKernel, dim3(static_cast<unsigned>(rows)), threads, 0,
         cudaOf(device).stream(), a.ptr<float>(0), a.ptr<float>(1), cols);
}

}  // namespace

GFT_KERNEL(kDeviceName, "reduce", reduce);
GFT_KERNEL(kDeviceName, "softmax", softmax);

}  // namespace gft::cuda
