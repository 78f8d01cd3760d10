"""A pressroom command running in the background for a test: its output read line by line as it comes,
and always ended (Ctrl-C, then kill) when the test is done."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


class Background:
    """`pressroom ARGS` started in `cwd`; `expect(pattern)` waits for a line of its output."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None):
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        environment.pop("GITHUB_ACTIONS", None)
        self.process = subprocess.Popen([sys.executable, "-m", "pressroom.cli", *args], cwd=cwd, env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, check, timeout: float = 60) -> str:
        """The next line for which `check(line)` is true (or that contains `check`, a string)."""
        test = (lambda line: check in line) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {check!r} within {timeout} s; output:\n"
                                     + "\n".join(self.seen)) from None
            if line is None:
                raise AssertionError(f"ended (exit {self.process.wait()}) before a line matching {check!r}; "
                                     "output:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if test(line):
                return line

    def interrupt(self, timeout: float) -> tuple[int, float]:
        """Ctrl-C: the exit code and how long it took to end."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        return code, time.monotonic() - started

    def rest(self) -> list[str]:
        """The lines printed after the last one expected, once it has ended."""
        self.process.wait(timeout=10)
        lines = []
        while (line := self.lines.get(timeout=5)) is not None:
            lines.append(line)
        self.seen += lines
        return lines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.reader.join(timeout=5)
        self.process.stdout.close()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
