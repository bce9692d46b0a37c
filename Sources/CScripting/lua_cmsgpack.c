// cmsgpack.pack / unpack / unpack_one / unpack_limit: MessagePack as the
// lua-cmsgpack 0.4.0 that redis-server 7.0 links into its Lua encodes and
// decodes it, written here for the engine. Numbers that are whole encode
// as the smallest integer format, others as float 32 when that is exact
// and float 64 otherwise; a table whose keys are exactly 1..n is an array,
// any other a map; tables nested 16 deep encode as nil.
#include "lua_internal.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 16

/* ---- encoding ---- */

static void put(rc_bytes *b, const unsigned char *bytes, size_t length) {
    rc_bytes_append(b, (const char *)bytes, length);
}

static void put_big_endian(rc_bytes *b, unsigned char type, uint64_t value, int size) {
    unsigned char bytes[9];
    bytes[0] = type;
    for (int i = 0; i < size; i++) bytes[1 + i] = (unsigned char)(value >> (8 * (size - 1 - i)));
    put(b, bytes, (size_t)size + 1);
}

static void put_header(rc_bytes *b, uint64_t n, unsigned char fix, uint64_t fix_limit,
                       unsigned char small, unsigned char medium, unsigned char large) {
    if (n <= fix_limit) {
        unsigned char byte = (unsigned char)(fix | n);
        put(b, &byte, 1);
    } else if (small && n <= 0xff) {
        put_big_endian(b, small, n, 1);
    } else if (n <= 0xffff) {
        put_big_endian(b, medium, n, 2);
    } else {
        put_big_endian(b, large, n & 0xffffffffULL, 4);
    }
}

static void put_integer(rc_bytes *b, int64_t n) {
    if (n >= 0) {
        if (n <= 127) {
            unsigned char byte = (unsigned char)n;
            put(b, &byte, 1);
        } else if (n <= 0xff) put_big_endian(b, 0xcc, (uint64_t)n, 1);
        else if (n <= 0xffff) put_big_endian(b, 0xcd, (uint64_t)n, 2);
        else if (n <= 0xffffffffLL) put_big_endian(b, 0xce, (uint64_t)n, 4);
        else put_big_endian(b, 0xcf, (uint64_t)n, 8);
    } else {
        if (n >= -32) {
            unsigned char byte = (unsigned char)(signed char)n;
            put(b, &byte, 1);
        } else if (n >= -128) put_big_endian(b, 0xd0, (uint64_t)n, 1);
        else if (n >= -32768) put_big_endian(b, 0xd1, (uint64_t)n, 2);
        else if (n >= -2147483648LL) put_big_endian(b, 0xd2, (uint64_t)n, 4);
        else put_big_endian(b, 0xd3, (uint64_t)n, 8);
    }
}

static void put_number(rc_bytes *b, lua_Number n) {
    if (!isinf(n) && (lua_Number)(int64_t)n == n) {
        put_integer(b, (int64_t)n);
        return;
    }
    float f = (float)n;
    if ((double)f == n) {
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_big_endian(b, 0xca, bits, 4);
    } else {
        uint64_t bits;
        memcpy(&bits, &n, 8);
        put_big_endian(b, 0xcb, bits, 8);
    }
}

/* Keys exactly 1..n (whole numbers, no holes)? */
static int is_array(lua_State *L) {
    int top = lua_gettop(L);
    long count = 0, max = 0;
    luaL_checkstack(L, 2, "in function table_is_an_array");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_Number n;
        if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || isinf(n) || (lua_Number)(int)n != n) {
            lua_settop(L, top);
            return 0;
        }
        if ((long)n > max) max = (long)n;
        count++;
    }
    lua_settop(L, top);
    return max == count;
}

static void encode(lua_State *L, rc_bytes *b, int level);

static void encode_table(lua_State *L, rc_bytes *b, int level) {
    if (is_array(L)) {
        size_t n = lua_objlen(L, -1);
        put_header(b, n, 0x90, 15, 0, 0xdc, 0xdd);
        luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
        for (size_t j = 1; j <= n; j++) {
            lua_pushnumber(L, (lua_Number)j);
            lua_gettable(L, -2);
            encode(L, b, level + 1);
        }
        return;
    }
    size_t n = 0;
    luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        n++;
    }
    put_header(b, n, 0x80, 15, 0, 0xde, 0xdf);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        encode(L, b, level + 1);   /* key */
        encode(L, b, level + 1);   /* value */
    }
}

