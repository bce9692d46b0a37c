#!/usr/bin/env bash
# Runs Redis 7.0.15's own Tcl unit tests in external mode (./runtest --host
# --port), unit by unit, against real redis-server 7.0.15 and against the
# engine (`rcluster server`), with the same server config and the same runtest
# flags for both, and prints a table of passes per unit (see Docs/compat.md).
#
# Usage:
#   scripts/redis-compat.sh --redis-src DIR [options] [UNIT...]
#
#   UNIT...              units to run, e.g. unit/type/list unit/expire
#                        (default: every unit of `./runtest --list-tests`)
#
# The Redis source tree is NOT part of this repository (CI has none; this
# script is for developers). Get it with
#   git clone --depth 1 --branch 7.0.15 https://github.com/redis/redis redis-7.0.15
# (a checkout of github.com/redis/redis at tag 7.0.15; no need to build it) and
# pass it as --redis-src DIR or REDIS_SRC=DIR. The suite runs the binaries in
# DIR/src; missing ones (redis-server, redis-cli, redis-benchmark,
# redis-check-aof, redis-check-rdb) are symlinked there from /usr/bin (Debian's
# redis-server and redis-tools 7.0.15). tclsh 8.5+ is needed (Debian: tcl).
#
# Options:
#   --redis-src DIR      Redis 7.0.15 source tree (or env REDIS_SRC)
#   --engine-bin PATH    the rcluster binary (or env ENGINE_BIN; default
#                        .build/debug/rcluster of this repo). It is COPIED into
#                        the output dir at the start, so a rebuild during the
#                        run does not change what is tested
#   --redis-bin PATH     the reference redis-server (default /usr/bin/redis-server)
#   --side both|redis|engine   which server(s) to run (default both); results
#                        of the other side left in --out by an earlier run are
#                        kept and shown in the table
#   --out DIR            output dir (default /tmp/redis-compat): raw logs
#                        DIR/{redis,engine}/<unit>.log, server logs, the
#                        tables DIR/summary.{txt,md}, DIR/failures.md
#   --jobs N             units run at once, 1 or 2 (default 2: the redis-server
#                        and engine runs of a unit side by side)
#   --port-base N        first server port (default 21100; slot k uses
#                        N+k, and runtest's own test-server port lies in
#                        N+168+100k .. N+200+100k)
#   --unit-timeout S     wall-clock limit per unit (default 1800); a unit over
#                        it is killed and marked "hung"
#   --stall-timeout S    runtest's --timeout: no test progress for S seconds
#                        ends the unit with a report of the test in progress
#                        (default 600: a debug build needs minutes for some
#                        fuzz tests redis-server passes in 20 s), also "hung"
#   --isolate            afterwards, rerun alone (runtest --only NAME, fresh
#                        servers, both sides) each test that redis-server
#                        passes and the engine fails, to tell its own failures
#                        from those an earlier test caused (a client left in
#                        MULTI, a reply stream out of step); failures.md says
#                        which. Results in OUT/isolated/
#   --with-slow          also run tests tagged "slow" (default: --tags -slow,
#                        as Redis's own external-server CI job)
#   --skip-file FILE     engine skip list (default scripts/redis-compat.skip)
#   --no-skip            run the engine on everything, ignoring the skip list
#   --server-arg ARG     one more server argument for BOTH servers
#                        (repeatable, e.g. --server-arg --maxmemory --server-arg 0)
#   --runtest-arg ARG    one more runtest flag for BOTH runs (repeatable, e.g.
#                        --runtest-arg --ignore-encoding)
#   --report-only        do not run anything: rebuild the tables from --out
#   -h, --help           this text
#
# Both servers get exactly:
#   --port P --bind 127.0.0.1 --dir <fresh dir> --logfile <dir>/server.log
#   --daemonize no --save "" --appendonly no --enable-debug-command yes
#   --databases 16
# and each unit runs as
#   ./runtest --host 127.0.0.1 --port P --single UNIT --durable --tags -slow
#             --timeout <stall> --baseport <slot port> --clients 1
# on a freshly started server (a unit may leave the server changed or dead).
# --durable keeps a unit going after a test throws (the error counts as that
# test's failure); SELECT 9 is used as runtest does by default (no --singledb).
# The engine's skip list adds --skiptest for the tests it names.
#
# Exit status: 0 when every unit ran (whatever the results), 2 on a usage or
# setup error.
set -euo pipefail
shopt -s nullglob

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

