"""What the terminal shows: how much (-q, -v), in colour or not, a progress line, CI annotations.

Colour and the progress bar (click's) appear only on a terminal, and colour never when NO_COLOR is set
(https://no-color.org); the progress bar is drawn with carriage returns alone, no escape codes. Under
GitHub Actions (GITHUB_ACTIONS=true) every located error and warning is also printed as a workflow
command (`::error file=...,line=...::...`), which GitHub shows on the line that caused it.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

import click

from pathlib import Path

QUIET, NORMAL, VERBOSE = 0, 1, 2
ANNOTATION_TITLES = {"error": "Pressroom error", "warning": "Pressroom warning"}
PROGRESS_AFTER = 0.5  # seconds: a build quicker than this shows no progress line
PROGRESS_TICK = 0.25  # seconds between redraws of the progress line (its clock keeps moving)
BAR_WIDTH = 24

_verbosity = NORMAL
_lock = threading.RLock()  # one line at a time: messages clear the progress line before they print
_progress: Progress | None = None


def display_path(path: Path | str) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            pass
    return str(path)


def set_verbosity(level: int) -> None:
    """QUIET (-q: errors and warnings only), NORMAL, or VERBOSE (-v: what each step did and took)."""
    global _verbosity
    _verbosity = level


def verbosity() -> int:
    return _verbosity


def colour_on(stream) -> bool:
    """Whether to colour what goes to `stream`: a terminal, and NO_COLOR unset or empty."""
    return not os.environ.get("NO_COLOR") and _is_terminal(stream)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def styled(text: str, stream, **style) -> str:
    """`text` in click's `style` when `stream` takes colour, else as it is."""
    return click.style(text, **style) if colour_on(stream) else text


def echo(text: str, err: bool = False) -> None:
    """One line on stdout (or stderr), the progress line cleared first. Escape codes are stripped where
    colour is off."""
    stream = sys.stderr if err else sys.stdout
    with _lock:
        if _progress is not None:
            _progress.clear()
        click.echo(text, err=err, color=colour_on(stream))


def info(text: str) -> None:
    """A line of normal output (`wrote ...`), not shown with -q."""
    if _verbosity >= NORMAL:
        echo(text)


def detail(text: str) -> None:
    """A line shown only with -v."""
    if _verbosity >= VERBOSE:
        echo(styled(text, sys.stdout, dim=True))


def error(where: str, message: str, path=None, line: int | None = None) -> None:
    """`Error: where: message` on stderr (where is `path:line`, or empty), and its CI annotation."""
    text = f"{where}: {message}" if where else message
    echo(f"{styled('Error:', sys.stderr, fg='red', bold=True)} {text}", err=True)
    annotate("error", message, path, line)


def warning(where: str, message: str, path=None, line: int | None = None) -> None:
    """`Warning: where: message` on stderr, and its CI annotation; shown with -q too."""
    text = f"{where}: {message}" if where else message
    echo(f"{styled('Warning:', sys.stderr, fg='yellow', bold=True)} {text}", err=True)
    annotate("warning", message, path, line)


# GitHub Actions -------------------------------------------------------------

def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def annotate(kind: str, message: str, path=None, line: int | None = None) -> None:
    """Under GitHub Actions, `::error file=F,line=L,title=T::message` (or ::warning) on stderr."""
    if in_github_actions():
        echo(annotation(kind, message, path, line), err=True)


def annotation(kind: str, message: str, path=None, line: int | None = None) -> str:
    """A GitHub Actions workflow command for one problem, its values escaped as the runner expects."""
    properties = []
    if path is not None:
        properties.append(f"file={_escape_property(display_path(path))}")
        if line is not None:
            properties.append(f"line={line}")
    properties.append(f"title={_escape_property(ANNOTATION_TITLES[kind])}")
    return f"::{kind} {','.join(properties)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# progress ---------------------------------------------------------------------

