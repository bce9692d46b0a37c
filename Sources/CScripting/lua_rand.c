// math.random's generator: the 48-bit linear congruential generator of
// drand48 (x = a*x + c mod 2^48), started from its standard state and never
// reseeded but by math.randomseed, as redis-server 7.0 runs it: the same
// sequence on every platform, independent of libc.
#include "lua_internal.h"

static uint64_t state = 0x1234ABCD330EULL;
static const uint64_t multiplier = 0x5DEECE66DULL, increment = 0xB, mask = (1ULL << 48) - 1;

int32_t rc_lrand48(void) {
    state = (multiplier * state + increment) & mask;
    return (int32_t)(state >> 17);
}

void rc_srand48(int32_t seed) {
    state = (((uint64_t)(uint32_t)seed) << 16 | 0x330E) & mask;
}
