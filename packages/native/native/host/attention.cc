// Varlen attention of the host device, forward and backward, flash-attention style. Work is
// split per sequence of cu_seqlens, per KV head (its G = H / KV query heads stacked as rows, so
// one K/V block serves the whole group) and per block of query positions; scores are made one
// key block at a time with single-threaded sgemm and folded into an online softmax, so no
// T x T (or S x S) matrix ever exists. The forward also writes the log-sum-exp of each
// (query, head) row, from which the backward recomputes the probabilities.
// Not here: RoPE, the projections, dropout (gft trains without attention dropout).
//
// attentionForward / attentionBackward: buffers and params as engine/attention_params.h reads
// them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "../engine/attention_params.h"
#include "../engine/registry.h"
#include "fused_util.h"
#include "kernel_util.h"
#include "vec_math.h"

namespace gft::host {
namespace {

// Query rows (positions x heads of a group) per block: enough for sgemm to run near peak,
// few enough that a block's scores stay in L2.
// (On the `small` preset, 64..256 rows and 128..1024 keys per block time the same within noise.)
constexpr int64_t kRowsTarget = 128;
// Keys per block. The forward takes longer blocks (fewer online-softmax rescales).
constexpr int64_t kForwardKeys = 256;
constexpr int64_t kBackwardKeys = 128;

// The shared params plus how the host splits the work.
struct Attn : AttentionParams {
  // Query positions per block.
  int64_t queryBlock() const { return std::max<int64_t>(8, kRowsTarget / G); }
  // (query, key) pairs a sequence of length L computes, for load balancing.
  double pairs(int64_t L) const {
    double l = static_cast<double>(L);
    if (window > 0 && window < L) {
      double w = static_cast<double>(window);
      return w * (w + 1) / 2 + (l - w) * w;
    }
    return l * (l + 1) / 2;
  }
};

Attn readAttn(const KernelArgs& a, const char* kernel, int buffers) {
  return Attn{readAttentionParams(a, kernel, buffers)};
}

// ---- vectorised row pieces (reductions: fused_util.h) ----

GFT_VECTORIZED void softcapInPlace(float* x, int64_t n, float cap) {
  float inv = 1.0f / cap;
  for (int64_t i = 0; i < n; i++) x[i] = cap * fastTanh(x[i] * inv);
}

GFT_VECTORIZED void expShift(float* x, int64_t n, float shift) {
  for (int64_t i = 0; i < n; i++) x[i] = fastExp(x[i] - shift);
}

GFT_VECTORIZED void scaleRow(float* x, int64_t n, float c) {
  for (int64_t i = 0; i < n; i++) x[i] *= c;
}

// Softcap and probabilities of one backward row segment: x = scores in, P out; dcap gets the
// softcap's derivative 1 - tanh^2 (when capped).
GFT_VECTORIZED void probsCapped(float* x, float* dcap, int64_t n, float cap, float lse) {
  float inv = 1.0f / cap;
  for (int64_t i = 0; i < n; i++) {
    float t = fastTanh(x[i] * inv);
    dcap[i] = 1.0f - t * t;
    x[i] = fastExp(cap * t - lse);
  }
}

// dS = P * (dP - D) [* softcap derivative], in place over dP.
GFT_VECTORIZED void scoreGrad(const float* p, float* dp, const float* dcap, int64_t n, float d) {
  if (dcap != nullptr) {
    for (int64_t i = 0; i < n; i++) dp[i] = p[i] * (dp[i] - d) * dcap[i];
  } else {
    for (int64_t i = 0; i < n; i++) dp[i] = p[i] * (dp[i] - d);
  }
}

inline void zeroOutside(float* row, int64_t n, int64_t a, int64_t b) {
  if (a > 0) std::memset(row, 0, static_cast<size_t>(a) * 4);
  if (b < n) std::memset(row + b, 0, static_cast<size_t>(n - b) * 4);
}

// Visible keys [a, b) of query p inside key block [k0, k1), block-local.
inline void visible(const Attn& s, int64_t p, int64_t k0, int64_t k1, int64_t* a, int64_t* b) {
  *a = std::max(k0, s.firstKey(p)) - k0;
  *b = std::min(k1, p + 1) - k0;
}

// ---- forward ----

struct ForwardScratch {
  std::vector<float> q, o, s, m, l;
};
thread_local ForwardScratch tlsForward;

struct Tensors {
  const float *q, *k, *v, *out, *lse, *dout;
  float *outW, *lseW, *dq, *dk, *dv;
};

// Rows of a query block [q0, q1) of sequence `seq`, KV head `kvh`: row r = g * nq + (p - q0).
void packRows(const Attn& s, const float* src, int64_t base, int64_t q0, int64_t nq, int64_t kvh,
              float* dst) {
  for (int64_t g = 0; g < s.G; g++) {
    for (int64_t i = 0; i < nq; i++) {
      std::memcpy(dst + (g * nq + i) * s.hd,
                  src + (base + q0 + i) * s.qWidth() + (kvh * s.G + g) * s.hd,
                  static_cast<size_t>(s.hd) * 4);
    }
  }
}

void forwardBlock(const Attn& s, const Tensors& t, int64_t seq, int64_t kvh, int64_t q0,
                  int64_t q1) {
  const int64_t base = s.cu[seq], nq = q1 - q0, rows = s.G * nq, hd = s.hd;
  const int64_t kw = s.kvWidth();
  ForwardScratch& w = tlsForward;
  float* Q = scratch(w.q, rows * hd);
  float* O = scratch(w.o, rows * hd);
  float* S = scratch(w.s, rows * kForwardKeys);
  float* M = scratch(w.m, rows);
  float* L = scratch(w.l, rows);
  packRows(s, t.q, base, q0, nq, kvh, Q);
  std::memset(O, 0, static_cast<size_t>(rows * hd) * 4);
  for (int64_t r = 0; r < rows; r++) {
    M[r] = -std::numeric_limits<float>::infinity();
    L[r] = 0;
  }
  for (int64_t k0 = s.firstKey(q0); k0 < q1; k0 += kForwardKeys) {
    const int64_t k1 = std::min(q1, k0 + kForwardKeys), nk = k1 - k0;
    const int64_t kvOffset = (base + k0) * kw + kvh * hd;
    gemm(false, true, rows, nk, hd, s.scale, Q, hd, t.k + kvOffset, kw, 0.0f, S, nk);
    for (int64_t r = 0; r < rows; r++) {
      float* row = S + r * nk;
      int64_t a, b;
      visible(s, q0 + r % nq, k0, k1, &a, &b);
      if (a >= b) {
        std::memset(row, 0, static_cast<size_t>(nk) * 4);
        continue;
      }
      if (s.cap > 0) softcapInPlace(row + a, b - a, s.cap);
      float mx = laneMax(row + a, b - a);
      float mNew = mx > M[r] ? mx : M[r];
      expShift(row + a, b - a, mNew);
      zeroOutside(row, nk, a, b);
      // exp(-inf) = 0 on the first block: the empty accumulator is simply replaced.
      float c = fastExp(M[r] - mNew);
      L[r] = L[r] * c + laneSum(row + a, b - a);
      M[r] = mNew;
      if (c != 1.0f) scaleRow(O + r * hd, hd, c);
    }
    gemm(false, false, rows, hd, nk, 1.0f, S, nk, t.v + kvOffset, kw, 1.0f, O, hd);
  }
  for (int64_t g = 0; g < s.G; g++) {
    const int64_t h = kvh * s.G + g;
    for (int64_t i = 0; i < nq; i++) {
      const int64_t r = g * nq + i, p = base + q0 + i;
      scaleRow(O + r * hd, hd, 1.0f / L[r]);
      std::memcpy(t.outW + p * s.qWidth() + h * hd, O + r * hd, static_cast<size_t>(hd) * 4);
      t.lseW[p * s.H + h] = M[r] + std::log(L[r]);
    }
  }
}

struct Task {
  int64_t seq, kvh, b0, b1;
  double cost;
};

void sortLargestFirst(std::vector<Task>& tasks) {
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const Task& x, const Task& y) { return x.cost > y.cost; });
}

