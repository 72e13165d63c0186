"""`python -m labs bench`: what the harness costs per block, against the same commands
typed into one plain bash. Target: at most 20 ms per block."""
from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .labfile import parse_lab
from .runner import Runner

TARGET_MS = 20.0
RUNS = 5


def bench_lab(n: int) -> tuple:
    """lab.md text with n blocks (script and transcript blocks, state carried), and the
    same commands as one bash script."""
    blocks, plain = [], ["X=0"]
    blocks.append("```sh setup\nX=0\n```\n")
    for i in range(n - 1):
        kind = i % 3
        if kind == 0:
            blocks.append(f"```sh step s{i}\nX=$((X + 1))\ncd \"$LAB_TMP\"\n```\n")
            plain += ["X=$((X + 1))", 'cd "$TMPDIR_BENCH"']
        elif kind == 1:
            blocks.append(f"```sh step s{i}\necho \"step $X\"\n```\n")
            plain.append('echo "step $X"')
        else:
            blocks.append(f"```sh check s{i}\n$ echo \"x=$X\"\nx=\\d+ (re)\n```\n")
            plain.append('echo "x=$X"')
    text = ("---\ntitle: Harness overhead benchmark\nprefix: lab-bench\ntimeout: 300\n---\n\n"
            + "\n".join(blocks))
    return text, "\n".join(plain) + "\n"


def measure(n: int) -> dict:
    text, plain = bench_lab(n)
    with tempfile.TemporaryDirectory(prefix=".labs-bench-") as d:
        lab_dir = Path(d) / "bench"
        lab_dir.mkdir()
        (lab_dir / "lab.md").write_text(text)
        lab = parse_lab(lab_dir)
        bash_times, harness, phases = [], [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            subprocess.run(["bash", "--noprofile", "--norc", "-c", plain], check=True,
                           stdout=subprocess.DEVNULL, env={"TMPDIR_BENCH": d, "PATH": "/usr/bin:/bin"})
            bash_times.append(time.perf_counter() - t0)
            runner = Runner(lab, record_dir=Path(d) / "record", stream=io.StringIO())
            res = runner.run()
            if res.status != "passed":
                raise SystemExit(f"bench lab did not pass: {res.failure or res.reason}")
            harness.append(res.timings["blocks"])
            phases.append(res.timings)
    return {
        "bash": (min(bash_times), statistics.median(bash_times)),
        "harness": (min(harness), statistics.median(harness)),
        "phases": {k: statistics.median(p[k] for p in phases) for k in phases[0]},
    }


def main(n: int = 30) -> int:
    """A table: per block, best of RUNS (the harness's own cost, like timeit) and median
    (what a busy machine adds). The target is judged on the best."""
    m = measure(n)
    per = lambda s: s * 1000 / n
    (bb, bm), (hb, hm) = m["bash"], m["harness"]
    print(f"lab harness overhead: {n} blocks, {RUNS} runs; milliseconds per block")
    print(f"  {'':28} {'best':>8} {'median':>8}")
    print(f"  {'plain bash, one shell':28} {per(bb):8.2f} {per(bm):8.2f}")
    print(f"  {'harness (python -m labs)':28} {per(hb):8.2f} {per(hm):8.2f}")
    over_best, over_median = per(hb) - per(bb), per(hm) - per(bm)
    print(f"  {'overhead per block':28} {over_best:8.2f} {over_median:8.2f}")
    ok = over_best <= TARGET_MS
    print(f"  target: <= {TARGET_MS:g} ms per block: {'met' if ok else 'MISSED'}")
    once = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in m["phases"].items() if k != "blocks")
    print(f"  once per run (median): {once}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
