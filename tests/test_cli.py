"""The command line: targets, options, exit codes and one-line errors."""

from __future__ import annotations

import pytest
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
    assert "'leaflet' is not one of 'brochure', 'report', 'reports', 'web', 'all'" in capsys.readouterr().err


def test_a_single_error_is_followed_by_its_count(project, capsys, monkeypatch):
    project.write("content/sections/02-second.md", "---\ntitle: Two\n---\n[x](#missing)\n")
    monkeypatch.chdir(project.root)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == ("Error: content/sections/02-second.md:4: link: no heading or section has the "
                                       "anchor '#missing'\n1 error in content/\n")


def test_raising_max_file_bytes_in_pressroom_yaml_lets_a_large_file_through(project, capsys, monkeypatch):
    project.write("content/sections/02-second.md", "---\ntitle: Two\n---\n" + "word " * 500_000)
    monkeypatch.chdir(project.root)
    assert main(["check"]) == 1
    assert "raise max_file_bytes in pressroom.yaml" in capsys.readouterr().err
    project.write("pressroom.yaml", "max_file_bytes: 3000000\n")
    assert main(["check"]) == 0


def test_check_refuses_a_resource_the_template_takes_from_data_as_the_build_does(project, capsys, monkeypatch):
    project.write("content/data/extra.yaml", "picture: http://127.0.0.1:9/picture.png\n")
    template = project.templates / "brochure" / "brochure.html.j2"
    template.write_text(template.read_text().replace("</body>", '<img src="{{ data.extra.picture }}" alt="">'
                                                                 "</body>"))
    monkeypatch.chdir(project.root)
    expected = ("Error: templates/brochure/brochure.html.j2: resource: 'http://127.0.0.1:9/picture.png' is a remote "
                "resource; remote resources are off (set allow_remote_resources: true in pressroom.yaml to allow "
                "them)\n1 error in templates/\n")
    for command in (["check"], ["build", "brochure"]):
        assert main(command) == 1
        assert capsys.readouterr().err == expected
    assert not (project.out / "brochure.pdf").exists()


def test_an_internal_fault_is_short_and_says_where_to_report_it(project, capsys, monkeypatch):
    import pressroom.pipeline

    def broken(settings):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pressroom.pipeline, "check", broken)
    monkeypatch.chdir(project.root)
    assert main(["check"]) == 3
    assert capsys.readouterr().err == (
        "Error: internal error: RuntimeError: something inside broke\n"
        "This is a bug in Pressroom, not in your content; please report it as README.md says under "
        "'Reporting a bug', with the command you ran and its output with --debug.\n")
    with pytest.raises(RuntimeError, match="something inside broke"):
        main(["--debug", "check"])


def test_ctrl_c_exits_130_with_one_line(project, capsys, monkeypatch):
    import pressroom.pipeline

    def interrupted(settings):
        raise KeyboardInterrupt

    monkeypatch.setattr(pressroom.pipeline, "check", interrupted)
    monkeypatch.chdir(project.root)
    assert main(["check"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted; earlier outputs are unchanged."


def test_ctrl_c_held_until_the_outputs_were_in_place_says_so(project, capsys, monkeypatch):
    import pressroom.pipeline
    from pressroom.errors import InterruptedAfterWriting

    def interrupted_after_writing(settings, request, log=None, force=False):
        raise InterruptedAfterWriting

    monkeypatch.setattr(pressroom.pipeline, "build", interrupted_after_writing)
    monkeypatch.chdir(project.root)
    assert main(["build"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted; the new outputs were already all in place."


def test_no_traceback_escapes_the_console_script(project):
    """The installed command, run for real: one clear line, exit 1, no Python traceback."""
    import subprocess
    import sys

    project.write("content/sections/01-first.md", "---\ntitle: [\n---\nBody.\n")
    result = subprocess.run([sys.executable, "-m", "pressroom.cli", "build"], cwd=project.root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "1 error in content/"


def test_the_console_script_ends_with_its_exit_code_and_every_line_delivered(project):
    """run() ends the process without the interpreter's teardown: the exit code and all of the output (to
    a pipe, block-buffered) must still come through."""
    import os
    import subprocess
    import sys

    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}

    def console(*arguments):
        return subprocess.run([sys.executable, "-m", "pressroom.cli", *arguments], cwd=project.root,
                              capture_output=True, text=True, timeout=120, env=buffered)

    checked = console("check")
    assert (checked.returncode, checked.stdout) == (0, "ok: 2 sections, 0 data files\n")
    misused = console("build", "--no-such-option")
    assert misused.returncode == 2 and "No such option" in misused.stderr
    listed = console("--help")
    expected = CliRunner().invoke(cli, ["--help"], prog_name="pressroom").output.splitlines()
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0] == expected[0] and listed.stdout.splitlines()[-1] == expected[-1]


def test_funder_with_the_brochure_target_is_a_usage_error(project, capsys):
    assert main(["build", "brochure", "--funder", "acme", *project.args()]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "Error: --funder builds report editions: use it with report, reports or all")


def test_pressroom_yaml_beside_the_content_folder_applies_from_anywhere(project, tmp_path, monkeypatch):
    project.write("pressroom.yaml", "paper: A5\nout: dist\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["build", "brochure", *project.args()]) == 0
    from pypdf import PdfReader

    box = PdfReader(project.root / "dist" / "brochure.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    assert not (elsewhere / "build").exists() and not (elsewhere / "dist").exists()



IGNORED_BY_PREVIEW = [["--report-pdf"], ["-j", "2"], ["--impose", "booklet"], ["--out", "elsewhere"]]


@pytest.mark.parametrize("arguments", IGNORED_BY_PREVIEW)
def test_preview_refuses_the_build_options_it_has_no_use_for(arguments, capsys, monkeypatch):
    import pressroom.preview

    def serve(*args, **kwargs):
        raise RuntimeError("served with an option it ignores")

    monkeypatch.setattr(pressroom.preview, "serve", serve)
    assert main(["preview", *arguments]) == 2
    assert f"Error: No such option '{arguments[0]}'" in capsys.readouterr().err


def test_preview_help_lists_only_the_options_it_uses_and_watch_keeps_the_build_options():
    import re

    runner = CliRunner()
    shown = runner.invoke(cli, ["preview", "--help"]).output
    watch = runner.invoke(cli, ["watch", "--help"]).output
    for option, *_ in IGNORED_BY_PREVIEW:
        listed = re.compile(rf"^\s+{re.escape(option)}\b", re.MULTILINE)
        assert not listed.search(shown), option
        assert listed.search(watch), option  # watch builds as `build` does: they all apply there
    for option in ("--content", "--paper", "--layout", "--print", "--pdf-variant", "--max-render-seconds"):
        assert re.search(rf"^\s+{option}\b", shown, re.MULTILINE), option
