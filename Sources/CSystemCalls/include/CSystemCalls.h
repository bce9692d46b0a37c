#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H

#include <spawn.h>

/// glibc declares these only under _GNU_SOURCE, which Swift's Glibc module
/// does not define.

/// pipe2(fds, O_CLOEXEC): both ends close on exec from the start, so a child
/// spawned by another thread meanwhile never inherits them.
int rc_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child closes
/// every descriptor from `lowest` up, after the actions added before it.
/// Done in the child, it cannot race with threads opening descriptors here.
int rc_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
