// Element-wise kernels of the host device: unary math, broadcasting binary ops, select,
// cast, fill, range, add-n. One switch per call outside the loops, so each loop body is a
// single operation the compiler vectorises.
//
// unary   buffers [x, out]        params [op, dtype, n, alpha, beta]
// binary  buffers [a, b, out]     params [op, dtype, rank, shape[rank], aStrides[rank], bStrides[rank]]
//         (the TypeScript side collapses dims; a stride of 0 broadcasts)
// select  buffers [cond, a, b, out] params [dtype, n]
// cast    buffers [x, out]        params [dtypeIn, dtypeOut, n]
// fill    buffers [out]           params [dtype, n, value]
// range   buffers [out]           params [dtype, n, start, step]
// addN    buffers [x0..xk-1, out] params [dtype, n]
#include <cmath>

#include "../engine/int_math.h"
#include "../engine/registry.h"
#include "kernel_util.h"
#include "vec_math.h"

namespace gft::host {
namespace {


GFT_VECTORIZED void unaryF32(int op, const float* x, float* o, int64_t n, float alpha, float beta) {
  switch (op) {
    case kNeg: for (int64_t i = 0; i < n; i++) o[i] = -x[i]; break;
    case kAbs: for (int64_t i = 0; i < n; i++) o[i] = std::fabs(x[i]); break;
    case kExp: for (int64_t i = 0; i < n; i++) o[i] = fastExp(x[i]); break;
    case kLog: for (int64_t i = 0; i < n; i++) o[i] = fastLog(x[i]); break;
    case kSqrt: for (int64_t i = 0; i < n; i++) o[i] = std::sqrt(x[i]); break;
    case kRsqrt: for (int64_t i = 0; i < n; i++) o[i] = 1.0f / std::sqrt(x[i]); break;
    case kSquare: for (int64_t i = 0; i < n; i++) o[i] = x[i] * x[i]; break;
    case kSigmoid: for (int64_t i = 0; i < n; i++) o[i] = fastSigmoid(x[i]); break;
    case kTanh: for (int64_t i = 0; i < n; i++) o[i] = fastTanh(x[i]); break;
    case kRelu: for (int64_t i = 0; i < n; i++) o[i] = x[i] > 0 ? x[i] : (x[i] != x[i] ? x[i] : 0.0f); break;
    case kSign: for (int64_t i = 0; i < n; i++) o[i] = x[i] > 0 ? 1.0f : (x[i] < 0 ? -1.0f : 0.0f); break;
    case kFloor: for (int64_t i = 0; i < n; i++) o[i] = std::floor(x[i]); break;
    case kCeil: for (int64_t i = 0; i < n; i++) o[i] = std::ceil(x[i]); break;
    // tfjs rounds half to even.
    case kRound: for (int64_t i = 0; i < n; i++) o[i] = std::nearbyint(x[i]); break;
    case kReciprocal: for (int64_t i = 0; i < n; i++) o[i] = 1.0f / x[i]; break;
    case kLog1p: for (int64_t i = 0; i < n; i++) o[i] = std::log1p(x[i]); break;
    case kExpm1: for (int64_t i = 0; i < n; i++) o[i] = std::expm1(x[i]); break;
    case kSin: for (int64_t i = 0; i < n; i++) o[i] = std::sin(x[i]); break;
    case kCos: for (int64_t i = 0; i < n; i++) o[i] = std::cos(x[i]); break;
    case kSoftplus:
      for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        o[i] = v > 15.0f ? v : (v < -15.0f ? fastExp(v) : fastLog(1.0f + fastExp(v)));
      }
      break;
    case kElu: for (int64_t i = 0; i < n; i++) o[i] = x[i] >= 0 ? x[i] : fastExp(x[i]) - 1.0f; break;
    case kRelu6: for (int64_t i = 0; i < n; i++) o[i] = x[i] < 0 ? 0.0f : (x[i] > 6 ? 6.0f : x[i]); break;
    case kLeakyRelu: for (int64_t i = 0; i < n; i++) o[i] = x[i] < 0 ? alpha * x[i] : x[i]; break;
    case kClip:
      for (int64_t i = 0; i < n; i++) o[i] = x[i] != x[i] ? x[i] : (x[i] < alpha ? alpha : (x[i] > beta ? beta : x[i]));
      break;
    case kStep: for (int64_t i = 0; i < n; i++) o[i] = x[i] != x[i] ? x[i] : (x[i] > 0 ? 1.0f : alpha); break;
    case kErf: for (int64_t i = 0; i < n; i++) o[i] = std::erf(x[i]); break;
    case kGeluTanh: for (int64_t i = 0; i < n; i++) o[i] = geluTanh(x[i]); break;
    case kSelu: {
      const float a = 1.6732632423543772848170429916717f, s = 1.0507009873554804934193349852946f;
      for (int64_t i = 0; i < n; i++) o[i] = x[i] >= 0 ? s * x[i] : s * a * (fastExp(x[i]) - 1.0f);
      break;
    }
    default: throw EngineError{"unary: op " + std::to_string(op) + " has no float32 form"};
  }
}

void unaryToBool(int op, int dtype, const void* xv, uint8_t* o, int64_t n) {
  if (op == kLogicalNot) {
    const uint8_t* x = static_cast<const uint8_t*>(xv);
    for (int64_t i = 0; i < n; i++) o[i] = x[i] ? 0 : 1;
    return;
  }
  if (dtype == kI32) {
    // Integers are never NaN or infinite.
    for (int64_t i = 0; i < n; i++) o[i] = op == kIsFinite ? 1 : 0;
    return;
  }
  const float* x = static_cast<const float*>(xv);
  switch (op) {
    case kIsNan: for (int64_t i = 0; i < n; i++) o[i] = x[i] != x[i]; break;
    case kIsInf: for (int64_t i = 0; i < n; i++) o[i] = std::isinf(x[i]); break;
    case kIsFinite: for (int64_t i = 0; i < n; i++) o[i] = std::isfinite(x[i]); break;
    default: throw EngineError{"unary: op " + std::to_string(op) + " has no bool form"};
  }
}

void unaryI32(int op, const int32_t* x, int32_t* o, int64_t n, float alpha, float beta) {
  switch (op) {
    case kNeg: for (int64_t i = 0; i < n; i++) o[i] = -x[i]; break;
    case kAbs: for (int64_t i = 0; i < n; i++) o[i] = x[i] < 0 ? -x[i] : x[i]; break;
    case kSquare: for (int64_t i = 0; i < n; i++) o[i] = x[i] * x[i]; break;
    case kSign: for (int64_t i = 0; i < n; i++) o[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0); break;
    case kRelu: for (int64_t i = 0; i < n; i++) o[i] = x[i] > 0 ? x[i] : 0; break;
    case kFloor: case kCeil: case kRound: for (int64_t i = 0; i < n; i++) o[i] = x[i]; break;
    case kClip: {
      int32_t lo = static_cast<int32_t>(alpha), hi = static_cast<int32_t>(beta);
      for (int64_t i = 0; i < n; i++) o[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
      break;
    }
    default: throw EngineError{"unary: op " + std::to_string(op) + " has no int32 form"};
  }
}

bool isPredicate(int op) {
  return op == kIsNan || op == kIsInf || op == kIsFinite || op == kLogicalNot;
}

void unaryKernel(Device& device, const KernelArgs& a) {
  int op = static_cast<int>(a.i(0));
  int dtype = static_cast<int>(a.i(1));
  int64_t n = a.i(2);
  float alpha = static_cast<float>(a.f(3)), beta = static_cast<float>(a.f(4));
  const size_t inBytes = dtypeBytes(dtype);
  const char* x = a.ptr<char>(0);
  char* o = a.ptr<char>(1);
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    if (isPredicate(op)) {
      unaryToBool(op, dtype, x + lo * inBytes, reinterpret_cast<uint8_t*>(o) + lo, hi - lo);
    } else if (dtype == kF32) {
      unaryF32(op, reinterpret_cast<const float*>(x) + lo, reinterpret_cast<float*>(o) + lo,
               hi - lo, alpha, beta);
    } else if (dtype == kI32) {
      unaryI32(op, reinterpret_cast<const int32_t*>(x) + lo, reinterpret_cast<int32_t*>(o) + lo,
               hi - lo, alpha, beta);
    } else {
      throw EngineError{"unary: op " + std::to_string(op) + " has no bool form"};
    }
  });
}


