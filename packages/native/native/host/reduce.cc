// Reductions of the host device over a [outer, R, inner] view (the TypeScript side transposes
// first when the reduced axes are not adjacent). Sums accumulate in double for rows, so a long
// reduction does not drift from tfjs-cpu's float64-free but pairwise-free sum more than
// float32 rounding of the result.
//
// reduce  buffers [x, out]  params [op, dtype, outer, R, inner]
// softmax buffers [x, out]  params [rows, cols]
#include <cmath>
#include <limits>

#include "../engine/registry.h"
#include "kernel_util.h"
#include "vec_math.h"

namespace gft::host {
namespace {

template <typename T>
double reduceRow(int op, const T* x, int64_t n, int64_t stride) {
  switch (op) {
    case kSum:
    case kMean: {
      double s = 0;
      for (int64_t i = 0; i < n; i++) s += x[i * stride];
      return op == kMean ? s / static_cast<double>(n) : s;
    }
    case kProd: {
      double p = 1;
      for (int64_t i = 0; i < n; i++) p *= x[i * stride];
      return p;
    }
    case kMaxOf: {
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (v != v) return v;
        m = v > m ? v : m;
      }
      return m;
    }
    case kMinOf: {
      double m = std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (v != v) return v;
        m = v < m ? v : m;
      }
      return m;
    }
    case kAny: {
      for (int64_t i = 0; i < n; i++) if (x[i * stride]) return 1;
      return 0;
    }
    case kAll: {
      for (int64_t i = 0; i < n; i++) if (!x[i * stride]) return 0;
      return 1;
    }
    case kArgMax:
    case kArgMin: {
      int64_t best = 0;
      double bv = n > 0 ? static_cast<double>(x[0]) : 0;
      for (int64_t i = 1; i < n; i++) {
        double v = x[i * stride];
        if (op == kArgMax ? v > bv : v < bv) {
          bv = v;
          best = i;
        }
      }
      return static_cast<double>(best);
    }
    default:
      throw EngineError{"reduce: unknown op " + std::to_string(op)};
  }
}

// Column sums ([R, inner] -> [inner]) stream rows so every read is contiguous.
GFT_VECTORIZED void sumColumns(const float* x, int64_t R, int64_t inner, int64_t lo, int64_t hi,
                               double* acc) {
  for (int64_t c = lo; c < hi; c++) acc[c - lo] = 0;
  for (int64_t r = 0; r < R; r++) {
    const float* row = x + r * inner;
    for (int64_t c = lo; c < hi; c++) acc[c - lo] += row[c];
  }
}

void reduceKernel(Device& device, const KernelArgs& a) {
  int op = static_cast<int>(a.i(0));
  int dtype = static_cast<int>(a.i(1));
  int64_t outer = a.i(2), R = a.i(3), inner = a.i(4);
  if (op < kSum || op > kArgMin) throw EngineError{"reduce: unknown op " + std::to_string(op)};
  int outDtype = (op == kArgMax || op == kArgMin) ? kI32 : (op == kAny || op == kAll) ? kBool : dtype;
  auto store = [&](int64_t i, double v) {
    if (outDtype == kF32) {
      a.ptr<float>(1)[i] = static_cast<float>(v);
    } else if (outDtype == kI32) {
      // Integer means truncate like tfjs's int division.
      a.ptr<int32_t>(1)[i] = static_cast<int32_t>(v);
    } else {
      a.ptr<uint8_t>(1)[i] = v != 0 ? 1 : 0;
    }
  };
  ThreadPool& pool = poolOf(device);
  if (inner > 1 && (op == kSum || op == kMean) && dtype == kF32) {
    for (int64_t b = 0; b < outer; b++) {
      const float* x = a.ptr<float>(0) + b * R * inner;
      pool.parallelFor(inner, std::max<int64_t>(64, kGrain / std::max<int64_t>(1, R)),
                       [&](int64_t lo, int64_t hi) {
                         std::vector<double> acc(hi - lo);
                         sumColumns(x, R, inner, lo, hi, acc.data());
                         for (int64_t c = lo; c < hi; c++) {
                           double v = acc[c - lo];
                           store(b * inner + c, op == kMean ? v / static_cast<double>(R) : v);
                         }
                       });
    }
    return;
  }
  int64_t outN = outer * inner;
  int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(1, R));
  pool.parallelFor(outN, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; o++) {
      int64_t b = o / inner, c = o % inner;
      int64_t base = b * R * inner + c;
      double v;
      if (dtype == kF32) {
        v = reduceRow(op, a.ptr<float>(0) + base, R, inner);
      } else if (dtype == kI32) {
        v = reduceRow(op, a.ptr<int32_t>(0) + base, R, inner);
      } else {
        v = reduceRow(op, a.ptr<uint8_t>(0) + base, R, inner);
      }
      store(o, v);
    }
  });
}

GFT_VECTORIZED void softmaxRow(const float* x, float* o, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  float s = 0;
  for (int64_t i = 0; i < n; i++) {
    o[i] = fastExp(x[i] - m);
    s += o[i];
  }
  float inv = 1.0f / s;
  for (int64_t i = 0; i < n; i++) o[i] *= inv;
}

void softmaxKernel(Device& device, const KernelArgs& a) {
  int64_t rows = a.i(0), cols = a.i(1);
  const float* x = a.ptr<float>(0);
  float* o = a.ptr<float>(1);
  int64_t grain = std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cols));
  poolOf(device).parallelFor(rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) softmaxRow(x + r * cols, o + r * cols, cols);
  });
}

}  // namespace

GFT_KERNEL(kDeviceName, "reduce", reduceKernel);
GFT_KERNEL(kDeviceName, "softmax", softmaxKernel);

}  // namespace gft::host
