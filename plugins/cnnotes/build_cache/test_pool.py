"""build_cache.pool.share: tasks split between this process and forked ones, every task
run once, a failure reported, a worker that dies covered."""
import os
import signal
import time

from cnnotes.build_cache import pool


def test_every_task_runs_once_here_or_away():
    here = []
    tasks = [lambda i=i: time.sleep(0.01) or here.append(i) or (i, os.getpid()) for i in range(40)]
    results = pool.share(tasks, 2, lambda task: task())
    away = {i: r.value for i, r in results.items()}
    assert sorted(here + list(away)) == list(range(40))   # each once, somewhere
    assert away and here                                   # both processes took some
    assert all(value == (i, value[1]) and value[1] != os.getpid() for i, value in away.items())


def test_a_failure_away_comes_back_as_failed():
    def boom():
        time.sleep(0.01)
        if os.getpid() != parent:
            raise ValueError("bad template")
        return "here"

    parent = os.getpid()
    results = pool.share([boom] * 16, 2, lambda task: task())
    assert results and all(isinstance(r, pool.Failed) and "ValueError: bad template" in r.message
                           for r in results.values())


def test_the_tasks_of_a_worker_that_dies_are_done_here():
    parent = os.getpid()
    ran_here = []

    def task(i):
        time.sleep(0.01)
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies on its first task
        ran_here.append(i)

    results = pool.share([lambda i=i: task(i) for i in range(12)], 2, lambda t: t())
    assert results == {}
    assert sorted(ran_here) == list(range(12))


def test_one_job_runs_everything_here():
    ran = []
    assert pool.share([lambda i=i: ran.append(i) for i in range(5)], 1, None) == {}
    assert ran == list(range(5))
