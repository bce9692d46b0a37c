// struct.pack / struct.unpack / struct.size, the binary packing library
// redis-server 7.0 links into its Lua (Roberto Ierusalimschy's "struct"
// 0.2 as Redis carries it), written here for the engine. Formats:
//   < > !n  little, big endian, maximum alignment n (default: native)
//   b B h H l L T i[n] I[n]  signed/unsigned char, short, long, size_t, int of n bytes
//   f d  float, double;  x  a padding byte;  s  a zero-terminated string;
//   c[n] a string of n bytes (c0: the length is the previous value, on unpack)
#include "lua_internal.h"
#include <ctype.h>
#include <limits.h>
#include <string.h>

#define MAX_INTEGER_SIZE 32

enum { BIG_ENDIAN_ORDER = 0, LITTLE_ENDIAN_ORDER = 1 };

typedef struct {
    int endian;
    int align;
} layout;

static int native_endian(void) {
    const union { int one; char first; } probe = {1};
    return probe.first ? LITTLE_ENDIAN_ORDER : BIG_ENDIAN_ORDER;
}

/* The largest alignment a double gets in a struct, or an int's if larger. */
static int max_alignment(void) {
    struct probe { char c; double d; };
    size_t padding = offsetof(struct probe, d);
    return (int)(padding > sizeof(int) ? padding : sizeof(int));
}

static int read_count(lua_State *L, const char **format, int fallback) {
    if (!isdigit((unsigned char)**format)) return fallback;
    int value = 0;
    while (isdigit((unsigned char)**format)) {
        int digit = *(*format)++ - '0';
        if (value > (INT_MAX - digit) / 10) luaL_error(L, "integral size overflow");
        value = value * 10 + digit;
    }
    return value;
}

static size_t option_size(lua_State *L, char option, const char **format) {
    switch (option) {
    case 'b': case 'B': return sizeof(char);
    case 'h': case 'H': return sizeof(short);
    case 'l': case 'L': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return (size_t)read_count(L, format, 1);
    case 'i': case 'I': {
        int size = read_count(L, format, sizeof(int));
        if (size > MAX_INTEGER_SIZE) luaL_error(L, "integral size %d is larger than limit of %d", size, MAX_INTEGER_SIZE);
        return (size_t)size;
    }
    default: return 0;
    }
}

static size_t padding_for(size_t position, const layout *l, char option, size_t size) {
    if (size == 0 || option == 'c') return 0;
    if (size > (size_t)l->align) size = (size_t)l->align;
    return (size - (position & (size - 1))) & (size - 1);
}