bool isComparison(int op) { return op >= kEqual && op <= kLogicalOr; }

// One output row of a float binary op; sa/sb are the inner strides (0 = broadcast).
GFT_VECTORIZED void binaryRowF32(int op, const float* a, int64_t sa, const float* b, int64_t sb,
                                 float* o, int64_t n) {
#define GFT_BINARY_LOOP(expr)                                                            \
  if (sa == 1 && sb == 1) {                                                              \
    for (int64_t i = 0; i < n; i++) { float x = a[i], y = b[i]; o[i] = (expr); }         \
  } else if (sa == 1 && sb == 0) {                                                       \
    float y = b[0];                                                                      \
    for (int64_t i = 0; i < n; i++) { float x = a[i]; o[i] = (expr); }                   \
  } else if (sa == 0 && sb == 1) {                                                       \
    float x = a[0];                                                                      \
    for (int64_t i = 0; i < n; i++) { float y = b[i]; o[i] = (expr); }                   \
  } else {                                                                               \
    for (int64_t i = 0; i < n; i++) { float x = a[i * sa], y = b[i * sb]; o[i] = (expr); } \
  }                                                                                      \
  break;
  switch (op) {
    case kAdd: GFT_BINARY_LOOP(x + y)
    case kSub: GFT_BINARY_LOOP(x - y)
    case kMul: GFT_BINARY_LOOP(x * y)
    case kDiv: GFT_BINARY_LOOP(x / y)
    case kMax: GFT_BINARY_LOOP(x != x || y != y ? x + y : (x > y ? x : y))
    case kMin: GFT_BINARY_LOOP(x != x || y != y ? x + y : (x < y ? x : y))
    case kPow: GFT_BINARY_LOOP(std::pow(x, y))
    case kSquaredDiff: GFT_BINARY_LOOP((x - y) * (x - y))
    case kFloorDiv: GFT_BINARY_LOOP(std::floor(x / y))
    // tfjs's mod takes the sign of the divisor (Python semantics).
    case kMod: GFT_BINARY_LOOP(std::fmod(std::fmod(x, y) + y, y))
    case kAtan2: GFT_BINARY_LOOP(std::atan2(x, y))
    case kDivNoNan: GFT_BINARY_LOOP(y == 0 ? 0.0f : x / y)
    default: throw EngineError{"binary: op " + std::to_string(op) + " has no float32 form"};
  }
#undef GFT_BINARY_LOOP
}

