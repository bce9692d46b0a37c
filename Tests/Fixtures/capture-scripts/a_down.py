from lib import *
import signal
pids = {int(l.split()[1]): int(l.split()[0]) for l in open(PIDS_FILE) if l.split()[2] == 'A'}
victim = 12003
vid = myid(victim)
os.kill(pids[victim], signal.SIGKILL); t0 = time.time()
time.sleep(0.1)
rc, out, err, dt = runcli(['--cluster', 'check', '127.0.0.1:12001'])
print('check immediately rc', rc, err, dt); save(FIX+'/redis-cli/check-node-down.txt', out)
if err: save(FIX+'/redis-cli/check-node-down.stderr.txt', err)
open(BASE+'/rc.txt','a').write(f'check-node-down(immediate, SIGKILL master {victim}) {rc} {dt:.2f}s\n')
rc, out, err, dt = runcli(['--cluster', 'check', f'127.0.0.1:{victim}'])
print('check against dead node rc', rc, out, err, dt); save(FIX+'/redis-cli/check-dead-entry-node.txt', out+err)
open(BASE+'/rc.txt','a').write(f'check-dead-entry-node {rc} {dt:.2f}s stdout={out!r} stderr={err!r}\n')
# pfail snapshot perhaps
seen_pfail = False
def st():
    global seen_pfail
    for l in nodes_raw(12001).decode().splitlines():
        if l.startswith(vid):
            if 'fail?' in l and not seen_pfail:
                seen_pfail = True; save(FIX+'/cluster-nodes/pfail-master-killed.txt', nodes_raw(12001)); print('pfail at', time.time()-t0)
            return ',fail' in l.split()[2] + ',' and 'fail?' not in l.split()[2]
wait(lambda: st() and 'cluster_state:ok' in cmd(12001,'CLUSTER','INFO')[1].decode() and
     sum(1 for l in nodes_raw(12001).decode().splitlines() if 'master' in l.split()[2] and 'fail' not in l.split()[2] and len(l.split())>8) == 3, 30, 0.05, 'fail')
print('fail + promoted at', time.time() - t0)
time.sleep(1.5)
save(FIX+'/cluster-nodes/failed-node.txt', nodes_raw(12001))
rc, out, err, dt = runcli(['--cluster', 'check', '127.0.0.1:12001'])
print('check after failover rc', rc, err, dt); save(FIX+'/redis-cli/check-node-down-after-failover.txt', out)
open(BASE+'/rc.txt','a').write(f'check-node-down-after-failover {rc} {dt:.2f}s\n')
rc, out, err, dt = runcli(['--cluster', 'info', '127.0.0.1:12001'])
save(FIX+'/redis-cli/info-node-down-after-failover.txt', out)
open(BASE+'/rc.txt','a').write(f'info-node-down-after-failover {rc} {dt:.2f}s\n')
# SIGSTOP a replica
rep = [p for p in (12004,12005,12006) if 'role:slave' in cmd(p,'INFO','replication')[1].decode()][0]
os.kill(pids[rep], signal.SIGSTOP); t1 = time.time()
rc, out, err, dt = runcli(['--cluster', 'check', '127.0.0.1:12001'], timeout=90)
print('check with SIGSTOPped replica', rep, rc, err, dt); save(FIX+'/redis-cli/check-node-sigstopped.txt', out)
open(BASE+'/rc.txt','a').write(f'check-node-sigstopped(replica {rep}, after failover of {victim}) {rc} {dt:.2f}s stderr={err!r}\n')
os.kill(pids[rep], signal.SIGCONT)
