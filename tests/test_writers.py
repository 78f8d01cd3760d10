"""Both writers on a small input that uses every CommonMark construct: each comes out with its text."""

from __future__ import annotations

import io

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from pypdf import PdfReader

from conftest import REPO, brochure_pdf, job_for, report_docx
from pressroom.content import read_content
from pressroom.brochure.pdf import render_brochure_html

from markdown_sample import EVERY_CONSTRUCT

EXPECTED_TEXTS = ["A paragraph with", "emphasis", "strong", "inline code", "web link", "after it.",
                  "A Sub Heading", "A quoted paragraph.", "bullet one", "nested ordered", "third item",
                  'print("code block")', "cell a", "cell b", "<b>raw html</b>", "The footnote text."]


@pytest.fixture
def document(project):
    project.write("content/sections/01-first.md", EVERY_CONSTRUCT)
    return read_content(project.settings)


def test_html_has_every_construct_and_escapes_raw_html(document, project):
    html = render_brochure_html(document, job_for(project.settings))
    for fragment in ("<em>emphasis</em>", "<strong>strong</strong>", "<code>inline code</code>",
                     '<a href="https://example.org/page" title="Example">web link</a>', "<br>",
                     '<h2 id="a-sub-heading">', "<blockquote>", '<ol start="3" style="counter-reset: list-item 2">', "<ul>",
                     '<pre><code class="language-python">', '<th style="text-align: left">Left</th>',
                     '<td style="text-align: right">cell b</td>', "<hr>", "&lt;b&gt;raw html&lt;/b&gt;",
                     '<a href="#a-sub-heading" data-page="page">', 'role="doc-noteref"', '<html lang="en" dir="ltr">'):
        assert fragment in html


def test_pdf_contains_every_construct_text(document, project):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(brochure_pdf(document, project.settings))).pages)
    for expected in EXPECTED_TEXTS:
        assert expected in text, expected


def test_docx_contains_every_construct_with_styles(document, project):
    report = docx.Document(io.BytesIO(report_docx(document, project.settings)))
    paragraphs = [(p.style.name, p.text) for p in report.paragraphs]
    footnotes = report.part.part_related_by(RT.FOOTNOTES).element  # real footnotes, not body paragraphs
    texts = "\n".join(t for _, t in paragraphs) + "\n".join(
        c.text for t in report.tables for row in t.rows for c in row.cells) + "".join(footnotes.itertext())
    for expected in EXPECTED_TEXTS:
        assert expected in texts, expected
    assert ("Heading 2", "A Sub Heading") in paragraphs
    assert ("Quote", "A quoted paragraph.") in paragraphs
    assert ("List Bullet", "bullet one") in paragraphs
    assert ("List Number", "nested ordered") in paragraphs
    assert ("Source Code", 'print("code block")') in paragraphs
    emphasis = [r for p in report.paragraphs for r in p.runs if r.text == "emphasis"]
    assert emphasis and emphasis[0].italic
    strong = [r for p in report.paragraphs for r in p.runs if r.text == "strong"]
    assert strong and strong[0].bold


def test_docx_lists_use_real_numbering_that_restarts(document, project):
    report = docx.Document(io.BytesIO(report_docx(document, project.settings)))
    numbered = {p.text: p._p.pPr.numPr for p in report.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None}
    assert numbered["nested ordered"].ilvl.val == 1
    assert numbered["bullet one"].ilvl.val == 0
    third = numbered["third item"].numId.val
    assert third != numbered["nested ordered"].numId.val
    numbering = report.part.numbering_part.element
    num = next(n for n in numbering.num_lst if n.numId == third)
    assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["3"]


def test_docx_declares_language(document, project):
    report = docx.Document(io.BytesIO(report_docx(document, project.settings)))
    assert report.core_properties.language == "en"
    assert report.styles.element.xpath("//w:docDefaults//w:lang/@w:val") == ["en"]


@pytest.mark.parametrize("note", ["> a quoted note", "- a listed note", "# a heading note", "    an indented code note",
                                  "---", ""])
def test_footnotes_of_any_kind_reach_both_outputs(project, note):
    """A note that is not a plain paragraph (or is empty) is still a note, in the PDF and in the report."""
    project.write("content/sections/01-first.md", f"---\ntitle: First\n---\nSee this.[^n]\n\n[^n]: {note}\n")
    document = read_content(project.settings)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(brochure_pdf(document, project.settings))).pages)
    report = docx.Document(io.BytesIO(report_docx(document, project.settings)))
    notes = report.part.part_related_by(RT.FOOTNOTES).element
    note_text = note.lstrip("#>- ").strip() if note != "---" else ""
    assert note_text in text
    assert note_text in "".join(notes.itertext())
    assert len([n for n in notes if int(n.get(qn("w:id"))) > 0]) == 1  # besides the separator notes


@pytest.mark.parametrize("rows, long_words", [
    ([("Transforming Treatments", "Precision Medicine, which customizes treatments"),
      ("Augmented Supportive Care", "psychological, nutritional, and rehabilitative services")], False),
    ([("Report", "https://example.org/reports/annual-2024.pdf")], True),
    ([tuple(f"value{i}" for i in range(8))], True),
])
def test_only_tables_whose_longest_words_may_not_fit_may_break_anywhere(rows, long_words):
    """Breaking anywhere keeps such a table inside the margins, but sizing its columns tries a break after
    every character: the brochure's CSS asks for it only in tables marked long-words."""
    from pressroom import model as m
    from pressroom.html import render_body

    cell = lambda text: (m.Text(text),)  # noqa: E731
    columns = len(rows[0])
    table = m.Table(("",) * columns, tuple(cell(f"Head {i}") for i in range(columns)),
                    tuple(tuple(cell(text) for text in row) for row in rows))
    html = render_body(m.Body((table,)))
    assert ('<table class="long-words">' in html) is long_words, html
    css = (REPO / "templates" / "brochure" / "brochure.css").read_text(encoding="utf-8")
    assert ".prose table.long-words td { overflow-wrap: anywhere; }" in css
    assert "overflow-wrap: anywhere" not in css.split(".prose th, .prose td {", 1)[1].split("}", 1)[0]
