"""What the command line prints: one line per file written, -q and -v, colour and the progress line (on a
terminal and off one). GitHub Actions annotations are in test_ci.py."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressroom import console
from pressroom.cli import cli

WROTE = re.compile(r"^wrote (\S+) \((\d+(?:\.\d)? (?:B|kB|MB)), (\d+\.\d\d) s\)$")
PRESSROOM = [sys.executable, "-m", "pressroom.cli"]


def invoke(project, *args, env=None):
    return CliRunner(env=env or {}).invoke(cli, list(args), catch_exceptions=False)


def test_one_line_per_file_written_with_its_size_and_time(project, monkeypatch):
    monkeypatch.chdir(project.root)
    result = invoke(project, "build", "web")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [WROTE.match(line).group(1) for line in lines] == ["build/web/index.html", "build/web/web.css"]
    for line in lines:
        path, size, _ = WROTE.match(line).groups()
        assert size == console.format_size((project.root / path).stat().st_size)


@pytest.mark.parametrize("size, shown", [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (42_449, "42.4 kB"),
                                         (999_960, "1.0 MB"), (3_250_000, "3.2 MB")])
def test_sizes_read_as_a_person_reads_them(size, shown):
    assert console.format_size(size) == shown


def test_quiet_prints_nothing_on_success_and_verbose_prints_each_step(project, monkeypatch):
    monkeypatch.chdir(project.root)
    quiet = invoke(project, "-q", "build", "web")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert invoke(project, "-q", "check").output == ""
    verbose = invoke(project, "-v", "build", "web", "--force").stdout.splitlines()
    assert re.fullmatch(r"read and checked \d+ files and folders in \d+\.\d\d s", verbose[0])
    assert re.fullmatch(r"rendered web in \d+\.\d\d s from \d+ files and folders", verbose[1])
    assert [WROTE.match(line) is not None for line in verbose[2:]] == [True, True]


def test_quiet_still_shows_errors_and_quiet_with_verbose_is_a_usage_error(project, monkeypatch):
    monkeypatch.chdir(project.root)
    project.write("content/sections/01-first.md", "---\ntitel: A\n---\nBody.\n")
    result = invoke(project, "-q", "check")
    assert result.exit_code == 1 and result.stderr.endswith("2 errors in content/\n")
    both = invoke(project, "-q", "-v", "check")
    assert both.exit_code == 2 and "-q and -v cannot be used together" in both.stderr


# On a terminal and off one -----------------------------------------------------------

class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream, level, shown", [(Terminal, console.NORMAL, True), (Terminal, console.QUIET, False),
                                                  (io.StringIO, console.NORMAL, False)])
def test_the_progress_bar_is_clicks_on_a_terminal_only_and_hidden_with_quiet(stream, level, shown, monkeypatch):
    import click

    made, real = [], click.progressbar
    monkeypatch.setattr(click, "progressbar", lambda **options: made.append(options) or real(**options))
    monkeypatch.setattr(console, "PROGRESS_AFTER", 0)
    monkeypatch.setattr(console, "_verbosity", level)
    out = stream()
    with console.Progress(out) as progress:
        progress.update(1, 4, "report")
        time.sleep(0.1)
        progress.update(2, 4, "reports")
    text = out.getvalue()
    if not shown:
        assert text == "" and made == []
        return
    assert made and made[0]["file"] is out and made[0]["color"] is False
    bars = re.findall(r"\r(\[[#-]+\] \d/4 \S+ \d+\.\d s)", text)
    assert bars and bars[-1].startswith(f"[{'#' * 12}{'-' * 12}] 2/4 reports "), text
    assert "\x1b" not in text and text.endswith("\r")  # erased at the end, no escape codes
    assert text.rsplit("\r", 2)[-2].strip() == ""


def on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Everything `pressroom ARGS` prints on a pseudo-terminal, 120 columns wide."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(PRESSROOM[0], [*PRESSROOM[1:], *args], cwd=str(cwd), env=env, dimensions=(24, 120),
                          encoding="utf-8", timeout=180)
    try:
        child.expect(pexpect.EOF)
        return child.before
    finally:
        child.close(force=True)


def terminal_env(**extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "GITHUB_ACTIONS")}
    env.update(TERM="xterm", **extra)
    return env


@pytest.mark.skipif(shutil.which("soffice") is None, reason="the report's layout (LibreOffice) makes a long build")
def test_a_long_build_shows_a_progress_line_on_a_terminal_and_none_elsewhere(project):
    shown = on_a_terminal(["build"], project.root, terminal_env())
    lines = re.findall(r"\r(\[[#-]+\] \d/4 \S+ \d+\.\d s)", shown)
    assert lines and all(len(line.split("]")[0]) == 1 + console.BAR_WIDTH for line in lines), shown
    assert {line.split()[2] for line in lines} <= {"brochure", "report", "reports", "web", "writing"}
    assert "\x1b" not in shown  # the progress line is carriage returns and spaces only
    assert "Warning" not in shown
    # the last words left on screen are the last file's line: the clock may draw the bar again after it (when
    # its tick falls before the build ends), and then the bar is erased with spaces
    tail = shown[shown.rindex("wrote build/web/web.css"):]
    after = [part.strip() for part in re.split(r"[\r\n]+", tail)[1:]]
    assert all(not part or re.fullmatch(r"\[[#-]+\] \d/4 \S+ \d+\.\d s", part) for part in after), tail
    assert not any(after) or re.search(r"\r {40,}\r\s*$", tail), tail
    piped = subprocess.run([*PRESSROOM, "build", "--force"], cwd=project.root, env=terminal_env(), capture_output=True,
                           text=True, timeout=180)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "\r" not in piped.stdout and "\x1b" not in piped.stdout
    assert all(WROTE.match(line) for line in piped.stdout.splitlines())


def test_colour_only_on_a_terminal_and_never_with_no_color(project):
    project.write("content/sections/01-first.md", "---\ntitel: A\n---\nBody.\n")
    coloured = on_a_terminal(["check"], project.root, terminal_env())
    assert "\x1b[31m\x1b[1mError:\x1b[0m content/sections/01-first.md:2:" in coloured
    plain = on_a_terminal(["check"], project.root, terminal_env(NO_COLOR="1"))
    assert "\x1b" not in plain and "Error: content/sections/01-first.md:2: title: required field" in plain
    piped = subprocess.run([*PRESSROOM, "check"], cwd=project.root, env=terminal_env(), capture_output=True,
                           text=True, timeout=60)
    assert "\x1b" not in piped.stderr and piped.stderr.startswith("Error: content/sections/01-first.md:2:")


def test_no_color_on_a_terminal_keeps_the_progress_line_free_of_escape_codes(project):
    shown = on_a_terminal(["-v", "build", "brochure"], project.root, terminal_env(NO_COLOR="1"))
    assert "\x1b" not in shown
    assert re.search(r"wrote build/brochure\.pdf \(\d+\.\d kB, \d+\.\d\d s\)", shown)


def test_shell_completion_completes_commands_and_targets(project):
    def complete(words: str, index: int) -> list[str]:
        env = {**terminal_env(), "COMP_WORDS": words, "COMP_CWORD": str(index), "_PRESSROOM_COMPLETE": "bash_complete"}
        result = subprocess.run(PRESSROOM, env=env, capture_output=True, text=True, timeout=60)
        return result.stdout.split()

    script = subprocess.run(PRESSROOM, env={**terminal_env(), "_PRESSROOM_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60).stdout
    assert "_pressroom_completion()" in script and "complete -o nosort -F _pressroom_completion" in script
    assert complete("pressroom pr", 1) == ["plain,preview"]
    assert complete("pressroom watch b", 2) == ["plain,brochure"]
