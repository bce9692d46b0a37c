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
