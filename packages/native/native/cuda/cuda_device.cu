#include "cuda_device.h"

#include <cstdlib>
#include <cstring>

#include "../engine/registry.h"

namespace gft::cuda {

void check(cudaError_t status, const std::string& what) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear the sticky-free error so the next call starts clean
  throw EngineError{"cuda device: " + what + ": " + cudaGetErrorString(status) + " (" +
                    cudaGetErrorName(status) + ")"};
}

static std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

CudaDevice::CudaDevice() {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    throw EngineError{std::string("cuda device: no usable CUDA driver or GPU: ") +
                      cudaGetErrorString(status) + " (" + cudaGetErrorName(status) + ")"};
  }
  if (count == 0) throw EngineError{"cuda device: the CUDA driver reports no GPU"};
  if (const char* chosen = std::getenv("GFT_CUDA_DEVICE")) ordinal_ = std::atoi(chosen);
  if (ordinal_ < 0 || ordinal_ >= count) {
    throw EngineError{"cuda device: GFT_CUDA_DEVICE=" + std::to_string(ordinal_) + " but " +
                      std::to_string(count) + " GPU(s) are visible"};
  }
  check(cudaSetDevice(ordinal_), "cudaSetDevice");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, ordinal_), "cudaGetDeviceProperties");
  gpuName_ = prop.name;
  sm_ = prop.major * 10 + prop.minor;
  check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  const char* tf32 = std::getenv("GFT_CUDA_TF32");
  tf32_ = tf32 != nullptr && std::string(tf32) == "1";
  const char* path = std::getenv("GFT_CUBLASLT");
  if (path && *path) {
    std::string why;
    blas_.reset(loadCublasLt(path, why));
    blasStatus_ = blas_ ? "cuBLASLt " + std::string(path) : "own kernel (" + why + ")";
  } else {
    blasStatus_ = "own kernel (no cuBLASLt found)";
  }
}

CudaDevice::~CudaDevice() {
  // The process is exiting when the registry's devices go: free what is cheap to free.
  blas_.reset();
  releaseCache();
  if (stream_) cudaStreamDestroy(stream_);
}

void* CudaDevice::take(size_t capacity) {
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    if (void* p = cache_.take(capacity)) return p;
  }
  void* p = nullptr;
  cudaError_t status = cudaMalloc(&p, capacity);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    // Give the cache back (after the stream has finished with it) and try once more.
    cudaStreamSynchronize(stream_);
    releaseCache();
    status = cudaMalloc(&p, capacity);
  }
  if (status != cudaSuccess) {
    cudaGetLastError();
    size_t freeBytes = 0, totalBytes = 0;
    cudaMemGetInfo(&freeBytes, &totalBytes);
    throw EngineError{"cuda device: out of memory allocating " + std::to_string(capacity) +
                      " bytes on " + gpuName_ + " (" + mib(freeBytes) + " free of " +
                      mib(totalBytes) + "; gft holds " + mib(memory().heldBytes()) + " of it, " +
                      mib(memory().inUse()) + " in tensors): " + cudaGetErrorString(status)};
  }
  memory().held(capacity);
  return p;
}

void CudaDevice::releaseCache() {
  std::lock_guard<std::mutex> lock(cacheMutex_);
  memory().released(cache_.trimTo(0, [](void* p, size_t) { cudaFree(p); }));
}

Buffer* CudaDevice::alloc(size_t bytes) {
  auto* buffer = new Buffer{this, nullptr, bytes};
  if (bytes > 0) {
    try {
      buffer->data = take(blockCapacity(bytes));
    } catch (...) {
      delete buffer;
      throw;
    }
  }
  memory().allocated(bytes);
  return buffer;
}

void CudaDevice::free(Buffer* buffer) {
  memory().freed(buffer->bytes);
  if (buffer->data != nullptr) {
    // Work queued on the stream may still read the block; the next user of a cached block
    // is queued on the same stream, so stream order keeps it safe without a sync here.
    std::lock_guard<std::mutex> lock(cacheMutex_);
    cache_.put(buffer->data, blockCapacity(buffer->bytes));
  }
  delete buffer;
}

void CudaDevice::upload(Buffer* dst, size_t offset, const void* src, size_t bytes) {
  if (bytes == 0) return;
  // The source is JavaScript memory that may move or go once this returns: copy now.
  check(cudaMemcpyAsync(static_cast<char*>(dst->data) + offset, src, bytes,
                        cudaMemcpyHostToDevice, stream_),
        "upload of " + std::to_string(bytes) + " bytes");
  check(cudaStreamSynchronize(stream_), "upload");
}

void CudaDevice::download(const Buffer* src, size_t offset, void* dst, size_t bytes) {
  if (bytes == 0) return;
  check(cudaMemcpyAsync(dst, static_cast<const char*>(src->data) + offset, bytes,
                        cudaMemcpyDeviceToHost, stream_),
        "download of " + std::to_string(bytes) + " bytes");
  check(cudaStreamSynchronize(stream_), "download");
}

namespace {

class StagedDownload : public PendingDownload {
 public:
  StagedDownload(cudaStream_t stream, const void* src, size_t bytes) : bytes_(bytes) {
    check(cudaMallocHost(&staging_, bytes), "pinned staging of " + std::to_string(bytes) + " bytes");
    try {
      check(cudaEventCreateWithFlags(&done_, cudaEventDisableTiming), "cudaEventCreate");
      check(cudaMemcpyAsync(staging_, src, bytes, cudaMemcpyDeviceToHost, stream),
            "download of " + std::to_string(bytes) + " bytes");
      check(cudaEventRecord(done_, stream), "cudaEventRecord");
    } catch (...) {
      release();
      throw;
    }
  }
  ~StagedDownload() override { release(); }
  void finish(void* dst) override {
    check(cudaEventSynchronize(done_), "download");
    std::memcpy(dst, staging_, bytes_);
  }

 private:
  void release() {
    if (done_) cudaEventDestroy(done_);
    if (staging_) cudaFreeHost(staging_);
    done_ = nullptr;
    staging_ = nullptr;
  }
  void* staging_ = nullptr;
  cudaEvent_t done_ = nullptr;
  size_t bytes_;
};

}  // namespace

std::unique_ptr<PendingDownload> CudaDevice::startDownload(const Buffer* src, size_t offset,
                                                           size_t bytes) {
  if (bytes == 0) return Device::startDownload(src, offset, bytes);
  return std::make_unique<StagedDownload>(stream_, static_cast<const char*>(src->data) + offset,
                                          bytes);
}

void CudaDevice::synchronize() { check(cudaStreamSynchronize(stream_), "synchronize"); }

std::map<std::string, std::string> CudaDevice::describe() const {
  size_t freeBytes = 0, totalBytes = 0;
  cudaMemGetInfo(&freeBytes, &totalBytes);
  return {
      {"device", kDeviceName},
      {"gpu", gpuName_},
      {"sm", std::to_string(sm_)},
      {"memoryTotal", std::to_string(totalBytes)},
      {"memoryFree", std::to_string(freeBytes)},
      {"blas", blasStatus_},
      {"matmulPrecision", tf32_ ? "tf32" : "float32"},
      {"cachedBytes", std::to_string(cache_.bytes())},
  };
}

static DeviceRegistrar registrar(kDeviceName, [] { return std::make_unique<CudaDevice>(); });

}  // namespace gft::cuda
