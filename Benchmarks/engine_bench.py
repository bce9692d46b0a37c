#!/usr/bin/env python3
"""engine benchmark: `rcluster server` against redis-server 7.0.15 on this
machine, alternating in one run, with the real redis-benchmark (50 clients):

- ops/s per command at -P 1 and -P 16, the engine/redis ratio, p50/p99 latency;
- each server's CPU time per operation (from /proc), since at -P 16 the
  benchmark client itself can be the limit;
- RSS after DEBUG POPULATE 1000000, and the ratio.

Both servers run with the same arguments (no persistence, debug commands on).
Commands the engine does not have yet are reported as such, not timed.
Only loopback.

Usage: Benchmarks/engine_bench.py --rcluster .build/release/rcluster [-n 1000000] [--tests set,get] [--pipelines 16]
"""
import argparse, csv, io, os, socket, subprocess, sys, tempfile, time

TESTS = "set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100"
CLK_TCK = os.sysconf("SC_CLK_TCK")

def free_port(start):
    port = start
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port)); return port
            except OSError:
                port += 1

def command(port, *args):
    payload = f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(payload.encode())
        data = s.recv(1 << 20)
        return data.decode(errors="replace")

class Server:
    def __init__(self, name, argv, port):
        self.name, self.port = name, port
        self.dir = tempfile.mkdtemp(prefix=f"rcluster-bench-{name}-")
        args = argv + ["--port", str(port), "--save", "", "--appendonly", "no", "--dir", self.dir,
                       "--logfile", "server.log", "--enable-debug-command", "yes", "--protected-mode", "no"]
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if "PONG" in command(port, "PING"): return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"{name} did not start; see {self.dir}/server.log")

    def cpu_seconds(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_bytes(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def has(self, cmd):
        return not command(self.port, "COMMAND", "INFO", cmd).startswith("*1\r\n$-1") and \
            not command(self.port, "COMMAND", "INFO", cmd).startswith("*1\r\n*-1")

    def stop(self):
        self.proc.kill(); self.proc.wait()

def run_benchmark(server, test, n, pipeline):
    command(server.port, "FLUSHALL")
    before = server.cpu_seconds()
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-t", test, "-n", str(n), "-P", str(pipeline),
                          "-c", "50", "--csv"], capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    rows = [r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test"]
    # lrange_* first fills the list with an LPUSH run of its own: time the
    # LRANGE row; the CPU time covers both runs, so it is per op of both.
    row = next(r for r in rows if r[0].upper().startswith(test.upper()))
    return {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6]), "cpu_us_per_op": cpu / (n * len(rows)) * 1e6}

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--tests", default=TESTS)
    parser.add_argument("--keys", type=int, default=1_000_000, help="keys for the RSS comparison")
    parser.add_argument("--pipelines", default="1,16", help="pipeline depths to run, e.g. 16")
    args = parser.parse_args()

    redis = Server("redis", ["redis-server"], free_port(16379))
    engine = Server("engine", [os.path.abspath(args.rcluster), "server"], free_port(redis.port + 1))
    try:
        print(f"engine benchmark: redis-benchmark -n {args.n} -c 50, {engine.name} vs redis-server 7.0.15, alternating")
        print(f"{'test':<12} {'P':>3} {'redis ops/s':>12} {'engine ops/s':>13} {'ratio':>6}  {'p50 r/e ms':>12}  {'p99 r/e ms':>12}  {'cpu us/op r/e':>14}")
        for test in args.tests.split(","):
            name = test.split("_")[0]
            if not engine.has(name):
                print(f"{test:<12} engine has no {name.upper()} yet: not timed")
                continue
            for pipeline in (int(p) for p in args.pipelines.split(",")):
                r = run_benchmark(redis, test, args.n, pipeline)
                e = run_benchmark(engine, test, args.n, pipeline)
                print(f"{test:<12} {pipeline:>3} {r['rps']:>12,.0f} {e['rps']:>13,.0f} {e['rps']/r['rps']:>5.2f}x"
                      f"  {r['p50']:>5.3f}/{e['p50']:<6.3f}  {r['p99']:>5.3f}/{e['p99']:<6.3f}"
                      f"  {r['cpu_us_per_op']:>6.2f}/{e['cpu_us_per_op']:<6.2f}", flush=True)
        # Memory on fresh servers: an allocator keeps what the runs above freed.
        redis.stop(); engine.stop()
        redis = Server("redis", ["redis-server"], free_port(16379))
        engine = Server("engine", [os.path.abspath(args.rcluster), "server"], free_port(redis.port + 1))
        base = {s.name: s.rss_bytes() for s in (redis, engine)}
        for server in (redis, engine):
            command(server.port, "DEBUG", "POPULATE", str(args.keys))
        time.sleep(0.5)
        rss = {s.name: s.rss_bytes() for s in (redis, engine)}
        print(f"RSS after DEBUG POPULATE {args.keys}: redis {rss['redis']/1e6:.1f} MB ({(rss['redis']-base['redis'])/args.keys:.0f} B/key), "
              f"engine {rss['engine']/1e6:.1f} MB ({(rss['engine']-base['engine'])/args.keys:.0f} B/key), ratio {rss['engine']/rss['redis']:.2f}x")
    finally:
        redis.stop(); engine.stop()

if __name__ == "__main__":
    main()
