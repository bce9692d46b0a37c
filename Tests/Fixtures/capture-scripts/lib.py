import socket, subprocess, os, time, shutil, signal, json

BASE = '/tmp/fixture-capture'
PIDS_FILE = BASE + '/pids.txt'

def enc(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        if isinstance(a, str): a = a.encode()
        elif isinstance(a, int): a = str(a).encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out

class Conn:
    def __init__(self, host='127.0.0.1', port=12000):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect((host, port))
        self.buf = b''
    def fill(self):
        d = self.s.recv(1 << 20)
        if not d: raise EOFError
        self.buf += d
    def _line(self, pos):
        while True:
            i = self.buf.find(b'\r\n', pos)
            if i >= 0: return i
            self.fill()
    def _need(self, n):
        while len(self.buf) < n: self.fill()
    def _parse(self, pos):
        """returns (value, endpos); value is python repr-ish"""
        self._need(pos + 1)
        t = self.buf[pos:pos+1]
        e = self._line(pos)
        line = self.buf[pos+1:e]
        nxt = e + 2
        if t in b'+-:,#_(':
            return (t.decode(), line), nxt
        if t in b'$=!':
            n = int(line)
            if n < 0: return (t.decode(), None), nxt
            self._need(nxt + n + 2)
            return (t.decode(), self.buf[nxt:nxt+n]), nxt + n + 2
        if t in b'*~>%|':
            n = int(line)
            if n < 0: return (t.decode(), None), nxt
            if t in b'%|': n *= 2
            items = []
            p = nxt
            for _ in range(n):
                v, p = self._parse(p)
                items.append(v)
            if t == b'|':  # attribute, followed by actual value
                v, p = self._parse(p)
                return ('|', items, v), p
            return (t.decode(), items), p
        raise ValueError('bad type %r at %d: %r' % (t, pos, self.buf[pos:pos+40]))
    def read_raw(self, n=1):
        """read n complete replies; return (raw bytes, parsed list)"""
        p = 0; vals = []
        for _ in range(n):
            v, p = self._parse(p); vals.append(v)
        raw = self.buf[:p]; self.buf = self.buf[p:]
        return raw, vals
    def send_raw(self, data):
        self.s.sendall(data)
    def cmd_raw(self, *args):
        self.send_raw(enc(*args)); return self.read_raw(1)[0]
    def cmd(self, *args):
        self.send_raw(enc(*args)); return self.read_raw(1)[1][0]
    def close(self): self.s.close()

def cmd(port, *args, host='127.0.0.1'):
    c = Conn(host, port); v = c.cmd(*args); c.close(); return v

def nodes_raw(port, host='127.0.0.1'):
    v = cmd(port, 'CLUSTER', 'NODES', host=host)
    assert v[0] == '$', v
    return v[1]

def start(port, name, host='127.0.0.1', extra=None, cluster=True):
    d = f'{BASE}/{name}/{port}'
    shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
    args = ['redis-server', '--port', str(port), '--bind', host, '--dir', d,
            '--save', '', '--appendonly', 'no', '--daemonize', 'no',
            '--logfile', d + '/redis.log', '--protected-mode', 'no']
    if cluster:
        args += ['--cluster-enabled', 'yes', '--cluster-config-file', d + '/nodes.conf']
    args += extra or []
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with open(PIDS_FILE, 'a') as f: f.write(f'{p.pid} {port} {name}\n')
    for _ in range(100):
        try:
            if cmd(port, 'PING', host=host) == ('+', b'PONG'): return p
        except Exception: time.sleep(0.05)
    raise RuntimeError('no start %d' % port)

def myid(port, host='127.0.0.1'):
    return cmd(port, 'CLUSTER', 'MYID', host=host)[1].decode()

def wait(pred, timeout=30, step=0.2, what=''):
    t = time.time()
    while time.time() - t < timeout:
        try:
            if pred(): return True
        except Exception as e: pass
        time.sleep(step)
    raise TimeoutError(what)

def converged(ports, n=None):
    n = n or len(ports)
    for p in ports:
        info = cmd(p, 'CLUSTER', 'INFO')[1].decode()
        if 'cluster_state:ok' not in info: return False
        if f'cluster_known_nodes:{n}' not in info: return False
        nodes = nodes_raw(p).decode()
        for l in nodes.splitlines():
            f = l.split()
            fl = f[2].split(',')
            if 'handshake' in fl or 'fail' in fl or 'fail?' in fl or 'noaddr' in fl: return False
            if f[7] != 'connected': return False
    # all agree on config
    eps = set(cmd(p,'CLUSTER','INFO')[1].decode().split('cluster_current_epoch:')[1].split()[0] for p in ports)
    return len(eps) == 1

def save(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f: f.write(data)
    print('saved', path, len(data))

FIX = '/work/main/Tests/Fixtures'

def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xffff
    return crc

def keyslot(key):
    if isinstance(key, str): key = key.encode()
    s = key.find(b'{')
    if s >= 0:
        e = key.find(b'}', s + 1)
        if e > s + 1: key = key[s+1:e]
    return crc16(key) % 16384

def slot_owner_map(port):
    v = cmd(port, 'CLUSTER', 'SLOTS')[1]
    m = {}
    for r in v:
        a, b = int(r[1][0][1]), int(r[1][1][1])
        mp = int(r[1][2][1][1][1])
        for s in range(a, b+1): m[s] = mp
    return m

def runcli(args, timeout=120):
    t = time.time()
    try:
        r = subprocess.run(['redis-cli'] + args, capture_output=True, timeout=timeout, env=dict(os.environ, TERM='dumb'))
        return r.returncode, r.stdout, r.stderr, time.time() - t
    except subprocess.TimeoutExpired as e:
        return 'TIMEOUT', e.stdout or b'', e.stderr or b'', time.time() - t
