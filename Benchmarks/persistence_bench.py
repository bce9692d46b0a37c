#!/usr/bin/env python3
"""persistence benchmark: `rcluster server` against redis-server 7.0.15 on
dump.rdb, alternating in one run: SAVE of `--keys` keys (DEBUG POPULATE), the
file's size, and a restart that loads it (from spawn until DBSIZE answers
with every key). Prints each ratio engine / redis-server (time: lower is
better). Only loopback."""
import argparse, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from create_bench import command, free_port_block  # noqa: E402

def start(argv, port, folder):
    return subprocess.Popen(argv + ["--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "",
                                    "--appendonly", "no", "--enable-debug-command", "yes", "--logfile", "log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def wait_for(port, condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = command(port, "DBSIZE", timeout=5)
        if reply is not None and condition(reply):
            return
        time.sleep(0.005)
    sys.exit(f"port {port} did not answer in time")

def measure(argv, keys):
    folder = tempfile.mkdtemp(prefix="rcluster-bench-rdb-")
    port = free_port_block(1)
    try:
        server = start(argv, port, folder)
        wait_for(port, lambda r: r.startswith(":"))
        command(port, "DEBUG", "POPULATE", str(keys), timeout=300)
        began = time.monotonic()
        assert command(port, "SAVE", timeout=300) == "+OK"
        save = time.monotonic() - began
        size = os.path.getsize(os.path.join(folder, "dump.rdb"))
        server.kill(); server.wait()
        began = time.monotonic()
        server = start(argv, port, folder)
        wait_for(port, lambda r: r == f":{keys}")
        load = time.monotonic() - began
        server.kill(); server.wait()
        return save, size, load
    finally:
        shutil.rmtree(folder, ignore_errors=True)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", default=".build/release/rcluster")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    servers = {"redis-server 7.0.15": ["redis-server"], "rcluster server": [os.path.abspath(args.rcluster), "server"]}
    best = {}
    for _ in range(args.rounds):
        for name, argv in servers.items():
            save, size, load = measure(argv, args.keys)
            previous = best.get(name, (save, size, load))
            best[name] = (min(save, previous[0]), size, min(load, previous[2]))
    print(f"dump.rdb with {args.keys} keys (DEBUG POPULATE), best of {args.rounds}")
    for name, (save, size, load) in best.items():
        print(f"  {name:22s} SAVE {save:6.3f} s   file {size / 1e6:7.2f} MB   restart+load {load:6.3f} s")
    engine, reference = best["rcluster server"], best["redis-server 7.0.15"]
    print(f"  ratio engine / redis-server: SAVE {engine[0] / reference[0]:.2f}x, file {engine[1] / reference[1]:.2f}x, "
          f"restart+load {engine[2] / reference[2]:.2f}x (lower is faster)")

if __name__ == "__main__":
    main()
