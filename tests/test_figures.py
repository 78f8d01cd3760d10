"""Numbered figures and tables, cross-references, charts from data, the report's contents page numbers and its
PDF copy: read back from the real outputs (python-docx and lxml, pypdf, poppler, pandoc, openpyxl)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from pypdf import PdfReader

from conftest import REPO, Project, write
from pressroom.cli import cli
from pressroom.content import ContentReader
from pressroom.settings import Settings

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

CHART = """
chart:
  type: bar
  title: Sessions by year
  unit: sessions
  sample: true
  categories: [2023, 2024]
  series:
    - name: Support
      values: [120, 165]
"""

SECTION = """
---
title: Evidence
---
See [](#fig-sessions) and [](#tbl-areas), then [](#fig-kite).

![A coloured square](../assets/square.png "The square"){#fig-kite}

Table: Areas of work {#tbl-areas}

| Area | Detail |
|------|--------|
| One  | First  |

![Bar chart of sessions](../data/sessions.yaml "Sessions by year (sample)"){#fig-sessions}
"""


def numbered_project(root: Path, section: str = SECTION) -> Project:
    project = Project(root)
    project.write("content/index.md", "---\ntitle: Figures Test\ndate: 2024-05-01\n---\nIntroduction.\n")
    project.write("content/sections/01-evidence.md", section)
    project.write("content/data/sessions.yaml", CHART)
    from PIL import Image

    (project.content / "assets").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1200, 800), (14, 107, 112)).save(project.content / "assets" / "square.png")
    return project


def problems_of(project: Project) -> list[str]:
    reader = ContentReader(project.settings)
    reader.read(raise_problems=False)
    return [f"{p.path.name}:{p.line}: {p.message}" for p in reader.problems.items]


def build(project: Project, *args: str) -> CliRunner:
    result = CliRunner().invoke(cli, ["build", *args, *project.args(), "--out", str(project.out)])
    assert result.exit_code == 0, result.output
    return result


# The reader --------------------------------------------------------------------------------------------


def test_figures_and_tables_are_numbered_in_reading_order_with_their_identifiers(tmp_path):
    project = numbered_project(tmp_path)
    document = ContentReader(project.settings).read()
    assert {key: (label.kind, label.number) for key, label in document.labels.items()} == {
        "fig-kite": ("figure", 1), "tbl-areas": ("table", 1), "fig-sessions": ("figure", 2)}
    figure = document.sections[0].body.blocks[1]
    assert (figure.id, figure.number, figure.caption[0].text) == ("fig-kite", 1, "The square")
    chart = document.sections[0].body.blocks[3].content
    assert (chart.kind, chart.categories, chart.series[0].values) == ("bar", ("2023", "2024"), (120.0, 165.0))


@pytest.mark.parametrize("text, expected", [
    ("See [](#fig-nope).", "01-evidence.md:4: cross-reference: no figure or table has the identifier '#fig-nope' "
     "(known: fig-kite, fig-sessions, tbl-areas)"),
    ("See [](#evidence).", "01-evidence.md:4: cross-reference: '#evidence' is not a numbered figure or table; to "
     "link to a heading or section, give the link text: [text](#evidence)"),
    ("![Again](../assets/square.png \"Again\"){#fig-kite}", "01-evidence.md:6: figure identifier: '#fig-kite' is "
     "already used by figure 1; give each its own"),
    ("![Again](../assets/square.png \"Again\"){#evidence}", "01-evidence.md:4: figure identifier: '#evidence' is "
     "already used by a heading or section; give each its own"),
    ("Text ![inline chart](../data/sessions.yaml) here.", "01-evidence.md:4: chart: a chart must stand alone in its "
     "paragraph, like ![alt](../data/chart.yaml \"Caption\"){#fig-id}"),
    ("![A square](../assets/square.png \"Square\"){#fig square}", "01-evidence.md:4: figure identifier: "
     "'{#fig square}' is not an identifier in braces; write ![alt](src \"Caption\"){#fig-id}, with no space inside "
     "the braces and none before them"),
    ("![A square](../assets/square.png \"Square\") {#fig-square}", "01-evidence.md:4: figure identifier: "
     "'{#fig-square}' is not an identifier in braces; write ![alt](src \"Caption\"){#fig-id}, with no space inside "
     "the braces and none before them"),
    ("![A square](../assets/square.png \"Square\"){#2nd}", "01-evidence.md:4: figure identifier: '2nd' must start "
     "with a letter and hold only letters, digits, '-', '_', '.' and ':'"),
])
def test_bad_identifiers_and_references_are_located_errors(tmp_path, text, expected):
    project = numbered_project(tmp_path, SECTION.replace("See [](#fig-sessions) and [](#tbl-areas), then [](#fig-kite).",
                                                         text))
    problems = problems_of(project)
    assert expected in problems, problems


@pytest.mark.parametrize("caption", ["Table: Areas of work {#tbl areas}", "Table: Areas of work {#tbl-areas",
                                     "Table: Areas of work {#1st}"])
def test_a_mistyped_table_identifier_is_a_located_error_not_caption_text(tmp_path, caption):
    project = numbered_project(tmp_path, SECTION.replace("Table: Areas of work {#tbl-areas}", caption))
    braces = caption.removeprefix("Table: Areas of work ")
    assert f"01-evidence.md:8: table identifier: '{braces}' is not an identifier in braces; write Table: Caption " \
        "{#tbl-id}, with no space inside the braces and none before them" in problems_of(project)


def test_a_chart_with_a_value_missing_is_a_located_error(tmp_path):
    project = numbered_project(tmp_path)
    project.write("content/data/sessions.yaml", CHART.replace("[120, 165]", "[120]"))
    problems = problems_of(project)
    assert "sessions.yaml:1: chart: series 'Support' has 1 values for 2 categories; give one value per category" \
        in problems, problems
    assert problems == [p for p in problems if "sessions.yaml" in p and "01-evidence.md" not in p], \
        "the chart's problem is said once, on its data file"


def test_a_pie_chart_of_two_series_is_a_located_error_not_half_a_chart(tmp_path):
    project = numbered_project(tmp_path)
    project.write("content/data/sessions.yaml", CHART.replace("type: bar", "type: pie")
                  + "    - name: Outreach\n      values: [30, 45]\n")
    assert problems_of(project) == ["sessions.yaml:1: chart: a pie chart shows one series, and this one has 2; use "
                                    "a bar chart, or one chart per series"]


# The Word report ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    """The numbered project built once: report (with its PDF), brochure and web edition."""
    project = numbered_project(tmp_path_factory.mktemp("figures"))
    build(project, "all", "--report-pdf")
    return project


def fields(document) -> list[tuple[str, str]]:
    """(instruction, result text) of every complex field in the body, outermost and nested."""
    found, stack = [], []
    for run in document.element.body.iter(qn("w:r")):
        kind = run.xpath("string(./w:fldChar/@w:fldCharType)")
        if kind == "begin":
            stack.append(["", None])
        elif kind == "separate":
            stack[-1][1] = ""
        elif kind == "end":
            instruction, result = stack.pop()
            found.append((instruction.strip(), result))
        else:
            for entry in stack:
                if entry[1] is None:
                    entry[0] += run.xpath("string(./w:instrText)")
                else:
                    entry[1] += run.xpath("string(./w:t)")
    return found


def test_word_captions_hold_seq_fields_in_bookmarks_and_references_are_ref_fields(built):
    report = docx.Document(str(built.out / "report.docx"))
    captions = [(p.style.name, p.text) for p in report.paragraphs if p.style.name in ("Caption", "Table Caption")]
    assert captions == [("Caption", "Figure\u00a01: The square"), ("Table Caption", "Table\u00a01: Areas of work"),
                        ("Caption", "Figure\u00a02: Sessions by year (sample)")]
    found = fields(report)
    assert [r for i, r in found if i.startswith("SEQ Figure")] == ["1", "2"]
    assert [r for i, r in found if i.startswith("SEQ Table")] == ["1"]
    refs = [(i, r) for i, r in found if i.startswith("REF ")]
    assert refs == [("REF _Ref_fig_sessions \\h", "Figure\u00a02"), ("REF _Ref_tbl_areas \\h", "Table\u00a01"),
                    ("REF _Ref_fig_kite \\h", "Figure\u00a01")]
    bookmarks = {start.get(qn("w:name")): start for start in report.element.body.iter(qn("w:bookmarkStart"))}
    for name in ("_Ref_fig_kite", "_Ref_tbl_areas", "_Ref_fig_sessions"):
        start = bookmarks[name]  # the bookmark holds the label and the SEQ field: what REF repeats
        assert start.getparent().style in ("Caption", "TableCaption")
    # the table's caption comes above it, kept with it by its style
    table_caption = next(p for p in report.paragraphs if p.style.name == "Table Caption")
    assert table_caption._p.getnext().tag == qn("w:tbl")
    assert report.styles["Table Caption"].paragraph_format.keep_with_next


def test_word_lists_of_figures_and_tables_follow_the_contents(built):
    report = docx.Document(str(built.out / "report.docx"))
    found = dict(fields(report))
    assert 'TOC \\h \\z \\c "Figure"' in found and 'TOC \\h \\z \\c "Table"' in found
    entries = [p.text.split("\t") for p in report.paragraphs if p.style.name.lower() == "table of figures"]
    assert [text for text, _ in entries] == ["Figure\u00a01: The square", "Figure\u00a02: Sessions by year (sample)",
                                             "Table\u00a01: Areas of work"]
    headings = [p.text for p in report.paragraphs if p.style.name == "TOC Heading"]
    assert headings == ["Contents", "Figures", "Tables"]


def test_lists_of_figures_are_left_out_when_there_are_none(tmp_path):
    project = numbered_project(tmp_path, "---\ntitle: Plain\n---\nNo figures here.\n")
    build(project, "report")
    report = docx.Document(str(project.out / "report.docx"))
    assert [p.text for p in report.paragraphs if p.style.name == "TOC Heading"] == ["Contents"]
    assert not [i for i, _ in fields(report) if "\\c" in i]


def test_the_chart_is_a_native_word_chart_with_its_numbers_and_workbook(built):
    openpyxl = pytest.importorskip("openpyxl")
    package = zipfile.ZipFile(built.out / "report.docx")
    charts = [n for n in package.namelist() if n.startswith("word/charts/chart")]
    assert len(charts) == 1
    xml = package.read(charts[0]).decode()
    assert "<c:barChart>" in xml and "<c:v>120" in xml and "<c:v>165" in xml and "<c:v>2023</c:v>" in xml
    workbook_name = next(n for n in package.namelist() if n.startswith("word/embeddings/") and n.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(package.read(workbook_name))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 120 in values and 165 in values and "Support" in values
    document = package.read("word/document.xml").decode()
    assert 'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"' in document
    assert re.search(r'<wp:docPr [^>]*descr="[^"]*120[^"]*165', document), "the chart's alt text reads its numbers"


@needs_libreoffice
@needs_poppler
def test_contents_page_numbers_match_the_pages_libreoffice_lays_out(built):
    report = docx.Document(str(built.out / "report.docx"))
    entries = [p.text.split("\t") for p in report.paragraphs if p.style.name.lower() in ("toc 1", "table of figures")]
    assert entries and all(page.isdigit() for _, page in entries), entries
    assert not report.settings.element.xpath("./w:updateFields")  # current: Word need not ask to update them
    pdf = built.out / "report.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout)[1])
    text_of = {n: subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True,
                                 text=True).stdout for n in range(1, pages + 1)}
    for title, page in entries:
        title = title.replace("\u00a0", " ")
        # the page the entry names holds the heading or caption (the contents pages, 1 and 2, aside)
        holders = [n for n, text in text_of.items() if title in " ".join(text.replace("\u00a0", " ").split())
                   and n > 2]
        assert int(page) in holders, (title, page, holders)


@needs_libreoffice
@needs_poppler
def test_second_readers_read_the_report_and_libreoffice_draws_the_chart(built):
    pdf_text = subprocess.run(["pdftotext", built.out / "report.pdf", "-"], capture_output=True, text=True).stdout
    assert "Sessions by year" in pdf_text and "Figure 2: Sessions by year (sample)" in pdf_text
    assert re.search(r"\b(100|150|200)\b", pdf_text), "the chart's axis is drawn"
    if shutil.which("pandoc"):
        plain = subprocess.run(["pandoc", built.out / "report.docx", "-t", "plain"], capture_output=True,
                               text=True, check=True).stdout
        assert "See Figure 2 and Table 1, then Figure 1." in " ".join(plain.split())


@needs_libreoffice
def test_report_pdf_is_tagged_with_fonts_embedded_and_reproducible(built, tmp_path):
    reader = PdfReader(built.out / "report.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    fonts = [font for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()]
    descriptors = [f.get_object().get("/FontDescriptor") or
                   f.get_object()["/DescendantFonts"][0].get_object().get("/FontDescriptor") for f in fonts]
    assert descriptors and all(any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                               for d in descriptors)
    again = Project(tmp_path)
    shutil.rmtree(again.templates)
    shutil.copytree(built.templates, again.templates)
    shutil.copytree(built.content, again.content)
    build(again, "report", "--report-pdf")
    assert (again.out / "report.pdf").read_bytes() == (built.out / "report.pdf").read_bytes()
    assert (again.out / "report.docx").read_bytes() == (built.out / "report.docx").read_bytes()


def test_report_pdf_without_libreoffice_is_one_error_line_and_keeps_the_last_build(tmp_path):
    project = numbered_project(tmp_path)
    project.out.mkdir()
    (project.out / "report.docx").write_bytes(b"last good")
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": venv_bin}
    result = subprocess.run([Path(venv_bin) / "pressroom", "build", "report", "--report-pdf", *project.args(),
                             "--out", str(project.out)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "Error: the report's PDF needs LibreOffice, which is not installed; install LibreOffice " \
           "(sudo apt-get install libreoffice-writer-nogui)" in result.stderr
    assert "Traceback" not in result.stderr
    assert (project.out / "report.docx").read_bytes() == b"last good"


def test_a_build_without_report_pdf_removes_the_pdfs_an_earlier_build_left(tmp_path):
    project = numbered_project(tmp_path)
    project.write("content/data/funders.yaml", "- slug: acme\n  name: Acme Trust (sample)\n"
                  "  contact: {name: A. Person}\n  grant: {amount: 100, currency: EUR}\n  programme: Care\n"
                  "  period: {start: 2026-01-01, end: 2026-12-31}\n")
    stale = [project.out / "report.pdf", project.out / "reports" / "acme.pdf"]
    for pdf in stale:
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF- from a build with --report-pdf")
    build(project, "reports", "--funder", "acme")
    assert (project.out / "reports" / "acme.docx").is_file() and not stale[1].exists()
    assert stale[0].exists()  # the general edition was not built: its PDF is left alone
    build(project, "report")
    assert (project.out / "report.docx").is_file() and not stale[0].exists()


def test_without_libreoffice_the_report_builds_with_one_warning(tmp_path):
    project = numbered_project(tmp_path)
    venv_bin = str(Path(sys.executable).parent)
    result = subprocess.run([Path(venv_bin) / "pressroom", "build", "all", *project.args(), "--out", str(project.out)],
                            capture_output=True, text=True, env={**os.environ, "PATH": venv_bin})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("LibreOffice not found") == 1
    report = docx.Document(str(project.out / "report.docx"))
    entries = [p.text for p in report.paragraphs if p.style.name.lower() == "toc 1"]
    assert entries and all(text.endswith("\t") for text in entries)  # the PAGEREF results wait for Word


# The brochure and the web edition ------------------------------------------------------------------------


@needs_poppler
def test_brochure_numbers_by_css_and_references_name_the_right_pages(built):
    pdf = built.out / "brochure.pdf"
    reader = PdfReader(pdf)
    pages = [" ".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True,
                                     text=True).stdout.split()) for n in range(1, len(reader.pages) + 1)]
    text = " ".join(pages)
    for label, caption in (("Figure 2", "Sessions by year (sample)"), ("Table 1", "Areas of work"),
                           ("Figure 1", "The square")):
        page = int(re.search(rf"{label}, page (\d+)", text)[1])
        assert f"{label}: {caption}" in pages[page - 1], (label, page)
    assert "120" in text and "165" in text and "2023" in text  # the chart's numbers are text


def test_web_edition_writes_numbers_and_links(built):
    html = (built.out / "web" / "index.html").read_text()
    assert '<a class="xref" href="#fig-sessions">Figure 2</a>' in html
    assert '<figure class="numbered" id="fig-kite">' in html
    assert '<span class="caption-label">Table 1: </span>Areas of work' in html
    assert re.search(r'<figure class="numbered chart" id="fig-sessions"><img class="chart-image" '
                     r'src="data:image/svg\+xml;base64,[^"]+" alt="[^"]*120', html)


# Template errors and loose ends ----------------------------------------------------------------------------


def test_invalid_yaml_from_the_report_template_names_the_template_line(tmp_path):
    project = numbered_project(tmp_path)
    template = project.templates / "report" / "report.yaml.j2"
    lines = template.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("- section:"))
    lines[index] = "- section: {{ section.slug }}: broken"
    template.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["build", "report", *project.args(), "--out", str(project.out)])
    assert result.exit_code == 1
    assert f"report.yaml.j2:{index + 1}: rendered template is not valid YAML" in result.output


def test_lists_code_and_nested_quotes_inside_a_quote_keep_the_quote_look(tmp_path):
    project = numbered_project(tmp_path, "---\ntitle: Quotes\n---\n> Outer.\n>\n> > Inner.\n>\n> - item\n>\n"
                                         "> ```\n> code\n> ```\n")
    build(project, "report")
    report = docx.Document(str(project.out / "report.docx"))
    by_text = {p.text: p for p in report.paragraphs}
    outer, inner, item, code = by_text["Outer."], by_text["Inner."], by_text["item"], by_text["code"]
    assert outer.style.name == inner.style.name == "Quote"
    quote_indent = report.styles["Quote"].paragraph_format.left_indent
    assert inner.paragraph_format.left_indent == 2 * quote_indent
    for paragraph in (item, code):
        assert paragraph._p.pPr.find(qn("w:pBdr")) is not None  # the quote's rule
        assert paragraph.paragraph_format.left_indent >= quote_indent
    assert item.style.name == "List Bullet" and code.style.name == "Source Code"


@needs_libreoffice
@needs_poppler
def test_funder_editions_keep_their_last_part_together(tmp_path):
    project = Project(tmp_path)
    shutil.copytree(REPO / "content", project.content)
    build(project, "reports", "--report-pdf")
    for pdf in (project.out / "reports").glob("*.pdf"):
        count = len(PdfReader(pdf).pages)
        last = subprocess.run(["pdftotext", "-f", str(count), "-l", str(count), pdf, "-"], capture_output=True,
                              text=True).stdout
        assert "Your support" in last and "Sample funder" in last, pdf.name


def test_a_charts_notes_are_in_the_documents_language(tmp_path):
    import base64

    project = numbered_project(tmp_path)
    project.write("content/index.md", "---\ntitle: Essai\nlang: fr\n---\nIntroduction.\n")
    project.write("content/data/sessions.yaml", CHART + "  source: Registre d'exemple\n")
    build(project, "report")
    build(project, "web")
    html = (project.out / "web" / "index.html").read_text()
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)[1]).decode()
    assert "Données d’exemple : les chiffres sont inventés." in svg and "Source: " not in svg
    # French sets a no-break space before a colon
    assert "Source\u00a0: Registre d&apos;exemple" in svg or "Source\u00a0: Registre d'exemple" in svg
    package = zipfile.ZipFile(project.out / "report.docx")
    chart = package.read(next(n for n in package.namelist() if n.startswith("word/charts/chart"))).decode()
    assert "Données d’exemple : les chiffres sont inventés." in chart
