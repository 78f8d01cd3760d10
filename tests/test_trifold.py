"""The tri-fold leaflet (--layout trifold) read back: sheet size, which panel holds what, the folds, summaries
when the full text does not fit, located errors when even they do not, settings it refuses, print mode."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

import pressroom
from pressroom.cli import cli, main
from pressroom.errors import ContentError, PressroomError

MM = 72 / 25.4
SHEETS = {"A4": (297 * MM, 210 * MM), "Letter": (11 * 72.0, 8.5 * 72.0)}  # landscape, in points
FOLD_ALLOWANCE = 3 * MM  # the inside flap is 3 mm narrower than the other two panels
BLEED, MEDIA_MARGIN = 3 * MM, 10 * MM
SENTENCE = "Every panel of the leaflet holds a measured amount of plain text like this. "
SUMMARY_FIX = "shorten it or give it a shorter summary"


def panels(paper: str, page: int) -> list[tuple[float, float]]:
    """(left, right) of each panel of page 1 (outside) or 2 (inside), in points from the left trim edge."""
    width = SHEETS[paper][0]
    panel = (width + FOLD_ALLOWANCE) / 3
    flap = panel - FOLD_ALLOWANCE
    widths = [flap, panel, panel] if page == 1 else [panel, panel, flap]
    edges = [0.0, widths[0], widths[0] + widths[1], width]
    return list(zip(edges, edges[1:]))


def leaflet(project, **changes) -> bytes:
    settings = project.settings.replace(layout="trifold", **changes)
    files = pressroom.render(settings, "brochure")
    assert sorted(files) == ["leaflet.pdf"]
    return files["leaflet.pdf"]


def words(pdf: bytes, page: int, folder: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, left, top, right, bottom) of every word on a page, in points from the top left of its
    MediaBox, as poppler reads them."""
    source = folder / "words.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(source), "-"],
                          capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in re.findall(pattern, html)]


def text_in(pdf: bytes, page: int, left: float, right: float, folder: Path) -> str:
    """The text poppler finds between `left` and `right` (points) on a page, as one line of words."""
    source = folder / "crop.pdf"
    source.write_bytes(pdf)
    crop = ["-x", str(round(left)), "-y", "0", "-W", str(round(right - left)), "-H", "2000"]
    result = subprocess.run(["pdftotext", "-r", "72", "-f", str(page), "-l", str(page), *crop, str(source), "-"],
                            capture_output=True, text=True, check=True)
    return " ".join(result.stdout.replace("\u2010\n", "").replace("-\n", "").split())  # words hyphenated rejoined


def panel_texts(pdf: bytes, paper: str, page: int, folder: Path) -> list[str]:
    return [text_in(pdf, page, left, right, folder) for left, right in panels(paper, page)]


@pytest.fixture
def leaflet_project(project):
    """The small project with contact details and a document summary."""
    project.write("content/data/contact.yaml", """
        organisation: Test Org
        email: hello@example.org
        how_to_help:
          - Tell a friend.
        sample: true
        """)
    project.write("content/index.md", """
        ---
        title: Test Brochure
        subtitle: A subtitle for the cover
        organisation: Test Org
        date: 2024-05-01
        summary: What the whole brochure says, in one sentence.
        ---
        The introduction with _emphasis_.
        """)
    return project


def long_section(project, name: str, sentences: int, summary: str = "") -> Path:
    """A section of `sentences` sentences in paragraphs of five, with a summary if given."""
    paragraphs = "\n\n".join(SENTENCE * min(5, sentences - start) for start in range(0, sentences, 5))
    summary_line = f"summary: {summary}\n" if summary else ""
    return project.write(f"content/sections/{name}.md", f"---\ntitle: {name[3:].title()} Section\n"
                                                          f"{summary_line}---\n{paragraphs}\n")