redis_src=${REDIS_SRC:-}
engine_bin=${ENGINE_BIN:-$repo/.build/debug/rcluster}
redis_bin=/usr/bin/redis-server
side=both
out=/tmp/redis-compat
jobs=2
port_base=21100
unit_timeout=1800
stall_timeout=600
isolate=0
with_slow=0
skip_file=$here/redis-compat.skip
use_skip=1
report_only=0
server_extra=()
runtest_extra=()
units=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "redis-compat: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --redis-src) redis_src=$2; shift 2 ;;
        --engine-bin) engine_bin=$2; shift 2 ;;
        --redis-bin) redis_bin=$2; shift 2 ;;
        --side) side=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --port-base) port_base=$2; shift 2 ;;
        --unit-timeout) unit_timeout=$2; shift 2 ;;
        --stall-timeout) stall_timeout=$2; shift 2 ;;
        --with-slow) with_slow=1; shift ;;
        --skip-file) skip_file=$2; shift 2 ;;
        --no-skip) use_skip=0; shift ;;
        --server-arg) server_extra+=("$2"); shift 2 ;;
        --runtest-arg) runtest_extra+=("$2"); shift 2 ;;
        --report-only) report_only=1; shift ;;
        --isolate) isolate=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) units+=("$1"); shift ;;
    esac
done

case $side in both|redis|engine) ;; *) die "--side must be both, redis or engine" ;; esac
case $jobs in 1|2) ;; *) die "--jobs must be 1 or 2 (the machine has 2 cores)" ;; esac

summarize() {
    python3 "$here/redis-compat-table.py" --out "$out" \
        --skip-file "$([ "$use_skip" = 1 ] && echo "$skip_file" || echo /dev/null)"
}

if [ "$report_only" = 1 ]; then
    [ -f "$out/units.txt" ] || die "no earlier run in $out"
    summarize
    exit 0
fi

# --- setup -----------------------------------------------------------------
[ -n "$redis_src" ] || { usage >&2; echo >&2; die "give the Redis 7.0.15 source tree: --redis-src DIR or REDIS_SRC=DIR"; }
redis_src=$(cd "$redis_src" && pwd) || die "no such dir: $redis_src"
[ -f "$redis_src/tests/test_helper.tcl" ] || die "$redis_src has no tests/test_helper.tcl: not a Redis source tree"
grep -q 'REDIS_VERSION "7.0.15"' "$redis_src/src/version.h" 2>/dev/null \
    || echo "redis-compat: warning: $redis_src/src/version.h is not 7.0.15" >&2
tclsh=$(command -v tclsh8.6 || command -v tclsh8.7 || command -v tclsh8.5 || true)
[ -n "$tclsh" ] || die "tclsh 8.5+ is needed (apt-get install tcl)"
command -v python3 >/dev/null || die "python3 is needed for the tables"

for b in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
    if [ ! -e "$redis_src/src/$b" ]; then
        [ -x "/usr/bin/$b" ] || die "$redis_src/src/$b is missing and /usr/bin/$b too (apt-get install redis-server redis-tools)"
        ln -s "/usr/bin/$b" "$redis_src/src/$b"
        echo "redis-compat: linked $redis_src/src/$b -> /usr/bin/$b"
    fi
