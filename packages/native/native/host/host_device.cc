#include "host_device.h"

#include <cblas.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
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

// The most the cache may hold: a quarter of physical memory, at most 4 GiB (full fine-tuning's
// AdamW temporaries of a 256k-vocabulary embedding are hundreds of MiB each).
static size_t cacheLimit() {
  static const size_t limit = [] {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    size_t quarter = pages > 0 && size > 0 ? static_cast<size_t>(pages) * size / 4 : size_t{1} << 30;
    return std::min(quarter, size_t{4} << 30);
  }();
  return limit;
}

// What may stay cached when a fresh block is needed: a sixteenth of the bytes in use (at
// least 64 MiB), so the held bytes peak at most ~6% above the live peak (the memory model's
// allocator term, @gft/core memory.ts).
static size_t cacheBudget(size_t inUse) {
  return std::min(cacheLimit(), std::max(size_t{64} << 20, inUse / 16));
}

// Blocks from this size up are mapped from the OS directly and unmapped when evicted, so
// memory the engine gives back leaves the process. Through malloc they would land in glibc's
// heap once its adaptive mmap threshold rose past them (it does after the first large free),
// and freed heap memory stays resident: a step's freed activations kept RSS up to twice the
// live peak.
constexpr size_t kMapFrom = size_t{64} << 10;

static void* osAlloc(size_t capacity) {
  if (capacity < kMapFrom) return std::aligned_alloc(64, capacity);
  void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

static void osFree(void* p, size_t capacity) {
  if (capacity < kMapFrom) std::free(p);
  else munmap(p, capacity);
}

void* HostDevice::take(size_t capacity) {
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    if (void* p = cache_.take(capacity)) return p;
    memory().released(cache_.trimTo(cacheBudget(memory().inUse()), osFree));
  }
  void* p = osAlloc(capacity);
  if (p == nullptr) {
    releaseCache();
    p = osAlloc(capacity);
  }
  if (p != nullptr) memory().held(capacity);
  return p;
}

void HostDevice::releaseCache() {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  memory().released(cache_.trimTo(0, osFree));
}

Buffer* HostDevice::alloc(size_t bytes) {
  auto* buffer = new Buffer{this, nullptr, bytes};
  if (bytes > 0) {
    buffer->data = take(blockCapacity(bytes));
    if (buffer->data == nullptr) {
      delete buffer;
      throw EngineError{"host device: out of memory allocating " + std::to_string(bytes) +
                        " bytes (" + std::to_string(memory().inUse()) + " bytes already in use)"};
    }
  }
  memory().allocated(bytes);
  return buffer;
}

void HostDevice::free(Buffer* buffer) {
  memory().freed(buffer->bytes);
  if (buffer->data != nullptr) {
    size_t capacity = blockCapacity(buffer->bytes);
    std::unique_lock<std::mutex> lock(cacheMutex_);
    if (cache_.bytes() + capacity <= cacheLimit()) {
      cache_.put(buffer->data, capacity);
    } else {
      lock.unlock();
      osFree(buffer->data, capacity);
      memory().released(capacity);
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
      {"cachedBytes", std::to_string(cache_.bytes())},
  };
}

static DeviceRegistrar registrar(kDeviceName, [] { return std::make_unique<HostDevice>(); });

}  // namespace gft::host
