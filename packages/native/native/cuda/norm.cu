// Gemma's RMSNorm and gated tanh-GELU on the CUDA device, forward and backward, same contracts
// as the host's (host/norm.cc):
//
// rmsNormForward / rmsNormBackward / geluGateForward / geluGateBackward: buffers and params
// as engine/norm_params.h reads them.
// A block per row for the row statistics; dw is summed over rows by one thread per column, in
// row order (deterministic, no atomics).
#include <string>

#include "../engine/norm_params.h"
#include "../engine/registry.h"
#include "block_reduce.cuh"
#include "cuda_device.h"
#include "device_math.cuh"
#include "kernel_args.h"

namespace gft::cuda {
namespace {

constexpr unsigned kRowThreads = 256;

__device__ __forceinline__ float rowInvRms(const float* x, int64_t D, float eps) {
  float ss = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) ss += x[i] * x[i];
  ss = blockReduce(ss, 0.0f, [](float a, float b) { return a + b; });
  return rsqrtf(ss / static_cast<float>(D) + eps);
}

__global__ void rmsForwardKernel(const float* x, const float* w, float* y, int64_t D, float eps) {
  const float* xr = x + blockIdx.x * D;
  float* yr = y + blockIdx.x * D;
  const float inv = rowInvRms(xr, D, eps);
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) yr[i] = xr[i] * inv * (1.0f + w[i]);
}

// dx = r g - x r^3 mean(g x) with g = dy (1 + w); keeps r per row for the dw pass.
__global__ void rmsGradRowsKernel(const float* x, const float* w, const float* dy, float* dx,
                                  float* invOut, int64_t D, float eps) {
  const float* xr = x + blockIdx.x * D;
  const float* gr = dy + blockIdx.x * D;
  float* dxr = dx + blockIdx.x * D;
  const float inv = rowInvRms(xr, D, eps);
  float dot = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) dot += gr[i] * (1.0f + w[i]) * xr[i];
  dot = blockReduce(dot, 0.0f, [](float a, float b) { return a + b; });
  const float c = inv * inv * inv * dot / static_cast<float>(D);
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) {
    dxr[i] = inv * gr[i] * (1.0f + w[i]) - xr[i] * c;
  }
  if (threadIdx.x == 0) invOut[blockIdx.x] = inv;
}

__global__ void rmsGradWeightKernel(const float* x, const float* dy, const float* inv, float* dw,
                                    int64_t N, int64_t D) {
  GFT_GRID_STRIDE(c, D) {
    float acc = 0;
    for (int64_t r = 0; r < N; r++) acc += dy[r * D + c] * x[r * D + c] * inv[r];
    dw[c] = acc;
  }
}

void rmsNormForward(Device& device, const KernelArgs& a) {
  const RmsNormParams p = readRmsNormParams(a, "rmsNormForward", 3);
  const int64_t N = p.N, D = p.D;
  if (N == 0 || D == 0) return;
  launch("rmsNormForward", rmsForwardKernel, dim3(static_cast<unsigned>(N)), kRowThreads, 0,
         cudaOf(device).stream(), a.ptr<float>(0), a.ptr<float>(1), a.ptr<float>(2), D,
         p.eps);
}

void rmsNormBackward(Device& device, const KernelArgs& a) {
  const RmsNormParams p = readRmsNormParams(a, "rmsNormBackward", 5);
  const int64_t N = p.N, D = p.D;
  CudaDevice& cuda = cudaOf(device);
  if (D == 0) return;
  if (N == 0) {
    check(cudaMemsetAsync(a.ptr<float>(4), 0, static_cast<size_t>(D) * 4, cuda.stream()),
          "rmsNormBackward");
    return;
  }
  Scratch inv(cuda, static_cast<size_t>(N) * 4);
  launch("rmsNormBackward", rmsGradRowsKernel, dim3(static_cast<unsigned>(N)), kRowThreads, 0,
         cuda.stream(), a.ptr<float>(0), a.ptr<float>(1), a.ptr<float>(2), a.ptr<float>(3),
         inv.get<float>(), D, p.eps);
  launch("rmsNormBackward", rmsGradWeightKernel, blocksFor(D, 128), 128, 0, cuda.stream(),
         a.ptr<float>(0), a.ptr<float>(2), inv.get<float>(), a.ptr<float>(4), N, D);
}

__global__ void geluGateForwardKernel(const float* g, const float* u, float* y, int64_t n) {
  GFT_GRID_STRIDE(i, n) {
    y[i] = geluTanh(g[i]) * u[i];
  }
}

// gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u(x)).
__global__ void geluGateBackwardKernel(const float* g, const float* u, const float* dy, float* dg,
                                       float* du, int64_t n) {
  GFT_GRID_STRIDE(i, n) {
    const float x = g[i];
    const float t = tanhf(kSqrt2OverPi * x * (1.0f + kGeluCubic * x * x));
    const float half = 0.5f * (1.0f + t);
    const float slope =
        half + 0.5f * x * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * x * x);
    dg[i] = dy[i] * u[i] * slope;
    du[i] = dy[i] * x * half;
  }
}

void geluGateForward(Device& device, const KernelArgs& a) {
  const int64_t n = readGeluGateParams(a, "geluGateForward", 3);
  if (n == 0) return;
  launch("geluGateForward", geluGateForwardKernel, blocksFor(n), 256, 0, cudaOf(device).stream(),
         a.ptr<float>(0), a.ptr<float>(1), a.ptr<float>(2), n);
}

void geluGateBackward(Device& device, const KernelArgs& a) {
  const int64_t n = readGeluGateParams(a, "geluGateBackward", 5);
  if (n == 0) return;
  launch("geluGateBackward", geluGateBackwardKernel, blocksFor(n), 256, 0,
         cudaOf(device).stream(), a.ptr<float>(0), a.ptr<float>(1), a.ptr<float>(2),
         a.ptr<float>(3), a.ptr<float>(4), n);
}

}  // namespace

GFT_KERNEL(kDeviceName, "rmsNormForward", rmsNormForward);
GFT_KERNEL(kDeviceName, "rmsNormBackward", rmsNormBackward);
GFT_KERNEL(kDeviceName, "geluGateForward", geluGateForward);
GFT_KERNEL(kDeviceName, "geluGateBackward", geluGateBackward);

}  // namespace gft::cuda
