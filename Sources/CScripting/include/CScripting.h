#ifndef RCLUSTER_SCRIPTING_H
#define RCLUSTER_SCRIPTING_H
// The engine's Lua interpreter behind a boundary that Lua's errors cannot
// cross. Lua raises errors with longjmp; a longjmp over a Swift frame would
// skip its cleanup (retains, deinit, defer) and corrupt the runtime. So all
// Lua API calls live in this C module, every entry point runs its Lua work
// inside lua_cpcall/lua_pcall, and the Swift callbacks below are called
// only with no Lua error possible until they return: they receive plain
// bytes and hand back plain bytes, and never touch the lua_State.
// (Docs/Decisions/0016-lua-scripting.md)
#include <stddef.h>
#include <stdint.h>

typedef struct rc_lua rc_lua;

/// A growable byte buffer owned by the C side.
typedef struct {
    char *data;
    size_t length;
    size_t capacity;
} rc_bytes;

/// What a script's redis.call asks of the engine, and what the engine says.
typedef struct {
    int argc;
    const char *const *argv;
    const size_t *lengths;
    /// The protocol the script reads replies in (redis.setresp) and where its effects go (redis.set_repl).
    int resp;
    int repl;
    /// Out (rc_bytes_set): the command's reply in RESP; or, when `refused`
    /// is set, why it did not run ("msg" for ERR, or "-CODE msg").
    rc_bytes *reply;
    int refused;
} rc_command;

/// The flags register_function reads (scripts_flags_def), as bits.
enum {
    RC_FLAG_NO_WRITES = 1,
    RC_FLAG_ALLOW_OOM = 2,
    RC_FLAG_ALLOW_STALE = 4,
    RC_FLAG_NO_CLUSTER = 8,
    RC_FLAG_ALLOW_CROSS_SLOT_KEYS = 16,
};

typedef struct rc_function_registration {
    const char *name;
    size_t name_length;
    /// NULL when none was given.
    const char *description;
    size_t description_length;
    int flags;
    int ref;
} rc_function_registration;

typedef struct {
    void *context;
    /// redis.call / redis.pcall: runs a command. Fills reply or refused.
    void (*call)(void *context, rc_command *command);
    /// redis.acl_check_cmd: 1 allowed, 0 refused, -1 no such command.
    int (*acl_check)(void *context, rc_command *command);
    /// redis.log: level 0-3 (debug, verbose, notice, warning).
    void (*log)(void *context, int level, const char *text, size_t length);
    /// The count hook, every 100000 instructions: 0 go on, 1 kill (SCRIPT KILL),
    /// 2 hand the stack back to the host for a while (a busy script; see rc_lua_resume).
    int (*interrupt)(void *context);
    /// redis.register_function during FUNCTION LOAD (function interpreters
    /// only): 0 taken, or 1 with the refusal's text in `error` (raised as
    /// "ERR <text>"). The function stays referenced as `ref` until rc_lua_unref.
    int (*register_function)(void *context, const rc_function_registration *function, rc_bytes *error);
} rc_lua_host;


enum {
    RC_LUA_OK = 0,
    /// The reply is an error line (without "-" and CRLF); count it in the error stats unless `quiet`.
    RC_LUA_ERROR = 1,
};

/// The outcome of running a script: its reply encoded for the caller.
typedef struct {
    rc_bytes reply;
    int status;
    /// The error came from a command the script called, already counted.
    int quiet;
    /// Error replies nested in the reply (a table holding {err=...}).
    int nested_errors;
} rc_lua_result;

/// A sandboxed interpreter as redis-server 7.0.15 builds it. NULL on failure.
rc_lua *rc_lua_new(const rc_lua_host *host);
/// The functions' interpreter (luaEngineInitEngine): the same sandbox,
/// without EVAL's debugger entries, with a library API while loading.
rc_lua *rc_lua_new_functions(const rc_lua_host *host);

/// FUNCTION LOAD's run of a library's code (the part after its shebang
/// line): its globals are the library API only, its register_function
/// calls reach the host; `timeout_ms` (0: none) ends a load that runs too
/// long. 0 on success, else 1 with the whole error text in `error`.
int rc_lua_load_library(rc_lua *vm, const char *code, size_t length, long timeout_ms, rc_bytes *error);
/// Drops a registered function (its library was deleted or replaced, or its load failed).
void rc_lua_unref(rc_lua *vm, int ref);
void rc_lua_free(rc_lua *vm);

/// Compiles a script body into function `name` (f_<sha1>). On a compile
/// error returns nonzero and puts Lua's message in `error`.
int rc_lua_define(rc_lua *vm, const char *name, const char *body, size_t length, rc_bytes *error);
int rc_lua_defined(rc_lua *vm, const char *name);

/// Runs function `name` with KEYS and ARGV (copied at once); the reply is
/// encoded for protocol `caller_resp` into `result`, which must outlive the
/// run. `sha` names the script in error messages. `hook` arms the count
/// hook (busy-reply-threshold > 0). Returns 0 when the script ended, 1 when
/// it is parked (the hook said 2 and `yieldable`): the host must not touch
/// the interpreter but through rc_lua_resume until that returns 0.
///
/// A function interpreter runs registered function `ref` instead (name is
/// NULL), with KEYS and ARGV as its two arguments; `sha` is then the
/// function's name.
int rc_lua_run(rc_lua *vm, const char *name, int ref, const char *sha,
               int nkeys, const char *const *keys, const size_t *key_lengths,
               int nargs, const char *const *args, const size_t *arg_lengths,
               int caller_resp, int hook, int yieldable, rc_lua_result *result);

/// Goes on with a parked script (`kill`: it ends with SCRIPT KILL's error).
int rc_lua_resume(rc_lua *vm, int kill);

/// Bytes the interpreter holds (used_memory_lua).
size_t rc_lua_memory(rc_lua *vm);

void rc_bytes_free(rc_bytes *bytes);
/// Replaces the contents (the engine answering a redis.call).
void rc_bytes_set(rc_bytes *bytes, const char *data, size_t length);

/// SHA1 of data as 40 lowercase hex digits and a NUL (scripts' names).
void rc_sha1hex(char out[41], const char *data, size_t length);

/// The 48-bit generator behind math.random, as redis-server's rand.c runs it.
int32_t rc_lrand48(void);
void rc_srand48(int32_t seed);

#endif
