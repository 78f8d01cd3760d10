"""Speed, measured side by side with Pandoc on the same Markdown, in the same run: `make bench`.

Builds projects holding N copies of the sample article and times Pressroom against Pandoc: each row runs
both commands in turn (the order swapped every repetition, so a busy moment of the machine falls on both)
and reports the median. Peak memory is each command's own (its process and the ones it waited for, from
os.wait4's rusage: the same figure as resource.getrusage(RUSAGE_CHILDREN).ru_maxrss for that command).
Prints a table and writes build/bench.json. Not a test: nothing here asserts.

    python tests/benchmark.py [--repeat 3] [--quick] [--profile report|brochure --copies N]

The report rows build with `report_page_numbers: false` (Pandoc writes no page numbers either); the
LibreOffice layout that fills them in is a row of its own. --quick leaves out the brochure at 300 and
1000 copies (several minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRESSROOM = str(BIN / "pressroom")
WEASYPRINT = str(BIN / "weasyprint")
NO_PAGE_NUMBERS = "report_page_numbers: false\n"
FUNDER = ("- slug: funder-{n:02d}\n  name: Funder {n} (sample funder)\n  contact: {{name: A. Person, email: a@example.org}}\n"
          "  grant: {{amount: {amount}, currency: EUR}}\n  programme: Research fellowships\n"
          "  period: {{start: 2026-01-01, end: 2026-12-31}}\n  sample: true\n")


# projects -----------------------------------------------------------------------------------------

def make_project(root: Path, copies: int, funders: int = 0) -> Path:
    """A project whose sections are the article's sections repeated `copies` times (each copy's figure and
    table identifiers made its own), with `funders` sample funders; returns Pandoc's input, the same
    Markdown in one file (image paths relative to the project folder, where Pandoc runs)."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("sections", "funders.yaml"))
    if funders:
        (root / "content" / "data" / "funders.yaml").write_text(
            "".join(FUNDER.format(n=n, amount=1000 * (n + 1)) for n in range(funders)), encoding="utf-8")
    (root / "pressroom.yaml").write_text(NO_PAGE_NUMBERS, encoding="utf-8")
    sources = sorted((REPO / "content" / "sections").glob("*.md"))
    sections = root / "content" / "sections"
    sections.mkdir()
    combined = [body_of((REPO / "content" / "index.md").read_text(encoding="utf-8"))]
    width = len(str(copies * len(sources)))
    number = 0
    for copy in range(copies):
        for source in sources:
            number += 1
            text = source.read_text(encoding="utf-8")
            if copy:  # figure and table identifiers are unique in a document
                text = re.sub(r"#((?:fig|tbl)-[a-z0-9-]+)", rf"#\1-{copy + 1}", text)
            slug = source.stem.split("-", 1)[1] + (f"-{copy + 1}" if copy else "")  # data files name copy 1
            (sections / f"{number:0{width}d}-{slug}.md").write_text(text, encoding="utf-8")
            title = text.split("title: ", 1)[1].split("\n", 1)[0]
            combined.append(f"# {title}\n\n{body_of(text)}".replace("](../", "](content/"))
    pandoc_input = root / "all.md"
    pandoc_input.write_text("\n\n".join(combined), encoding="utf-8")
    return pandoc_input


def body_of(text: str) -> str:
    return text.split("\n---\n", 1)[1]


# measuring ----------------------------------------------------------------------------------------

