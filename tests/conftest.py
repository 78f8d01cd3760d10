"""Shared fixtures: small projects under tmp_path, built with the repository's real templates."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import pressroom
from pressroom.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def brochure_pdf(document, settings) -> bytes:
    return pressroom.render(settings, "brochure", document)["brochure.pdf"]


def report_docx(document, settings, funder: dict | None = None) -> bytes:
    """The general report, or the edition for `funder` (a funders.yaml entry, which need not be in it)."""
    if funder is None:
        return pressroom.render(settings, "report", document)["report.docx"]
    from pressroom.report import render_report

    return render_report(document, pressroom.ProjectFiles(settings), funder)


def job_for(settings):
    """What an output is given, for tests that call into one output's package."""
    return pressroom.Job(settings, pressroom.ProjectFiles(settings))


class Project:
    """A throwaway project: content/, templates/ (copied from the repo) and build/."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.out = root / "build"
        shutil.copytree(REPO / "templates", self.templates)

    def write(self, relative: str, text: str) -> Path:
        return write(self.root / relative, text)

    @property
    def settings(self) -> Settings:
        return Settings(content=self.content, templates=self.templates, out=self.out)

    def args(self) -> list[str]:
        return ["--content", str(self.content), "--templates", str(self.templates)]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A minimal valid project: an index and two sections."""
    p = Project(tmp_path)
    p.write("content/index.md", """
        ---
        title: Test Brochure
        organisation: Test Org
        date: 2024-05-01
        lang: en
        ---
        The introduction with _emphasis_.
        """)
    p.write("content/sections/01-first.md", """
        ---
        title: First Section
        ---
        First body paragraph.
        """)
    p.write("content/sections/02-second.md", """
        ---
        title: Second Section
        ---
        Second body paragraph.
        """)
    return p


@pytest.fixture
def repo_project(tmp_path: Path) -> Project:
    """A copy of the repository's real content and templates."""
    p = Project(tmp_path)
    shutil.copytree(REPO / "content", p.content)
    return p
