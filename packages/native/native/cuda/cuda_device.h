// The CUDA device of gft's native engine: device memory through cudaMalloc behind a caching
// allocator (never managed memory), one stream that every kernel and copy of the device is
// queued on, and cuBLASLt for matmuls when it can be loaded (cublaslt.h). It registers as
// "cuda"; the addon and the TypeScript backend above it are the host device's, unchanged.
// Not here: kernels (the other files of this folder register them).
#pragma once

#include <cuda_runtime.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "../engine/block_cache.h"
#include "../engine/device.h"
#include "cublaslt.h"
#include "launch.h"

namespace gft::cuda {

constexpr const char* kDeviceName = "cuda";

// check(status, what) (launch.h) throws EngineError naming `what` and CUDA's reason.

class CudaDevice : public Device {
 public:
  CudaDevice();
  ~CudaDevice() override;
  const char* name() const override { return kDeviceName; }
  Buffer* alloc(size_t bytes) override;
  void free(Buffer* buffer) override;
  void upload(Buffer* dst, size_t offset, const void* src, size_t bytes) override;
  void download(const Buffer* src, size_t offset, void* dst, size_t bytes) override;
  // Into pinned host memory on the stream, with an event the worker thread waits on.
  std::unique_ptr<PendingDownload> startDownload(const Buffer* src, size_t offset,
                                                 size_t bytes) override;
  void synchronize() override;
  // The GPU schedules its own threads.
  void setThreads(int) override {}
  std::map<std::string, std::string> describe() const override;

  cudaStream_t stream() const { return stream_; }
  // Loaded cuBLASLt, or nullptr (then matmuls use the device's own kernel).
  const CublasLt* blas() const { return blas_.get(); }
  int smVersion() const { return sm_; }
  // Whether float32 matmuls may round their operands to TF32 for the tensor cores
  // (GFT_CUDA_TF32=1; off by default, as in PyTorch).
  bool tf32() const { return tf32_; }

 private:
  void* take(size_t capacity);
  void releaseCache();

  int ordinal_ = 0;
  int sm_ = 0;
  bool tf32_ = false;
  std::string gpuName_;
  cudaStream_t stream_ = nullptr;
  std::unique_ptr<CublasLt> blas_;
  std::string blasStatus_;
  // Freed blocks by capacity, reused before cudaMalloc (which synchronises the device).
  // Like PyTorch's allocator it keeps what it has and gives the cache back only when a
  // cudaMalloc fails; what it holds is what `held` reports.
  std::mutex cacheMutex_;
  BlockCache cache_;
};

inline CudaDevice& cudaOf(Device& device) { return static_cast<CudaDevice&>(device); }

// Device memory a kernel needs for the length of one call (row statistics, offsets), from the
// device's allocator. Freeing it while queued work still reads it is safe: the next user of
// the block is queued on the same stream.
class Scratch {
 public:
  Scratch(CudaDevice& device, size_t bytes) : device_(device), buffer_(device.alloc(bytes)) {}
  ~Scratch() { device_.free(buffer_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <typename T>
  T* get() const { return static_cast<T*>(buffer_->data); }
  Buffer* buffer() const { return buffer_; }

 private:
  CudaDevice& device_;
  Buffer* buffer_;
};

}  // namespace gft::cuda
