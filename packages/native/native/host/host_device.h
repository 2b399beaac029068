// The host device: 64-byte aligned native memory, a thread pool, OpenBLAS for GEMM.
// Kernels for it live beside this file, one family per file, and register with GFT_KERNEL.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "../engine/block_cache.h"
#include "../engine/device.h"
#include "thread_pool.h"

namespace gft::host {

constexpr const char* kDeviceName = "host";

class HostDevice final : public Device {
 public:
  HostDevice();
  const char* name() const override { return kDeviceName; }
  Buffer* alloc(size_t bytes) override;
  void free(Buffer* buffer) override;
  void upload(Buffer* dst, size_t offset, const void* src, size_t bytes) override;
  void download(const Buffer* src, size_t offset, void* dst, size_t bytes) override;
  void synchronize() override {}
  void setThreads(int threads) override;
  std::map<std::string, std::string> describe() const override;

  ThreadPool& pool() { return *pool_; }

 private:
  void* take(size_t capacity);
  void releaseCache();

  std::unique_ptr<ThreadPool> pool_;
  // Freed blocks by capacity, reused before asking the OS: a training step frees and
  // re-allocates the same sizes thousands of times, and fresh pages cost a fault each.
  std::mutex cacheMutex_;
  BlockCache cache_;
};

// The pool of the device a kernel was called on.
inline ThreadPool& poolOf(Device& device) { return static_cast<HostDevice&>(device).pool(); }

}  // namespace gft::host
