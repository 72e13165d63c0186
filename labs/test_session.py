"""session: the one environment and argv of every bash the harness starts for a lab."""
from __future__ import annotations

import subprocess

from labs import session


def test_clean_env_drops_shell_hooks_and_stale_lab_vars(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    for k, v in {"BASH_ENV": "/tmp/evil", "ENV": "/tmp/evil", "PROMPT_COMMAND": "echo hi",
                 "CDPATH": "/tmp", "BASH_FUNC_ls%%": "() { echo no; }", "LAB": "old",
                 "LAB_RUN_ID": "old-run", "LAB_TMP": "/tmp/old", "KEEP_ME": "1"}.items():
        monkeypatch.setenv(k, v)
    env = session.clean_env(LAB="x", LAB_DIR="/labs/x")
    for k in ("BASH_ENV", "ENV", "PROMPT_COMMAND", "CDPATH", "BASH_FUNC_ls%%", "LAB_RUN_ID", "LAB_TMP"):
        assert k not in env, k
    assert env["LAB"] == "x" and env["LAB_DIR"] == "/labs/x" and env["KEEP_ME"] == "1"
    assert env["LC_ALL"] == "C.UTF-8" and env["TERM"] == "dumb"
    path = env["PATH"].split(":")
    assert path[:2] == ["/usr/bin", "/bin"] and "/usr/sbin" in path and "/sbin" in path
    assert len(path) == len(set(path)) and "" not in path


def test_bash_argv_runs_no_startup_file_and_sets_dollar0(tmp_path, monkeypatch):
    rc = tmp_path / "rc"
    rc.write_text("echo startup file read\n")
    monkeypatch.setenv("BASH_ENV", str(rc))
    argv = session.bash_argv('echo "$0"', "labs/x/lab.md")
    assert argv[1:4] == ["--noprofile", "--norc", "-c"] and argv[-1] == "labs/x/lab.md"
    r = subprocess.run(argv, env=session.clean_env(), capture_output=True, text=True)
    assert r.stdout == "labs/x/lab.md\n", r.stdout + r.stderr
