// The redis table, the global pcall and math.random, with 7.0.15's texts.
#include "lua_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROPAGATE_AOF 1
#define PROPAGATE_REPL 2
#define VERSION "7.0.15"
#define VERSION_NUM 0x0007000f

/* luaPushErrorBuff: "-CODE msg" keeps its code, anything else becomes "ERR msg";
 * CR and LF at either end of the message go. */
void rc_push_error(lua_State *L, const char *text, size_t length) {
    const char *code = "ERR";
    size_t code_length = 3;
    const char *message = text;
    size_t message_length = length;
    if (length > 0 && text[0] == '-') {
        const char *space = memchr(text, ' ', length);
        if (space) {
            code = text + 1;
            code_length = (size_t)(space - text) - 1;
            message = space + 1;
            message_length = length - (size_t)(message - text);
        } else {
            message = text + 1;
            message_length = length - 1;
        }
    }
    while (message_length > 0 && (message[0] == '\r' || message[0] == '\n')) { message++; message_length--; }
    while (message_length > 0 && (message[message_length - 1] == '\r' || message[message_length - 1] == '\n')) message_length--;
    lua_newtable(L);
    lua_pushliteral(L, "err");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, code_length);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, message, message_length);
    luaL_pushresult(&b);
    lua_rawset(L, -3);
}

void rc_push_error_cstr(lua_State *L, const char *text) {
    rc_push_error(L, text, strlen(text));
}

static int raise_error(lua_State *L, const char *text) {
    rc_push_error_cstr(L, text);
    return lua_error(L);
}

/* luaArgsToRedisArgv: strings as they are, numbers as %.17g. 0 on a bad argument. */
static int collect_arguments(lua_State *L, rc_lua *vm, int argc) {
    if (argc > vm->argv_capacity) {
        int capacity = argc < 16 ? 16 : argc;
        const char **argv = realloc(vm->argv, sizeof(*argv) * (size_t)capacity);
        if (argv) vm->argv = argv;
        size_t *lengths = realloc(vm->lengths, sizeof(*lengths) * (size_t)capacity);
        if (lengths) vm->lengths = lengths;
        char (*numbers)[32] = realloc(vm->numbers, sizeof(*numbers) * (size_t)capacity);
        if (numbers) vm->numbers = numbers;
        if (!argv || !lengths || !numbers) luaL_error(L, "not enough memory");
        vm->argv_capacity = capacity;
    }
    for (int j = 0; j < argc; j++) {
        if (lua_type(L, j + 1) == LUA_TNUMBER) {
            int n = snprintf(vm->numbers[j], sizeof vm->numbers[j], "%.17g", (double)lua_tonumber(L, j + 1));
            vm->argv[j] = vm->numbers[j];
            vm->lengths[j] = (size_t)n;
        } else {
            vm->argv[j] = lua_tolstring(L, j + 1, &vm->lengths[j]);
            if (!vm->argv[j]) return 0;
        }
    }
    return 1;
}

static int generic_call(lua_State *L, int raise) {
    rc_lua *vm = rc_vm_of(L);
    if (!vm->running) return raise_error(L, "redis.call can only be called inside a script invocation");
    int argc = lua_gettop(L);
    if (argc == 0) {
        rc_push_error_cstr(L, "Please specify at least one argument for this redis lib call");
        return raise ? lua_error(L) : 1;
    }
    if (!collect_arguments(L, vm, argc)) {
        lua_settop(L, 0);
        rc_push_error_cstr(L, "Lua redis lib command arguments must be strings or integers");
        return raise ? lua_error(L) : 1;
    }
    if (vm->in_call) {
        rc_push_error_cstr(L, "luaRedisGenericCommand() recursive call detected. Are you doing funny stuff with Lua debug hooks?");
        return 1;
    }
    rc_command command = {argc, vm->argv, vm->lengths, vm->resp, vm->repl, &vm->call_reply, 0};
    vm->call_reply.length = 0;
    vm->in_call = 1;
    vm->host.call(vm->host.context, &command);   /* Swift: no Lua error can happen until it returns */
    vm->in_call = 0;
    lua_settop(L, 0);                           /* the arguments' strings are no longer needed */
    if (command.refused) {
        rc_push_error(L, vm->call_reply.data ? vm->call_reply.data : "", vm->call_reply.length);
        lua_pushliteral(L, "ignore_error_stats_update");
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        return raise ? lua_error(L) : 1;
    }
    rc_push_reply(L, vm->call_reply.data, vm->call_reply.length);
    if (raise && vm->call_reply.length > 0 && vm->call_reply.data[0] == '-') return lua_error(L);
    return 1;
}

