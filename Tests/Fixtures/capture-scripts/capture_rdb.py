#!/usr/bin/env python3
"""Captures whole RDB files (dump.rdb after SAVE) from real servers for the
RDB file reader's tests: the same small dataset of every type and encoding,
a key with a TTL and a key in database 2, saved by redis-server 7.0.15
(RDB version 10) and 6.2.14 (version 9), and one file with a stream (a type
the engine does not hold). Writes Tests/Fixtures/rdb/*.rdb. Loopback only.
Usage, from the repository root:
  python3 Tests/Fixtures/capture-scripts/capture_rdb.py [redis-6.2 server binary]"""
import os, shutil, subprocess, sys, tempfile, time
import redis

OUT = os.path.join(os.path.dirname(__file__), '..', 'rdb')
SERVERS = [('redis-7.0.15', 'redis-server'),
           ('redis-6.2.14', sys.argv[1] if len(sys.argv) > 1 else '.build/test-servers/redis-6.2/redis-server')]

def dataset(r):
    r.set('s', 'hello')
    r.set('n', 12345)
    r.set('big', 'a' * 2000)                      # LZF-compressed on disk
    r.rpush('list', 'a', 'b', 'c')
    r.sadd('ints', 1, 2, 3)                        # intset
    r.sadd('words', *[f'w{i}' for i in range(200)])  # hashtable
    r.hset('hash', mapping={'f1': 'v1', 'f2': 'v2'})  # listpack / ziplist
    r.zadd('zsmall', {'a': 1, 'b': 2.5})          # listpack / ziplist
    r.zadd('zbig', {f'm{i}': i / 4 for i in range(200)})  # skiplist
    r.set('ttl', 'x')
    r.pexpireat('ttl', 4102444800000)              # 2100-01-01
    r.select(2)
    r.set('other', 'db2')

def capture(name, binary, fill):
    folder = tempfile.mkdtemp()
    port = 12411
    server = subprocess.Popen([binary, '--port', str(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '',
                               '--appendonly', 'no'], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                r = redis.Redis(port=port); r.ping(); break
            except redis.ConnectionError:
                time.sleep(0.05)
        fill(r)
        r.save()
        shutil.copy(os.path.join(folder, 'dump.rdb'), os.path.join(OUT, name + '.rdb'))
    finally:
        server.kill(); server.wait(); shutil.rmtree(folder)

os.makedirs(OUT, exist_ok=True)
for name, binary in SERVERS:
    capture(name, binary, dataset)
capture('redis-7.0.15-stream', 'redis-server', lambda r: (r.set('before', '1'), r.xadd('events', {'k': 'v'})))
print('\n'.join(sorted(os.listdir(OUT))))
