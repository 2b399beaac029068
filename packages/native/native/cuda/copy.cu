// Data-movement kernels of the CUDA device, same contracts as the host's (host/copy.cc):
//
// strided    buffers [x, out]              params [elemBytes, rank, shape[rank], strides[rank], offset]
// concat     buffers [x0..xk-1, out]       params [elemBytes, outer, inner0..innerk-1]
// pad        buffers [x, out]              params [dtype, rank, inShape[rank], before[rank], value]
//            (after[rank] follows value)
// gather     buffers [x, idx, out]         params [elemBytes, outer, axisDim, inner, numIdx]
// segmentSum buffers [x, ids, out]         params [dtype, rows, inner, numSegments]
// tile       buffers [x, out]              params [elemBytes, rank, inShape[rank], outShape[rank]]
// oneHot     buffers [idx, out]            params [n, depth, on, off, dtype]
// One output element per thread per grid-stride step; only 1- and 4-byte elements exist.
#include <string>
#include <vector>

#include "../engine/registry.h"
#include "cuda_device.h"
#include "kernel_args.h"

namespace gft::cuda {
namespace {

constexpr unsigned kThreads = 256;

template <typename T>
__global__ void stridedKernel(const T* x, T* o, int64_t n, int rank, Dims shape, Dims strides,
                              int64_t offset) {
  GFT_GRID_STRIDE(i, n) {
    int64_t rem = i, src = offset;
    for (int d = rank - 1; d >= 0; d--) {
      src += (rem % shape.v[d]) * strides.v[d];
      rem /= shape.v[d];
    }
    o[i] = x[src];
  }
}

void strided(Device& device, const KernelArgs& a) {
  const int elem = static_cast<int>(a.i(0));
  const int rank = readRank(a, 1, "strided");
  const Dims shape = readDims(a, 2, rank), strides = readDims(a, 2 + rank, rank);
  const int64_t offset = a.i(2 + 2 * rank);
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= shape.v[d];
  if (n == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (elem == 4) {
    launch("strided", stridedKernel<uint32_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint32_t>(0),
           a.ptr<uint32_t>(1), n, rank, shape, strides, offset);
  } else {
    launch("strided", stridedKernel<uint8_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0),
           a.ptr<uint8_t>(1), n, rank, shape, strides, offset);
  }
}

// One part of a concat: x [outer, inner] into columns [start, start + inner) of out [outer, total].
template <typename T>
__global__ void concatPartKernel(const T* x, T* o, int64_t outer, int64_t inner, int64_t total,
                                 int64_t start) {
  GFT_GRID_STRIDE(i, outer * inner) {
    const int64_t r = i / inner, c = i % inner;
    o[r * total + start + c] = x[i];
  }
}

void concat(Device& device, const KernelArgs& a) {
  const int64_t elem = a.i(0), outer = a.i(1);
  const int k = a.numBuffers - 1;
  int64_t total = 0;
  for (int j = 0; j < k; j++) total += a.i(2 + j);
  cudaStream_t s = cudaOf(device).stream();
  int64_t start = 0;
  for (int j = 0; j < k; j++) {
    const int64_t inner = a.i(2 + j), n = outer * inner;
    if (n > 0) {
      if (elem == 4) {
        launch("concat", concatPartKernel<uint32_t>, blocksFor(n), kThreads, 0, s,
               a.ptr<uint32_t>(j), a.ptr<uint32_t>(k), outer, inner, total, start);
      } else {
        launch("concat", concatPartKernel<uint8_t>, blocksFor(n), kThreads, 0, s,
               a.ptr<uint8_t>(j), a.ptr<uint8_t>(k), outer, inner, total, start);
      }
    }
    start += inner;
  }
}

// Every output element: the input element it maps to, or the pad value.
template <typename T>
__global__ void padKernel(const T* x, T* o, int64_t n, int rank, Dims in, Dims before, Dims out,
                          T value) {
  GFT_GRID_STRIDE(i, n) {
    int64_t rem = i, src = 0, stride = 1;
    bool inside = true;
    for (int d = rank - 1; d >= 0; d--) {
      const int64_t c = rem % out.v[d] - before.v[d];
      rem /= out.v[d];
      inside = inside && c >= 0 && c < in.v[d];
      src += c * stride;
      stride *= in.v[d];
    }
    o[i] = inside ? x[src] : value;
  }
}

void pad(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int rank = readRank(a, 1, "pad");
  const Dims in = readDims(a, 2, rank), before = readDims(a, 2 + rank, rank);
  const double value = a.f(2 + 2 * rank);
  Dims out{};
  int64_t n = 1;
  for (int d = 0; d < rank; d++) {
    out.v[d] = in.v[d] + before.v[d] + a.i(3 + 2 * rank + d);
    n *= out.v[d];
  }
  if (n == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (dtype == kF32) {
    launch("pad", padKernel<float>, blocksFor(n), kThreads, 0, s, a.ptr<float>(0), a.ptr<float>(1),
           n, rank, in, before, out, static_cast<float>(value));
  } else if (dtype == kI32) {
    launch("pad", padKernel<int32_t>, blocksFor(n), kThreads, 0, s, a.ptr<int32_t>(0),
           a.ptr<int32_t>(1), n, rank, in, before, out, static_cast<int32_t>(value));
  } else {
    launch("pad", padKernel<uint8_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0),
           a.ptr<uint8_t>(1), n, rank, in, before, out, static_cast<uint8_t>(value != 0));
  }
}

template <typename T>
__global__ void gatherKernel(const T* x, const int32_t* idx, T* o, int64_t n, int64_t axisDim,
                             int64_t inner, int64_t numIdx) {
  GFT_GRID_STRIDE(i, n) {
    const int64_t c = i % inner, r = i / inner;
    const int64_t b = r / numIdx, j = r % numIdx;
    o[i] = x[(b * axisDim + idx[j]) * inner + c];
  }
}

void gather(Device& device, const KernelArgs& a) {
  CudaDevice& cuda = cudaOf(device);
  const int64_t elem = a.i(0), outer = a.i(1), axisDim = a.i(2), inner = a.i(3), numIdx = a.i(4);
  // Indices are checked on the host first, so a bad one is an error naming it rather than a
  // read out of bounds (they are few: token ids or positions).
  std::vector<int32_t> idx(static_cast<size_t>(numIdx));
  cuda.download(a.buffers[1], 0, idx.data(), idx.size() * 4);
  for (int64_t j = 0; j < numIdx; j++) {
    if (idx[j] < 0 || idx[j] >= axisDim) {
      throw EngineError{"GatherV2: index " + std::to_string(idx[j]) + " at position " +
                        std::to_string(j) + " is not in [0, " + std::to_string(axisDim) + ")"};
    }
  }
  const int64_t n = outer * numIdx * inner;
  if (n == 0) return;
  if (elem == 4) {
    launch("gather", gatherKernel<uint32_t>, blocksFor(n), kThreads, 0, cuda.stream(),
           a.ptr<uint32_t>(0), a.ptr<int32_t>(1), a.ptr<uint32_t>(2), n, axisDim, inner, numIdx);
  } else {
    launch("gather", gatherKernel<uint8_t>, blocksFor(n), kThreads, 0, cuda.stream(),
           a.ptr<uint8_t>(0), a.ptr<int32_t>(1), a.ptr<uint8_t>(2), n, axisDim, inner, numIdx);
  }
}

// The output is zeroed, then one thread per column walks the rows in order, adding each into
// its segment's row: each output element has one writer (no atomics), the sum order is the
// host device's (row order), and the work is rows x inner, however many segments there are
// (an embedding gradient has a vocabulary of them).
template <typename T>
__global__ void segmentSumKernel(const T* x, const int32_t* ids, T* o, int64_t rows,
                                 int64_t inner, int64_t segments) {
  GFT_GRID_STRIDE(c, inner) {
    for (int64_t r = 0; r < rows; r++) {
      const int32_t seg = ids[r];
      if (seg >= 0 && seg < segments) o[seg * inner + c] += x[r * inner + c];  // tfjs drops the rest
    }
  }
}

void segmentSum(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int64_t rows = a.i(1), inner = a.i(2), segments = a.i(3), n = segments * inner;
  if (n == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  check(cudaMemsetAsync(a.ptr<void>(2), 0, static_cast<size_t>(n) * 4, s), "segmentSum");
  if (rows == 0) return;
  if (dtype == kF32) {
    launch("segmentSum", segmentSumKernel<float>, blocksFor(inner, 128), 128, 0, s,
           a.ptr<float>(0), a.ptr<int32_t>(1), a.ptr<float>(2), rows, inner, segments);
  } else {
    launch("segmentSum", segmentSumKernel<int32_t>, blocksFor(inner, 128), 128, 0, s,
           a.ptr<int32_t>(0), a.ptr<int32_t>(1), a.ptr<int32_t>(2), rows, inner, segments);
  }
}

template <typename T>
__global__ void tileKernel(const T* x, T* o, int64_t n, int rank, Dims in, Dims out) {
  GFT_GRID_STRIDE(i, n) {
    int64_t rem = i, src = 0, stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
      src += ((rem % out.v[d]) % in.v[d]) * stride;
      rem /= out.v[d];
      stride *= in.v[d];
    }
    o[i] = x[src];
  }
}

void tile(Device& device, const KernelArgs& a) {
  const int elem = static_cast<int>(a.i(0));
  const int rank = readRank(a, 1, "tile");
  const Dims in = readDims(a, 2, rank), out = readDims(a, 2 + rank, rank);
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= out.v[d];
  if (n == 0) return;
  cudaStream_t s = cudaOf(device).stream();
  if (elem == 4) {
    launch("tile", tileKernel<uint32_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint32_t>(0),
           a.ptr<uint32_t>(1), n, rank, in, out);
  } else {
    launch("tile", tileKernel<uint8_t>, blocksFor(n), kThreads, 0, s, a.ptr<uint8_t>(0),
           a.ptr<uint8_t>(1), n, rank, in, out);
  }
}

__global__ void oneHotKernel(const int32_t* idx, void* o, int64_t n, int64_t depth, float on,
                             float off, int dtype) {
  GFT_GRID_STRIDE(i, n * depth) {
    const float v = idx[i / depth] == i % depth ? on : off;
    if (dtype == kF32) {
      static_cast<float*>(o)[i] = v;
    } else {
      static_cast<int32_t*>(o)[i] = static_cast<int32_t>(v);
    }
  }
}

void oneHot(Device& device, const KernelArgs& a) {
  const int64_t n = a.i(0), depth = a.i(1);
  if (n * depth == 0) return;
  launch("oneHot", oneHotKernel, blocksFor(n * depth), kThreads, 0, cudaOf(device).stream(),
         a.ptr<int32_t>(0), a.ptr<void>(1), n, depth, static_cast<float>(a.f(2)),
         static_cast<float>(a.f(3)), static_cast<int>(a.i(4)));
}

}  // namespace

GFT_KERNEL(kDeviceName, "strided", strided);
GFT_KERNEL(kDeviceName, "concat", concat);
GFT_KERNEL(kDeviceName, "pad", pad);
GFT_KERNEL(kDeviceName, "gather", gather);
GFT_KERNEL(kDeviceName, "segmentSum", segmentSum);
GFT_KERNEL(kDeviceName, "tile", tile);
GFT_KERNEL(kDeviceName, "oneHot", oneHot);

}  // namespace gft::cuda
