#!/usr/bin/env python3
"""redis-py against a node (rcluster server or redis-server): the calls an
application makes, in RESP2 and RESP3, with pipelines, transactions,
pub/sub and blocking pops. Prints one JSON line: {"ok": true} or the failures.

Usage: engine_client_check.py PORT
"""
import json, sys, threading, time
import redis

def check(port, protocol):
    failures = []
    def expect(what, got, want):
        if got != want:
            failures.append(f"RESP{protocol} {what}: got {got!r}, want {want!r}")
    r = redis.Redis(port=port, protocol=protocol, decode_responses=True)
    r.flushall()
    expect("set", r.set("k", "v", ex=100), True)
    expect("get", r.get("k"), "v")
    expect("incr", r.incrby("n", 5), 5)
    expect("incrbyfloat", r.incrbyfloat("f", 1.5), 1.5)
    expect("mget", r.mget("k", "missing"), ["v", None])
    expect("hset", r.hset("h", mapping={"a": "1", "b": "2"}), 2)
    expect("hgetall", r.hgetall("h"), {"a": "1", "b": "2"})
    expect("rpush", r.rpush("l", "x", "y", "z"), 3)
    expect("lrange", r.lrange("l", 0, -1), ["x", "y", "z"])
    expect("sadd", r.sadd("s", "1", "2"), 2)
    expect("smembers", r.smembers("s"), {"1", "2"})
    expect("zadd", r.zadd("z", {"a": 1, "b": 2.5}), 2)
    expect("zrange withscores", [tuple(pair) for pair in r.zrange("z", 0, -1, withscores=True)], [("a", 1.0), ("b", 2.5)])
    expect("zscore", r.zscore("z", "b"), 2.5)
    expect("pfadd", r.pfadd("hll", "a", "b", "c"), 1)
    expect("pfcount", r.pfcount("hll"), 3)
    expect("ttl", 0 < r.ttl("k") <= 100, True)
    expect("scan_iter", sorted(r.scan_iter(match="*")), sorted(["k", "n", "f", "h", "l", "s", "z", "hll"]))
    pipe = r.pipeline(transaction=True)
    pipe.set("p", "1").incr("p").get("p")
    expect("multi/exec pipeline", pipe.execute(), [True, 2, "2"])
    with r.pipeline(transaction=True) as watched:
        watched.watch("w")
        r.set("w", "changed")  # another client's write
        watched.multi()
        watched.set("w", "mine")
        try:
            watched.execute()
            failures.append(f"RESP{protocol} watch: EXEC ran although the key changed")
        except redis.WatchError:
            pass
    expect("info", r.info("server")["redis_version"], "7.0.15")
    expect("client setname", r.client_setname("checker"), True)
    expect("client getname", r.client_getname(), "checker")
    expect("config get", r.config_get("maxmemory-policy"), {"maxmemory-policy": "noeviction"})
    try:
        r.lpush("k", "x")
        failures.append(f"RESP{protocol} wrongtype: no error")
    except redis.ResponseError as error:
        expect("wrongtype", str(error).startswith("WRONGTYPE"), True)
    # Pub/sub across two connections.
    p = r.pubsub()
    p.subscribe("news")
    deadline = time.time() + 5
    while time.time() < deadline and p.get_message(timeout=0.1) is None:
        pass
    expect("publish", r.publish("news", "hello"), 1)
    message = None
    while time.time() < deadline and message is None:
        message = p.get_message(timeout=0.1)
    expect("message", message and message["data"], "hello")
    p.close()
    # A blocking pop woken by another client.
    result = {}
    def waiter():
        result["value"] = redis.Redis(port=port, protocol=protocol, decode_responses=True).blpop("queue", timeout=5)
    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.2)
    r.rpush("queue", "job")
    thread.join()
    expect("blpop", result.get("value"), ("queue", "job") if protocol == 2 else ["queue", "job"])
    return failures

port = int(sys.argv[1])
failures = check(port, 2) + check(port, 3)
print(json.dumps({"ok": not failures, "failures": failures}))
