// bf16 matmul of the host device: y = x . W^T and its input gradient dx = dy . W, for a frozen
// W [out, in] kept as bfloat16 (half the bytes of float32) and computed in float32, through the
// tiled stored-weight matmul (tiled_dequant_matmul.h). Widening bf16 to float32 is exact (the
// 16 bits become the high half), so results equal a float32 matmul of the upcast weight.
// Not here: rounding float32 to bf16 (done once, when the weight is stored).
//
// bf16MatMul      buffers [x, packed, y]   params [N, in, out]
// bf16MatMulGradX buffers [dy, packed, dx] params [N, in, out]
//   x/dx [N, in], y/dy [N, out]; packed is int32 [ceil(out*in / 2)] holding two bf16 values
//   each, element 2k in the low half (the little-endian byte order of a safetensors BF16 tensor).
#include <cstring>
#include <string>

#include "../engine/registry.h"
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
  if (a.numBuffers != 3 || a.numParams != 3) {
    throw EngineError{std::string(kernel) + ": expected 3 buffers and params [N, in, out], got " +
                      std::to_string(a.numBuffers) + " buffers and " +
                      std::to_string(a.numParams) + " params"};
  }
  Bf16 w{a.i(0), a.i(1), a.i(2), reinterpret_cast<const uint16_t*>(a.ptr<int32_t>(1))};
  std::string sh = "N=" + std::to_string(w.N) + " in=" + std::to_string(w.in) +
                   " out=" + std::to_string(w.out);
  if (w.N < 0 || w.in < 0 || w.out < 0) throw EngineError{std::string(kernel) + ": bad shape " + sh};
  expectFloats(a, 0, w.N * (forward ? w.in : w.out), kernel, forward ? "x" : "dy",
               forward ? "[N, in] (" + sh + ")" : "[N, out] (" + sh + ")");
  expectFloats(a, 2, w.N * (forward ? w.out : w.in), kernel, forward ? "y" : "dx",
               forward ? "[N, out] (" + sh + ")" : "[N, in] (" + sh + ")");
  size_t packedBytes = static_cast<size_t>((w.in * w.out + 1) / 2) * 4;
  if (a.buffers[1]->bytes != packedBytes) {
    throw EngineError{std::string(kernel) + ": packed has " +
                      std::to_string(a.buffers[1]->bytes / 4) + " int32 elements, expected " +
                      std::to_string(packedBytes / 4) + " = ceil(out*in / 2) for " + sh};
  }
  return w;
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
