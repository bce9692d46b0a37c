// The interpreter's life: built as scriptingInit builds it, scripts defined
// as f_<sha1> in the registry, run under the error handler and the count
// hook. Every entry point does its Lua work inside lua_cpcall, so an error
// (even out of memory) ends there and never unwinds into the caller.
#include "lua_internal.h"
#include <stdlib.h>
#include <string.h>

LUALIB_API int luaopen_cjson(lua_State *L);
LUALIB_API int luaopen_bit(lua_State *L);
int rc_luaopen_struct(lua_State *L);
int rc_luaopen_cmsgpack(lua_State *L);

rc_lua *rc_vm_of(lua_State *L) {
    void *vm = NULL;
    lua_getallocf(L, &vm);
    return vm;
}

static void *allocate(void *ud, void *ptr, size_t osize, size_t nsize) {
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

/* What redis-server 7.0.15's scripts find in the globals (getfenv, setfenv
 * and newproxy are not there, although its allow lists name them). */
static const char *const allowed_globals[] = {
    "string", "cjson", "bit", "cmsgpack", "math", "table", "struct",
    "redis", "__redis__err__handler",
    "xpcall", "tostring", "setmetatable", "next", "assert", "tonumber", "rawequal",
    "collectgarbage", "getmetatable", "rawset", "pcall", "coroutine", "type", "_G", "select",
    "unpack", "gcinfo", "pairs", "rawget", "loadstring", "ipairs", "_VERSION", "load",
    "error", NULL,
};

static int is_allowed(const char *name) {
    for (const char *const *p = allowed_globals; *p; p++)
        if (!strcmp(*p, name)) return 1;
    return 0;
}

static void drop_other_globals(lua_State *L) {
    for (;;) {
        const char *unwanted = NULL;
        lua_pushnil(L);
        while (lua_next(L, LUA_GLOBALSINDEX)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) == LUA_TSTRING && !is_allowed(lua_tostring(L, -1))) {
                unwanted = lua_tostring(L, -1);
                lua_pushnil(L);
                lua_rawset(L, LUA_GLOBALSINDEX);   /* a removal during lua_next: restart */
                break;
            }
        }
        if (!unwanted) return;
    }
}

static void open_library(lua_State *L, const char *name, lua_CFunction open) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (*name && lua_istable(L, -1)) lua_setfield(L, LUA_GLOBALSINDEX, name);
    else lua_pop(L, 1);
}

/* __redis__err__handler: a string error becomes {err="ERR ..."}; the
 * position is the Lua caller's when the error came from a C function. */
static const char error_handler[] =
    "local dbg = debug\n"
    "debug = nil\n"
    "function __redis__err__handler(err)\n"
    "  local info = dbg.getinfo(2, 'nSl')\n"
    "  if info and info.what == 'C' then info = dbg.getinfo(3, 'nSl') end\n"
    "  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end\n"
    "  if info then\n"
    "    err['source'] = info.source\n"
    "    err['line'] = info.currentline\n"
    "  end\n"
    "  return err\n"
    "end\n";

#define ERROR_HANDLER "rc.error_handler"

/* Lua 5.1 would load precompiled chunks, which can break out of any
 * sandbox; redis-server's Lua parses everything as text. A chunk that
 * starts like bytecode is parsed as text too (a leading space changes
 * neither the position nor the message: "unexpected symbol near 'char(27)'"). */
static int load_text(lua_State *L, const char *code, size_t length, const char *chunkname) {
    if (length > 0 && code[0] == LUA_SIGNATURE[0]) {
        char *spaced = malloc(length + 1);
        if (!spaced) return luaL_error(L, "not enough memory");
        spaced[0] = ' ';
        memcpy(spaced + 1, code, length);
        int status = luaL_loadbuffer(L, spaced, length + 1, chunkname);
        free(spaced);
        return status;
    }
    return luaL_loadbuffer(L, code, length, chunkname);
}

