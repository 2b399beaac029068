// Varlen attention of the CUDA device, forward and backward, flash-attention style, same
// contract as the host's (host/attention.cc):
//
// attentionForward / attentionBackward: buffers and params as engine/attention_params.h reads
// them.
//
// Work is cut into tiles of 64 positions of one sequence (the tile list is built on the host
// from cu_seqlens). Forward and dq: a block per (query tile, head), a thread per query row,
// key/value tiles staged in shared memory and folded into an online softmax, so no T x T
// matrix exists. dk/dv: a block per (key tile, KV head), a thread per key row walking the
// query tiles that can see it for every head of its group; no atomics, deterministic.
// Float32 on CUDA cores; hd up to 256 (Gemma's largest).
#include <cmath>
#include <string>
#include <vector>

#include "../engine/attention_params.h"
#include "../engine/registry.h"
#include "cuda_device.h"
#include "kernel_args.h"

namespace gft::cuda {
namespace {

constexpr int kTile = 64;    // positions per tile, threads per block
constexpr int kMaxHd = 256;  // per-thread rows live in local arrays of this size

struct Shape {
  int64_t T, H, KV, hd, G, window;
  float scale, cap;
};

// One tile: sequence start in the packed batch, its length, and the tile's first position.
struct TileRef {
  int32_t base, length, start, pad;
  // One past the tile's last position.
  __device__ __forceinline__ int64_t end() const {
    return start + kTile < length ? start + kTile : length;
  }
  // The first key any query of the tile sees.
  __device__ __forceinline__ int64_t firstKey(int64_t window) const {
    return window > 0 && start - window + 1 > 0 ? start - window + 1 : 0;
  }
};

Shape shapeOf(const AttentionParams& p) {
  if (p.hd > kMaxHd) {
    throw EngineError{"attention: head dim " + std::to_string(p.hd) +
                      " is more than the CUDA device's attention supports (" +
                      std::to_string(kMaxHd) + ")"};
  }
  return Shape{p.T, p.H, p.KV, p.hd, p.G, p.window, p.scale, p.cap};
}

std::vector<TileRef> tilesOf(const std::vector<int64_t>& cu) {
  std::vector<TileRef> tiles;
  for (size_t s = 0; s + 1 < cu.size(); s++) {
    const int64_t length = cu[s + 1] - cu[s];
    for (int64_t start = 0; start < length; start += kTile) {
      tiles.push_back({static_cast<int32_t>(cu[s]), static_cast<int32_t>(length),
                       static_cast<int32_t>(start), 0});
    }
  }
  return tiles;
}

// Keys per shared-memory stage: two [keys, hd] float tiles within 32 KiB.
int keysPerStage(int64_t hd) {
  int keys = 64;
  while (keys > 8 && 2 * keys * hd * 4 > 32 * 1024) keys /= 2;
  return keys;
}

__device__ __forceinline__ bool visibleKey(int64_t query, int64_t key, int64_t window) {
  return key <= query && (window == 0 || query - key < window);
}

// Capped score and the cap's derivative (1 when uncapped).
__device__ __forceinline__ float capScore(float s, float cap, float* dcap) {
  if (cap > 0) {
    const float t = tanhf(s / cap);
    *dcap = 1.0f - t * t;
    return cap * t;
  }
  *dcap = 1.0f;
  return s;
}

// Stages rows [k0, k0 + count) of a [T, KV*hd] tensor's head `kvh` into shared rows of hd.
__device__ __forceinline__ void stageRows(float* dst, const float* src, int64_t base, int64_t k0,
                                          int count, int64_t kw, int64_t kvh, int64_t hd) {
  for (int64_t e = threadIdx.x; e < count * hd; e += blockDim.x) {
    const int64_t r = e / hd, d = e % hd;
    dst[e] = src[(base + k0 + r) * kw + kvh * hd + d];
  }
}

__global__ void forwardKernel(Shape s, const TileRef* tiles, const float* q, const float* k,
                              const float* v, float* out, float* lse, int keys) {
  GFT_DYNAMIC_SHARED(float, staged);
  float* Ks = staged;
  float* Vs = staged + keys * s.hd;
  const TileRef tile = tiles[blockIdx.x];
  const int64_t h = blockIdx.y, kvh = h / s.G, hd = s.hd;
  const int64_t qw = s.H * hd, kw = s.KV * hd;
  const int64_t p = tile.start + threadIdx.x;  // sequence-local query position
  const bool active = p < tile.length;
  const int64_t tileEnd = tile.end(), firstKey = tile.firstKey(s.window);
  float qr[kMaxHd], acc[kMaxHd], scores[64];
  if (active) {
    for (int64_t d = 0; d < hd; d++) {
      qr[d] = q[(tile.base + p) * qw + h * hd + d] * s.scale;
      acc[d] = 0;
    }
  }
  float m = -INFINITY, l = 0;
  for (int64_t k0 = firstKey; k0 < tileEnd; k0 += keys) {
    const int count = static_cast<int>(tileEnd - k0 < keys ? tileEnd - k0 : keys);
    __syncthreads();  // the previous stage is no longer read
    stageRows(Ks, k, tile.base, k0, count, kw, kvh, hd);
    stageRows(Vs, v, tile.base, k0, count, kw, kvh, hd);
    __syncthreads();
    if (!active) continue;
    float stageMax = -INFINITY;
    for (int j = 0; j < count; j++) {
      float sc = -INFINITY;
      if (visibleKey(p, k0 + j, s.window)) {
        float dot = 0, dcap;
        for (int64_t d = 0; d < hd; d++) dot += qr[d] * Ks[j * hd + d];
        sc = capScore(dot, s.cap, &dcap);
      }
      scores[j] = sc;
      stageMax = fmaxf(stageMax, sc);
    }
    if (stageMax == -INFINITY) continue;
    const float mNew = fmaxf(m, stageMax);
    const float rescale = expf(m - mNew);
    l *= rescale;
    for (int64_t d = 0; d < hd; d++) acc[d] *= rescale;
    for (int j = 0; j < count; j++) {
      if (scores[j] == -INFINITY) continue;
      const float pj = expf(scores[j] - mNew);
      l += pj;
      for (int64_t d = 0; d < hd; d++) acc[d] += pj * Vs[j * hd + d];
    }
    m = mNew;
  }
  if (active) {
    const float inv = 1.0f / l;
    for (int64_t d = 0; d < hd; d++) out[(tile.base + p) * qw + h * hd + d] = acc[d] * inv;
    lse[(tile.base + p) * s.H + h] = m + logf(l);
  }
}

// D[t, h] = dout . out, the softmax gradient's row term.
__global__ void rowDotKernel(Shape s, const float* dout, const float* out, float* D) {
  const int64_t rows = s.T * s.H;
  GFT_GRID_STRIDE(r, rows) {
    const int64_t t = r / s.H, h = r % s.H, at = t * s.H * s.hd + h * s.hd;
    float acc = 0;
    for (int64_t d = 0; d < s.hd; d++) acc += dout[at + d] * out[at + d];
    D[r] = acc;
  }
}

__global__ void dqKernel(Shape s, const TileRef* tiles, const float* q, const float* k,
                         const float* v, const float* lse, const float* dout, const float* D,
                         float* dq, int keys) {
  GFT_DYNAMIC_SHARED(float, staged);
  float* Ks = staged;
  float* Vs = staged + keys * s.hd;
  const TileRef tile = tiles[blockIdx.x];
  const int64_t h = blockIdx.y, kvh = h / s.G, hd = s.hd;
  const int64_t qw = s.H * hd, kw = s.KV * hd;
  const int64_t p = tile.start + threadIdx.x;
  const bool active = p < tile.length;
  const int64_t tileEnd = tile.end(), firstKey = tile.firstKey(s.window);
  float qr[kMaxHd], dor[kMaxHd], dqr[kMaxHd];
  float rowLse = 0, rowD = 0;
  if (active) {
    const int64_t at = (tile.base + p) * qw + h * hd;
    for (int64_t d = 0; d < hd; d++) {
      qr[d] = q[at + d];
      dor[d] = dout[at + d];
      dqr[d] = 0;
    }
    rowLse = lse[(tile.base + p) * s.H + h];
    rowD = D[(tile.base + p) * s.H + h];
  }
  for (int64_t k0 = firstKey; k0 < tileEnd; k0 += keys) {
    const int count = static_cast<int>(tileEnd - k0 < keys ? tileEnd - k0 : keys);
    __syncthreads();
    stageRows(Ks, k, tile.base, k0, count, kw, kvh, hd);
    stageRows(Vs, v, tile.base, k0, count, kw, kvh, hd);
    __syncthreads();
    if (!active) continue;
    for (int j = 0; j < count; j++) {
      if (!visibleKey(p, k0 + j, s.window)) continue;
      float dot = 0, dp = 0, dcap;
      for (int64_t d = 0; d < hd; d++) {
        dot += qr[d] * Ks[j * hd + d];
        dp += dor[d] * Vs[j * hd + d];
      }
      const float pj = expf(capScore(dot * s.scale, s.cap, &dcap) - rowLse);
      const float ds = pj * (dp - rowD) * dcap * s.scale;
      for (int64_t d = 0; d < hd; d++) dqr[d] += ds * Ks[j * hd + d];
    }
  }
  if (active) {
    const int64_t at = (tile.base + p) * qw + h * hd;
    for (int64_t d = 0; d < hd; d++) dq[at + d] = dqr[d];
  }
}

constexpr int kQueryStage = 16;  // query rows per shared-memory stage of the dk/dv kernel

__global__ void dkvKernel(Shape s, const TileRef* tiles, const float* q, const float* k,
                          const float* v, const float* lse, const float* dout, const float* D,
                          float* dk, float* dv) {
  GFT_DYNAMIC_SHARED(float, staged);
  const int64_t hd = s.hd;
  float* Qs = staged;
  float* dOs = staged + kQueryStage * hd;
  float* lseS = staged + 2 * kQueryStage * hd;
  float* Ds = lseS + kQueryStage;
  const TileRef tile = tiles[blockIdx.x];
  const int64_t kvh = blockIdx.y;
  const int64_t qw = s.H * hd, kw = s.KV * hd;
  const int64_t j = tile.start + threadIdx.x;  // this thread's key (sequence-local)
  const bool active = j < tile.length;
  const int64_t tileLast = tile.end() - 1;
  const int64_t queryEnd =
      s.window > 0 && tileLast + s.window < tile.length ? tileLast + s.window : tile.length;
  float kr[kMaxHd], vr[kMaxHd], dkr[kMaxHd], dvr[kMaxHd];
  if (active) {
    const int64_t at = (tile.base + j) * kw + kvh * hd;
    for (int64_t d = 0; d < hd; d++) {
      kr[d] = k[at + d];
      vr[d] = v[at + d];
      dkr[d] = 0;
      dvr[d] = 0;
    }
  }
  for (int64_t g = 0; g < s.G; g++) {
    const int64_t h = kvh * s.G + g;
    for (int64_t q0 = tile.start; q0 < queryEnd; q0 += kQueryStage) {
      const int count = static_cast<int>(queryEnd - q0 < kQueryStage ? queryEnd - q0 : kQueryStage);
      __syncthreads();
      for (int64_t e = threadIdx.x; e < count * hd; e += blockDim.x) {
        const int64_t r = e / hd, d = e % hd, at = (tile.base + q0 + r) * qw + h * hd + d;
        Qs[e] = q[at];
        dOs[e] = dout[at];
      }
      for (int64_t r = threadIdx.x; r < count; r += blockDim.x) {
        lseS[r] = lse[(tile.base + q0 + r) * s.H + h];
        Ds[r] = D[(tile.base + q0 + r) * s.H + h];
      }
      __syncthreads();
      if (!active) continue;
      for (int i = 0; i < count; i++) {
        if (!visibleKey(q0 + i, j, s.window)) continue;
        float dot = 0, dp = 0, dcap;
        for (int64_t d = 0; d < hd; d++) {
          dot += Qs[i * hd + d] * kr[d];
          dp += dOs[i * hd + d] * vr[d];
        }
        const float pj = expf(capScore(dot * s.scale, s.cap, &dcap) - lseS[i]);
        const float ds = pj * (dp - Ds[i]) * dcap * s.scale;
        for (int64_t d = 0; d < hd; d++) {
          dvr[d] += pj * dOs[i * hd + d];
          dkr[d] += ds * Qs[i * hd + d];
        }
      }
    }
  }
  if (active) {
    const int64_t at = (tile.base + j) * kw + kvh * hd;
    for (int64_t d = 0; d < hd; d++) {
      dk[at + d] = dkr[d];
      dv[at + d] = dvr[d];
    }
  }
}

// The tile list in device memory for the length of one call.
struct DeviceTiles {
  std::vector<TileRef> host;
  Scratch device;
  DeviceTiles(CudaDevice& cuda, std::vector<TileRef> tiles)
      : host(std::move(tiles)), device(cuda, host.size() * sizeof(TileRef)) {
    cuda.upload(device.buffer(), 0, host.data(), host.size() * sizeof(TileRef));
  }
  unsigned count() const { return static_cast<unsigned>(host.size()); }
  const TileRef* get() const { return device.get<TileRef>(); }
};

void attentionForward(Device& device, const KernelArgs& a) {
  const AttentionParams at = readAttentionParams(a, "attentionForward", 5);
  const Shape s = shapeOf(at);
  if (s.T == 0) return;
  CudaDevice& cuda = cudaOf(device);
  DeviceTiles tiles(cuda, tilesOf(at.cu));
  const int keys = keysPerStage(s.hd);
  launch("attentionForward", forwardKernel, dim3(tiles.count(), static_cast<unsigned>(s.H)),
         kTile, 2 * keys * s.hd * sizeof(float), cuda.stream(), s, tiles.get(), a.ptr<float>(0),
         a.ptr<float>(1), a.ptr<float>(2), a.ptr<float>(3), a.ptr<float>(4), keys);
}

void attentionBackward(Device& device, const KernelArgs& a) {
  const AttentionParams at = readAttentionParams(a, "attentionBackward", 9);
  const Shape s = shapeOf(at);
  if (s.T == 0) return;
  CudaDevice& cuda = cudaOf(device);
  DeviceTiles tiles(cuda, tilesOf(at.cu));
  const float *q = a.ptr<float>(0), *k = a.ptr<float>(1), *v = a.ptr<float>(2);
  const float *out = a.ptr<float>(3), *lse = a.ptr<float>(4), *dout = a.ptr<float>(5);
  Scratch D(cuda, static_cast<size_t>(s.T * s.H) * sizeof(float));
  launch("attentionBackward", rowDotKernel, blocksFor(s.T * s.H), 256, 0, cuda.stream(), s, dout,
         out, D.get<float>());
  const int keys = keysPerStage(s.hd);
  launch("attentionBackward", dqKernel, dim3(tiles.count(), static_cast<unsigned>(s.H)), kTile,
         2 * keys * s.hd * sizeof(float), cuda.stream(), s, tiles.get(), q, k, v, lse, dout,
         D.get<float>(), a.ptr<float>(6), keys);
  launch("attentionBackward", dkvKernel, dim3(tiles.count(), static_cast<unsigned>(s.KV)), kTile,
         (2 * kQueryStage * s.hd + 2 * kQueryStage) * sizeof(float), cuda.stream(), s,
         tiles.get(), q, k, v, lse, dout, D.get<float>(), a.ptr<float>(7), a.ptr<float>(8));
}

}  // namespace

GFT_KERNEL(kDeviceName, "attentionForward", attentionForward);
GFT_KERNEL(kDeviceName, "attentionBackward", attentionBackward);

}  // namespace gft::cuda
