#!/usr/bin/env python3
"""Scripts that real applications run, through redis-py's RedisCluster.

Usage: scripting_client_check.py PORT   (any node of a cluster)

Prints one JSON line: {"ok": true} or {"ok": false, "failures": [...]}.
The same checks run against redis-server as the control.
"""
import json
import sys
import time

import redis
from redis.cluster import RedisCluster
from redis.exceptions import LockError, ResponseError

failures = []


def check(name, condition, detail=""):
    if not condition:
        failures.append(f"{name}: {detail}")


port = int(sys.argv[1])
client = RedisCluster(host="127.0.0.1", port=port, decode_responses=True)

# redis-py's Lock: acquire, extend, reacquire and release are Lua scripts (EVALSHA).
lock = client.lock("resource:lock", timeout=5, blocking_timeout=1)
check("lock acquire", lock.acquire())
check("lock owned", lock.owned())
other = client.lock("resource:lock", timeout=5, blocking_timeout=0.2)
check("second lock refused", not other.acquire())
check("lock extend", lock.extend(5))
ttl = client.pttl("resource:lock")
check("extend added time", 5000 < ttl <= 10000, ttl)
check("lock reacquire", lock.reacquire())
check("reacquire reset time", 0 < client.pttl("resource:lock") <= 5000)
lock.release()
check("lock released", client.get("resource:lock") is None)
try:
    lock.release()
    check("release twice refused", False, "no error")
except LockError:
    pass

# redis.Script objects: EVALSHA, and EVAL again after NOSCRIPT (a flushed cache).
script = client.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
check("script first", script(keys=["counter{s}"], args=[5]) == 5)
for node in client.get_primaries():
    client.get_redis_connection(node).script_flush()
check("script after flush", script(keys=["counter{s}"], args=[2]) == 7)

# Sidekiq's scheduler: pop the due jobs of a sorted set by score (ZPOPBYSCORE).
zpopbyscore = client.register_script("""
local key, now = KEYS[1], ARGV[1]
local jobs = redis.call("zrangebyscore", key, "-inf", now, "limit", 0, 1)
if jobs[1] then
  redis.call("zrem", key, jobs[1])
  return jobs[1]
end
""")
client.zadd("schedule", {"job-a": 10, "job-b": 20, "job-c": 999999})
due = [zpopbyscore(keys=["schedule"], args=[100]) for _ in range(3)]
check("zpopbyscore", due == ["job-a", "job-b", None], due)

# A BullMQ-style script: options packed with cmsgpack, events as JSON.
add_job = client.register_script("""
local opts = cmsgpack.unpack(ARGV[2])
local id = redis.call("incr", KEYS[1] .. ":id")
local jobKey = KEYS[1] .. ":" .. id
redis.call("hset", jobKey, "name", ARGV[1], "opts", cjson.encode(opts), "attempts", opts["attempts"])
redis.call("rpush", KEYS[1] .. ":wait", id)
return {id, cjson.encode({event = "added", jobId = tostring(id), name = ARGV[1]})}
""")
opts = bytes([0x82, 0xa8]) + b"attempts" + bytes([0x03, 0xa5]) + b"delay" + bytes([0xcd, 0x03, 0xe8])
result = add_job(keys=["{queue}"], args=["email", opts])
check("bullmq add id", result[0] == 1, result)
event = json.loads(result[1])
check("bullmq event", event == {"event": "added", "jobId": "1", "name": "email"}, result[1])
stored = json.loads(client.hget("{queue}:1", "opts"))
check("bullmq opts", stored == {"attempts": 3, "delay": 1000}, stored)

# A GCRA rate limiter in the style of go-redis/redis_rate: float maths, replicate_commands.
gcra = client.register_script("""
redis.replicate_commands()
local rate_limit_key = KEYS[1]
local burst = ARGV[1]
local rate = ARGV[2]
local period = ARGV[3]
local cost = tonumber(ARGV[4])
local emission_interval = period / rate
local increment = emission_interval * cost
local burst_offset = emission_interval * burst
local jan_1_2017 = 1483228800
local now = redis.call("TIME")
now = (now[1] - jan_1_2017) + (now[2] / 1000000)
local tat = redis.call("GET", rate_limit_key)
if not tat then tat = now else tat = tonumber(tat) end
tat = math.max(tat, now)
local new_tat = tat + increment
local allow_at = new_tat - burst_offset
local diff = now - allow_at
local remaining = diff / emission_interval
if remaining < 0 then
  return {0, 0, tostring(-diff), tostring(tat - now)}
end
local reset_after = new_tat - now
if reset_after > 0 then
  redis.call("SET", rate_limit_key, new_tat, "EX", math.ceil(reset_after))
end
return {cost, remaining, tostring(-1), tostring(reset_after)}
""")
allowed = [gcra(keys=["rate:user"], args=[3, 10, 1, 1])[0] for _ in range(6)]
check("gcra allows the burst then refuses", allowed[:3] == [1, 1, 1] and 0 in allowed[3:], allowed)

# A script touching an undeclared key that another master serves is refused
# ({a} hashes to slot 15495, {b} to 3300: the first and the third master of three).
try:
    client.eval("return redis.call('get', KEYS[1]) .. redis.call('get', '{b}y')", 1, "{a}x")
    check("undeclared key of another slot", False, "no error")
except ResponseError as error:
    check("undeclared key error", "non local key" in str(error) or "same slot" in str(error), str(error))

print(json.dumps({"ok": not failures, "failures": failures}))
sys.exit(0 if not failures else 1)
