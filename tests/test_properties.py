"""Property-based tests: generated Markdown goes through the reader and both writers without a crash,
and the text of every block comes out."""

from __future__ import annotations

import io
import unicodedata

import docx
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import brochure_pdf, job_for, report_docx
from pressroom.content import read_content
from pressroom.errors import ContentError
from pressroom.html import render_body

FRONT = "---\ntitle: First Section\n---\n"
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

words = st.text(alphabet="abcdeghjkmnopqrstuvwxyzäéñ", min_size=1, max_size=9)


@st.composite
def inline_text(draw) -> tuple[str, str]:
    """A run of words, some emphasised, coded or linked: (Markdown, the text a reader sees)."""
    pieces = draw(st.lists(st.tuples(words, st.sampled_from(["plain", "em", "strong", "code", "link", "escaped"])),
                           min_size=1, max_size=8))
    markdown, text = [], []
    for word, style in pieces:
        markdown.append({"plain": word, "em": f"*{word}*", "strong": f"**{word}**", "code": f"`{word}`",
                         "link": f"[{word}](https://example.org/{word})", "escaped": f"<{word}>&amp;"}[style])
        text.append(f"<{word}>&" if style == "escaped" else word)
    return " ".join(markdown), " ".join(text)


@st.composite
def block(draw) -> tuple[str, list[str]]:
    """One Markdown block: (Markdown, the texts that must come out)."""
    kind = draw(st.sampled_from(["paragraph", "heading", "bullets", "numbers", "quote", "code", "table"]))
    if kind in ("bullets", "numbers"):
        items = draw(st.lists(inline_text(), min_size=1, max_size=3))
        nested = draw(st.booleans())
        marks = ["-" if kind == "bullets" else f"{n + 1}." for n in range(len(items))]
        lines = [f"{mark} {md}" for mark, (md, _) in zip(marks, items)]
        if nested:
            lines.append("   - " + items[0][0])
        return "\n".join(lines), [text for _, text in items]
    if kind == "table":
        cells = draw(st.lists(inline_text(), min_size=4, max_size=4))
        md = [c[0].replace("|", "") for c in cells]
        return (f"| {md[0]} | {md[1]} |\n| --- | ---: |\n| {md[2]} | {md[3]} |",
                [text for _, text in cells])
    if kind == "code":
        lines = draw(st.lists(words, min_size=1, max_size=3))
        return "```\n" + "\n".join(lines) + "\n```", lines
    md, text = draw(inline_text())
    prefix = {"paragraph": "", "heading": "## ", "quote": "> "}[kind]
    return prefix + md, [text]


@st.composite
def bodies(draw) -> tuple[str, list[str]]:
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    return "\n\n".join(md for md, _ in blocks) + "\n", [text for _, texts in blocks for text in texts]


def normal(text: str) -> str:
    """Letters and digits only, case-folded: line breaks, hyphenation and list marks do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if c.isalnum())


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    body = docx.Document(io.BytesIO(data)).element.body
    return "".join(node.text or "" for node in body.iter(qn("w:t")))


@SLOW
@given(body=bodies())
def test_every_block_comes_out_of_the_pdf_and_the_report(project, body):
    markdown, texts = body
    project.write("content/sections/01-first.md", FRONT + markdown)
    document = read_content(project.settings)

    in_pdf = normal(pdf_text(brochure_pdf(document, project.settings)))
    in_docx = normal(docx_text(report_docx(document, project.settings)))

    for text in texts:
        assert normal(text) in in_pdf, text
        assert normal(text) in in_docx, text


@FAST
@given(body=bodies())
def test_every_block_comes_out_of_the_html(project, body):
    markdown, texts = body
    project.write("content/sections/01-first.md", FRONT + markdown)
    html = str(render_body(read_content(project.settings).sections[0].body))
    assert "<script" not in html
    for text in texts:
        for word in text.split():
            escaped = word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert escaped in html, word


@FAST
@given(text=st.text(max_size=400))
def test_any_text_is_read_or_refused_with_located_problems(project, text):
    """Whatever a section file holds, the reader returns a model or located problems, never a crash."""
    path = project.content / "sections" / "01-first.md"
    path.write_text(FRONT + text, encoding="utf-8", errors="surrogatepass")
    try:
        document = read_content(project.settings)
    except ContentError as error:
        assert error.problems
        assert all(problem.path == path and (problem.line or 0) >= 1 for problem in error.problems)
    else:
        render_body(document.sections[0].body)


@FAST
@given(depth=st.integers(min_value=1, max_value=60), kind=st.sampled_from(["> ", "- "]))
def test_nesting_is_either_kept_whole_or_reported(project, depth, kind):
    """markdown-it drops text past its nesting limit; the reader must never let that pass silently."""
    lines = [("  " * i + kind) if kind == "- " else kind * (i + 1) for i in range(depth)]
    project.write("content/sections/01-first.md", FRONT + "\n".join(f"{line}level{i}" for i, line in
                                                                   enumerate(lines)) + "\n\nlast\n")
    try:
        document = read_content(project.settings)
    except ContentError as error:
        [problem] = error.problems
        assert "Markdown: nested more than 40 levels deep" in problem.message
        return
    html = str(render_body(document.sections[0].body))
    assert all(f"level{i}" in html for i in range(depth)) and "last" in html
