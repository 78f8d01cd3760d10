"""The real content, built end to end and read back from both outputs."""

from __future__ import annotations

import docx
import pytest
from pypdf import PdfReader

from pressroom.pipeline import BuildRequest, build
from pressroom.content import read_content
from pressroom.markdown import plain_text
from pressroom import model as m


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import REPO, Project
    import shutil

    project = Project(tmp_path_factory.mktemp("real"))
    shutil.copytree(REPO / "content", project.content)
    build(project.settings, BuildRequest.for_target("all"))
    return project, read_content(project.settings)


def paragraphs_of(document, labels: dict[str, str]):
    """The text of every paragraph, cross-references written as `labels` gives them by identifier (each
    output words them in its own way)."""
    bodies = [document.intro] + [s.body for s in document.sections]

    def text(inlines):
        return "".join(labels[node.target] if isinstance(node, m.CrossRef) else plain_text([node]) for node in inlines)

    return [text(b.children) for body in bodies for b in body.blocks if isinstance(b, m.Paragraph)]


def word_labels(document) -> dict[str, str]:
    return {key: f"{label.kind.title()}\u00a0{label.number}" for key, label in document.labels.items()}


def squash(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "").split())


def test_pdf_has_every_title_and_paragraph_in_order(built):
    project, document = built
    text = squash(" ".join(p.extract_text() for p in PdfReader(project.out / "brochure.pdf").pages))
    position = 0
    for section in document.sections:
        assert section.title in text
    for paragraph in paragraphs_of(document, {key: "\0" for key in document.labels}):
        for piece in paragraph.split("\0"):  # the brochure adds the page: "Table 1, page 8"
            found = text.find(squash(piece), position)
            assert found >= 0, piece[:60]
            position = found


def test_pdf_emphasised_terms_are_in_an_italic_font(built):
    project, _ = built
    italic_text = []

    def visit(text, cm, tm, font, size):
        if font and "Italic" in str(font.get("/BaseFont", "")):
            italic_text.append(text)

    for page in PdfReader(project.out / "brochure.pdf").pages:
        page.extract_text(visitor_text=visit)
    italic = squash(" ".join(italic_text))
    for term in ("Pediatric Oncology", "Precision Medicine", "Immunotherapy"):
        assert term in italic


def test_docx_has_every_title_and_paragraph_in_order_with_heading_styles(built):
    project, document = built
    report = docx.Document(str(project.out / "report.docx"))
    body = [(p.style.name, p.text) for p in report.paragraphs]
    headings = [t for s, t in body if s == "Heading 1"]
    assert [s.title for s in document.sections] == [h for h in headings if h in {s.title for s in document.sections}]
    texts = [t for _, t in body]
    position = 0
    for paragraph in paragraphs_of(document, word_labels(document)):
        position = texts.index(paragraph, position)


def test_docx_emphasised_terms_are_italic(built):
    project, _ = built
    report = docx.Document(str(project.out / "report.docx"))
    italic = {r.text for p in report.paragraphs for r in p.runs if r.italic}
    assert {"Pediatric Oncology", "Precision Medicine", "Immunotherapy"} <= italic



def test_one_build_parses_each_markdown_file_once_for_every_output(tmp_path, monkeypatch):
    """The brochure, the general report and every funder edition come from one reading of content/."""
    from conftest import REPO, Project
    import shutil
    from pressroom.content import ContentReader

    project = Project(tmp_path)
    shutil.copytree(REPO / "content", project.content)
    parsed = []
    read_body = ContentReader.read_body

    def counting_read_body(self, path, *args, **kwargs):
        parsed.append(path)
        return read_body(self, path, *args, **kwargs)

    monkeypatch.setattr(ContentReader, "read_body", counting_read_body)
    written = build(project.settings, BuildRequest.for_target("all"))
    names = sorted(path.relative_to(project.out).as_posix() for path in written)
    assert names == ["brochure.pdf", "report.docx", "reports/harbour-light-foundation.docx",
                     "reports/northwind-childrens-trust.docx", "web/assets/cover-kite-6dd93fed.svg",
                     "web/assets/kite-illustration-1e775658.png", "web/index.html", "web/web.css"]
    markdown_files = [project.content / "index.md", *(project.content / "sections").glob("*.md")]
    assert sorted(parsed) == sorted(markdown_files)
