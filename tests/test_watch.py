"""`pressroom watch`: a build, then a rebuild of what each edit touches, one line each, through errors."""

from __future__ import annotations

import re

from pypdf import PdfReader

from background import Background
from pressroom.watching import ProjectWatch, built_line, describe

REBUILT = r"^{what} changed: rebuilt {outputs} \((\d+) files?\) in (\d+\.\d\d) s(; relaid out #[\w-]+ \(\d+ pages?\))?$"


def pdf_text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_an_edit_rebuilds_the_brochure_with_one_line_and_an_error_does_not_stop_it(project):
    pdf = project.out / "brochure.pdf"
    with Background(["watch", "brochure"], project.root) as watch:
        watch.expect("watching content/, templates/")
        assert re.match(r"^first build: rebuilt brochure \(1 file\) in \d+\.\d\d s$", watch.expect("first build"))
        before = pdf.read_bytes()
        mtime = pdf.stat().st_mtime_ns

        project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nA paragraph edited live.\n")
        line = watch.expect("changed")
        assert re.match(REBUILT.format(what=re.escape("content/sections/01-first.md"), outputs="brochure"), line), line
        assert line.endswith("; relaid out #first (1 page)"), line  # only that section was laid out again
        assert pdf.stat().st_mtime_ns != mtime and pdf.read_bytes() != before
        assert "A paragraph edited live." in pdf_text(pdf)

        good = pdf.read_bytes()
        project.write("content/sections/01-first.md", "---\ntitel: First Section\n---\nBroken.\n")
        assert watch.expect("Error:") == "Error: content/sections/01-first.md:2: title: required field is missing"
        assert watch.expect("changed") == ("content/sections/01-first.md changed: 2 errors in content/; the outputs "
                                           "are as they were")
        assert pdf.read_bytes() == good

        project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nMended.\n")
        assert re.match(REBUILT.format(what=".*", outputs="brochure"), watch.expect("changed"))
        assert "Mended." in pdf_text(pdf)

        code, seconds = watch.interrupt(timeout=5)
        assert code == 0 and seconds < 2 and watch.rest() == ["stopped"]


def test_an_edit_rebuilds_only_the_outputs_that_read_it_and_a_new_file_rebuilds_all(project):
    outputs = ["brochure", "report", "reports", "web"]
    notes = project.write("content/notes.txt", "not read by any output")
    with Background(["watch"], project.root) as watch:
        watch.expect(f"first build: rebuilt {', '.join(outputs)}", timeout=120)
        report = (project.out / "report.docx").stat().st_mtime_ns

        stylesheet = project.templates / "web" / "web.css"
        stylesheet.write_text(stylesheet.read_text() + "\n/* edited */\n")
        line = watch.expect("changed")
        assert re.match(REBUILT.format(what=re.escape("templates/web/web.css"), outputs="web"), line), line
        assert "/* edited */" in (project.out / "web" / "web.css").read_text()
        assert (project.out / "report.docx").stat().st_mtime_ns == report

        notes.write_text("still not read by any output")  # an edit to no output's input: no rebuild
        project.write("content/sections/03-third.md", "---\ntitle: Third Section\n---\nNew.\n")
        line = watch.expect("changed", timeout=120)
        assert re.match(REBUILT.format(what=re.escape("content/sections/03-third.md"), outputs=", ".join(outputs)),
                        line), line
        assert "Third Section" in pdf_text(project.out / "brochure.pdf")
        assert watch.interrupt(timeout=5)[0] == 0


def test_a_broken_save_undone_says_the_output_is_up_to_date_again(project):
    section = project.content / "sections" / "01-first.md"
    built = section.read_text()
    with Background(["watch", "brochure"], project.root) as watch:
        watch.expect("first build: rebuilt brochure (1 file)")
        mtime = (project.out / "brochure.pdf").stat().st_mtime_ns
        project.write("content/sections/01-first.md", "---\ntitel: First Section\n---\nBroken.\n")
        assert watch.expect("changed").endswith(": 2 errors in content/; the outputs are as they were")

        section.write_text(built)  # back to what was last built
        assert watch.expect("changed") == "content/sections/01-first.md changed: brochure up to date again (error fixed)"
        assert (project.out / "brochure.pdf").stat().st_mtime_ns == mtime

        project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nEdited after.\n")
        line = watch.expect("changed")  # the inputs of the output left up to date are still known
        assert re.match(REBUILT.format(what=re.escape("content/sections/01-first.md"), outputs="brochure"), line), line
        assert "Edited after." in pdf_text(project.out / "brochure.pdf")
        assert watch.interrupt(timeout=5)[0] == 0


def test_the_line_of_a_rebuild_names_what_was_rebuilt_and_what_was_up_to_date():
    assert built_line(["brochure"], 1, 0.412, [], after_error=False) == "rebuilt brochure (1 file) in 0.41 s"
    assert built_line(["reports"], 0, 1.0, [], after_error=False) == "rebuilt reports (0 files) in 1.00 s"
    assert built_line([], 0, 0.01, ["brochure"], after_error=True) == "brochure up to date again (error fixed)"
    assert built_line(["web"], 2, 0.05, ["brochure", "report"], after_error=False) == (
        "rebuilt web (2 files) in 0.05 s; brochure, report up to date (as last built)")


def test_sed_and_editor_temporary_files_and_files_gone_unread_call_for_no_rebuild(project):
    from watchfiles import Change

    watch = ProjectWatch(project.settings)
    sections = project.content / "sections"
    read = sections / "01-first.md"
    watch.remember([read, project.content / "index.md"])
    sed = sections / "sedAbC123"  # `sed -i` writes this, then renames it over the file
    batch = {(Change.added, str(sed)), (Change.modified, str(sed)), (Change.deleted, str(sed)),
             (Change.modified, str(read))}
    assert watch.relevant(batch) == [read.resolve()]
    assert "more" not in describe(watch.relevant(batch))

    for name in (".01-first.md.swp", "01-first.md~", "draft.tmp", ".#01-first.md", "sedXy12Zq"):
        temporary = project.write(f"content/sections/{name}", "left behind")
        assert watch.relevant({(Change.added, str(temporary))}) == [], name
    new = project.write("content/sections/03-sediment.md", "---\ntitle: Sediment\n---\nNew.\n")
    assert watch.relevant({(Change.added, str(new))}) == [new.resolve()]  # a real new section still counts
    read.unlink()
    assert watch.relevant({(Change.deleted, str(read))}) == [read.resolve()]  # so does a read file removed
