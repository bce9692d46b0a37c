#!/usr/bin/env python3
"""failover benchmark: `rcluster server` against redis-server 7.0.15, each a
cluster of its own kind (3 masters, 3 replicas, made by the real
`redis-cli --cluster create`), alternating run by run on loopback: the time
from SIGKILL of a master to every surviving node reporting cluster_state:ok
with that master's replica promoted, at cluster-node-timeout 2000 and 5000.
Prints each side's runs, the medians and the ratio engine / redis-server
(lower is faster; the goal is <= 1.0).

Usage: Benchmarks/failover_bench.py --rcluster .build/release/rcluster [--runs 3] [--timeouts 2000,5000]
"""
import argparse, os, shutil, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from create_bench import command, free_port_block  # noqa: E402

class Cluster:
    def __init__(self, argv, node_timeout):
        base = free_port_block(6)
        self.ports = list(range(base, base + 6))
        self.dir = tempfile.mkdtemp(prefix="rcluster-bench-failover-")
        self.procs = {}
        for port in self.ports:
            folder = os.path.join(self.dir, str(port)); os.makedirs(folder)
            self.procs[port] = subprocess.Popen(
                argv + ["--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no",
                        "--cluster-enabled", "yes", "--cluster-node-timeout", str(node_timeout), "--logfile", "server.log",
                        "--repl-diskless-sync-delay", "0"],
                cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait(lambda: all(command(p, "PING") == "+PONG" for p in self.ports), 20, "nodes did not start")
        subprocess.run(["redis-cli", "--cluster", "create"] + [f"127.0.0.1:{p}" for p in self.ports]
                       + ["--cluster-replicas", "1", "--cluster-yes"], check=True, stdout=subprocess.DEVNULL)
        self.wait(lambda: self.all_ok(self.ports) and self.replicas_up() and self.agree(), 60, "the cluster did not come up")

    def wait(self, condition, seconds, failure):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline: sys.exit(f"{failure}; see {self.dir}")
            time.sleep(0.01)

    @staticmethod
    def all_ok(ports):
        return all("cluster_state:ok" in (command(p, "CLUSTER", "INFO") or "") for p in ports)

    def replicas_up(self):
        for port in self.ports:
            info = command(port, "INFO", "replication") or ""
            if "role:slave" in info and "master_link_status:up" not in info: return False
        return True

    def agree(self):
        """Every node sees the three replicas as replicas."""
        for port in self.ports:
            lines = (command(port, "CLUSTER", "NODES") or "").strip().splitlines()
            if len(lines) != 6 or sum(1 for line in lines if "slave" in line.split()[2]) != 3: return False
        return True

    def master_and_replica(self):
        lines = [line.split() for line in (command(self.ports[0], "CLUSTER", "NODES") or "").strip().splitlines()]
        by_id = {l[0]: int(l[1].split("@")[0].split(":")[1]) for l in lines}
        for l in lines:
            if "slave" in l[2] and l[3] in by_id: return by_id[l[3]], by_id[l[0]]
        sys.exit("no replica found")

    @staticmethod
    def is_master(port):
        own = [l for l in (command(port, "CLUSTER", "NODES") or "").splitlines() if "myself" in l]
        return bool(own) and "master" in own[0].split()[2]

    def stop(self):
        for proc in self.procs.values(): proc.kill()
        for proc in self.procs.values(): proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

def failover_seconds(argv, node_timeout):
    cluster = Cluster(argv, node_timeout)
    try:
        master, replica = cluster.master_and_replica()
        survivors = [p for p in cluster.ports if p != master]
        began = time.monotonic()
        cluster.procs[master].send_signal(signal.SIGKILL); cluster.procs[master].wait()
        cluster.wait(lambda: Cluster.is_master(replica) and Cluster.all_ok(survivors), 120, "the failover did not finish")
        return time.monotonic() - began
    finally:
        cluster.stop()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeouts", default="2000,5000")
    options = parser.parse_args()
    servers = [("redis-server", ["redis-server"]), ("engine", [os.path.abspath(options.rcluster), "server"])]
    for timeout in [int(t) for t in options.timeouts.split(",")]:
        runs = {name: [] for name, _ in servers}
        for _ in range(options.runs):
            for name, argv in servers:
                runs[name].append(failover_seconds(argv, timeout))
        redis, engine = statistics.median(runs["redis-server"]), statistics.median(runs["engine"])
        print(f"SIGKILL of a master to ok with its replica promoted, node-timeout {timeout} ms: "
              f"redis-server median {redis:.2f} s {[round(x, 2) for x in runs['redis-server']]}, "
              f"engine median {engine:.2f} s {[round(x, 2) for x in runs['engine']]}, ratio {engine / redis:.2f}x", flush=True)

if __name__ == "__main__":
    main()