void binaryRowI32(int op, const int32_t* a, int64_t sa, const int32_t* b, int64_t sb, int32_t* o,
                  int64_t n) {
#define GFT_BINARY_LOOP(expr) \
  for (int64_t i = 0; i < n; i++) { int32_t x = a[i * sa], y = b[i * sb]; o[i] = (expr); } break;
  switch (op) {
    case kAdd: GFT_BINARY_LOOP(static_cast<int32_t>(static_cast<uint32_t>(x) + static_cast<uint32_t>(y)))
    case kSub: GFT_BINARY_LOOP(static_cast<int32_t>(static_cast<uint32_t>(x) - static_cast<uint32_t>(y)))
    case kMul: GFT_BINARY_LOOP(static_cast<int32_t>(static_cast<int64_t>(x) * y))
    case kMax: GFT_BINARY_LOOP(x > y ? x : y)
    case kMin: GFT_BINARY_LOOP(x < y ? x : y)
    case kPow: GFT_BINARY_LOOP(powI32(x, y))
    case kSquaredDiff: GFT_BINARY_LOOP((x - y) * (x - y))
    case kFloorDiv: GFT_BINARY_LOOP(floorDivI32(x, y))
    case kMod: GFT_BINARY_LOOP(modI32(x, y))
    default: throw EngineError{"binary: op " + std::to_string(op) + " has no int32 form"};
  }
#undef GFT_BINARY_LOOP
}

