// Matmuls against a frozen weight kept compressed on the CUDA device, same contracts as the
// host's (host/nf4.cc, host/bf16.cc): y = x . W^T and its input gradient dx = dy . W for
// W [out, in], through the tiled kernel (tiled_matmul.cuh) with W's tiles decoded as they are
// staged into shared memory, so the dense weight never exists in device memory.
//
// nf4MatMul / nf4MatMulGradX / bf16MatMul / bf16MatMulGradX: buffers and params as
// engine/stored_weight_params.h reads them.
#include <string>

#include "../engine/registry.h"
#include "../engine/stored_weight_params.h"
#include "cuda_device.h"
#include "kernel_args.h"
#include "tiled_matmul.cuh"

namespace gft::cuda {
namespace {

// bitsandbytes' NF4 code (plugins/qlora/src/nf4-tables.ts), exact float32 values.
__constant__ float kNf4Code[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
};

struct Nf4Weight {
  const int32_t* packed;
  const float* absmax;
  int64_t blockSize;
  int perElement;
  // Element e of W's flat row-major [out, in]: its code times its block's scale.
  __device__ __forceinline__ float at(int64_t e) const {
    const uint32_t unit = static_cast<uint32_t>(packed[perElement == 2 ? e >> 1 : e >> 3]);
    const uint32_t byte = perElement == 2 ? unit & 0xffu : (unit >> (((e >> 1) & 3) * 8)) & 0xffu;
    return kNf4Code[(e & 1) ? (byte & 15u) : (byte >> 4)] * absmax[e / blockSize];
  }
};

struct Bf16Weight {
  const uint16_t* halves;
  __device__ __forceinline__ float at(int64_t e) const {
    return __uint_as_float(static_cast<uint32_t>(halves[e]) << 16);  // widening is exact
  }
};

// B of y = x . W^T: B[k, o] = W[o, k].
template <typename Weight>
struct TransposedWeight {
  Weight w;
  int64_t in;
  __device__ __forceinline__ float operator()(int64_t k, int64_t o) const { return w.at(o * in + k); }
};

// B of dx = dy . W: B[o, i] = W[o, i].
template <typename Weight>
struct PlainWeight {
  Weight w;
  int64_t in;
  __device__ __forceinline__ float operator()(int64_t o, int64_t i) const { return w.at(o * in + i); }
};

template <typename Weight>
void run(const char* kernel, CudaDevice& cuda, const KernelArgs& a, int xIndex, int yIndex,
         Weight w, int64_t N, int64_t in, int64_t out, bool forward) {
  float* y = a.ptr<float>(yIndex);
  const int64_t width = forward ? out : in, depth = forward ? in : out;
  if (N == 0 || width == 0) return;
  if (depth == 0) {
    check(cudaMemsetAsync(y, 0, static_cast<size_t>(N * width) * 4, cuda.stream()), kernel);
    return;
  }
  const DenseLoader x{a.ptr<float>(xIndex), N, depth, false};
  if (forward) {
    tiledMatmul(kernel, cuda.stream(), cuda.tf32(), x, TransposedWeight<Weight>{w, in}, y, N, out,
                in);
  } else {
    tiledMatmul(kernel, cuda.stream(), cuda.tf32(), x, PlainWeight<Weight>{w, in}, y, N, in, out);
  }
}

void nf4(Device& device, const KernelArgs& a, const char* kernel, bool forward) {
  const Nf4Params p = readNf4Params(a, kernel, forward);
  const Nf4Weight w{a.ptr<int32_t>(1), a.ptr<float>(2), p.blockSize, static_cast<int>(p.perElement)};
  run(kernel, cudaOf(device), a, 0, 3, w, p.N, p.in, p.out, forward);
}

void bf16(Device& device, const KernelArgs& a, const char* kernel, bool forward) {
  const Bf16Params p = readBf16Params(a, kernel, forward);
  const Bf16Weight w{reinterpret_cast<const uint16_t*>(a.ptr<int32_t>(1))};
  run(kernel, cudaOf(device), a, 0, 2, w, p.N, p.in, p.out, forward);
}

void nf4MatMul(Device& d, const KernelArgs& a) { nf4(d, a, "nf4MatMul", true); }
void nf4MatMulGradX(Device& d, const KernelArgs& a) { nf4(d, a, "nf4MatMulGradX", false); }
void bf16MatMul(Device& d, const KernelArgs& a) { bf16(d, a, "bf16MatMul", true); }
void bf16MatMulGradX(Device& d, const KernelArgs& a) { bf16(d, a, "bf16MatMulGradX", false); }

}  // namespace

GFT_KERNEL(kDeviceName, "nf4MatMul", nf4MatMul);
GFT_KERNEL(kDeviceName, "nf4MatMulGradX", nf4MatMulGradX);
GFT_KERNEL(kDeviceName, "bf16MatMul", bf16MatMul);
GFT_KERNEL(kDeviceName, "bf16MatMulGradX", bf16MatMulGradX);

}  // namespace gft::cuda
