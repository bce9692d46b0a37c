// FUNCTION LOAD's side of the functions' interpreter (function_lua.c): the
// library API a library's code sees while it loads, redis.register_function
// with its named and positional forms and their texts, and the load's timeout.
#include "lua_internal.h"
#include <strings.h>
#include <string.h>
#include <time.h>

#define LIBRARY_API "rc.library_api"

long long rc_monotonic_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static int raise_text(lua_State *L, const char *text, size_t length) {
    rc_push_error(L, text, length);
    return lua_error(L);
}

static int raise(lua_State *L, const char *text) { return raise_text(L, text, strlen(text)); }

/* scripts_flags_def, in its order. */
static const struct { const char *name; int bit; } flag_names[] = {
    {"no-writes", RC_FLAG_NO_WRITES}, {"allow-oom", RC_FLAG_ALLOW_OOM}, {"allow-stale", RC_FLAG_ALLOW_STALE},
    {"no-cluster", RC_FLAG_NO_CLUSTER}, {"allow-cross-slot-keys", RC_FLAG_ALLOW_CROSS_SLOT_KEYS}, {NULL, 0},
};

/* luaRegisterFunctionReadFlags: the table at the top; 0 on an unknown flag or a non-string. */
static int read_flags(lua_State *L, int *flags) {
    *flags = 0;
    for (int j = 1;; j++) {
        lua_pushnumber(L, j);
        lua_gettable(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            return 1;
        }
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            return 0;
        }
        const char *name = lua_tostring(L, -1);
        int found = 0;
        for (int f = 0; flag_names[f].name; f++) {
            if (!strcasecmp(flag_names[f].name, name)) {
                *flags |= flag_names[f].bit;
                found = 1;
                break;
            }
        }
        lua_pop(L, 1);
        if (!found) return 0;
    }
}

/* Hands the function to the host; on a refusal the reference goes and the refusal is raised. */
static int hand_over(lua_State *L, rc_function_registration *function) {
    rc_lua *vm = rc_vm_of(L);
    rc_bytes refusal = {0};
    int refused = vm->host.register_function(vm->host.context, function, &refusal);
    if (!refused) {
        rc_bytes_free(&refusal);
        return 0;
    }
    luaL_unref(L, LUA_REGISTRYINDEX, function->ref);
    rc_push_error(L, refusal.data ? refusal.data : "", refusal.length);
    rc_bytes_free(&refusal);
    return lua_error(L);
}

/* luaRegisterFunctionReadNamedArgs: one table of function_name, callback, description, flags. */
static int register_named(lua_State *L) {
    if (!lua_istable(L, 1))
        return raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
    rc_function_registration function = {NULL, 0, NULL, 0, 0, LUA_NOREF};
    const char *error = NULL;
    /* The name and description are kept at 2 and 3 until the host has them. */
    lua_settop(L, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    int has_name = 0, has_description = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (!lua_isstring(L, -2)) {
            error = "named argument key given to redis.register_function is not a string";
            break;
        }
        const char *key = lua_tostring(L, -2);
        if (!strcasecmp(key, "function_name")) {
            if (!lua_isstring(L, -1)) {
                error = "function_name argument given to redis.register_function must be a string";
                break;
            }
            lua_pushvalue(L, -1);
            lua_replace(L, 2);
            has_name = 1;
        } else if (!strcasecmp(key, "description")) {
            if (!lua_isstring(L, -1)) {
                error = "description argument given to redis.register_function must be a string";
                break;
            }
            lua_pushvalue(L, -1);
            lua_replace(L, 3);
            has_description = 1;
        } else if (!strcasecmp(key, "callback")) {
            if (!lua_isfunction(L, -1)) {
                error = "callback argument given to redis.register_function must be a function";
                break;
            }
            if (function.ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, function.ref);
            function.ref = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops the value */
            continue;
        } else if (!strcasecmp(key, "flags")) {
            if (!lua_istable(L, -1)) {
                error = "flags argument to redis.register_function must be a table representing function flags";
                break;
            }
            if (!read_flags(L, &function.flags)) {
                error = "unknown flag given";
                break;
            }
        } else {
            error = "unknown argument given to redis.register_function";
            break;
        }
        lua_pop(L, 1);
    }
    if (!error && !has_name) error = "redis.register_function must get a function name argument";
    if (!error && function.ref == LUA_NOREF) error = "redis.register_function must get a callback argument";
    if (error) {
        if (function.ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, function.ref);
        return raise(L, error);
    }
    function.name = lua_tolstring(L, 2, &function.name_length);
    if (has_description) function.description = lua_tolstring(L, 3, &function.description_length);
    return hand_over(L, &function);
}