template <typename T>
void compareRow(int op, const T* a, int64_t sa, const T* b, int64_t sb, uint8_t* o, int64_t n) {
#define GFT_BINARY_LOOP(expr) \
  for (int64_t i = 0; i < n; i++) { T x = a[i * sa], y = b[i * sb]; o[i] = (expr) ? 1 : 0; } break;
  switch (op) {
    case kEqual: GFT_BINARY_LOOP(x == y)
    case kNotEqual: GFT_BINARY_LOOP(x != y)
    case kLess: GFT_BINARY_LOOP(x < y)
    case kLessEqual: GFT_BINARY_LOOP(x <= y)
    case kGreater: GFT_BINARY_LOOP(x > y)
    case kGreaterEqual: GFT_BINARY_LOOP(x >= y)
    case kLogicalAnd: GFT_BINARY_LOOP(x && y)
    case kLogicalOr: GFT_BINARY_LOOP(x || y)
    default: throw EngineError{"binary: op " + std::to_string(op) + " is not a comparison"};
  }
#undef GFT_BINARY_LOOP
}

void binaryKernel(Device& device, const KernelArgs& a) {
  int op = static_cast<int>(a.i(0));
  int dtype = static_cast<int>(a.i(1));
  int rank = static_cast<int>(a.i(2));
  if (rank < 1 || rank > kMaxRank) throw EngineError{"binary: rank out of range"};
  int64_t shape[kMaxRank], sa[kMaxRank], sb[kMaxRank];
  readDims(a, 3, rank, shape);
  readDims(a, 3 + rank, rank, sa);
  readDims(a, 3 + 2 * rank, rank, sb);
  int64_t inner = shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  if (rows * inner == 0) return;
  const size_t inBytes = dtypeBytes(dtype);
  const size_t outBytes = isComparison(op) ? 1 : inBytes;
  const char* A = a.ptr<char>(0);
  const char* B = a.ptr<char>(1);
  char* O = a.ptr<char>(2);
  auto runRow = [&](int64_t row, int64_t lo, int64_t hi) {
    const char* ar = A + (rowOffset(row, rank, shape, sa) + lo * sa[rank - 1]) * inBytes;
    const char* br = B + (rowOffset(row, rank, shape, sb) + lo * sb[rank - 1]) * inBytes;
    char* orow = O + (row * inner + lo) * outBytes;
    int64_t n = hi - lo;
    if (isComparison(op)) {
      if (dtype == kF32) {
        compareRow(op, reinterpret_cast<const float*>(ar), sa[rank - 1],
                   reinterpret_cast<const float*>(br), sb[rank - 1],
                   reinterpret_cast<uint8_t*>(orow), n);
      } else if (dtype == kI32) {
        compareRow(op, reinterpret_cast<const int32_t*>(ar), sa[rank - 1],
                   reinterpret_cast<const int32_t*>(br), sb[rank - 1],
                   reinterpret_cast<uint8_t*>(orow), n);
      } else {
        compareRow(op, reinterpret_cast<const uint8_t*>(ar), sa[rank - 1],
                   reinterpret_cast<const uint8_t*>(br), sb[rank - 1],
                   reinterpret_cast<uint8_t*>(orow), n);
      }
    } else if (dtype == kF32) {
      binaryRowF32(op, reinterpret_cast<const float*>(ar), sa[rank - 1],
                   reinterpret_cast<const float*>(br), sb[rank - 1],
                   reinterpret_cast<float*>(orow), n);
    } else if (dtype == kI32) {
      binaryRowI32(op, reinterpret_cast<const int32_t*>(ar), sa[rank - 1],
                   reinterpret_cast<const int32_t*>(br), sb[rank - 1],
                   reinterpret_cast<int32_t*>(orow), n);
    } else {
      throw EngineError{"binary: op " + std::to_string(op) + " has no bool form"};
    }
  };
  ThreadPool& pool = poolOf(device);
  if (rows == 1 || inner >= kGrain) {
    // Few long rows: split each row.
    for (int64_t row = 0; row < rows; row++) {
      pool.parallelFor(inner, kGrain, [&](int64_t lo, int64_t hi) { runRow(row, lo, hi); });
    }
  } else {
    int64_t rowGrain = (kGrain + inner - 1) / inner;
    pool.parallelFor(rows, rowGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t row = lo; row < hi; row++) runRow(row, 0, inner);
    });
  }
}

