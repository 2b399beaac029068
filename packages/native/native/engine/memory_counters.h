// What every device counts of its memory, for reports and the memory model: bytes in tensors
// and bytes its allocator holds from the system (blocks in use at their capacity plus cached
// ones: what resident memory follows), each with a high-water mark the runner restarts per
// step. Lock-free: kernels on worker threads allocate too.
#pragma once

#include <atomic>
#include <cstddef>

namespace gft {

class MemoryCounters {
 public:
  void allocated(size_t bytes) { raise(peak_, inUse_.fetch_add(bytes) + bytes); }
  void freed(size_t bytes) { inUse_.fetch_sub(bytes); }
  void held(size_t capacity) { raise(peakHeld_, held_.fetch_add(capacity) + capacity); }
  void released(size_t capacity) { held_.fetch_sub(capacity); }

  size_t inUse() const { return inUse_.load(); }
  size_t peak() const { return peak_.load(); }
  size_t heldBytes() const { return held_.load(); }
  size_t peakHeld() const { return peakHeld_.load(); }
  // Restarts both peaks from the current values.
  void resetPeaks() {
    peak_.store(inUse_.load());
    peakHeld_.store(held_.load());
  }

 private:
  static void raise(std::atomic<size_t>& peak, size_t now) {
    size_t seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  }
  std::atomic<size_t> inUse_{0};
  std::atomic<size_t> peak_{0};
  std::atomic<size_t> held_{0};
  std::atomic<size_t> peakHeld_{0};
};

}  // namespace gft
