#!/usr/bin/env python3
"""Tables for scripts/redis-compat.sh: reads the per-unit runtest logs and
.meta files it left in OUT/{redis,engine}/ and writes

  OUT/summary.txt   the table, aligned (also printed)
  OUT/summary.md    the same table in markdown (for Docs/compat.md)
  OUT/failures.md   per unit: each test redis-server passes and the engine
                    fails (with the suite's message) or never reaches, and why
                    a unit stopped early
  OUT/summary.json  all of it, machine-readable

The table compares, per unit, the tests redis-server passes less those the
skip list leaves out of the engine run ("skipped"; matched as runtest's
--skiptest matches: exact name, or a regexp when it starts with "/"): "engine
passed" counts the compared tests the engine passes too, "engine %" is that
over "compared", and "99%" says whether the unit meets the acceptance rule
(ran to its end and passed at least 99% of the compared tests).

Usage: redis-compat-table.py --out OUT [--skip-file FILE]
"""
import argparse
import collections
import json
import os
import re
import sys
import textwrap

MARK = re.compile(r"^\[(ok|err|skip|ignore|exception|TIMEOUT)\]: ?(.*)$")
DONE = re.compile(r"^\[\d+/\d+ done\]: (\S+)")
BOUNDARY = re.compile(
    r"^(\[(ok|err|skip|ignore|exception|TIMEOUT)\]:|\[\d+/\d+ done\]|Testing unit/|Testing integration/"
    r"|\s+The End$|Killing still running|sock\S* => |Execution time of different units:)"
)
OK_TIME = re.compile(r" \(\d+ ms\)$")
IN_FILE = re.compile(r"^(.*) in tests/\S+\.tcl$")


def read_meta(path):
    meta = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                meta[k] = v
    except FileNotFoundError:
        return None
    return meta


def exception_message(lines):
    """The full error of a test that threw (not an assertion): runtest prints
    the message without its first 10 characters, then $::errorInfo, whose
    first lines are the full message."""
    if len(lines) >= 2:
        short = lines[0]
        for j in range(1, len(lines)):
            if len(lines[j]) == len(short) + 10 and lines[j].endswith(short):
                msg = []
                for line in lines[j:]:
                    if line.startswith("    while executing") or line.startswith("    invoked from within"):
                        break
                    msg.append(line)
                return "\n".join(msg).strip(), True
    return "\n".join(lines).strip(), False


def parse_log(path):
    res = {
        "ok": [], "ok_ms": {}, "err": [], "skip": [], "ignore": 0,
        "ignore_reasons": collections.Counter(), "block_errors": [],
        "exception": None, "timeout": None, "done": False, "end": False,
    }
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if DONE.match(line):
            res["done"] = True
            i += 1
            continue
        if line.strip() == "The End":
            res["end"] = True
        m = MARK.match(line)
        if not m:
            i += 1
            continue
        kind, rest = m.group(1), m.group(2)
        body = []
        j = i + 1
        while j < len(lines) and not BOUNDARY.match(lines[j]):
            body.append(lines[j])
            j += 1
        while body and not body[-1].strip():
            body.pop()
        if kind == "ok":
            name = OK_TIME.sub("", rest)
            res["ok"].append(name)
            mt = re.search(r" \((\d+) ms\)$", rest)
            if mt:
                res["ok_ms"][name] = int(mt.group(1))
        elif kind == "skip":
            res["skip"].append(rest)
        elif kind == "ignore":
            res["ignore"] += 1
            reason = rest.split(": ", 1)[1] if ": Tag: " in rest or ": Not supported" in rest else rest
            res["ignore_reasons"][reason] += 1
        elif kind == "err":
            mf = IN_FILE.match(rest)
            if mf:
                msg, threw = exception_message(body)
                res["err"].append({"name": mf.group(1), "message": msg, "threw": threw})
            else:
                # --durable: a start_server block threw outside any test; the
                # rest of that block was not run.
                msg, _ = exception_message([rest] + body)
                res["block_errors"].append(msg)
        elif kind == "exception":
            res["exception"] = "\n".join([rest] + body).strip()
        elif kind == "TIMEOUT":
            prog = []
            while j < len(lines) and (lines[j].startswith("sock") or not lines[j].strip()):
                if "=> " in lines[j]:
                    prog.append(re.sub(r"^\((IN PROGRESS|OK|ERR)\) ", "", lines[j].split("=> ", 1)[1]))
                j += 1
            res["timeout"] = "; ".join(prog) or "no test in progress reported"
        i = j
    return res


