// A fixed pool of worker threads for the host device's kernels. The calling thread takes
// part, so `threads` is the total parallelism. Kernels run one at a time (tfjs dispatches them
// synchronously), and BLAS is told to use the same count, so the two never oversubscribe.
#pragma once

#include <atomic>
#include <exception>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gft::host {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  void resize(int threads);

  // Calls body(begin, end) over [0, n) in chunks of at least `grain` items; runs inline when
  // the work is too small to be worth waking anyone.
  void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

 private:
  void start(int threads);
  void stop();
  void workerLoop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t generation_ = 0;
  bool quitting_ = false;

  const std::function<void(int64_t, int64_t)>* body_ = nullptr;
  int64_t total_ = 0;
  int64_t chunk_ = 1;
  std::atomic<int64_t> next_{0};
  std::atomic<int> busy_{0};
  std::exception_ptr error_;
  std::mutex errorMutex_;
};

}  // namespace gft::host