void attentionForward(Device& device, const KernelArgs& a) {
  Attn s = readAttn(a, "attentionForward", 5);
  Tensors t{};
  t.q = a.ptr<float>(0);
  t.k = a.ptr<float>(1);
  t.v = a.ptr<float>(2);
  t.outW = a.ptr<float>(3);
  t.lseW = a.ptr<float>(4);
  if (s.T == 0) return;
  std::vector<Task> tasks;
  const int64_t bq = s.queryBlock();
  for (int64_t seq = 0; seq < s.sequences(); seq++) {
    const int64_t L = s.length(seq);
    for (int64_t q0 = 0; q0 < L; q0 += bq) {
      const int64_t q1 = std::min(L, q0 + bq);
      double cost = static_cast<double>(q1 - q0) * static_cast<double>(q1 - s.firstKey(q0));
      for (int64_t kvh = 0; kvh < s.KV; kvh++) tasks.push_back({seq, kvh, q0, q1, cost});
    }
  }
  sortLargestFirst(tasks);
  SerialBlas serial;
  dynamicFor(poolOf(device), static_cast<int64_t>(tasks.size()), [&](int64_t i) {
    const Task& k = tasks[i];
    forwardBlock(s, t, k.seq, k.kvh, k.b0, k.b1);
  });
}

