"""The Makefile's dependency tracking: a second `make` rebuilds nothing, and any change to content/ —
including a file added, removed or renamed — makes the outputs out of date."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
OUTPUTS = ["brochure", "leaflet", "report", "reports", "web"]


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    """A copy of the project, using the repository's virtualenv, built once with `make`."""
    root = tmp_path_factory.mktemp("copy")
    for name in ("content", "templates", "src"):
        shutil.copytree(REPO / name, root / name)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    (root / ".venv").mkdir()
    (root / ".venv" / "bin").symlink_to(REPO / ".venv" / "bin")
    for stamp in (".installed", ".system-deps"):  # set up already, as far as this copy's make can tell
        (root / ".venv" / stamp).touch()
    # The leaflet's panels are nearly full with the sample: the extra section, as a project's would, has a
    # summary to show there instead of its text.
    (root / "content" / "sections" / "09-extra.md").write_text("---\ntitle: Extra\nsummary: Extra.\n---\n"
                                                                "Extra text.\n")
    assert make(root).returncode == 0
    return root


def make(root, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=root, capture_output=True, text=True,
                          timeout=300, check=False)


def up_to_date(root, *outputs) -> bool:
    """`make -q` exits 0 only when no output (of those named, else all) needs rebuilding."""
    return make(root, "-q", *(outputs or OUTPUTS)).returncode == 0


def settle(root) -> None:
    """Date the inputs two minutes back and the outputs one, as a built project left alone for a while,
    so a change made now is clearly newer whatever the clock's grain."""
    now = time.time()
    inputs = [root / name for name in ("content", "templates", "src", "pyproject.toml", ".venv/.installed",
                                       ".venv/.system-deps", ".venv/.bytecode")]
    for paths, age in ((inputs, 120), ([root / "build"], 60)):
        for path in paths:
            for each in [path, *path.rglob("*")]:
                os.utime(each, (now - age, now - age))


def test_a_second_make_rebuilds_nothing(built_copy):
    assert up_to_date(built_copy)
    assert "Nothing to be done" in make(built_copy).stdout


@pytest.mark.parametrize("change", ["edit", "rename", "remove", "add"])
def test_a_change_in_content_makes_the_outputs_out_of_date(built_copy, change):
    sections = built_copy / "content" / "sections"
    extra = sections / "09-extra.md"
    settle(built_copy)
    assert up_to_date(built_copy)
    if change == "edit":
        extra.write_text(extra.read_text() + "\nOne more sentence.\n")
    elif change == "rename":
        extra.rename(sections / "10-extra.md")  # a new order, the same file time
    elif change == "remove":
        next(sections.glob("*-extra.md")).unlink()
    else:
        (sections / "07-added.md").write_text("---\ntitle: Added\n---\nAdded text.\n")
    assert not up_to_date(built_copy)
    assert make(built_copy).returncode == 0
    assert up_to_date(built_copy)


def test_an_output_is_out_of_date_only_when_a_file_its_depfile_names_changes(built_copy):
    """The depfiles name exactly what each output read: the brochure's stylesheet is not the report's. The
    leaflet is the brochure laid out as a tri-fold, from the same templates/brochure/."""
    stylesheet = built_copy / "templates" / "brochure" / "brochure.css"
    deps = built_copy / "build" / ".deps"
    assert "templates/brochure/brochure.css" in (deps / "brochure.d").read_text()
    assert (deps / "leaflet.d").read_text().startswith("build/leaflet.pdf: \\\n")
    assert "templates/brochure/trifold.css" in (deps / "leaflet.d").read_text()
    assert "brochure.css" not in (deps / "report.d").read_text()
    settle(built_copy)
    (built_copy / "notes.txt").write_text("not an input\n")
    (built_copy / "content" / "assets" / "unused.png").write_bytes(b"not read by any output")
    assert up_to_date(built_copy)
    stylesheet.write_text(stylesheet.read_text() + "\n/* restyled */\n")
    assert not up_to_date(built_copy, "brochure") and not up_to_date(built_copy, "leaflet")
    assert up_to_date(built_copy, "report", "reports", "web")
    run = make(built_copy)
    assert run.returncode == 0 and run.stdout.count("pressroom build") == 2, run.stdout
    assert "--layout booklet" in run.stdout and "--layout trifold" in run.stdout
    assert up_to_date(built_copy)
