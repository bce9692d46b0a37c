#!/usr/bin/env python3
"""Streams through redis-py's RedisCluster, as an application uses them.

Usage: streams_client_check.py PORT            prints the API results as JSON (compared across servers)
       streams_client_check.py PORT --workers  producer, three consumer processes, one SIGKILLed midway
Only loopback.
"""
import json, os, signal, subprocess, sys, threading, time
from redis.cluster import RedisCluster

port = int(sys.argv[1])

def client():
    return RedisCluster(host="127.0.0.1", port=port, decode_responses=True)

def api():
    r = client()
    out = {}
    r.delete("orders")
    out["xadd"] = [r.xadd("orders", {"item": f"i{n}", "qty": n}, id=f"{n}-0") for n in range(1, 6)]
    out["xadd_trim"] = r.xadd("orders", {"item": "i6"}, id="6-0", maxlen=10, approximate=False)
    out["xlen"] = r.xlen("orders")
    out["xrange"] = r.xrange("orders", min="2", max="4")
    out["xrevrange"] = r.xrevrange("orders", count=2)
    out["xread"] = r.xread({"orders": "4-0"})
    out["group"] = r.xgroup_create("orders", "billing", id="0")
    out["xreadgroup"] = r.xreadgroup("billing", "alice", {"orders": ">"}, count=3)
    out["xreadgroup_bob"] = r.xreadgroup("billing", "bob", {"orders": ">"}, count=2)
    out["xack"] = r.xack("orders", "billing", "1-0", "2-0")
    out["xpending"] = r.xpending("orders", "billing")
    out["xpending_range"] = [{k: v for k, v in row.items() if k != "time_since_delivered"}
                             for row in r.xpending_range("orders", "billing", min="-", max="+", count=10)]
    out["xautoclaim"] = r.xautoclaim("orders", "billing", "carol", min_idle_time=0, start_id="0-0", count=10)
    out["xclaim"] = r.xclaim("orders", "billing", "dave", min_idle_time=0, message_ids=["3-0"], justid=True)
    info = r.xinfo_stream("orders")
    out["xinfo_stream"] = {k: info[k] for k in ("length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
                                                  "max-deleted-entry-id", "entries-added", "groups", "first-entry", "last-entry")}
    out["xinfo_groups"] = r.xinfo_groups("orders")
    out["xinfo_consumers"] = sorted((c["name"], c["pending"]) for c in r.xinfo_consumers("orders", "billing"))
    out["xdel"] = r.xdel("orders", "5-0")
    out["xtrim"] = r.xtrim("orders", maxlen=2, approximate=False)
    # XREAD BLOCK, woken by an XADD from another client.
    got = {}
    def reader():
        got["entries"] = client().xread({"orders": "$"}, block=5000)
    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.3)
    r.xadd("orders", {"item": "late"}, id="7-0")
    thread.join()
    out["xread_block"] = got["entries"]
    print(json.dumps({"ok": True, "results": out}, sort_keys=True))

ENTRIES = 100_000

def worker(name, ack):
    r = client()
    done = 0
    while True:
        reply = r.xreadgroup("jobs-group", name, {"jobs": ">"}, count=100, block=200)
        ids = [entry_id for _, entries in reply for entry_id, _ in entries] if reply else []
        if not ids:
            # Nothing new: take over what a dead consumer left pending.
            _, claimed, _ = r.xautoclaim("jobs", "jobs-group", name, min_idle_time=300, start_id="0-0", count=100)
            ids = [entry_id for entry_id, _ in claimed]
            if not ids:
                if r.xpending("jobs", "jobs-group")["pending"] == 0 and r.xinfo_groups("jobs")[0]["lag"] == 0:
                    break
                continue
        if not ack:
            time.sleep(3600)  # holds its entries until it is killed
        with open(f"{os.environ['STREAMS_OUT']}/{name}", "a") as f:
            f.write("\n".join(ids) + "\n")
        r.xack("jobs", "jobs-group", *ids)
        done += len(ids)

def workers():
    out = os.environ.setdefault("STREAMS_OUT", f"/tmp/streams-check-{os.getpid()}")
    os.makedirs(out, exist_ok=True)
    r = client()
    r.delete("jobs")
    r.xgroup_create("jobs", "jobs-group", id="0", mkstream=True)
    pipe = r.pipeline()
    for n in range(ENTRIES):
        pipe.xadd("jobs", {"n": n})
        if n % 1000 == 999:
            pipe.execute()
    pipe.execute()
    me = [sys.executable, os.path.abspath(__file__), str(port), "--worker"]
    doomed = subprocess.Popen(me + ["doomed", "noack"])
    # The doomed consumer takes its first batch, then dies without acknowledging it.
    for _ in range(200):
        if any(c["name"] == "doomed" and c["pending"] > 0 for c in r.xinfo_consumers("jobs", "jobs-group")):
            break
        time.sleep(0.05)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    survivors = [subprocess.Popen(me + [name, "ack"]) for name in ("w1", "w2")]
    for process in survivors:
        process.wait(timeout=600)
    seen = []
    for name in ("w1", "w2"):
        path = f"{out}/{name}"
        if os.path.exists(path):
            seen += [line for line in open(path).read().split("\n") if line]
    all_ids = {entry_id for entry_id, _ in r.xrange("jobs")}
    lost = len(all_ids - set(seen))
    print(json.dumps({"ok": lost == 0 and len(all_ids) == ENTRIES and r.xpending("jobs", "jobs-group")["pending"] == 0,
                      "processed": len(seen), "distinct": len(set(seen)), "lost": lost}))

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--worker":
        worker(sys.argv[3], sys.argv[4] == "ack")
    elif len(sys.argv) > 2 and sys.argv[2] == "--workers":
        workers()
    else:
        api()