// ---- backward ----

struct BackwardScratch {
  std::vector<float> q, dout, dq, lse, d, s, dp, dcap;
};
thread_local BackwardScratch tlsBackward;

// One query block's packed operands, shared by the key blocks it meets.
struct QueryRows {
  int64_t base, kvh, q0, nq, rows;
  float *Q, *dO, *lse, *D;
};

QueryRows packQuery(const Attn& s, const Tensors& t, const float* Dall, int64_t seq,
                    int64_t kvh, int64_t q0, int64_t q1) {
  BackwardScratch& w = tlsBackward;
  QueryRows qr;
  qr.base = s.cu[seq];
  qr.kvh = kvh;
  qr.q0 = q0;
  qr.nq = q1 - q0;
  qr.rows = s.G * qr.nq;
  qr.Q = scratch(w.q, qr.rows * s.hd);
  qr.dO = scratch(w.dout, qr.rows * s.hd);
  qr.lse = scratch(w.lse, qr.rows);
  qr.D = scratch(w.d, qr.rows);
  packRows(s, t.q, qr.base, q0, qr.nq, kvh, qr.Q);
  packRows(s, t.dout, qr.base, q0, qr.nq, kvh, qr.dO);
  for (int64_t g = 0; g < s.G; g++) {
    for (int64_t i = 0; i < qr.nq; i++) {
      const int64_t at = (qr.base + q0 + i) * s.H + kvh * s.G + g;
      qr.lse[g * qr.nq + i] = t.lse[at];
      qr.D[g * qr.nq + i] = Dall[at];
    }
  }
  return qr;
}

