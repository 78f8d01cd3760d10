"""The build: read content once, write each requested output atomically under a lock on the output folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .config import Settings
from .content import read_content
from .errors import OutputError, PressroomError

LOCK_FILE = ".pressroom.lock"
REPORTS_FOLDER = "reports"


@dataclass(frozen=True)
class BuildRequest:
    """What to build: any of brochure, the general report, and funder editions (slugs; None = none)."""

    brochure: bool = True
    report: bool = True
    funders: tuple[str, ...] | None = None  # () means every funder in content/data/funders.yaml

    @classmethod
    def for_target(cls, target: str, funders: tuple[str, ...] = ()) -> BuildRequest:
        if funders:
            return cls(brochure=False, report=False, funders=funders)
        return {
            "brochure": cls(True, False, None),
            "report": cls(False, True, None),
            "reports": cls(False, False, ()),
            "all": cls(True, True, ()),
        }[target]


def build(settings: Settings, request: BuildRequest = BuildRequest()) -> list[Path]:
    """Read the content once and write every requested output; returns the paths written."""
    document = read_content(settings)
    editions = select_funders(document, request.funders)
    written = []
    with locked_output(settings.out):
        if request.brochure:
            from .writers.pdf import write_brochure

            written.append(write_atomic(settings.out / "brochure.pdf", write_brochure(document, settings)))
        if request.report:
            written.append(write_atomic(settings.out / "report.docx", render_report(document, settings)))
        for funder in editions:
            target = settings.out / REPORTS_FOLDER / f"{funder['slug']}.docx"
            written.append(write_atomic(target, render_report(document, settings, funder)))
    return written


def check(settings: Settings) -> m.Document:
    """Validate content and templates without writing anything (renders templates in memory)."""
    from .report import plan_report
    from .writers.pdf import render_brochure_html

    document = read_content(settings)
    render_brochure_html(document, settings)
    for funder in [None, *select_funders(document, ())]:
        plan_report(document, settings, funder)
    return document


def render_report(document: m.Document, settings: Settings, funder: dict | None = None) -> bytes:
    from .report import REFERENCE_DOC, plan_report
    from .writers.docx import write_report

    blocks = plan_report(document, settings, funder)
    return write_report(document, blocks, settings.templates / "report" / REFERENCE_DOC)


def select_funders(document: m.Document, slugs: tuple[str, ...] | None) -> list[dict]:
    """The funders to make editions for: none, all (empty tuple) or the named ones."""
    if slugs is None:
        return []
    funders = document.data.get("funders") or []
    if not slugs:
        return list(funders)
    by_slug = {f["slug"]: f for f in funders}
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        known = ", ".join(by_slug) or "none"
        raise PressroomError(f"funder: no funder with slug '{unknown[0]}' (known: {known})",
                             document.root / "data" / "funders.yaml")
    return [by_slug[s] for s in slugs]


@contextlib.contextmanager
def locked_output(folder: Path):
    """Create the output folder and hold an exclusive lock on it, so concurrent builds take turns."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_FILE, "a")
    except OSError as error:
        raise OutputError(f"output folder: cannot create or write: {error.strerror}", folder) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomic(target: Path, data: bytes) -> Path:
    """Write beside the target, then rename into place: the old file survives any failure."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part",
                                             delete=False)
    except OSError as error:
        raise OutputError(f"output folder: cannot write: {error.strerror}", target.parent) from None
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write: {error.strerror}", target) from None
        raise
    return target
