#include "host_device.h"

#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <unistd.h>
#include <algorithm>

#include "../engine/registry.h"

namespace gft::host {
namespace {


int defaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

const char* vectorIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2")) return "avx2";
  return "sse2";
}

}  // namespace

HostDevice::HostDevice() : pool_(std::make_unique<ThreadPool>(defaultThreads())) {
  openblas_set_num_threads(pool_->size());
}

// Capacities are rounded to an eighth of their power of two (at most 12.5% slack), so
// tensors of nearly equal size share cache entries.
static size_t capacityFor(size_t bytes) {
  if (bytes <= 4096) return (bytes + 63) / 64 * 64;
  size_t top = size_t{1} << (63 - __builtin_clzll(bytes));
  size_t step = top / 8;
  return (bytes + step - 1) / step * step;
}

// Cached blocks above this are returned to the OS (so RSS follows the working set): a
// quarter of physical memory, at most 4 GiB (full fine-tuning's AdamW temporaries of a
// 256k-vocabulary embedding are hundreds of MiB each).
static size_t cacheLimit() {
  static const size_t limit = [] {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    size_t quarter = pages > 0 && size > 0 ? static_cast<size_t>(pages) * size / 4 : size_t{1} << 30;
    return std::min(quarter, size_t{4} << 30);
  }();
  return limit;
}

void* HostDevice::take(size_t capacity) {
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    auto it = cache_.find(capacity);
    if (it != cache_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      cachedBytes_ -= capacity;
      return p;
    }
  }
  void* p = std::aligned_alloc(64, capacity);
  if (p == nullptr) {
    releaseCache();
    p = std::aligned_alloc(64, capacity);
  }
  return p;
}

void HostDevice::releaseCache() {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  for (auto& [capacity, blocks] : cache_) {
    for (void* p : blocks) std::free(p);
  }
  cache_.clear();
  cachedBytes_ = 0;
}

Buffer* HostDevice::alloc(size_t bytes) {
  auto* buffer = new Buffer{this, nullptr, bytes};
  if (bytes > 0) {
    buffer->data = take(capacityFor(bytes));
    if (buffer->data == nullptr) {
      delete buffer;
      throw EngineError{"host device: out of memory allocating " + std::to_string(bytes) +
                        " bytes (" + std::to_string(inUse_.load()) + " bytes already in use)"};
    }
  }
  size_t now = inUse_.fetch_add(bytes) + bytes;
  size_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  return buffer;
}

void HostDevice::free(Buffer* buffer) {
  inUse_.fetch_sub(buffer->bytes);
  if (buffer->data != nullptr) {
    size_t capacity = capacityFor(buffer->bytes);
    std::unique_lock<std::mutex> lock(cacheMutex_);
    if (cachedBytes_ + capacity <= cacheLimit()) {
      cache_[capacity].push_back(buffer->data);
      cachedBytes_ += capacity;
    } else {
      lock.unlock();
      std::free(buffer->data);
    }
  }
  delete buffer;
}

void HostDevice::upload(Buffer* dst, size_t offset, const void* src, size_t bytes) {
  if (bytes > 0) std::memcpy(static_cast<char*>(dst->data) + offset, src, bytes);
}

void HostDevice::download(const Buffer* src, size_t offset, void* dst, size_t bytes) {
  if (bytes > 0) std::memcpy(dst, static_cast<const char*>(src->data) + offset, bytes);
}

void HostDevice::setThreads(int threads) {
  if (threads < 1) threads = defaultThreads();
  pool_->resize(threads);
  openblas_set_num_threads(threads);
}

std::map<std::string, std::string> HostDevice::describe() const {
  return {
      {"device", kDeviceName},
      {"threads", std::to_string(pool_->size())},
      {"simd", vectorIsa()},
      {"blas", std::string("OpenBLAS ") + openblas_get_corename()},
      {"blasThreads", std::to_string(openblas_get_num_threads())},
      {"cachedBytes", std::to_string(cachedBytes_)},
  };
}

static DeviceRegistrar registrar(kDeviceName, [] { return std::make_unique<HostDevice>(); });

}  // namespace gft::host