// Gradient contributions of query rows `qr` against keys [k0, k1): adds scale * dS K to dQ
// (packed rows, when given) and P^T dO, scale * dS^T Q to dV, dK (when wantKv).
void gradBlock(const Attn& s, const Tensors& t, const QueryRows& qr, int64_t k0, int64_t k1,
               float* dQ, bool wantKv) {
  BackwardScratch& w = tlsBackward;
  const int64_t rows = qr.rows, nk = k1 - k0, hd = s.hd, kw = s.kvWidth();
  const int64_t kvOffset = (qr.base + k0) * kw + qr.kvh * hd;
  float* P = scratch(w.s, rows * kBackwardKeys);
  float* dP = scratch(w.dp, rows * kBackwardKeys);
  float* dcap = s.cap > 0 ? scratch(w.dcap, rows * kBackwardKeys) : nullptr;
  gemm(false, true, rows, nk, hd, s.scale, qr.Q, hd, t.k + kvOffset, kw, 0.0f, P, nk);
  for (int64_t r = 0; r < rows; r++) {
    float* row = P + r * nk;
    int64_t a, b;
    visible(s, qr.q0 + r % qr.nq, k0, k1, &a, &b);
    if (a >= b) {
      std::memset(row, 0, static_cast<size_t>(nk) * 4);
      continue;
    }
    if (dcap != nullptr) {
      probsCapped(row + a, dcap + r * nk + a, b - a, s.cap, qr.lse[r]);
    } else {
      expShift(row + a, b - a, qr.lse[r]);
    }
    zeroOutside(row, nk, a, b);
  }
  if (wantKv) {
    gemm(true, false, nk, hd, rows, 1.0f, P, nk, qr.dO, hd, 1.0f, t.dv + kvOffset, kw);
  }
  gemm(false, true, rows, nk, hd, 1.0f, qr.dO, hd, t.v + kvOffset, kw, 0.0f, dP, nk);
  for (int64_t r = 0; r < rows; r++) {
    float* row = dP + r * nk;
    int64_t a, b;
    visible(s, qr.q0 + r % qr.nq, k0, k1, &a, &b);
    if (a >= b) {
      std::memset(row, 0, static_cast<size_t>(nk) * 4);
      continue;
    }
    scoreGrad(P + r * nk + a, row + a, dcap != nullptr ? dcap + r * nk + a : nullptr, b - a,
              qr.D[r]);
    zeroOutside(row, nk, a, b);
  }
  if (dQ != nullptr) {
    gemm(false, false, rows, hd, nk, s.scale, dP, nk, t.k + kvOffset, kw, 1.0f, dQ, hd);
  }
  if (wantKv) {
    gemm(true, false, nk, hd, rows, s.scale, dP, nk, qr.Q, hd, 1.0f, t.dk + kvOffset, kw);
  }
}

void scatterDq(const Attn& s, const Tensors& t, const QueryRows& qr, const float* dQ) {
  for (int64_t g = 0; g < s.G; g++) {
    for (int64_t i = 0; i < qr.nq; i++) {
      std::memcpy(t.dq + (qr.base + qr.q0 + i) * s.qWidth() + (qr.kvh * s.G + g) * s.hd,
                  dQ + (g * qr.nq + i) * s.hd, static_cast<size_t>(s.hd) * 4);
    }
  }
}

// dQ of one query block: all the key blocks it sees.
void dqBlock(const Attn& s, const Tensors& t, const float* D, int64_t seq, int64_t kvh,
             int64_t q0, int64_t q1, bool wantKv) {
  QueryRows qr = packQuery(s, t, D, seq, kvh, q0, q1);
  float* dQ = scratch(tlsBackward.dq, qr.rows * s.hd);
  std::memset(dQ, 0, static_cast<size_t>(qr.rows * s.hd) * 4);
  for (int64_t k0 = s.firstKey(q0) / kBackwardKeys * kBackwardKeys; k0 < q1; k0 += kBackwardKeys) {
    gradBlock(s, t, qr, k0, std::min(q1, k0 + kBackwardKeys), dQ, wantKv);
  }
  scatterDq(s, t, qr, dQ);
}

// dK, dV of one key block: all the query blocks that see it.
void dkvBlock(const Attn& s, const Tensors& t, const float* D, int64_t seq, int64_t kvh,
              int64_t k0, int64_t k1) {
  const int64_t L = s.length(seq), bq = s.queryBlock();
  const int64_t qEnd = s.window > 0 ? std::min(L, k1 - 1 + s.window) : L;
  for (int64_t q0 = k0 / bq * bq; q0 < qEnd; q0 += bq) {
    const int64_t q1 = std::min(L, q0 + bq);
    QueryRows qr = packQuery(s, t, D, seq, kvh, q0, q1);
    if (std::min(k1, q1) > k0) gradBlock(s, t, qr, k0, std::min(k1, q1), nullptr, true);
  }
}

