from lib import *
assert keyslot('foo') == 12182 and keyslot('{user1000}.following') == keyslot('user1000')
save(FIX+'/cluster-nodes/healthy-6-nodes.txt', nodes_raw(12001))
# replica of 12001
for p in range(12002, 12007):
    if 'role:slave' in cmd(p,'INFO','replication')[1].decode(): rep = p; break
print('replica', rep)
save(FIX+'/cluster-nodes/healthy-6-nodes-from-replica.txt', nodes_raw(rep))
# create output
save(FIX+'/redis-cli/create.txt', open(BASE+'/A/create.out','rb').read())
rc, out, err, dt = runcli(['--cluster', 'check', '127.0.0.1:12001'])
print('check-healthy rc', rc, err, dt)
save(FIX+'/redis-cli/check-healthy.txt', out)
# 1000 keys
m = slot_owner_map(12001)
conns = {}
for i in range(1000):
    k = f'key:{i}'; p = m[keyslot(k)]
    c = conns.setdefault(p, Conn('127.0.0.1', p))
    c.send_raw(enc('SET', k, f'value-{i}'))
    assert c.read_raw(1)[1][0] == ('+', b'OK')
for c in conns.values(): c.close()
print({p: cmd(p,'DBSIZE') for p in range(12001,12007)})
time.sleep(1)
rc, out, err, dt = runcli(['--cluster', 'info', '127.0.0.1:12001'])
print('info rc', rc, err, dt); save(FIX+'/redis-cli/info-healthy.txt', out)
rc, out, err, dt = runcli(['--cluster', 'call', '127.0.0.1:12001', 'DBSIZE'])
print('call rc', rc, err, dt); save(FIX+'/redis-cli/call-dbsize.txt', out)
rc, out, err, dt = runcli(['--cluster', 'check', '127.0.0.1:12001'])
print('check-healthy-with-keys rc', rc, err, dt); save(FIX+'/redis-cli/check-healthy-with-keys.txt', out)
