// Shared between the files of the Lua boundary; see include/CScripting.h.
#ifndef RCLUSTER_LUA_INTERNAL_H
#define RCLUSTER_LUA_INTERNAL_H
#include "CScripting.h"
#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>

/* A run's parameters, kept in the interpreter: the script may outlive the call that started it. */
typedef struct {
    char name[48];
    /// A function's registry reference (function interpreters), or LUA_NOREF.
    int ref;
    /// The script's SHA or the function's name, for error messages (owned).
    char *sha;
    int nkeys;
    const char *const *keys;
    const size_t *key_lengths;
    int nargs;
    const char *const *args;
    const size_t *arg_lengths;
    int caller_resp;
    int hook;
    rc_lua_result *result;
} rc_run;

struct rc_lua {
    lua_State *L;
    rc_lua_host host;
    /// The functions' interpreter: KEYS and ARGV are arguments, not globals.
    int functions;
    /// FUNCTION LOAD is underway: register_function works only then.
    int loading;
    /// Its deadline (monotonic µs; 0: none).
    long long load_deadline;
    /// Inside rc_lua_run: redis.call and math.random work only then.
    int running;
    /// The script client's protocol (redis.setresp) and propagation (redis.set_repl), reset per run.
    int resp;
    int repl;
    /// A redis.call is underway (a debug hook calling back in is refused, as in redis-server).
    int in_call;
    /// SCRIPT KILL was seen: the hook now fires on every line so pcall cannot swallow it.
    int killing;
    long runs_since_gc;
    /// redis.call's arguments: numbers are formatted into `numbers`.
    const char **argv;
    size_t *lengths;
    char (*numbers)[32];
    int argv_capacity;
    rc_bytes call_reply;
    rc_run run;
    /* The script's own stack (lua_coroutine.c). */
    void *host_sp;
    void *script_sp;
    char *stack;
    int on_script_stack;
    int run_finished;
    /// The host may be handed back the stack mid-run (the hook's verdict 2).
    int yieldable;
    /// Resumed with SCRIPT KILL: the hook raises the kill error at once.
    int kill_on_resume;
};

rc_lua *rc_vm_of(lua_State *L);

/* Errors in the shape redis.pcall returns them: a table {err="CODE msg"}. */
void rc_push_error(lua_State *L, const char *text, size_t length);
void rc_push_error_cstr(lua_State *L, const char *text);

/* The sandbox: read-only proxies for every table reachable from the globals. */
void rc_sandbox_install(lua_State *L);
/// Pushes the real globals table (where KEYS and ARGV go).
void rc_sandbox_push_globals(lua_State *L);

/* The redis table, pcall, and math.random (without EVAL's debugger entries for functions). */
void rc_api_install(lua_State *L, int functions);
/// Pushes the redis table a library sees while it loads: register_function, log and the versions.
void rc_api_push_library_redis(lua_State *L, lua_CFunction register_function);
/// Sets an __index on the table on top that raises the nonexistent-global error (luaSetErrorMetatable).
void rc_sandbox_set_error_metatable(lua_State *L);
/// Makes the table on top protected, replacing it there by its read-only proxy.
void rc_sandbox_protect(lua_State *L);
/// Points the globals' reads at the table on top (popped): the library API while loading.
void rc_sandbox_read_globals_from(lua_State *L);
/// Sets the functions' library API up (lua_functions.c).
void rc_functions_install(lua_State *L);
long long rc_monotonic_us(void);

/* Conversions. */
/// Parses one RESP reply (as the engine wrote it) and pushes it as redis-server does.
void rc_push_reply(lua_State *L, const char *reply, size_t length);
/// Encodes the value on top of the stack (and pops it) as the reply to a
/// client of protocol `resp`; booleans follow the script's own protocol
/// (redis.setresp), as luaReplyToRedisReply reads the script client's.
void rc_encode_reply(lua_State *L, rc_bytes *out, int resp, int script_resp, int *nested_errors);

/* Bytes. */
int rc_bytes_reserve(rc_bytes *bytes, size_t more);
void rc_bytes_append(rc_bytes *bytes, const char *data, size_t length);
void rc_bytes_appendf(rc_bytes *bytes, const char *format, ...);
size_t rc_format_header(char *out, char type, long long value);
void rc_bytes_append_header(rc_bytes *bytes, char type, long long value);

void rc_sha1hex(char out[41], const char *data, size_t length);

/* The script's stack. */
void rc_run_body(rc_lua *vm);
int rc_enter_script(rc_lua *vm);
void rc_leave_script(rc_lua *vm);
int rc_resume_script(rc_lua *vm);
void rc_release_stack(rc_lua *vm);

#endif
