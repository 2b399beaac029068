// Switching between the SIMT emulator's fibers. On x86-64 a switch saves the callee-saved
// registers and the floating-point control words on the old stack and pops them from the new
// one (the System V ABI leaves everything else to the caller); elsewhere it is ucontext.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)

extern "C" void gft_simt_switch(void** saveStack, void* loadStack);

namespace gft::simt {

struct FiberContext {
  void* stack = nullptr;
};

// Suspends the caller in `from` and resumes `to`.
inline void switchFiber(FiberContext& from, FiberContext& to) {
  gft_simt_switch(&from.stack, to.stack);
}

// Prepares `context` so that switching to it calls entry() on the given stack. entry must
// never return (it switches away for the last time instead).
inline void startFiber(FiberContext& context, char* stack, size_t bytes, void (*entry)()) {
  auto top = reinterpret_cast<uintptr_t>(stack + bytes) & ~uintptr_t{15};
  // Nine slots: after the eight are popped, `ret` leaves the stack at top - 8.
  auto* slots = reinterpret_cast<uint64_t*>(top) - 9;
  // Popped in order: control words, r15, r14, r13, r12, rbx, rbp; then `ret` into entry with
  // the stack 8 below a 16-byte boundary, as after a call.
  uint32_t mxcsr;
  uint16_t fpuControl;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpuControl));
  slots[0] = mxcsr | (uint64_t{fpuControl} << 32);
  for (int i = 1; i <= 6; i++) slots[i] = 0;
  slots[7] = reinterpret_cast<uint64_t>(entry);
  context.stack = slots;
}

}  // namespace gft::simt

#else

#include <ucontext.h>

namespace gft::simt {

struct FiberContext {
  ucontext_t context;
};

inline void switchFiber(FiberContext& from, FiberContext& to) {
  swapcontext(&from.context, &to.context);
}

inline void startFiber(FiberContext& context, char* stack, size_t bytes, void (*entry)()) {
  getcontext(&context.context);
  context.context.uc_stack.ss_sp = stack;
  context.context.uc_stack.ss_size = bytes;
  context.context.uc_link = nullptr;
  makecontext(&context.context, entry, 0);
}

}  // namespace gft::simt

#endif