class Progress:
    """A progress bar on stderr for a build, click's (`click.progressbar`): `[####----] 2/5 brochure 3.1 s`,
    redrawn by a clock thread so a long step still shows time passing; shown only on a terminal, without
    -q, once the build has taken PROGRESS_AFTER seconds, and erased when the build ends. It has no colour,
    and click's cursor-hiding code is left out too (colour off), so a build stopped by Ctrl-C cannot leave
    the cursor hidden: the bar is carriage returns, spaces and its text."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = _verbosity >= NORMAL and _is_terminal(self.stream)
        self.total, self.done, self.label = 0, 0, ""
        self.started = time.monotonic()
        self.bar = None  # click's, made when first drawn (it is told the number of steps then)
        self.shown = False
        self.stopping = threading.Event()
        self.clock = threading.Thread(target=self._tick, name="progress", daemon=True)

    def __enter__(self) -> Progress:
        global _progress
        if self.enabled:
            _progress = self
            self.clock.start()
        return self

    def __exit__(self, *exc) -> None:
        global _progress
        if self.enabled:
            self.stopping.set()
            self.clock.join()
            with _lock:
                self.clear()
                _progress = None

    def update(self, done: int, total: int, label: str) -> None:
        """`done` of `total` steps finished; `label` names the one under way."""
        self.done, self.total, self.label = done, total, label
        if self.shown:
            self.draw()

    def _info(self, label: str | None) -> str:
        return f"{label or ''} {time.monotonic() - self.started:.1f} s"

    def draw(self) -> None:
        with _lock:
            if self.bar is None or self.bar.length != self.total:
                self.bar = click.progressbar(length=self.total, file=self.stream, color=False, width=BAR_WIDTH,
                                             fill_char="#", empty_char="-", bar_template="[%(bar)s] %(info)s",
                                             info_sep=" ", show_pos=True, show_percent=False, show_eta=False,
                                             item_show_func=self._info)
            self.bar.update(max(0, self.done - self.bar.pos), self.label)
            self.bar.render_progress()
            self.shown = True

    def clear(self) -> None:
        """Erase the bar (spaces over it), so the next message starts at the left edge."""
        if self.shown:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.shown = False

    def _tick(self) -> None:
        if self.stopping.wait(PROGRESS_AFTER):
            return
        while True:
            self.draw()
            if self.stopping.wait(PROGRESS_TICK):
                return


# builds -------------------------------------------------------------------------

class BuildReport:
    """The terminal's view of a build (a pipeline.BuildLog): the progress line, `wrote PATH (SIZE, TIME)`
    for each file put in place (with -v only, when `files_shown` is False, as `watch` prints one line a
    build), and with -v what was read and how long each output took. Keeps the inputs for watching."""

    def __init__(self, progress: Progress | None = None, files_shown: bool = True):
        self.progress_line = progress
        self.files_shown = files_shown
        self.files = None  # the gateway the build read through
        self.seconds: dict[str, float] = {}
        self.inputs: dict[str, dict] = {}
        self.written: list = []

    def reading(self, files) -> None:
        self.files = files

    def checked(self, seconds: float, files: int) -> None:
        detail(f"read and checked {files} files and folders in {seconds:.2f} s")

    def progress(self, done: int, total: int, label: str) -> None:
        if self.progress_line is not None:
            self.progress_line.update(done, total, label)

    def rendered(self, output: str, seconds: float, inputs) -> None:
        self.seconds[output] = seconds
        self.inputs[output] = inputs
        detail(f"rendered {output} in {seconds:.2f} s from {len(inputs)} files and folders")

    def wrote(self, path, size: int, output: str) -> None:
        self.written.append(path)
        line = f"wrote {display_path(path)} ({format_size(size)}, {self.seconds[output]:.2f} s)"
        if self.files_shown:
            info(line)
        else:
            detail(line)

    @property
    def record(self) -> dict:
        """Every file and folder the build read (also when it stopped at a problem)."""
        return self.files.record if self.files is not None else {}


def format_size(size: int) -> str:
    """Bytes as a person reads them: 812 B, 12.3 kB, 4.1 MB (powers of 1000)."""
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 999.95 or unit == "GB":
            return f"{size:.1f} {unit}"
