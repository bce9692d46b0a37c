#!/usr/bin/env python3
"""local benchmark: the time from `rcluster local up` to a healthy 6-node
cluster (3 masters, 3 replicas) with every replica's link up, side by side
in one run with `local up --engine redis-server` and with Redis's own
utils/create-cluster (start, then create -f; only when a Redis source tree
is given, as CI has none). Each side is then waited on until every node
says cluster_state:ok and every replica master_link_status:up, so all three
are measured to the same end. Also prints the RSS of the six idle nodes.
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

def rss_mb(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as status:
            total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return total / 1024

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
        return seconds, rss_mb(pids)
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
        return seconds, rss_mb(pids)
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
    engine = statistics.median(seconds for seconds, _ in results[sides[0][0]])
    for name, _ in sides:
        seconds = statistics.median(s for s, _ in results[name])
        rss = statistics.median(r for _, r in results[name])
        print(f"{name}: median {seconds:.2f} s to healthy with replicas in sync {[round(s, 2) for s, _ in results[name]]}, "
              f"6 idle nodes {rss:.0f} MB RSS; engine's time / this {engine / seconds:.2f}x", flush=True)

if __name__ == "__main__":
    main()
