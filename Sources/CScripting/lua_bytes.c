#include "lua_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rc_bytes_reserve(rc_bytes *bytes, size_t more) {
    if (bytes->length + more <= bytes->capacity) return 1;
    size_t capacity = bytes->capacity ? bytes->capacity : 256;
    while (capacity < bytes->length + more) capacity *= 2;
    char *data = realloc(bytes->data, capacity);
    if (!data) return 0;
    bytes->data = data;
    bytes->capacity = capacity;
    return 1;
}

void rc_bytes_append(rc_bytes *bytes, const char *data, size_t length) {
    if (!rc_bytes_reserve(bytes, length)) return;
    memcpy(bytes->data + bytes->length, data, length);
    bytes->length += length;
}

void rc_bytes_appendf(rc_bytes *bytes, const char *format, ...) {
    char small[128];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        rc_bytes_append(bytes, small, (size_t)n);
        return;
    }
    if (!rc_bytes_reserve(bytes, (size_t)n + 1)) return;
    va_start(ap, format);
    vsnprintf(bytes->data + bytes->length, (size_t)n + 1, format, ap);
    va_end(ap);
    bytes->length += (size_t)n;
}

void rc_bytes_free(rc_bytes *bytes) {
    free(bytes->data);
    bytes->data = NULL;
    bytes->length = bytes->capacity = 0;
}

void rc_bytes_set(rc_bytes *bytes, const char *data, size_t length) {
    bytes->length = 0;
    rc_bytes_append(bytes, data, length);
}

/* "<type><value>\r\n" without printf into out (24 bytes at least); its length.
   Replies' headers and integers are on every call's path. */
size_t rc_format_header(char *out, char type, long long value) {
    char digits[20];
    char *end = digits + sizeof digits, *p = end;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do { *--p = (char)('0' + magnitude % 10); magnitude /= 10; } while (magnitude);
    char *o = out;
    *o++ = type;
    if (value < 0) *o++ = '-';
    memcpy(o, p, (size_t)(end - p));
    o += end - p;
    *o++ = '\r';
    *o++ = '\n';
    return (size_t)(o - out);
}

void rc_bytes_append_header(rc_bytes *bytes, char type, long long value) {
    char text[24];
    rc_bytes_append(bytes, text, rc_format_header(text, type, value));
}
