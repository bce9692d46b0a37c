#ifndef RCLUSTER_ENGINE_SUPPORT_H
#define RCLUSTER_ENGINE_SUPPORT_H
#include <stddef.h>

/// Bytes the C allocator has handed out and not yet taken back (glibc mallinfo2).
size_t rcluster_allocated_bytes(void);

/// Gives the allocator's free pages back to the system (glibc malloc_trim), as MEMORY PURGE asks.
int rcluster_release_free_memory(void);

#endif
