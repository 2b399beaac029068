// Reductions across the threads of a block (warp shuffles, then one value per warp through
// shared memory), for kernels that give one block a row. Every thread of the block must call
// them (they hold barriers) and every thread gets the result.
#pragma once

#include <cuda_runtime.h>

namespace gft::cuda {

template <typename T, typename Combine>
__device__ __forceinline__ T warpReduce(T v, Combine combine) {
  for (int offset = 16; offset > 0; offset >>= 1) v = combine(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

// blockDim.x must be a multiple of 32 (at most 1024).
template <typename T, typename Combine>
__device__ __forceinline__ T blockReduce(T v, T identity, Combine combine) {
  __shared__ T perWarp[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warpReduce(v, combine);
  __syncthreads();  // perWarp may still be read by a previous call
  if (lane == 0) perWarp[warp] = v;
  __syncthreads();
  v = lane < warps ? perWarp[lane] : identity;
  return warpReduce(v, combine);
}

}  // namespace gft::cuda