/* Encodes and pops the value on top. */
static void encode(lua_State *L, rc_bytes *b, int level) {
    int type = lua_type(L, -1);
    if (type == LUA_TTABLE && level == MAX_NESTING) type = LUA_TNIL;
    switch (type) {
    case LUA_TSTRING: {
        size_t length;
        const char *text = lua_tolstring(L, -1, &length);
        if (length < 32) {
            unsigned char byte = (unsigned char)(0xa0 | length);
            put(b, &byte, 1);
        } else {
            put_header(b, length, 0, 0, 0xd9, 0xda, 0xdb);
        }
        rc_bytes_append(b, text, length);
        break;
    }
    case LUA_TBOOLEAN: {
        unsigned char byte = lua_toboolean(L, -1) ? 0xc3 : 0xc2;
        put(b, &byte, 1);
        break;
    }
    case LUA_TNUMBER:
        put_number(b, lua_tonumber(L, -1));
        break;
    case LUA_TTABLE:
        encode_table(L, b, level);
        break;
    default: {
        unsigned char byte = 0xc0;
        put(b, &byte, 1);
    }
    }
    lua_pop(L, 1);
}

static int free_buffer(lua_State *L) {
    rc_bytes_free(lua_touserdata(L, 1));
    return 0;
}

/* The encoding goes to a buffer the collector frees, so that an error
 * halfway (a metamethod's, or the stack's) loses nothing. */
static rc_bytes *new_buffer(lua_State *L) {
    rc_bytes *b = lua_newuserdata(L, sizeof *b);
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, "rc.cmsgpack.buffer")) {
        lua_pushcfunction(L, free_buffer);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return b;
}

