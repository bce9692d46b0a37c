#!/usr/bin/env python3
"""import benchmark: a standalone redis-server holding N small keys is
imported into a fresh 3-master cluster, rcluster vs `redis-cli --cluster
import` (one MIGRATE per key), each with --copy so the same source serves
every round; the cluster is flushed between rounds. Loopback only.
Options: --keys N (default 200000), --rounds N, --rcluster PATH."""
import argparse, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reshard_bench as rb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rcluster", default=".build/release/rcluster")
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with rb.Cluster(args.rcluster, masters=3) as cluster:
        run(args, cluster)


def run(args, cluster):
    ports, folder = cluster.ports, cluster.folder
    source_port = rb.free_port_block(1, start=16000)
    source = subprocess.Popen(["redis-server", "--port", str(source_port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    try:
        while rb.command(source_port, "PING") != "+PONG":
            time.sleep(0.05)
        payload = "".join(f"*3\r\n$3\r\nSET\r\n${len(k)}\r\n{k}\r\n$10\r\nvalue-0000\r\n"
                          for k in (f"import:{i}" for i in range(args.keys)))
        subprocess.run(["redis-cli", "-p", str(source_port), "--pipe"], input=payload.encode(), capture_output=True, check=True)
        entry = cluster.entry
        src = f"127.0.0.1:{source_port}"
        tools = [("rcluster", [args.rcluster, "import", entry, "--from", src, "--copy"]),
                 ("redis-cli", ["redis-cli", "--cluster", "import", entry, "--cluster-from", src, "--cluster-copy"])]
        rates = {}
        print(f"import benchmark: {args.keys} keys of 10 B from a standalone redis-server into 3 masters (--copy)")
        for _ in range(args.rounds):
            for name, argv in tools:
                for port in ports:
                    rb.command(port, "FLUSHALL")
                started = time.monotonic()
                result = subprocess.run(argv, capture_output=True, text=True)
                elapsed = time.monotonic() - started
                if result.returncode != 0:
                    sys.exit(f"{name} failed: {result.stdout[-500:]}{result.stderr[-500:]}")
                imported = sum(int(rb.command(p, "DBSIZE").lstrip(":")) for p in ports)
                assert imported == args.keys, (name, imported)
                rates.setdefault(name, []).append(args.keys / elapsed)
        for name, values in rates.items():
            print(f"  {name:10s} {max(values):10.0f} keys/s")
        print(f"  ratio rcluster / redis-cli: {max(rates['rcluster']) / max(rates['redis-cli']):.1f}x")
    finally:
        source.kill()
        source.wait()


if __name__ == "__main__":
    main()
