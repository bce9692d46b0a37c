#!/usr/bin/env bash
# A real multi-host testbed on this one machine, for integration tests of
# SSH + Docker provisioning (see shared notes "testbed.md").
#
# Every "host" is a network namespace (rch1, rch2, ...) with its own address on
# a private /24, its own sshd and its own dockerd. A Linux bridge in the root
# namespace (the "laptop") joins them, so hosts reach each other (Redis
# cluster-bus traffic goes host to host) and the root namespace reaches them.
# Namespaces have no default route: nothing can leave the /24.
#
# Usage:
#   scripts/testbed.sh up              build it (idempotent; a half-built or
#                                      differently sized testbed is torn down first)
#   scripts/testbed.sh down [--purge]  stop and remove everything it started;
#                                      keeps client keys, host keys and the cached
#                                      image tarball unless --purge
#   scripts/testbed.sh status          one line per host; exit 0 only if all healthy
#   scripts/testbed.sh env             testbed.env as shell exports:
#                                      eval "$(scripts/testbed.sh env)"
#
# Environment:
#   TESTBED_HOSTS=3              hosts with sshd + dockerd (rch1..rchN, .11, .12, ...)
#   TESTBED_DOCKERLESS_HOSTS=0   extra hosts after those, sshd only, no dockerd
#   TESTBED_DOCKERLESS_CLI=hidden  hidden: `docker` is not on the PATH of their SSH
#                                sessions (Docker "not installed"); present: the CLI
#                                is there but no daemon answers ("not running")
#   RCLUSTER_TESTBED_DIR=/tmp/rcluster-testbed   state directory
#   TESTBED_KEEP_ON_FAILURE=1    leave a failed `up` in place for inspection
#   TESTBED_VERBOSE=1            trace every command
#   TESTBED_SERVERS="/usr/bin/redis-server"  the redis-server binaries to make
#                                images of, one image each (rcluster-redis:VERSION);
#                                the first is TESTBED_IMAGE, all are TESTBED_IMAGES
#
# testbed.env (written by `up`, removed by `down`) is plain KEY=VALUE, one per
# line, values unquoted (lists are space-separated), no comments: parse it by
# splitting each line at the first '='. Do not `source` it in a shell (use `env`).
set -euo pipefail
shopt -s nullglob

# --------------------------------------------------------------------------
# The testbed network: the ONE place where its addresses are defined.
# --------------------------------------------------------------------------
readonly NET_PREFIX="10.213.77"              # the private /24, minus its last octet
readonly SUBNET="${NET_PREFIX}.0/24"
readonly LAPTOP_ADDR="${NET_PREFIX}.1"        # the root namespace, on the bridge
readonly HOST_OCTET_BASE=10                   # host n (rchN) gets ${NET_PREFIX}.(10+n)

readonly BRIDGE="rcbr0"
readonly NS_PREFIX="rch"                      # namespaces rch1, rch2, ...
readonly VETH_PREFIX="rcv"                    # root end of host n's veth: rcvN
readonly CGROUP_PREFIX="rcluster-testbed-"    # per-daemon cgroup parent, so down can rmdir it
readonly KEY_PASSPHRASE="testbed-pass"
readonly SSH_USER="root"
readonly IMAGE_REPO="rcluster-redis"
readonly IMAGE_PATH_ENV="PATH=/usr/local/bin:/usr/bin:/bin"
readonly DAEMON_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

STATE="${RCLUSTER_TESTBED_DIR:-/tmp/rcluster-testbed}"
STATE="$(realpath -m -- "$STATE")"
readonly STATE
readonly ENV_FILE="$STATE/testbed.env"
readonly HOSTS_FILE="$STATE/hosts.list"       # the plan `up` built: what `down` undoes
readonly KNOWN_HOSTS="$STATE/known_hosts"
readonly AUTH_KEYS="$STATE/authorized_keys"
readonly KEY="$STATE/id_ed25519"
readonly KEY_PASS="$STATE/id_ed25519_pass"
readonly RSA_KEY="$STATE/id_rsa"
readonly IMAGE_DIR="$STATE/image"
read -r -a SERVERS <<<"${TESTBED_SERVERS:-/usr/bin/redis-server}"
readonly SERVERS
readonly STEP_LOG="$STATE/step.log"           # output of the current step, tailed on failure

[ "${TESTBED_VERBOSE:-0}" = 1 ] && set -x
# An unexpected failure names the command; `die` covers the expected ones.
set -E
trap 'printf "testbed: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
say()  { printf 'testbed: %s\n' "$*"; }
warn() { printf 'testbed: warning: %s\n' "$*" >&2; }

# die MESSAGE [LOGFILE]: the error and, if given, the tail of the log that explains it.
die() {
    printf 'testbed: error: %s\n' "$1" >&2
    if [ -n "${2:-}" ] && [ -s "$2" ]; then
        printf 'testbed: --- last lines of %s ---\n' "$2" >&2
        tail -n 25 "$2" | sed 's/^/  | /' >&2
    fi
    exit 1
}

