"""The render budget: an output that takes longer than max_render_seconds stops the build with one line,
and what was built before is kept."""

from __future__ import annotations

import signal
import time

import pytest

from pressroom.cli import main
from pressroom.timelimit import RenderTooLong, render_budget

SLOW_CSS = "\n* { display: flex; }\n"  # every box a flex container: WeasyPrint's layout slows down a lot


def test_a_render_past_the_budget_stops_with_one_line_and_keeps_the_last_outputs(project, capsys):
    arguments = ["build", "brochure", *project.args(), "--out", str(project.out)]
    assert main(arguments) == 0
    before = (project.out / "brochure.pdf").read_bytes()
    css = project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text() + SLOW_CSS)
    capsys.readouterr()
    started = time.monotonic()
    assert main([*arguments, "--max-render-seconds", "0.3"]) == 1
    assert time.monotonic() - started < 30
    assert capsys.readouterr().err.splitlines() == [
        "Error: brochure.pdf: rendering took longer than 0.3 s (max_render_seconds); earlier outputs are unchanged. "
        "Raise max_render_seconds (pressroom.yaml or --max-render-seconds), or undo the latest change that makes "
        "the layout slow",
        "1 error in the build"]
    assert (project.out / "brochure.pdf").read_bytes() == before
    assert not list(project.out.rglob("*.part"))


def test_the_budget_can_be_set_in_pressroom_yaml(project, capsys):
    project.write("pressroom.yaml", "max_render_seconds: 0.001\n")
    project.write("content/sections/01-first.md", "---\ntitle: First\n---\n" + "A paragraph.\n\n" * 300)
    assert main(["build", "web", *project.args(), "--out", str(project.out)]) == 1
    assert "Error: web/index.html: rendering took longer than 0.001 s (max_render_seconds)" in capsys.readouterr().err


def test_the_timer_and_its_handler_are_put_back():
    handler = signal.getsignal(signal.SIGALRM)
    with render_budget(5, "x.pdf"):
        pass
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with pytest.raises(RenderTooLong):
        with render_budget(0.05, "x.pdf"):
            time.sleep(1)
    assert signal.getsignal(signal.SIGALRM) is handler


@pytest.mark.parametrize("value", ["0", "-2", "soon"])
def test_the_budget_must_be_a_number_above_zero(project, capsys, value):
    assert main(["build", "brochure", *project.args(), "--max-render-seconds", value]) == 2
    assert "--max-render-seconds" in capsys.readouterr().err
