"""The build: read content once, render each requested output (see outputs.py), put them all in place
atomically under a lock on the output folder. Knows no output's format: each is a plug-in."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import gc
import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .content import ContentReader
from .errors import InterruptedAfterWriting, OutputError, Problems, display_path, warn
from .freshness import build_key, fresh_outputs, record, record_path, up_to_date_line
from .gateway import DEPFILE_FOLDER, ProjectFiles, depfile
from .labels import translation_warning
from .outputs import ALL, Job, Output, make_rule, registry, requested
from .settings import CONFIG_FILE, Settings
from .templates import check_templates
from .timelimit import render_budget

LOCK_FILE = ".pressroom.lock"
COMMON = ""  # the key of the files every output was made from (content/, shared templates)


@dataclass(frozen=True)
class BuildRequest:
    """What to build: outputs by name (in registry order), and the funders --funder named (empty: all)."""

    outputs: tuple[str, ...]
    funders: tuple[str, ...] = ()

    @classmethod
    def for_target(cls, target: str, funders: tuple[str, ...] = ()) -> BuildRequest:
        """The request for a CLI target; --funder slugs narrow the outputs made per funder. Raises
        ValueError for --funder with a target that makes nothing per funder."""
        chosen, funders = requested(target, funders)
        return cls(tuple(output.name for output in chosen), funders)


class BuildLog:
    """What a build tells whoever started it: the CLI shows it (progress, one line per file), watch and
    preview keep the inputs to watch. This one tells no one."""

    def reading(self, files: ProjectFiles) -> None:
        """The build reads the project through `files`, whose record of inputs grows as it reads (and
        stays, with what was read, when the build stops at a problem)."""

    def checked(self, seconds: float, files: int) -> None:
        """Content and templates were read and checked: `files` files and folders, in `seconds`."""

    def progress(self, done: int, total: int, label: str) -> None:
        """`done` of the `total` render steps are finished; `label` names the one under way."""

    def rendered(self, output: str, seconds: float, inputs: dict[Path, None]) -> None:
        """`output` was rendered in memory, in `seconds`, from `inputs` (absolute paths)."""

    def wrote(self, path: Path, size: int, output: str) -> None:
        """`path` (`size` bytes, made by `output`) was put in place."""


class Built(list):
    """The paths a build wrote; `up_to_date` is the line naming the outputs it left as they were, "" if none."""

    def __init__(self, paths=(), up_to_date: str = ""):
        super().__init__(paths)
        self.up_to_date = up_to_date


def build(settings: Settings, request: BuildRequest | None = None, log: BuildLog | None = None,
          force: bool = False) -> Built:
    """Validate everything, render every requested output in memory, then put them all in place.

    Nothing in the output folder changes until every output has rendered, so a failed or interrupted
    build leaves the last good outputs as they were. Beside the outputs, `.deps/NAME.d` records for make
    the files each output was made from, and `.deps/NAME.json` what they were (freshness.py): an output
    whose inputs are unchanged since is left as it is, unless `force`. `log` is told how the build goes.
    """
    request = request or BuildRequest.for_target(ALL)
    log = log or BuildLog()
    outputs = [registry()[name] for name in request.outputs]
    refuse_output_inside_inputs(settings)
    fresh = {} if force else fresh_outputs(settings, outputs, request.funders)
    outputs = [output for output in outputs if output.name not in fresh]
    up_to_date = up_to_date_line(fresh, settings.out) if fresh else ""
    if not outputs:
        return Built((), up_to_date)
    with few_collections():
        job, document, reads = _read_and_check(settings, request, outputs, log)
        with output_folder(settings.out) as lock:
            made_from: list = []  # (output, its files, what it was made from), for the records
            rendered = render_outputs(document, job, outputs, reads, log, made_from)
            with lock():
                written = write_all([(path, data) for path, data, _ in rendered],
                                    then=functools.partial(_records, job, made_from))
                for output in outputs:
                    output.finish(settings.out, written, job)
                made = [(path, len(data), name) for path, data, name in rendered
                        if path.parent.name != DEPFILE_FOLDER]
                for path, size, name in made:
                    log.wrote(path, size, name)
                return Built([path for path, _, _ in made], up_to_date)


def render(settings: Settings, request: BuildRequest, log: BuildLog | None = None) -> dict[str, bytes]:
    """The requested outputs' files in memory, {path relative to the output folder: bytes}: validated and
    rendered as a build does them, but nothing written and no lock taken (the preview's build)."""
    log = log or BuildLog()
    outputs = [registry()[name] for name in request.outputs]
    with few_collections():
        job, document, reads = _read_and_check(settings, request, outputs, log)
        return {path.relative_to(settings.out).as_posix(): data
                for path, data, _ in render_outputs(document, job, outputs, reads, log)
                if path.parent.name != DEPFILE_FOLDER}


def _read_and_check(settings: Settings, request: BuildRequest, outputs: list[Output], log: BuildLog):
    """The job, the validated document and what each output read, with the log told how reading went."""
    job = Job(settings, ProjectFiles(settings), request.funders)
    log.reading(job.files)
    started = time.monotonic()
    document, reads = validate(job, outputs)
    log.checked(time.monotonic() - started, len(job.files.record))
    return job, document, reads


@contextlib.contextmanager
def few_collections():
    """Cyclic garbage collection a hundred times less often inside the `with`. A build makes millions of
    objects that live until it ends (the model, the XML) and few cycles, so the collector's passes over
    them found little and cost about 0.5 s of the 6 s a 1000-copy report took; passes over the young
    objects alone still free the cycles there are (syntax trees link each node to its parent). One `with`
    spans the whole build: the usual thresholds back between reading and rendering set off a pass over
    everything, which in `watch` (the last layout kept in memory) took 1.2 s of a 6 s rebuild."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _file_named(output: Output, job: Job) -> str:
    """The file an output makes, as errors name it (a folder's stamp file: the folder)."""
    target = Path(make_rule(output, job)[1])
    return (target.parent if target.name.startswith(".") else target).as_posix()


def _records(job: Job, made_from: list, temporaries: list[tuple[Path, Path]]) -> list[tuple[Path, bytes]]:
    """Each output's record (freshness.py), from its inputs as read and its files as just written."""
    stats = {target: os.stat(temporary) for temporary, target in temporaries}
    records = []
    for output, files, inputs in made_from:
        key = build_key(job.settings, output.name, job.funders)
        prints = {path: job.files.prints.get(path) for path in inputs}
        data = record(key, prints, {target: stats[target] for target in files})
        records.append((record_path(job.settings.out, make_rule(output, job)[0]), data))
    return records


def refuse_output_inside_inputs(settings: Settings) -> None:
    """Outputs written into content/ or templates/ would be read back by the next build."""
    out = settings.out.resolve()
    for folder in (settings.content, settings.templates):
        if out.is_relative_to(folder.resolve()):
            raise OutputError(f"output folder: is inside {folder.name}/, where the next build would read the "
                              "outputs back; choose a folder outside it", settings.out)


def render_outputs(document: m.Document, job: Job, outputs: list[Output], reads: dict[str, dict[Path, None]],
                   log: BuildLog, made_from: list | None = None) -> list[tuple[Path, bytes, str]]:
    """Every requested output as (target path, bytes, output name), nothing written yet; after them, each
    output's depfile: the files read for every output (content/, the config) and those read for it alone.
    Each output renders within the render budget; `made_from` gets (output, its target paths, its inputs)."""
    out = job.settings.out
    config = [job.settings.content.parent / CONFIG_FILE]
    steps = [output.steps(document, job) for output in outputs]
    total, done = sum(steps), 0
    rendered, depfiles = [], []
    for output, count in zip(outputs, steps):
        log.progress(done, total, output.name)
        finished = [done]

        def advance(label: str, finished=finished, last=done + count - 1) -> None:
            finished[0] = min(finished[0] + 1, last)
            log.progress(finished[0], total, label)

        started = time.monotonic()
        with job.files.recording() as own, render_budget(job.settings.max_render_seconds, _file_named(output, job)):
            files = [(out / _inside(name, output), data) for name, data in
                     output.render(document, dataclasses.replace(job, progress=advance))]
        rendered += [(path, data, output.name) for path, data in files]
        done += count
        inputs = dict.fromkeys([*reads[COMMON], *reads[output.name], *own, *(p for p in config if p.is_file())])
        log.rendered(output.name, time.monotonic() - started, inputs)
        name, target = make_rule(output, job)
        depfiles.append((out / DEPFILE_FOLDER / f"{name}.d", depfile(out / target, inputs), output.name))
        if made_from is not None:
            made_from.append((output, [path for path, _ in files], {**reads[COMMON], **reads[output.name], **own}))
    log.progress(done, total, "writing")
    return rendered + depfiles


def _inside(name: str, output: Output) -> Path:
    """An output's relative file name, refused if it would land outside the output folder."""
    path = Path(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"output {output.name!r} named the file {name!r}, which is outside the output folder")
    return path


def validate(job: Job, outputs: list[Output] | None = None) -> tuple[m.Document, dict[str, dict[Path, None]]]:
    """Read content/ and check the templates and what `outputs` need (every output if None); raise one
    ContentError listing every problem in both. Returns the document and the files read: for every
    output (under COMMON) and for each output's own checks (under its name)."""
    problems = Problems()
    outputs = list(registry().values()) if outputs is None else outputs
    reads = {}
    with job.files.recording() as reads[COMMON]:
        document = ContentReader(job.settings, job.files, problems).read(raise_problems=False)
        check_templates(job.files, problems, set())  # the templates outside any output's folder
    for output in outputs:
        with job.files.recording() as reads[output.name]:
            check_templates(job.files, problems, {output.template_folder}, shared=False)
            output.check(document, job, problems)
    problems.raise_if_any(_folders_named(problems, job.settings))
    untranslated = translation_warning(document.meta.lang)
    if untranslated:
        warn(untranslated)
    return document, reads


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
    """Validate content and templates for every output, rendering each in memory; write nothing."""
    job = Job(settings, ProjectFiles(settings))
    document, _ = validate(job)
    for output in registry().values():
        output.rehearse(document, job)
    return document


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
    for part in folder.rglob(".*.part"):
        part.unlink(missing_ok=True)


def write_all(outputs: list[tuple[Path, bytes]], then=None) -> list[Path]:
    """Write every output beside its target, then rename them all into place (the old files survive
    any failure before the renames, which cannot be interrupted by Ctrl-C). `then`, given the
    (temporary, target) pairs written, returns more files to put in place with them."""
    for target, _ in outputs:  # the one rename that can fail in a writable folder: check before any
        if target.is_dir():
            raise OutputError("cannot write: a folder is in the way; remove or rename it", target)
    temporaries: list[tuple[Path, Path]] = []
    target = outputs[0][0] if outputs else None
    try:
        for target, data in outputs:
            temporaries.append((write_temporary(target, data), target))
        for target, data in then(list(temporaries)) if then else ():
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
