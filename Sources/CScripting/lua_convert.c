// Replies both ways, as script_lua.c converts them in 7.0.15:
// redisProtocolToLuaType (a command's RESP reply -> Lua values) and
// luaReplyToRedisReply (the script's value -> the caller's RESP reply).
#include "lua_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- RESP -> Lua ---- */

typedef struct {
    const char *p;
    const char *end;
} cursor;

static const char *line_end(cursor *c) {
    const char *crlf = c->p;
    while (crlf + 1 < c->end && !(crlf[0] == '\r' && crlf[1] == '\n')) crlf++;
    return crlf;
}

static long long read_integer(cursor *c) {
    const char *crlf = line_end(c);
    long long value = strtoll(c->p + 1, NULL, 10);
    c->p = crlf + 2;
    return value;
}

static void need_stack(lua_State *L, int n) {
    if (!lua_checkstack(L, n)) luaL_error(L, "reached lua stack limit");
}

/* With L NULL the value is skipped (attributes are not shown to scripts). */
static void parse(lua_State *L, cursor *c) {
    if (c->p >= c->end) {
        if (L) lua_pushnil(L);
        return;
    }
    char type = *c->p;
    if (L) need_stack(L, 5);
    switch (type) {
    case ':': {
        long long value = read_integer(c);
        if (L) lua_pushnumber(L, (lua_Number)value);
        return;
    }
    case '$': {
        long long length = read_integer(c);
        if (length < 0) {
            if (L) lua_pushboolean(L, 0);
            return;
        }
        if (L) lua_pushlstring(L, c->p, (size_t)length);
        c->p += length + 2;
        return;
    }
    case '+':
    case '-': {
        const char *crlf = line_end(c);
        const char *text = c->p + 1;
        size_t length = (size_t)(crlf - text);
        c->p = crlf + 2;
        if (!L) return;
        if (type == '+') {
            lua_newtable(L);
            lua_pushliteral(L, "ok");
            lua_pushlstring(L, text, length);
            lua_settable(L, -3);
        } else {
            rc_push_error(L, text - 1, length + 1);
            lua_pushliteral(L, "ignore_error_stats_update");
            lua_pushboolean(L, 1);
            lua_settable(L, -3);
        }
        return;
    }
    case '*':
    case '~':
    case '%': {
        long long count = read_integer(c);
        if (count < 0) {
            if (L) lua_pushboolean(L, 0);
            return;
        }
        if (L) {
            if (type == '*') {
                lua_newtable(L);
            } else {
                lua_newtable(L);
                lua_pushstring(L, type == '%' ? "map" : "set");
                lua_newtable(L);
            }
        }
        for (long long j = 0; j < count; j++) {
            if (type == '*') {
                if (L) lua_pushnumber(L, (lua_Number)(j + 1));
                parse(L, c);
            } else if (type == '%') {
                parse(L, c);
                parse(L, c);
            } else {
                parse(L, c);
                if (L) {
                    need_stack(L, 1);
                    lua_pushboolean(L, 1);
                }
            }
            if (L) lua_settable(L, -3);
        }
        if (L && type != '*') lua_settable(L, -3);
        return;
    }
    case '#': {
        int value = c->p + 1 < c->end && c->p[1] == 't';
        c->p = line_end(c) + 2;
        if (L) lua_pushboolean(L, value);
        return;
    }
    case ',': {
        const char *crlf = line_end(c);
        char text[128];
        size_t length = (size_t)(crlf - c->p - 1);
        if (length >= sizeof text) length = sizeof text - 1;
        memcpy(text, c->p + 1, length);
        text[length] = 0;
        c->p = crlf + 2;
        double value = !strcmp(text, "inf") ? INFINITY : !strcmp(text, "-inf") ? -INFINITY : strtod(text, NULL);
        if (!L) return;
        lua_newtable(L);
        lua_pushliteral(L, "double");
        lua_pushnumber(L, value);
        lua_settable(L, -3);
        return;
    }
    case '_':
        c->p = line_end(c) + 2;
        if (L) lua_pushnil(L);
        return;
    case '(': {
        const char *crlf = line_end(c);
        const char *text = c->p + 1;
        c->p = crlf + 2;
        if (!L) return;
        lua_newtable(L);
        lua_pushliteral(L, "big_number");
        lua_pushlstring(L, text, (size_t)(crlf - text));
        lua_settable(L, -3);
        return;
    }
    case '=': {
        long long length = read_integer(c);
        const char *body = c->p;
        c->p += length + 2;
        if (!L) return;
        lua_newtable(L);
        lua_pushliteral(L, "verbatim_string");
        lua_newtable(L);
        lua_pushliteral(L, "string");
        lua_pushlstring(L, body + 4, length >= 4 ? (size_t)length - 4 : 0);
        lua_settable(L, -3);
        lua_pushliteral(L, "format");
        lua_pushlstring(L, body, 3);
        lua_settable(L, -3);
        lua_settable(L, -3);
        return;
    }
    case '|': {
        long long count = read_integer(c);
        for (long long j = 0; j < count; j++) {
            parse(NULL, c);
            parse(NULL, c);
        }
        parse(L, c);
        return;
    }
    default:
        c->p = c->end;
        if (L) lua_pushnil(L);
    }
}

