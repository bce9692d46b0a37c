#!/usr/bin/env python3
"""local benchmark: the time from `rcluster local up` to a healthy 6-node
cluster (3 masters, 3 replicas) with every replica's link up, side by side
in one run with `local up --engine redis-server` and with Redis's own
utils/create-cluster (start, then create -f; only when a Redis source tree
is given, as CI has none). Each side is then waited on until every node
says cluster_state:ok and every replica master_link_status:up, so all three
are measured to the same end. Also prints the memory of the six idle
nodes: RSS, PSS (shared pages split between the nodes) and private.
Loopback only.

Usage: Benchmarks/local_bench.py --rcluster .build/release/rcluster [--runs 3] [--redis-src /path/to/redis-7.0.15]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from create_bench import command, free_port_block  # noqa: E402

def ready(ports):
    for port in ports:
        if "cluster_state:ok" not in (command(port, "CLUSTER", "INFO") or ""): return False
        info = command(port, "INFO", "replication") or ""
        if "role:slave" in info and "master_link_status:up" not in info: return False
    return True

def memory_mb(pids):
    """RSS, PSS and private memory of the nodes together, in MB. RSS counts
    every page a node maps, the binary's and libraries' shared pages once per
    node; PSS splits each shared page between the processes mapping it, so
    six nodes of one binary pay for its pages once; private is what only
    that node holds (its heap, stacks, written data pages)."""
    totals = {"Rss": 0, "Pss": 0, "Private": 0}
    for pid in pids:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss"): totals[key] += int(rest.split()[0])
                elif key in ("Private_Clean", "Private_Dirty"): totals["Private"] += int(rest.split()[0])
    return tuple(totals[key] / 1024 for key in ("Rss", "Pss", "Private"))

def wait_ready(ports, began):
    while not ready(ports):
        if time.monotonic() - began > 120: sys.exit("the cluster did not become healthy in 120 s")
        time.sleep(0.005)
    return time.monotonic() - began

def local_up(rcluster, engine):
    folder = tempfile.mkdtemp(prefix="rcluster-bench-local-")
    base = free_port_block(6)
    ports = list(range(base, base + 6))
    try:
        began = time.monotonic()
        subprocess.run([rcluster, "local", "up", "--dir", folder, "--base-port", str(base), "--engine", engine, "--no-password"],
                       check=True, stdout=subprocess.DEVNULL)
        seconds = wait_ready(ports, began)
        time.sleep(1)
        pids = [int(open(os.path.join(folder, str(port), "redis.pid")).read()) for port in ports]
        return seconds, memory_mb(pids)
    finally:
        subprocess.run([rcluster, "local", "down", "--dir", folder, "--purge"], stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)

def create_cluster(redis_src):
    folder = tempfile.mkdtemp(prefix="rcluster-bench-create-cluster-")
    base = free_port_block(7)
    ports = list(range(base + 1, base + 7))  # the script starts at PORT + 1
    script = os.path.join(folder, "create-cluster")
    shutil.copy(os.path.join(redis_src, "utils", "create-cluster", "create-cluster"), script)
    with open(os.path.join(folder, "config.sh"), "w") as config:
        config.write(f"BIN_PATH=/usr/bin/\nPORT={base}\n")
    try:
        began = time.monotonic()
        subprocess.run(["bash", script, "start"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["bash", script, "create", "-f"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
        seconds = wait_ready(ports, began)
        time.sleep(1)
        pids = [int(command(port, "INFO", "server").split("process_id:")[1].split()[0]) for port in ports]
        return seconds, memory_mb(pids)
    finally:
        subprocess.run(["bash", script, "stop"], cwd=folder, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis-src", help="a Redis 7.0.15 source tree, for utils/create-cluster")
    options = parser.parse_args()
    rcluster = os.path.abspath(options.rcluster)
    sides = [("local up (engine)", lambda: local_up(rcluster, "engine")),
             ("local up --engine redis-server", lambda: local_up(rcluster, "redis-server"))]
    if options.redis_src: sides.append(("create-cluster start + create", lambda: create_cluster(options.redis_src)))
    results = {name: [] for name, _ in sides}
    for _ in range(options.runs):
        for name, run in sides:
            results[name].append(run())
    def medians(name):
        runs = results[name]
        return statistics.median(s for s, _ in runs), [statistics.median(m[i] for _, m in runs) for i in range(3)]
    engine_seconds, engine_memory = medians(sides[0][0])
    for name, _ in sides:
        seconds, memory = medians(name)
        print(f"{name}: median {seconds:.2f} s to healthy with replicas in sync {[round(s, 2) for s, _ in results[name]]}; "
              f"engine's time / this {engine_seconds / seconds:.2f}x", flush=True)
        print(f"  6 idle nodes: RSS {memory[0]:.1f} MB, PSS {memory[1]:.1f} MB, private {memory[2]:.1f} MB; "
              f"engine's / this: RSS {engine_memory[0] / memory[0]:.2f}x, PSS {engine_memory[1] / memory[1]:.2f}x, "
              f"private {engine_memory[2] / memory[2]:.2f}x", flush=True)

if __name__ == "__main__":
    main()
