"""Watch and preview lay out again only the part of the brochure an edit changed (brochure/relayout.py),
and write the bytes a cold build writes; whatever they cannot prove safe is laid out whole."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader

from pressroom.brochure import relayout
from pressroom.brochure.relayout import cut, relayout_memory
from pressroom.pipeline import BuildRequest, render
from pressroom.preview import page_images

from conftest import REPO

BROCHURE = BuildRequest(("brochure",))


def brochure(settings) -> bytes:
    """The brochure as watch and preview render it: content read and checked, then laid out."""
    return render(settings, BROCHURE)["brochure.pdf"]


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("content, variant", [("content", "plain"), ("content", "pdf/ua-1"),
                                              ("content-ar", "plain")])
def test_edits_to_one_section_each_lay_out_only_it_and_write_the_bytes_of_a_cold_build(repo_project, content,
                                                                                      variant):
    """Tagged (the structure tree), and right to left (the first page is a left page): the same bytes."""
    shutil.rmtree(repo_project.content)
    shutil.copytree(REPO / content, repo_project.content)
    settings = repo_project.settings.replace(pdf_variant=variant)
    sections = sorted((repo_project.content / "sections").glob("*.md"))
    with relayout_memory() as memory:
        brochure(settings)
        assert memory.last == "laid out all pages (first render)"
        # the last section has figures, a table and cross-references (page numbers): laid out alone twice
        for section in (sections[-1], sections[1], sections[-1], sections[1]):
            text = section.read_text(encoding="utf-8")
            body = text.index("\n---\n") + 5
            word = text.index(" ", body + 20)
            section.write_text(text[:word] + " edited" + text[word:], encoding="utf-8")
            incremental = brochure(settings)
            if content == "content-ar" and section == sections[-1]:  # its chart's Arabic text: laid out whole
                assert memory.last.endswith("has text laid over a chart)"), memory.last
                continue
            assert memory.last.startswith("relaid out #"), memory.last
            assert memory.changed_pages is not None
    assert len(memory.relaid) == (2 if content == "content-ar" else 4)
    assert incremental == brochure(settings)  # a cold render of the same inputs


def test_the_combined_pdf_keeps_the_outline_links_page_numbers_and_one_set_of_fonts(repo_project):
    settings = repo_project.settings.replace(pdf_variant="pdf/ua-1")
    section = repo_project.content / "sections" / "05-at-a-glance.md"
    with relayout_memory() as memory:
        before = PdfReader(io.BytesIO(brochure(settings)))
        edit(section, "This page gathers", "This page, edited, gathers")
        after = PdfReader(io.BytesIO(brochure(settings)))
        assert memory.last.startswith("relaid out #at-a-glance")
    changed = memory.changed_pages
    assert [title.title for title in before.outline if not isinstance(title, list)] == \
        [title.title for title in after.outline if not isinstance(title, list)]
    for number, (old, new) in enumerate(zip(before.pages, after.pages)):
        old_text, new_text = old.extract_text(), new.extract_text()
        if number in changed:
            assert old_text.split()[-1] == new_text.split()[-1] == str(number + 1)  # the page number
        else:
            assert old_text == new_text
        assert len(old.get("/Annots") or []) == len(new.get("/Annots") or [])
    fonts = {font["/BaseFont"] for page in after.pages for font in page["/Resources"]["/Font"].values()}
    assert len(fonts) == len({name.split("+", 1)[1] for name in fonts})  # each font embedded once
    assert "edited" in "".join(after.pages[number].extract_text() for number in changed)
    assert "/StructTreeRoot" in after.trailer["/Root"]


def test_what_cannot_be_proved_safe_is_laid_out_whole_and_still_matches_a_cold_build(repo_project):
    settings = repo_project.settings
    sections = repo_project.content / "sections"
    stylesheet = repo_project.templates / "brochure" / "brochure.css"
    with relayout_memory() as memory:
        brochure(settings)
        edit(sections / "02-gains-in-research.md", "Islamic Nations'", "Islamic Nations' (see [the kite](#fig-kite))")
        brochure(settings)
        assert memory.last == "laid out all pages (#gains-in-research links to #fig-kite, outside it)"

        edit(sections / "03-augmented-supportive-care.md", "\n---\n", "\n---\n" + "A longer paragraph. " * 400 + "\n\n")
        brochure(settings)
        assert "now takes" in memory.last and memory.last.startswith("laid out all pages")

        edit(sections / "01-transforming-treatments.md", "\n---\n", "\n---\nOne more sentence.\n\n")
        stylesheet.write_text(stylesheet.read_text() + "\n.prose p { letter-spacing: 0.01em; }\n")
        brochure(settings)
        assert memory.last == "laid out all pages (a stylesheet, image or other resource changed)"

        edit(sections / "01-transforming-treatments.md", "One more sentence.", "One more sentence, twice.")
        edit(sections / "04-joint-efforts-for-a-global-impact.md", "\n---\n", "\n---\nAnd another.\n\n")
        brochure(settings)
        assert memory.last == "laid out all pages (2 parts changed)"

        edit(sections / "04-joint-efforts-for-a-global-impact.md", "And another.", "And another one.")
        incremental = brochure(settings)
        assert memory.last.startswith("relaid out #joint-efforts-for-a-global-impact")

        printed = settings.replace(print_marks=True)
        brochure(printed)
        assert memory.last == "laid out all pages (print mode)"
        brochure(settings)
        assert memory.last == "laid out all pages (first render)"
    assert incremental == brochure(settings)


def test_stylesheets_with_rules_a_part_alone_gets_wrong_are_always_laid_out_whole(repo_project):
    """An @page :first rule: the part laid out alone would start a document of its own."""
    stylesheet = repo_project.templates / "brochure" / "brochure.css"
    stylesheet.write_text(stylesheet.read_text() + "\n@page :first { margin-top: 30mm; }\n")
    with relayout_memory() as memory:
        brochure(repo_project.settings)
        edit(repo_project.content / "sections" / "02-gains-in-research.md", "Islamic", "The Islamic")
        brochure(repo_project.settings)
    assert memory.last == "laid out all pages (the stylesheets or HTML use :first)"


def test_a_plain_build_keeps_no_layout():
    assert relayout.active() is None
    with relayout_memory() as memory:
        assert relayout.active() is memory
    assert relayout.active() is None


def test_the_html_is_cut_at_the_top_level_elements_of_the_body_or_not_at_all():
    page = ('<!DOCTYPE html><html><head><style>p{}</style></head><body class="b">\n'
            '<section id="a"><p>One<br>two</p></section>\n<hr>\n<nav><ul><li>x</li></ul></nav>\n</body></html>')
    found = cut(page)
    assert "".join(found.pieces) == page
    assert found.ids == [None, "a", None, None, None] and found.tags[1:4] == ["section", "hr", "nav"]
    assert relayout.alone(found, 1) == ('<!DOCTYPE html><html><head><style>p{}</style></head><body class="b">\n'
                                        '<section id="a"><p>One<br>two</p></section>\n<hr style="display:none">\n'
                                        '<nav style="display:none"></nav>\n</body></html>')
    assert cut(page.replace("<hr>", "loose text")) is None
    assert cut(page.replace("</p></section>", "</section>")) is None  # an end tag the parser would mend
    assert relayout.fragments('<a href="#x">It&#39;s</a> <p style="color: #fff"> <use xlink:href="#y"/> url(#z)') == {"x", "y", "z"}


def test_the_preview_draws_again_only_the_pages_of_the_part_laid_out_alone(repo_project):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    pdf = brochure(repo_project.settings)
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    previous = tuple(f"page {number}".encode() for number in range(count))
    images, note = page_images(pdf, previous, range(2, 3))
    assert note == "" and len(images) == count
    assert images[:2] == previous[:2] and images[3:] == previous[3:]
    assert images[2].startswith(b"\x89PNG")
    assert page_images(pdf, previous[:-1], range(2, 3))[0][0].startswith(b"\x89PNG")  # page count differs: all


def test_writing_the_pdf_makes_each_object_once_and_compresses_only_what_the_last_file_did_not(monkeypatch):
    """speedups.py's pydyf steps: the same bytes as pydyf's own; each stream compressed once in a write
    (not again for the identifier); and, given the last file's streams, nothing unchanged compressed again."""
    import hashlib
    import zlib

    import weasyprint

    from pressroom.brochure import speedups

    html = ("<h1>One</h1><p>" + "Words to lay out. " * 300 + "</p>"
            "<h1 style='break-before: page'>Two</h1><p>A second page.</p>")

    def write() -> bytes:
        return weasyprint.HTML(string=html).render().write_pdf(pdf_identifier=True)

    plain = write()
    compressions, digests = [], []
    compressobj, blake2b = zlib.compressobj, hashlib.blake2b
    monkeypatch.setattr(zlib, "compressobj", lambda *args, **kwargs: compressions.append(1) or compressobj(*args,
                                                                                                            **kwargs))
    monkeypatch.setattr(hashlib, "blake2b", lambda *args, **kwargs: digests.append(1) or blake2b(*args, **kwargs))
    kept: dict[bytes, bytes] = {}
    with speedups.faster_weasyprint(kept):
        first = write()
    assert first == plain
    # pages, fonts, the object and xref streams (each different): each made and compressed once
    assert len(kept) >= 4 and len(compressions) == len(digests) == len(kept)
    compressions.clear()
    with speedups.faster_weasyprint(kept):
        again = write()
    assert again == plain and compressions == []
    html = html.replace("A second page.", "The second page, edited.")
    with speedups.faster_weasyprint(kept):
        edited = write()
    assert edited != plain and 0 < len(compressions) < len(kept)


