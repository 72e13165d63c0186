"""python -m labs list [LAB ...] | run NAME [-v] [--wait SECS] [--keep] [--until STEP] [--record-dir DIR] | run --all
| sweep [NAME|--all] | fetch-ci [--from DIR] | bench

Exit status of run: 0 passed, 1 failed, 77 skipped (a requirement is missing), 75 refused
(locked), 2 bad usage or malformed lab.md, 130/143 interrupted by SIGINT/SIGTERM.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import LABS_ROOT, ledger, record, requires, sweep
from .labfile import LabError, find_labs, parse_lab
from .runner import EXIT, Reporter, Runner, report_failure


def resolve(name_or_path: str):
    """A lab by name (labs/NAME) or by path to its folder or its lab.md."""
    p = Path(name_or_path)
    if "/" in name_or_path or name_or_path in (".", ".."):
        if p.name == "lab.md":
            p = p.parent
        return parse_lab(p)
    d = LABS_ROOT / name_or_path
    if not (d / "lab.md").is_file():
        known = ", ".join(x.name for x in find_labs(LABS_ROOT)) or "none yet"
        raise SystemExit(_usage(f"no lab named {name_or_path!r} (labs/{name_or_path}/lab.md); "
                                f"labs: {known}"))
    return parse_lab(d)


def _usage(msg):
    print(f"python -m labs: {msg}", file=sys.stderr)
    return EXIT["malformed"]


def check_prefix(lab):
    """Two labs whose prefixes overlap would sweep each other's things: refuse."""
    for d in find_labs(LABS_ROOT):
        if d.resolve() == lab.dir.resolve():
            continue
        try:
            other = parse_lab(d)
        except LabError:
            continue
        a, b = lab.prefix, other.prefix
        if a.startswith(b) or b.startswith(a):
            raise LabError(lab.path, lab.meta_lines.get("prefix", 2),
                           f"prefix {a!r} overlaps prefix {b!r} of lab {other.name} "
                           "(a sweep of one would remove the other's things): choose another prefix")


def cmd_run(args) -> int:
    if args.all:
        if args.name or args.until or args.keep:
            return _usage("run --all takes no lab name, --until or --keep")
        codes = {}
        for d in find_labs(LABS_ROOT):
            rd = Path(args.record_dir) / d.name if args.record_dir else None
            codes[d.name] = run_one(str(d), None, False, rd, args.verbose, args.wait)
            print()
            if codes[d.name] in (130, 143):      # Ctrl-C or SIGTERM stops the whole series
                break
        print("summary: " + ", ".join(f"{n} {_word(c)}" for n, c in codes.items()))
        vals = set(codes.values())
        for c in (1, 2, 130, 143, 75, 0):
            if c in vals:
                return c
        return 77 if vals else 0
    if not args.name:
        return _usage("run needs a lab name (or --all)")
    return run_one(args.name, args.until, args.keep, args.record_dir, args.verbose, args.wait)


def _word(code):
    return {0: "passed", 1: "failed", 77: "skipped", 75: "refused", 2: "malformed",
            130: "interrupted", 143: "terminated"}.get(code, str(code))


def run_one(name, until, keep, record_dir, verbose=0, wait=0.0) -> int:
    try:
        lab = resolve(name)
        check_prefix(lab)
        if until and (lab.block(until) is None or lab.block(until).role == "teardown"):
            names = ", ".join(b.name for b in lab.run_blocks)
            raise SystemExit(_usage(f"--until {until}: no such block in {lab.path} (blocks: {names})"))
    except LabError as e:
        print(f"{e}", file=sys.stderr)
        return EXIT["malformed"]
    out = Reporter()
    runner = Runner(lab, keep=keep, until=until, record_dir=record_dir, verbose=verbose, wait_lock=wait)
    res = runner.run()
    report_failure(res, runner, out)
    out.say("")
    verdict = {"passed": "passed", "failed": "FAILED", "skipped": "skipped", "refused": "refused",
               "interrupted": "interrupted"}[res.status]
    line = f"{verdict}: {lab.name} in {res.duration:.1f}s"
    if res.status == "skipped":
        line = f"skipped: {lab.name}: {res.reason}"
    if res.status == "interrupted":
        line += " (teardown and leak check done; the record is left as it was)"
    if res.status in ("passed", "failed", "skipped") and not res.partial:
        written = record.write(res, runner.record_dir)
        if written:
            line += "; wrote " + ", ".join(_rel(p) for p in written)
    elif res.partial and res.status in ("passed", "failed"):
        line += " (--until/--keep: not a verification, record not written)"
    out.say(line)
    return res.exit


def _rel(p):
    r = os.path.relpath(p)
    return r if not r.startswith("..") else str(p)