def first_line(s, limit=300):
    s = (s or "").strip().split("\n")[0]
    return s if len(s) <= limit else s[:limit] + "..."


def exception_core(text):
    """From '[exception]: Executing test client: MSG.\n<errorInfo>' keep MSG
    and the name of the test that was running, if the trace shows it."""
    msg = first_line(re.sub(r"^Executing test client: ", "", text or ""))
    test = None
    m = re.findall(r'"test \{([^}]*)\}', text or "") or re.findall(r'"test "([^"]*)"', text or "")
    if m:
        test = m[-1]
    return msg, test


def status_of(meta, log, ref_log=None):
    """(short status, detail) of one side's run of one unit."""
    if meta is None:
        return "not run", ""
    if meta.get("skipped"):
        return "skipped", meta["skipped"]
    if meta.get("setup_error"):
        return "not started", meta["setup_error"]
    if log is None:
        return "no log", ""
    details = []
    dead = meta.get("server_alive") == "0"
    hung = meta.get("timed_out") == "1" or log["timeout"] is not None
    if hung:
        if log["timeout"] is not None:
            took = ""
            if ref_log and log["timeout"] in ref_log["ok_ms"]:
                took = " (redis-server passes it in %d ms)" % ref_log["ok_ms"][log["timeout"]]
            details.append("no progress for runtest's --timeout (%s s); in progress: %s%s"
                           % (re.search(r"--timeout (\d+)", meta.get("command", "")) and
                              re.search(r"--timeout (\d+)", meta.get("command", "")).group(1) or "?",
                              log["timeout"], took))
        else:
            details.append("over the unit's wall-clock limit (%ss), killed" % meta.get("seconds", "?"))
    if dead:
        details.append("server exited during the unit (%s)" % (meta.get("server_exit") or "?"))
    elif meta.get("server_answers") == "0":
        details.append("server alive but not answering PING after the unit")
    if log["exception"]:
        msg, test = exception_core(log["exception"])
        details.append("exception%s: %s" % (" in test '%s'" % test if test else "", msg))
    for b in log["block_errors"]:
        details.append("a start_server block threw outside a test (rest of the block not run): " + first_line(b))
    if hung:
        st = "hung"
    elif dead:
        st = "crashed"
    elif log["exception"] or not log["done"]:
        st = "stopped early"
    elif log["block_errors"]:
        st = "block aborted"
    else:
        st = "ok"
    return st, "; ".join(details)


