"""The build: read content once, write each requested output atomically under a lock on the output folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .config import Settings
from .content import ContentReader
from .errors import InterruptedAfterWriting, OutputError, PressroomError, Problems, display_path, known_names
from .sandbox import check_template_folder
from .templates import check_template_syntax

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
        """The request for a CLI target; named funders narrow the editions ("report": only theirs)."""
        if funders:
            if target == "brochure":
                raise ValueError("--funder builds report editions: use it with report, reports or all")
            return cls(brochure=target == "all", report=target == "all", funders=funders)
        return {
            "brochure": cls(True, False, None),
            "report": cls(False, True, None),
            "reports": cls(False, False, ()),
            "all": cls(True, True, ()),
        }[target]


def build(settings: Settings, request: BuildRequest = BuildRequest()) -> list[Path]:
    """Validate everything, render every requested output in memory, then put them all in place.

    Nothing in the output folder changes until every output has rendered, so a failed or interrupted
    build leaves the last good outputs as they were.
    """
    refuse_output_inside_inputs(settings)
    document = validate(settings, with_report=request.report or request.funders is not None)
    editions = select_funders(document, request.funders)
    with output_folder(settings.out) as lock:
        outputs = render_outputs(document, settings, request, editions)
        with lock():
            written = write_all(outputs)
            if request.funders == ():  # every edition was built: one for a removed funder is stale
                remove_stale_editions(settings.out / REPORTS_FOLDER, written)
            return written


def refuse_output_inside_inputs(settings: Settings) -> None:
    """Outputs written into content/ or templates/ would be read back by the next build."""
    out = settings.out.resolve()
    for folder in (settings.content, settings.templates):
        if out.is_relative_to(folder.resolve()):
            raise OutputError(f"output folder: is inside {folder.name}/, where the next build would read the "
                              "outputs back; choose a folder outside it", settings.out)


def remove_stale_editions(folder: Path, written: list[Path]) -> None:
    """Delete editions in build/reports/ for funders no longer in funders.yaml."""
    for path in folder.glob("*.docx") if folder.is_dir() else ():
        if path not in written and not path.is_dir():
            path.unlink(missing_ok=True)


def render_outputs(document: m.Document, settings: Settings, request: BuildRequest,
                   editions: list[dict]) -> list[tuple[Path, bytes]]:
    """Every requested output as (target path, bytes), nothing written yet."""
    outputs = []
    if request.brochure:
        from .writers.pdf import write_brochure

        outputs.append((settings.out / "brochure.pdf", write_brochure(document, settings)))
    if request.report:
        outputs.append((settings.out / "report.docx", render_report(document, settings)))
    for funder in editions:
        target = settings.out / REPORTS_FOLDER / f"{funder['slug']}.docx"
        outputs.append((target, render_report(document, settings, funder)))
    return outputs


def validate(settings: Settings, with_report: bool = True) -> m.Document:
    """Read content/ and check templates/ (with the report's reference document if `with_report`);
    raise one ContentError listing every problem in both."""
    reader = ContentReader(settings)
    document = reader.read(raise_problems=False)
    problems = reader.problems
    template_texts = check_template_folder(settings.templates, reader.sandbox, problems.add)
    check_template_syntax(settings.templates, template_texts, problems.add)
    if with_report and settings.templates.is_dir():  # a missing folder is reported once, above
        from .writers.docx import check_reference_document

        check_reference_document(reference_document(settings), problems.add)
    problems.raise_if_any(_folders_named(problems, settings))
    return document


def _folders_named(problems: Problems, settings: Settings) -> str:
    """`content/`, `templates/` or both: where the problems are, for the count line."""
    templates = Path(os.path.abspath(settings.templates))
    in_templates = [Path(os.path.abspath(p.path)).is_relative_to(templates) for p in problems.items]
    names = []
    if not all(in_templates):
        names.append(f"{settings.content.name}/")
    if any(in_templates):
        names.append(f"{settings.templates.name}/")
    return " and ".join(names)


def check(settings: Settings) -> m.Document:
    """Validate content and templates without writing anything (renders templates in memory)."""
    from .report import plan_report
    from .writers.pdf import check_brochure

    document = validate(settings)
    check_brochure(document, settings)
    for funder in [None, *select_funders(document, ())]:
        plan_report(document, settings, funder)
    return document


def render_report(document: m.Document, settings: Settings, funder: dict | None = None) -> bytes:
    """One edition of the Word report (general when `funder` is None) as .docx bytes."""
    from .report import plan_report
    from .writers.docx import write_report

    blocks = plan_report(document, settings, funder)
    return write_report(document, blocks, reference_document(settings))


def reference_document(settings: Settings) -> Path:
    """The Word document whose styles the report uses."""
    from .report import REFERENCE_DOC

    return settings.templates / "report" / REFERENCE_DOC


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
        known = known_names(by_slug)
        raise PressroomError(f"funder: no funder with slug '{unknown[0]}' (known: {known})",
                             document.root / "data" / "funders.yaml")
    return [by_slug[s] for s in slugs]


@contextlib.contextmanager
def output_folder(folder: Path):
    """Create the output folder (failing early and clearly); yields `lock`, a context that holds it.

    The lock is an exclusive flock on a file in the folder, so concurrent builds of one project take
    turns putting their outputs in place, and a build can safely clear temporary files a killed one left.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_FILE, "a")
    except OSError as error:
        raise OutputError(f"output folder: cannot create or write it: {_why(error, folder)}", folder) from None

    @contextlib.contextmanager
    def lock():
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _remove_leftovers(folder)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

    with handle:
        yield lock


def _why(error: OSError, folder: Path) -> str:
    """An OSError as a reason a person can act on."""
    if isinstance(error, NotADirectoryError) or (isinstance(error, FileExistsError) and not folder.is_dir()):
        blocker = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()), folder)
        return f"'{display_path(blocker)}' is a file, not a folder"
    return (error.strerror or str(error)).lower()


def _remove_leftovers(folder: Path) -> None:
    """Delete temporary files left by a build that was killed outright (we hold the lock)."""
    for part in [*folder.glob(".*.part"), *(folder / REPORTS_FOLDER).glob(".*.part")]:
        part.unlink(missing_ok=True)


def write_all(outputs: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every output beside its target, then rename them all into place (the old files survive
    any failure before the renames, which cannot be interrupted by Ctrl-C)."""
    for target, _ in outputs:  # the one rename that can fail in a writable folder: check before any
        if target.is_dir():
            raise OutputError("cannot write: a folder is in the way; remove or rename it", target)
    temporaries: list[tuple[Path, Path]] = []
    target = outputs[0][0] if outputs else None
    try:
        for target, data in outputs:
            temporaries.append((write_temporary(target, data), target))
        with _deferred_interrupt():
            for temporary, target in temporaries:
                os.replace(temporary, target)
    except BaseException as error:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write: {_why(error, target.parent)}", target) from None
        raise
    return [target for _, target in temporaries]


def write_temporary(target: Path, data: bytes) -> Path:
    """`data` in a new file beside `target` (same folder, so the rename is atomic), flushed to disk."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part",
                                             delete=False)
    except OSError as error:
        raise OutputError(f"output folder: cannot write: {_why(error, target.parent)}", target.parent) from None
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


@contextlib.contextmanager
def _deferred_interrupt():
    """Hold Ctrl-C for the few microseconds the renames take, so outputs are replaced all together;
    a Ctrl-C that arrived meanwhile is delivered once they are done, saying the outputs are new."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received and previous is signal.default_int_handler:
        raise InterruptedAfterWriting()
    if received and callable(previous):
        previous(signal.SIGINT, received[0])