# The sheet ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_leaflet_is_two_landscape_pages_of_the_paper_size(leaflet_project, paper):
    reader = PdfReader(io.BytesIO(leaflet(leaflet_project, paper=paper)))
    assert len(reader.pages) == 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(SHEETS[paper], abs=0.5)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_each_panel_holds_its_part_in_the_folding_order(repo_project, tmp_path, paper):
    pdf = leaflet(repo_project, paper=paper)
    flap, back, front = panel_texts(pdf, paper, 1, tmp_path)
    assert "Introduction" in flap and "Innovations in Pediatric Oncology" in flap
    assert "How you can help" in back and "Sample contact details" in back
    assert "Advancements in Pediatric Oncology in Islamic Nations" in front and "NOVEMBER 2026" in front
    assert "NOVEMBER 2026" not in flap + back  # the cover's date (the back panel's colophon has it as typed)
    inside = panel_texts(pdf, paper, 2, tmp_path)
    titles = ["Transforming Treatments", "Gains in Research", "Augmented Supportive Care",
              "Joint Efforts for a Global Impact", "At a Glance"]
    where = [[number for number, text in enumerate(inside) if title in text] for title in titles]
    assert all(len(found) == 1 for found in where), where  # each title wholly inside one panel
    order = [found[0] for found in where]
    assert order == sorted(order) and order[0] == 0 and order[-1] == 2, order  # left to right, all three
    for text in inside:
        positions = [text.index(title) for title in titles if title in text]
        assert positions == sorted(positions)  # top to bottom within a panel


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_no_word_crosses_a_fold_or_runs_off_the_sheet(repo_project, tmp_path, paper):
    pdf = leaflet(repo_project, paper=paper)
    width, height = SHEETS[paper]
    for page in (1, 2):
        folds = [right for _, right in panels(paper, page)][:2]
        found = words(pdf, page, tmp_path)
        assert len(found) > 50
        for text, left, top, right, bottom in found:
            assert 5 * MM <= left and right <= width - 5 * MM and 5 * MM <= top and bottom <= height - 5 * MM, text
            for fold in folds:  # text keeps 10 mm from each fold; allow for the font's side bearings
                assert right <= fold - 8 * MM or left >= fold + 8 * MM, (page, text, fold / MM)


def test_the_panels_meet_at_the_folds_and_the_flap_is_narrower(repo_project, tmp_path):
    source = tmp_path / "leaflet.pdf"
    source.write_bytes(leaflet(repo_project))
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile", str(source),
                    str(tmp_path / "outside")], check=True)
    image = Image.open(tmp_path / "outside.png").convert("RGB")
    pixel_mm = 25.4 / 50
    white, deep, primary = (255, 255, 255), (0x0A, 0x4F, 0x53), (0x0E, 0x6B, 0x70)  # brochure.css's palette

    def colour_at(x_mm: float) -> tuple[int, int, int]:
        return image.getpixel((round(x_mm / pixel_mm), round(140 / pixel_mm)))  # below the text, above the image

    for x_mm, colour in ((95.5, white), (98.5, deep), (195.5, deep), (198.5, primary), (295, primary)):
        assert max(abs(a - b) for a, b in zip(colour_at(x_mm), colour)) < 12, (x_mm, colour_at(x_mm))


# Fitting: summaries, then located errors -----------------------------------------------------------


def test_the_sample_content_fits_with_its_two_tallest_sections_as_summaries(repo_project, tmp_path):
    inside = " ".join(panel_texts(leaflet(repo_project), "A4", 2, tmp_path))
    # the first section and the At a Glance page (its table and chart) give way to their summaries
    assert "Precision medicine and immunotherapy, advanced treatments for pediatric cancers." in inside
    assert "King Hussein Cancer Center" not in inside and "Figure 1" not in inside
    assert "The brochure's four areas of progress in one table, and a chart of sample data." in inside
    # the rest in full
    assert "Qatar Biomedical Research Institute" in inside and "harsh realities of cancer globally" in inside


def test_a_section_too_long_for_the_panels_is_shown_as_its_summary(leaflet_project, tmp_path):
    long_section(leaflet_project, "03-long", 80, summary="The long section, told in one short line.")
    pdf = leaflet(leaflet_project)
    inside = " ".join(panel_texts(pdf, "A4", 2, tmp_path))
    assert "The long section, told in one short line." in inside
    assert "Every panel of the leaflet" not in inside
    assert "First body paragraph." in inside and "Second body paragraph." in inside  # the others in full


def test_the_longest_section_gives_way_first(leaflet_project, tmp_path):
    long_section(leaflet_project, "03-shorter", 30, summary="Summary of the shorter one.")
    long_section(leaflet_project, "04-longer", 40, summary="Summary of the longer one.")
    inside = " ".join(panel_texts(leaflet(leaflet_project), "A4", 2, tmp_path))
    assert "Summary of the longer one." in inside and "Summary of the shorter one." not in inside
    assert inside.count("Every panel of the leaflet") == 30  # the shorter section, whole


