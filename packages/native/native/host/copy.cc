// Data-movement kernels of the host device. One strided copy serves Transpose, Slice,
// StridedSlice, BroadcastTo and Reverse (the TypeScript side turns each into output shape +
// input strides + offset); the others gather rows or fill blocks.
//
// strided    buffers [x, out]              params [elemBytes, rank, shape[rank], strides[rank], offset]
// concat     buffers [x0..xk-1, out]       params [elemBytes, outer, inner0..innerk-1]
// pad        buffers [x, out]              params [dtype, rank, inShape[rank], before[rank], value]
// gather     buffers [x, idx, out]         params [elemBytes, outer, axisDim, inner, numIdx]
// segmentSum buffers [x, ids, out]         params [dtype, rows, inner, numSegments]
// tile       buffers [x, out]              params [elemBytes, rank, inShape[rank], outShape[rank]]
// oneHot     buffers [idx, out]            params [n, depth, on, off]
#include <cstring>

#include "../engine/registry.h"
#include "kernel_util.h"

namespace gft::host {
namespace {

template <typename T>
void stridedRows(const T* x, T* o, int rank, const int64_t* shape, const int64_t* strides,
                 int64_t offset, int64_t rowLo, int64_t rowHi) {
  int64_t inner = shape[rank - 1];
  int64_t s = strides[rank - 1];
  for (int64_t row = rowLo; row < rowHi; row++) {
    const T* src = x + offset + rowOffset(row, rank, shape, strides);
    T* dst = o + row * inner;
    if (s == 1) {
      std::memcpy(dst, src, inner * sizeof(T));
    } else if (s == 0) {
      for (int64_t i = 0; i < inner; i++) dst[i] = src[0];
    } else {
      for (int64_t i = 0; i < inner; i++) dst[i] = src[i * s];
    }
  }
}

// Transposes of the last two dims are the common case (matmul gradients): blocked so both
// sides stay in cache.
template <typename T>
bool blockedTranspose(ThreadPool& pool, const T* x, T* o, int rank, const int64_t* shape,
                      const int64_t* strides, int64_t offset) {
  if (rank < 2 || strides[rank - 2] != 1) return false;
  int64_t rowsOut = shape[rank - 2], colsOut = shape[rank - 1];
  int64_t srcRowStride = strides[rank - 1];  // input row length
  if (rowsOut < 16 || colsOut < 16) return false;
  int64_t batches = 1;
  for (int d = 0; d < rank - 2; d++) batches *= shape[d];
  constexpr int64_t B = 32;
  int64_t tilesR = (rowsOut + B - 1) / B;
  pool.parallelFor(batches * tilesR, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; t++) {
      int64_t batch = t / tilesR, r0 = (t % tilesR) * B;
      int64_t boff = 0, rem = batch;
      for (int d = rank - 3; d >= 0; d--) {
        boff += (rem % shape[d]) * strides[d];
        rem /= shape[d];
      }
      const T* src = x + offset + boff;
      T* dst = o + batch * rowsOut * colsOut;
      int64_t r1 = std::min(rowsOut, r0 + B);
      for (int64_t c0 = 0; c0 < colsOut; c0 += B) {
        int64_t c1 = std::min(colsOut, c0 + B);
        for (int64_t r = r0; r < r1; r++) {
          for (int64_t c = c0; c < c1; c++) dst[r * colsOut + c] = src[c * srcRowStride + r];
        }
      }
    }
  });
  return true;
}