void rc_push_reply(lua_State *L, const char *reply, size_t length) {
    cursor c = {reply, reply + length};
    parse(L, &c);
}

/* ---- Lua -> RESP ---- */

static void append_line(rc_bytes *out, char prefix, const char *text, size_t length) {
    rc_bytes_append(out, &prefix, 1);
    size_t start = out->length;
    rc_bytes_append(out, text, length);
    for (size_t i = start; i < out->length; i++)
        if (out->data[i] == '\r' || out->data[i] == '\n') out->data[i] = ' ';
    rc_bytes_append(out, "\r\n", 2);
}

static void append_bulk(rc_bytes *out, const char *text, size_t length) {
    rc_bytes_append_header(out, '$', (long long)length);
    rc_bytes_append(out, text, length);
    rc_bytes_append(out, "\r\n", 2);
}

static void append_null(rc_bytes *out, int resp) {
    if (resp == 2) rc_bytes_append(out, "$-1\r\n", 5);
    else rc_bytes_append(out, "_\r\n", 3);
}

/// A deferred length: the header is written once the count is known.
static size_t defer_length(rc_bytes *out) {
    size_t mark = out->length;
    rc_bytes_append(out, "*", 1);
    return mark;
}

static void set_deferred_length(rc_bytes *out, size_t mark, char type, long count) {
    char header[24];
    size_t n = rc_format_header(header, type, count);
    size_t tail = out->length - mark - 1;
    if (!rc_bytes_reserve(out, n)) return;
    memmove(out->data + mark + n, out->data + mark + 1, tail);
    memcpy(out->data + mark, header, n);
    out->length = mark + n + tail;
}

static void append_double(rc_bytes *out, double d, int resp) {
    if (isinf(d)) {
        if (resp == 2) append_bulk(out, d > 0 ? "inf" : "-inf", d > 0 ? 3 : 4);
        else rc_bytes_append(out, d > 0 ? ",inf\r\n" : ",-inf\r\n", d > 0 ? 6 : 7);
        return;
    }
    char text[64];
    int n = snprintf(text, sizeof text, "%.17g", d);
    if (resp == 2) append_bulk(out, text, (size_t)n);
    else append_line(out, ',', text, (size_t)n);
}

/* Field `name` of the table on top, raw; pushes it and returns its type. */
static int raw_field(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    lua_rawget(L, -2);
    return lua_type(L, -1);
}

/* An error table as the reply: "-" and its err text, trailing CR/LF trimmed and
 * any other CR/LF made spaces (addReplyErrorFormatEx). Counted unless it came
 * from a command the script called (already counted then). */
static void append_error_table(lua_State *L, rc_bytes *out, int *nested_errors) {
    lua_getfield(L, -1, "err");
    size_t length = 0;
    const char *text = lua_isstring(L, -1) ? lua_tolstring(L, -1, &length) : "";
    while (length > 0 && (text[length - 1] == '\r' || text[length - 1] == '\n')) length--;
    append_line(out, '-', text, length);
    lua_pop(L, 1);
    lua_getfield(L, -1, "ignore_error_stats_update");
    if (!lua_toboolean(L, -1)) (*nested_errors)++;
    lua_pop(L, 1);
}

