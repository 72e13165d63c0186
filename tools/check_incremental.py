"""Check the render cache on a bench corpus: random edits, each followed by a build with
the cache the previous builds left, which must equal a build without any cache, byte for
byte (a cache key that misses an input would show here).

    python -m tools.check_incremental [--posts 100] [--edits 20] [--seed 7]

tools/test_check_incremental.py runs a few edits in `make test`; this walks many more, on
the corpus `make bench` uses (translations, labs, PDFs, links between posts), for a
change to what a rendering depends on. Exit status 1 and the differing files when a
build differs.
"""
from __future__ import annotations

import argparse
import filecmp
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

from tools import corpus
from tools.build import build

ROOT = Path(__file__).resolve().parents[1]


def _sub(pattern, repl):
    """An edit: the first match of pattern in a post replaced (False: nothing matched)."""
    def edit(path: Path, rng) -> bool:
        text = path.read_text(encoding="utf-8")
        new = re.sub(pattern, repl(rng) if callable(repl) else repl, text, count=1, flags=re.M)
        path.write_text(new, encoding="utf-8")
        return new != text
    return edit


def _append(path: Path, rng) -> bool:
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nA closing sentence, number {rng.randrange(10**6)}.\n")
    return True


EDITS = {
    "a sentence at the end": _append,
    "words before the summary": _sub(r"(\n---\n)", r"\1Opening words added. "),
    "the title": _sub(r"^title: .*$", lambda rng: f"title: An edited title {rng.randrange(10**6)}"),
    "the date": _sub(r"^date: (\d{4})", lambda rng: lambda m: f"date: {int(m.group(1)) + 1}"),
    "the tags": _sub(r"^tags:.*$", "tags: [edited-tag, kernel]"),
    "the category": _sub(r"^category: .*$", "category: Edited"),
    "the slug": _sub(r"^slug: (.*)$", r"slug: \1-moved"),
    "a heading": _sub(r"^## (.*)$", r"## \1, renamed"),
    "its lab": _sub(r"^lab: .*\n", ""),
}


def tree(top: Path) -> dict:
    """{path relative to top: Path} of every file under top."""
    return {p.relative_to(top).as_posix(): p for p in sorted(top.rglob("*")) if p.is_file()}


def differences(clean: Path, incremental: Path) -> list:
    a, b = tree(clean), tree(incremental)
    return sorted(set(a) ^ set(b)) + [r for r in a if r in b and not filecmp.cmp(a[r], b[r], shallow=False)]


def check(work: Path, posts: int, edits: int, seed: int, say=print) -> list:
    """Run the edits; [(edit, differing files)] of the builds that differed."""
    corpus.write(posts, str(work / "corpus"), seed)
    content = work / "corpus" / "ours"
    files = sorted((content / "posts").glob("*.md"))
    rng = random.Random(seed)
    failures = []

    def step(name):
        settings = {"PATH": str(content)}
        out = Path(build(str(ROOT / "pelicanconf.py"), dict(settings, OUTPUT_PATH=str(work / "out")),
                         cache=str(work / "cache")))
        clean = Path(build(str(ROOT / "pelicanconf.py"), dict(settings, OUTPUT_PATH=str(work / "clean")),
                           cache=None))
        differ = differences(clean, out)
        shutil.rmtree(clean)
        say(f"{name:55} {len(differ)} files differ")
        if differ:
            failures.append((name, differ))

    step("first build")
    for _ in range(edits):
        kind = rng.choice(sorted(EDITS))
        path = rng.choice([f for f in files if f.exists()])
        if EDITS[kind](path, rng):
            step(f"{kind}: {path.name}")
    left = [f for f in files if f.exists()]
    linked = {Path(m).name for f in left
              for m in re.findall(r"\{filename\}([^)\s\"']+)", f.read_text(encoding="utf-8"))}
    gone = rng.choice([f for f in left if f.name not in linked])  # a link to it would fail the build
    gone.unlink()
    step(f"deleted: {gone.name}")
    added = content / "posts" / "added-by-check.md"
    shutil.copy(rng.choice([f for f in files if f.exists()]), added)
    EDITS["the slug"](added, rng)
    EDITS["the title"](added, rng)
    step(f"added: {added.name}")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.check_incremental", description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100, help="posts in the corpus (default 100)")
    parser.add_argument("--edits", type=int, default=20, help="random edits (default 20)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the corpus and the edits")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="check-incremental-"))
    try:
        failures = check(work, args.posts, args.edits, args.seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, differ in failures:
        print(f"after {name}: differs from a build without the cache: {', '.join(differ[:10])}",
              file=sys.stderr)
    print("every incremental build equals a clean one" if not failures else f"{len(failures)} builds differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
