#!/usr/bin/env python3
"""replication benchmark: `rcluster server` against redis-server 7.0.15, each
replicating to its own kind, alternating in one run (loopback only):

- full sync of N keys (DEBUG POPULATE) to a new replica: seconds from
  REPLICAOF to master_link_status:up, and the ratio; and the longest a PING
  to the master waited meanwhile (the master keeps serving while the RDB
  streams; the engine takes its snapshot on its thread, so that is its pause);
- SET throughput (redis-benchmark -P 16, 50 clients) on a master with one
  replica attached, and the replica's digest equal to the master's after it.

Usage: Benchmarks/replication_bench.py --rcluster .build/release/rcluster [--keys 1000000] [-n 1000000] [--runs 3]
"""
import argparse, csv, io, os, socket, subprocess, sys, tempfile, threading, time

def free_port(start):
    port = start
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port)); return port
            except OSError:
                port += 1

def command(port, *args, timeout=120):
    payload = f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload.encode())
        data = b""
        while True:
            chunk = s.recv(1 << 20)
            data += chunk
            if not chunk or data.endswith(b"\r\n"): break
        return data.decode(errors="replace")

def info(port, field):
    for line in command(port, "INFO", "replication").splitlines():
        if line.startswith(field + ":"): return line.split(":", 1)[1]
    return None

class Server:
    def __init__(self, name, argv, port):
        self.name, self.port = name, port
        self.dir = tempfile.mkdtemp(prefix=f"rcluster-bench-{name}-")
        args = argv + ["--port", str(port), "--save", "", "--appendonly", "no", "--dir", self.dir, "--logfile", "server.log",
                       "--enable-debug-command", "yes", "--protected-mode", "no", "--repl-diskless-sync-delay", "0"]
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if "PONG" in command(port, "PING"): return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"{name} did not start; see {self.dir}/server.log")

    def stop(self):
        self.proc.kill(); self.proc.wait()

def longest_ping(port, stop, result):
    worst = 0.0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        while not stop.is_set():
            start = time.perf_counter()
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            s.recv(64)
            worst = max(worst, time.perf_counter() - start)
            time.sleep(0.002)
    result.append(worst)

def full_sync(argv, keys):
    master = Server("master", argv, free_port(17379))
    replica = Server("replica", argv, free_port(master.port + 1))
    try:
        command(master.port, "DEBUG", "POPULATE", str(keys))
        stop, worst = threading.Event(), []
        pinger = threading.Thread(target=longest_ping, args=(master.port, stop, worst)); pinger.start()
        time.sleep(0.1)
        start = time.perf_counter()
        command(replica.port, "REPLICAOF", "127.0.0.1", str(master.port))
        while info(replica.port, "master_link_status") != "up":
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        stop.set(); pinger.join()
        same = command(master.port, "DEBUG", "DIGEST") == command(replica.port, "DEBUG", "DIGEST")
        return elapsed, worst[0], same
    finally:
        master.stop(); replica.stop()

def set_with_replica(argv, n):
    master = Server("master", argv, free_port(17379))
    replica = Server("replica", argv, free_port(master.port + 1))
    try:
        command(replica.port, "REPLICAOF", "127.0.0.1", str(master.port))
        while info(replica.port, "master_link_status") != "up":
            time.sleep(0.01)
        out = subprocess.run(["redis-benchmark", "-p", str(master.port), "-t", "set", "-n", str(n), "-P", "16", "-c", "50", "--csv"],
                             capture_output=True, text=True, check=True).stdout
        rows = [r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test"]
        for _ in range(600):
            if info(master.port, "master_repl_offset") == info(replica.port, "slave_repl_offset"): break
            time.sleep(0.05)
        same = command(master.port, "DEBUG", "DIGEST") == command(replica.port, "DEBUG", "DIGEST")
        return float(rows[0][1]), same
    finally:
        master.stop(); replica.stop()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    redis = ["redis-server"]
    engine = [os.path.abspath(args.rcluster), "server"]
    print(f"replication benchmark: engine -> engine replica vs redis-server 7.0.15 -> redis-server replica, alternating, {args.runs} runs")
    for run in range(args.runs):
        r, rping, rsame = full_sync(redis, args.keys)
        e, eping, esame = full_sync(engine, args.keys)
        print(f"full sync of {args.keys} keys: redis {r:.2f} s, engine {e:.2f} s, ratio {e/r:.2f}x (time, lower is better); "
              f"longest PING to the master meanwhile: redis {rping*1000:.0f} ms, engine {eping*1000:.0f} ms; digests equal: {rsame and esame}", flush=True)
    for run in range(args.runs):
        r, rsame = set_with_replica(redis, args.n)
        e, esame = set_with_replica(engine, args.n)
        print(f"SET -P 16 with one replica: redis {r:,.0f} ops/s, engine {e:,.0f} ops/s, ratio {e/r:.2f}x; replica digests equal: {rsame and esame}", flush=True)

if __name__ == "__main__":
    main()
