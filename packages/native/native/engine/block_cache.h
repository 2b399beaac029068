// A device allocator's cache of freed blocks, shared by every device (host memory now, device
// memory later): a training step frees and re-allocates the same sizes thousands of times,
// and a fresh block costs page faults (host) or a synchronising cudaMalloc (GPU).
//
// Blocks are kept by exact capacity (the device rounds sizes to a few classes) and handed
// back most-recently-freed first. What keeps resident memory predictable is the eviction:
// before a device allocates a fresh block it trims the cache, oldest blocks first, to a
// budget proportional to the bytes in use, so what the allocator holds stays within a known
// fraction of the live bytes instead of growing with every size class a step touches.
// Not thread-safe: the owning device locks around it.
#pragma once

#include <cstddef>
#include <deque>
#include <list>
#include <map>

namespace gft {

// The capacity a request of `bytes` is served with: rounded up to an eighth of its power of
// two (at most 12.5% slack), so tensors of nearly equal size share cache entries.
inline size_t blockCapacity(size_t bytes) {
  if (bytes <= 4096) return (bytes + 63) / 64 * 64;
  size_t top = size_t{1} << (63 - __builtin_clzll(bytes));
  size_t step = top / 8;
  return (bytes + step - 1) / step * step;
}

class BlockCache {
 public:
  // A cached block of exactly `capacity` bytes, or nullptr.
  void* take(size_t capacity) {
    auto cls = byCapacity_.find(capacity);
    if (cls == byCapacity_.end() || cls->second.empty()) return nullptr;
    auto block = cls->second.back();
    cls->second.pop_back();
    void* p = block->ptr;
    age_.erase(block);
    bytes_ -= capacity;
    return p;
  }

  void put(void* p, size_t capacity) {
    age_.push_back({p, capacity});
    byCapacity_[capacity].push_back(std::prev(age_.end()));
    bytes_ += capacity;
  }

  // Evicts the oldest blocks until at most `budget` bytes stay cached; `release(ptr, capacity)`
  // returns each one to the system. Returns the bytes released.
  template <typename Release>
  size_t trimTo(size_t budget, Release&& release) {
    size_t released = 0;
    while (bytes_ > budget && !age_.empty()) {
      Block oldest = age_.front();
      // The oldest block overall is also the oldest of its class: classes are filled in
      // freeing order and served from the back.
      byCapacity_[oldest.capacity].pop_front();
      age_.pop_front();
      bytes_ -= oldest.capacity;
      released += oldest.capacity;
      release(oldest.ptr, oldest.capacity);
    }
    return released;
  }

  size_t bytes() const { return bytes_; }

 private:
  struct Block {
    void* ptr;
    size_t capacity;
  };
  std::list<Block> age_;  // oldest first
  std::map<size_t, std::deque<std::list<Block>::iterator>> byCapacity_;
  size_t bytes_ = 0;
};

}  // namespace gft