static int redis_call(lua_State *L) { return generic_call(L, 1); }
static int redis_pcall(lua_State *L) { return generic_call(L, 0); }

/* The global pcall: an error table is handed back as its message, as before 7.0. */
static int global_pcall(lua_State *L) {
    int argc = lua_gettop(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1)) lua_replace(L, -2);
            else lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

static int redis_sha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_error(L, "wrong number of arguments");
    size_t length = 0;
    const char *text = lua_tolstring(L, 1, &length);
    char digest[41];
    rc_sha1hex(digest, text ? text : "", text ? length : 0);
    lua_pushstring(L, digest);
    return 1;
}

static int single_field_table(lua_State *L, const char *field) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        rc_push_error_cstr(L, "wrong number or type of arguments");
        return 1;
    }
    lua_newtable(L);
    lua_pushstring(L, field);
    lua_pushvalue(L, -3);
    lua_settable(L, -3);
    return 1;
}

static int redis_status_reply(lua_State *L) { return single_field_table(L, "ok"); }

static int redis_error_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        rc_push_error_cstr(L, "wrong number or type of arguments");
        return 1;
    }
    size_t length;
    const char *text = lua_tolstring(L, -1, &length);
    if (length > 0 && text[0] == '-') {
        rc_push_error(L, text, strlen(text));
    } else {
        lua_pushliteral(L, "-");
        lua_pushvalue(L, -2);
        lua_concat(L, 2);
        const char *dashed = lua_tostring(L, -1);
        rc_push_error(L, dashed, strlen(dashed));
    }
    return 1;
}

static int redis_set_repl(lua_State *L) {
    rc_lua *vm = rc_vm_of(L);
    if (!vm->running) return raise_error(L, "redis.set_repl can only be called inside a script invocation");
    if (lua_gettop(L) != 1) return raise_error(L, "redis.set_repl() requires two arguments.");
    int flags = (int)lua_tonumber(L, -1);
    if ((flags & ~(PROPAGATE_AOF | PROPAGATE_REPL)) != 0)
        return raise_error(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    vm->repl = flags;
    return 0;
}

static int redis_setresp(lua_State *L) {
    rc_lua *vm = rc_vm_of(L);
    if (!vm->running) return raise_error(L, "redis.setresp can only be called inside a script invocation");
    if (lua_gettop(L) != 1) return raise_error(L, "redis.setresp() requires one argument.");
    int resp = (int)lua_tonumber(L, -1);
    if (resp != 2 && resp != 3) return raise_error(L, "RESP version must be 2 or 3.");
    vm->resp = resp;
    return 0;
}

static int redis_acl_check_cmd(lua_State *L) {
    rc_lua *vm = rc_vm_of(L);
    if (!vm->running) return raise_error(L, "redis.acl_check_cmd can only be called inside a script invocation");
    int argc = lua_gettop(L);
    if (argc == 0) return raise_error(L, "Please specify at least one argument for this redis lib call");
    if (!collect_arguments(L, vm, argc)) return raise_error(L, "Lua redis lib command arguments must be strings or integers");
    rc_command command = {argc, vm->argv, vm->lengths, vm->resp, vm->repl, &vm->call_reply, 0};
    int verdict = vm->host.acl_check(vm->host.context, &command);
    if (verdict < 0) return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, verdict);
    return 1;
}

