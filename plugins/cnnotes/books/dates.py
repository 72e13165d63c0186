"""When each page of a book was last changed, from git: one `git log` for the whole book
(a call per page would cost more than building the page).

A page git does not know (new, not yet committed, or a book outside any repository)
gets its file's modification time; a page whose front matter has `updated:` (or `date:`)
keeps that.
"""
from __future__ import annotations

import datetime
import os
import subprocess


def git_dates(folder: str) -> dict[str, datetime.datetime]:
    """{absolute path: date of the last commit that changed it} for the files under
    folder; {} when git or a repository is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", folder, "-c", "core.quotePath=false", "log", "--format=%x00%cI", "--name-only", "--relative", "--", "."],
            capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if done.returncode != 0:
        return {}
    dates, current = {}, None
    for line in done.stdout.splitlines():
        if line.startswith("\x00"):
            current = datetime.datetime.fromisoformat(line[1:])
        elif line and current is not None:
            dates.setdefault(os.path.normpath(os.path.join(folder, line)), current)
    return dates


def file_date(path: str) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(os.stat(path).st_mtime, datetime.timezone.utc)