def test_a_section_too_long_even_as_its_summary_is_a_located_error_and_the_last_leaflet_stays(leaflet_project):
    runner = CliRunner()
    arguments = ["build", "brochure", "--layout", "trifold", *leaflet_project.args(), "--out",
                 str(leaflet_project.out)]
    assert runner.invoke(cli, arguments).exit_code == 0
    before = (leaflet_project.out / "leaflet.pdf").read_bytes()
    path = long_section(leaflet_project, "03-long", 80, summary=SENTENCE * 120)
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1] == "1 error in content/", lines
    match = re.fullmatch(rf"Error: {re.escape(str(path))}:1: the trifold leaflet has no room for this section: "
                         rf"(\d+) mm over the inside panels; {SUMMARY_FIX}", lines[0])
    assert match, lines[0]
    assert 100 < int(match.group(1)) < 2000
    assert (leaflet_project.out / "leaflet.pdf").read_bytes() == before
    assert not list(leaflet_project.out.glob(".*.part"))


def test_a_section_without_a_summary_is_told_to_get_one(leaflet_project, capsys, monkeypatch):
    long_section(leaflet_project, "03-long", 100)
    monkeypatch.chdir(leaflet_project.root)
    assert main(["build", "brochure", "--layout", "trifold"]) == 1
    error = capsys.readouterr().err.splitlines()[0]
    assert re.fullmatch(r"Error: content/sections/03-long\.md:1: the trifold leaflet has no room for this section: "
                        r"\d+ mm over the inside panels; shorten it or give it a summary \(a short `summary:` in "
                        r"its front matter\)", error), error


def test_the_section_named_is_the_first_that_runs_past_the_panels(leaflet_project):
    long_section(leaflet_project, "03-fits", 30)
    long_section(leaflet_project, "04-spills", 40)
    with pytest.raises(ContentError) as raised:
        leaflet(leaflet_project)
    [problem] = raised.value.problems
    assert problem.path.name == "04-spills.md" and problem.line == 1


def test_a_long_document_is_fitted_in_a_few_layouts_not_one_per_section(leaflet_project, monkeypatch, tmp_path):
    from pressroom.brochure import pdf as pdf_writer, trifold

    parts = range(3, 11)
    for number in parts:  # each longer than the one before
        long_section(leaflet_project, f"{number:02d}-part{number}", 3 + number, summary=f"Summary of part {number}.")
    layouts = []

    def counting(document, render):
        return trifold.fit_leaflet(document, lambda fit: layouts.append(fit) or render(fit))

    monkeypatch.setattr(pdf_writer, "fit_leaflet", counting)
    inside = " ".join(panel_texts(leaflet(leaflet_project), "A4", 2, tmp_path))
    assert len(layouts) <= 4, [sorted(fit.summaries) for fit in layouts]
    shortened = layouts[-1].summaries
    assert 0 < len(shortened) < len(parts)
    assert shortened == {f"part{number}" for number in parts[len(parts) - len(shortened):]}  # the longest
    for number in parts:
        assert (f"Summary of part {number}." in inside) == (f"part{number}" in shortened)


def test_an_introduction_too_long_for_the_flap_gives_way_to_the_summary(leaflet_project, tmp_path):
    leaflet_project.write("content/index.md", "---\ntitle: Test Brochure\nsummary: The brochure in brief.\n---\n"
                          + "\n\n".join([SENTENCE * 5] * 12) + "\n")
    flap = panel_texts(leaflet(leaflet_project), "A4", 1, tmp_path)[0]
    assert "The brochure in brief." in flap and "Every panel" not in flap


def test_an_introduction_too_long_without_a_summary_is_a_located_error(leaflet_project):
    index = leaflet_project.write("content/index.md", "---\ntitle: Test Brochure\n---\n"
                                  + "\n\n".join([SENTENCE * 5] * 12) + "\n")
    with pytest.raises(ContentError) as raised:
        leaflet(leaflet_project)
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == (index, 1)
    assert re.fullmatch(r"the trifold leaflet has no room for the introduction on its inside flap: \d+ mm over the "
                        r"panel; shorten it, or give the document a short `summary:` to show instead", problem.message)


