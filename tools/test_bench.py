"""tools.bench: the report a `make bench` run prints, from real (tiny) builds, and the
pieces that turn runs and profiles into figures. No timing assertions: only that the
figures are there and add up."""
import cProfile
import pstats
import sys

import pytest

from tools import bench


def test_tiny_bench_run_reports_every_figure(tmp_path, capsys):
    """Four posts, one alternated run: ours, stock, Hugo (when installed), rebuilds,
    serve's save-to-reload, peak memory and both profiles end up in the report and in
    the file given to --update."""
    target = tmp_path / "BENCH.md"
    target.write_text(f"# intro\n{bench.BEGIN}\nold figures\n{bench.END}\nafter\n")
    rc = bench.main(["--sizes", "4", "--reps", "1", "--memory-sizes", "4", "--profile-size", "4",
                     "--serve-edits", "1", "--book-pages", "12", "--no-labs", "--work", str(tmp_path / "work"),
                     "--update", str(target)])
    out = capsys.readouterr()
    assert rc == 0, out.err
    report = out.out
    row = next(l for l in report.splitlines() if l.startswith("| 4 | ") and "×" in l)
    assert row.count("×") >= 3 and "–" not in row.split("|")[4]  # the ours/stock ratio
    assert "**One-post rebuild**" in report and "**Peak memory**" in report
    assert "save to reload** (N=4):" in report
    assert "save to reload, the site's own content** (" in report
    book = next(l for l in report.splitlines() if l.startswith("| 12 | "))
    assert book.count("×") == 1 and book.endswith(" s |")       # ratio, rebuild, serve's time
    assert "A page deep in the book (`/en/books/bench-book/" in report or \
        "A book page's transfer was not measured: " in report
    sampled = report.split("**Where our build spends its time, sampled**")[1]
    assert "| Markdown |" in sampled and "| plugin search (indexer) |" in sampled
    profiled = report.split("**Where our build spends its time** (cProfile")[1]
    assert "| Pygments: highlight() |" in profiled and "`pelican/generators.py" in profiled
    if bench.hugo_path():
        assert "| – | – |" not in row
    else:
        assert "hugo not installed (Debian package hugo" in report + out.err
    written = target.read_text()
    assert written.startswith("# intro\n") and written.endswith(f"{bench.END}\nafter\n")
    assert "old figures" not in written and "**Full clean build**" in written
    assert (tmp_path / "work" / "report.md").read_text() == report.rstrip("\n") + "\n"


def test_failed_build_is_reported_with_its_error(tmp_path):
    with pytest.raises(bench.BenchError) as e:
        bench.run_child([sys.executable, "-c", "import sys; sys.exit('no such corpus: x.md:3')"],
                        "ours", 10)
    assert "ours (N=10) failed with exit 1" in str(e.value)
    assert "no such corpus: x.md:3" in str(e.value)


