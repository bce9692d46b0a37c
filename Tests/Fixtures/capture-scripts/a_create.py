from lib import *
ports = list(range(12001, 12007))
for p in ports: start(p, 'A', extra=['--cluster-node-timeout', '2000'])
r = subprocess.run(['redis-cli', '--cluster', 'create'] + [f'127.0.0.1:{p}' for p in ports] + ['--cluster-replicas', '1', '--cluster-yes'],
                   capture_output=True, text=True, env=dict(os.environ, TERM='dumb'))
print(r.returncode); print(r.stdout[-3000:]); print(r.stderr)
open(BASE+'/A/create.out','w').write(r.stdout)
def ok():
    if not converged(ports): return False
    for p in ports:
        info = cmd(p, 'INFO', 'replication')[1].decode()
        if 'role:slave' in info and 'master_link_status:up' not in info: return False
    return True
wait(ok, 60, what='converge')
time.sleep(2)
print(nodes_raw(12001).decode())
