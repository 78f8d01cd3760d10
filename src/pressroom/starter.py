"""`pressroom new`: a new project from the sample in starter/, optionally with a copy of the theme."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from .errors import display_path
from .gateway import THEME

STARTER = Path(__file__).resolve().parent / "starter"
RENAMED = {"gitignore": ".gitignore"}  # kept under another name in the package, so packaging keeps it


class NotCreated(click.ClickException):
    """No project was created: one line naming the folder, exit code 1."""

    def __init__(self, folder: Path, why: str):
        shown = str(folder.absolute()) if folder.absolute() == Path.cwd() else display_path(folder)
        super().__init__(f"{shown}: {why}")


def new_project(folder: Path, with_theme: bool = False) -> list[Path]:
    """Create a working project in `folder` (new or empty); returns the files written, sorted."""
    refuse_unless_empty(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = [_copy(source, folder / _renamed(source.relative_to(STARTER))) for source in _files(STARTER)]
        if with_theme:
            written += [_copy(source, folder / "templates" / source.relative_to(THEME.resolve()))
                        for source in _files(THEME.resolve())]
    except OSError as error:
        raise NotCreated(folder, f"cannot create the project: {(error.strerror or str(error)).lower()}") from None
    return sorted(written)


def refuse_unless_empty(folder: Path) -> None:
    if folder.is_file():
        raise NotCreated(folder, "is a file; choose a new or empty folder for the project")
    if folder.is_dir() and any(folder.iterdir()):
        raise NotCreated(folder, "folder is not empty; choose a new or empty folder for the project")


def _renamed(relative: Path) -> Path:
    return relative.with_name(RENAMED.get(relative.name, relative.name))


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
