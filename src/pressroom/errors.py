"""One small exception tree, and the wording and location of problems.

Library code raises these; only the CLI turns them into exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from . import console
from .console import display_path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: Path
    line: int | None
    message: str

    def where(self) -> str:
        """`path:line`, or the path alone for a problem with a whole file or folder."""
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return where

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


def count_line(count: int, folder: str) -> str:
    """The closing line of an error report: `3 errors in content/`."""
    return f"{count} error{'s' if count != 1 else ''} in {folder}"


def _top_folder(path: Path | None) -> str:
    """`templates/` for templates/report/x.j2: the project folder a problem is in, for the count line."""
    shown = Path(display_path(path)) if path is not None else None
    if shown is None or shown.is_absolute() or len(shown.parts) < 2:
        return "the project"
    return shown.parts[0] + "/"


class PressroomError(click.ClickException):
    """A user-facing error: exit code 1, one line `Error: path:line: what is wrong`, then a count."""

    exit_code = 1

    def __init__(self, message: str, path: Path | None = None, line: int | None = None, folder: str = ""):
        self.problems = [Problem(path, line, message)] if path is not None else []
        self.summary = count_line(1, folder or _top_folder(path))
        super().__init__(str(self.problems[0]) if self.problems else message)

    def show(self, file=None) -> None:
        """Each problem as `Error: path:line: message` on stderr (and, under GitHub Actions, as an
        annotation on that line), then the count."""
        for problem in self.problems:
            console.error(problem.where(), problem.message, problem.path, problem.line)
        if not self.problems:
            console.error("", self.format_message())
        console.echo(self.summary, err=True)


class ContentError(PressroomError):
    """Every problem found in content/ or templates/, reported together."""

    def __init__(self, problems: list[Problem], folder: str = "content/"):
        self.problems = list(problems)
        self.summary = count_line(len(self.problems), folder)
        click.ClickException.__init__(self, "\n".join(str(p) for p in self.problems))


class OutputError(PressroomError):
    """An output could not be written (folder missing, not writable, locked)."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message, path, folder="the output folder")


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C arrived while the outputs were being put in place: it was held until all of them were."""


class Problems:
    """Collects problems while reading, so all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        """Record a problem; the same problem found by two checks (two outputs sharing a template, say)
        is kept once."""
        problem = Problem(path, line, message)
        if problem not in self.items:
            self.items.append(problem)

    def raise_if_any(self, folder: str = "content/") -> None:
        if self.items:
            raise ContentError(self.items, folder)


def unreadable_text(error: Exception) -> str:
    """The problem with a project file that cannot be read, or not as UTF-8 text."""
    return f"file: cannot read as UTF-8 text ({error})"


def known_names(names, limit: int = 8) -> str:
    """A short list of valid names for an error message: the first few, then how many more."""
    names = sorted(names)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def warn(message: str, path: Path | None = None, line: int | None = None) -> None:
    """One line on stderr for something the reader should know, `Warning: path:line: message` (and,
    under GitHub Actions, an annotation on that line); the build goes on."""
    where = Problem(path, line, message).where() if path is not None else ""
    console.warning(where, message, path, line)
