#!/usr/bin/env python3
"""Writes, or verifies, keys of every type across all slots of a cluster
through redis-py's RedisCluster: strings (short, integer, long), lists,
sets (integers and words), hashes, sorted sets and streams (with a consumer
group holding a pending entry), small and large enough
to take both encodings, some with a TTL. Each key's content follows from
its number, so `verify` knows what every key must hold. Prints a JSON line:
{"written"|"verified": n, "wrong": [...]}; exits 1 if anything is wrong."""
import json, sys
from redis.cluster import RedisCluster, ClusterNode

mode, startup, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = startup.rsplit(":", 1)
client = RedisCluster(startup_nodes=[ClusterNode(host, int(port))], decode_responses=True,
                      socket_timeout=10, cluster_error_retry_attempts=10)

def content(i):
    kind = i % 6
    size = 3 + (i % 7) * (40 if i % 5 == 0 else 1)   # some past the listpack limits
    if kind == 0: return 'string', (str(i) if i % 3 == 0 else f'value-{i}-' + 'x' * (i % 90))
    if kind == 1: return 'list', [f'e{i}-{j}' for j in range(size)]
    if kind == 2: return 'set', sorted({str(j * 7) if i % 2 else f'm{j}' for j in range(size)})
    if kind == 3: return 'hash', {f'f{j}': f'v{i}-{j}' + ('y' * 70 if i % 11 == 0 else '') for j in range(size)}
    if kind == 4: return 'zset', {f'z{j}': j * 0.5 - i % 3 for j in range(size)}
    if i % 2:  # a stream; now and then one of several nodes (100 entries each)
        return 'stream', [(f'{j + 1}-{j % 3}', {'f': f'v{i}-{j}', 'n': str(j)}) for j in range(150 if i % 25 == 11 else 3 + i % 7)]
    return 'string', 'w' * (i % 300)

wrong = []
for i in range(count):
    key = f'typed:{i}'
    kind, value = content(i)
    if mode == 'write':
        client.delete(key)
        if kind == 'string': client.set(key, value)
        elif kind == 'list': client.rpush(key, *value)
        elif kind == 'set': client.sadd(key, *value)
        elif kind == 'hash': client.hset(key, mapping=value)
        elif kind == 'zset': client.zadd(key, value)
        elif kind == 'stream':
            pipe = client.pipeline()
            for entry_id, fields in value: pipe.xadd(key, fields, id=entry_id)
            pipe.execute()
            client.xgroup_create(key, 'g', id='0')
            client.xreadgroup('g', 'c', {key: '>'}, count=1)
        if i % 10 == 0: client.expire(key, 3600)
        continue
    if kind == 'string': got = client.get(key)
    elif kind == 'list': got = client.lrange(key, 0, -1)
    elif kind == 'set': got = sorted(client.smembers(key))
    elif kind == 'hash': got = client.hgetall(key)
    elif kind == 'zset': got = dict(client.zrange(key, 0, -1, withscores=True))
    else:
        got = [tuple(entry) for entry in client.xrange(key)]
        value = [tuple(entry) for entry in value]
        if client.xpending(key, 'g')['pending'] != 1: got = None
    if got != value or (i % 10 == 0 and client.ttl(key) <= 0):
        wrong.append(key)
print(json.dumps({('written' if mode == 'write' else 'verified'): count, 'wrong': wrong[:20]}))
sys.exit(1 if wrong else 0)
