#!/usr/bin/env python3
"""reshard benchmark: keys/s moving slots (and their keys) between real
redis-server masters, rcluster vs `redis-cli --cluster reshard` with its
default pipeline (10) and with `--cluster-pipeline 1000`, in one run.

Two cases, each with `--keys` keys of `--value-size` bytes, all of them in the
slots that move (keys carry a hash tag chosen per slot):

- scale-out: 3 masters and a 4th, empty one added with add-node; 4096 slots
  move `--from all` to the new master (what adding a machine needs). Each tool
  gets a fresh cluster.
- pair: 3 masters; 5000 slots move from master A to master B and back (one
  source, one target: the shape where MIGRATE itself is the limit).
- engine: the pair move done by rcluster on a cluster of `rcluster server`
  nodes and on one of redis-server nodes, alternating: the engine's keys/s
  (MIGRATE, RESTORE-ASKING, GETKEYSINSLOT, SETSLOT) against redis-server's.
- valkey: the scale-out on Valkey 9.1 nodes (`--valkey-server`): rcluster with
  Valkey's atomic slot migration (its default there), rcluster with
  `--legacy-migration`, and redis-cli (pipeline 1000), which has only MIGRATE.

Only loopback.
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from create_bench import command, free_port_block  # noqa: E402

def crc16_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table

CRC16 = crc16_table()

def crc16(data):
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ CRC16[((crc >> 8) ^ byte) & 0xFF]
    return crc

def tags_for(slots):
    """A short hash tag per slot: `{tag}` puts a key in that slot."""
    wanted, found, index = set(slots), {}, 0
    while wanted:
        tag = f"t{index}"
        slot = crc16(tag.encode()) & 0x3FFF
        if slot in wanted:
            found[slot] = tag
            wanted.discard(slot)
        index += 1
    return found

class Cluster:
    """`masters` redis-server masters created by rcluster, plus `spare` empty
    masters joined with add-node; killed and removed on exit."""
    def __init__(self, rcluster, masters, spare=0, engine=False, server="redis-server"):
        base = free_port_block(masters + spare)
        self.ports = [base + i for i in range(masters + spare)]
        self.folder = tempfile.mkdtemp(prefix="rcluster-bench-")
        self.procs = []
        for port in self.ports:
            d = os.path.join(self.folder, str(port)); os.makedirs(d)
            argv = [os.path.abspath(rcluster), "server"] if engine else [server]
            self.procs.append(subprocess.Popen(
                argv + ["--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "", "--appendonly", "no",
                 "--cluster-enabled", "yes", "--cluster-node-timeout", "5000", "--logfile", "redis.log"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        while not all(command(p, "PING") == "+PONG" for p in self.ports):
            time.sleep(0.02)
        addresses = [f"127.0.0.1:{p}" for p in self.ports]
        subprocess.run([rcluster, "create", *addresses[:masters], "--yes"], check=True, stdout=subprocess.DEVNULL)
        for address in addresses[masters:]:
            subprocess.run([rcluster, "add-node", address, addresses[0]], check=True, stdout=subprocess.DEVNULL)
        self.entry = addresses[0]

    def __enter__(self):
        return self

    def __exit__(self, *_):
        for p in self.procs: p.kill()
        for p in self.procs: p.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def id(self, index):
        return command(self.ports[index], "CLUSTER", "MYID")

    def dbsize(self, index):
        return int(command(self.ports[index], "DBSIZE").lstrip(":"))

    def fill(self, slots, count, value_size):
        """`count` keys spread evenly over `slots`, each written to its owner."""
        owner = {}
        for port in self.ports:
            me = [l for l in command(port, "CLUSTER", "NODES").splitlines() if "myself" in l][0].split()
            for token in me[8:]:
                a, b = map(int, token.split("-")) if "-" in token else (int(token), int(token))
                for slot in range(a, b + 1):
                    owner[slot] = port
        tags, ordered, value = tags_for(slots), sorted(slots), "v" * value_size
        batches = {}
        for i in range(count):
            slot = ordered[i % len(ordered)]
            key = f"{{{tags[slot]}}}:{i}"
            batches.setdefault(owner[slot], []).append(
                f"*3\r\n$3\r\nSET\r\n${len(key)}\r\n{key}\r\n${len(value)}\r\n{value}\r\n")
        for port, lines in batches.items():
            with socket.create_connection(("127.0.0.1", port)) as s:
                for start in range(0, len(lines), 10000):
                    chunk = lines[start:start + 10000]
                    s.sendall("".join(chunk).encode())
                    expected, got = len(chunk) * 5, 0
                    while got < expected:
                        got += len(s.recv(1 << 20))

def run(name, argv):
    start = time.monotonic()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, TERM="dumb"))
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"{name} failed: {result.stderr.decode()[-800:]}")
    return elapsed

def reshard_argv(tool, rcluster, entry, source, target, slots):
    if tool.startswith("rcluster"):
        return [rcluster, "reshard", entry, "--from", source, "--to", target, "--slots", str(slots), "--yes"]
    argv = ["redis-cli", "--cluster", "reshard", entry, "--cluster-from", source, "--cluster-to", target,
            "--cluster-slots", str(slots), "--cluster-yes"]
    return argv + (["--cluster-pipeline", "1000"] if tool.endswith("1000)") else [])

TOOLS = ["rcluster", "redis-cli (pipeline 10)", "redis-cli (pipeline 1000)"]

def slot_list(ranges):
    slots = []
    for text in ranges:
        a, b = map(int, text.split("-")) if "-" in text else (int(text), int(text))
        slots += range(a, b + 1)
    return slots

def scale_out(args, tools=None, server="redis-server"):
    """Fresh 3+1 cluster per tool; 4096 slots from all three to the new master."""
    rates = {}
    for _ in range(args.rounds):
        for tool in tools or TOOLS:
            with Cluster(args.rcluster, masters=3, spare=1, server=server) as cluster:
                target = cluster.id(3)
                plan = json.loads(subprocess.run(
                    [args.rcluster, "reshard", cluster.entry, "--from", "all", "--to", target, "--slots", "4096",
                     "--dry-run", "--json"], check=True, capture_output=True).stdout)
                cluster.fill([s for source in plan["sources"] for s in slot_list(source["slots"])], args.keys, args.value_size)
                argv = reshard_argv(tool, args.rcluster, cluster.entry, "all", target, 4096)
                elapsed = run(tool, argv + (["--legacy-migration"] if "legacy" in tool else []))
                moved = cluster.dbsize(3)
                if moved != args.keys:
                    print(f"  note: {tool} moved {moved} keys, not the {args.keys} filled")
                rates.setdefault(tool, []).append(moved / elapsed)
    return rates

def pair(args):
    """One 3-master cluster; 5000 of A's 5461 slots to B and back, per tool.
    (Not all of A's: a master that gives away its last slot becomes a replica
    of the receiver, and the way back would have no master to return to.)"""
    rates = {}
    with Cluster(args.rcluster, masters=3) as cluster:
        a, b = cluster.id(0), cluster.id(1)
        cluster.fill(range(5000), args.keys, args.value_size)  # A's first 5000 slots: both tools move those
        for _ in range(args.rounds):
            for tool in TOOLS:
                there = run(tool, reshard_argv(tool, args.rcluster, cluster.entry, a, b, 5000))
                moved = args.keys - cluster.dbsize(0)
                time.sleep(1)  # let gossip settle before the way back
                back = run(tool, reshard_argv(tool, args.rcluster, cluster.entry, b, a, 5000))
                time.sleep(1)
                rates.setdefault(tool, []).append(2 * moved / (there + back))
    return rates

def engine_pair(args):
    """The pair move by rcluster, on engine masters and on redis-server
    masters, alternating, each on its own fresh cluster."""
    rates = {}
    for _ in range(args.rounds):
        for name, engine in (("redis-server 7.0.15", False), ("rcluster server", True)):
            with Cluster(args.rcluster, masters=3, engine=engine) as cluster:
                a, b = cluster.id(0), cluster.id(1)
                cluster.fill(range(5000), args.keys, args.value_size)
                there = run(name, reshard_argv("rcluster", args.rcluster, cluster.entry, a, b, 5000))
                moved = args.keys - cluster.dbsize(0)
                if moved != args.keys:
                    print(f"  note: on {name} {moved} keys moved, not the {args.keys} filled")
                rates.setdefault(name, []).append(moved / there)
    print(f"rcluster reshard, 5000 slots master A -> B, {args.keys} keys of {args.value_size} B, engine nodes vs redis-server nodes")
    best = {name: max(values) for name, values in rates.items()}
    for name, rate in best.items():
        print(f"  {name:26s} {rate:10.0f} keys/s")
    print(f"  ratio engine / redis-server: {best['rcluster server'] / best['redis-server 7.0.15']:.2f}x")

VALKEY_TOOLS = ["rcluster", "rcluster --legacy-migration", "redis-cli (pipeline 1000)"]

def report(title, rates, tools=TOOLS):
    print(title)
    best = {tool: max(values) for tool, values in rates.items()}
    for tool in tools:
        print(f"  {tool:28s} {best[tool]:10.0f} keys/s")
    for tool in tools[1:]:
        print(f"  ratio rcluster / {tool}: {best['rcluster'] / best[tool]:.2f}x")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", default=".build/release/rcluster")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--value-size", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--case", choices=["scale-out", "pair", "both", "engine", "valkey"], default="both")
    parser.add_argument("--valkey-server", default=".build/test-servers/valkey-9.1/valkey-server")
    args = parser.parse_args()
    shape = f"{args.keys} keys of {args.value_size} B, all in the slots that move"
    if args.case in ("scale-out", "both"):
        report(f"reshard scale-out: 3 full masters -> 1 new, 4096 slots --from all, {shape}", scale_out(args))
    if args.case in ("pair", "both"):
        report(f"reshard pair: 5000 slots master A -> B and back, {shape}", pair(args))
    if args.case == "engine":
        engine_pair(args)
    if args.case == "valkey":
        server = os.path.abspath(args.valkey_server)
        report(f"reshard scale-out on Valkey 9.1: 3 full masters -> 1 new, 4096 slots --from all, {shape}",
               scale_out(args, VALKEY_TOOLS, server), VALKEY_TOOLS)

if __name__ == "__main__":
    main()
