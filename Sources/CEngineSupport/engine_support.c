#include <malloc.h>
#include "CEngineSupport.h"

size_t rcluster_allocated_bytes(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

int rcluster_release_free_memory(void) {
    return malloc_trim(0);
}
