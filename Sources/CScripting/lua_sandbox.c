// The sandbox's protection, built from metatables on an unpatched Lua 5.1.
//
// redis-server 7.0 patches Lua with a read-only flag on tables and sets it
// on every table reachable from the globals. Here each such table is
// replaced by an empty proxy whose metatable reads through to the real
// table (__index) and refuses writes (__newindex). The real tables are
// never handed to a script: the base functions that would reach them raw
// (rawset, rawget, next, pairs, ipairs, getmetatable, setmetatable,
// table.insert/foreach...) are replaced by versions that
// see through proxies, and refuse to write through them, with the texts
// 7.0.15 gives. The globals' real table has one more metatable, whose
// __index raises "Script attempted to access nonexistent global variable".
#include "lua_internal.h"
#include <string.h>

static const char *const READONLY = "Attempt to modify a readonly table";
#define PROXY_OF "rc.proxy_of"     /* proxy -> real */
#define PROXY_FOR "rc.proxy_for"   /* real -> proxy */
#define REAL_GLOBALS "rc.globals"

static void push_registry_table(lua_State *L, const char *name) {
    lua_getfield(L, LUA_REGISTRYINDEX, name);
}

/// Pushes map[value at `index`] for a registry map, or nothing (returns 0).
static int push_mapped(lua_State *L, int index, const char *map) {
    if (!lua_istable(L, index)) return 0;
    index = index < 0 ? lua_gettop(L) + index + 1 : index;
    push_registry_table(L, map);
    lua_pushvalue(L, index);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/// Pushes the real table behind the proxy at `index`, or nothing (returns 0).
static int push_real(lua_State *L, int index) {
    return push_mapped(L, index, PROXY_OF);
}

static int is_proxy(lua_State *L, int index) {
    if (!push_real(L, index)) return 0;
    lua_pop(L, 1);
    return 1;
}

/// A value handed to a script: a real protected table becomes its proxy.
static void replace_with_proxy(lua_State *L, int index) {
    index = index < 0 ? lua_gettop(L) + index + 1 : index;
    if (push_mapped(L, index, PROXY_FOR)) lua_replace(L, index);
}

static int refuse_write(lua_State *L) {
    return luaL_error(L, "%s", READONLY);
}

static int missing_global(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

/// A C function refusing a write: no position, as lua_rawset's own error in 7.0.15.
static int refuse_write_bare(lua_State *L) {
    lua_pushstring(L, READONLY);
    return lua_error(L);
}

static void protect(lua_State *L);

void rc_sandbox_protect(lua_State *L) { protect(L); }

void rc_sandbox_set_error_metatable(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, missing_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

void rc_sandbox_read_globals_from(lua_State *L) {
    lua_getmetatable(L, LUA_GLOBALSINDEX);   /* the globals' proxy's own metatable */
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/// Makes the real table on top of the stack protected and replaces it there by its proxy.
static void protect(lua_State *L) {
    int real = lua_gettop(L);
    push_registry_table(L, PROXY_FOR);
    lua_pushvalue(L, real);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1)) {
        lua_replace(L, real);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_newtable(L);                      /* real, proxy_for, proxy */
    int proxy = lua_gettop(L);
    lua_pushvalue(L, real);
    lua_pushvalue(L, proxy);
    lua_rawset(L, proxy - 1);             /* proxy_for[real] = proxy */
    push_registry_table(L, PROXY_OF);
    lua_pushvalue(L, proxy);
    lua_pushvalue(L, real);
    lua_rawset(L, -3);                    /* proxy_of[proxy] = real */
    lua_pop(L, 1);

    lua_newtable(L);                      /* the proxy's metatable */
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, refuse_write);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, proxy);

    /* Tables inside are replaced by their proxies, the metatable protected too. */
    lua_pushnil(L);
    while (lua_next(L, real)) {
        if (lua_istable(L, -1)) {
            protect(L);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, real);
        } else {
            lua_pop(L, 1);
        }
    }
    if (lua_getmetatable(L, real)) {
        protect(L);
        lua_pop(L, 1);
    }
    lua_replace(L, real);                 /* proxy in the real table's slot */
    lua_settop(L, real);
}