void selectKernel(Device& device, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int64_t n = a.i(1);
  const uint8_t* c = a.ptr<uint8_t>(0);
  size_t bytes = dtypeBytes(dtype);
  const char* x = a.ptr<char>(1);
  const char* y = a.ptr<char>(2);
  char* o = a.ptr<char>(3);
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    if (bytes == 4) {
      const uint32_t* xs = reinterpret_cast<const uint32_t*>(x);
      const uint32_t* ys = reinterpret_cast<const uint32_t*>(y);
      uint32_t* os = reinterpret_cast<uint32_t*>(o);
      for (int64_t i = lo; i < hi; i++) os[i] = c[i] ? xs[i] : ys[i];
    } else {
      for (int64_t i = lo; i < hi; i++) o[i] = c[i] ? x[i] : y[i];
    }
  });
}

void castKernel(Device& device, const KernelArgs& a) {
  int from = static_cast<int>(a.i(0)), to = static_cast<int>(a.i(1));
  int64_t n = a.i(2);
  const void* x = a.buffers[0]->data;
  void* o = a.buffers[1]->data;
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) castElement(from, to, x, o, i);
  });
}

void fillKernel(Device& device, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int64_t n = a.i(1);
  double value = a.f(2);
  void* o = a.buffers[0]->data;
  poolOf(device).parallelFor(n, kGrain * 4, [&](int64_t lo, int64_t hi) {
    if (dtype == kF32) {
      float v = static_cast<float>(value);
      for (int64_t i = lo; i < hi; i++) static_cast<float*>(o)[i] = v;
    } else if (dtype == kI32) {
      int32_t v = static_cast<int32_t>(value);
      for (int64_t i = lo; i < hi; i++) static_cast<int32_t*>(o)[i] = v;
    } else {
      std::memset(static_cast<uint8_t*>(o) + lo, value != 0 ? 1 : 0, hi - lo);
    }
  });
}

void rangeKernel(Device&, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int64_t n = a.i(1);
  double start = a.f(2), step = a.f(3);
  for (int64_t i = 0; i < n; i++) {
    if (dtype == kF32) {
      a.ptr<float>(0)[i] = static_cast<float>(start + step * static_cast<double>(i));
    } else {
      a.ptr<int32_t>(0)[i] = static_cast<int32_t>(start + step * static_cast<double>(i));
    }
  }
}

void addNKernel(Device& device, const KernelArgs& a) {
  int dtype = static_cast<int>(a.i(0));
  int64_t n = a.i(1);
  int k = a.numBuffers - 1;
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    if (dtype == kF32) {
      float* o = a.ptr<float>(k);
      const float* x0 = a.ptr<float>(0);
      for (int64_t i = lo; i < hi; i++) o[i] = x0[i];
      for (int j = 1; j < k; j++) {
        const float* x = a.ptr<float>(j);
        for (int64_t i = lo; i < hi; i++) o[i] += x[i];
      }
    } else {
      int32_t* o = a.ptr<int32_t>(k);
      for (int64_t i = lo; i < hi; i++) o[i] = 0;
      for (int j = 0; j < k; j++) {
        const int32_t* x = a.ptr<int32_t>(j);
        for (int64_t i = lo; i < hi; i++) o[i] += x[i];
      }
    }
  });
}

}  // namespace

GFT_KERNEL(kDeviceName, "unary", unaryKernel);
GFT_KERNEL(kDeviceName, "binary", binaryKernel);
GFT_KERNEL(kDeviceName, "select", selectKernel);
GFT_KERNEL(kDeviceName, "cast", castKernel);
GFT_KERNEL(kDeviceName, "fill", fillKernel);
GFT_KERNEL(kDeviceName, "range", rangeKernel);
GFT_KERNEL(kDeviceName, "addN", addNKernel);

}  // namespace gft::host
