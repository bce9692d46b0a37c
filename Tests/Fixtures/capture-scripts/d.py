from lib import *
CN = FIX + '/cluster-nodes'; R = FIX + '/resp'
nodes = [('127.0.0.1', 12301, 'node-a.example'), ('127.0.0.2', 12302, 'node-b.example'),
         ('127.0.0.3', 12303, None), ('127.0.0.1', 12304, 'node-d.example')]
for h, p, hn in nodes:
    extra = ['--cluster-node-timeout', '5000', '--cluster-announce-ip', h]
    if hn: extra += ['--cluster-announce-hostname', hn]
    start(p, 'D', host=h, extra=extra)
C = lambda p, *a: cmd(p, *a, host=[n[0] for n in nodes if n[1]==p][0])
for h, p, hn in nodes[1:]: print(C(12301, 'CLUSTER', 'MEET', h, p))
C(12301, 'CLUSTER', 'ADDSLOTSRANGE', 0, 5460)
C(12302, 'CLUSTER', 'ADDSLOTSRANGE', 5461, 10922)
C(12303, 'CLUSTER', 'ADDSLOTSRANGE', 10923, 16383)
wait(lambda: all('cluster_known_nodes:4' in C(p,'CLUSTER','INFO')[1].decode() for h,p,_ in nodes), 30, what='meet')
time.sleep(1)
print(C(12304, 'CLUSTER', 'REPLICATE', C(12301, 'CLUSTER', 'MYID')[1].decode()))
def ok():
    for h, p, _ in nodes:
        if 'cluster_state:ok' not in C(p,'CLUSTER','INFO')[1].decode(): return False
        t = nodes_raw(p, host=h).decode()
        if 'handshake' in t or t.count('node-') != 3 or t.count(' slave ') + t.count('myself,slave ') != 1: return False
    return 'master_link_status:up' in C(12304,'INFO','replication')[1].decode()
wait(ok, 30, what='converge')
time.sleep(1)
save(CN+'/hostname.txt', nodes_raw(12301, host='127.0.0.1'))
save(CN+'/hostname-from-node-without-hostname.txt', nodes_raw(12303, host='127.0.0.3'))
save(CN+'/hostname-from-replica.txt', nodes_raw(12304, host='127.0.0.1'))
log = []
def cap(fname, args, note, resp3=False, host='127.0.0.1', port=12301):
    c = Conn(host, port)
    if resp3: c.cmd('HELLO', '3')
    raw = c.cmd_raw(*args); c.close(); save(f'{R}/{fname}', raw)
    log.append((fname, note + (' (after HELLO 3)' if resp3 else ''), enc(*args).decode('latin1')))
m = slot_owner_map_h = None
kb = next(f'k{i}' for i in range(10000) if 5461 <= keyslot(f'k{i}') <= 10922)
kc = next(f'k{i}' for i in range(10000) if keyslot(f'k{i}') >= 10923)
cap('cluster-slots-hostname-ip-endpoint.resp', ['CLUSTER', 'SLOTS'], 'node 127.0.0.1:12301 with cluster-announce-hostname, cluster-preferred-endpoint-type ip (default)')
cap('cluster-shards-hostname-resp3.resp', ['CLUSTER', 'SHARDS'], 'hostname cluster', resp3=True)
cap('moved-ip-endpoint-hostname-cluster.resp', ['GET', kb], 'MOVED with preferred-endpoint-type ip')
print(C(12301, 'CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'hostname'))
cap('cluster-slots-hostname-endpoint.resp', ['CLUSTER', 'SLOTS'], 'after CONFIG SET cluster-preferred-endpoint-type hostname on 12301')
cap('cluster-slots-hostname-endpoint-resp3.resp', ['CLUSTER', 'SLOTS'], 'same, RESP3', resp3=True)
cap('moved-hostname.resp', ['GET', kb], 'MOVED to node-b.example (preferred-endpoint-type hostname)')
cap('moved-unknown-endpoint.resp', ['GET', kc], 'MOVED to node 127.0.0.3:12303 which has NO hostname while preferred-endpoint-type hostname')
cap('hello3-cluster.resp', ['HELLO', '3'], 'HELLO 3 on a cluster node')
print(C(12301, 'CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'unknown-endpoint'))
cap('cluster-slots-unknown-endpoint.resp', ['CLUSTER', 'SLOTS'], 'after CONFIG SET cluster-preferred-endpoint-type unknown-endpoint')
cap('moved-unknown-endpoint-type.resp', ['GET', kb], 'MOVED with preferred-endpoint-type unknown-endpoint')
print(C(12301, 'CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'ip'))
json.dump(log, open(BASE+'/resp-log-d.json','w'))
for name, args in [('check-hostname', ['--cluster','check','127.0.0.1:12301'])]:
    rc, out, err, dt = runcli(args); print(name, rc, err, dt); save(FIX+f'/redis-cli/{name}.txt', out)
    open(BASE+'/rc.txt','a').write(f'{name} {rc} {dt:.2f}s\n')
