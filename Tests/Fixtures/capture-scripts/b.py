from lib import *
import signal
CN = FIX + '/cluster-nodes'
# single node + handshake
start(12200, 'single')
save(CN+'/single-node-empty.txt', nodes_raw(12200))
print(cmd(12200, 'CLUSTER', 'MEET', '127.0.0.1', '12999'))
save(CN+'/handshake.txt', nodes_raw(12200))
time.sleep(0.3)
save(CN+'/handshake-after-300ms.txt', nodes_raw(12200))

# cluster B
ports = list(range(12201, 12207))
for p in ports:
    extra = ['--cluster-node-timeout', '60000']
    if p == 12204: extra += ['--cluster-replica-no-failover', 'yes']
    start(p, 'B', extra=extra)
for p in ports[1:]: cmd(12201, 'CLUSTER', 'MEET', '127.0.0.1', p)
wait(lambda: all(f'cluster_known_nodes:6' in cmd(p,'CLUSTER','INFO')[1].decode() for p in ports) and
     all('handshake' not in nodes_raw(p).decode() for p in ports), 30, what='meet')
def addr(p, *a): r = cmd(p, 'CLUSTER', *a); assert r == ('+', b'OK'), (p, a, r)
addr(12201, 'ADDSLOTSRANGE', 0, 10, 20, 30, 5000, 5460)
addr(12201, 'ADDSLOTS', 12, 100, 16383)
addr(12202, 'ADDSLOTSRANGE', 13, 19, 31, 99, 101, 4999)
addr(12202, 'ADDSLOTS', 11)
addr(12203, 'ADDSLOTSRANGE', 5461, 16382)
ids = {p: myid(p) for p in ports}
time.sleep(1)
addr(12204, 'REPLICATE', ids[12201])
addr(12205, 'REPLICATE', ids[12202])
addr(12206, 'REPLICATE', ids[12203])
def ok():
    if not converged(ports): return False
    for p in (12204,12205,12206):
        if 'master_link_status:up' not in cmd(p,'INFO','replication')[1].decode(): return False
    return all('nofailover' in nodes_raw(p).decode() for p in ports)
wait(ok, 60, what='B converge')
time.sleep(1)
save(CN+'/ranges-fragmented.txt', nodes_raw(12201))
save(CN+'/nofailover.txt', nodes_raw(12204))
save(CN+'/nofailover-from-master.txt', nodes_raw(12201))
c = Conn('127.0.0.1', 12201)
save(FIX+'/resp/cluster-slots-fragmented.resp', c.cmd_raw('CLUSTER', 'SLOTS'))
c.cmd('HELLO', '3')
save(FIX+'/resp/cluster-shards-fragmented-resp3.resp', c.cmd_raw('CLUSTER', 'SHARDS'))
c.close()
for name, args in [('check-fragmented', ['--cluster','check','127.0.0.1:12201']), ('info-fragmented', ['--cluster','info','127.0.0.1:12201'])]:
    rc, out, err, dt = runcli(args); print(name, rc, err, dt); save(FIX+f'/redis-cli/{name}.txt', out)
    open(BASE+'/rc.txt','a').write(f'{name} {rc} {dt:.2f}s\n')
# kill replica 12206 with node-timeout 60000
pids = {int(l.split()[1]): int(l.split()[0]) for l in open(PIDS_FILE) if l.split()[2] == 'B'}
vid = ids[12206]
os.kill(pids[12206], signal.SIGKILL); t0 = time.time()
def line(): return [l for l in nodes_raw(12201).decode().splitlines() if l.startswith(vid)][0]
time.sleep(0.3)
save(CN+'/replica-killed-disconnected.txt', nodes_raw(12201))
wait(lambda: line().split()[4] != '0', 40, 0.05, 'ping sent')
print('ping_sent at', time.time()-t0, line())
time.sleep(3)
save(CN+'/replica-killed-ping-pending.txt', nodes_raw(12201))
print(line())
got = False
while time.time() - t0 < 100:
    l = line(); fl = l.split()[2]
    if 'fail?' in fl and not got:
        got = True; save(CN+'/pfail-replica.txt', nodes_raw(12201)); print('pfail at', time.time()-t0)
    if 'fail' in fl.split(','):
        print('fail at', time.time()-t0); save(CN+'/failed-replica.txt', nodes_raw(12201)); break
    time.sleep(0.02)
