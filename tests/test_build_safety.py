"""Nothing lost: failures, Ctrl-C and concurrent builds never damage the last good outputs."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from pressroom import pipeline as build_module
from pressroom import report as report_module
from pressroom.pipeline import LOCK_FILE, BuildRequest, build
from pressroom.cli import main
from pressroom.errors import OutputError

ALL = BuildRequest.for_target("all")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


@pytest.fixture
def built(project):
    """The project, built once, with a change made to its content so a rebuild would differ."""
    project.write("content/data/funders.yaml", """
        - slug: acme
          name: Acme Trust
          contact: {name: A. Person}
          grant: {amount: 1000, currency: EUR}
          programme: Care
          period: {start: 2024-01-01, end: 2024-12-31}
        """)
    build(project.settings, ALL)
    project.write("content/sections/01-first.md", "---\ntitle: First, changed\n---\nA changed paragraph.\n")
    return project


@pytest.mark.parametrize("failure", [RuntimeError("writer broke"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_writer_failing_after_others_finished_changes_nothing(built, monkeypatch, failure, capsys):
    before = snapshot(built.out)
    assert {"brochure.pdf", "report.docx", "reports/acme.docx"} <= set(before)
    calls = []
    real_render_report = report_module.render_report

    def render_report(document, files, funder=None):
        calls.append(funder)
        if funder is not None:  # the brochure and the general report are already done
            raise failure
        return real_render_report(document, files, funder)

    monkeypatch.setattr(report_module, "render_report", render_report)
    monkeypatch.chdir(built.root)
    code = main(["build"])

    err = capsys.readouterr().err
    assert len(calls) == 2
    if isinstance(failure, KeyboardInterrupt):
        assert (code, err) == (130, "\nInterrupted; earlier outputs are unchanged.\n")  # ^C ends its own line
    else:
        assert code == 3
        assert err.splitlines()[0] == "Error: internal error: RuntimeError: writer broke"
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_a_failure_while_writing_files_removes_the_partial_files(built, monkeypatch, failure):
    before = snapshot(built.out)
    real_fsync = os.fsync
    count = []

    def fsync(fd):
        count.append(fd)
        if len(count) == 2:  # the brochure's temporary file is complete; the report's is half done
            raise failure
        real_fsync(fd)

    monkeypatch.setattr(build_module.os, "fsync", fsync)
    with pytest.raises((OutputError, KeyboardInterrupt)) as caught:
        build(built.settings, ALL)
    if isinstance(failure, OSError):
        assert str(caught.value).endswith("report.docx: cannot write: no space left on device")
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


def test_a_failed_rename_leaves_no_partial_files(built, monkeypatch):
    before = snapshot(built.out)

    def replace(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(build_module.os, "replace", replace)
    with pytest.raises(OutputError):
        build(built.settings, ALL)
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


def test_ctrl_c_during_the_renames_is_held_until_they_are_done(built, monkeypatch):
    """A Ctrl-C during the renames is delivered after them, so all outputs are replaced together."""
    import signal

    real_replace = os.replace
    replaced = []

    def replace(source, target):
        if not replaced:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first rename
        real_replace(source, target)
        replaced.append(target)

    monkeypatch.setattr(build_module.os, "replace", replace)
    original = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even in a background job
    try:
        with pytest.raises(KeyboardInterrupt):
            build(built.settings, ALL)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, original)
    every_file = [p for p in built.out.rglob("*") if p.is_file() and p.name != LOCK_FILE]
    assert sorted(replaced) == sorted(every_file) and leftovers(built.out) == []


def test_partial_files_left_by_a_killed_build_are_cleared(built):
    stale = [built.out / ".brochure.pdf.abc123.part", built.out / "reports" / ".acme.docx.x.part"]
    for path in stale:
        path.write_bytes(b"half a file")
    build(built.settings, BuildRequest.for_target("brochure"))
    assert leftovers(built.out) == []


def test_a_build_waits_for_the_lock_on_the_output_folder(built):
    before = snapshot(built.out)
    done = threading.Event()
    errors = []

    def run():
        try:
            build(built.settings, ALL)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        done.set()

    with open(built.out / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        worker = threading.Thread(target=run)
        worker.start()
        finished_while_locked = done.wait(timeout=8)
        unchanged_while_locked = snapshot(built.out) == before
        fcntl.flock(handle, fcntl.LOCK_UN)
    worker.join(timeout=60)
    assert not finished_while_locked and unchanged_while_locked
    assert done.is_set() and not errors
    assert snapshot(built.out) != before


def test_concurrent_builds_do_not_corrupt_each_other(built):
    command = [sys.executable, "-m", "pressroom.cli", "build", *built.args(), "--out", str(built.out)]
    processes = [subprocess.Popen(command, cwd=built.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
    results = [process.communicate(timeout=180) for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], results
    assert "A changed paragraph." in "".join(page.extract_text() for page in PdfReader(built.out / "brochure.pdf").pages)
    for name in ("report.docx", "reports/acme.docx"):
        assert "A changed paragraph." in [p.text for p in docx.Document(str(built.out / name)).paragraphs]
    assert leftovers(built.out) == []


def test_an_output_folder_that_cannot_hold_a_subfolder_gives_one_clear_error(built, capsys, monkeypatch):
    before = snapshot(built.out)
    for path in (built.out / "reports").iterdir():
        path.unlink()
    (built.out / "reports").rmdir()
    (built.out / "reports").write_text("in the way\n")
    before = snapshot(built.out)
    monkeypatch.chdir(built.root)
    assert main(["build"]) == 1
    assert capsys.readouterr().err == ("Error: build/reports: output folder: cannot write: "
                                       "'build/reports' is a file, not a folder\n1 error in the output folder\n")
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


def test_building_every_edition_removes_editions_of_removed_funders(project):
    from pressroom.pipeline import BuildRequest, build

    funder = ("- slug: {slug}\n  name: N\n  contact: {{name: C}}\n  grant: {{amount: 1, currency: EUR}}\n"
              "  programme: P\n  period: {{start: 2026-01-01, end: 2026-12-31}}\n")
    project.write("content/data/funders.yaml", funder.format(slug="kept") + funder.format(slug="gone"))
    build(project.settings, BuildRequest.for_target("reports"))
    assert sorted(p.name for p in (project.out / "reports").iterdir()) == ["gone.docx", "kept.docx"]
    project.write("content/data/funders.yaml", funder.format(slug="kept"))
    build(project.settings, BuildRequest.for_target("report", ("kept",)))  # one edition: others stay
    assert (project.out / "reports" / "gone.docx").exists()
    build(project.settings, BuildRequest.for_target("reports"))
    assert sorted(p.name for p in (project.out / "reports").iterdir()) == ["kept.docx"]


@pytest.mark.parametrize("blocked", ["report.docx", "reports/acme.docx"])
def test_a_folder_in_place_of_an_output_stops_the_build_before_any_output_changes(built, capsys, monkeypatch,
                                                                                   blocked):
    (built.out / blocked).unlink()
    (built.out / blocked).mkdir()
    (built.out / blocked / "keep").write_text("a file someone put here\n")
    before = snapshot(built.out)
    monkeypatch.chdir(built.root)
    assert main(["build"]) == 1
    assert capsys.readouterr().err == (f"Error: build/{blocked}: cannot write: a folder is in the way; remove or "
                                       "rename it\n1 error in the output folder\n")
    assert snapshot(built.out) == before
    assert leftovers(built.out) == []


def test_a_folder_named_like_an_old_edition_is_left_alone(built):
    (built.out / "reports" / "old.docx").mkdir()
    build(built.settings, ALL)
    assert (built.out / "reports" / "old.docx").is_dir()