static int redis_log(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return raise_error(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, -argc)) return raise_error(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, -argc);
    if (level < 0 || level > 3) return raise_error(L, "Invalid debug level.");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int first = 1;
    for (int j = 2; j <= argc; j++) {
        size_t length;
        const char *text = lua_tolstring(L, j, &length);
        if (!text) continue;
        if (!first) luaL_addchar(&b, ' ');
        luaL_addlstring(&b, text, length);
        first = 0;
    }
    luaL_pushresult(&b);
    size_t length;
    const char *line = lua_tolstring(L, -1, &length);
    rc_lua *vm = rc_vm_of(L);
    vm->host.log(vm->host.context, level, line, length);
    return 0;
}

static int redis_replicate_commands(lua_State *L) {
    lua_pushboolean(L, 1);
    return 1;
}

static int redis_breakpoint(lua_State *L) {
    lua_pushboolean(L, 0);   /* no debugging session */
    return 1;
}

static int redis_debug(lua_State *L) {
    (void)L;
    return 0;
}

/* math.random as Lua's own, drawing from the 48-bit generator. */
static int math_random(lua_State *L) {
    if (!rc_vm_of(L)->running) return luaL_error(L, "math.random can only be called inside a script invocation");
    lua_Number r = (lua_Number)(rc_lrand48() % 2147483647) / (lua_Number)2147483647;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int math_randomseed(lua_State *L) {
    if (!rc_vm_of(L)->running) return luaL_error(L, "math.randomseed can only be called inside a script invocation");
    rc_srand48(luaL_checkint(L, 1));
    return 0;
}

static void set_function(lua_State *L, const char *name, lua_CFunction function) {
    lua_pushcfunction(L, function);
    lua_setfield(L, -2, name);
}

static void set_number(lua_State *L, const char *name, lua_Number value) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name);
}

/* redis.log, its levels and the versions: in both redis tables. */
static void set_log_and_versions(lua_State *L) {
    set_function(L, "log", redis_log);
    set_number(L, "LOG_DEBUG", 0);
    set_number(L, "LOG_VERBOSE", 1);
    set_number(L, "LOG_NOTICE", 2);
    set_number(L, "LOG_WARNING", 3);
    set_number(L, "REDIS_VERSION_NUM", VERSION_NUM);
    lua_pushstring(L, VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
}

void rc_api_push_library_redis(lua_State *L, lua_CFunction register_function) {
    lua_newtable(L);
    set_function(L, "register_function", register_function);
    set_log_and_versions(L);
}

void rc_api_install(lua_State *L, int functions) {
    lua_pushcfunction(L, global_pcall);
    lua_setfield(L, LUA_GLOBALSINDEX, "pcall");

    lua_newtable(L);
    set_function(L, "call", redis_call);
    set_function(L, "pcall", redis_pcall);
    set_log_and_versions(L);
    set_function(L, "setresp", redis_setresp);
    set_function(L, "sha1hex", redis_sha1hex);
    set_function(L, "error_reply", redis_error_reply);
    set_function(L, "status_reply", redis_status_reply);
    set_function(L, "set_repl", redis_set_repl);
    set_number(L, "REPL_NONE", 0);
    set_number(L, "REPL_AOF", PROPAGATE_AOF);
    set_number(L, "REPL_SLAVE", PROPAGATE_REPL);
    set_number(L, "REPL_REPLICA", PROPAGATE_REPL);
    set_number(L, "REPL_ALL", PROPAGATE_AOF | PROPAGATE_REPL);
    set_function(L, "acl_check_cmd", redis_acl_check_cmd);
    if (!functions) {
        set_function(L, "breakpoint", redis_breakpoint);
        set_function(L, "debug", redis_debug);
        set_function(L, "replicate_commands", redis_replicate_commands);
    }
    lua_setfield(L, LUA_GLOBALSINDEX, "redis");

    lua_getfield(L, LUA_GLOBALSINDEX, "math");
    set_function(L, "random", math_random);
    set_function(L, "randomseed", math_randomseed);
    lua_pop(L, 1);
}
