// How the CUDA device's files start kernels: launch(kernel, grid, block, sharedBytes, stream,
// args...) instead of the <<<...>>> syntax, so the same sources also build for the SIMT
// emulator (simt/), which runs them on the CPU in CI. This header is the one place the two
// builds differ. Launch errors are checked here, naming the kernel's purpose.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "../engine/device.h"

#ifdef GFT_SIMT
#include <stdexcept>
#endif

namespace gft::cuda {

void check(cudaError_t status, const std::string& what);

// Kernels read their dynamic shared memory through this (CUDA's `extern __shared__` array).
#ifdef GFT_SIMT
#define GFT_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(::gft::simt::dynamicShared())
#else
#define GFT_DYNAMIC_SHARED(type, name) \
  extern __shared__ __align__(16) unsigned char gft_dynamic_shared_[]; \
  type* name = reinterpret_cast<type*>(gft_dynamic_shared_)
#endif

template <typename... Params, typename... Args>
void launch(const char* what, void (*kernel)(Params...), dim3 grid, dim3 block,
            size_t sharedBytes, cudaStream_t stream, Args... args) {
#ifdef GFT_SIMT
  (void)stream;
  try {
    ::gft::simt::launch(grid, block, sharedBytes,
                        [&] { kernel(static_cast<Params>(args)...); });
  } catch (const std::runtime_error& error) {
    throw EngineError{std::string("cuda device: ") + what + ": " + error.what()};
  }
#else
  kernel<<<grid, block, sharedBytes, stream>>>(static_cast<Params>(args)...);
  check(cudaGetLastError(), what);
#endif
}

// for (each i in [0, n) this thread owns): a grid-stride loop, correct for any grid size.
#define GFT_GRID_STRIDE(i, n)                                               \
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < (n); \
       i += int64_t{blockDim.x} * gridDim.x)

// Blocks and threads for a grid-stride loop over `n` elements. The emulator runs each thread
// as a fiber, so there a few blocks walk the whole range (the loop is correct for any grid).
inline unsigned blocksFor(int64_t n, unsigned threads = 256) {
#ifdef GFT_SIMT
  constexpr int64_t kMaxBlocks = 8;
#else
  constexpr int64_t kMaxBlocks = 65535;
#endif
  int64_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > kMaxBlocks ? kMaxBlocks : blocks));
}

}  // namespace gft::cuda