/* The options that change the layout; anything else is an error. */
static void layout_option(lua_State *L, char option, const char **format, layout *l) {
    switch (option) {
    case ' ': return;
    case '>': l->endian = BIG_ENDIAN_ORDER; return;
    case '<': l->endian = LITTLE_ENDIAN_ORDER; return;
    case '!': {
        int align = read_count(L, format, max_alignment());
        if (align <= 0 || (align & (align - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", align);
        l->align = align;
        return;
    }
    default:
        luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", option));
    }
}

static void put_integer(lua_State *L, luaL_Buffer *b, int arg, int endian, int size) {
    lua_Number number = luaL_checknumber(L, arg);
    unsigned long value = number < 0 ? (unsigned long)(long)number : (unsigned long)number;
    char bytes[MAX_INTEGER_SIZE];
    for (int i = 0; i < size; i++) {
        bytes[endian == LITTLE_ENDIAN_ORDER ? i : size - 1 - i] = (char)(value & 0xff);
        value = i + 1 < (int)sizeof value ? value >> 8 : 0;
    }
    luaL_addlstring(b, bytes, (size_t)size);
}

static void to_order(char *bytes, size_t size, int endian) {
    if (endian == native_endian()) return;
    for (size_t i = 0, j = size - 1; i < j; i++, j--) {
        char t = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = t;
    }
}

static int struct_pack(lua_State *L) {
    const char *format = luaL_checkstring(L, 1);
    layout l = {native_endian(), 1};
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    lua_pushnil(L);   /* keeps the buffer's stack slots apart from the arguments */
    luaL_buffinit(L, &b);
    while (*format) {
        char option = *format++;
        size_t size = option_size(L, option, &format);
        size_t padding = padding_for(total, &l, option, size);
        total += padding;
        while (padding-- > 0) luaL_addchar(&b, '\0');
        switch (option) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            put_integer(L, &b, arg++, l.endian, (int)size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            to_order((char *)&f, size, l.endian);
            luaL_addlstring(&b, (char *)&f, size);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            to_order((char *)&d, size, l.endian);
            luaL_addlstring(&b, (char *)&d, size);
            break;
        }
        case 'c': case 's': {
            size_t length;
            const char *text = luaL_checklstring(L, arg++, &length);
            if (size == 0) size = length;
            luaL_argcheck(L, length >= size, arg, "string too short");
            luaL_addlstring(&b, text, size);
            if (option == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            layout_option(L, option, &format, &l);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static lua_Number get_integer(const char *bytes, int endian, int is_signed, int size) {
    unsigned long value = 0;
    for (int i = 0; i < size; i++) {
        unsigned char byte = (unsigned char)bytes[endian == BIG_ENDIAN_ORDER ? i : size - 1 - i];
        value = (value << 8) | byte;
    }
    if (!is_signed) return (lua_Number)value;
    if (size * 8 - 1 < (int)(sizeof value * 8)) {
        unsigned long sign = ~0UL << (size * 8 - 1);
        if (value & sign) value |= sign;
    }
    return (lua_Number)(long)value;
}

static int struct_unpack(lua_State *L) {
    const char *format = luaL_checkstring(L, 1);
    size_t length;
    const char *data = luaL_checklstring(L, 2, &length);
    size_t position = (size_t)luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, position > 0, 3, "offset must be 1 or greater");
    position--;
    layout l = {native_endian(), 1};
    int results = 0;
    while (*format) {
        char option = *format++;
        size_t size = option_size(L, option, &format);
        position += padding_for(position, &l, option, size);
        luaL_argcheck(L, size <= length && position <= length - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (option) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            lua_pushnumber(L, get_integer(data + position, l.endian, islower((unsigned char)option), (int)size));
            results++;
            break;
        case 'x':
            break;
        case 'f': {
            float f;
            memcpy(&f, data + position, size);
            to_order((char *)&f, sizeof f, l.endian);
            lua_pushnumber(L, f);
            results++;
            break;
        }
        case 'd': {
            double d;
            memcpy(&d, data + position, size);
            to_order((char *)&d, sizeof d, l.endian);
            lua_pushnumber(L, d);
            results++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (results == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                results--;
                luaL_argcheck(L, size <= length && position <= length - size, 2, "data string too short");
            }
            lua_pushlstring(L, data + position, size);
            results++;
            break;
        case 's': {
            const char *end = memchr(data + position, '\0', length - position);
            if (!end) luaL_error(L, "unfinished string in data");
            size = (size_t)(end - (data + position)) + 1;
            lua_pushlstring(L, data + position, size - 1);
            results++;
            break;
        }
        default:
            layout_option(L, option, &format, &l);
        }
        position += size;
    }
    lua_pushinteger(L, (lua_Integer)position + 1);
    return results + 1;
}

static int struct_size(lua_State *L) {
    const char *format = luaL_checkstring(L, 1);
    layout l = {native_endian(), 1};
    size_t position = 0;
    while (*format) {
        char option = *format++;
        size_t size = option_size(L, option, &format);
        position += padding_for(position, &l, option, size);
        if (option == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
        else if (option == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
        if (!isalnum((unsigned char)option)) layout_option(L, option, &format, &l);
        position += size;
    }
    lua_pushinteger(L, (lua_Integer)position);
    return 1;
}

int rc_luaopen_struct(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"pack", struct_pack}, {"unpack", struct_unpack}, {"size", struct_size}, {NULL, NULL},
    };
    luaL_register(L, "struct", functions);
    return 1;
}
