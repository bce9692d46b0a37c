#!/usr/bin/env python3
"""reshard benchmark: keys/s moving 5000 slots (and their keys) between masters,
rcluster vs `redis-cli --cluster reshard` (default pipeline 10, and 1000),
alternating on the same cluster in one run (each run moves the slots back).

3 fresh masters on loopback, filled with small keys. Only loopback.
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from create_bench import command, free_port_block  # noqa: E402

def crc16(data):
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc

def start_cluster(rcluster, node_timeout=5000):
    base = free_port_block(3)
    ports = [base, base + 1, base + 2]
    folder = tempfile.mkdtemp(prefix="rcluster-bench-")
    procs = []
    for port in ports:
        d = os.path.join(folder, str(port)); os.makedirs(d)
        procs.append(subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
                                       "--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
                                       "--cluster-node-timeout", str(node_timeout), "--logfile", "redis.log"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    while not all(command(p, "PING") == "+PONG" for p in ports):
        time.sleep(0.02)
    subprocess.run([rcluster, "create", *[f"127.0.0.1:{p}" for p in ports], "--yes"], check=True, stdout=subprocess.DEVNULL)
    return ports, procs, folder

def fill(ports, count, value_size):
    ranges = {}
    for port in ports:
        text = command(port, "CLUSTER", "NODES")
        me = [l for l in text.splitlines() if "myself" in l][0].split()
        ranges[port] = [tuple(map(int, r.split("-"))) if "-" in r else (int(r), int(r)) for r in me[8:]]
    owner = {}
    for port, rs in ranges.items():
        for a, b in rs:
            for slot in range(a, b + 1):
                owner[slot] = port
    value = "v" * value_size
    batches = {p: [] for p in ports}
    for i in range(count):
        key = f"key:{i}"
        batches[owner[crc16(key.encode()) & 0x3FFF]].append(f"*3\r\n$3\r\nSET\r\n${len(key)}\r\n{key}\r\n${len(value)}\r\n{value}\r\n")
    for port, lines in batches.items():
        with socket.create_connection(("127.0.0.1", port)) as s:
            for start in range(0, len(lines), 10000):
                chunk = lines[start:start + 10000]
                s.sendall("".join(chunk).encode())
                expected, got = len(chunk) * 5, b""
                while len(got) < expected:
                    got += s.recv(1 << 20)

def ids(ports):
    return [command(p, "CLUSTER", "MYID") for p in ports]

def run(name, argv):
    start = time.monotonic()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, TERM="dumb"))
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"{name} failed: {result.stderr.decode()[-800:]}")
    return elapsed

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", default=".build/release/rcluster")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--value-size", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    ports, procs, folder = start_cluster(args.rcluster)
    try:
        fill(ports, args.keys, args.value_size)
        a, b = ids(ports)[0], ids(ports)[1]
        entry = f"127.0.0.1:{ports[0]}"
        before = int(command(ports[0], "DBSIZE").lstrip(":"))
        # 5000 of A's 5461 slots: a master that gives away its last slot turns
        # into a replica of the receiver (Redis's replica migration).
        print(f"reshard benchmark: 3 masters, {args.keys} keys of {args.value_size} B, moving 5000 slots A->B and back")
        tools = [
            ("rcluster", lambda src, dst: [args.rcluster, "reshard", entry, "--from", src, "--to", dst, "--slots", "5000", "--yes"]),
            ("redis-cli (pipeline 10)", lambda src, dst: ["redis-cli", "--cluster", "reshard", entry, "--cluster-from", src,
                                                           "--cluster-to", dst, "--cluster-slots", "5000", "--cluster-yes"]),
            ("redis-cli (pipeline 1000)", lambda src, dst: ["redis-cli", "--cluster", "reshard", entry, "--cluster-from", src,
                                                             "--cluster-to", dst, "--cluster-slots", "5000", "--cluster-yes",
                                                             "--cluster-pipeline", "1000"]),
        ]
        rates = {}
        for _ in range(args.rounds):
            for name, argv in tools:
                there = run(name, argv(a, b))
                moved = before - int(command(ports[0], "DBSIZE").lstrip(":"))
                time.sleep(1)  # let gossip settle before the way back
                back = run(name, argv(b, a))
                time.sleep(1)
                rates.setdefault(name, []).append(2 * moved / (there + back))
        base = max(rates["rcluster"])
        for name, values in rates.items():
            print(f"  {name:26s} {max(values):10.0f} keys/s")
        for name in rates:
            if name != "rcluster":
                print(f"  ratio rcluster / {name}: {base / max(rates[name]):.2f}x")
    finally:
        for p in procs: p.kill()
        for p in procs: p.wait()
        shutil.rmtree(folder, ignore_errors=True)

if __name__ == "__main__":
    main()