/* --- the base functions that see through proxies --- */

static int sandbox_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_proxy(L, 1)) return refuse_write_bare(L);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int sandbox_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    if (push_real(L, 1)) lua_replace(L, 1);
    lua_rawget(L, 1);
    return 1;
}

static int sandbox_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (push_real(L, 1)) lua_replace(L, 1);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int sandbox_pairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int sandbox_ipairs_step(lua_State *L) {
    int i = luaL_checkint(L, 2) + 1;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (push_real(L, 1)) lua_replace(L, 1);
    lua_pushinteger(L, i);
    lua_rawgeti(L, 1, i);
    return lua_isnil(L, -1) ? 0 : 2;
}

static int sandbox_ipairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int sandbox_getmetatable(lua_State *L) {
    luaL_checkany(L, 1);
    if (push_real(L, 1)) lua_replace(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_getmetafield(L, 1, "__metatable");
    replace_with_proxy(L, -1);
    return 1;
}

static int sandbox_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (is_proxy(L, 1)) return refuse_write_bare(L);
    if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* table.insert writes raw: refused on a protected table; the readers read the real one.
 * (table.remove and table.sort write nothing to an empty proxy.) */
static int table_writer(lua_State *L) {
    if (lua_gettop(L) >= 1 && is_proxy(L, 1)) return refuse_write_bare(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int table_reader(lua_State *L) {
    if (lua_gettop(L) >= 1 && push_real(L, 1)) lua_replace(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void wrap_table_function(lua_State *L, int table, const char *name, lua_CFunction wrapper) {
    lua_getfield(L, table, name);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, table, name);
}

static void set_closure(lua_State *L, const char *name, lua_CFunction function, int upvalues) {
    lua_pushcclosure(L, function, upvalues);
    lua_setfield(L, LUA_GLOBALSINDEX, name);
}

void rc_sandbox_push_globals(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, REAL_GLOBALS);
}

/// Call with the globals holding exactly what scripts may see.
void rc_sandbox_install(lua_State *L) {
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, PROXY_OF);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, PROXY_FOR);

    lua_pushcfunction(L, sandbox_rawset);
    lua_setfield(L, LUA_GLOBALSINDEX, "rawset");
    lua_pushcfunction(L, sandbox_rawget);
    lua_setfield(L, LUA_GLOBALSINDEX, "rawget");
    lua_pushcfunction(L, sandbox_next);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_GLOBALSINDEX, "next");
    set_closure(L, "pairs", sandbox_pairs, 1);
    lua_pushcfunction(L, sandbox_ipairs_step);
    set_closure(L, "ipairs", sandbox_ipairs, 1);
    lua_pushcfunction(L, sandbox_getmetatable);
    lua_setfield(L, LUA_GLOBALSINDEX, "getmetatable");
    lua_pushcfunction(L, sandbox_setmetatable);
    lua_setfield(L, LUA_GLOBALSINDEX, "setmetatable");

    lua_getfield(L, LUA_GLOBALSINDEX, "table");
    int table = lua_gettop(L);
    wrap_table_function(L, table, "insert", table_writer);
    wrap_table_function(L, table, "foreach", table_reader);
    wrap_table_function(L, table, "foreachi", table_reader);
    wrap_table_function(L, table, "getn", table_reader);
    wrap_table_function(L, table, "maxn", table_reader);
    wrap_table_function(L, table, "concat", table_reader);
    lua_pop(L, 1);
    wrap_table_function(L, LUA_GLOBALSINDEX, "unpack", table_reader);

    /* Reading a global that is not there is an error. */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, REAL_GLOBALS);
    lua_newtable(L);
    lua_pushcfunction(L, missing_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);

    /* The strings' metatable: reached by getmetatable(""), protected like the rest. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    protect(L);
    lua_pop(L, 2);

    protect(L);                           /* globals -> their proxy */
    lua_replace(L, LUA_GLOBALSINDEX);     /* scripts and loadstring see the proxy */
}
