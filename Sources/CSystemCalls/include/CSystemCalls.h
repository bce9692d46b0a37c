#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H

/// pipe2(fds, O_CLOEXEC): glibc declares pipe2 only under _GNU_SOURCE, which
/// Swift's Glibc module does not define. Both ends close on exec from the
/// start, so a child spawned by another thread meanwhile never inherits them.
int rc_pipe_cloexec(int fds[2]);

#endif
