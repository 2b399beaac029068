#include "thread_pool.h"

#include <algorithm>

namespace gft::host {

ThreadPool::ThreadPool(int threads) { start(threads); }
ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::start(int threads) {
  quitting_ = false;
  for (int i = 1; i < std::max(1, threads); i++) workers_.emplace_back([this] { workerLoop(); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quitting_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ThreadPool::resize(int threads) {
  if (threads == size()) return;
  stop();
  start(threads);
}

// A throwing body stops handing out chunks; the first exception reaches the caller.
void ThreadPool::drain() {
  try {
    for (;;) {
      int64_t begin = next_.fetch_add(chunk_, std::memory_order_relaxed);
      if (begin >= total_) return;
      (*body_)(begin, std::min(total_, begin + chunk_));
    }
  } catch (...) {
    next_.store(total_, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(errorMutex_);
    if (!error_) error_ = std::current_exception();
  }
}

void ThreadPool::workerLoop() {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return quitting_ || generation_ != seen; });
      if (quitting_) return;
      seen = generation_;
    }
    drain();
    busy_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  int threads = size();
  grain = std::max<int64_t>(1, grain);
  if (threads == 1 || n <= grain) {
    body(0, n);
    return;
  }
  // A few chunks per thread balances uneven rows without much scheduling traffic.
  int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, static_cast<int64_t>(threads) * 4);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    total_ = n;
    chunk_ = (n + chunks - 1) / chunks;
    next_.store(0, std::memory_order_relaxed);
    busy_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    generation_++;
  }
  wake_.notify_all();
  drain();
  while (busy_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  if (error_) {
    std::exception_ptr error = error_;
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

}  // namespace gft::host
