"""Both cores: the funder editions written in several processes are the same bytes as written in one,
and a problem in one of them is reported as it would be without the processes."""

from __future__ import annotations

import os

import pytest

from pressroom.cli import main
from pressroom.errors import PressroomError
from pressroom.parallel import in_processes, worker_count

FUNDER = ("- slug: {slug}\n  name: Funder {slug}\n  contact: {{name: C, email: c@example.org}}\n"
          "  grant: {{amount: 1000, currency: EUR}}\n  programme: P\n  period: {{start: 2026-01-01, end: 2026-12-31}}\n")


@pytest.fixture
def funders(repo_project):
    repo_project.write("content/data/funders.yaml", "".join(FUNDER.format(slug=s) for s in ("a", "b", "c", "d")))
    repo_project.write("pressroom.yaml", "report_page_numbers: false\n")
    return repo_project


def editions(project, *arguments) -> dict[str, bytes]:
    """`pressroom build reports ARGUMENTS` into a folder of its own; the editions written."""
    out = project.root / f"out{'-'.join(arguments)}"
    assert main(["build", "reports", *project.args(), "--out", str(out), *arguments]) == 0
    return {p.name: p.read_bytes() for p in sorted((out / "reports").glob("*.docx"))}


def test_editions_written_in_two_processes_are_the_same_bytes_as_in_one(funders):
    one_at_a_time = editions(funders, "-j", "1")
    assert list(one_at_a_time) == ["a.docx", "b.docx", "c.docx", "d.docx"]
    assert editions(funders, "-j", "2") == one_at_a_time
    assert editions(funders) == one_at_a_time  # by default, one process per core


def test_a_problem_in_one_edition_is_reported_as_without_processes(funders, capsys):
    template = funders.templates / "report" / "report.yaml.j2"
    template.write_text('{% if funder and funder.slug == "c" %}{{ 1 / 0 }}{% endif %}\n' + template.read_text())
    messages = []
    for jobs in ("1", "2"):
        assert main(["build", "reports", *funders.args(), "--out", str(funders.out), "-j", jobs]) == 1
        messages.append(capsys.readouterr().err)
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"Error: {template}:1: template: ")
    assert not (funders.out / "reports").exists()


def square(number: int) -> int:
    if number == 3:
        raise PressroomError("three is refused", funders_path(), 7)
    return number * number


def funders_path():
    from pathlib import Path

    return Path("content/data/funders.yaml")


def test_results_come_back_in_order_and_errors_whole():
    assert in_processes(square, [0, 1, 2], 2) == [0, 1, 4]
    with pytest.raises(PressroomError) as caught:
        in_processes(square, [1, 2, 3, 4], 2)
    assert str(caught.value.problems[0]) == "content/data/funders.yaml:7: three is refused"
    assert caught.value.summary == "1 error in content/"


def test_the_number_of_processes():
    assert worker_count(1, 20) == 1
    assert worker_count(4, 3) == 3
    assert worker_count(0, 20) == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("value, message", [("-1", "-1 is not in the range x>=0"), ("two", "'two' is not a valid integer")])
def test_jobs_must_be_a_whole_number_of_zero_or_more(project, capsys, value, message):
    assert main(["build", "reports", *project.args(), "-j", value]) == 2
    assert message in capsys.readouterr().err
