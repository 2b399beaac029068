// A CPU emulator of the CUDA execution model, for testing the CUDA device's kernels where no
// GPU exists (CI, this machine). The same cuda/*.cu sources are compiled by g++ against
// simt/cuda_runtime.h instead of nvcc: every CUDA thread of a block becomes a fiber, blocks run
// one after another on the calling thread, and __syncthreads / __syncwarp / warp shuffles are
// barriers the fibers yield at. What it checks: indexing, bounds, barrier placement (a barrier
// some threads never reach is reported as a deadlock), shared-memory use and the arithmetic.
// What it cannot: real concurrency (races between blocks, atomics, memory ordering), timing,
// and the GPU's own rounding of fast intrinsics; those need the GPU (scripts/device-check.sh).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

namespace gft::simt {

// Where the running fiber is in the grid (what threadIdx and friends read).
struct Position {
  dim3 thread, block, blockDim, gridDim;
};

const Position& position();
void syncthreads();
void syncwarp();
// Exchanges one 64-bit word among the 32 lanes of the caller's warp: every lane offers `value`
// and gets the word offered by lane `source(lane)`; lanes whose source is outside the warp
// get their own word back (CUDA's rule for shuffles).
uint64_t exchange(uint64_t value, int sourceLane);
int laneId();
// Every lane of the caller's warp offers `bytes` bytes; returns the warp's 32 offers side by
// side (lane i's at i * bytes), valid until the warp's next gather. For emulating
// warp-collective instructions (mma.sync) whose operands are spread across the lanes.
const void* gatherWarp(const void* offer, size_t bytes);
void* dynamicShared();

// Runs `body` once per thread of the grid; returns when every block has finished. Throws
// std::runtime_error for a launch CUDA would refuse (empty or oversized block) and for a
// deadlock (threads waiting at barriers that can never complete).
void launch(dim3 grid, dim3 block, size_t dynamicSharedBytes, const std::function<void()>& body);

template <typename T>
T shuffle(T value, int sourceLane) {
  static_assert(sizeof(T) <= 8, "shuffles move at most 64 bits");
  uint64_t word = 0;
  std::memcpy(&word, &value, sizeof(T));
  word = exchange(word, sourceLane);
  T out;
  std::memcpy(&out, &word, sizeof(T));
  return out;
}

}  // namespace gft::simt
