// Stands in for the CUDA runtime's header when the CUDA device is built for the SIMT emulator
// (simt.h): the subset of the runtime API and of device code that gft's cuda/ sources use,
// mapped onto host memory and fibers. The include path puts this folder first, so the
// sources include <cuda_runtime.h> unchanged. Device memory is host memory here, under a
// budget (GFT_SIMT_MEMORY, bytes; default 8 GiB) so the out-of-memory path can be tested.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "simt.h"

enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInsufficientDriver = 35,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorLaunchFailure = 719,
};
typedef enum cudaError cudaError_t;

struct CUstream_st;
typedef CUstream_st* cudaStream_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

constexpr unsigned cudaStreamNonBlocking = 1;
constexpr unsigned cudaEventDisableTiming = 2;

struct CUevent_st;
typedef CUevent_st* cudaEvent_t;

struct cudaDeviceProp {
  char name[256];
  int major;
  int minor;
  size_t totalGlobalMem;
  int multiProcessorCount;
  size_t sharedMemPerBlock;
};

cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaMalloc(void** ptr, size_t bytes);
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr);
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemsetAsync(void* ptr, int value, size_t bytes, cudaStream_t stream = nullptr);
cudaError_t cudaMemGetInfo(size_t* freeBytes, size_t* totalBytes);
cudaError_t cudaMallocHost(void** ptr, size_t bytes);
cudaError_t cudaFreeHost(void* ptr);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned flags);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorString(cudaError_t error);
const char* cudaGetErrorName(cudaError_t error);

// Device-code vocabulary.
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Shared per block; blocks run one at a time on one thread, so one copy per thread serves.
#define __shared__ static thread_local
#define __constant__

#define threadIdx (::gft::simt::position().thread)
#define blockIdx (::gft::simt::position().block)
#define blockDim (::gft::simt::position().blockDim)
#define gridDim (::gft::simt::position().gridDim)
constexpr int warpSize = 32;

inline void __syncthreads() { ::gft::simt::syncthreads(); }
inline void __syncwarp(unsigned = 0xffffffffu) { ::gft::simt::syncwarp(); }

template <typename T>
T __shfl_sync(unsigned, T value, int sourceLane, int width = 32) {
  const int lane = ::gft::simt::laneId();
  return ::gft::simt::shuffle(value, (lane & ~(width - 1)) + (sourceLane & (width - 1)));
}
template <typename T>
T __shfl_xor_sync(unsigned, T value, int laneMask, int width = 32) {
  const int lane = ::gft::simt::laneId();
  const int source = lane ^ laneMask;
  return ::gft::simt::shuffle(value, (source & ~(width - 1)) == (lane & ~(width - 1)) ? source : lane);
}
template <typename T>
T __shfl_down_sync(unsigned, T value, unsigned delta, int width = 32) {
  const int lane = ::gft::simt::laneId();
  const int source = lane + static_cast<int>(delta);
  return ::gft::simt::shuffle(value, (source & ~(width - 1)) == (lane & ~(width - 1)) ? source : lane);
}

// Fibers of one block never run at the same time, and blocks run one after another.
inline float atomicAdd(float* address, float value) {
  float old = *address;
  *address = old + value;
  return old;
}
inline int atomicAdd(int* address, int value) {
  int old = *address;
  *address = old + value;
  return old;
}
inline unsigned atomicAdd(unsigned* address, unsigned value) {
  unsigned old = *address;
  *address = old + value;
  return old;
}

template <typename T>
inline T __ldg(const T* p) { return *p; }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __saturatef(float x) { return x != x ? 0.0f : (x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x)); }
inline unsigned __float_as_uint(float x) { unsigned u; std::memcpy(&u, &x, 4); return u; }
inline float __uint_as_float(unsigned u) { float x; std::memcpy(&x, &u, 4); return x; }
inline int __float_as_int(float x) { int u; std::memcpy(&u, &x, 4); return u; }
inline float __int_as_float(int u) { float x; std::memcpy(&x, &u, 4); return x; }
using std::isfinite;
using std::isinf;
using std::isnan;
