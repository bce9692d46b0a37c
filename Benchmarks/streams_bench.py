#!/usr/bin/env python3
"""streams benchmark: `rcluster server` against redis-server 7.0.15 in the same run.

- XADD (auto IDs) and XRANGE (COUNT 10) with the real redis-benchmark, 50 clients, -P 16;
- XREADGROUP + XACK round trips: one consumer reading one entry and acknowledging it;
- memory: RSS and MEMORY USAGE after 1M entries (field "f", a 10-byte value),
  per entry, against the empty server's RSS.

Only loopback. Usage: Benchmarks/streams_bench.py --rcluster .build/release/rcluster [-n 300000] [--entries 1000000]
"""
import argparse, csv, io, os, socket, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_bench import Server, command, free_port  # noqa: E402

def benchmark(server, n, words):
    before = server.cpu_seconds()
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-n", str(n), "-P", "16", "-c", "50", "--csv"] + words,
                         capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    row = next(r for r in csv.reader(io.StringIO(out)) if r and r[0] != "test")
    return float(row[1]), cpu / n * 1e6

def encode(*words):
    return (f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)).encode()

def read_reply(f):
    line = f.readline()
    if line[:1] in (b"*", b"%"):
        count = int(line[1:-2])
        return [read_reply(f) for _ in range(max(count, 0) * (2 if line[:1] == b"%" else 1))]
    if line[:1] == b"$":
        size = int(line[1:-2])
        return None if size < 0 else f.read(size + 2)[:-2]
    return line[:-2]

def group_round_trips(server, rounds):
    command(server.port, "DEL", "q")
    for start in range(0, rounds, 1000):
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            f = s.makefile("rb")
            s.sendall(b"".join(encode("XADD", "q", "*", "job", str(i)) for i in range(start, start + 1000)))
            for _ in range(1000): read_reply(f)
    command(server.port, "XGROUP", "CREATE", "q", "workers", "0")
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        f = s.makefile("rb")
        begin = time.perf_counter()
        for _ in range(rounds):
            s.sendall(encode("XREADGROUP", "GROUP", "workers", "w", "COUNT", "1", "STREAMS", "q", ">"))
            entry_id = read_reply(f)[0][1][0][0].decode()
            s.sendall(encode("XACK", "q", "workers", entry_id))
            assert read_reply(f) == b":1"
        return rounds / (time.perf_counter() - begin)

def memory(server, entries):
    command(server.port, "FLUSHALL")
    time.sleep(0.5)
    empty = server.rss_bytes()
    subprocess.run(["redis-benchmark", "-p", str(server.port), "-n", str(entries), "-P", "64", "-c", "4", "-q",
                    "XADD", "big", "*", "f", "0123456789"], capture_output=True, check=True)
    time.sleep(0.5)
    usage = int(command(server.port, "MEMORY", "USAGE", "big", "SAMPLES", "0").strip()[1:])
    return (server.rss_bytes() - empty) / entries, usage / entries

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("-n", type=int, default=300_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20_000)
    args = parser.parse_args()
    redis = Server("redis", ["redis-server"], free_port(16579))
    engine = Server("engine", [os.path.abspath(args.rcluster), "server"], free_port(redis.port + 1))
    try:
        print(f"streams benchmark: engine vs redis-server 7.0.15, alternating (redis-benchmark -c 50 -P 16, -n {args.n})")
        print(f"{'case':<22} {'redis':>12} {'engine':>12} {'ratio':>6}  {'cpu us/op r/e':>14}")
        for name, words in [("XADD * f v", ["XADD", "s", "*", "f", "v"]), ("XRANGE - + COUNT 10", ["XRANGE", "s", "-", "+", "COUNT", "10"])]:
            r, rcpu = benchmark(redis, args.n, words)
            e, ecpu = benchmark(engine, args.n, words)
            print(f"{name:<22} {r:>12,.0f} {e:>12,.0f} {e / r:>5.2f}x  {rcpu:>6.2f}/{ecpu:<6.2f}", flush=True)
        r = group_round_trips(redis, args.rounds)
        e = group_round_trips(engine, args.rounds)
        print(f"{'XREADGROUP+XACK /s':<22} {r:>12,.0f} {e:>12,.0f} {e / r:>5.2f}x", flush=True)
        rr, ru = memory(redis, args.entries)
        er, eu = memory(engine, args.entries)
        print(f"{'RSS bytes/entry':<22} {rr:>12.1f} {er:>12.1f} {er / rr:>5.2f}x  ({args.entries:,} entries)")
        print(f"{'MEMORY USAGE /entry':<22} {ru:>12.1f} {eu:>12.1f} {eu / ru:>5.2f}x")
    finally:
        redis.stop(); engine.stop()

if __name__ == "__main__":
    main()