def test_contact_details_too_long_for_the_back_panel_are_a_located_error(leaflet_project):
    contact = leaflet_project.write("content/data/contact.yaml", "organisation: Test Org\nhow_to_help:\n"
                                    + "".join(f"  - {SENTENCE * 2}\n" for _ in range(12)))
    with pytest.raises(ContentError) as raised:
        leaflet(leaflet_project)
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == (contact, 1)
    assert "no room for the contact details on its back panel" in problem.message


def test_pressroom_check_finds_what_does_not_fit(leaflet_project, capsys, monkeypatch):
    long_section(leaflet_project, "03-long", 100)
    leaflet_project.write("pressroom.yaml", "layout: trifold\n")
    monkeypatch.chdir(leaflet_project.root)
    assert main(["check"]) == 1
    assert "content/sections/03-long.md:1: the trifold leaflet has no room" in capsys.readouterr().err


def test_a_template_that_lays_the_leaflet_out_on_more_pages_is_a_template_error(leaflet_project):
    template = leaflet_project.templates / "brochure" / "trifold.html.j2"
    template.write_text(template.read_text().replace("</body>", '<p style="break-before: page">Loose.</p></body>'))
    with pytest.raises(PressroomError, match=r"trifold\.html\.j2: template: the leaflet was laid out on 3 pages, "
                                             r"not 2 \(its outside and inside\)"):
        leaflet(leaflet_project)


# Settings ----------------------------------------------------------------------------------------


def test_layout_trifold_in_pressroom_yaml_writes_leaflet_pdf_with_its_own_depfile(leaflet_project, monkeypatch):
    leaflet_project.write("pressroom.yaml", "layout: Trifold\npaper: letter\n")
    monkeypatch.chdir(leaflet_project.root)
    assert pressroom.load_settings(Path(".")).layout == "trifold"
    assert main(["build", "brochure"]) == 0
    assert sorted(path.name for path in Path("build").iterdir() if path.suffix == ".pdf") == ["leaflet.pdf"]
    reader = PdfReader("build/leaflet.pdf")
    assert float(reader.pages[0].mediabox.width) == pytest.approx(SHEETS["Letter"][0], abs=0.5)
    assert Path("build/.deps/leaflet.d").read_text().startswith("build/leaflet.pdf: \\\n")
    assert not Path("build/.deps/brochure.d").exists()
    assert main(["build", "brochure", "--layout", "booklet"]) == 0  # both kept, each with its depfile
    assert Path("build/leaflet.pdf").is_file() and Path("build/brochure.pdf").is_file()
    assert Path("build/.deps/brochure.d").read_text().startswith("build/brochure.pdf: \\\n")


def test_a_booklet_imposed_earlier_is_kept_when_the_leaflet_is_built(leaflet_project, monkeypatch):
    monkeypatch.chdir(leaflet_project.root)
    assert main(["build", "brochure", "--impose", "booklet"]) == 0
    assert main(["build", "brochure", "--layout", "trifold"]) == 0
    assert Path("build/brochure-booklet.pdf").is_file()  # brochure.pdf is unchanged, so its booklet is current


@pytest.mark.parametrize("arguments, message", [
    (["--paper", "A5"], "--paper A5 cannot be used with --layout trifold; a trifold leaflet is printed on A4 or "
                        "Letter paper, landscape"),
    (["--impose", "booklet"], "--impose booklet cannot be used with --layout trifold; a trifold leaflet is one folded "
                              "sheet, not a booklet to impose"),
])
def test_a5_and_booklet_imposition_are_usage_errors_with_trifold(leaflet_project, capsys, arguments, message):
    code = main(["build", "brochure", "--layout", "trifold", *arguments, *leaflet_project.args(), "--out",
                 str(leaflet_project.out)])
    err = capsys.readouterr().err
    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("Error:")] == [f"Error: {message}"]
    assert not leaflet_project.out.exists()


def test_a5_with_trifold_in_pressroom_yaml_is_located_at_its_line(leaflet_project, capsys, monkeypatch):
    leaflet_project.write("pressroom.yaml", "layout: trifold\npaper: A5\n")
    monkeypatch.chdir(leaflet_project.root)
    assert main(["build", "brochure"]) == 1
    assert capsys.readouterr().err == ("Error: pressroom.yaml:2: paper: A5 cannot be used with layout: trifold; a "
                                       "trifold leaflet is printed on A4 or Letter paper, landscape\n"
                                       "1 error in pressroom.yaml\n")


