// Gemma's RMSNorm and gated tanh-GELU on the host device, forward and backward, one pass over
// the data each (the backward recomputes the row normaliser / the tanh instead of keeping them).
// Not here: the non-gated GELU (elementwise.cc's unary op), LayerNorm.
//
// rmsNormForward / rmsNormBackward / geluGateForward / geluGateBackward: buffers and params
// as engine/norm_params.h reads them.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../engine/norm_params.h"
#include "../engine/registry.h"
#include "fused_util.h"
#include "kernel_util.h"
#include "vec_math.h"

namespace gft::host {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kCubic = 0.044715f;

// ---- RMSNorm ----

// Sum of dy * (1 + w) * x, the row's mean(g * x) numerator.
GFT_VECTORIZED float dot3(const float* dy, const float* w, const float* x, int64_t n) {
  Lanes16 acc = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 a, b, c;
    std::memcpy(&a, dy + i, 64);
    std::memcpy(&b, w + i, 64);
    std::memcpy(&c, x + i, 64);
    acc += a * (1.0f + b) * c;
  }
  float s = 0;
  for (; i < n; i++) s += dy[i] * (1.0f + w[i]) * x[i];
  for (int k = 0; k < 16; k++) s += acc[k];
  return s;
}

GFT_VECTORIZED void rmsRows(const float* x, const float* w, float* y, int64_t r0, int64_t r1,
                            int64_t D, float eps) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * D;
    float* yr = y + r * D;
    float inv = 1.0f / std::sqrt(laneDot(xr, xr, D) / static_cast<float>(D) + eps);
    for (int64_t i = 0; i < D; i++) yr[i] = xr[i] * inv * (1.0f + w[i]);
  }
}

// dx = r g - x r^3 mean(g x) with g = dy (1 + w); dw partial += dy x r.
GFT_VECTORIZED void rmsGradRows(const float* x, const float* w, const float* dy, float* dx,
                                float* dw, int64_t r0, int64_t r1, int64_t D, float eps) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * D;
    const float* gr = dy + r * D;
    float* dxr = dx + r * D;
    float inv = 1.0f / std::sqrt(laneDot(xr, xr, D) / static_cast<float>(D) + eps);
    float c = inv * inv * inv * dot3(gr, w, xr, D) / static_cast<float>(D);
    for (int64_t i = 0; i < D; i++) {
      dxr[i] = inv * gr[i] * (1.0f + w[i]) - xr[i] * c;
      dw[i] += gr[i] * xr[i] * inv;
    }
  }
}

GFT_VECTORIZED void addInto(float* dst, const float* src, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

void rmsNormForward(Device& device, const KernelArgs& a) {
  const RmsNormParams p = readRmsNormParams(a, "rmsNormForward", 3);
  const int64_t N = p.N, D = p.D;
  const float* x = a.ptr<float>(0);
  const float* w = a.ptr<float>(1);
  float* y = a.ptr<float>(2);
  float eps = p.eps;
  if (D == 0) return;
  poolOf(device).parallelFor(N, std::max<int64_t>(1, kGrain / D), [&](int64_t r0, int64_t r1) {
    rmsRows(x, w, y, r0, r1, D, eps);
  });
}

void rmsNormBackward(Device& device, const KernelArgs& a) {
  const RmsNormParams p = readRmsNormParams(a, "rmsNormBackward", 5);
  const int64_t N = p.N, D = p.D;
  const float* x = a.ptr<float>(0);
  const float* w = a.ptr<float>(1);
  const float* dy = a.ptr<float>(2);
  float* dx = a.ptr<float>(3);
  float* dw = a.ptr<float>(4);
  float eps = p.eps;
  if (D == 0) return;
  std::memset(dw, 0, static_cast<size_t>(D) * 4);
  if (N == 0) return;
  ThreadPool& pool = poolOf(device);
  // dw sums over rows: each part of the rows keeps its own partial sum, added up after.
  const int64_t rowsPerPart = std::max<int64_t>(1, kGrain / D);
  const int64_t parts = std::min<int64_t>((N + rowsPerPart - 1) / rowsPerPart, 4 * pool.size());
  const int64_t per = (N + parts - 1) / parts;
  std::vector<float> partial(static_cast<size_t>(parts * D), 0.0f);
  pool.parallelFor(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      rmsGradRows(x, w, dy, dx, partial.data() + p * D, p * per, std::min(N, (p + 1) * per), D,
                  eps);
    }
  });
  for (int64_t p = 0; p < parts; p++) addInto(dw, partial.data() + p * D, D);
}

// ---- gated GELU ----

GFT_VECTORIZED void geluGateRange(const float* g, const float* u, float* y, int64_t lo,
                                  int64_t hi) {
  for (int64_t i = lo; i < hi; i++) y[i] = geluTanh(g[i]) * u[i];
}

// gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u(x)).
GFT_VECTORIZED void geluGateGradRange(const float* g, const float* u, const float* dy, float* dg,
                                      float* du, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; i++) {
    float x = g[i];
    float t = fastTanh(kSqrt2OverPi * x * (1.0f + kCubic * x * x));
    float half = 0.5f * (1.0f + t);
    float slope = half + 0.5f * x * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kCubic * x * x);
    dg[i] = dy[i] * u[i] * slope;
    du[i] = dy[i] * x * half;
  }
}

void geluGateForward(Device& device, const KernelArgs& a) {
  int64_t n = readGeluGateParams(a, "geluGateForward", 3);
  const float* g = a.ptr<float>(0);
  const float* u = a.ptr<float>(1);
  float* y = a.ptr<float>(2);
  poolOf(device).parallelFor(n, kGrain,
                             [&](int64_t lo, int64_t hi) { geluGateRange(g, u, y, lo, hi); });
}

void geluGateBackward(Device& device, const KernelArgs& a) {
  int64_t n = readGeluGateParams(a, "geluGateBackward", 5);
  const float* g = a.ptr<float>(0);
  const float* u = a.ptr<float>(1);
  const float* dy = a.ptr<float>(2);
  float* dg = a.ptr<float>(3);
  float* du = a.ptr<float>(4);
  poolOf(device).parallelFor(n, kGrain, [&](int64_t lo, int64_t hi) {
    geluGateGradRange(g, u, dy, dg, du, lo, hi);
  });
}

}  // namespace

GFT_KERNEL(kDeviceName, "rmsNormForward", rmsNormForward);
GFT_KERNEL(kDeviceName, "rmsNormBackward", rmsNormBackward);
GFT_KERNEL(kDeviceName, "geluGateForward", geluGateForward);
GFT_KERNEL(kDeviceName, "geluGateBackward", geluGateBackward);

}  // namespace gft::host
