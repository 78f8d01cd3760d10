"""The Word report right to left: Arabic documents, sections and runs, read back with python-docx and lxml,
and laid out by LibreOffice and pandoc."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from conftest import Project
from pressroom.cli import cli

ARABIC_SENTENCE = "يستخدم الباحثون Precision Medicine لعلاج 120 طفلاً."

SECTION = f"""
---
title: العلاجات
---
{ARABIC_SENTENCE}[^1] وهذا **مهم** و*جديد*.

- البند الأول
- البند الثاني

| العمود | القيمة |
|---|---|
| أ | 1 |

> اقتباس.

[^1]: حاشية قصيرة.
"""


def arabic_project(root, lang: str = "ar") -> Project:
    project = Project(root)
    title = "التقدم في طب أورام الأطفال" if lang == "ar" else "Progress"
    project.write("content/index.md", f"---\ntitle: {title}\ndate: 2026-11-27\nlang: {lang}\n---\n"
                                      "مقدمة قصيرة في عام 2026.\n")
    project.write("content/sections/01-a.md", SECTION)
    project.write("content/sections/02-b.md", "---\ntitle: English Section\n---\nAn English paragraph.\n")
    return project


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    project = arabic_project(tmp_path_factory.mktemp("rtl"))
    result = CliRunner().invoke(cli, ["build", "report", "--report-pdf", *project.args(), "--out", str(project.out)])
    assert result.exit_code == 0, result.output
    return project, docx.Document(str(project.out / "report.docx"))


def paragraph(report, text: str):
    return next(p for p in report.paragraphs if text in p.text)


def bidi(p) -> str | None:
    """"1" for a right-to-left paragraph, "0" for one marked left to right, None for unmarked."""
    found = p._p.pPr.find(qn("w:bidi")) if p._p.pPr is not None else None
    return None if found is None else found.get(qn("w:val"), "1")


def test_paragraphs_sections_and_tables_run_right_to_left(arabic):
    _, report = arabic
    body = report.element.body
    for p in body.iter(qn("w:p")):
        pPr = p.pPr
        if p.xpath("string(.)").strip() and "An English paragraph" not in p.xpath("string(.)"):
            assert pPr is not None and pPr.find(qn("w:bidi")) is not None, p.xpath("string(.)")
    assert all(sect.find(qn("w:bidi")) is not None for sect in body.iter(qn("w:sectPr")))  # cover's and body's
    (table,) = report.tables
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    # schema order: bidi comes before spacing, ind and jc in pPr
    for pPr in body.iter(qn("w:pPr")):
        tags = [child.tag for child in pPr]
        if qn("w:bidi") in tags and qn("w:ind") in tags:
            assert tags.index(qn("w:bidi")) < tags.index(qn("w:ind"))


def test_arabic_runs_are_rtl_with_complex_script_bold_and_italic_and_latin_runs_are_not(arabic):
    _, report = arabic
    p = paragraph(report, "يستخدم")
    runs = {r.text: r._r for r in p.runs}
    rtl = {text for text, r in runs.items() if r.find(qn("w:rPr") + "/" + qn("w:rtl")) is not None}
    assert "يستخدم الباحثون " in rtl and " لعلاج 120 طفلاً." in rtl
    assert "Precision Medicine" in runs and "Precision Medicine" not in rtl  # a run of its own, left to right
    bold = runs["مهم"].find(qn("w:rPr"))
    assert bold.find(qn("w:b")) is not None and bold.find(qn("w:bCs")) is not None
    italic = runs["جديد"].find(qn("w:rPr"))
    assert italic.find(qn("w:i")) is not None and italic.find(qn("w:iCs")) is not None


def test_the_english_section_stays_left_to_right_inside_the_arabic_document(arabic):
    _, report = arabic
    english = paragraph(report, "An English paragraph")
    assert bidi(english) in (None, "1")  # no lang given: the section is in the document's language
    assert english.runs[0]._r.find(qn("w:rPr") + "/" + qn("w:rtl")) is None


def test_lists_footnotes_header_footer_and_contents_run_right_to_left(arabic):
    project, report = arabic
    numbering = report.part.numbering_part.element
    levels = numbering.xpath("./w:abstractNum[@w:abstractNumId='9001']/w:lvl/w:pPr")
    assert levels and all(pPr.find(qn("w:bidi")) is not None for pPr in levels)
    assert all(pPr.find(qn("w:ind")).get(qn("w:right")) for pPr in levels)  # indents from the right edge
    footnotes = next(rel.target_part for rel in report.part.rels.values() if rel.reltype.endswith("/footnotes"))
    note = [p for p in footnotes.element.iter(qn("w:p")) if "حاشية" in p.xpath("string(.)")]
    assert note and note[0].pPr.find(qn("w:bidi")) is not None
    section = report.sections[-1]
    for story in (section.header, section.footer):
        assert all(bidi(p) == "1" for p in story.paragraphs if p.text)
    toc = [p for p in report.paragraphs if p.style.name.lower() == "toc 1"]
    assert toc and all(bidi(p) == "1" for p in toc)  # the contents list aligns right


def test_styles_carry_the_complex_script_font_and_size_and_the_bidi_language(arabic):
    _, report = arabic
    normal = report.styles["Normal"].element.rPr
    assert normal.rFonts.get(qn("w:cs")) == "Noto Naskh Arabic"
    size, complex_size = int(normal.find(qn("w:sz")).get(qn("w:val"))), int(normal.find(qn("w:szCs")).get(qn("w:val")))
    assert complex_size > size  # Naskh set a step larger so it reads as large as the Latin text
    defaults = report.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "ar" and lang.get(qn("w:bidi")) == "ar-SA"
    quote = report.styles["Quote"].element.pPr
    assert quote.find(qn("w:pBdr") + "/" + qn("w:right")) is not None  # the quote's rule on the right


def test_an_english_document_gets_no_direction_marks(tmp_path):
    project = arabic_project(tmp_path, lang="en")
    project.write("content/index.md", "---\ntitle: Progress\n---\nEnglish only.\n")
    project.write("content/sections/01-a.md", "---\ntitle: Plain\n---\nOnly English here.\n")
    result = CliRunner().invoke(cli, ["build", "report", *project.args(), "--out", str(project.out)])
    assert result.exit_code == 0, result.output
    xml = (project.out / "report.docx").read_bytes()
    import io
    import zipfile

    document = zipfile.ZipFile(io.BytesIO(xml)).read("word/document.xml")
    assert b"<w:bidi" not in document and b"<w:rtl" not in document and b"bidiVisual" not in document


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("soffice") is None,
                    reason="LibreOffice and poppler needed")
def test_libreoffice_lays_the_arabic_out_right_aligned_and_pandoc_reads_it_in_logical_order(arabic):
    project, _ = arabic
    pdf = project.out / "report.pdf"
    # the Arabic sentence's last word ends near the right margin: right-aligned text
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "3", pdf, "-"], capture_output=True,
                          text=True).stdout
    import re

    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', bbox)
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox)[1])
    first = next((float(x_max) for _, x_max, word in words if word in ("يستخدم", "يستخدم"[::-1])), None)
    assert first is not None and first > page_width * 0.75, (first, page_width)
    if shutil.which("pandoc"):
        plain = subprocess.run(["pandoc", project.out / "report.docx", "-t", "plain"], capture_output=True,
                               text=True, check=True).stdout
        assert ARABIC_SENTENCE.rstrip(".") in " ".join(plain.split())


def test_a_span_in_another_language_and_a_section_in_english_keep_their_direction(tmp_path):
    project = arabic_project(tmp_path)
    project.write("content/sections/01-a.md", "---\ntitle: العلاجات\n---\nيستخدم الباحثون [Precision Medicine]{lang=en} "
                                              "اليوم.\n")
    project.write("content/sections/02-b.md", "---\ntitle: English Section\nlang: en\n---\nAn English paragraph.\n")
    result = CliRunner().invoke(cli, ["build", "report", *project.args(), "--out", str(project.out)])
    assert result.exit_code == 0, result.output
    report = docx.Document(str(project.out / "report.docx"))
    span = next(r for r in paragraph(report, "يستخدم").runs if r.text == "Precision Medicine")
    assert span._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en"
    assert span._r.rPr.find(qn("w:rtl")) is None
    english = paragraph(report, "An English paragraph")
    assert bidi(english) == "0"  # marked left to right inside the right-to-left document
