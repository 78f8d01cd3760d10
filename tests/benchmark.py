"""Speed, measured side by side with Pandoc on the same Markdown: `make bench`.

Builds projects holding N copies of the sample article (N = 100 and 1000 by default) and times, on the
same run: Pressroom's report (.docx) against `pandoc -o report.docx`, Pressroom's brochure (.pdf) against
`pandoc -t html5 | weasyprint`, and the CLI's start-up (`pressroom --help`). Not a test: nothing here asserts.

    python tests/benchmark.py [--copies 100 1000] [--skip-pdf]
"""

from __future__ import annotations

import argparse
import os
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


def make_project(root: Path, copies: int) -> Path:
    """A project whose sections are the article's sections repeated `copies` times; returns pandoc's input."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("sections", "funders.yaml"))
    sources = sorted((REPO / "content" / "sections").glob("*.md"))
    sections = root / "content" / "sections"
    sections.mkdir()
    combined = [body_of(REPO / "content" / "index.md")]
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
            combined.append(f"# {title}\n\n{body_of(source)}")
    pandoc_input = root / "all.md"
    pandoc_input.write_text("\n\n".join(combined), encoding="utf-8")
    return pandoc_input


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def timed(command: list[str] | str, cwd: Path, repeat: int) -> float:
    """The median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, shell=isinstance(command, str),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages) if path.exists() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--skip-pdf", action="store_true", help="time only the Word outputs")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    pressroom = str(BIN / "pressroom")
    pandoc = shutil.which("pandoc")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0] if pandoc else "absent"
    print(f"machine: {os.cpu_count()} cores; {version}; times are medians of {args.repeat} run(s), seconds\n")
    print(f"{'what':44} {'copies':>7} {'pressroom':>10} {'pandoc':>10}")
    print(f"{'CLI start-up (--help / --version)':44} {'-':>7} {timed([pressroom, '--help'], REPO, 5):10.3f} "
          f"{timed([pandoc, '--version'], REPO, 5) if pandoc else float('nan'):10.3f}")
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            source = make_project(root, copies)
            ours = timed([pressroom, "build", "report", "--out", "out"], root, args.repeat)
            theirs = timed([pandoc, str(source), "-o", "pandoc.docx"], root, args.repeat) if pandoc else float("nan")
            print(f"{'report .docx':44} {copies:7d} {ours:10.2f} {theirs:10.2f}")
            if not args.skip_pdf:
                ours = timed([pressroom, "build", "brochure", "--out", "out"], root, args.repeat)
                route = f"{pandoc} {source} -s -t html5 -o pandoc.html && {BIN / 'weasyprint'} pandoc.html pandoc.pdf"
                theirs = timed(route, root, args.repeat) if pandoc else float("nan")
                print(f"{'brochure .pdf (pandoc: html5 | weasyprint)':44} {copies:7d} {ours:10.2f} {theirs:10.2f}")
                pages = page_count(root / "out" / "brochure.pdf"), page_count(root / "pandoc.pdf")
                print(f"{'  pages (each section opens a page in ours)':44} {copies:7d} {pages[0]:10d} {pages[1]:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