static void encode(lua_State *L, rc_bytes *out, int resp, int script_resp, int *nested_errors) {
    if (!lua_checkstack(L, 4)) {
        rc_bytes_append(out, "-ERR reached lua stack limit\r\n", 30);
        (*nested_errors)++;
        lua_pop(L, 1);
        return;
    }
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t length;
        const char *text = lua_tolstring(L, -1, &length);
        append_bulk(out, text, length);
        break;
    }
    case LUA_TBOOLEAN:
        if (script_resp == 2) {
            if (lua_toboolean(L, -1)) rc_bytes_append(out, ":1\r\n", 4);
            else append_null(out, resp);
        } else if (resp == 2) {
            /* addReplyBool to a RESP2 caller. */
            rc_bytes_append(out, lua_toboolean(L, -1) ? ":1\r\n" : ":0\r\n", 4);
        } else {
            rc_bytes_append(out, lua_toboolean(L, -1) ? "#t\r\n" : "#f\r\n", 4);
        }
        break;
    case LUA_TNUMBER:
        rc_bytes_append_header(out, ':', (long long)lua_tonumber(L, -1));
        break;
    case LUA_TTABLE: {
        int t = raw_field(L, "err");
        lua_pop(L, 1);
        if (t == LUA_TSTRING) {
            append_error_table(L, out, nested_errors);
            break;
        }
        if (raw_field(L, "ok") == LUA_TSTRING) {
            size_t length;
            const char *text = lua_tolstring(L, -1, &length);
            append_line(out, '+', text, strlen(text) < length ? strlen(text) : length);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, "double") == LUA_TNUMBER) {
            append_double(out, lua_tonumber(L, -1), resp);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, "big_number") == LUA_TSTRING) {
            size_t length;
            const char *text = lua_tolstring(L, -1, &length);
            if (resp == 2) {
                append_bulk(out, text, length);
                for (size_t i = out->length - 2 - length; i < out->length - 2; i++)
                    if (out->data[i] == '\r' || out->data[i] == '\n') out->data[i] = ' ';
            } else {
                append_line(out, '(', text, length);
            }
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, "verbatim_string") == LUA_TTABLE) {
            if (raw_field(L, "format") == LUA_TSTRING) {
                const char *format = lua_tostring(L, -1);
                lua_pushliteral(L, "string");
                lua_rawget(L, -3);
                if (lua_type(L, -1) == LUA_TSTRING) {
                    size_t length;
                    const char *text = lua_tolstring(L, -1, &length);
                    if (resp == 2) {
                        append_bulk(out, text, length);
                    } else {
                        char ext[3] = {' ', ' ', ' '};
                        for (int i = 0; i < 3 && format[i]; i++) ext[i] = format[i];
                        rc_bytes_append_header(out, '=', (long long)(length + 4));
                        rc_bytes_append(out, ext, 3);
                        rc_bytes_append(out, ":", 1);
                        rc_bytes_append(out, text, length);
                        rc_bytes_append(out, "\r\n", 2);
                    }
                    lua_pop(L, 4);
                    return;
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (raw_field(L, "map") == LUA_TTABLE) {
            size_t mark = defer_length(out);
            long count = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pushvalue(L, -2);
                encode(L, out, resp, script_resp, nested_errors);   /* key */
                encode(L, out, resp, script_resp, nested_errors);   /* value */
                count++;
            }
            if (resp == 2) set_deferred_length(out, mark, '*', count * 2);
            else set_deferred_length(out, mark, '%', count);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, "set") == LUA_TTABLE) {
            size_t mark = defer_length(out);
            long count = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pop(L, 1);
                lua_pushvalue(L, -1);
                encode(L, out, resp, script_resp, nested_errors);
                count++;
            }
            set_deferred_length(out, mark, resp == 2 ? '*' : '~', count);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        size_t mark = defer_length(out);
        long count = 0;
        for (int j = 1;; j++) {
            lua_pushnumber(L, j);
            lua_rawget(L, -2);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                break;
            }
            encode(L, out, resp, script_resp, nested_errors);
            count++;
        }
        set_deferred_length(out, mark, '*', count);
        break;
    }
    default:
        append_null(out, resp);
    }
    lua_pop(L, 1);
}

void rc_encode_reply(lua_State *L, rc_bytes *out, int resp, int script_resp, int *nested_errors) {
    encode(L, out, resp, script_resp, nested_errors);
}