def test_a_layout_given_on_the_command_line_is_checked_against_pressroom_yaml(leaflet_project, capsys, monkeypatch):
    leaflet_project.write("pressroom.yaml", "paper: A5\n")
    monkeypatch.chdir(leaflet_project.root)
    assert main(["build", "brochure", "--layout", "trifold"]) == 2
    assert ("Error: paper: A5 (from pressroom.yaml) cannot be used with --layout trifold; a trifold leaflet is "
            "printed on A4 or Letter paper, landscape") in capsys.readouterr().err
    leaflet_project.write("pressroom.yaml", "layout: trifold\n")
    assert main(["build", "brochure", "--paper", "A5"]) == 2
    assert ("Error: --paper A5 cannot be used with layout: trifold (from pressroom.yaml); a trifold leaflet is "
            "printed on A4 or Letter paper, landscape") in capsys.readouterr().err


def test_settings_made_in_code_are_checked_too(leaflet_project):
    settings = leaflet_project.settings.replace(layout="trifold", paper="A5")
    with pytest.raises(PressroomError, match="paper: A5 cannot be used with layout: trifold"):
        pressroom.render(settings, "brochure")


# Print, tagging, right to left --------------------------------------------------------------------


def test_print_mode_gives_bleed_slug_and_fold_marks_outside_the_bleed(leaflet_project):
    reader = PdfReader(io.BytesIO(leaflet(leaflet_project, print_marks=True)))
    width, height = SHEETS["A4"]
    assert len(reader.pages) == 2  # one sheet: never padded with notes pages
    for number, page in enumerate(reader.pages, 1):
        trim = [float(value) for value in page.trimbox]
        assert trim[2] - trim[0] == pytest.approx(width, abs=0.5)
        assert float(page.bleedbox.width) == pytest.approx(width + 2 * BLEED, abs=0.5)
        assert float(page.mediabox.width) == pytest.approx(width + 2 * MEDIA_MARGIN, abs=0.5)
        content = page.get_contents().get_data().decode("latin-1")
        marks = content[content.index("[2 2] 0 d"):]
        for _, fold in panels("A4", number)[:2]:
            x = f"{trim[0] + fold:.3f}"
            assert f"{x} {trim[3] + BLEED + MM:.3f} m" in marks and f"{x} {trim[1] - BLEED - MM:.3f} m" in marks


def test_the_leaflet_is_tagged_with_its_language_and_the_cover_image_alt_text(repo_project):
    reader = PdfReader(io.BytesIO(leaflet(repo_project)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en"
    assert b"Illustration of a child flying a kite" in _structure_bytes(reader)
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline[:3] == ["Advancements in Pediatric Oncology in Islamic Nations", "Introduction",
                           "How you can help"] and "Transforming Treatments" in outline


def _structure_bytes(reader: PdfReader) -> bytes:
    """Every structure element's /Alt text, joined."""
    found, seen = [], set()

    def visit(node):
        node = node.get_object()
        if id(node) in seen or not isinstance(node, dict):
            return
        seen.add(id(node))
        if "/Alt" in node:
            found.append(str(node["/Alt"]).encode())
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                visit(kid)

    visit(reader.trailer["/Root"]["/StructTreeRoot"])
    return b" ".join(found)


def test_right_to_left_mirrors_the_fold(leaflet_project, tmp_path):
    leaflet_project.write("content/index.md", "---\ntitle: كتيب تجريبي\norganisation: Test Org\ndate: 2024-05-01\n"
                          "lang: ar\n---\nمقدمة قصيرة.\n")
    leaflet_project.write("content/sections/01-first.md", "---\ntitle: القسم الأول\n---\nنص القسم الأول.\n")
    pdf = leaflet(leaflet_project)
    width = SHEETS["A4"][0]
    flap, back, front = [text_in(pdf, 1, width - right, width - left, tmp_path) for left, right in panels("A4", 1)]
    # right to left, with the Arabic catalogue's words and date
    assert "مقدمة" in flap and "كيف يمكنك المساعدة" in back and "مايو" in front and "2024" in front
    assert "مايو" not in flap
    inside = panel_texts(pdf, "A4", 2, tmp_path)
    assert inside[2] and not inside[0]  # the sections start in the right-hand panel
