#!/usr/bin/env python3
"""A cluster-aware client (redis-py's RedisCluster) that keeps writing and
reading while a test moves slots under it. Stops when --stop-file appears,
then re-reads every key and writes a JSON report: every acknowledged write
must be there with its last value (or with a later write whose reply was
lost to an error, which may have been applied).

With --wait, each write is followed by WAIT 1 on the connection that made
it; a write a replica acknowledged must survive anything short of losing
both copies (a failover, a partition), so the report also lists the
waited writes that were lost, apart from the plain ones, which a failover
may lose by design."""
import argparse, json, os, sys, time

import redis
from redis.cluster import RedisCluster, ClusterNode

parser = argparse.ArgumentParser()
parser.add_argument("--startup", required=True)
parser.add_argument("--keys", type=int, default=2000)
parser.add_argument("--stop-file", required=True)
parser.add_argument("--report", required=True)
parser.add_argument("--wait", type=int, default=0, help="WAIT 1 <this many ms> after each write")
parser.add_argument("--progress", help="a file that holds the acknowledged writes so far, updated every 50")
options = parser.parse_args()

host, port = options.startup.rsplit(":", 1)
client = RedisCluster(startup_nodes=[ClusterNode(host, int(port))], decode_responses=True,
                      socket_timeout=5, cluster_error_retry_attempts=10)
acked = {}      # key -> last acknowledged value
pending = {}    # key -> values written after the last ack whose reply never came
waited = {}     # key -> last write a replica acknowledged (--wait)
after_wait = {} # key -> values written after it, acknowledged or not
writes = reads = errors = bad_reads = 0
iteration = 0
started = time.monotonic()
while not os.path.exists(options.stop_file) and time.monotonic() - started < 600:
    iteration += 1
    for index in range(options.keys):
        key = f"live:{index}"
        value = f"{index}:{iteration}"
        try:
            after_wait.setdefault(key, []).append(value)
            client.set(key, value)
            acked[key] = value
            pending.pop(key, None)
            writes += 1
            # The pool hands a single-threaded caller the connection it just used.
            if options.wait and client.get_redis_connection(client.get_node_from_key(key)).execute_command("WAIT", 1, options.wait) >= 1:
                waited[key] = value
                after_wait[key] = []
            if options.progress and writes % 50 == 0:
                with open(options.progress + ".tmp", "w") as progress:
                    progress.write(str(writes))
                os.replace(options.progress + ".tmp", options.progress)
        except redis.RedisError:
            pending.setdefault(key, []).append(value)
            errors += 1
        if index % 10 == 0:
            try:
                seen = client.get(key)
                reads += 1
                if key in acked and seen != acked[key] and seen not in pending.get(key, []):
                    bad_reads += 1
            except redis.RedisError:
                errors += 1

lost, stale = [], []
for key, value in acked.items():
    for attempt in range(20):
        try:
            seen = client.get(key)
            break
        except redis.RedisError:
            time.sleep(0.1)
    else:
        seen = None
    if seen is None:
        lost.append(key)
    elif seen != value and seen not in pending.get(key, []):
        stale.append(f"{key}: {seen} != {value}")
lost_waited, stale_waited = [], []
for key, value in waited.items():
    for attempt in range(20):
        try:
            seen = client.get(key)
            break
        except redis.RedisError:
            time.sleep(0.1)
    else:
        seen = None
    if seen != value and seen not in after_wait.get(key, []):
        (lost_waited if seen is None else stale_waited).append(f"{key}: {seen} != {value}")
json.dump({"waited": len(waited), "lost_waited": lost_waited, "stale_waited": stale_waited, "iterations": iteration, "writes": writes, "reads": reads, "errors": errors, "bad_reads": bad_reads,
           "lost": lost, "stale": stale}, open(options.report, "w"))