def run(command: list[str] | str, cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak memory (kB) of one run of `command`; it must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, shell=isinstance(command, str), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark: {command} failed (exit {process.returncode}) in {cwd}")
    return seconds, usage.ru_maxrss


def side_by_side(ours, theirs, cwd: Path, repeat: int) -> dict:
    """Both commands `repeat` times, interleaved (the order swapped each time): median seconds and the
    largest peak memory of each."""
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    memory = {"ours": 0, "theirs": 0}
    for index in range(repeat):
        order = [("ours", ours), ("theirs", theirs)]
        for side, command in (order if index % 2 == 0 else order[::-1]):
            if command is None:
                continue
            seconds, peak = run(command, cwd)
            times[side].append(seconds)
            memory[side] = max(memory[side], peak)
    return {side: statistics.median(values) if values else None for side, values in times.items()} | {
        "memory": memory}


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


# the rows -----------------------------------------------------------------------------------------

class Table:
    """The rows measured, printed as they come and kept for build/bench.json."""

    def __init__(self):
        self.rows = []
        print(f"{'what':52} {'copies':>6} {'pressroom':>11} {'pandoc':>11} {'ratio':>7}  target")

    def add(self, what: str, copies, ours, theirs, unit: str = "s", target: str = "", met: bool | None = None):
        ratio = ours / theirs if ours is not None and theirs else None
        self.rows.append({"what": what, "copies": copies, "pressroom": ours, "pandoc": theirs, "unit": unit,
                          "ratio": ratio, "target": target, "met": met})
        shown = [_value(ours, unit), _value(theirs, unit), f"{ratio:.2f}x" if ratio else "-"]
        verdict = "" if met is None else (" (met)" if met else " (not met)")
        print(f"{what:52} {copies if copies else '-':>6} {shown[0]:>11} {shown[1]:>11} {shown[2]:>7}  {target}{verdict}",
              flush=True)


def _value(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "ms/page":
        return f"{value:.1f} ms"
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def report_rows(table: Table, folder: Path, pandoc: str, repeat: int) -> None:
    """The Word report at 100 and 1000 copies against `pandoc -o x.docx`; LibreOffice's layout; memory."""
    for copies in (100, 1000):
        root = folder / f"report-{copies}"
        source = make_project(root, copies)
        result = side_by_side([PRESSROOM, "build", "report", "--force"], [pandoc, str(source), "-o", "pandoc.docx"],
                              root, repeat)
        limit = 1.0 if copies == 100 else 0.5
        table.add("Word report (.docx)", copies, result["ours"], result["theirs"], target=f"<= {limit}x Pandoc",
                  met=result["ours"] <= limit * result["theirs"])
        if copies == 100:
            (root / "pressroom.yaml").write_text("report_page_numbers: true\n")
            laid_out = side_by_side([PRESSROOM, "build", "report", "--force"], None, root, repeat)["ours"]
            (root / "pressroom.yaml").write_text(NO_PAGE_NUMBERS)
            table.add("  LibreOffice layout for the contents' page numbers", copies, laid_out - result["ours"], None,
                      target=f"(report with page numbers: {laid_out:.2f} s)")
        else:
            table.add("  peak memory, report", copies, result["memory"]["ours"] / 1024,
                      result["memory"]["theirs"] / 1024, unit="MB")


def brochure_rows(table: Table, folder: Path, pandoc: str, repeat: int, quick: bool) -> tuple[Path, float]:
    """The brochure against Pandoc's HTML laid out by WeasyPrint: wall time, time per page, the cost of
    a page added between 100 and 300 copies, and peak memory at 1000 copies. Returns the 100-copy project
    and its cold build's seconds."""
    measured = {}
    for copies in (100,) if quick else (100, 300, 1000):
        root = folder / f"brochure-{copies}"
        source = make_project(root, copies)
        route = (f"{pandoc} {source} -s -t html5 --metadata title=Brochure -o pandoc.html && "
                 f"{WEASYPRINT} pandoc.html pandoc.pdf")
        runs = repeat if copies == 100 else 1  # minutes each: once
        result = side_by_side([PRESSROOM, "build", "brochure", "--force"], route, root, runs)
        counts = pages(root / "build" / "brochure.pdf"), pages(root / "pandoc.pdf")
        measured[copies] = (result, counts)
        if copies == 100:
            table.add(f"PDF brochure, Pandoc: html5 + WeasyPrint ({counts[0]} / {counts[1]} pages)", copies,
                      result["ours"], result["theirs"])
            table.add("  time per page", copies, 1000 * result["ours"] / counts[0],
                      1000 * result["theirs"] / counts[1], unit="ms/page")
        if copies == 300:
            (small, small_pages), (large, large_pages) = measured[100], measured[300]
            table.add("  a page added between 100 and 300 copies", "100-300",
                      1000 * (large["ours"] - small["ours"]) / (large_pages[0] - small_pages[0]),
                      1000 * (large["theirs"] - small["theirs"]) / (large_pages[1] - small_pages[1]), unit="ms/page",
                      target=f"({large_pages[0]} / {large_pages[1]} pages at 300, one run)")
        if copies == 1000:
            table.add(f"PDF brochure ({counts[0]} / {counts[1]} pages)", copies, result["ours"], result["theirs"],
                      target="(one run)")
            table.add("  peak memory, brochure", copies, result["memory"]["ours"] / 1024,
                      result["memory"]["theirs"] / 1024, unit="MB")
    return folder / "brochure-100", measured[100][0]["ours"]


def relayout_row(table: Table, root: Path, cold: float, repeat: int) -> None:
    """A one-section edit rebuilt by a long-running process (as `pressroom watch brochure` rebuilds it,
    the layout kept between builds) against the cold build of the brochure (`cold` seconds)."""
    probe = subprocess.run([sys.executable, __file__, "--edit-rebuilds", str(max(repeat, 3))], cwd=root,
                           check=True, capture_output=True, text=True)
    found = json.loads(probe.stdout.splitlines()[-1])
    seconds = statistics.median(found["seconds"])
    table.add("one-section edit rebuilt by watch vs cold build (in 'pandoc' column)", 100, seconds, cold,
              target=f"<= 0.2x cold ({found['laid out'][-1]})", met=seconds <= 0.2 * cold)


def edit_rebuilds(repeat: int) -> None:
    """In this process, as watch does (brochure/relayout.py's memory on, pipeline.build each time): a
    first build of the brochure in the current folder, then `repeat` edits of a word in a section in the
    middle, each rebuilt. Prints, as JSON, each rebuild's seconds and what it laid out."""
    from pressroom.brochure.relayout import relayout_memory
    from pressroom.pipeline import BuildRequest, build
    from pressroom.settings import load_settings

    sections = sorted(Path("content/sections").glob("*.md"))
    section = sections[len(sections) // 2]
    original = section.read_text(encoding="utf-8")
    body = original.index("\n---\n") + 5
    word = original.index(" the ", body)
    found = {"seconds": [], "laid out": []}
    try:
        with relayout_memory() as memory:
            build(load_settings(), BuildRequest(("brochure",)), force=True)
            for index in range(repeat):
                edited = original[:word] + (" the very " if index % 2 == 0 else " the ") + original[word + 5:]
                section.write_text(edited, encoding="utf-8")
                start = time.perf_counter()
                build(load_settings(), BuildRequest(("brochure",)))
                found["seconds"].append(time.perf_counter() - start)
                found["laid out"].append(memory.last)
    finally:
        section.write_text(original, encoding="utf-8")
    print(json.dumps(found))


def no_op_row(table: Table, root: Path, pandoc: str, repeat: int) -> None:
    """`pressroom build` with every output built and nothing changed, against Pandoc's start-up."""
    run([PRESSROOM, "build"], root)  # every output in place (the brochure already is)
    result = side_by_side([PRESSROOM, "build"], [pandoc, "--version"], root, max(repeat, 5))
    table.add("pressroom build with nothing changed (Pandoc: --version)", 100, result["ours"], result["theirs"],
              target="<= 0.3 s", met=result["ours"] <= 0.3)


def editions_rows(table: Table, folder: Path, repeat: int) -> None:
    """20 funder editions against one, with the default processes and with -j 1 (the sample article)."""
    root = folder / "editions"
    make_project(root, 1, funders=20)
    one = [PRESSROOM, "build", "report", "--funder", "funder-00", "--force"]
    result = side_by_side([PRESSROOM, "build", "reports", "--force"], one, root, repeat)
    serial = side_by_side([PRESSROOM, "build", "reports", "--force", "-j", "1"], None, root, repeat)["ours"]
    table.add(f"20 funder editions (-j {os.cpu_count()}) vs one edition (in 'pandoc' column)", 1, result["ours"],
              result["theirs"], target=f"(-j 1: {serial:.2f} s)")


def start_up_row(table: Table, pandoc: str) -> None:
    result = side_by_side([PRESSROOM, "--help"], [pandoc, "--version"], REPO, 5)
    table.add("CLI start-up (pressroom --help, pandoc --version)", None, result["ours"], result["theirs"])


def profile(what: str, copies: int, folder: Path) -> None:
    """pyinstrument's profile of one build of `what` at `copies` copies."""
    root = folder / "profile"
    make_project(root, copies)
    subprocess.run([str(BIN / "pyinstrument"), "-m", "pressroom.cli", "build", what, "--force"], cwd=root, check=True)


def machine(pandoc: str) -> dict:
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {"cores": os.cpu_count(), "load average": os.getloadavg(), "python": platform.python_version(),
            "pandoc": version, "system": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the median is shown)")
    parser.add_argument("--quick", action="store_true", help="leave out the brochure at 300 and 1000 copies")
    parser.add_argument("--profile", choices=("report", "brochure"), help="profile one build instead")
    parser.add_argument("--copies", type=int, default=100, help="copies of the article for --profile")
    parser.add_argument("--edit-rebuilds", type=int, metavar="N", help=argparse.SUPPRESS)  # relayout_row's probe
    args = parser.parse_args()
    if args.edit_rebuilds:
        edit_rebuilds(args.edit_rebuilds)
        return 0
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        raise SystemExit("benchmark: pandoc is not installed (sudo apt-get install pandoc)")
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as name:
        folder = Path(name)
        if args.profile:
            profile(args.profile, args.copies, folder)
            return 0
        about = machine(pandoc)
        print(f"{about['cores']} cores, load average {about['load average'][0]:.2f}; {about['pandoc']}; "
              f"medians of {args.repeat} interleaved runs\n")
        table = Table()
        start_up_row(table, pandoc)
        report_rows(table, folder, pandoc, args.repeat)
        editions_rows(table, folder, args.repeat)
        brochure_100, cold = brochure_rows(table, folder, pandoc, args.repeat, args.quick)
        no_op_row(table, brochure_100, pandoc, args.repeat)
        relayout_row(table, brochure_100, cold, args.repeat)
        about["load average after"] = os.getloadavg()
    out = REPO / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": about, "rows": table.rows}, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
