// The script's own stack. A script that runs past busy-reply-threshold must
// let the server answer other clients (BUSY, SCRIPT KILL) while it is still
// underway, as processEventsWhileBlocked lets redis-server do. The engine's
// event loop cannot be re-entered from inside a command, so instead every
// script runs on a stack of its own, and the count hook can switch back to
// the host's stack: the EVAL handler returns, the event loop turns, and the
// engine switches back in to continue the script where it stopped.
//
// The switch saves and restores only what the calling convention says a
// callee preserves (and the FPU control words), so it costs a few
// nanoseconds and no system call; no Lua error ever crosses it, because the
// script's side runs its Lua work inside lua_cpcall.
#include "lua_internal.h"
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define SCRIPT_STACK_SIZE (8u << 20)   /* reserved, not committed: pages count only once touched */

/* void rc_switch(void **save_sp, void *load_sp) and the entry trampoline. */
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".hidden rc_switch\n"
    ".globl rc_switch\n"
    ".type rc_switch,@function\n"
    "rc_switch:\n"
    "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
    "  subq $8, %rsp\n  stmxcsr (%rsp)\n  fnstcw 4(%rsp)\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  ldmxcsr (%rsp)\n  fldcw 4(%rsp)\n  addq $8, %rsp\n"
    "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
    "  ret\n"
    ".size rc_switch, .-rc_switch\n"
    ".p2align 4\n"
    ".hidden rc_switch_entry\n"
    ".globl rc_switch_entry\n"
    ".type rc_switch_entry,@function\n"
    "rc_switch_entry:\n"
    "  movq %rbx, %rdi\n  callq *%r12\n  ud2\n"
    ".size rc_switch_entry, .-rc_switch_entry\n");
#define HAVE_SCRIPT_STACK 1
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".hidden rc_switch\n"
    ".globl rc_switch\n"
    ".type rc_switch,%function\n"
    "rc_switch:\n"
    "  sub sp, sp, #176\n"
    "  stp x19, x20, [sp, #0]\n  stp x21, x22, [sp, #16]\n  stp x23, x24, [sp, #32]\n"
    "  stp x25, x26, [sp, #48]\n  stp x27, x28, [sp, #64]\n  stp x29, x30, [sp, #80]\n"
    "  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
    "  mov x2, sp\n  str x2, [x0]\n"
    "  mov sp, x1\n"
    "  ldp x19, x20, [sp, #0]\n  ldp x21, x22, [sp, #16]\n  ldp x23, x24, [sp, #32]\n"
    "  ldp x25, x26, [sp, #48]\n  ldp x27, x28, [sp, #64]\n  ldp x29, x30, [sp, #80]\n"
    "  ldp d8, d9, [sp, #96]\n  ldp d10, d11, [sp, #112]\n  ldp d12, d13, [sp, #128]\n  ldp d14, d15, [sp, #144]\n"
    "  add sp, sp, #176\n"
    "  ret\n"
    ".size rc_switch, .-rc_switch\n"
    ".p2align 4\n"
    ".hidden rc_switch_entry\n"
    ".globl rc_switch_entry\n"
    ".type rc_switch_entry,%function\n"
    "rc_switch_entry:\n"
    "  mov x0, x19\n  blr x20\n  brk #0\n"
    ".size rc_switch_entry, .-rc_switch_entry\n");
#define HAVE_SCRIPT_STACK 1
#else
#define HAVE_SCRIPT_STACK 0
#endif

#if HAVE_SCRIPT_STACK
void rc_switch(void **save_sp, void *load_sp);
void rc_switch_entry(void);

/* The script side: one run after another, each handed back to the host when done. */
static void script_side(rc_lua *vm) {
    for (;;) {
        rc_run_body(vm);
        vm->run_finished = 1;
        rc_switch(&vm->script_sp, vm->host_sp);
    }
}

/* A stack below a guard page, and a first frame that "returns" into script_side. */
static int prepare_stack(rc_lua *vm) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *memory = mmap(NULL, SCRIPT_STACK_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (memory == MAP_FAILED) return 0;
    mprotect(memory, page, PROT_NONE);
    vm->stack = memory;
    uintptr_t top = ((uintptr_t)memory + SCRIPT_STACK_SIZE) & ~(uintptr_t)15;
#if defined(__x86_64__)
    uint64_t *frame = (uint64_t *)(top - 64 - 16);
    frame[0] = 0x037F00001F80ULL;           /* MXCSR 0x1F80, x87 control word 0x037F */
    frame[1] = 0;                           /* r15 */
    frame[2] = 0;                           /* r14 */
    frame[3] = 0;                           /* r13 */
    frame[4] = (uint64_t)(uintptr_t)script_side;   /* r12: the function */
    frame[5] = (uint64_t)(uintptr_t)vm;            /* rbx: its argument */
    frame[6] = 0;                           /* rbp */
    frame[7] = (uint64_t)(uintptr_t)rc_switch_entry;
#else
    uint64_t *frame = (uint64_t *)(top - 176);
    for (int i = 0; i < 22; i++) frame[i] = 0;
    frame[0] = (uint64_t)(uintptr_t)vm;            /* x19 */
    frame[1] = (uint64_t)(uintptr_t)script_side;   /* x20 */
    frame[11] = (uint64_t)(uintptr_t)rc_switch_entry;   /* x30 */
#endif
    vm->script_sp = frame;
    return 1;
}
#endif

/* Runs (or goes on with) the script until it ends or its hook yields; 1 when it yielded. */
int rc_enter_script(rc_lua *vm) {
#if HAVE_SCRIPT_STACK
    if (!vm->stack && !prepare_stack(vm)) {
        vm->on_script_stack = 0;
        rc_run_body(vm);
        return 0;
    }
    vm->on_script_stack = 1;
    vm->run_finished = 0;
    rc_switch(&vm->host_sp, vm->script_sp);
    vm->on_script_stack = 0;
    return vm->run_finished ? 0 : 1;
#else
    vm->on_script_stack = 0;
    rc_run_body(vm);
    return 0;
#endif
}

/* From the hook, on the script's stack: back to the host until resumed. */
void rc_leave_script(rc_lua *vm) {
#if HAVE_SCRIPT_STACK
    rc_switch(&vm->script_sp, vm->host_sp);
#else
    (void)vm;
#endif
}

int rc_resume_script(rc_lua *vm) {
#if HAVE_SCRIPT_STACK
    vm->on_script_stack = 1;
    rc_switch(&vm->host_sp, vm->script_sp);
    vm->on_script_stack = 0;
    return vm->run_finished ? 0 : 1;
#else
    (void)vm;
    return 0;
#endif
}

void rc_release_stack(rc_lua *vm) {
#if HAVE_SCRIPT_STACK
    if (vm->stack) munmap(vm->stack, SCRIPT_STACK_SIZE);
    vm->stack = NULL;
#else
    (void)vm;
#endif
}