static int msgpack_pack(lua_State *L) {
    int count = lua_gettop(L);
    if (count == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    if (!lua_checkstack(L, count + 2)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
    rc_bytes *b = new_buffer(L);
    for (int i = 1; i <= count; i++) {
        lua_pushvalue(L, i);
        encode(L, b, 0);
    }
    lua_pushlstring(L, b->data ? b->data : "", b->length);
    rc_bytes_free(b);
    return 1;
}

/* ---- decoding ---- */

enum { DECODE_OK, DECODE_EOF, DECODE_BAD };

typedef struct {
    const unsigned char *p;
    size_t left;
    int error;
} cursor;

#define NEED(c, n) do { if ((c)->left < (n)) { (c)->error = DECODE_EOF; return; } } while (0)
#define CONSUME(c, n) do { (c)->p += (n); (c)->left -= (n); } while (0)

static uint64_t big_endian(const unsigned char *p, int size) {
    uint64_t value = 0;
    for (int i = 0; i < size; i++) value = (value << 8) | p[i];
    return value;
}

static void decode(lua_State *L, cursor *c);

static void decode_array(lua_State *L, cursor *c, size_t n) {
    lua_newtable(L);
    luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
    for (size_t index = 1; index <= n; index++) {
        lua_pushnumber(L, (lua_Number)index);
        decode(L, c);
        if (c->error) return;
        lua_settable(L, -3);
    }
}

static void decode_map(lua_State *L, cursor *c, size_t n) {
    lua_newtable(L);
    while (n--) {
        decode(L, c);
        if (c->error) return;
        decode(L, c);
        if (c->error) return;
        lua_settable(L, -3);
    }
}

static void decode_string(lua_State *L, cursor *c, size_t header, size_t length) {
    NEED(c, header + length);
    lua_pushlstring(L, (const char *)c->p + header, length);
    CONSUME(c, header + length);
}

static void decode(lua_State *L, cursor *c) {
    NEED(c, 1);
    luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
    unsigned char type = c->p[0];
    switch (type) {
    case 0xcc: NEED(c, 2); lua_pushnumber(L, c->p[1]); CONSUME(c, 2); return;
    case 0xd0: NEED(c, 2); lua_pushinteger(L, (signed char)c->p[1]); CONSUME(c, 2); return;
    case 0xcd: NEED(c, 3); lua_pushnumber(L, (lua_Number)big_endian(c->p + 1, 2)); CONSUME(c, 3); return;
    case 0xd1: NEED(c, 3); lua_pushinteger(L, (int16_t)big_endian(c->p + 1, 2)); CONSUME(c, 3); return;
    case 0xce: NEED(c, 5); lua_pushnumber(L, (lua_Number)big_endian(c->p + 1, 4)); CONSUME(c, 5); return;
    case 0xd2: NEED(c, 5); lua_pushinteger(L, (int32_t)big_endian(c->p + 1, 4)); CONSUME(c, 5); return;
    case 0xcf: NEED(c, 9); lua_pushnumber(L, (lua_Number)big_endian(c->p + 1, 8)); CONSUME(c, 9); return;
    case 0xd3: NEED(c, 9); lua_pushnumber(L, (lua_Number)(int64_t)big_endian(c->p + 1, 8)); CONSUME(c, 9); return;
    case 0xc0: lua_pushnil(L); CONSUME(c, 1); return;
    case 0xc3: lua_pushboolean(L, 1); CONSUME(c, 1); return;
    case 0xc2: lua_pushboolean(L, 0); CONSUME(c, 1); return;
    case 0xca: {
        NEED(c, 5);
        uint32_t bits = (uint32_t)big_endian(c->p + 1, 4);
        float f;
        memcpy(&f, &bits, 4);
        lua_pushnumber(L, f);
        CONSUME(c, 5);
        return;
    }
    case 0xcb: {
        NEED(c, 9);
        uint64_t bits = big_endian(c->p + 1, 8);
        double d;
        memcpy(&d, &bits, 8);
        lua_pushnumber(L, d);
        CONSUME(c, 9);
        return;
    }
    case 0xd9: NEED(c, 2); decode_string(L, c, 2, c->p[1]); return;
    case 0xda: NEED(c, 3); decode_string(L, c, 3, (size_t)big_endian(c->p + 1, 2)); return;
    case 0xdb: NEED(c, 5); decode_string(L, c, 5, (size_t)big_endian(c->p + 1, 4)); return;
    case 0xdc: { NEED(c, 3); size_t n = (size_t)big_endian(c->p + 1, 2); CONSUME(c, 3); decode_array(L, c, n); return; }
    case 0xdd: { NEED(c, 5); size_t n = (size_t)big_endian(c->p + 1, 4); CONSUME(c, 5); decode_array(L, c, n); return; }
    case 0xde: { NEED(c, 3); size_t n = (size_t)big_endian(c->p + 1, 2); CONSUME(c, 3); decode_map(L, c, n); return; }
    case 0xdf: { NEED(c, 5); size_t n = (size_t)big_endian(c->p + 1, 4); CONSUME(c, 5); decode_map(L, c, n); return; }
    }
    if ((type & 0x80) == 0) {
        lua_pushnumber(L, type);
        CONSUME(c, 1);
    } else if ((type & 0xe0) == 0xe0) {
        lua_pushinteger(L, (signed char)type);
        CONSUME(c, 1);
    } else if ((type & 0xe0) == 0xa0) {
        decode_string(L, c, 1, type & 0x1f);
    } else if ((type & 0xf0) == 0x90) {
        CONSUME(c, 1);
        decode_array(L, c, type & 0xf);
    } else if ((type & 0xf0) == 0x80) {
        CONSUME(c, 1);
        decode_map(L, c, type & 0xf);
    } else {
        c->error = DECODE_BAD;
    }
}

static int unpack(lua_State *L, lua_Integer limit, lua_Integer offset) {
    size_t length;
    const char *data = luaL_checklstring(L, 1, &length);
    int everything = !limit && !offset;
    /* 7.0.15 prints the input's length where it means the limit. */
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", (int)offset, (int)length);
    if ((size_t)offset > length)
        return luaL_error(L, "Start offset %d greater than input length %d.", (int)offset, (int)length);
    if (everything) limit = INT_MAX;
    cursor c = {(const unsigned char *)data + offset, length - (size_t)offset, DECODE_OK};
    int count;
    for (count = 0; c.left > 0 && count < limit; count++) {
        decode(L, &c);
        if (c.error == DECODE_EOF) return luaL_error(L, "Missing bytes in input.");
        if (c.error == DECODE_BAD) return luaL_error(L, "Bad data format in input.");
    }
    if (!everything) {
        luaL_checkstack(L, 1, "in function mp_unpack_full");
        lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(length - c.left));
        lua_insert(L, 2);
        count++;
    }
    return count;
}

static int msgpack_unpack(lua_State *L) { return unpack(L, 0, 0); }

static int msgpack_unpack_one(lua_State *L) {
    lua_Integer offset = luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return unpack(L, 1, offset);
}

static int msgpack_unpack_limit(lua_State *L) {
    lua_Integer limit = luaL_checkinteger(L, 2);
    lua_Integer offset = luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return unpack(L, limit, offset);
}

int rc_luaopen_cmsgpack(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, msgpack_pack);
    lua_setfield(L, -2, "pack");
    lua_pushcfunction(L, msgpack_unpack);
    lua_setfield(L, -2, "unpack");
    lua_pushcfunction(L, msgpack_unpack_one);
    lua_setfield(L, -2, "unpack_one");
    lua_pushcfunction(L, msgpack_unpack_limit);
    lua_setfield(L, -2, "unpack_limit");
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
