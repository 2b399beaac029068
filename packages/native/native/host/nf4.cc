// NF4 matmul of the host device: y = x . dequant(W)^T and its input gradient dx = dy . dequant(W),
// for W [out, in] stored as bitsandbytes NF4 codes (two per byte, high nibble first) with one
// float32 scale per `blockSize` elements, through the tiled stored-weight matmul
// (tiled_dequant_matmul.h). The codes and scales are frozen: there is no gradient for them.
// Not here: double quantisation of the scales (undone before the call), quantisation itself.
//
// nf4MatMul / nf4MatMulGradX: buffers and params as engine/stored_weight_params.h reads them.
#include <algorithm>
#include <vector>

#include "../engine/registry.h"
#include "../engine/stored_weight_params.h"
#include "fused_util.h"
#include "kernel_util.h"
#include "tiled_dequant_matmul.h"

namespace gft::host {
namespace {

// bitsandbytes' NF4 code (plugins/qlora/src/nf4-tables.ts), exact float32 values.
constexpr float kNf4Code[16] = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f,
};

struct Nf4 {
  int64_t N, in, out, blockSize, perElement;
  const int32_t* packed;
  const float* absmax;
};

Nf4 readNf4(const KernelArgs& a, const char* kernel, bool forward) {
  const Nf4Params p = readNf4Params(a, kernel, forward);
  return Nf4{p.N, p.in, p.out, p.blockSize, p.perElement, a.ptr<int32_t>(1), a.ptr<float>(2)};
}

inline float codeAt(const Nf4& w, int64_t k) {
  uint32_t unit = static_cast<uint32_t>(w.packed[w.perElement == 2 ? k >> 1 : k >> 3]);
  uint32_t byte = w.perElement == 2 ? unit & 0xffu : (unit >> (((k >> 1) & 3) * 8)) & 0xffu;
  return kNf4Code[(k & 1) ? (byte & 15u) : (byte >> 4)];
}

typedef uint32_t U32x16 __attribute__((vector_size(64)));
typedef int32_t I32x16 __attribute__((vector_size(64)));

// Codes of whole int32 units [u0, u0 + units): `per` codes each, high nibble of each byte
// first. 16 codes at a time: nibble indices by per-lane shifts, values by a 16-entry table
// shuffle (one vpermps where AVX-512 is there).
template <int per>
GFT_VECTORIZED void decodeUnits(const int32_t* packed, int64_t u0, int64_t units, float* dst) {
  Lanes16 table;
  std::memcpy(&table, kNf4Code, 64);
  constexpr int unitsPer16 = 16 / per;
  U32x16 shifts;
  I32x16 pick;
  for (int t = 0; t < 16; t++) {
    int inUnit = t % per;
    shifts[t] = static_cast<uint32_t>((inUnit >> 1) * 8 + ((inUnit & 1) ? 0 : 4));
    pick[t] = t / per;
  }
  int64_t u = 0;
  for (; u + unitsPer16 <= units; u += unitsPer16) {
    I32x16 raw = {};
    std::memcpy(&raw, packed + u0 + u, unitsPer16 * 4);
    U32x16 words = reinterpret_cast<U32x16>(__builtin_shuffle(raw, pick));
    I32x16 idx = reinterpret_cast<I32x16>((words >> shifts) & 15u);
    Lanes16 values = __builtin_shuffle(table, idx);
    std::memcpy(dst + u * per, &values, 64);
  }
  for (; u < units; u++) {
    uint32_t word = static_cast<uint32_t>(packed[u0 + u]);
    for (int t = 0; t < per; t++) {
      int shift = (t >> 1) * 8 + ((t & 1) ? 0 : 4);
      dst[u * per + t] = kNf4Code[(word >> shift) & 15u];
    }
  }
}

// Codes of elements [e, e + count) of W (flat row-major index), without the scale.
void decodeCodes(const Nf4& w, int64_t e, int64_t count, float* dst) {
  const int64_t per = w.perElement;
  int64_t i = 0;
  // Head up to a unit boundary, whole units, then the tail, element by element.
  for (; i < count && (e + i) % per != 0; i++) dst[i] = codeAt(w, e + i);
  int64_t units = (count - i) / per;
  if (per == 2) {
    decodeUnits<2>(w.packed, (e + i) / per, units, dst + i);
  } else {
    decodeUnits<8>(w.packed, (e + i) / per, units, dst + i);
  }
  i += units * per;
  for (; i < count; i++) dst[i] = codeAt(w, e + i);
}

// Dense elements [e, e + count) of W: codes times their block's scale.
void dequant(const Nf4& w, int64_t e, int64_t count, float* dst) {
  decodeCodes(w, e, count, dst);
  int64_t i = 0;
  while (i < count) {
    int64_t block = (e + i) / w.blockSize;
    int64_t end = std::min(count, (block + 1) * w.blockSize - e);
    float scale = w.absmax[block];
    for (int64_t j = i; j < end; j++) dst[j] *= scale;
    i = end;
  }
}

void nf4MatMul(Device& device, const KernelArgs& a) {
  Nf4 w = readNf4(a, "nf4MatMul", true);
  storedMatMul(device, w.N, w.in, w.out, a.ptr<float>(0), a.ptr<float>(3),
               [&](int64_t e, int64_t count, float* dst) { dequant(w, e, count, dst); });
}

void nf4MatMulGradX(Device& device, const KernelArgs& a) {
  Nf4 w = readNf4(a, "nf4MatMulGradX", false);
  storedMatMulGradX(device, w.N, w.in, w.out, a.ptr<float>(0), a.ptr<float>(3),
                    [&](int64_t e, int64_t count, float* dst) { dequant(w, e, count, dst); });
}

}  // namespace

GFT_KERNEL(kDeviceName, "nf4MatMul", nf4MatMul);
GFT_KERNEL(kDeviceName, "nf4MatMulGradX", nf4MatMulGradX);

}  // namespace gft::host
