"""`pressroom watch`, and the watching that `preview` shares: which edits call for a rebuild.

An edit matters when it touches a file or folder the last build read (the gateway's record of inputs,
the same record the depfiles hold), when a file is added under content/ or templates/ (a new section, an
overriding template), or when pressroom.yaml changes. Anything else in those folders (an unused image, an
editor's swap file, the temporary file of `sed -i`, a file that came and went unread) is left alone.
Watching uses the operating system's notifications (watchfiles).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterator

from . import console
from .errors import PressroomError
from .gateway import THEME
from .settings import CONFIG_FILE, Settings

STEP_MS = 50  # a batch of changes is handled once nothing else changed for this long (an editor's save)
DEBOUNCE_MS = 400  # ... or after this long, however busy the folder is
WAKE_MS = 200  # how soon the watching is known to have begun


class ProjectWatch:
    """The folders of one project to watch, and the inputs of its last build."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.config = _real(settings.content.parent / CONFIG_FILE)
        self.added_under = [_real(settings.content), _real(settings.templates)]
        self.inputs: set[Path] = set()  # empty: before the first build, every change counts

    def folders(self) -> list[Path]:
        """What to watch: content/, templates/ and the built-in theme where they exist, and pressroom.yaml's
        folder is covered by watching the file itself."""
        roots = [self.settings.content, self.settings.templates, THEME]
        found = [Path(os.path.abspath(root)) for root in roots if root.is_dir()]
        if self.config.is_file():
            found.append(self.config)
        return found

    def shown(self) -> str:
        """The project's folders and files watched, as the user names them (`content/, pressroom.yaml`)."""
        theme = Path(os.path.abspath(THEME))
        return ", ".join(console.display_path(path) + ("/" if path.is_dir() else "")
                         for path in self.folders() if path != theme)

    def remember(self, record) -> None:
        """The files and folders the last build read (also when it stopped at a problem)."""
        self.inputs = {_real(path) for path in record}

    def relevant(self, batch) -> list[Path]:
        """The paths of a batch of (change, path) that call for a rebuild, in name order."""
        from watchfiles import Change

        wanted = not_temporary()
        found = set()
        for change, name in batch:
            path = _real(Path(name))
            if path in self.inputs or path == self.config:
                found.add(path)
            elif not wanted(change, name) or not os.path.lexists(path):
                continue  # an editor's temporary file, or one that came and went unread: nothing to rebuild
            elif not self.inputs or (change == Change.added
                                     and any(path.is_relative_to(folder) for folder in self.added_under)):
                found.add(path)
        return sorted(found)

    def changes(self) -> Iterator[list[Path]]:
        """An empty list once the watching has begun (build then: an edit made meanwhile is not missed),
        then each batch of edits that calls for a rebuild, as it happens (until Ctrl-C)."""
        import watchfiles

        started = False
        for batch in watchfiles.watch(*self.folders(), debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=WAKE_MS,
                                      yield_on_timeout=True):
            relevant = self.relevant(batch) if started else []
            if relevant or not started:
                started = True
                yield relevant


def not_temporary():
    """watchfiles' filter of editors' swap and backup files (and .git and the like), told of the other
    temporary files an edit leaves: hidden ones, `sed -i`'s sedXXXXXX and .tmp files."""
    from watchfiles import DefaultFilter

    return DefaultFilter(ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns, r"^\.", r"^sed[A-Za-z0-9]{6}$",
                                                 r"\.tmp$"))


def _real(path: Path) -> Path:
    """An absolute path with its links resolved, as the events for it name it (the theme may be a link)."""
    return Path(os.path.realpath(path))


def describe(changed: list[Path]) -> str:
    """`content/a.md changed`, `content/a.md and 2 more changed`."""
    if not changed:
        return "first build"
    first = console.display_path(changed[0])
    return f"{first} changed" if len(changed) == 1 else f"{first} and {len(changed) - 1} more changed"


def affected(outputs: list[str], inputs: dict[str, set[Path]], changed: list[Path], watch: ProjectWatch) -> list[str]:
    """The outputs to rebuild: those that read a changed file; all of them after an added file, a
    failed build, or when none has been built yet."""
    if any(path not in watch.inputs for path in changed) or any(name not in inputs for name in outputs):
        return outputs
    return [name for name in outputs if any(path in inputs[name] for path in changed)] or outputs


def built_line(rebuilt: list[str], files: int, seconds: float, fresh: list[str], after_error: bool) -> str:
    """What a rebuild did: `rebuilt brochure (1 file) in 0.41 s`, and the outputs it found up to date (an
    edit undone, an error fixed by going back to what was last built): `brochure up to date again (error
    fixed)`."""
    parts = []
    if rebuilt:
        parts.append(f"rebuilt {', '.join(rebuilt)} ({files} file{'s' if files != 1 else ''}) in {seconds:.2f} s")
    if fresh:
        why = "again (error fixed)" if after_error else "(as last built)"
        parts.append(f"{', '.join(fresh)} up to date {why}")
    return "; ".join(parts)


def watch_and_build(load_settings: Callable[[], Settings], outputs: list[str], funders: tuple[str, ...]) -> None:
    """Build the outputs, then rebuild those an edit touches, until Ctrl-C; one line per build: what
    changed, what was written and how long it took (and, when only one part of the brochure was laid out
    again, which). A problem is reported and the watching goes on."""
    from .brochure.relayout import relayout_memory
    from .freshness import recorded_inputs
    from .outputs import registry
    from .pipeline import BuildRequest, build

    settings = load_settings()
    watch = ProjectWatch(settings)
    inputs: dict[str, set[Path]] = {}
    failed = False  # whether the last build stopped at a problem

    def rebuild(changed: list[Path]) -> None:
        nonlocal failed
        names = affected(outputs, inputs, changed, watch)
        report = console.BuildReport(files_shown=False)
        started = time.monotonic()
        memory.last = ""
        try:
            with console.Progress() as progress:
                report.progress_line = progress
                current = load_settings()
                written = build(current, BuildRequest(tuple(names), funders), report)
        except PressroomError as error:
            error.show()
            console.info(f"{describe(changed)}: {error.summary}; the outputs are as they were")
            for name in names:
                inputs.pop(name, None)
            failed = True
        else:
            rebuilt = [name for name in names if name in report.inputs]
            fresh = [name for name in names if name not in report.inputs]  # as their last build left them
            for name in rebuilt:
                inputs[name] = {_real(path) for path in report.inputs[name]}
            for name in fresh:
                inputs[name] = {_real(path) for path in recorded_inputs(current, registry()[name], funders)}
            relaid = f"; {memory.last}" if memory.last.startswith("relaid out") else ""
            done = built_line(rebuilt, len(written), time.monotonic() - started, fresh, after_error=failed)
            console.info(f"{describe(changed)}: {done}{relaid}")
            failed = False
            if memory.last and not relaid:
                console.detail(f"brochure: {memory.last}")
        finally:  # what this build read, and what the outputs it did not rebuild read last time
            watch.remember([*report.record, *(path for paths in inputs.values() for path in paths)])

    try:
        with relayout_memory() as memory:
            for changed in watch.changes():
                if not changed:
                    console.info(f"watching {watch.shown()} (Ctrl-C to stop)")
                rebuild(changed)
    except KeyboardInterrupt:
        console.info("stopped")