static int sandbox_loadstring(lua_State *L) {
    size_t length;
    const char *code = luaL_checklstring(L, 1, &length);
    const char *chunkname = luaL_optstring(L, 2, code);
    if (load_text(L, code, length, chunkname) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int sandbox_load(lua_State *L) {
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
        if (lua_objlen(L, -1) == 0) {
            lua_pop(L, 1);
            break;
        }
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    size_t length;
    const char *code = lua_tolstring(L, -1, &length);
    if (load_text(L, code, length, chunkname) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int setup(lua_State *L) {
    open_library(L, "", luaopen_base);
    open_library(L, LUA_TABLIBNAME, luaopen_table);
    open_library(L, LUA_STRLIBNAME, luaopen_string);
    open_library(L, LUA_MATHLIBNAME, luaopen_math);
    open_library(L, LUA_DBLIBNAME, luaopen_debug);
    open_library(L, "cjson", luaopen_cjson);
    open_library(L, "struct", rc_luaopen_struct);
    open_library(L, "cmsgpack", rc_luaopen_cmsgpack);
    open_library(L, "bit", luaopen_bit);
    lua_pushcfunction(L, sandbox_loadstring);
    lua_setfield(L, LUA_GLOBALSINDEX, "loadstring");
    lua_pushcfunction(L, sandbox_load);
    lua_setfield(L, LUA_GLOBALSINDEX, "load");
    rc_lua *vm = rc_vm_of(L);
    rc_api_install(L, vm->functions);
    if (luaL_loadbuffer(L, error_handler, sizeof error_handler - 1, "@err_handler_def")) return lua_error(L);
    lua_call(L, 0, 0);
    lua_getfield(L, LUA_GLOBALSINDEX, "__redis__err__handler");
    lua_setfield(L, LUA_REGISTRYINDEX, ERROR_HANDLER);
    if (vm->functions) {
        /* The functions' interpreter keeps its error handler in the registry only. */
        lua_pushnil(L);
        lua_setfield(L, LUA_GLOBALSINDEX, "__redis__err__handler");
    }
    drop_other_globals(L);
    rc_sandbox_install(L);
    if (vm->functions) rc_functions_install(L);
    return 0;
}

static rc_lua *new_interpreter(const rc_lua_host *host, int functions) {
    rc_lua *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    vm->host = *host;
    vm->functions = functions;
    vm->run.ref = LUA_NOREF;
    vm->resp = 2;
    vm->repl = 3;
    vm->L = lua_newstate(allocate, vm);
    if (!vm->L || lua_cpcall(vm->L, setup, NULL) != 0) {
        if (vm->L) lua_close(vm->L);
        free(vm);
        return NULL;
    }
    return vm;
}

rc_lua *rc_lua_new(const rc_lua_host *host) { return new_interpreter(host, 0); }

rc_lua *rc_lua_new_functions(const rc_lua_host *host) { return new_interpreter(host, 1); }

void rc_lua_free(rc_lua *vm) {
    if (!vm) return;
    lua_close(vm->L);
    rc_release_stack(vm);
    free(vm->argv);
    free(vm->lengths);
    free(vm->numbers);
    free(vm->run.sha);
    rc_bytes_free(&vm->call_reply);
    free(vm);
}

typedef struct {
    const char *name;
    const char *body;
    size_t length;
    rc_bytes *error;
    int failed;
} definition;

static int define_protected(lua_State *L) {
    definition *d = lua_touserdata(L, 1);
    if (load_text(L, d->body, d->length, "@user_script")) {
        size_t length;
        const char *message = lua_tolstring(L, -1, &length);
        d->error->length = 0;
        rc_bytes_append(d->error, message ? message : "", message ? length : 0);
        d->failed = 1;
        return 0;
    }
    lua_setfield(L, LUA_REGISTRYINDEX, d->name);
    return 0;
}

int rc_lua_define(rc_lua *vm, const char *name, const char *body, size_t length, rc_bytes *error) {
    definition d = {name, body, length, error, 0};
    if (lua_cpcall(vm->L, define_protected, &d) != 0) {
        error->length = 0;
        rc_bytes_append(error, "not enough memory", 17);
        lua_pop(vm->L, 1);
        return 1;
    }
    return d.failed;
}

typedef struct {
    const char *name;
    int defined;
} lookup;

static int defined_protected(lua_State *L) {
    lookup *l = lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, l->name);
    l->defined = lua_isfunction(L, -1);
    return 0;
}

int rc_lua_defined(rc_lua *vm, const char *name) {
    lookup l = {name, 0};
    if (lua_cpcall(vm->L, defined_protected, &l) != 0) lua_pop(vm->L, 1);
    return l.defined;
}

static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    rc_lua *vm = rc_vm_of(L);
    int verdict = vm->killing ? 1 : vm->host.interrupt(vm->host.context);
    if (verdict == 2) {
        if (!vm->on_script_stack || !vm->yieldable) return;
        /* The host's turn: it answers other clients, then resumes us here. */
        vm->kill_on_resume = 0;
        rc_leave_script(vm);
        if (!vm->kill_on_resume) return;
        verdict = 1;
    }
    if (verdict != 1) return;
    /* From now on every line raises: a pcall in the script cannot catch it for good. */
    vm->killing = 1;
    lua_sethook(L, count_hook, LUA_MASKLINE, 0);
    rc_push_error_cstr(L, "Script killed by user with SCRIPT KILL...");
    lua_error(L);
}

static void push_array(lua_State *L, int count, const char *const *items, const size_t *lengths) {
    lua_createtable(L, count, 0);
    for (int j = 0; j < count; j++) {
        lua_pushlstring(L, items[j], lengths[j]);
        lua_rawseti(L, -2, j + 1);
    }
}

static void set_array_global(lua_State *L, const char *name, int count, const char *const *items, const size_t *lengths) {
    rc_sandbox_push_globals(L);
    push_array(L, count, items, lengths);
    lua_setfield(L, -2, name);   /* the real globals have no __newindex */
    lua_pop(L, 1);
}

static void error_text(rc_bytes *out, const char *text, size_t length) {
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        rc_bytes_append(out, (c == '\r' || c == '\n') ? " " : &text[i], 1);
    }
}

/* The reply for a failed run: "msg script: <sha>, on <source>:<line>." */
static void failure(lua_State *L, rc_run *r) {
    rc_lua_result *result = r->result;
    rc_bytes *out = &result->reply;
    result->status = RC_LUA_ERROR;
    if (!lua_istable(L, -1)) {
        const char *message = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
        rc_bytes_appendf(out, "ERR Error running script %s, %.100s", (r->sha ? r->sha : ""), message);
        size_t end = out->length;
        while (end > 0 && (out->data[end - 1] == '\r' || out->data[end - 1] == '\n')) end--;
        out->length = end;
        for (size_t i = 0; i < out->length; i++)
            if (out->data[i] == '\r' || out->data[i] == '\n') out->data[i] = ' ';
        return;
    }
    lua_getfield(L, -1, "err");
    size_t length = 0;
    const char *message = lua_isstring(L, -1) ? lua_tolstring(L, -1, &length) : NULL;
    if (message) error_text(out, message, length);
    else rc_bytes_append(out, "ERR execution failure", 21);   /* 7.0.15 crashes on error({}) */
    lua_pop(L, 1);
    lua_getfield(L, -1, "source");
    lua_getfield(L, -2, "line");
    if (lua_isstring(L, -1) && lua_isstring(L, -2)) {
        rc_bytes_appendf(out, " script: %s, on ", r->sha ? r->sha : "");
        size_t source_length, line_length;
        const char *source = lua_tolstring(L, -2, &source_length);
        const char *line = lua_tolstring(L, -1, &line_length);
        error_text(out, source, source_length);
        rc_bytes_append(out, ":", 1);
        error_text(out, line, line_length);
        rc_bytes_append(out, ".", 1);
    }
    lua_pop(L, 2);
    lua_getfield(L, -1, "ignore_error_stats_update");
    result->quiet = lua_toboolean(L, -1);
    lua_pop(L, 1);
}

static int run_protected(lua_State *L) {
    rc_lua *vm = rc_vm_of(L);
    rc_run *r = &vm->run;
    lua_settop(L, 0);
    lua_getfield(L, LUA_REGISTRYINDEX, ERROR_HANDLER);
    int arguments = 0;
    if (vm->functions) {
        /* luaEngineCall: the function gets KEYS and ARGV as its arguments. */
        lua_rawgeti(L, LUA_REGISTRYINDEX, r->ref);
        push_array(L, r->nkeys, r->keys, r->key_lengths);
        push_array(L, r->nargs, r->args, r->arg_lengths);
        arguments = 2;
    } else {
        lua_getfield(L, LUA_REGISTRYINDEX, r->name);
        set_array_global(L, "KEYS", r->nkeys, r->keys, r->key_lengths);
        set_array_global(L, "ARGV", r->nargs, r->args, r->arg_lengths);
    }
    vm->running = 1;
    vm->resp = 2;
    vm->repl = 3;
    vm->killing = 0;
    if (r->hook) lua_sethook(L, count_hook, LUA_MASKCOUNT, 100000);
    int status = lua_pcall(L, arguments, 1, 1);
    if (r->hook || vm->killing) lua_sethook(L, NULL, 0, 0);
    vm->running = 0;
    /* A GC step every 50 runs rather than a full cycle now and then (LUA_GC_CYCLE_PERIOD). */
    if (++vm->runs_since_gc == 50) {
        lua_gc(L, LUA_GCSTEP, 50);
        vm->runs_since_gc = 0;
    }
    rc_lua_result *result = r->result;
    if (status) {
        failure(L, r);
        return 0;
    }
    int top_error = 0;
    if (lua_istable(L, -1)) {
        lua_pushliteral(L, "err");
        lua_rawget(L, -2);
        top_error = lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
        if (top_error) {
            lua_getfield(L, -1, "ignore_error_stats_update");
            result->quiet = lua_toboolean(L, -1);
            lua_pop(L, 1);
        }
    }
    rc_encode_reply(L, &result->reply, r->caller_resp, vm->resp, &result->nested_errors);
    if (top_error && result->reply.length >= 3) {
        /* "-msg\r\n" -> "msg": the engine writes and counts it as an error reply. */
        memmove(result->reply.data, result->reply.data + 1, result->reply.length - 3);
        result->reply.length -= 3;
        result->status = RC_LUA_ERROR;
        result->nested_errors = 0;
    }
    return 0;
}

/* On the script's stack (or the host's when it has none). */
void rc_run_body(rc_lua *vm) {
    rc_run *r = &vm->run;
    if (lua_cpcall(vm->L, run_protected, NULL) != 0) {
        vm->running = 0;
        lua_sethook(vm->L, NULL, 0, 0);
        r->result->reply.length = 0;
        r->result->status = RC_LUA_ERROR;
        const char *message = lua_tostring(vm->L, -1);
        rc_bytes_appendf(&r->result->reply, "ERR Error running script %s, %.100s", (r->sha ? r->sha : ""), message ? message : "out of memory");
        lua_pop(vm->L, 1);
    }
    lua_settop(vm->L, 0);
}

static void copy_name(char *out, size_t size, const char *name) {
    size_t length = strlen(name);
    if (length >= size) length = size - 1;
    memcpy(out, name, length);
    out[length] = 0;
}

int rc_lua_run(rc_lua *vm, const char *name, int ref, const char *sha,
               int nkeys, const char *const *keys, const size_t *key_lengths,
               int nargs, const char *const *args, const size_t *arg_lengths,
               int caller_resp, int hook, int yieldable, rc_lua_result *result) {
    result->reply.length = 0;
    result->status = RC_LUA_OK;
    result->quiet = 0;
    result->nested_errors = 0;
    rc_run *r = &vm->run;
    copy_name(r->name, sizeof r->name, name ? name : "");
    r->ref = ref;
    size_t sha_length = strlen(sha);
    char *copy = realloc(r->sha, sha_length + 1);
    if (copy) {
        memcpy(copy, sha, sha_length + 1);
        r->sha = copy;
    }
    r->nkeys = nkeys;
    r->keys = keys;
    r->key_lengths = key_lengths;
    r->nargs = nargs;
    r->args = args;
    r->arg_lengths = arg_lengths;
    r->caller_resp = caller_resp;
    r->hook = hook;
    r->result = result;
    vm->yieldable = yieldable;
    return rc_enter_script(vm);
}

int rc_lua_resume(rc_lua *vm, int kill) {
    vm->kill_on_resume = kill;
    return rc_resume_script(vm);
}

size_t rc_lua_memory(rc_lua *vm) {
    return (size_t)lua_gc(vm->L, LUA_GCCOUNT, 0) * 1024;
}
