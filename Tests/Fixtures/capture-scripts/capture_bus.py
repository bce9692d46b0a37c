#!/usr/bin/env python3
"""Captures real redis-server 7.0.15 cluster bus messages for the ClusterBus
codec tests: node A announces a logging TCP proxy as its bus port, so
every message on B's links to A (B -> A) and the answers (A -> B) are saved
whole, one file per message, in Tests/Fixtures/bus/. Loopback only.
Run from the repository root: python3 Tests/Fixtures/capture-scripts/capture_bus.py"""
import os, socket, struct, subprocess, tempfile, threading, time

OUT = os.path.join(os.path.dirname(__file__), '..', 'bus')
A, B, PROXY = 12101, 12102, 12250
TYPES = {0: 'ping', 1: 'pong', 2: 'meet', 3: 'fail', 4: 'publish', 7: 'update', 10: 'publishshard'}

def start(port, extra):
    d = tempfile.mkdtemp(prefix=f'rcluster-capture-{port}-')
    subprocess.run(['redis-server', '--port', str(port), '--cluster-enabled', 'yes', '--save', '', '--dir', d,
                    '--daemonize', 'yes', '--logfile', 'redis.log', '--cluster-node-timeout', '3000'] + extra, check=True)
    time.sleep(0.3)

def cmd(port, *args):
    return subprocess.run(['redis-cli', '-p', str(port)] + list(args), capture_output=True, text=True).stdout.strip()

captured = []
def pump(src, dst, direction):
    buf = b''
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            return
        if not data:
            return
        dst.sendall(data)
        buf += data
        while len(buf) >= 8:
            total = struct.unpack('>I', buf[4:8])[0]
            if len(buf) < total:
                break
            captured.append((direction, buf[:total]))
            buf = buf[total:]

def proxy():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', PROXY)); listener.listen(4)
    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection(('127.0.0.1', A + 10000))
        threading.Thread(target=pump, args=(client, upstream, 'b-to-a'), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, 'a-to-b'), daemon=True).start()

start(A, ['--cluster-announce-hostname', 'alpha.example', '--cluster-announce-bus-port', str(PROXY)])
start(B, [])
threading.Thread(target=proxy, daemon=True).start()
try:
    cmd(A, 'CLUSTER', 'ADDSLOTSRANGE', '0', '8191')
    cmd(B, 'CLUSTER', 'ADDSLOTSRANGE', '8192', '16383')
    cmd(B, 'CLUSTER', 'MEET', '127.0.0.1', str(A), str(PROXY))
    time.sleep(4)
    cmd(B, 'PUBLISH', 'news', 'hello from b')
    cmd(B, 'SPUBLISH', 'shard-news', 'x')
    time.sleep(1)
    ids = {'a': cmd(A, 'CLUSTER', 'MYID'), 'b': cmd(B, 'CLUSTER', 'MYID')}
finally:
    cmd(A, 'SHUTDOWN', 'NOSAVE'); cmd(B, 'SHUTDOWN', 'NOSAVE')

seen = {}
for direction, message in captured:
    kind = TYPES.get(struct.unpack('>H', message[12:14])[0], 'other')
    key = f'{direction}-{kind}'
    seen[key] = seen.get(key, 0) + 1
    if seen[key] <= 2:
        open(os.path.join(OUT, f'{key}-{seen[key]}.bin'), 'wb').write(message)
open(os.path.join(OUT, 'ids.txt'), 'w').write(f"a {ids['a']}\nb {ids['b']}\n")
print(seen)