/* luaRegisterFunctionReadPositionalArgs: name and callback. */
static int register_positional(lua_State *L) {
    if (!lua_isstring(L, 1)) return raise(L, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(L, 2)) return raise(L, "second argument to redis.register_function must be a function");
    rc_function_registration function = {NULL, 0, NULL, 0, 0, LUA_NOREF};
    function.name = lua_tolstring(L, 1, &function.name_length);
    function.ref = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops the callback */
    return hand_over(L, &function);
}

static int register_function(lua_State *L) {
    rc_lua *vm = rc_vm_of(L);
    if (!vm->loading) return raise(L, "redis.register_function can only be called on FUNCTION LOAD command");
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2) return raise(L, "wrong number of arguments to redis.register_function");
    return argc == 1 ? register_named(L) : register_positional(L);
}

void rc_functions_install(lua_State *L) {
    lua_newtable(L);                                    /* the library's globals */
    rc_api_push_library_redis(L, register_function);
    rc_sandbox_set_error_metatable(L);
    lua_setfield(L, -2, "redis");
    rc_sandbox_set_error_metatable(L);
    rc_sandbox_protect(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LIBRARY_API);
}

/* luaEngineLoadHook: past the timeout, every line raises so no pcall can swallow it. */
static void load_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    rc_lua *vm = rc_vm_of(L);
    if (vm->load_deadline == 0 || rc_monotonic_us() <= vm->load_deadline) return;
    lua_sethook(L, load_hook, LUA_MASKLINE, 0);
    rc_push_error_cstr(L, "FUNCTION LOAD timeout");
    lua_error(L);
}

typedef struct {
    const char *code;
    size_t length;
    rc_bytes *error;
    int failed;
} library_load;

static void error_message(lua_State *L, rc_bytes *out, const char *prefix) {
    out->length = 0;
    rc_bytes_append(out, prefix, strlen(prefix));
    /* luaExtractErrorInformation: a string error gets "ERR ", a table gives its err. */
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        size_t length = 0;
        const char *text = lua_isstring(L, -1) ? lua_tolstring(L, -1, &length) : NULL;
        if (text) rc_bytes_append(out, text, length);
        lua_pop(L, 1);
    } else {
        size_t length = 0;
        const char *text = lua_isstring(L, -1) ? lua_tolstring(L, -1, &length) : NULL;
        rc_bytes_append(out, "ERR ", 4);
        if (text) rc_bytes_append(out, text, length);
    }
}

static int load_protected(lua_State *L) {
    library_load *load = lua_touserdata(L, 1);
    lua_settop(L, 0);
    if (luaL_loadbuffer(L, load->code, load->length, "@user_function")) {
        load->error->length = 0;
        const char *prefix = "Error compiling function: ";
        rc_bytes_append(load->error, prefix, strlen(prefix));
        size_t length = 0;
        const char *text = lua_tolstring(L, -1, &length);
        if (text) rc_bytes_append(load->error, text, length);
        load->failed = 1;
        return 0;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, LIBRARY_API);
    rc_sandbox_read_globals_from(L);
    rc_lua *vm = rc_vm_of(L);
    vm->loading = 1;
    lua_sethook(L, load_hook, LUA_MASKCOUNT, 100000);
    int status = lua_pcall(L, 0, 0, 0);
    lua_sethook(L, NULL, 0, 0);
    vm->loading = 0;
    if (status) {
        error_message(L, load->error, "Error registering functions: ");
        load->failed = 1;
    }
    lua_settop(L, 0);
    rc_sandbox_push_globals(L);
    rc_sandbox_read_globals_from(L);
    return 0;
}

int rc_lua_load_library(rc_lua *vm, const char *code, size_t length, long timeout_ms, rc_bytes *error) {
    library_load load = {code, length, error, 0};
    vm->load_deadline = timeout_ms > 0 ? rc_monotonic_us() + (long long)timeout_ms * 1000 : 0;
    if (lua_cpcall(vm->L, load_protected, &load) != 0) {
        /* Out of memory before the code ran (or while putting the globals back). */
        vm->loading = 0;
        lua_sethook(vm->L, NULL, 0, 0);
        error->length = 0;
        rc_bytes_append(error, "Error registering functions: ERR not enough memory", 51);
        lua_settop(vm->L, 0);
        return 1;
    }
    return load.failed;
}

typedef struct { int ref; } unreference;

static int unref_protected(lua_State *L) {
    unreference *u = lua_touserdata(L, 1);
    luaL_unref(L, LUA_REGISTRYINDEX, u->ref);
    return 0;
}

void rc_lua_unref(rc_lua *vm, int ref) {
    unreference u = {ref};
    if (lua_cpcall(vm->L, unref_protected, &u) != 0) lua_settop(vm->L, 0);
}