def pages_with(pdf: bytes, text: str) -> list[int]:
    return [number for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages) if text in page.extract_text()]


def test_pages_an_edit_left_alone_are_replayed_unless_a_glyph_they_drew_now_comes_first_elsewhere(repo_project):
    """repaint.py: every page an edit did not change is replayed, not drawn, except where the font's glyph
    tables would then differ from a cold build's: a glyph a later page drew, first drawn on the edited
    page and no longer there, is added by drawing that later page."""
    settings = repo_project.settings.replace(pdf_variant="pdf/ua-1")
    sections = sorted((repo_project.content / "sections").glob("*.md"))
    early, late = sections[1], sections[-1]
    for section in (early, late):
        text = section.read_text(encoding="utf-8")
        word = text.index(" ", text.index("\n---\n") + 25)
        section.write_text(text[:word] + " ζeta" + text[word:], encoding="utf-8")
    with relayout_memory() as memory:
        first = brochure(settings)
        drawings = memory.drawings
        assert drawings.replayed == [] and len(drawings.drawn) == len(PdfReader(io.BytesIO(first)).pages)
        [early_page, late_page] = pages_with(first, "ζeta")

        edit(early, " ζeta", "")  # the glyph's first use moves to the late page: drawn, with the edited page
        removed = brochure(settings)
        assert memory.last.startswith("relaid out #"), memory.last
        assert early_page in drawings.drawn and late_page in drawings.drawn
        assert drawings.replayed and set(drawings.replayed).isdisjoint(drawings.drawn)
        assert removed == brochure(settings)  # a cold render of the same inputs

    with relayout_memory() as memory:
        brochure(settings)
        edit(early, "\n---\n", "\n---\nζeta again.\n\n")  # now first on the early page: the late page replayed
        added = brochure(settings)
        assert memory.last.startswith("relaid out #"), memory.last
        assert late_page in memory.drawings.replayed and early_page in memory.drawings.drawn
    assert added == brochure(settings)