done
redis_cli=$redis_src/src/redis-cli
[ -x "$redis_bin" ] || die "no redis-server at $redis_bin"
"$redis_bin" --version | grep -q 'v=7\.0\.15' \
    || echo "redis-compat: warning: $redis_bin is not 7.0.15: $("$redis_bin" --version)" >&2

mkdir -p "$out/bin" "$out/redis" "$out/engine" "$out/trees"
out=$(cd "$out" && pwd)

if [ "$side" != redis ]; then
    [ -x "$engine_bin" ] || die "no engine binary at $engine_bin (swift build, or --engine-bin PATH)"
    # A private copy: the original may be rebuilt while the units run. Copy,
    # then check the copy starts (a copy taken mid-link would not).
    for try in 1 2 3; do
        cp "$engine_bin" "$out/bin/rcluster.tmp"
        if "$out/bin/rcluster.tmp" --version >/dev/null 2>&1; then break; fi
        [ $try = 3 ] && die "the copy of $engine_bin does not run"
        sleep 20
    done
    mv -f "$out/bin/rcluster.tmp" "$out/bin/rcluster"
    {
        echo "source=$engine_bin"
        echo "version=$("$out/bin/rcluster" --version 2>&1 | head -1)"
        echo "mtime=$(date -r "$engine_bin" '+%Y-%m-%d %H:%M:%S %z')"
        echo "sha256=$(sha256sum "$out/bin/rcluster" | cut -d' ' -f1)"
    } > "$out/engine-binary.txt"
fi