def pct(a, b):
    """a/b as a percentage, rounded down to 0.1 (98.96 is 98.9%, never 99%)."""
    if b == 0:
        return "-" if a == 0 else "n/a"
    tenths = (1000 * a) // b
    return "100%" if tenths == 1000 else "%d.%d%%" % (tenths // 10, tenths % 10)


SKIP_FS = re.compile(r"\s+\|\s+")


def load_skips(path):
    """The skip list as scripts/redis-compat.sh reads it: fields separated by
    a bar with blanks around it. Returns ({unit: reason}, {unit: [(pattern,
    reason)]})."""
    units, tests = {}, collections.defaultdict(list)
    try:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                fields = SKIP_FS.split(line)
                if len(fields) == 2:
                    units.setdefault(fields[0].strip(), fields[1])
                elif len(fields) == 3:
                    tests[fields[0].strip()].append((fields[1], fields[2]))
    except FileNotFoundError:
        pass
    return units, tests


def skip_reason(name, patterns):
    """The reason of the first pattern that skips test NAME (runtest's
    search_pattern_list: exact name, or "/regexp" searched in the name)."""
    for pat, reason in patterns:
        if pat.startswith("/"):
            try:
                if re.search(pat[1:], name):
                    return reason
            except re.error:
                continue
        elif pat == name:
            return reason
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip-file", default="/dev/null")
    ap.add_argument("--list-failures", action="store_true",
                    help="print UNIT<TAB>TEST for each test redis-server passes and the engine fails, and stop")
    args = ap.parse_args()
    out = args.out

    with open(os.path.join(out, "units.txt")) as f:
        units = [l.strip() for l in f if l.strip()]
    run = read_meta(os.path.join(out, "run.txt")) or {}
    engine_bin = read_meta(os.path.join(out, "engine-binary.txt")) or {}
    skip_units, skip_tests = load_skips(args.skip_file)

    rows, no_tests, details = [], [], []
    for u in units:
        slug = u.replace("/", "__")
        sides = {}
        for side in ("redis", "engine"):
            meta = read_meta(os.path.join(out, side, slug + ".meta"))
            log = parse_log(os.path.join(out, side, slug + ".log")) if meta and not meta.get("skipped") else None
            ref = sides["redis"]["log"] if side == "engine" else None
            st, why = status_of(meta, log, ref)
            sides[side] = {"meta": meta, "log": log, "status": st, "why": why}
        r, e = sides["redis"], sides["engine"]
        rp = len(r["log"]["ok"]) if r["log"] else 0
        rf = len(r["log"]["err"]) if r["log"] else 0
        ep = len(e["log"]["ok"]) if e["log"] else 0
        ef = len(e["log"]["err"]) if e["log"] else 0
        pats = skip_tests.get(u, [])
        rok_all = r["log"]["ok"] if r["log"] else []
        if e["status"] == "skipped":
            rs = len(rok_all)
        else:
            rs = sum(1 for n in rok_all if skip_reason(n, pats))
        compared = collections.Counter(n for n in rok_all if not skip_reason(n, pats))
        eok_all = collections.Counter(e["log"]["ok"]) if e["log"] else collections.Counter()
        em = sum(min(c, eok_all[n]) for n, c in compared.items())
        if r["log"] and rp + rf == 0 and (e["log"] is None or ep + ef == 0) and r["status"] == "ok" \
                and e["status"] in ("ok", "not run"):
            why = r["log"]["ignore_reasons"]
            if not why:
                tag = "no tests"
            elif why.get("Not supported on external server", 0) * 2 >= sum(why.values()):
                tag = "external:skip"
            else:
                tag = ", ".join(sorted(set(k.replace("Tag: ", "").replace(" denied", "") for k in why)))
            no_tests.append("%s (%s)" % (u, tag))
            continue
        status = e["status"]
        if status == "skipped":
            status = "skipped: " + e["why"]
        if r["status"] != "ok":
            status += " (redis-server: %s)" % r["status"]
        ncmp = rp - rs
        meets = None
        if e["log"]:
            meets = e["status"] == "ok" and 100 * em >= 99 * ncmp
        row = {
            "unit": u, "redis_passed": rp, "redis_failed": rf,
            "skipped": rs, "compared": ncmp if e["log"] else 0,
            "engine_passed": em if e["log"] else None, "engine_passed_all": ep if e["log"] else None,
            "engine_failed": ef if e["log"] else None,
            "pct": pct(em, ncmp) if e["log"] else "-", "meets_99": meets,
            "status": status, "engine_status": e["status"], "engine_why": e["why"],
            "redis_status": r["status"], "redis_why": r["why"],
            "redis_seconds": (r["meta"] or {}).get("seconds"), "engine_seconds": (e["meta"] or {}).get("seconds"),
        }
        rows.append(row)

        # Details: what redis passes and the engine does not.
        if e["log"] is None:
            continue
        eok = collections.Counter(e["log"]["ok"])
        eseen = collections.Counter(e["log"]["ok"] + [x["name"] for x in e["log"]["err"]] + e["log"]["skip"])
        errs = collections.defaultdict(list)
        for x in e["log"]["err"]:
            errs[x["name"]].append(x)
        failed, missing, skipped_t = [], [], []
        rok_count = collections.Counter()
        for name in r["log"]["ok"] if r["log"] else []:
            rok_count[name] += 1
            if rok_count[name] <= eok[name]:
                continue
            why = skip_reason(name, pats)
            if why:
                skipped_t.append((name, why))
            elif errs.get(name):
                failed.append(errs[name].pop(0))
            elif rok_count[name] > eseen[name]:
                missing.append(name)
        rok = collections.Counter(r["log"]["ok"]) if r["log"] else collections.Counter()
        extra_fail = [x for x in e["log"]["err"] if rok[x["name"]] == 0]
        extra_pass = [n for n in e["log"]["ok"] if rok[n] == 0]
        details.append({
            "unit": u, "engine_status": e["status"], "engine_why": e["why"],
            "redis_status": r["status"], "redis_why": r["why"],
            "failed": failed, "not_reached": missing, "skipped": skipped_t,
            "engine_only_failures": extra_fail, "engine_only_passes": extra_pass,
            "last_engine_test": _last_reported(os.path.join(out, "engine", slug + ".log")),
        })

    if args.list_failures:
        for d in details:
            seen = set()
            for x in d["failed"]:
                if x["name"] not in seen:
                    seen.add(x["name"])
                    print("%s\t%s" % (d["unit"], x["name"]))
        return

    # Failures rerun alone (--isolate): OUT/isolate.txt line N is OUT/isolated/SIDE/<slug>--N.
    alone = {}
    try:
        with open(os.path.join(out, "isolate.txt")) as f:
            for n, line in enumerate(f, 1):
                u, _, name = line.rstrip("\n").partition("\t")
                res = {}
                for side in ("redis", "engine"):
                    lg = parse_log(os.path.join(out, "isolated", side, "%s--%d.log" % (u.replace("/", "__"), n)))
                    if lg is None:
                        res[side] = None
                    else:
                        oks = lg["ok"].count(name)
                        errs = [x for x in lg["err"] if x["name"] == name]
                        res[side] = "fail" if errs else ("pass" if oks else "not run")
                        if errs and side == "engine":
                            res["engine_message"] = errs[0]["message"]
                alone[(u, name)] = res
    except FileNotFoundError:
        pass
    for d in details:
        for x in d["failed"]:
            a = alone.get((d["unit"], x["name"]))
            if not a:
                continue
            if a.get("redis") != "pass":
                x["alone"] = "alone: redis-server %s too, so no verdict" % (a.get("redis") or "did not run")
            elif a.get("engine") == "pass":
                x["alone"] = "alone: PASSES on the engine (this failure came from an earlier test)"
            elif a.get("engine") == "fail":
                x["alone"] = "alone: fails on the engine too"
                if first_line(a.get("engine_message")) != first_line(x["message"]):
                    x["alone"] += " (alone: %s)" % first_line(a.get("engine_message"), 200)
            else:
                x["alone"] = "alone: %s on the engine" % (a.get("engine") or "did not run")

    counted = [x for x in rows if x["engine_passed"] is not None]
    tot = {
        "units_in_table": len(rows),
        "units_skipped": sum(1 for x in rows if x["engine_status"] == "skipped"),
        "redis_passed_all": sum(x["redis_passed"] for x in rows),
        "skipped_all": sum(x["skipped"] for x in rows),
        "redis_passed_run": sum(x["redis_passed"] for x in counted),
        "skipped_run": sum(x["skipped"] for x in counted),
        "compared": sum(x["compared"] for x in counted),
        "engine_passed": sum(x["engine_passed"] for x in counted),
        "engine_failed": sum(x["engine_failed"] for x in counted),
        "units_ok": sum(1 for x in counted if x["engine_status"] == "ok"),
        "units_meeting_99": sum(1 for x in counted if x["meets_99"]),
    }

    head = ["unit", "redis passed", "skipped", "compared", "engine passed", "engine failed", "engine %",
            "99%", "status"]

    def cells(x):
        return [x["unit"], str(x["redis_passed"]), str(x["skipped"]),
                "-" if x["engine_passed"] is None else str(x["compared"]),
                "-" if x["engine_passed"] is None else str(x["engine_passed"]),
                "-" if x["engine_failed"] is None else str(x["engine_failed"]),
                x["pct"], {None: "-", True: "yes", False: "NO"}[x["meets_99"]], x["status"]]

    body = [cells(x) for x in rows]
    total_line = ["TOTAL (units run on both)", str(tot["redis_passed_run"]), str(tot["skipped_run"]),
                  str(tot["compared"]), str(tot["engine_passed"]), str(tot["engine_failed"]),
                  pct(tot["engine_passed"], tot["compared"]), "%d/%d" % (tot["units_meeting_99"], len(counted)),
                  "%d of %d units ran to their end" % (tot["units_ok"], len(counted))]
    total_all = ["TOTAL (all units)", str(tot["redis_passed_all"]), str(tot["skipped_all"]), "", "", "",
                 "", "", "%d units skipped whole" % tot["units_skipped"]]

    widths = [max(len(r[i]) for r in [head] + body + [total_line, total_all]) for i in range(len(head) - 1)]
    def fmt(r):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + "  " + r[-1]
    txt = [fmt(head), fmt(["-" * w for w in widths] + ["------"])]
    txt += [fmt(r) for r in body]
    txt += [fmt(["-" * w for w in widths] + ["------"]), fmt(total_line), fmt(total_all)]
    if no_tests:
        txt += ["", "No test runs in external mode in (why, from runtest's ignore lines):"]
        txt += ["  " + l for l in textwrap.wrap("; ".join(no_tests), 100, break_on_hyphens=False)]
    txt_s = "\n".join(txt) + "\n"

    def md_cell(c):
        return c.replace("|", "\\|")
    md = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * 7 + ["---"]) + "|"]
    md += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in body]
    for t in (total_line, total_all):
        md += ["| " + " | ".join(("**%s**" % md_cell(c)) if c and i < len(t) - 1 else md_cell(c)
                                 for i, c in enumerate(t)) + " |"]
    if no_tests:
        md += ["", "Units with no test run in external mode (why, from runtest's ignore lines): " +
               ", ".join("`%s` %s" % tuple(u.split(" ", 1)) for u in no_tests) + "."]
    md_s = "\n".join(md) + "\n"

    fl = ["# Engine failures, unit by unit", "",
          "Run of %s; engine binary %s (%s, sha256 %s)." % (run.get("date", "?"), engine_bin.get("source", "?"),
                                                           engine_bin.get("mtime", "?"), engine_bin.get("sha256", "?")[:12]),
          ""]
    for d in details:
        if not (d["failed"] or d["not_reached"] or d["skipped"] or d["engine_status"] != "ok" or d["engine_only_passes"]):
            continue
        fl.append("## %s — %s" % (d["unit"], d["engine_status"]))
        if d["engine_why"]:
            fl.append("")
            fl.append("Why: " + d["engine_why"])
        if d["redis_status"] != "ok":
            fl.append("")
            fl.append("redis-server side: %s (%s)" % (d["redis_status"], d["redis_why"]))
        if d["engine_status"] != "ok" and d["last_engine_test"]:
            fl.append("")
            fl.append("Last test reported by the engine run: " + d["last_engine_test"])
        if d["failed"]:
            fl += ["", "Failed on the engine (passed on redis-server):", ""]
            for x in d["failed"]:
                msg = x["message"].strip().split("\n")
                shown = "\n".join(msg[:6]) + ("\n..." if len(msg) > 6 else "")
                fl.append("- **%s**%s%s" % (x["name"], " (threw)" if x["threw"] else "",
                                           " — " + x["alone"] if x.get("alone") else ""))
                fl.append("")
                fl.append("  ```")
                fl += ["  " + l for l in shown.split("\n")]
                fl.append("  ```")
        if d["not_reached"]:
            fl += ["", "Never reached on the engine (%d):" % len(d["not_reached"]), ""]
            fl += ["- " + n for n in d["not_reached"]]
        if d["skipped"]:
            fl += ["", "Left out of the engine run by the skip list (not compared, %d):" % len(d["skipped"]), ""]
            fl += ["- %s — %s" % (n, why) for n, why in d["skipped"]]
        if d["engine_only_passes"]:
            fl += ["", "Passed on the engine but not on redis-server: " + "; ".join(d["engine_only_passes"])]
        others = [x for x in d["engine_only_failures"]]
        if others:
            fl += ["", "Also failed on the engine (not passed on redis-server either):", ""]
            fl += ["- %s: %s" % (x["name"], first_line(x["message"], 200)) for x in others]
        fl.append("")
    fl_s = "\n".join(fl) + "\n"

    for name, content in (("summary.txt", txt_s), ("summary.md", md_s), ("failures.md", fl_s)):
        with open(os.path.join(out, name), "w") as f:
            f.write(content)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump({"run": run, "engine_binary": engine_bin, "totals": tot, "units": rows,
                   "no_tests_external": no_tests, "details": details}, f, indent=1)
    sys.stdout.write(txt_s)
    print("\nTables: %s/summary.{txt,md}; failures per unit: %s/failures.md; raw logs: %s/{redis,engine}/" % (out, out, out))


def _last_reported(path):
    last = None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = MARK.match(line.rstrip("\n"))
                if m and m.group(1) in ("ok", "err"):
                    name = m.group(2)
                    name = OK_TIME.sub("", name)
                    mf = IN_FILE.match(name)
                    last = "%s (%s)" % (mf.group(1) if mf else name, m.group(1))
    except FileNotFoundError:
        pass
    return last


if __name__ == "__main__":
    main()
