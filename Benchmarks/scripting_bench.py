#!/usr/bin/env python3
"""scripting benchmark: Lua scripts on `rcluster server` against redis-server
7.0.15, alternating in one run, with the real redis-benchmark (50 clients):

- EVALSHA of a small script (GET then INCR of one key) at -P 1 and -P 16;
- EVAL of the same body (the cache hit by SHA1 of the body);
- FCALL, once the engine has FUNCTION LOAD (reported as not timed until then);
- each server's CPU time per call, and the engine/redis ratio.

Only loopback. Usage: Benchmarks/scripting_bench.py --rcluster .build/release/rcluster [-n 500000]
"""
import argparse, csv, io, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_bench import Server, command, free_port  # noqa: E402

BODY = "local v = redis.call('get', KEYS[1]) return redis.call('incr', KEYS[1])"
LIBRARY = "#!lua name=benchlib\nredis.register_function('getincr', function(keys, args) " \
          "local v = redis.call('get', keys[1]) return redis.call('incr', keys[1]) end)"

def run(server, n, pipeline, words):
    before = server.cpu_seconds()
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-n", str(n), "-P", str(pipeline), "-c", "50",
                          "-r", "100000", "--csv"] + words, capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    row = next(r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test")
    return float(row[1]), cpu / n * 1e6

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("-n", type=int, default=500_000)
    args = parser.parse_args()
    redis = Server("redis", ["redis-server"], free_port(16479))
    engine = Server("engine", [os.path.abspath(args.rcluster), "server"], free_port(redis.port + 1))
    try:
        shas = {s.name: command(s.port, "SCRIPT", "LOAD", BODY).split("\r\n")[1] for s in (redis, engine)}
        assert shas["redis"] == shas["engine"], shas
        sha = shas["redis"]
        fcall = "ERR" not in command(engine.port, "FUNCTION", "LOAD", LIBRARY)
        command(redis.port, "FUNCTION", "LOAD", LIBRARY)
        cases = [("EVALSHA", ["EVALSHA", sha, "1", "key:__rand_int__"]), ("EVAL", ["EVAL", BODY, "1", "key:__rand_int__"])]
        cases.append(("FCALL", ["FCALL", "getincr", "1", "key:__rand_int__"]) if fcall else ("FCALL", None))
        print(f"scripting benchmark: redis-benchmark -n {args.n} -c 50 -r 100000, engine vs redis-server 7.0.15, alternating")
        print(f"{'command':<8} {'P':>3} {'redis calls/s':>14} {'engine calls/s':>15} {'ratio':>6}  {'cpu us/call r/e':>16}")
        for name, words in cases:
            if words is None:
                print(f"{name:<8} engine has no FUNCTION LOAD yet: not timed")
                continue
            for pipeline in (1, 16):
                r, rcpu = run(redis, args.n, pipeline, words)
                e, ecpu = run(engine, args.n, pipeline, words)
                print(f"{name:<8} {pipeline:>3} {r:>14,.0f} {e:>15,.0f} {e / r:>5.2f}x  {rcpu:>7.2f}/{ecpu:<7.2f}", flush=True)
    finally:
        redis.stop(); engine.stop()

if __name__ == "__main__":
    main()