void attentionBackward(Device& device, const KernelArgs& a) {
  Attn s = readAttn(a, "attentionBackward", 9);
  Tensors t{};
  t.q = a.ptr<float>(0);
  t.k = a.ptr<float>(1);
  t.v = a.ptr<float>(2);
  t.out = a.ptr<float>(3);
  t.lse = a.ptr<float>(4);
  t.dout = a.ptr<float>(5);
  t.dq = a.ptr<float>(6);
  t.dk = a.ptr<float>(7);
  t.dv = a.ptr<float>(8);
  if (s.T == 0) return;
  ThreadPool& pool = poolOf(device);
  // D = rowsum(dO * O) per (query, head): the softmax backward's correction term.
  std::vector<float> D(static_cast<size_t>(s.T * s.H));
  pool.parallelFor(s.T * s.H, std::max<int64_t>(1, kGrain / s.hd), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) D[r] = laneDot(t.dout + r * s.hd, t.out + r * s.hd, s.hd);
  });
  std::memset(t.dk, 0, static_cast<size_t>(s.T * s.kvWidth()) * 4);
  std::memset(t.dv, 0, static_cast<size_t>(s.T * s.kvWidth()) * 4);

  // One task per (sequence, KV head) computes dQ, dK and dV together (5 products per block
  // pair) with no write shared between tasks. When that leaves threads idle (one long
  // sequence, few KV heads), dK/dV by key block and dQ by query block run as two passes
  // (7 products per pair, but as many tasks as blocks).
  double total = 0, largest = 0;
  for (int64_t seq = 0; seq < s.sequences(); seq++) {
    double c = s.pairs(s.length(seq));
    total += c * static_cast<double>(s.KV);
    largest = std::max(largest, c);
  }
  const double threads = pool.size();
  const bool fused = 5.0 * std::max(largest, total / threads) <= 7.0 * total / threads;
  SerialBlas serial;
  const int64_t bq = s.queryBlock();
  if (fused) {
    std::vector<Task> tasks;
    for (int64_t seq = 0; seq < s.sequences(); seq++) {
      for (int64_t kvh = 0; kvh < s.KV; kvh++) {
        tasks.push_back({seq, kvh, 0, s.length(seq), s.pairs(s.length(seq))});
      }
    }
    sortLargestFirst(tasks);
    dynamicFor(pool, static_cast<int64_t>(tasks.size()), [&](int64_t i) {
      const Task& k = tasks[i];
      for (int64_t q0 = 0; q0 < k.b1; q0 += bq) {
        dqBlock(s, t, D.data(), k.seq, k.kvh, q0, std::min(k.b1, q0 + bq), true);
      }
    });
    return;
  }
  std::vector<Task> kvTasks, qTasks;
  for (int64_t seq = 0; seq < s.sequences(); seq++) {
    const int64_t L = s.length(seq);
    for (int64_t kvh = 0; kvh < s.KV; kvh++) {
      for (int64_t k0 = 0; k0 < L; k0 += kBackwardKeys) {
        const int64_t k1 = std::min(L, k0 + kBackwardKeys);
        const int64_t qEnd = s.window > 0 ? std::min(L, k1 - 1 + s.window) : L;
        kvTasks.push_back({seq, kvh, k0, k1, static_cast<double>((k1 - k0) * (qEnd - k0))});
      }
      for (int64_t q0 = 0; q0 < L; q0 += bq) {
        const int64_t q1 = std::min(L, q0 + bq);
        const double cost = static_cast<double>((q1 - q0) * (q1 - s.firstKey(q0)));
        qTasks.push_back({seq, kvh, q0, q1, cost});
      }
    }
  }
  sortLargestFirst(kvTasks);
  sortLargestFirst(qTasks);
  dynamicFor(pool, static_cast<int64_t>(kvTasks.size()), [&](int64_t i) {
    const Task& k = kvTasks[i];
    dkvBlock(s, t, D.data(), k.seq, k.kvh, k.b0, k.b1);
  });
  dynamicFor(pool, static_cast<int64_t>(qTasks.size()), [&](int64_t i) {
    const Task& k = qTasks[i];
    dqBlock(s, t, D.data(), k.seq, k.kvh, k.b0, k.b1, false);
  });
}

}  // namespace

GFT_KERNEL(kDeviceName, "attentionForward", attentionForward);
GFT_KERNEL(kDeviceName, "attentionBackward", attentionBackward);

}  // namespace gft::host