# run DESCRIPTION CMD...: run a step with its output in STEP_LOG; fail with the log tail.
run() {
    local what="$1"; shift
    if ! "$@" >"$STEP_LOG" 2>&1; then
        die "$what failed: $*" "$STEP_LOG"
    fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --------------------------------------------------------------------------
# Hosts: names, addresses, derived paths
# --------------------------------------------------------------------------
host_num()  { echo "${1#"$NS_PREFIX"}"; }
host_addr() { echo "${NET_PREFIX}.$((HOST_OCTET_BASE + $(host_num "$1")))"; }
host_dir()  { echo "$STATE/$1"; }
host_sock() { echo "$STATE/$1/docker.sock"; }
host_veth() { echo "${VETH_PREFIX}$(host_num "$1")"; }
ns_path()   { echo "/var/run/netns/$1"; }
in_ns()     { local ns="$1"; shift; nsenter --net="$(ns_path "$ns")" "$@"; }
dockercli() { local h="$1"; shift; docker -H "unix://$(host_sock "$h")" "$@"; }

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# The wanted plan, from the environment: PLAN lines "NAME ADDR KIND", KIND is
# docker, nodocker-hidden or nodocker-present.
plan_hosts() {
    local n="${TESTBED_HOSTS:-3}" d="${TESTBED_DOCKERLESS_HOSTS:-0}" cli="${TESTBED_DOCKERLESS_CLI:-hidden}"
    # TESTBED_HOSTS is also the address list in testbed.env; after `eval "$(... env)"`
    # it holds those addresses: accept them as the count they stand for.
    if ! is_uint "$n"; then
        local addrs i want=()
        read -ra addrs <<<"$n"
        for ((i = 1; i <= ${#addrs[@]}; i++)); do want+=("$(host_addr "${NS_PREFIX}$i")"); done
        [ "${addrs[*]}" = "${want[*]}" ] ||
            die "TESTBED_HOSTS must be a host count (or testbed.env's address list), got '$n'"
        n=${#addrs[@]}
    fi
    is_uint "$d" || die "TESTBED_DOCKERLESS_HOSTS must be a count, got '$d'"
    [ "$n" -ge 1 ] || die "TESTBED_HOSTS must be at least 1"
    [ $((n + d)) -le 200 ] || die "at most 200 hosts fit in $SUBNET from .$((HOST_OCTET_BASE + 1))"
    case "$cli" in hidden|present) ;; *) die "TESTBED_DOCKERLESS_CLI must be hidden or present, got '$cli'" ;; esac
    PLAN=()
    local i name
    for ((i = 1; i <= n + d; i++)); do
        name="${NS_PREFIX}${i}"
        if [ "$i" -le "$n" ]; then
            PLAN+=("$name $(host_addr "$name") docker")
        else
            PLAN+=("$name $(host_addr "$name") nodocker-$cli")
        fi
    done
}

# Every host name that may have something of ours: the recorded plan, host
# directories, namespaces and veths named our way. Used by down, so it also
# cleans a testbed whose plan file is gone.
known_host_names() {
    {
        [ -f "$HOSTS_FILE" ] && awk '{ print $1 }' "$HOSTS_FILE"
        local d
        for d in "$STATE/${NS_PREFIX}"*/; do basename "$d"; done
        ip netns list 2>/dev/null | awk '{ print $1 }'
        ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
            sed -n "s/^${VETH_PREFIX}\([0-9][0-9]*\)\$/${NS_PREFIX}\1/p"
    } | grep -E "^${NS_PREFIX}[0-9]+\$" | sort -u -V || true
}

# --------------------------------------------------------------------------
# Processes: only ever those we started, checked by name and command line
# --------------------------------------------------------------------------

# pid_is_ours PID COMM_REGEX: alive, named so, and its command line mentions the
# state dir (guards against a recycled pid in a stale pid file).
pid_is_ours() {
    local pid="$1" comm_re="$2" comm
    is_uint "$pid" && alive "$pid" || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    [[ "$comm" =~ $comm_re ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE/"
}

# pid_from_file FILE COMM_REGEX: the pid in FILE if it is one of ours, else nothing.
pid_from_file() {
    local pid
    [ -f "$1" ] || return 0
    pid="$(tr -dc '0-9' <"$1" 2>/dev/null)" || return 0
    if pid_is_ours "$pid" "$2"; then echo "$pid"; fi
}

# alive PID: running. A zombie is not: our daemons are reparented to pid 1, which
# here may take seconds to reap them.
alive() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [ "${stat%% *}" != Z ]
}

# stop_pids TIMEOUT PID...: SIGTERM, wait up to TIMEOUT seconds, then SIGKILL.
stop_pids() {
    local timeout="$1"; shift
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || true
    local deadline=$((SECONDS + timeout)) pid running
    while :; do
        running=()
        for pid in "$@"; do alive "$pid" && running+=("$pid"); done
        [ ${#running[@]} -eq 0 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && break
        sleep 0.1
    done
    warn "still running after ${timeout}s, killing: ${running[*]}"
    kill -KILL "${running[@]}" 2>/dev/null || true
    sleep 0.2
}

# netns_pids NAME: every process living in our namespace NAME (sshd sessions,
# containers with --net host, shims...). Only we put processes there.
netns_pids() {
    [ -e "$(ns_path "$1")" ] || return 0
    ip netns pids "$1" 2>/dev/null || true
}

# --------------------------------------------------------------------------
# Client keys and the image (kept across down; built once)
# --------------------------------------------------------------------------
ensure_keys() {
    if [ ! -s "$KEY" ] || [ ! -s "$KEY_PASS" ] || [ ! -s "$RSA_KEY" ]; then
        say "client keys (ed25519, ed25519 with passphrase, rsa 3072)"
    fi
    [ -s "$KEY" ] || run "ssh-keygen (ed25519)" ssh-keygen -q -t ed25519 -N '' -C rcluster-testbed -f "$KEY"
    [ -s "$KEY_PASS" ] || run "ssh-keygen (ed25519, passphrase)" \
        ssh-keygen -q -t ed25519 -N "$KEY_PASSPHRASE" -C rcluster-testbed-pass -f "$KEY_PASS"
    [ -s "$RSA_KEY" ] || run "ssh-keygen (rsa 3072)" ssh-keygen -q -t rsa -b 3072 -N '' -C rcluster-testbed-rsa -f "$RSA_KEY"
    cat "$KEY.pub" "$KEY_PASS.pub" "$RSA_KEY.pub" >"$AUTH_KEYS"
    chmod 600 "$KEY" "$KEY_PASS" "$RSA_KEY" "$AUTH_KEYS"
}

# redis_version SERVER_BINARY
redis_version() {
    "$1" --version | sed -n 's/.* v=\([0-9][0-9.]*\) .*/\1/p'
}

image_name()    { echo "${IMAGE_REPO}:$(redis_version "$1")"; }
image_tarball() { echo "$IMAGE_DIR/${IMAGE_REPO}-$(redis_version "$1").tar"; }

# copy_with_libs ROOTFS BINARY [DEST]: the binary (at DEST, default its own path),
# every library ldd lists and the dynamic loader, at their own paths.
copy_with_libs() {
    local rootfs="$1" bin="$2" dest="${3:-$2}" lib
    ldd "$bin" | grep -q 'not found' && die "ldd $bin: a library is missing: $(ldd "$bin" | grep 'not found')"
    mkdir -p "$rootfs$(dirname "$dest")"
    cp -L "$bin" "$rootfs$dest"
    # "libx.so => /path (addr)" and the loader's "/lib64/ld-linux... (addr)"
    for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
        [ -e "$rootfs$lib" ] || cp -L --parents "$lib" "$rootfs/"
    done
}

# /usr/bin/redis-server in the image. The official redis image is built with
# protected-mode defaulting to "no" (in a container, clients never come from
# loopback); Debian's binary defaults to "yes", and then every client from another
# address gets DENIED. This restores the official default: `--protected-mode no`
# is appended unless the command line or the config file sets protected-mode.
redis_server_wrapper() {
    cat <<'EOF'
#!/bin/sh
# rcluster testbed: Debian's redis-server with the official image's default
# protected-mode "no"; an explicit protected-mode (arguments or config file) wins.
real=/usr/libexec/redis/redis-server
case " $* " in *protected-mode*) exec "$real" "$@" ;; esac
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && [ -f "$1" ] && [ -r "$1" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line#"${line%%[![:space:]]*}"}"
        case "$line" in [Pp][Rr][Oo][Tt][Ee][Cc][Tt][Ee][Dd]-[Mm][Oo][Dd][Ee]*) exec "$real" "$@" ;; esac
    done <"$1"
fi
exec "$real" "$@" --protected-mode no
EOF
}

# A registry-free image: redis-server, redis-cli, every library they load and the
# dynamic loader at their own paths, and /bin/sh (dash) for the redis-server
# wrapper above. Cached: rebuilt only when a binary or this script is newer.
# build_image_tarball SERVER_BINARY
build_image_tarball() {
    local server="$1" tar rootfs
    tar="$(image_tarball "$server")"
    if [ -s "$tar" ] && [ "$tar" -nt "$server" ] && [ "$tar" -nt /usr/bin/redis-cli ] &&
        [ "$tar" -nt "${BASH_SOURCE[0]}" ]; then
        say "image tarball cached ($(basename "$tar"))"
        return 0
    fi
    mkdir -p "$IMAGE_DIR"
    rootfs="$(mktemp -d "$IMAGE_DIR/rootfs.XXXXXX")"
    # The real server keeps the basename redis-server (argv[0] picks sentinel/check modes).
    copy_with_libs "$rootfs" "$server" /usr/libexec/redis/redis-server
    copy_with_libs "$rootfs" /usr/bin/redis-cli
    copy_with_libs "$rootfs" "$(realpath /bin/sh)" /usr/bin/sh
    mkdir -p "$rootfs/bin"
    ln -s /usr/bin/sh "$rootfs/bin/sh"
    redis_server_wrapper >"$rootfs/usr/bin/redis-server"
    chmod 755 "$rootfs/usr/bin/redis-server"
    mkdir -p "$rootfs/etc" "$rootfs/data" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$tar.tmp" .
    mv "$tar.tmp" "$tar"
    rm -rf --one-file-system "$rootfs"
    say "image tarball built ($(basename "$tar"), $(du -h "$tar" | cut -f1))"
}

# --------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------
check_network_free() {
    # Someone else's interface on our /24 would make us route to a real network.
    local other
    other="$(ip -o -4 addr show | awk -v p="${NET_PREFIX}." -v br="$BRIDGE" \
        'index($4, p) == 1 && $2 != br { print $2 " " $4 }')"
    [ -z "$other" ] || die "$SUBNET is already in use here ($other): change NET_PREFIX at the top of $0"
}

create_bridge() {
    run "create bridge $BRIDGE" ip link add "$BRIDGE" type bridge
    # No IPv6 on the testbed links: no link-local chatter to addresses outside the /24.
    sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1" 2>/dev/null || true
    run "address $BRIDGE" ip addr add "$LAPTOP_ADDR/24" dev "$BRIDGE"
    run "bring up $BRIDGE" ip link set "$BRIDGE" up
    # With br_netfilter loaded, bridged frames traverse iptables FORWARD; a DROP
    # policy (a system Docker sets one) would cut host-to-host traffic.
    if [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0)" = 1 ] &&
        command -v iptables >/dev/null &&
        ! iptables -S FORWARD 2>/dev/null | grep -qx -- '-P FORWARD ACCEPT'; then
        run "iptables accept on $BRIDGE" iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT \
            -m comment --comment rcluster-testbed
    fi
    say "bridge $BRIDGE $LAPTOP_ADDR/24"
}

create_host_ns() {
    local name="$1" addr="$2" veth
    veth="$(host_veth "$name")"
    run "ip netns add $name" ip netns add "$name"
    run "veth for $name" ip link add "$veth" type veth peer name eth0 netns "$name"
    sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1" 2>/dev/null || true
    in_ns "$name" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 2>/dev/null || true
    # As on a real Docker server; else every `docker run` warns "IPv4 forwarding is
    # disabled". Harmless here: the namespace has one link and no route out.
    in_ns "$name" sysctl -qw net.ipv4.ip_forward=1 2>/dev/null || true
    run "attach $veth to $BRIDGE" ip link set "$veth" master "$BRIDGE" up
    run "address $name" ip -n "$name" addr add "$addr/24" dev eth0
    run "bring up eth0 in $name" ip -n "$name" link set eth0 up
    run "bring up lo in $name" ip -n "$name" link set lo up
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# --------------------------------------------------------------------------
# sshd
# --------------------------------------------------------------------------

# A PATH directory with every command of this machine except Docker's, for
# hosts that must look as if Docker were not installed.
make_dockerless_bin() {
    local bin="$1" dir f links=()
    local -A seen=()
    rm -rf "$bin"; mkdir -p "$bin"
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        [ -d "$dir" ] || continue
        for f in "$dir"/*; do
            case "${f##*/}" in docker|docker-*|dockerd|dockerd-*|containerd|containerd-*|ctr|runc) continue ;; esac
            [ -n "${seen[${f##*/}]:-}" ] && continue
            seen[${f##*/}]=1; links+=("$f")
        done
    done
    ln -s -t "$bin" "${links[@]}"
}

start_sshd() {
    local name="$1" addr="$2" kind="$3" dir
    dir="$(host_dir "$name")"
    mkdir -p "$dir" /run/sshd
    # The host key survives down, so known_hosts stays the same from one up to the next.
    [ -s "$dir/ssh_host_ed25519_key" ] ||
        run "host key for $name" ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
    local env_line
    env_line="SetEnv DOCKER_HOST=unix://$(host_sock "$name")"
    if [ "$kind" = nodocker-hidden ]; then
        make_dockerless_bin "$dir/bin"
        env_line+=" PATH=$dir/bin"
    fi
    cat >"$dir/sshd_config" <<EOF
# $name ($addr), written by scripts/testbed.sh
Port 22
ListenAddress $addr
AddressFamily inet
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $AUTH_KEYS
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
X11Forwarding no
Subsystem sftp /usr/lib/openssh/sftp-server
# docker in an SSH session talks to this host's own daemon (a dockerless host
# gets a socket nobody serves, never the machine's default one).
$env_line
EOF
    run "sshd config check for $name" /usr/sbin/sshd -t -f "$dir/sshd_config"
    rm -f "$dir/sshd.pid"
    # 9>&-: daemons must not inherit our lock.
    run "start sshd in $name" env -i PATH="$DAEMON_PATH" \
        nsenter --net="$(ns_path "$name")" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" 9>&-
}

wait_sshd() {
    local name="$1" addr="$2" deadline=$((SECONDS + 15))
    until port_open "$addr" 22; do
        [ "$SECONDS" -lt "$deadline" ] || die "sshd in $name does not answer on $addr:22" "$(host_dir "$name")/sshd.log"
        sleep 0.1
    done
}

# --------------------------------------------------------------------------
# dockerd
# --------------------------------------------------------------------------
start_dockerd() {
    local name="$1" dir
    dir="$(host_dir "$name")"
    mkdir -p "$dir/docker" "$dir/exec"
    # Our own config file, so a machine-wide /etc/docker/daemon.json cannot leak in;
    # it also keeps dockerd's trust key out of /etc/docker/key.json.
    printf '{ "deprecated-key-path": "%s" }\n' "$dir/key.json" >"$dir/daemon.json"
    rm -f "$dir/dockerd.pid" "$(host_sock "$name")"
    # nsenter --net, not `ip netns exec`: the latter remounts /sys in a new mount
    # namespace, the cgroup mounts vanish and dockerd dies ("Devices cgroup isn't
    # mounted"). setsid: detached from our terminal and process group.
    # dockerd starts its own containerd (socket under the exec-root); the shims it
    # spawns find runc on PATH.
    # env -i: nothing of the caller's environment (proxies, DOCKER_*) reaches it.
    env -i PATH="$DAEMON_PATH" setsid nsenter --net="$(ns_path "$name")" /usr/sbin/dockerd \
        --config-file "$dir/daemon.json" \
        --data-root "$dir/docker" \
        --exec-root "$dir/exec" \
        -H "unix://$(host_sock "$name")" \
        --pidfile "$dir/dockerd.pid" \
        --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        --cgroup-parent "/${CGROUP_PREFIX}${name}" \
        --shutdown-timeout 5 \
        </dev/null >"$dir/dockerd.log" 2>&1 9>&- &
    echo "$!" >"$dir/dockerd.launch.pid"
}

wait_dockerd() {
    local name="$1" dir pid deadline=$((SECONDS + 60))
    dir="$(host_dir "$name")"
    pid="$(cat "$dir/dockerd.launch.pid")"
    until dockercli "$name" info >/dev/null 2>&1; do
        alive "$pid" || die "dockerd in $name exited while starting" "$dir/dockerd.log"
        [ "$SECONDS" -lt "$deadline" ] || die "dockerd in $name does not answer after 60 s" "$dir/dockerd.log"
        sleep 0.3
    done
}

# import_image HOST SERVER_BINARY
import_image() {
    local name="$1" server="$2" dir
    dir="$(host_dir "$name")"
    dockercli "$name" import \
        --change "ENV $IMAGE_PATH_ENV" \
        --change 'WORKDIR /data' \
        --change 'CMD ["redis-server"]' \
        - "$(image_name "$server")" <"$(image_tarball "$server")" >>"$dir/import.log" 2>&1
}

# --------------------------------------------------------------------------
# SSH from the root namespace, as the tests do it
# --------------------------------------------------------------------------
ssh_host() {
    local addr="$1"; shift
    ssh -F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
        "$SSH_USER@$addr" "$@"
}

# Hashed known_hosts entries from ssh-keyscan, checked against the keys we generated.
write_known_hosts() {
    local line name addr kind scanned want tmp="$KNOWN_HOSTS.tmp"
    : >"$tmp"
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        scanned="$(ssh-keyscan -H -T 5 -t ed25519 -p 22 "$addr" 2>/dev/null)" ||
            die "ssh-keyscan $addr ($name) failed" "$(host_dir "$name")/sshd.log"
        want="$(awk '{ print $2 }' "$(host_dir "$name")/ssh_host_ed25519_key.pub")"
        [ "$(awk '{ print $3 }' <<<"$scanned")" = "$want" ] ||
            die "ssh-keyscan $addr ($name) returned a key that is not $name's host key"
        echo "$scanned" >>"$tmp"
    done
    mv "$tmp" "$KNOWN_HOSTS"
}

# check_host_ssh NAME ADDR KIND: SSH works end to end, and reaches this host's
# daemon (or, for a dockerless host, no daemon at all).
check_host_ssh() {
    local name="$1" addr="$2" kind="$3" out
    case "$kind" in
        docker)
            out="$(ssh_host "$addr" "docker info --format '{{.ServerVersion}}'" 2>&1)" ||
                { echo "$out" >"$STEP_LOG"; die "ssh $SSH_USER@$addr docker info failed ($name)" "$STEP_LOG"; }
            [[ "$out" =~ ^[0-9]+\.[0-9]+ ]] ||
                { echo "$out" >"$STEP_LOG"; die "ssh $SSH_USER@$addr docker info printed no version ($name)" "$STEP_LOG"; }
            ;;
        nodocker-*)
            # hidden: no docker command at all; present: the command, but no daemon.
            out="$(ssh_host "$addr" 'echo ok; command -v docker >/dev/null && echo cli;
                docker info --format x >/dev/null 2>&1 && echo daemon; true' 2>&1)" ||
                { echo "$out" >"$STEP_LOG"; die "ssh $SSH_USER@$addr failed ($name)" "$STEP_LOG"; }
            local want=ok
            [ "$kind" = nodocker-present ] && want=$'ok\ncli'
            [ "$out" = "$want" ] ||
                { echo "$out" >"$STEP_LOG"; die "dockerless host $name: unexpected answer over ssh (want ${want//$'\n'/+})" "$STEP_LOG"; }
            ;;
    esac
}

# --------------------------------------------------------------------------
# testbed.env
# --------------------------------------------------------------------------
write_env() {
    local line name addr kind hosts=() namespaces=() dockerless=() dockerless_ns=() socks=()
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        if [ "$kind" = docker ]; then
            hosts+=("$addr"); namespaces+=("$name")
            socks+=("TESTBED_DOCKER_SOCK_$(host_num "$name")=$(host_sock "$name")")
        else
            dockerless+=("$addr"); dockerless_ns+=("$name")
        fi
    done
    {
        echo "TESTBED_DIR=$STATE"
        echo "TESTBED_SUBNET=$SUBNET"
        echo "TESTBED_LAPTOP_ADDR=$LAPTOP_ADDR"
        echo "TESTBED_HOSTS=${hosts[*]}"
        echo "TESTBED_NAMESPACES=${namespaces[*]}"
        echo "TESTBED_DOCKERLESS=${dockerless[*]}"
        echo "TESTBED_DOCKERLESS_NAMESPACES=${dockerless_ns[*]}"
        echo "TESTBED_SSH_USER=$SSH_USER"
        echo "TESTBED_KEY=$KEY"
        echo "TESTBED_KEY_PASS=$KEY_PASS"
        echo "TESTBED_KEY_PASSPHRASE=$KEY_PASSPHRASE"
        echo "TESTBED_RSA_KEY=$RSA_KEY"
        echo "TESTBED_KNOWN_HOSTS=$KNOWN_HOSTS"
        echo "TESTBED_IMAGE=$(image_name "${SERVERS[0]}")"
        echo "TESTBED_IMAGES=$(for server in "${SERVERS[@]}"; do image_name "$server"; done | tr '\n' ' ' | sed 's/ $//')"
        printf '%s\n' "${socks[@]}"
    } >"$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# --------------------------------------------------------------------------
# Health: is the wanted testbed exactly what is running?
# --------------------------------------------------------------------------
host_healthy() {
    local name="$1" addr="$2" kind="$3" dir server
    dir="$(host_dir "$name")"
    [ -e "$(ns_path "$name")" ] || return 1
    [ -n "$(pid_from_file "$dir/sshd.pid" '^sshd$')" ] || return 1
    port_open "$addr" 22 || return 1
    if [ "$kind" = docker ]; then
        [ -n "$(pid_from_file "$dir/dockerd.pid" '^dockerd$')" ] || return 1
        for server in "${SERVERS[@]}"; do
            timeout 10 docker -H "unix://$(host_sock "$name")" image inspect "$(image_name "$server")" >/dev/null 2>&1 || return 1
        done
    fi
    return 0
}

testbed_healthy() {
    [ -f "$HOSTS_FILE" ] || return 1
    [ "$(cat "$HOSTS_FILE")" = "$(printf '%s\n' "${PLAN[@]}")" ] || return 1
    ip -o -4 addr show dev "$BRIDGE" 2>/dev/null | grep -qF " $LAPTOP_ADDR/24 " || return 1
    [ -s "$KNOWN_HOSTS" ] && [ -s "$KEY" ] && [ -s "$KEY_PASS" ] && [ -s "$RSA_KEY" ] || return 1
    local line name addr kind
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        host_healthy "$name" "$addr" "$kind" || return 1
        ( check_host_ssh "$name" "$addr" "$kind" ) >/dev/null 2>&1 || return 1
    done
}

# Anything running or configured (kept keys and the image cache do not count).
something_exists() {
    [ -f "$HOSTS_FILE" ] && return 0
    ip link show "$BRIDGE" >/dev/null 2>&1 && return 0
    local name
    for name in $(known_host_names); do
        [ -e "$(ns_path "$name")" ] && return 0
        ip link show "$(host_veth "$name")" >/dev/null 2>&1 && return 0
        [ -e "$(host_dir "$name")/dockerd.pid" ] || [ -e "$(host_dir "$name")/sshd.pid" ] && return 0
    done
    return 1
}

# --------------------------------------------------------------------------
# Teardown: never fails because something is already gone
# --------------------------------------------------------------------------
teardown() {
    local purge="${1:-}" names name dir sock pid pids ids mp d f
    names="$(known_host_names)"
    rm -f "$ENV_FILE"

    # 1. Containers, while their daemons still answer (all hosts at once: ~1 s each).
    #    Wait for these jobs by pid: a bare `wait` would also wait for the dockerds
    #    that a failing `up` (this same shell) started.
    pids=()
    for name in $names; do
        sock="$(host_sock "$name")"
        [ -S "$sock" ] || continue
        (
            ids="$(timeout 10 docker -H "unix://$sock" ps -aq 2>/dev/null)" || exit 0
            [ -n "$ids" ] || exit 0
            mapfile -t ids <<<"$ids"
            timeout 60 docker -H "unix://$sock" rm -f "${ids[@]}" >/dev/null 2>&1 ||
                warn "could not remove the containers of $name"
        ) 9>&- &
        pids+=("$!")
    done
    for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" || true; done

    # 2. dockerd (they stop their own containerd), all at once.
    pids=()
    for name in $names; do
        dir="$(host_dir "$name")"
        pid="$(pid_from_file "$dir/dockerd.pid" '^dockerd$')"
        [ -n "$pid" ] || pid="$(pid_from_file "$dir/dockerd.launch.pid" '^dockerd$')"
        [ -z "$pid" ] || pids+=("$pid")
    done
    stop_pids 20 ${pids[@]+"${pids[@]}"}

    # 3. What a killed dockerd leaves: its containerd and the shims it spawned.
    pids=()
    for name in $names; do
        dir="$(host_dir "$name")"
        pid="$(pid_from_file "$dir/exec/containerd/containerd.pid" '^containerd$')"
        [ -z "$pid" ] || pids+=("$pid")
        if [ -d "$dir/exec" ]; then
            while IFS= read -r f; do
                pid="$(pid_from_file "$f" '^containerd-shim')"
                [ -z "$pid" ] || pids+=("$pid")
            done < <(find "$dir/exec" -name shim.pid 2>/dev/null)
        fi
    done
    stop_pids 10 ${pids[@]+"${pids[@]}"}

    # 4. sshd listeners.
    pids=()
    for name in $names; do
        pid="$(pid_from_file "$(host_dir "$name")/sshd.pid" '^sshd$')"
        [ -z "$pid" ] || pids+=("$pid")
    done
    stop_pids 10 ${pids[@]+"${pids[@]}"}

    # 5. Anything still living in our namespaces (SSH sessions, --net host
    #    containers of a daemon that could not be asked, stray shims).
    pids=()
    for name in $names; do
        for pid in $(netns_pids "$name"); do pids+=("$pid"); done
    done
    stop_pids 5 ${pids[@]+"${pids[@]}"}

    # 6. Mounts under the state dir (overlay2 layers, shm, netns files), deepest first.
    if [ -d "$STATE" ]; then
        awk -v s="$STATE/" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
            while IFS= read -r mp; do umount -l "$mp" 2>/dev/null || warn "could not unmount $mp"; done
    fi

    # 7. Network: namespaces (their veth ends go with them), root ends, bridge.
    for name in $names; do
        [ -e "$(ns_path "$name")" ] && { ip netns del "$name" 2>/dev/null || warn "could not delete netns $name"; }
        if ip link show "$(host_veth "$name")" >/dev/null 2>&1; then
            ip link del "$(host_veth "$name")" 2>/dev/null || warn "could not delete $(host_veth "$name")"
        fi
    done
    ip link show "$BRIDGE" >/dev/null 2>&1 && { ip link del "$BRIDGE" 2>/dev/null || warn "could not delete $BRIDGE"; }
    while command -v iptables >/dev/null &&
        iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT -m comment --comment rcluster-testbed 2>/dev/null; do :; done

    # 8. The cgroup parents our daemons used, with any container cgroup that a
    #    killed daemon could not remove (rmdir works once no process is left).
    for name in $names; do
        find /sys/fs/cgroup -maxdepth 2 -type d -name "${CGROUP_PREFIX}${name}" 2>/dev/null |
            while IFS= read -r mp; do
                find "$mp" -depth -type d -exec rmdir {} + 2>/dev/null || warn "could not remove cgroup $mp"
            done
    done

    # 9. Runtime directories our daemons made outside the state dir, if empty now.
    if [ -f "$STATE/created-dirs" ]; then
        while IFS= read -r d; do
            if [ -d "$d" ]; then find "$d" -depth -type d -empty -delete 2>/dev/null || true; fi
        done <"$STATE/created-dirs"
        rm -f "$STATE/created-dirs"
    fi

    # 10. Files. Never delete through a mount that is still there.
    [ -d "$STATE" ] || return 0
    if awk -v s="$STATE/" 'index($5, s) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
        warn "something is still mounted under $STATE: leaving its files"
        return 0
    fi
    if [ "$purge" = purge ]; then
        rm -rf --one-file-system "$STATE"
        return 0
    fi
    for name in $names; do
        dir="$(host_dir "$name")"
        [ -d "$dir" ] || continue
        # Keep only the host key (stable known_hosts from one up to the next).
        find "$dir" -mindepth 1 -maxdepth 1 ! -name 'ssh_host_ed25519_key*' -exec rm -rf --one-file-system {} +
    done
    rm -rf --one-file-system "$IMAGE_DIR"/rootfs.* "$IMAGE_DIR"/*.tmp
    rm -f "$HOSTS_FILE" "$KNOWN_HOSTS" "$KNOWN_HOSTS.tmp" "$STEP_LOG"
}

# --------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------
need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, bridge, dockerd)"
}

need_commands() {
    local c missing=()
    for c in ip nsenter setsid ssh ssh-keygen ssh-keyscan docker ldd tar timeout; do
        command -v "$c" >/dev/null || missing+=("$c")
    done
    for c in /usr/sbin/sshd /usr/sbin/dockerd /usr/bin/redis-cli "${SERVERS[@]}"; do
        [ -x "$c" ] || missing+=("$c")
    done
    [ ${#missing[@]} -eq 0 ] ||
        die "missing: ${missing[*]} (scripts/install-deps.sh docker.io openssh-server iproute2 redis-server redis-tools)"
}

# One testbed operation at a time (a parallel up/down would tear each other's work).
take_lock() {
    mkdir -p "$STATE"
    exec 9>"$STATE/.lock"
    flock -w 300 9 || die "another scripts/testbed.sh holds $STATE/.lock"
}

# EXIT trap of a building `up`: a failure takes down what was built.
on_up_exit() {
    local status=$?
    trap - EXIT
    if [ "$status" -ne 0 ]; then
        warn "up failed: tearing down (TESTBED_KEEP_ON_FAILURE=1 keeps it)"
        teardown >/dev/null 2>&1 || true
    fi
    exit "$status"
}

cmd_up() {
    need_root; need_commands
    plan_hosts
    # Unix socket paths are limited to 107 bytes; containerd's is the longest.
    local longest="$STATE/${NS_PREFIX}${#PLAN[@]}/exec/containerd/containerd.sock.ttrpc"
    [ ${#longest} -le 107 ] || die "RCLUSTER_TESTBED_DIR is too long for unix socket paths: $STATE"
    take_lock
    local t0 line name addr kind docker_hosts=() nodocker=0 pids=() pid
    t0="$(now)"

    if testbed_healthy; then
        write_env
        say "already up and healthy ($ENV_FILE rewritten)"
        return 0
    fi
    if something_exists; then
        say "a partial or different testbed exists: tearing it down first"
        teardown
    fi
    check_network_free

    # From here on a failure (or Ctrl-C) takes down what was built.
    if [ "${TESTBED_KEEP_ON_FAILURE:-0}" != 1 ]; then
        trap on_up_exit EXIT
        trap 'exit 130' INT TERM
    fi

    mkdir -p "$STATE"
    ensure_keys
    for server in "${SERVERS[@]}"; do build_image_tarball "$server"; done
    printf '%s\n' "${PLAN[@]}" >"$HOSTS_FILE"   # before anything exists, so down knows

    create_bridge
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        create_host_ns "$name" "$addr"
        [ "$kind" = docker ] && docker_hosts+=("$name") || nodocker=$((nodocker + 1))
    done
    say "namespaces ${docker_hosts[*]}$([ "$nodocker" -eq 0 ] || echo " + $nodocker without docker") on $SUBNET"

    # dockerd and its shims create these outside the state dir: down removes them
    # again (once empty) when they were not there before.
    local d
    for d in /run/docker /run/containerd; do [ -e "$d" ] || echo "$d" >>"$STATE/created-dirs"; done
    # dockerd is the slow part: start all, then start sshd while they boot.
    for name in "${docker_hosts[@]}"; do start_dockerd "$name"; done
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        start_sshd "$name" "$addr" "$kind"
    done
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        wait_sshd "$name" "$addr"
    done
    say "sshd listening on every host"
    for name in "${docker_hosts[@]}"; do wait_dockerd "$name"; done
    say "dockerd answering on ${#docker_hosts[@]} hosts"

    for name in "${docker_hosts[@]}"; do
        (for server in "${SERVERS[@]}"; do import_image "$name" "$server" || exit 1; done) & pids+=("$!")
    done
    local i=0
    for pid in "${pids[@]}"; do
        name="${docker_hosts[$i]}"; i=$((i + 1))
        wait "$pid" || die "docker import into $name failed" "$(host_dir "$name")/import.log"
    done
    say "images $(for server in "${SERVERS[@]}"; do image_name "$server"; done | tr '\n' ' ')imported on ${#docker_hosts[@]} hosts"

    write_known_hosts
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        check_host_ssh "$name" "$addr" "$kind"
    done
    say "ssh checked end to end (hashed known_hosts, key auth, docker per host)"

    write_env
    say "up in $(elapsed "$t0") s: $ENV_FILE"
}

cmd_down() {
    local purge=""
    case "${1:-}" in
        --purge) purge=purge ;;
        "") ;;
        *) die "unknown option for down: $1" ;;
    esac
    need_root
    local t0; t0="$(now)"
    if [ ! -d "$STATE" ] && ! something_exists; then
        say "down (nothing to do)"
        return 0
    fi
    take_lock
    teardown "$purge"
    say "down in $(elapsed "$t0") s$([ -z "$purge" ] || echo ", $STATE purged")"
}

cmd_status() {
    local name line addr kind ns ssh dockerst v ok=0
    if [ -f "$HOSTS_FILE" ]; then
        mapfile -t PLAN <"$HOSTS_FILE"
    else
        PLAN=()
        for name in $(known_host_names); do PLAN+=("$name $(host_addr "$name") unknown"); done
    fi
    if [ ${#PLAN[@]} -eq 0 ]; then
        say "down (no hosts)"
        return 1
    fi
    if ip -o -4 addr show dev "$BRIDGE" 2>/dev/null | grep -qF " $LAPTOP_ADDR/24 "; then
        printf '%-6s %-15s %s\n' "$BRIDGE" "$LAPTOP_ADDR" "bridge up"
    else
        printf '%-6s %-15s %s\n' "$BRIDGE" "$LAPTOP_ADDR" "bridge MISSING"; ok=1
    fi
    for line in "${PLAN[@]}"; do
        read -r name addr kind <<<"$line"
        if [ -e "$(ns_path "$name")" ]; then ns="ns ok"; else ns="ns MISSING"; ok=1; fi
        if port_open "$addr" 22; then ssh="ssh ok"; else ssh="ssh DOWN"; ok=1; fi
        case "$kind" in
            docker)
                if v="$(timeout 10 docker -H "unix://$(host_sock "$name")" info --format '{{.ServerVersion}}' 2>/dev/null)"; then
                    dockerst="docker $v"
                else
                    dockerst="docker DOWN"; ok=1
                fi ;;
            nodocker-*) dockerst="no docker (by design, cli ${kind#nodocker-})" ;;
            *) dockerst="unknown (no plan file)"; ok=1 ;;
        esac
        printf '%-6s %-15s %-10s %-9s %s\n' "$name" "$addr" "$ns" "$ssh" "$dockerst"
    done
    [ -f "$ENV_FILE" ] || { echo "no $ENV_FILE"; ok=1; }
    return $ok
}

cmd_env() {
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run scripts/testbed.sh up"
    local k v
    while IFS='=' read -r k v; do
        printf 'export %s=%q\n' "$k" "$v"
    done <"$ENV_FILE"
}

usage() {
    sed -n '/^# Usage:/,/^# testbed.env/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

main() {
    local cmd="${1:-}"
    [ $# -gt 0 ] && shift
    case "$cmd" in
        up)     [ $# -eq 0 ] || die "up takes no arguments"; cmd_up ;;
        down)   cmd_down "$@" ;;
        status) cmd_status || exit 1 ;;
        env)    cmd_env ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