if [ ${#units[@]} -eq 0 ]; then
    mapfile -t units < <(cd "$redis_src" && "$tclsh" tests/test_helper.tcl --list-tests)
fi
[ ${#units[@]} -gt 0 ] || die "no units"
for u in "${units[@]}"; do
    [ -f "$redis_src/tests/$u.tcl" ] || die "no such unit: $u"
done
printf '%s\n' "${units[@]}" > "$out/units.txt"
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "redis_src=$redis_src"
    echo "redis_bin=$redis_bin ($("$redis_bin" --version))"
    echo "with_slow=$with_slow"
    echo "skip_file=$([ "$use_skip" = 1 ] && echo "$skip_file" || echo none)"
    echo "server_extra=${server_extra[*]-}"
    echo "runtest_extra=${runtest_extra[*]-}"
} > "$out/run.txt"

# Skip list: "UNIT | reason" leaves a unit out of the engine run;
# "UNIT | test name or /regexp | reason" leaves one test out (--skiptest).
# Fields are separated by a bar with blanks around it (a bar inside a test
# name, "config|get", is part of the name); redis-compat-table.py reads the
# file the same way.
skip_fs='[[:space:]]+[|][[:space:]]+'
skip_unit_reason() {  # skip_unit_reason UNIT -> prints the reason, or nothing
    [ "$use_skip" = 1 ] && [ -f "$skip_file" ] || return 0
    awk -F"$skip_fs" -v u="$1" '!/^[[:space:]]*(#|$)/ && NF == 2 && $1 == u { print $2; exit }' "$skip_file"
}
skip_tests_of() {  # skip_tests_of UNIT -> one test pattern a line
    [ "$use_skip" = 1 ] && [ -f "$skip_file" ] || return 0
    awk -F"$skip_fs" -v u="$1" '!/^[[:space:]]*(#|$)/ && NF == 3 && $1 == u { print $2 }' "$skip_file"
}

# --- processes we start, and their cleanup -----------------------------------
declare -A slot_pid=()   # slot -> pid of the background job running a unit
cleanup_all() {
    trap - EXIT INT TERM
    for s in "${!slot_pid[@]}"; do
        kill -TERM "${slot_pid[$s]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup_all EXIT
trap 'echo "redis-compat: interrupted" >&2; cleanup_all; exit 130' INT TERM

# Ends the server and runtest of the current background unit job.
stop_children() {
    if [ -n "${rt_pid:-}" ]; then kill -TERM "$rt_pid" 2>/dev/null || true; fi
    if [ -n "${srv_pid:-}" ] && kill -0 "$srv_pid" 2>/dev/null; then
        kill -TERM "$srv_pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$srv_pid" 2>/dev/null || true
    fi
    return 0
}

# run_unit SIDE UNIT SLOT [ONLY IDX]: one fresh server, one runtest --single
# UNIT (with --only ONLY: that test alone, into OUT/isolated/SIDE/<slug>--IDX).
# Writes $out/SIDE/<slug>.log (runtest's output), .meta, and .dir/ (server).
run_unit() {
    local side=$1 unit=$2 slot=$3 only=${4:-} idx=${5:-}
    local slug=${unit//\//__}
    local base=$out/$side/$slug
    if [ -n "$only" ]; then
        mkdir -p "$out/isolated/$side"
        base=$out/isolated/$side/$slug--$idx
    fi
    local port=$((port_base + slot))
    local tport=$((port_base + 200 + 100 * slot))
    local tree=$out/trees/slot$slot
    # (run_unit runs in a background subshell: these are its own globals,
    # for stop_children on EXIT/TERM)
    srv_pid="" rt_pid=""

    trap 'stop_children; exit 143' TERM INT
    trap stop_children EXIT

    rm -rf "$base.dir" "$base.log" "$base.meta"
    mkdir -p "$base.dir"

    local reason
    reason=$(skip_unit_reason "$unit")
    if [ "$side" = engine ] && [ -n "$reason" ]; then
        printf 'side=%s\nunit=%s\nskipped=%s\n' "$side" "$unit" "$reason" > "$base.meta"
        trap - EXIT TERM INT
        return 0
    fi

    # A private copy of tests/ per slot: runtest cleans and writes tests/tmp.
    if [ ! -d "$tree/tests" ]; then
        mkdir -p "$tree"
        cp -r "$redis_src/tests" "$tree/tests"
        ln -sfn "$redis_src/src" "$tree/src"
        cp "$redis_src/runtest" "$tree/runtest"
    fi
    rm -rf "$tree/tests/tmp"; mkdir -p "$tree/tests/tmp"

    if "$redis_cli" -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
        printf 'side=%s\nunit=%s\nsetup_error=port %s is already in use\n' "$side" "$unit" "$port" > "$base.meta"
        trap - EXIT TERM INT
        return 0
    fi

    local bin=$redis_bin
    local -a cmd
    if [ "$side" = engine ]; then cmd=("$out/bin/rcluster" server); else cmd=("$bin"); fi
    cmd+=(--port "$port" --bind 127.0.0.1 --dir "$base.dir" --logfile "$base.dir/server.log"
          --daemonize no --save "" --appendonly no --enable-debug-command yes --databases 16
          ${server_extra[@]+"${server_extra[@]}"})
    "${cmd[@]}" > "$base.dir/stdout.log" 2> "$base.dir/stderr.log" &
    srv_pid=$!

    local up=0
    for _ in $(seq 1 120); do
        if "$redis_cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then up=1; break; fi
        kill -0 "$srv_pid" 2>/dev/null || break
        sleep 0.25
    done
    if [ $up = 0 ]; then
        printf 'side=%s\nunit=%s\nsetup_error=the server did not start (see %s.dir/stderr.log)\n' "$side" "$unit" "$base" > "$base.meta"
        return 0
    fi

    local -a rt=("$tclsh" tests/test_helper.tcl --host 127.0.0.1 --port "$port"
                 --single "$unit" --durable --timeout "$stall_timeout"
                 --baseport "$tport" --clients 1)
    [ "$with_slow" = 1 ] || rt+=(--tags -slow)
    if [ "$side" = engine ]; then
        local t
        while IFS= read -r t; do [ -n "$t" ] && rt+=(--skiptest "$t"); done < <(skip_tests_of "$unit")
    fi
    [ -z "$only" ] || rt+=(--only "$only")
    rt+=(${runtest_extra[@]+"${runtest_extra[@]}"})

    local start end rc=0
    start=$(date +%s)
    # timeout runs runtest in its own process group and signals the whole group
    # (runtest's test-client tclsh included) when the unit is over time.
    ( cd "$tree" && exec env TERM=dumb timeout -k 15 "$unit_timeout" "${rt[@]}" ) \
        > "$base.log" 2>&1 < /dev/null &
    rt_pid=$!
    wait "$rt_pid" || rc=$?
    rt_pid=""
    end=$(date +%s)

    local alive=0 answers=0 exit_status=""
    if kill -0 "$srv_pid" 2>/dev/null; then
        alive=1
        if timeout 5 "$redis_cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then answers=1; fi
    else
        local st=0
        wait "$srv_pid" || st=$?
        srv_pid=""
        if [ $st -gt 128 ]; then exit_status="signal $((st - 128)) ($(kill -l $((st - 128)) 2>/dev/null))"; else exit_status="exit $st"; fi
    fi
    {
        echo "side=$side"
        echo "unit=$unit"
        echo "rc=$rc"
        echo "timed_out=$([ $rc = 124 ] || [ $rc = 137 ] && echo 1 || echo 0)"
        echo "seconds=$((end - start))"
        echo "server_alive=$alive"
        echo "server_answers=$answers"
        echo "server_exit=$exit_status"
        echo "port=$port"
        echo "command=${rt[*]}"
    } > "$base.meta"
    stop_children
    trap - EXIT TERM INT
}

# --- the queue -----------------------------------------------------------------
free_slot() {  # prints a free slot number, or nothing
    local s
    for ((s = 0; s < jobs; s++)); do
        if [ -z "${slot_pid[$s]:-}" ] || ! kill -0 "${slot_pid[$s]}" 2>/dev/null; then
            echo $s; return
        fi
    done
}

# run_queue: runs the tab-separated tasks "SIDE<TAB>UNIT[<TAB>ONLY<TAB>IDX]"
# of the array tasks, at most $jobs at a time.
run_queue() {
    local n=0 total=${#tasks[@]} t0 task tside tunit tonly tidx s
    t0=$(date +%s)
    for task in "${tasks[@]}"; do
        IFS=$'\t' read -r tside tunit tonly tidx <<< "$task"
        while :; do
            s=$(free_slot)
            [ -n "$s" ] && break
            wait -n 2>/dev/null || true
        done
        [ -n "${slot_pid[$s]:-}" ] && { wait "${slot_pid[$s]}" 2>/dev/null || true; }
        n=$((n + 1))
        printf '[%3d/%d %4ds] %-6s %s%s\n' "$n" "$total" $(( $(date +%s) - t0 )) "$tside" "$tunit" \
            "${tonly:+ :: $tonly}"
        run_unit "$tside" "$tunit" "$s" "${tonly:-}" "${tidx:-}" &
        slot_pid[$s]=$!
    done
    for s in "${!slot_pid[@]}"; do wait "${slot_pid[$s]}" 2>/dev/null || true; done
    slot_pid=()
}

tasks=()
for u in "${units[@]}"; do
    [ "$side" = engine ] || tasks+=("redis"$'\t'"$u")
    [ "$side" = redis ] || tasks+=("engine"$'\t'"$u")
done
run_queue

if [ "$isolate" = 1 ]; then
    rm -rf "$out/isolated"
    python3 "$here/redis-compat-table.py" --out "$out" --list-failures > "$out/isolate.txt"
    tasks=()
    i=0
    while IFS=$'\t' read -r u name; do
        i=$((i + 1))
        tasks+=("redis"$'\t'"$u"$'\t'"$name"$'\t'"$i" "engine"$'\t'"$u"$'\t'"$name"$'\t'"$i")
    done < "$out/isolate.txt"
    echo "redis-compat: rerunning $i engine failures alone (both servers)"
    [ $i = 0 ] || run_queue
fi
trap - EXIT

summarize
