#!/usr/bin/env python3
"""Captures DUMP payloads from a real redis-server 7.0.15 for the RDB tests:
one key per type and encoding (strings raw/int/LZF-compressed, lists in one
and in several quicklist nodes, intset and hashtable sets, listpack and
hashtable hashes, listpack and skiplist sorted sets), saved as
Tests/Fixtures/dump/<name>.bin, with what each holds in <name>.json.
Loopback only. Run from the repository root."""
import json, os, socket, subprocess, tempfile, time

OUT = os.path.join(os.path.dirname(__file__), '..', 'dump')
PORT = 12301

def resp(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out

class Conn:
    def __init__(self):
        self.s = socket.create_connection(('127.0.0.1', PORT)); self.buf = b''
    def read_line(self):
        while b'\r\n' not in self.buf: self.buf += self.s.recv(65536)
        line, self.buf = self.buf.split(b'\r\n', 1); return line
    def read_exact(self, n):
        while len(self.buf) < n: self.buf += self.s.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n:]; return data
    def cmd(self, *args):
        self.s.sendall(resp(*args)); line = self.read_line()
        if line[:1] == b'$':
            n = int(line[1:]); return None if n < 0 else self.read_exact(n + 2)[:-2]
        if line[:1] == b'-': raise RuntimeError(line)
        return line

d = tempfile.mkdtemp(prefix='rcluster-capture-dump-')
subprocess.run(['redis-server', '--port', str(PORT), '--save', '', '--dir', d, '--daemonize', 'yes', '--logfile', 'redis.log'], check=True)
time.sleep(0.3)
c = Conn()
hexs = lambda b: b.hex()
cases = {}
try:
    cases['string-raw'] = ('string', 'raw', [b'bar'])
    cases['string-int'] = ('string', 'int', [b'10'])
    cases['string-negative-int'] = ('string', 'int', [b'-123456789'])
    cases['string-lzf'] = ('string', 'raw', [b'abcabcabcabcabcabcabcabcabcabcabcabcabcabc' * 3])
    cases['string-binary'] = ('string', 'raw', [bytes(range(256))])
    cases['list-small'] = ('list', 'quicklist', [b'a', b'1', b'-5000', b'hello world', b'9223372036854775807'])
    cases['list-nodes'] = ('list', 'quicklist', [b'element-%05d-' % i + b'x' * 40 for i in range(600)])
    cases['set-intset'] = ('set', 'intset', [b'1', b'-2', b'70000', b'4294967296'])
    cases['set-hashtable'] = ('set', 'hashtable', [b'member-%d' % i for i in range(20)])
    cases['hash-listpack'] = ('hash', 'listpack', [b'a', b'1', b'field', b'value', b'n', b'-70000'])
    cases['hash-hashtable'] = ('hash', 'hashtable', sum([[b'f%d' % i, b'v' * 70] for i in range(5)], []))
    cases['zset-listpack'] = ('zset', 'listpack', [b'a', b'1', b'b', b'1.5', b'c', b'-2', b'd', b'1.1000000000000001', b'e', b'inf'])
    cases['zset-skiplist'] = ('zset', 'skiplist', sum([[b'm%03d' % i, str(i * 0.5).encode()] for i in range(200)], []))
    for name, (kind, encoding, items) in cases.items():
        key = 'k:' + name
        if kind == 'string': c.cmd('SET', key, items[0])
        elif kind == 'list': c.cmd('RPUSH', key, *items)
        elif kind == 'set': c.cmd('SADD', key, *items)
        elif kind == 'hash': c.cmd('HSET', key, *items)
        elif kind == 'zset': c.cmd('ZADD', key, *sum([[items[i + 1], items[i]] for i in range(0, len(items), 2)], []))
        got = c.cmd('OBJECT', 'ENCODING', key).decode()
        expected = {'raw': ('raw', 'embstr')}.get(encoding, (encoding,))
        assert got in expected, (name, got)
        open(os.path.join(OUT, name + '.bin'), 'wb').write(c.cmd('DUMP', key))
        json.dump({'type': kind, 'encoding': got, 'items': [hexs(i) for i in items]}, open(os.path.join(OUT, name + '.json'), 'w'))
finally:
    c.cmd('SHUTDOWN', 'NOSAVE') if False else subprocess.run(['redis-cli', '-p', str(PORT), 'SHUTDOWN', 'NOSAVE'])
print(sorted(cases))
