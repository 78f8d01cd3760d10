"""Work spread over processes (both cores of a laptop): `in_processes(function, items, jobs)`.

The workers are forked, so they start with everything the build has already read (the document, the
gateway) and only each result crosses back, pickled. Results come back in the order of `items`, and
each item is worked on exactly as it would be in one process, so the outputs are the same bytes.
An error raised by `function` in a worker is raised again in the build, the same type with the same
message and location. Ctrl-C: workers ignore it; the build, interrupted, stops them and goes on as
from any interruption (nothing is written). Where processes cannot be forked, the items are worked on
one after another.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import traceback

_work = None  # (function, items) for the workers to find once forked


def worker_count(jobs: int, items: int) -> int:
    """How many processes to use: `jobs`, or with 0 one per core this process may run on; never more
    than there are items."""
    if not jobs:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(jobs, items))


def in_processes(function, items: list, jobs: int) -> list:
    """[function(item) for item in items], in up to `jobs` processes at once (0: one per core)."""
    global _work
    count = worker_count(jobs, len(items))
    if count == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor

    _work = (function, items)
    gc.freeze()  # the workers' garbage collector then leaves the inherited objects alone, unshared pages unwritten
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts)
    try:
        results = list(pool.map(_run, range(len(items))))
    except BaseException:
        _stop(pool)
        raise
    finally:
        _work = None
        gc.unfreeze()
    pool.shutdown()
    return [_unwrap(result) for result in results]


def _stop(pool) -> None:
    """End the workers now (interrupted, out of time or failed): the executor would let each finish."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int):
    """In a worker: ("ok", result) or ("error", the error in a form that survives pickling)."""
    function, items = _work
    try:
        return "ok", function(items[index])
    except BaseException as error:  # noqa: BLE001 - every failure is the parent's to report
        return "error", _portable(error)


def _portable(error: BaseException) -> tuple:
    """(type, args, attributes, traceback text) of `error`: exceptions with their own __init__ (the
    located PressroomError) do not come through pickling whole."""
    state = (type(error), error.args, dict(vars(error)), "".join(traceback.format_exception(error)))
    try:
        pickle.dumps(state)
    except Exception:  # noqa: BLE001 - an attribute that cannot be pickled: keep the message
        state = (RuntimeError, (f"{type(error).__name__}: {error}",), {}, state[3])
    return state


def _unwrap(result: tuple):
    kind, value = result
    if kind == "ok":
        return value
    cls, args, attributes, text = value
    error = cls.__new__(cls)
    error.args = args
    vars(error).update(attributes)
    error.add_note(f"raised in a worker process:\n{text}")
    raise error