def test_child_memory_is_the_childs_own():
    small = bench.run_child([sys.executable, "-c", "pass"], "small", 1)
    big = bench.run_child([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"],
                          "big", 1)
    assert big.rss_mb > small.rss_mb + 150
    assert small.rss_mb < 100 and small.cpu >= 0 and small.wall > 0


def test_stock_settings_are_stock(tmp_path):
    from pelican.settings import read_settings
    path = tmp_path / "stock.py"
    (tmp_path / "c").mkdir()
    path.write_text(bench.stock_settings(str(tmp_path / "c"), str(tmp_path / "o"), cache=str(tmp_path / "k")))
    s = read_settings(str(path))
    assert s["PLUGINS"] == [] and s["THEME"].endswith("themes/notmyidea")
    assert s["CACHE_CONTENT"] and s["LOAD_CONTENT_CACHE"]
    import pelicanconf
    ours = pelicanconf.MARKDOWN["extension_configs"]
    stock = s["MARKDOWN"]["extension_configs"]
    assert set(stock) - {"markdown.extensions.meta"} == set(ours)
    assert stock["markdown.extensions.codehilite"] == ours["markdown.extensions.codehilite"]


def test_memory_growth_verdict():
    assert "; linear" in bench.linearity([(100, 90), (1000, 150), (2000, 215)])
    assert "FASTER than linear" in bench.linearity([(100, 90), (1000, 150), (2000, 400)])
    assert bench.linearity([(100, 90), (1000, 150)]) == ""


def test_profile_groups_count_every_second_once(tmp_path):
    import markdown

    def work():
        text = "# Title\n\n" + "Some *text* here.\n\n```python\nprint(1)\n```\n" * 50
        md = markdown.Markdown(extensions=["fenced_code", "codehilite"])
        with open(tmp_path / "out.html", "w") as f:
            f.write(md.convert(text))

    prof = cProfile.Profile()
    prof.runcall(work)
    stats = pstats.Stats(prof)
    total, groups = bench.profile_groups(stats)
    assert sum(groups.values()) == pytest.approx(total, rel=1e-6)
    assert groups["Markdown"] > 0 and groups["Pygments"] > 0
    assert "" not in groups
    marks = {r["what"]: r for r in bench.landmarks(stats)}
    convert = marks["Markdown: Markdown.convert (with Pygments and our extensions)"]
    assert convert["calls"] == 1 and convert["cumulative"] <= total
    assert marks["Pygments: highlight()"]["calls"] == 50


def test_categories_name_the_part_of_the_build():
    root = bench.ROOT
    site = "/x/.venv/lib/python3.11/site-packages"
    assert bench.category((f"{root}/plugins/cnnotes/search/index.py", 1, "build")) == "plugin search (indexer)"
    assert bench.category((f"{root}/plugins/cnnotes/cjk/summary.py", 1, "clean")) == "plugin cjk"
    assert bench.category((f"{root}/theme/templates/article.html", 1, "root")) == "Jinja (templates)"
    assert bench.category((f"{site}/markdown/core.py", 1, "convert")) == "Markdown"
    assert bench.category((f"{site}/pygments/lexer.py", 1, "x")) == "Pygments"
    assert bench.category(("~", 0, "<built-in method io.open>")) == "I/O (files, directories)"
    assert bench.category(("~", 0, "<method 'write' of '_io.TextIOWrapper' objects>")) == "I/O (files, directories)"
    assert bench.category(("~", 0, "<method 'join' of 'str' objects>")) == ""
    assert bench.category(("/usr/lib/python3.11/html/parser.py", 1, "goahead")) == ""
    assert bench.category(("<frozen os>", 1, "makedirs")) == "I/O (files, directories)"
    assert bench.category(("<frozen importlib._bootstrap>", 1, "_find_and_load")) == "imports"


def test_update_needs_the_markers(tmp_path):
    f = tmp_path / "B.md"
    f.write_text("no markers\n")
    with pytest.raises(bench.BenchError, match="B.md: no <!-- bench:begin -->"):
        bench.update_file(str(f), "x")
    assert f.read_text() == "no markers\n"


def test_bad_sizes_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        bench.main(["--sizes", "10,abc"])
    assert e.value.code == 2
    assert "not a comma-separated list of post counts: '10,abc'" in capsys.readouterr().err


def test_without_hugo_the_report_says_how_to_get_it():
    runs = [bench.Run("ours", 10, 2.0, 2.0, 90.0), bench.Run("stock", 10, 1.0, 1.0, 50.0)]
    results = {"machine": bench.machine(), "runs": [vars(r) for r in runs], "sizes": [10],
               "memory_sizes": [10], "date": "today", "command": "python -m tools.bench",
               "reps": 1, "hugo": False}
    text = bench.report(results)
    assert "| 10 | 2.00 | 1.00 | **2.00×** |" in text
    assert "Hugo: hugo not installed (Debian package hugo; `make bench` installs it as root)." in text


def test_the_report_gives_the_ratio_of_each_pair_of_runs():
    runs = [bench.Run("ours", 10, w, w, 90.0) if k % 2 == 0 else bench.Run("stock", 10, w, w, 50.0)
            for k, w in enumerate([2.0, 1.0, 3.0, 2.0, 1.0, 1.0])]
    results = {"machine": bench.machine(), "runs": [vars(r) for r in runs], "sizes": [10],
               "memory_sizes": [10], "date": "today", "command": "python -m tools.bench",
               "reps": 3, "hugo": False}
    text = bench.report(results)
    assert "| 10 | 2.00 | 1.00 | **2.00×** |" in text  # the medians' ratio
    assert "the spread is this machine's): N=10: 2.00×, 1.50×, 1.00×." in text


def test_commands_run_with_pythons_bytecode_cache(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    writes = "import sys; sys.exit(3 if not sys.dont_write_bytecode else 0)"  # 3: it writes bytecode
    with pytest.raises(bench.BenchError, match="exit 3"):
        bench.run_child([sys.executable, "-c", writes], "a child", 1)
