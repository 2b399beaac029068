// The params of the varlen attention kernels, read and checked the same way on every device:
//
// attentionForward  buffers [q, k, v, out, lse]
// attentionBackward buffers [q, k, v, out, lse, dout, dq, dk, dv]
//   params [T, H, KV, hd, scale, softcap, window, B, cu[0..B]]
//   q/out/dout/dq [T, H*hd], k/v/dk/dv [T, KV*hd], lse [T, H]. Scores are
//   s = scale * q.k, then cap * tanh(s / cap) when softcap > 0. Key j is visible to query i of
//   the same sequence iff 0 <= i - j (< window when window > 0).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_checks.h"

namespace gft {

struct AttentionParams {
  int64_t T, H, KV, hd, G, window;
  float scale, cap;
  std::vector<int64_t> cu;

  int64_t qWidth() const { return H * hd; }
  int64_t kvWidth() const { return KV * hd; }
  int64_t sequences() const { return static_cast<int64_t>(cu.size()) - 1; }
  int64_t length(int64_t s) const { return cu[s + 1] - cu[s]; }
  // First key (sequence-local) visible to query p.
  int64_t firstKey(int64_t p) const {
    return window > 0 ? std::max<int64_t>(0, p - window + 1) : 0;
  }
  std::string shapeText() const {
    return "T=" + std::to_string(T) + " H=" + std::to_string(H) + " KV=" + std::to_string(KV) +
           " hd=" + std::to_string(hd);
  }
};

// `buffers` is 5 (forward) or 9 (backward).
inline AttentionParams readAttentionParams(const KernelArgs& a, const char* kernel, int buffers) {
  if (a.numParams < 9 || a.numBuffers != buffers) {
    throw EngineError{std::string(kernel) + ": expected " + std::to_string(buffers) +
                      " buffers and params [T, H, KV, hd, scale, softcap, window, B, cu...], got " +
                      std::to_string(a.numBuffers) + " buffers and " +
                      std::to_string(a.numParams) + " params"};
  }
  AttentionParams s;
  s.T = a.i(0);
  s.H = a.i(1);
  s.KV = a.i(2);
  s.hd = a.i(3);
  s.scale = static_cast<float>(a.f(4));
  s.cap = static_cast<float>(a.f(5));
  s.window = a.i(6);
  const int64_t B = a.i(7);
  if (s.H <= 0 || s.KV <= 0 || s.H % s.KV != 0 || s.hd <= 0 || s.T < 0 || s.window < 0) {
    throw EngineError{std::string(kernel) + ": bad shape " + s.shapeText() + " window=" +
                      std::to_string(s.window) + " (H must be a positive multiple of KV)"};
  }
  s.G = s.H / s.KV;
  if (B < 1 || a.numParams != 9 + B) {
    throw EngineError{std::string(kernel) + ": " + std::to_string(a.numParams) +
                      " params do not hold cu_seqlens of " + std::to_string(B) + " sequences"};
  }
  s.cu.resize(B + 1);
  for (int64_t i = 0; i <= B; i++) s.cu[i] = a.i(8 + static_cast<int>(i));
  if (s.cu[0] != 0 || s.cu[B] != s.T) {
    throw EngineError{std::string(kernel) + ": cu_seqlens must start at 0 and end at T=" +
                      std::to_string(s.T)};
  }
  for (int64_t i = 0; i < B; i++) {
    if (s.cu[i + 1] <= s.cu[i]) {
      throw EngineError{std::string(kernel) + ": sequence " + std::to_string(i) + " has length " +
                        std::to_string(s.cu[i + 1] - s.cu[i])};
    }
  }
  const std::string sh = s.shapeText();
  expectFloats(a, 0, s.T * s.qWidth(), kernel, "q", "[T, H*hd] (" + sh + ")");
  expectFloats(a, 1, s.T * s.kvWidth(), kernel, "k", "[T, KV*hd] (" + sh + ")");
  expectFloats(a, 2, s.T * s.kvWidth(), kernel, "v", "[T, KV*hd] (" + sh + ")");
  expectFloats(a, 3, s.T * s.qWidth(), kernel, "out", "[T, H*hd] (" + sh + ")");
  expectFloats(a, 4, s.T * s.H, kernel, "lse", "[T, H] (" + sh + ")");
  if (buffers == 9) {
    expectFloats(a, 5, s.T * s.qWidth(), kernel, "dout", "[T, H*hd] (" + sh + ")");
    expectFloats(a, 6, s.T * s.qWidth(), kernel, "dq", "[T, H*hd] (" + sh + ")");
    expectFloats(a, 7, s.T * s.kvWidth(), kernel, "dk", "[T, KV*hd] (" + sh + ")");
    expectFloats(a, 8, s.T * s.kvWidth(), kernel, "dv", "[T, KV*hd] (" + sh + ")");
  }
  return s;
}

}  // namespace gft
