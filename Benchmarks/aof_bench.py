#!/usr/bin/env python3
"""AOF benchmark: `rcluster server` against redis-server 7.0.15, alternating
in one run (loopback only), each ratio engine / redis-server:

- SET throughput (redis-benchmark -t set, 50 clients, -P 16, random keys)
  with appendonly yes under appendfsync everysec and under always;
- BGREWRITEAOF of N keys (DEBUG POPULATE): seconds until the rewrite is
  done, and the longest a PING waited meanwhile (the engine takes its
  snapshot on its own thread: that is its pause; redis-server forks);
- a restart that loads that AOF, written as commands (aof-use-rdb-preamble
  no): seconds from spawn until DBSIZE answers N.

Usage: Benchmarks/aof_bench.py --rcluster .build/release/rcluster [--keys 1000000] [-n 1000000] [--runs 3]
"""
import argparse, csv, io, os, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(__file__))
from replication_bench import command, free_port, longest_ping  # noqa: E402

def persistence(port):
    return dict(line.split(":", 1) for line in command(port, "INFO", "persistence").splitlines() if ":" in line)

class Server:
    def __init__(self, argv, port, folder, fsync="everysec", preamble="yes"):
        self.port, self.folder = port, folder
        args = argv + ["--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "yes",
                       "--appendfsync", fsync, "--aof-use-rdb-preamble", preamble, "--enable-debug-command", "yes",
                       "--logfile", "server.log", "--protected-mode", "no"]
        self.proc = subprocess.Popen(args, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.started = time.perf_counter()

    def wait(self, ready=lambda reply: reply.startswith(":"), timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ready(command(self.port, "DBSIZE", timeout=5).strip()): return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.005)
        sys.exit(f"port {self.port} did not answer in time; see {self.folder}/server.log")

    def stop(self):
        self.proc.kill(); self.proc.wait()

def set_throughput(argv, fsync, n):
    folder = tempfile.mkdtemp(prefix="rcluster-bench-aof-")
    server = Server(argv, free_port(17479), folder, fsync=fsync)
    try:
        server.wait()
        out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-t", "set", "-n", str(n), "-c", "50", "-P", "16",
                              "-r", "100000", "--csv", "-q"], capture_output=True, text=True, check=True).stdout
        rows = [row for row in csv.reader(io.StringIO(out)) if row and row[0] == "SET"]
        return float(rows[0][1])
    finally:
        server.stop(); shutil.rmtree(folder, ignore_errors=True)

def rewrite_and_load(argv, keys):
    folder = tempfile.mkdtemp(prefix="rcluster-bench-aof-")
    server = Server(argv, free_port(17479), folder, preamble="no")
    try:
        server.wait()
        command(server.port, "DEBUG", "POPULATE", str(keys), timeout=300)
        stop, worst = threading.Event(), []
        pinger = threading.Thread(target=longest_ping, args=(server.port, stop, worst)); pinger.start()
        time.sleep(0.1)
        began = time.perf_counter()
        command(server.port, "BGREWRITEAOF")
        while True:
            state = persistence(server.port)
            if state.get("aof_rewrite_in_progress") == "0" and state.get("aof_rewrite_scheduled") == "0" and state.get("aof_rewrites") == "1":
                break
            time.sleep(0.005)
        rewrite = time.perf_counter() - began
        stop.set(); pinger.join()
        server.stop()
        size = sum(os.path.getsize(os.path.join(folder, "appendonlydir", name)) for name in os.listdir(os.path.join(folder, "appendonlydir")))
        server = Server(argv, server.port, folder, preamble="no")
        load = server.wait(lambda reply: reply == f":{keys}")
        return rewrite, worst[0], load, size
    finally:
        server.stop(); shutil.rmtree(folder, ignore_errors=True)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    servers = [("redis-server", ["redis-server"]), ("engine", [os.path.abspath(options.rcluster), "server"])]
    for fsync in ("everysec", "always"):
        figures = {name: [] for name, _ in servers}
        for _ in range(options.runs):
            for name, argv in servers:
                figures[name].append(set_throughput(argv, fsync, options.n))
        redis, engine = max(figures["redis-server"]), max(figures["engine"])
        print(f"SET -P 16, appendfsync {fsync}: redis-server {redis:,.0f}/s, engine {engine:,.0f}/s, ratio {engine / redis:.2f}x "
              f"(best of {options.runs}; each run: redis {[round(x) for x in figures['redis-server']]}, engine {[round(x) for x in figures['engine']]})")
    results = {}
    for name, argv in servers:
        results[name] = rewrite_and_load(argv, options.keys)
    (r_rewrite, r_pause, r_load, r_size), (e_rewrite, e_pause, e_load, e_size) = results["redis-server"], results["engine"]
    print(f"BGREWRITEAOF of {options.keys:,} keys: redis-server {r_rewrite:.2f} s, engine {e_rewrite:.2f} s, ratio {e_rewrite / r_rewrite:.2f}x; "
          f"longest PING meanwhile: redis-server {r_pause * 1000:.0f} ms, engine {e_pause * 1000:.0f} ms")
    print(f"Load of that AOF ({r_size / 1e6:.0f} MB / {e_size / 1e6:.0f} MB of commands): redis-server {r_load:.2f} s, engine {e_load:.2f} s, "
          f"ratio {e_load / r_load:.2f}x")

if __name__ == "__main__":
    main()
