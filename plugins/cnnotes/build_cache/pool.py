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


def share(tasks, jobs, away) -> dict:
    """Run tasks (zero-argument callables) on `jobs` cores: this process takes tasks and
    runs them itself (task(): their effects are here at once), and jobs - 1 forked
    processes take the others and run away(task), whose value must pickle; each takes
    the next CHUNK when done. This process works rather than waits, so one fork fewer
    than a pool of `jobs`: a forked process copies every page of memory it touches
    (reference counts are writes), and after the fork so does this one, with its own.
    Returns {index: Done | Failed} for the tasks run away. The tasks a process that died
    had taken are run here."""
    global _tasks, _away
    if jobs < 2 or len(tasks) < 2:
        for task in tasks:
            task()
        return {}
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)  # the index of the next task to take
    _tasks, _away = list(tasks), away
    workers = []
    gc.freeze()  # what the workers inherit is never scanned by their collector (nor copied by it)
    try:
        for _ in range(jobs - 1):
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_share_worker, args=(counter, send), daemon=True)
            process.start()
            send.close()
            workers.append((process, receive))
    finally:
        gc.unfreeze()
    here = set()
    try:
        for index in _taken(counter, len(_tasks)):
            _tasks[index]()
            here.add(index)
    except BaseException:
        for process, _ in workers:
            process.terminate()
            process.join()
        raise
    results = {}
    for process, receive in workers:
        try:
            results.update(receive.recv())
        except (EOFError, OSError):  # it died: what it took is done below
            pass
        process.join()
    tasks, _tasks, _away = _tasks, [], None
    for index, task in enumerate(tasks):
        if index not in here and index not in results:
            task()
    return results


_away = None


def _taken(counter, n):
    """The indexes of the tasks this process takes, CHUNK at a time (one at a time when
    there are few: a long one among them must not bring others along), until none is left."""
    chunk = CHUNK if n >= 16 * CHUNK else 1
    while True:
        with counter.get_lock():
            start = counter.value
            counter.value = start + chunk
        if start >= n:
            return
        yield from range(start, min(start + chunk, n))


def _share_worker(counter, send):
    send.send({index: _run_one(index, _away) for index in _taken(counter, len(_tasks))})
    send.close()


def _run_one(index, away):
    from cnnotes import build_cache

    try:
        with build_cache.watch_warnings() as warned:
            value = away(_tasks[index])
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
    gc.freeze()  # as in share()
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