def _lab_dir(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if "/" in name_or_path or name_or_path in (".", ".."):
        return p.parent if p.name == "lab.md" else p
    return LABS_ROOT / name_or_path


def cmd_list(args) -> int:
    """One line per lab (every lab, or those named); what keeps a lab from running here
    (a requirement, a probe's reason) on the lines below it."""
    rows, notes = [("LAB", "POST", "RUNS HERE", "LAST RESULT")], {}
    cache = str(ledger.state_root())
    dirs = [_lab_dir(n) for n in args.labs] if args.labs else find_labs(LABS_ROOT)
    for d in dirs:
        try:
            lab = parse_lab(d)
        except LabError as e:
            rows.append((d.name, "-", "malformed", "-"))
            notes[d.name] = [str(e)]
            continue
        miss = requires.missing(lab, cache_dir=cache)
        rec = record.load(d)
        if not rec:
            last = "never run"
        else:
            last = f"{rec.get('status')} {rec.get('date', '')[:10]} {rec.get('duration', 0):.0f}s"
            if rec.get("source_hash") != record.source_hash(d):
                last += " (changed since last verified)"
        rows.append((lab.name, lab.post or "-", "yes" if not miss else "no", last))
        if miss:
            notes[lab.name] = miss
    if len(rows) == 1:
        print("no labs yet (labs/<name>/lab.md)")
        return 0
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"{r[0]:{w[0]}}  {r[1]:{w[1]}}  {r[2]:{w[2]}}  {r[3]}".rstrip())
        for n in notes.get(r[0], []):
            print(f"{'':{w[0]}}  - {n}")
    return 0


def cmd_sweep(args) -> int:
    """sweep --all: everything of dead runs, lab by lab when some lab is running (that one
    left alone); sweep NAME: that lab, waiting for its killed run's watcher if there is one;
    sweep: the dead runs' processes only. Running it twice does nothing the second time."""
    left = []
    try:
        if args.all:
            done, left = sweep.sweep_everything(LABS_ROOT, say=print)
        elif args.name:
            lab = resolve(args.name)
            locks = ledger.Locks()
            try:
                locks.take("all", {}, shared=True)
                who = sweep.take_lab_lock(locks, lab.name, ledger.holder("sweep", role="sweep"), print)
                if who is not None:
                    raise ledger.Locked(f"lab-{lab.name}", who)
                done = sweep.sweep_lab(lab, report_kept=True)
            finally:
                locks.release()
        else:
            done = sweep.sweep_dead_runs()
    except ledger.Locked as e:
        name, who = e.args
        print(f"sweep refused: {ledger.describe_holder(who)} is running; try again when it is done",
              file=sys.stderr)
        return EXIT["refused"]
    except LabError as e:
        print(e, file=sys.stderr)
        return EXIT["malformed"]
    for line in done:
        print(f"swept  {line}")
    for line in left:
        print(f"kept   {line}")
    if not done:
        print("nothing to sweep")
    return 1 if any("could not" in d or "still alive" in d for d in done) else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m labs", description="Run, check and record labs.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="every lab, its post, whether it runs here (or why not), its last result")
    ls.add_argument("labs", nargs="*", metavar="LAB", help="only these labs (names or folders)")
    r = sub.add_parser("run", help="run a lab (exit 0 passed, 1 failed, 77 skipped, 75 locked, 2 malformed)")
    r.add_argument("name", nargs="?", help="lab name (labs/NAME) or path to a lab folder")
    r.add_argument("--all", action="store_true", help="run every lab")
    r.add_argument("--keep", action="store_true", help="leave the state: print teardown, do not run it")
    r.add_argument("--until", metavar="STEP", help="stop after this block (then tear down)")
    r.add_argument("--record-dir", metavar="DIR", help="write record.json and transcript.ipynb here")
    r.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait up to SECONDS for a lab or lock in use by another run (then exit 75)")
    r.add_argument("-v", "--verbose", action="count", default=0,
                   help="show each block's output as it runs (-vv: daemons' logs too)")
    s = sub.add_parser("sweep", help="remove leftovers of crashed runs (lab- prefixed things only)")
    s.add_argument("name", nargs="?", help="only this lab's prefix and dead runs")
    s.add_argument("--all", action="store_true", help="every lab- thing (refused while a lab runs)")
    f = sub.add_parser("fetch-ci", help="bring the last labs workflow run's records into labs/<name>/ci/")
    f.add_argument("--from", dest="src", metavar="DIR",
                   help="artifacts already downloaded (DIR/lab-<name>/record.json), instead of `gh`")
    f.add_argument("--repo", metavar="OWNER/NAME", help="the GitHub repository (default: gh's own guess)")
    f.add_argument("--branch", default="main", help="the branch whose last run to take (default main)")
    f.add_argument("--labs-dir", metavar="DIR", help=argparse.SUPPRESS)    # tests: a copy of labs/
    b = sub.add_parser("bench", help="harness overhead per block against plain bash")
    b.add_argument("--blocks", type=int, default=30)
    args = p.parse_args(argv)
    if args.cmd == "run":
        return cmd_run(args)
    if args.cmd == "list":
        return cmd_list(args)
    if args.cmd == "sweep":
        if args.all and args.name:
            return _usage("sweep takes a lab name or --all, not both")
        return cmd_sweep(args)
    if args.cmd == "fetch-ci":
        from .fetch_ci import main as fetch_main
        return fetch_main(args.src, args.labs_dir, args.repo, args.branch)
    if args.cmd == "bench":
        from .bench import main as bench_main
        return bench_main(args.blocks)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:          # between labs of `run --all`, or during `list`
        print("interrupted", file=sys.stderr)
        sys.exit(130)
