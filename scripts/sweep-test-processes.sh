#!/usr/bin/env bash
# Kills redis-server, valkey-server, rcluster server and sshd processes that a crashed or interrupted test run left
# behind: test nodes run with their working directory in /tmp/rcluster-test-*.
set -u
for pid in $(pgrep -x redis-server 2>/dev/null) $(pgrep -x valkey-server 2>/dev/null) $(pgrep -x rcluster 2>/dev/null); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
    case "$cwd" in
        */rcluster-test-*) kill -9 "$pid" 2>/dev/null && echo "swept leftover test node (pid $pid, $cwd)" ;;
    esac
done
# Test sshd daemons (SSHServerProcess) run from a config inside such a folder.
for pid in $(pgrep -f "sshd -f ${TMPDIR:-/tmp}/rcluster-test-sshd-" 2>/dev/null); do
    kill "$pid" 2>/dev/null && echo "swept leftover test sshd (pid $pid)"
done
rm -rf "${TMPDIR:-/tmp}"/rcluster-test-* 2>/dev/null
exit 0
