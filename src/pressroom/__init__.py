"""Pressroom: structured Markdown in, a PDF brochure, a Word report and a web edition out.

The public API (names are imported on first use, so `pressroom --help` stays fast):

    import pressroom
    settings = pressroom.load_settings("path/to/project", paper="A5")  # defaults < pressroom.yaml < these
    document = pressroom.check(settings)              # read and check everything; write nothing
    files = pressroom.render(settings, "brochure")    # {"brochure.pdf": b"%PDF..."} in memory
    written = pressroom.build(settings, "all")        # write the outputs into settings.out

Outputs are plug-ins: `pressroom.register(output)` adds one (see `pressroom.Output`, `pressroom.BaseOutput`).
Errors in the project raise `pressroom.PressroomError`, whose `.problems` are located one-line problems.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["BaseOutput", "Document", "Job", "Output", "PressroomError", "Problem", "ProjectFiles", "Settings",
           "build", "check", "load_settings", "read", "register", "registry", "render"]

_LAZY = {
    "Settings": "settings",
    "Output": "outputs", "BaseOutput": "outputs", "Job": "outputs", "register": "outputs",
    "registry": "outputs",
    "PressroomError": "errors", "Problem": "errors",
    "ProjectFiles": "gateway", "Document": "model",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'pressroom' has no attribute {name!r}")


def load_settings(project_dir=".", **overrides):
    """The settings of the project in `project_dir` (a path or text): defaults (its content/, templates/ and
    build/), then its pressroom.yaml, then `overrides` (setting names, as in pressroom.yaml)."""
    from .settings import load_settings as load

    return load(project_dir, folders_in_project=True, **overrides)


def read(settings):
    """The project's content as a Document; raises PressroomError listing every problem in content/."""
    from .content import read_content

    return read_content(settings)


def check(settings):
    """Read content/, check the templates and render every output in memory; write nothing.
    Returns the Document; raises PressroomError listing every problem."""
    from .pipeline import check as check_project

    return check_project(settings)


def build(settings, target: str = "all", funders: tuple[str, ...] = (), force: bool = False) -> list:
    """Build `target` (an output's name or "all") into settings.out; returns the paths written. Outputs
    whose inputs are unchanged since they were last built are left as they are, unless `force`."""
    from .pipeline import BuildRequest, build as build_project

    return build_project(settings, BuildRequest.for_target(target, tuple(funders)), force=force)


def render(settings, output: str, document=None, funders: tuple[str, ...] = ()) -> dict[str, bytes]:
    """One output's files in memory, {relative path: bytes}, from `document` (read from content/ if None)."""
    from .gateway import ProjectFiles
    from .outputs import Job, registry

    job = Job(settings, ProjectFiles(settings), tuple(funders))
    if document is None:
        from .content import read_content

        document = read_content(settings, job.files)
    return dict(registry()[output].render(document, job))
