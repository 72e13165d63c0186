"""Run a list of tasks in forked processes: the build's way to use every core.

The tasks are zero-argument callables already in memory; fork gives every worker
the same memory (loaded plugins, settings, Pelican's context), so only the tasks'
indexes go to the workers and only their results (which must pickle) come back.
Each task runs with its warnings recorded, and a task that raises gives
`Failed(message)`: the caller decides (the build runs it again in its own process,
where the error is reported with its place).
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import traceback
from dataclasses import dataclass

_tasks = []


@dataclass
class Failed:
    message: str


@dataclass
class Done:
    value: object
    warnings: list   # [(logger name, level, message)]


CHUNK = 4  # tasks handed to a worker at a time


def run(tasks, jobs) -> list:
    """[Done | Failed] for each task, in order, computed by `jobs` processes."""
    global _tasks
    if not tasks:
        return []
    _tasks = list(tasks)
    gc.freeze()  # what the workers inherit is never scanned by their collector (nor copied by it)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_run_one, range(len(_tasks)), chunksize=CHUNK)
    finally:
        _tasks = []
        gc.unfreeze()


def _run_one(index):
    import build_cache

    try:
        with build_cache.watch_warnings() as warned:
            value = _tasks[index]()
    except Exception as e:
        return Failed(f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
    return Done(value, [(r.name, r.levelno, r.getMessage()) for r in warned])


def start(tasks, jobs, on_done):
    """Start running tasks, (callable, key) pairs, in `jobs` processes, in order, without
    waiting: on_done(key, value) is called (in a thread of this process) as each one
    ends, with what it returned (None if it failed). Returns the pool (close() and join()
    it)."""
    global _tasks
    _tasks = [task for task, _ in tasks]
    gc.freeze()  # as in run(); unfrozen when the caller is done with the pool
    workers = multiprocessing.get_context("fork").Pool(jobs)
    gc.unfreeze()
    for index, (_, key) in enumerate(tasks):
        workers.apply_async(_run_quiet, (index,), callback=lambda value, key=key: on_done(key, value),
                            error_callback=lambda _, key=key: on_done(key, None))
    return workers


def _run_quiet(index):
    try:
        return _tasks[index]()
    except Exception:  # what it was making is made again, and reported, where it is used
        return None


def replay(warnings) -> None:
    """Log again, in this process, the warnings a task logged in a worker."""
    for name, level, message in warnings:
        logging.getLogger(name).log(level, "%s", message)
