"""Outputs as plug-ins: the Output protocol, and the one registry that the build and the CLI read.

An output is one package (the brochure, the report, the web edition) with an object that says what it
is called, which template folder it uses, what it checks and what files it renders. The build loops over
the requested outputs and knows nothing of PDF or Word. To add one, write its package and add one line to
BUILT_IN below; a package installed beside Pressroom can instead name its output under the entry-point
group `pressroom.outputs`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

# "module:attribute" of each built-in output, in build order.
BUILT_IN = (
    "pressroom.brochure:OUTPUT",
    "pressroom.report:OUTPUT",
    "pressroom.report:EDITIONS",
    "pressroom.web:OUTPUT",
)
ENTRY_POINT_GROUP = "pressroom.outputs"
ALL = "all"


@dataclass(frozen=True)
class Job:
    """What an output is given: the settings, the gateway to the project's files, and the funders asked
    for with --funder (empty: every funder, for an output that makes one file per funder)."""

    settings: object  # pressroom.settings.Settings
    files: object  # pressroom.gateway.ProjectFiles
    funders: tuple[str, ...] = ()
    progress: Callable[[str], None] | None = None  # told of each step an output finishes (see `steps`)

    def advance(self, label: str) -> None:
        """One step of the output being rendered is done; `label` names it (`reports/acme.docx`)."""
        if self.progress is not None:
            self.progress(label)


@runtime_checkable
class Output(Protocol):
    name: str  # the build target: `pressroom build NAME`
    help: str  # one line for `pressroom build --help`
    template_folder: str  # its folder in templates/ and in the built-in theme ("" for none)
    make_target: str  # the file make tracks, relative to the output folder
    with_funders: str | None  # the output --funder builds instead of this one (None: --funder is an error)

    def check(self, document, job: Job, problems) -> None:
        """Record, in `problems`, what is wrong for this output without rendering it (every build does this)."""

    def rehearse(self, document, job: Job) -> None:
        """Render in memory and write nothing, raising PressroomError on a problem (`pressroom check`)."""

    def render(self, document, job: Job) -> list[tuple[str, bytes]]:
        """Every file of this output: (path relative to the output folder, bytes)."""

    def steps(self, document, job: Job) -> int:
        """How many steps `render` takes, for the progress line; it calls `job.advance` after each but
        the last (BaseOutput: one)."""

    def finish(self, out: Path, written: list[Path], job: Job) -> None:
        """After every output is in place: tidy the output folder (remove files that are out of date)."""


class BaseOutput:
    """Defaults for the optional parts of the protocol."""

    template_folder = ""
    with_funders: str | None = None

    def make_rule(self, job: Job) -> tuple[str, str]:
        """(the depfile's name, the file make tracks) for a build as `job` asks: an output whose settings
        change the file it makes (the brochure's trifold layout writes leaflet.pdf) says so here."""
        return self.name, self.make_target

    def check(self, document, job: Job, problems) -> None:
        pass

    def rehearse(self, document, job: Job) -> None:
        self.render(document, job)

    def steps(self, document, job: Job) -> int:
        return 1

    def finish(self, out: Path, written: list[Path], job: Job) -> None:
        pass


_registry: dict[str, Output] = {}
_loaded = False


def register(output: Output) -> Output:
    """Add an output (or replace the one of the same name); returns it."""
    if not isinstance(output, Output) or output.name == ALL:
        raise TypeError(f"not an output: {output!r}")
    _registry[output.name] = output
    return output


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registry() -> dict[str, Output]:
    """Every output by name, the built-in ones first, in build order."""
    global _loaded
    if not _loaded:
        _loaded = True
        added = dict(_registry)
        _registry.clear()
        for reference in BUILT_IN:
            register(_load(reference))
        for entry_point in _entry_points():
            register(entry_point.load())
        _registry.update(added)
    return _registry


def _load(reference: str) -> Output:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _entry_points():
    from importlib.metadata import entry_points

    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)


def make_rule(output: Output, job: Job) -> tuple[str, str]:
    """(depfile name, file make tracks) of `output` in this build; an output without make_rule (the
    method is optional) tracks its make_target under its own name."""
    rule = getattr(output, "make_rule", None)
    return rule(job) if callable(rule) else (output.name, output.make_target)


def targets() -> list[str]:
    """The build targets: every output's name, then `all`."""
    return [*registry(), ALL]


def requested(target: str, funders: tuple[str, ...] = ()) -> tuple[list[Output], tuple[str, ...]]:
    """The outputs a target builds and the funders they are narrowed to; ValueError for --funder with a
    target that has no editions."""
    outputs = registry()
    if target == ALL:
        return list(outputs.values()), funders
    output = outputs[target]
    if not funders:
        return [output], ()
    if output.with_funders is None:
        usable = [name for name, o in outputs.items() if o.with_funders]
        raise ValueError(f"--funder builds report editions: use it with {', '.join(usable)} or {ALL}")
    return [outputs[output.with_funders]], funders
