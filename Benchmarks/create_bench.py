#!/usr/bin/env python3
"""create benchmark: wall time from the start of `create` until every node
reports cluster_state:ok, rcluster vs `redis-cli --cluster create --cluster-yes`,
on the same kind of fresh redis-server nodes, alternating tools in one run.
Also: the time until every node agrees on every node's role, master and slots.

A master of Redis 7.0 reports cluster_state:ok no sooner than its rejoin delay
(cluster-node-timeout clamped to 0.5-5 s) after it first held slots in a
majority, whatever tool created it: that floor is printed, not hidden, by
measuring several node timeouts.

Nodes are started fresh for every round and aged past redis-server's 2 s
writable delay before the clock starts, for both tools alike. Only loopback.
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

def free_port_block(count, start=14000, end=22000):
    """`count` consecutive client ports whose bus ports (+10000) are free too."""
    def free(port):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port)); return True
            except OSError:
                return False
    base = start
    while base + count < end:
        if all(free(p) and free(p + 10000) for p in range(base, base + count)):
            return base
        base += count
    sys.exit("no free ports")

def command(port, *args, timeout=1.0):
    """One command over a raw socket (RESP), reply as text; None on failure."""
    payload = f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(payload.encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if data.startswith(b"$"):
                    header, _, rest = data.partition(b"\r\n")
                    if len(rest) >= int(header[1:]) + 2:
                        return rest[: int(header[1:])].decode()
                elif data.endswith(b"\r\n"):
                    return data.decode().strip()
    except OSError:
        return None

class Nodes:
    def __init__(self, count, node_timeout):
        self.base = free_port_block(count)
        self.ports = list(range(self.base, self.base + count))
        self.dir = tempfile.mkdtemp(prefix="rcluster-bench-")
        self.procs = []
        for port in self.ports:
            folder = os.path.join(self.dir, str(port)); os.makedirs(folder)
            self.procs.append(subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "",
                 "--appendonly", "no", "--cluster-enabled", "yes", "--cluster-node-timeout", str(node_timeout),
                 "--logfile", "redis.log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.time() + 10
        while not all(command(p, "PING") == "+PONG" for p in self.ports):
            if time.time() > deadline: sys.exit("nodes did not start")
            time.sleep(0.02)

    def agree(self, masters):
        """Every node lists every node, no handshakes, and all views agree on
        each node's role, master and slots, with the planned masters and replicas."""
        views = set()
        for port in self.ports:
            text = command(port, "CLUSTER", "NODES")
            if not text:
                return False
            lines = [line.split() for line in text.strip().splitlines()]
            if len(lines) != len(self.ports) or any("handshake" in l[2] for l in lines):
                return False
            view = tuple(sorted((l[0], "slave" in l[2], l[3], " ".join(l[8:])) for l in lines))
            if sum(1 for node in view if node[1]) != len(self.ports) - masters:
                return False
            views.add(view)
        return len(views) == 1

    def all_ok(self):
        return all("cluster_state:ok" in (command(p, "CLUSTER", "INFO") or "") for p in self.ports)

    def stop(self):
        for proc in self.procs: proc.kill()
        for proc in self.procs: proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

def measure(tool, argv_for, nodes, age):
    time.sleep(age)  # past the 2 s writable delay, for both tools
    addresses = [f"127.0.0.1:{p}" for p in nodes.ports]
    start = time.monotonic()
    proc = subprocess.Popen(argv_for(addresses), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, TERM="dumb"))
    ok_at = agreed_at = None
    while ok_at is None or agreed_at is None:
        now = time.monotonic() - start
        if agreed_at is None and nodes.agree(len(nodes.ports) // 2):
            agreed_at = time.monotonic() - start
        if ok_at is None and nodes.all_ok():
            ok_at = time.monotonic() - start
        if now > 120:
            sys.exit(f"{tool}: no agreement or cluster_state:ok after 120 s")
        time.sleep(0.005)
    proc.wait()
    exited = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"{tool} failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")
    return ok_at, exited, agreed_at

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", default=".build/release/rcluster")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=6)
    parser.add_argument("--node-timeouts", default="15000,2000,500",
                        help="cluster-node-timeout values to measure (ms), comma-separated")
    parser.add_argument("--age", type=float, default=2.5)
    args = parser.parse_args()
    tools = {
        "rcluster": lambda addrs: [args.rcluster, "create", *addrs, "--replicas", "1", "--yes"],
        "redis-cli": lambda addrs: ["redis-cli", "--cluster", "create", *addrs, "--cluster-replicas", "1", "--cluster-yes"],
    }
    print(f"create benchmark: {args.nodes} fresh redis-server nodes, replicas 1, {args.rounds} rounds per tool, alternating")
    for node_timeout in [int(t) for t in args.node_timeouts.split(",")]:
        results = {name: [] for name in tools}
        for _ in range(args.rounds):
            for name, argv_for in tools.items():
                nodes = Nodes(args.nodes, node_timeout)
                try:
                    results[name].append(measure(name, argv_for, nodes, args.age))
                finally:
                    nodes.stop()
        ok = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}
        done = {name: statistics.median(r[1] for r in runs) for name, runs in results.items()}
        agreed = {name: statistics.median(r[2] for r in runs) for name, runs in results.items()}
        print(f"\ncluster-node-timeout {node_timeout} ms (medians of {args.rounds}):")
        for name in tools:
            samples = ", ".join(f"{r[0]:.3f}/{r[2]:.3f}" for r in results[name])
            print(f"  {name:9s} cluster_state:ok everywhere {ok[name]:6.3f} s | full agreement {agreed[name]:6.3f} s"
                  f" | tool exited {done[name]:6.3f} s  [ok/agreement: {samples}]")
        print(f"  ratio redis-cli/rcluster: cluster_state:ok {ok['redis-cli'] / ok['rcluster']:.2f}x,"
              f" full agreement {agreed['redis-cli'] / agreed['rcluster']:.2f}x")

if __name__ == "__main__":
    main()
