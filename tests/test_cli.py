"""The command line: targets, options, exit codes and one-line errors."""

from __future__ import annotations

from click.testing import CliRunner

from pressroom import __version__
from pressroom.cli import cli, main


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output == f"pressroom, version {__version__}\n"
    for command in ([], ["build"], ["check"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_build_writes_both_outputs(project):
    result = CliRunner().invoke(cli, ["build", *project.args(), "--out", str(project.out)])
    assert result.exit_code == 0, result.output
    assert (project.out / "brochure.pdf").read_bytes().startswith(b"%PDF")
    assert (project.out / "report.docx").read_bytes().startswith(b"PK")


def test_check_writes_nothing(project):
    result = CliRunner().invoke(cli, ["check", *project.args()])
    assert result.exit_code == 0
    assert result.output == "ok: 2 sections, 0 data files\n"
    assert not project.out.exists()


def test_content_error_is_one_line_exit_1_no_traceback(project, capsys, monkeypatch):
    project.write("content/sections/01-first.md", "---\ntitel: A\n---\nBody.\n")
    monkeypatch.chdir(project.root)
    code = main(["check"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == ("Error: content/sections/01-first.md:2: title: required field is missing\n"
                   "Error: content/sections/01-first.md:2: titel: unknown key; did you mean 'title'?\n"
                   "2 errors in content/\n")


def test_usage_error_exits_2(capsys):
    assert main(["build", "leaflet"]) == 2
    assert "'leaflet' is not one of 'brochure', 'report', 'reports', 'all'" in capsys.readouterr().err
