// The device contract of gft's native engine: memory, transfers and a kernel table.
//
// A device is a folder of sources (host/, later cuda/) that registers itself by name at load
// time (see registry.h). The addon and the TypeScript backend above it only ever see this
// interface, so adding a device adds files; nothing here branches on which device runs.
// Not here: kernels themselves, thread pools, streams (a device keeps those private).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "memory_counters.h"

namespace gft {

class Device;

// One allocation on a device. Kernels receive buffers, never raw JS memory.
struct Buffer {
  Device* device = nullptr;
  void* data = nullptr;
  size_t bytes = 0;
};

// What a kernel gets: its buffers (inputs then outputs, in the order the TypeScript kernel
// file documents) and numeric parameters (shapes, strides, dtypes, attrs), exact up to 2^53.
struct KernelArgs {
  Buffer** buffers;
  int numBuffers;
  const double* params;
  int numParams;

  template <typename T>
  T* ptr(int i) const { return static_cast<T*>(buffers[i]->data); }
  int64_t i(int k) const { return static_cast<int64_t>(params[k]); }
  double f(int k) const { return params[k]; }
};

using KernelFn = void (*)(Device& device, const KernelArgs& args);

// Thrown by devices and kernels; the addon turns it into a JS Error with this message.
struct EngineError {
  std::string message;
};

// A copy to host memory that the device has queued; finish() waits for it and puts the bytes
// at dst. finish() runs on a worker thread (the addon's asynchronous read), so the JavaScript
// thread keeps queuing work meanwhile.
class PendingDownload {
 public:
  virtual ~PendingDownload() = default;
  virtual void finish(void* dst) = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual const char* name() const = 0;

  virtual Buffer* alloc(size_t bytes) = 0;
  virtual void free(Buffer* buffer) = 0;
  // Copies between host memory and the device; blocking from the caller's point of view.
  virtual void upload(Buffer* dst, size_t offset, const void* src, size_t bytes) = 0;
  virtual void download(const Buffer* src, size_t offset, void* dst, size_t bytes) = 0;
  // Queues a copy of `bytes` at `offset` of `src` in the device's order of work: later kernels
  // and frees cannot change what it reads. The default copies at once (right for devices whose
  // kernels have all finished when they return).
  virtual std::unique_ptr<PendingDownload> startDownload(const Buffer* src, size_t offset,
                                                         size_t bytes);
  // Waits for all queued work (a no-op where kernels run synchronously).
  virtual void synchronize() = 0;

  virtual void setThreads(int threads) = 0;
  // Facts for reports: threads, vector ISA, BLAS core.
  virtual std::map<std::string, std::string> describe() const = 0;
  // Bytes in tensors and bytes the allocator holds, with their peaks (each device's
  // allocator keeps them up to date).
  MemoryCounters& memory() { return memory_; }
  const MemoryCounters& memory() const { return memory_; }

  // The kernel table: filled by the device's kernel files at load time.
  int kernelId(const std::string& name) const;
  const std::vector<std::string>& kernelNames() const { return names_; }
  void run(int kernelId, const KernelArgs& args);
  void addKernel(const std::string& name, KernelFn fn);

 private:
  MemoryCounters memory_;
  std::vector<std::string> names_;
  std::vector<KernelFn> fns_;
};

}  // namespace gft