void stridedKernel(Device& device, const KernelArgs& a) {
  int elem = static_cast<int>(a.i(0));
  int rank = static_cast<int>(a.i(1));
  if (rank < 1 || rank > kMaxRank) throw EngineError{"strided: rank out of range"};
  int64_t shape[kMaxRank], strides[kMaxRank];
  readDims(a, 2, rank, shape);
  readDims(a, 2 + rank, rank, strides);
  int64_t offset = a.i(2 + 2 * rank);
  int64_t inner = shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  if (rows * inner == 0) return;
  ThreadPool& pool = poolOf(device);
  if (elem == 4 && blockedTranspose(pool, a.ptr<uint32_t>(0), a.ptr<uint32_t>(1), rank, shape,
                                    strides, offset)) {
    return;
  }
  int64_t rowGrain = (kGrain + inner - 1) / inner;
  pool.parallelFor(rows, rowGrain, [&](int64_t lo, int64_t hi) {
    if (elem == 4) {
      stridedRows(a.ptr<uint32_t>(0), a.ptr<uint32_t>(1), rank, shape, strides, offset, lo, hi);
    } else {
      stridedRows(a.ptr<uint8_t>(0), a.ptr<uint8_t>(1), rank, shape, strides, offset, lo, hi);
    }
  });
}

void concatKernel(Device& device, const KernelArgs& a) {
  int64_t elem = a.i(0), outer = a.i(1);
  int k = a.numBuffers - 1;
  std::vector<int64_t> inner(k), start(k);
  int64_t total = 0;
  for (int j = 0; j < k; j++) {
    inner[j] = a.i(2 + j) * elem;
    start[j] = total;
    total += inner[j];
  }
  char* o = a.ptr<char>(k);
  int64_t rowGrain = std::max<int64_t>(1, kGrain * 4 / std::max<int64_t>(1, total));
  poolOf(device).parallelFor(outer, rowGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      for (int j = 0; j < k; j++) {
        if (inner[j] > 0) std::memcpy(o + r * total + start[j], a.ptr<char>(j) + r * inner[j], inner[j]);
      }
    }
  });
}

void padKernel(Device& device, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int rank = static_cast<int>(a.i(1));
  int64_t in[kMaxRank], before[kMaxRank], out[kMaxRank];
  readDims(a, 2, rank, in);
  readDims(a, 2 + rank, rank, before);
  double value = a.f(2 + 2 * rank);
  int64_t outN = 1, inN = 1;
  for (int d = 0; d < rank; d++) {
    out[d] = in[d] + before[d] + a.i(3 + 2 * rank + d);
    outN *= out[d];
    inN *= in[d];
  }
  size_t bytes = dtypeBytes(dtype);
  char* o = a.ptr<char>(1);
  const char* x = a.ptr<char>(0);
  // Fill everything, then copy the input rows into place.
  if (dtype == kF32) {
    float v = static_cast<float>(value);
    for (int64_t i = 0; i < outN; i++) reinterpret_cast<float*>(o)[i] = v;
  } else if (dtype == kI32) {
    int32_t v = static_cast<int32_t>(value);
    for (int64_t i = 0; i < outN; i++) reinterpret_cast<int32_t*>(o)[i] = v;
  } else {
    std::memset(o, value != 0, outN);
  }
  if (inN == 0) return;
  int64_t inner = in[rank - 1];
  int64_t rows = inN / inner;
  int64_t outStrides[kMaxRank];
  outStrides[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1] * out[d + 1];
  int64_t rowGrain = (kGrain + inner - 1) / inner;
  poolOf(device).parallelFor(rows, rowGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t row = lo; row < hi; row++) {
      int64_t rem = row, dst = before[rank - 1];
      for (int d = rank - 2; d >= 0; d--) {
        dst += (rem % in[d] + before[d]) * outStrides[d];
        rem /= in[d];
      }
      std::memcpy(o + dst * bytes, x + row * inner * bytes, inner * bytes);
    }
  });
}

void gatherKernel(Device& device, const KernelArgs& a) {
  int64_t elem = a.i(0), outer = a.i(1), axisDim = a.i(2), inner = a.i(3), numIdx = a.i(4);
  const int32_t* idx = a.ptr<int32_t>(1);
  for (int64_t j = 0; j < numIdx; j++) {
    if (idx[j] < 0 || idx[j] >= axisDim) {
      throw EngineError{"GatherV2: index " + std::to_string(idx[j]) + " at position " +
                        std::to_string(j) + " is not in [0, " + std::to_string(axisDim) + ")"};
    }
  }
  const char* x = a.ptr<char>(0);
  char* o = a.ptr<char>(2);
  int64_t rowBytes = inner * elem;
  int64_t rowGrain = std::max<int64_t>(1, kGrain * 4 / std::max<int64_t>(1, rowBytes));
  poolOf(device).parallelFor(outer * numIdx, rowGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      int64_t b = r / numIdx, j = r % numIdx;
      std::memcpy(o + r * rowBytes, x + (b * axisDim + idx[j]) * rowBytes, rowBytes);
    }
  });
}

