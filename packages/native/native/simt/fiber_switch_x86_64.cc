// gft_simt_switch (fiber_switch.h) for x86-64 System V: the callee-saved registers and the
// MXCSR / x87 control words go onto the current stack, its pointer into *saveStack, and the
// same come off loadStack.
#if defined(__x86_64__)
asm(R"(
  .text
  .globl gft_simt_switch
  .hidden gft_simt_switch
  .type gft_simt_switch, @function
gft_simt_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size gft_simt_switch, .-gft_simt_switch
  .section .note.GNU-stack,"",@progbits
)");
#endif
