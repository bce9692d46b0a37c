import json, os, re
FIX = '/work/main/Tests/Fixtures'
def enc(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        if isinstance(a, str): a = a.encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out
log = [tuple(e) for e in json.load(open('resp-log.json'))]
log += [('ask-error.resp', 'ASK: on 127.0.0.1:12001 (6-node cluster) after CLUSTER SETSLOT 100 MIGRATING <id of 12002> (and IMPORTING on 12002); k2136 hashes to slot 100 and does not exist on the source', enc('GET','k2136').decode()),
        ('cluster-slots-fragmented.resp', 'cluster B (ranges-fragmented.txt), node 127.0.0.1:12201: one entry per contiguous range', enc('CLUSTER','SLOTS').decode()),
        ('cluster-shards-fragmented-resp3.resp', 'cluster B, node 127.0.0.1:12201 (after HELLO 3): slots list is flat start,end pairs', enc('CLUSTER','SHARDS').decode())]
log += [tuple(e) for e in json.load(open('resp-log-d.json'))]
log += [tuple(e) for e in json.load(open('resp-log-e.json'))]
def parse_req(s):
    b = s.encode('latin1'); args = []
    if not b: return None
    i = 0
    while i < len(b):
        assert b[i:i+1] == b'*'; e = b.index(b'\r\n', i); n = int(b[i+1:e]); i = e + 2
        a = []
        for _ in range(n):
            e = b.index(b'\r\n', i); l = int(b[i+1:e]); i = e + 2; a.append(b[i:i+l]); i += l + 2
        args.append(a)
    return args
def show(a):
    out = []
    for x in a:
        if len(x) > 200: out.append('<%d bytes>' % len(x)); continue
        if re.fullmatch(rb'[\x21-\x7e]+', x) and b'"' not in x: out.append(x.decode())
        else: out.append('"' + ''.join(chr(c) if 32 <= c < 127 and c not in (34, 92) else '\\x%02x' % c if c not in (13,10,34,92) else {13:'\\r',10:'\\n',34:'\\"',92:'\\\\'}[c] for c in x) + '"')
    return ' '.join(out)
files = set(os.listdir(FIX + '/resp')) - {'README.md'}; seen = set()
rows = []
for f, note, req in log:
    if f in seen or f not in files: continue
    seen.add(f)
    cmds = parse_req(req)
    r = ' ; '.join('`%s`' % show(c) for c in cmds) if cmds else '(nothing sent)'
    rows.append(f'| `{f}` | {r} | {note.replace("|", "/")} |')
missing = files - seen
assert not missing, missing
hdr = open('resp-readme-head.md').read()
open(FIX + '/resp/README.md', 'w').write(hdr + '| file | request sent (each command RESP-encoded as an array of bulk strings) | notes / preconditions |\n|---|---|---|\n' + '\n'.join(rows) + '\n')
print(len(rows))
