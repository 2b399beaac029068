// The runtime API of cuda_runtime.h on host memory: one emulated device whose memory is
// counted against a budget (GFT_SIMT_MEMORY), copies are memcpy, and the one stream runs
// everything at once (launches are synchronous, so a stream sync has nothing to wait for).
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

#include "cuda_runtime.h"

namespace {

struct Memory {
  std::mutex mutex;
  std::unordered_map<void*, size_t> sizes;
  size_t used = 0;
  size_t budget = 0;
  Memory() {
    const char* env = std::getenv("GFT_SIMT_MEMORY");
    budget = env ? static_cast<size_t>(std::strtoull(env, nullptr, 10)) : (size_t{8} << 30);
  }
};

Memory& memory() {
  static Memory m;
  return m;
}

struct CUstream_st* const kTheStream = reinterpret_cast<CUstream_st*>(1);

}  // namespace

cudaError_t cudaGetDeviceCount(int* count) {
  // GFT_SIMT_NO_DEVICE=1 plays a machine whose driver sees no GPU, for the error paths.
  const char* none = std::getenv("GFT_SIMT_NO_DEVICE");
  if (none && std::string(none) == "1") {
    *count = 0;
    return cudaErrorNoDevice;
  }
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidDevice; }

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return cudaErrorInvalidDevice;
  std::memset(prop, 0, sizeof *prop);
  std::strncpy(prop->name, "gft SIMT emulator (CPU)", sizeof prop->name - 1);
  prop->major = 9;
  prop->minor = 0;
  prop->totalGlobalMem = memory().budget;
  prop->multiProcessorCount = 1;
  prop->sharedMemPerBlock = 48 * 1024;
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned) {
  *stream = kTheStream;
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  Memory& m = memory();
  std::lock_guard<std::mutex> lock(m.mutex);
  const size_t rounded = (bytes + 255) / 256 * 256;
  if (m.used + rounded > m.budget) return cudaErrorMemoryAllocation;
  void* p = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
  if (!p) return cudaErrorMemoryAllocation;
  m.sizes[p] = rounded;
  m.used += rounded;
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void* ptr) {
  if (!ptr) return cudaSuccess;
  Memory& m = memory();
  std::lock_guard<std::mutex> lock(m.mutex);
  auto found = m.sizes.find(ptr);
  if (found == m.sizes.end()) return cudaErrorInvalidValue;
  m.used -= found->second;
  m.sizes.erase(found);
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind,
                            cudaStream_t) {
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind) {
  return cudaMemcpyAsync(dst, src, bytes, kind);
}

cudaError_t cudaMemsetAsync(void* ptr, int value, size_t bytes, cudaStream_t) {
  if (bytes) std::memset(ptr, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* freeBytes, size_t* totalBytes) {
  Memory& m = memory();
  std::lock_guard<std::mutex> lock(m.mutex);
  *freeBytes = m.budget - m.used;
  *totalBytes = m.budget;
  return cudaSuccess;
}

// Pinned host memory is host memory; work has finished when a launch returns, so an event is
// complete as soon as it is recorded.
cudaError_t cudaMallocHost(void** ptr, size_t bytes) {
  *ptr = std::malloc(bytes == 0 ? 1 : bytes);
  return *ptr ? cudaSuccess : cudaErrorMemoryAllocation;
}
cudaError_t cudaFreeHost(void* ptr) {
  std::free(ptr);
  return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned) {
  *event = reinterpret_cast<cudaEvent_t>(new char);
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete reinterpret_cast<char*>(event);
  return cudaSuccess;
}

cudaError_t cudaGetLastError() { return cudaSuccess; }
cudaError_t cudaPeekAtLastError() { return cudaSuccess; }

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    default: return "unspecified launch failure";
  }
}

const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    default: return "cudaErrorLaunchFailure";
  }
}
