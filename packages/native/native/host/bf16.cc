// bf16 matmul of the host device: y = x . W^T and its input gradient dx = dy . W, for a frozen
// W [out, in] kept as bfloat16 (half the bytes of float32) and computed in float32, through the
// tiled stored-weight matmul (tiled_dequant_matmul.h). Widening bf16 to float32 is exact (the
// 16 bits become the high half), so results equal a float32 matmul of the upcast weight.
// Not here: rounding float32 to bf16 (done once, when the weight is stored).
//
// bf16MatMul / bf16MatMulGradX: buffers and params as engine/stored_weight_params.h reads them.
#include <cstring>
#include <string>

#include "../engine/registry.h"
#include "../engine/stored_weight_params.h"
#include "fused_util.h"
#include "kernel_util.h"
#include "tiled_dequant_matmul.h"

namespace gft::host {
namespace {

struct Bf16 {
  int64_t N, in, out;
  const uint16_t* halves;
};

Bf16 readBf16(const KernelArgs& a, const char* kernel, bool forward) {
  const Bf16Params p = readBf16Params(a, kernel, forward);
  return Bf16{p.N, p.in, p.out, reinterpret_cast<const uint16_t*>(a.ptr<int32_t>(1))};
}

// Float32 values of W's flat elements [e, e + count): each bf16 becomes the high half.
GFT_VECTORIZED void widen(const uint16_t* halves, int64_t e, int64_t count, float* dst) {
  uint32_t* bits = reinterpret_cast<uint32_t*>(dst);
  for (int64_t i = 0; i < count; i++) bits[i] = static_cast<uint32_t>(halves[e + i]) << 16;
}

void bf16MatMul(Device& device, const KernelArgs& a) {
  Bf16 w = readBf16(a, "bf16MatMul", true);
  storedMatMul(device, w.N, w.in, w.out, a.ptr<float>(0), a.ptr<float>(2),
               [&](int64_t e, int64_t count, float* dst) { widen(w.halves, e, count, dst); });
}

void bf16MatMulGradX(Device& device, const KernelArgs& a) {
  Bf16 w = readBf16(a, "bf16MatMulGradX", false);
  storedMatMulGradX(device, w.N, w.in, w.out, a.ptr<float>(0), a.ptr<float>(2),
                    [&](int64_t e, int64_t count, float* dst) { widen(w.halves, e, count, dst); });
}

}  // namespace

GFT_KERNEL(kDeviceName, "bf16MatMul", bf16MatMul);
GFT_KERNEL(kDeviceName, "bf16MatMulGradX", bf16MatMulGradX);

}  // namespace gft::host
