"""Cached rebuilds: a build whose recorded inputs are unchanged renders nothing and says so; any change to
what an output was made from (a file, a folder's files, a setting, the output itself) renders it again."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pressroom.cli import main

UP_TO_DATE = "(nothing changed since the last build)"


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder of the output folder with its size and modification time."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted([folder, *folder.rglob("*")])}


def age(root: Path, out: Path, seconds: int = 60) -> None:
    """Date the project's inputs back, as if written a while before the build (a change made now is then
    newer whatever the clock's grain)."""
    then = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        if not path.is_relative_to(out):
            os.utime(path, (then, then))


@pytest.fixture
def built(project, capsys):
    """The project with its report and web edition built (no LibreOffice run: quicker), then left alone."""
    project.write("pressroom.yaml", "report_page_numbers: false\n")
    build(project, capsys, "report")
    build(project, capsys, "web")
    age(project.root, project.out)
    return project


def build(project, capsys, *arguments) -> list[str]:
    """`pressroom build ARGUMENTS` in the project; its output lines, without the size and time of each file
    written."""
    cwd = os.getcwd()
    os.chdir(project.root)
    try:
        assert main(["build", *arguments]) == 0
    finally:
        os.chdir(cwd)
    return [re.sub(r" \([^()]* kB, [0-9.]+ s\)$", "", line) for line in capsys.readouterr().out.splitlines()]


def test_a_build_with_nothing_changed_says_so_and_writes_nothing(built, capsys):
    before = stamps(built.out)
    assert build(built, capsys, "report") == [f"up to date: report.docx {UP_TO_DATE}"]
    assert build(built, capsys, "web") == [f"up to date: web/ (2 files) {UP_TO_DATE}"]
    assert stamps(built.out) == before


def test_an_edited_input_rebuilds_the_outputs_made_from_it_and_no_other(built, capsys):
    css = built.templates / "web" / "web.css"
    css.write_text(css.read_text() + "\nbody { color: black; }\n")
    assert build(built, capsys, "report") == [f"up to date: report.docx {UP_TO_DATE}"]
    assert build(built, capsys, "web")[0] == "wrote build/web/index.html"
    built.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nAn edited paragraph.\n")
    assert build(built, capsys, "report") == ["wrote build/report.docx"]


def test_a_build_of_every_output_renders_only_those_out_of_date(built, capsys):
    build(built, capsys)  # the brochure too
    css = built.templates / "web" / "web.css"
    css.write_text(css.read_text() + "\nbody { color: black; }\n")
    assert build(built, capsys) == ["wrote build/web/index.html", "wrote build/web/web.css",
                                    f"up to date: brochure.pdf, report.docx {UP_TO_DATE}"]


def test_a_file_added_to_a_folder_that_was_read_rebuilds(built, capsys):
    built.write("content/sections/03-third.md", "---\ntitle: Third Section\n---\nA new section.\n")
    assert build(built, capsys, "report") == ["wrote build/report.docx"]


def test_a_file_saved_again_unchanged_does_not_rebuild(built, capsys):
    section = built.content / "sections" / "01-first.md"
    section.write_text(section.read_text())  # a new modification time, the same content
    assert build(built, capsys, "report") == [f"up to date: report.docx {UP_TO_DATE}"]


def test_force_renders_anyway(built, capsys):
    assert build(built, capsys, "report", "--force") == ["wrote build/report.docx"]


def test_a_setting_that_shapes_outputs_rebuilds_one_that_does_not_leaves_them(built, capsys):
    assert build(built, capsys, "report", "-j", "1", "--max-render-seconds", "100") == \
        [f"up to date: report.docx {UP_TO_DATE}"]
    built.write("pressroom.yaml", "report_page_numbers: false\nallow_raw_html: true\n")
    assert build(built, capsys, "report") == ["wrote build/report.docx"]


def test_a_deleted_or_changed_output_is_rebuilt(built, capsys):
    (built.out / "report.docx").unlink()
    assert build(built, capsys, "report") == ["wrote build/report.docx"]
    (built.out / "web" / "index.html").write_text("edited by hand")
    assert build(built, capsys, "web")[0] == "wrote build/web/index.html"


def test_a_narrower_funder_choice_is_another_build(project, capsys):
    funder = ("- slug: {slug}\n  name: N\n  contact: {{name: C}}\n  grant: {{amount: 1, currency: EUR}}\n"
              "  programme: P\n  period: {{start: 2026-01-01, end: 2026-12-31}}\n")
    project.write("content/data/funders.yaml", funder.format(slug="one") + funder.format(slug="two"))
    project.write("pressroom.yaml", "report_page_numbers: false\n")
    assert build(project, capsys, "reports") == ["wrote build/reports/one.docx", "wrote build/reports/two.docx"]
    assert build(project, capsys, "reports") == [f"up to date: reports/ (2 files) {UP_TO_DATE}"]
    assert build(project, capsys, "report", "--funder", "one") == ["wrote build/reports/one.docx"]


@pytest.mark.parametrize("arguments", [["--help"], ["build", "report"]])
def test_help_and_a_build_with_nothing_to_do_import_nothing_heavy(built, arguments):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "pressroom.cli", *arguments], cwd=built.root,
                            capture_output=True, text=True, check=True)
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    heavy = ("weasyprint", "docx", "pydantic", "jinja2", "markdown_it", "lxml", "pptx", "PIL")
    assert not {name for name in imported if name.split(".")[0] in heavy}
    if arguments[0] == "build":
        assert result.stdout == f"up to date: report.docx {UP_TO_DATE}\n"
