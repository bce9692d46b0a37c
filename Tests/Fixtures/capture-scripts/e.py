from lib import *
ports = [12401, 12402, 12403]
for p in ports: start(p, 'E', host='::1', extra=['--cluster-node-timeout', '5000'])
for p in ports[1:]: print(cmd(12401, 'CLUSTER', 'MEET', '::1', p, host='::1'))
cmd(12401, 'CLUSTER', 'ADDSLOTSRANGE', 0, 5460, host='::1')
cmd(12402, 'CLUSTER', 'ADDSLOTSRANGE', 5461, 10922, host='::1')
cmd(12403, 'CLUSTER', 'ADDSLOTSRANGE', 10923, 16383, host='::1')
def ok():
    for p in ports:
        if 'cluster_state:ok' not in cmd(p,'CLUSTER','INFO',host='::1')[1].decode(): return False
        t = nodes_raw(p, host='::1').decode()
        if 'handshake' in t or t.count('\n') != 3 or t.count(' connected') != 3: return False
    return True
wait(ok, 30, what='E')
time.sleep(1)
save(FIX+'/cluster-nodes/ipv6.txt', nodes_raw(12401, host='::1'))
kb = next(f'k{i}' for i in range(10000) if 5461 <= keyslot(f'k{i}') <= 10922)
c = Conn('::1', 12401)
save(FIX+'/resp/moved-ipv6.resp', c.cmd_raw('GET', kb))
save(FIX+'/resp/cluster-slots-ipv6.resp', c.cmd_raw('CLUSTER', 'SLOTS'))
c.close()
log = [('moved-ipv6.resp', 'MOVED from [::1]:12401 (IPv6 cluster)', enc('GET', kb).decode()),
       ('cluster-slots-ipv6.resp', 'CLUSTER SLOTS on [::1]:12401', enc('CLUSTER','SLOTS').decode())]
json.dump(log, open(BASE+'/resp-log-e.json','w'))
for name, args in [('check-ipv6', ['--cluster','check','::1:12401'])]:
    rc, out, err, dt = runcli(args); print(name, rc, err, dt); save(FIX+f'/redis-cli/{name}.txt', out)
    open(BASE+'/rc.txt','a').write(f'{name} {rc} {dt:.2f}s stderr={err!r}\n')
