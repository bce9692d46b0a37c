// Debian's Lua 5.1 (liblua5.1-0-dev), with lua-cjson and lua-bitop: the
// interpreter redis-server 7.0 embeds, unpatched. Only CScripting includes it.
#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>
