// fill buffers [out] params [dtype, n, value]: every element set to `value` (dtype codes of
// host/kernel_util.h: 0 float32, 1 int32, 2 bool as one byte).
#include "../engine/registry.h"
#include "cuda_device.h"

namespace gft::cuda {
namespace {

template <typename T>
__global__ void fillKernel(T* out, int64_t n, T value) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{blockDim.x} * gridDim.x) {
    out[i] = value;
  }
}

template <typename T>
void fillAs(cudaStream_t stream, void* out, int64_t n, T value) {
  launch("fill", fillKernel<T>, blocksFor(n), 256, 0, stream, static_cast<T*>(out), n, value);
}

void fill(Device& device, const KernelArgs& a) {
  const int dtype = static_cast<int>(a.i(0));
  const int64_t n = a.i(1);
  const double value = a.params[2];
  if (n <= 0) return;
  cudaStream_t stream = cudaOf(device).stream();
  if (dtype == 0) {
    fillAs(stream, a.ptr<void>(0), n, static_cast<float>(value));
  } else if (dtype == 1) {
    fillAs(stream, a.ptr<void>(0), n, static_cast<int32_t>(value));
  } else {
    fillAs(stream, a.ptr<void>(0), n, static_cast<uint8_t>(value != 0));
  }
}

}  // namespace

GFT_KERNEL(kDeviceName, "fill", fill);

}  // namespace gft::cuda
