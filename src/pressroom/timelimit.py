"""The render budget: an output whose rendering runs past max_render_seconds stops the build.

A timer signal (SIGALRM) interrupts the renderer wherever it is: WeasyPrint and python-docx are Python,
so the signal is handled between two steps of their work, and a LibreOffice run in progress is killed
as the exception leaves subprocess.run. The build then stops like any other failed render: nothing in
the output folder changes. Signals reach only the main thread, so a build run in another thread (or
where the platform has no interval timer) renders without a limit.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path

from .errors import PressroomError


class _OutOfTime(BaseException):
    """Raised by the timer inside the renderer; a BaseException, so no `except Exception` there swallows it."""


class RenderTooLong(PressroomError):
    """An output took longer to render than the budget allows."""


@contextlib.contextmanager
def render_budget(seconds: float, what: str):
    """Stop the code inside after `seconds` with RenderTooLong naming `what` (the output's file)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def out_of_time(number, frame):
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise RenderTooLong(f"rendering took longer than {seconds:g} s (max_render_seconds); earlier outputs are "
                            "unchanged. Raise max_render_seconds (pressroom.yaml or --max-render-seconds), or undo the "
                            "latest change that makes the layout slow", Path(what), folder="the build") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
