#!/usr/bin/env python3
"""deploy benchmark on the netns testbed (scripts/testbed.sh): the seed's
layout (3 hosts x 2 nodes, one replica per master), from nothing to a
checked cluster.

  - rcluster deploy, hosts in parallel (--forks 10)
  - rcluster deploy, one host at a time (--forks 1)
  - rcluster deploy again on the unchanged inventory (no changes)
  - the reference: the seed's manual procedure scripted with OpenSSH, one host
    after another (mkdir, redis.conf, docker run per node), then
    `redis-cli --cluster create --cluster-replicas 1 --cluster-yes`, until every
    node reports cluster_state:ok (deploy returns only after its check passes)

Rounds alternate; medians and ratios are printed. Traffic stays on the testbed's
own subnet. Options: --rounds N, --rcluster PATH.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "bench-" + "0" * 58


def run(args, env=None, check=True, stdin=None):
    result = subprocess.run(args, capture_output=True, text=True, env=env, input=stdin)
    if check and result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result


def testbed():
    run([os.path.join(ROOT, "scripts/testbed.sh"), "up"])
    env = {}
    for line in open("/tmp/rcluster-testbed/testbed.env"):
        key, _, value = line.strip().partition("=")
        env[key] = value
    return env


def write_inventory(folder, tb):
    hosts = tb["TESTBED_HOSTS"].split()
    lines = ["cluster:", "  name: bench", "  replicas: 1", "defaults:",
             f"  ssh: {{user: root, key: {tb['TESTBED_KEY']}}}", f"  image: {tb['TESTBED_IMAGE']}", "  pull: never",
             "  config: {cluster-node-timeout: 5000, appendonly: \"yes\"}", "hosts:"]
    for index, address in enumerate(hosts[:3]):
        lines += [f"  - name: h{index + 1}", f"    address: {address}", f"    ports: [{7000 + index}, {7003 + index}]",
                  f"    data_root: {folder}/data-h{index + 1}"]
    path = os.path.join(folder, "bench.yml")
    open(path, "w").write("\n".join(lines) + "\n")
    secrets = os.path.join(folder, "bench.secrets.yml")
    fd = os.open(secrets, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, f"password: {PASSWORD}\n".encode())
    os.close(fd)
    return path, hosts[:3]


def rcluster(binary, path, tb, *extra):
    started = time.monotonic()
    result = run([binary, "deploy", "-i", path, "--known-hosts", tb["TESTBED_KNOWN_HOSTS"], "--yes", *extra])
    return time.monotonic() - started, result.stdout


def destroy(binary, path, tb):
    run([binary, "destroy", "-i", path, "--known-hosts", tb["TESTBED_KNOWN_HOSTS"], "--purge-data", "--yes"])


def seed_procedure(folder, tb, hosts):
    """The blog post's steps, host by host over ssh, then redis-cli create."""
    ssh = ["ssh", "-i", tb["TESTBED_KEY"], "-o", f"UserKnownHostsFile={tb['TESTBED_KNOWN_HOSTS']}", "-o", "StrictHostKeyChecking=yes"]
    started = time.monotonic()
    for index, address in enumerate(hosts):
        for port in (7000 + index, 7003 + index):
            data = f"{folder}/seed-h{index + 1}/{port}"
            conf = (f"port {port}\nbind {address} 127.0.0.1\ncluster-enabled yes\ncluster-config-file nodes.conf\n"
                    f"cluster-node-timeout 5000\nappendonly yes\ndaemonize no\nprotected-mode yes\npidfile /data/redis.pid\n"
                    f"dir /data\nrequirepass {PASSWORD}\nmasterauth {PASSWORD}\n")
            run(ssh + [f"root@{address}", f"mkdir -p {data} && cat > {data}/redis.conf"], stdin=conf)
            run(ssh + [f"root@{address}", f"docker run -d -v {data}:/data --cpus=1 --memory=2GB --restart=always --net host "
                                          f"--name seed-{port} {tb['TESTBED_IMAGE']} redis-server /data/redis.conf"])
    nodes = [f"{address}:{port}" for index, address in enumerate(hosts) for port in (7000 + index, 7003 + index)]
    env = dict(os.environ, REDISCLI_AUTH=PASSWORD)
    # Like deploy, wait for the nodes to answer before creating.
    for node in nodes:
        host, port = node.split(":")
        while run(["redis-cli", "-h", host, "-p", port, "ping"], env=env, check=False).stdout.strip() != "PONG":
            time.sleep(0.05)
    run(["redis-cli", "--cluster", "create", *nodes, "--cluster-replicas", "1", "--cluster-yes"], env=env)
    for node in nodes:
        host, port = node.split(":")
        while "cluster_state:ok" not in run(["redis-cli", "-h", host, "-p", port, "cluster", "info"], env=env, check=False).stdout:
            time.sleep(0.05)
    elapsed = time.monotonic() - started
    for index, address in enumerate(hosts):
        run(ssh + [f"root@{address}", f"docker rm -f seed-{7000 + index} seed-{7003 + index} >/dev/null; rm -rf {folder}/seed-h{index + 1}"])
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rcluster", default=os.path.join(ROOT, ".build/release/rcluster"))
    options = parser.parse_args()
    tb = testbed()
    folder = tempfile.mkdtemp(prefix="rcluster-bench-deploy-")
    path, hosts = write_inventory(folder, tb)
    times = {"parallel": [], "serial": [], "idle": [], "seed": []}
    try:
        for round_ in range(options.rounds):
            elapsed, _ = rcluster(options.rcluster, path, tb, "--forks", "10")
            times["parallel"].append(elapsed)
            elapsed, out = rcluster(options.rcluster, path, tb)
            assert "No changes" in out, out
            times["idle"].append(elapsed)
            destroy(options.rcluster, path, tb)
            times["seed"].append(seed_procedure(folder, tb, hosts))
            elapsed, _ = rcluster(options.rcluster, path, tb, "--forks", "1")
            times["serial"].append(elapsed)
            destroy(options.rcluster, path, tb)
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
    finally:
        destroy(options.rcluster, path, tb)
        shutil.rmtree(folder, ignore_errors=True)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nseed layout (3 hosts x 2 nodes), median of {options.rounds}:")
    print(f"  rcluster deploy, parallel      {median['parallel']:6.2f} s")
    print(f"  rcluster deploy, --forks 1     {median['serial']:6.2f} s   (parallel is {median['serial'] / median['parallel']:.2f}x faster)")
    print(f"  rcluster deploy, no changes    {median['idle']:6.2f} s")
    print(f"  seed procedure (ssh + redis-cli create)  {median['seed']:6.2f} s   (rcluster parallel is {median['seed'] / median['parallel']:.2f}x faster)")


if __name__ == "__main__":
    main()