// UnsortedSegmentSum: rows of x added into out[ids[row]]. Split over columns so no two threads
// write the same element and the sum order (row order) is the same at any thread count.
void segmentSumKernel(Device& device, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int64_t rows = a.i(1), inner = a.i(2), segments = a.i(3);
  const int32_t* ids = a.ptr<int32_t>(1);
  ThreadPool& pool = poolOf(device);
  pool.parallelFor(segments * inner, kGrain * 4, [&](int64_t lo, int64_t hi) {
    if (dtype == kF32) {
      std::memset(a.ptr<float>(2) + lo, 0, (hi - lo) * 4);
    } else {
      std::memset(a.ptr<int32_t>(2) + lo, 0, (hi - lo) * 4);
    }
  });
  int64_t colGrain = std::max<int64_t>(16, kGrain / std::max<int64_t>(1, rows));
  pool.parallelFor(inner, colGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = 0; r < rows; r++) {
      int32_t s = ids[r];
      if (s < 0 || s >= segments) continue;  // tfjs drops out-of-range ids
      if (dtype == kF32) {
        const float* x = a.ptr<float>(0) + r * inner;
        float* o = a.ptr<float>(2) + s * inner;
        for (int64_t c = lo; c < hi; c++) o[c] += x[c];
      } else {
        const int32_t* x = a.ptr<int32_t>(0) + r * inner;
        int32_t* o = a.ptr<int32_t>(2) + s * inner;
        for (int64_t c = lo; c < hi; c++) o[c] += x[c];
      }
    }
  });
}

void tileKernel(Device& device, const KernelArgs& a) {
  int elem = static_cast<int>(a.i(0));
  int rank = static_cast<int>(a.i(1));
  int64_t in[kMaxRank], out[kMaxRank], inStrides[kMaxRank];
  readDims(a, 2, rank, in);
  readDims(a, 2 + rank, rank, out);
  inStrides[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * in[d + 1];
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= out[d];
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      int64_t rem = i, src = 0;
      for (int d = rank - 1; d >= 0; d--) {
        src += ((rem % out[d]) % in[d]) * inStrides[d];
        rem /= out[d];
      }
      if (elem == 4) {
        a.ptr<uint32_t>(1)[i] = a.ptr<uint32_t>(0)[src];
      } else {
        a.ptr<uint8_t>(1)[i] = a.ptr<uint8_t>(0)[src];
      }
    }
  });
}

void oneHotKernel(Device&, const KernelArgs& a) {
  int64_t n = a.i(0), depth = a.i(1);
  float on = static_cast<float>(a.f(2)), off = static_cast<float>(a.f(3));
  int dtype = static_cast<int>(a.i(4));
  const int32_t* idx = a.ptr<int32_t>(0);
  for (int64_t i = 0; i < n; i++) {
    for (int64_t d = 0; d < depth; d++) {
      float v = idx[i] == d ? on : off;
      if (dtype == kF32) {
        a.ptr<float>(1)[i * depth + d] = v;
      } else {
        a.ptr<int32_t>(1)[i * depth + d] = static_cast<int32_t>(v);
      }
    }
  }
}

}  // namespace

GFT_KERNEL(kDeviceName, "strided", stridedKernel);
GFT_KERNEL(kDeviceName, "concat", concatKernel);
GFT_KERNEL(kDeviceName, "pad", padKernel);
GFT_KERNEL(kDeviceName, "gather", gatherKernel);
GFT_KERNEL(kDeviceName, "segmentSum", segmentSumKernel);
GFT_KERNEL(kDeviceName, "tile", tileKernel);
GFT_KERNEL(kDeviceName, "oneHot", oneHotKernel);

}  // namespace gft::host
