// The host device's matmul against a stored (compressed) weight: y = x . W^T and its input
// gradient dx = dy . W, for W [out, in] kept in some compact form (NF4 codes, bf16 halves).
// Each task decodes one tile of W into thread-local float32 memory and multiplies it with a
// single-threaded sgemm, so the dense weight never exists whole. The weight kinds differ
// only in `decode(e, count, dst)`: the dense float32 values of W's flat row-major elements
// [e, e + count).
// Not here: any weight format (nf4.cc, bf16.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fused_util.h"
#include "host_device.h"

namespace gft::host {

namespace tiled {

// Floats of W a task decodes at once (1 MiB): wide tiles let one sgemm reuse each packed
// panel of x across many lines of W, and the dense copy per thread stays bounded.
constexpr int64_t kTileElements = 1 << 18;
// Fewest lines of W (rows forward, columns backward) per tile.
constexpr int64_t kMinTileLines = 16;
// Fewest rows of x per task when rows are split to give every thread work (each task
// decodes its tile again, so chunks must be long enough to amortise that).
constexpr int64_t kMinRowChunk = 256;

inline thread_local std::vector<float> tile;

// Tasks: tiles of `lines` lines of W (of `total`), times chunks of x's N rows when tiles
// alone give the threads too little to do. Long row chunks first; narrower tiles only when x
// has too few rows to split.
struct Split {
  int64_t lines, tiles, rowChunk, chunks;
};

inline Split split(int64_t N, int64_t total, int64_t lineLength, int threads) {
  Split s;
  const int64_t want = 2 * static_cast<int64_t>(threads);
  const int64_t fit = kTileElements / std::max<int64_t>(1, lineLength);
  s.lines = std::min(total, std::max(kMinTileLines, fit));
  s.tiles = (total + s.lines - 1) / s.lines;
  s.chunks = 1;
  if (s.tiles < want) {
    s.chunks = std::max<int64_t>(1, std::min((want + s.tiles - 1) / s.tiles, N / kMinRowChunk));
    if (s.tiles * s.chunks < threads) {
      s.lines = std::min(total, std::max(kMinTileLines, (total + want - 1) / want));
      s.tiles = (total + s.lines - 1) / s.lines;
      s.chunks = 1;
    }
  }
  s.rowChunk = (N + s.chunks - 1) / s.chunks;
  return s;
}

}  // namespace tiled

// y [N, out] = x [N, in] . W^T
template <typename Decode>
void storedMatMul(Device& device, int64_t N, int64_t in, int64_t out, const float* x, float* y,
                  const Decode& decode) {
  if (N == 0 || out == 0) return;
  if (in == 0) {
    std::memset(y, 0, static_cast<size_t>(N * out) * 4);
    return;
  }
  ThreadPool& pool = poolOf(device);
  tiled::Split s = tiled::split(N, out, in, pool.size());
  SerialBlas serial;
  dynamicFor(pool, s.tiles * s.chunks, [&](int64_t task) {
    const int64_t r0 = (task / s.chunks) * s.lines, r1 = std::min(out, r0 + s.lines);
    const int64_t n0 = (task % s.chunks) * s.rowChunk, n1 = std::min(N, n0 + s.rowChunk);
    float* w = scratch(tiled::tile, (r1 - r0) * in);
    decode(r0 * in, (r1 - r0) * in, w);
    gemm(false, true, n1 - n0, r1 - r0, in, 1.0f, x + n0 * in, in, w, in, 0.0f,
         y + n0 * out + r0, out);
  });
}

// dx [N, in] = dy [N, out] . W
template <typename Decode>
void storedMatMulGradX(Device& device, int64_t N, int64_t in, int64_t out, const float* dy,
                       float* dx, const Decode& decode) {
  if (N == 0 || in == 0) return;
  if (out == 0) {
    std::memset(dx, 0, static_cast<size_t>(N * in) * 4);
    return;
  }
  ThreadPool& pool = poolOf(device);
  // Tiles of W's columns, so each task owns its columns of dx (no shared accumulation).
  tiled::Split s = tiled::split(N, in, out, pool.size());
  SerialBlas serial;
  dynamicFor(pool, s.tiles * s.chunks, [&](int64_t task) {
    const int64_t c0 = (task / s.chunks) * s.lines, c1 = std::min(in, c0 + s.lines);
    const int64_t n0 = (task % s.chunks) * s.rowChunk, n1 = std::min(N, n0 + s.rowChunk);
    const int64_t cols = c1 - c0;
    float* w = scratch(tiled::tile, out * cols);
    for (int64_t r = 0; r < out; r++) decode(r * in + c0, cols, w + r * cols);
    gemm(false, false, n1 - n0, cols, out, 1.0f, dy + n0 * out, out, w, cols, 0.0f,
         dx + n0 * in + c0, in);
  });
}

}  // namespace gft::host
