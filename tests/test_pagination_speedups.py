"""pagination_speedups.py's bookkeeping gives WeasyPrint's own results: the same PDF, byte for byte, on documents
made to go through every branch of it (a contents that grows when its page numbers arrive and pushes
anchors to later pages, cross-references both ways, an element broken across pages, the page total, a
running string with a page counter, a fixed box). Refreshing page numbers before a page is laid out takes a
pass less, and gets right the one number WeasyPrint's own leaves stale on such a document."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader

weasyprint = pytest.importorskip("weasyprint")

from pressroom.brochure import pagination_speedups, speedups  # noqa: E402

if weasyprint.__version__ != speedups.WEASYPRINT_VERSION:
    pytest.skip("pagination_speedups.py is used only with the pinned WeasyPrint", allow_module_level=True)

TEN = "ten " * 50
CSS = f"""
@counter-style many-words {{ system: additive; additive-symbols: 10 "{TEN}", 1 "one "; }}
@page {{ size: A6; margin: 12mm 10mm; @bottom-center {{ content: string(part) " / " counter(pages); }} }}
body {{ font: 9pt/1.3 sans-serif; }}
.toc a {{ display: block; }}
.toc a::after {{ content: " " target-counter(attr(href url), page); }}
section {{ break-before: page; }}
h2 {{ string-set: part content(text) " (" counter(page) ")"; }}
.back::after {{ content: " (see page " target-counter(attr(href url), page) ")"; }}
.total::after {{ content: " of " counter(pages) " pages"; }}
.grow::after {{ content: "This brochure has " counter(pages, many-words) "pages."; }}
"""


def document(parts: int, fixed: bool) -> str:
    toc = "".join(f'<a href="#part{n}">Part {n} {"with a title of some length " * (1 + n % 3)}</a>'
                  for n in range(parts))
    after_toc = "".join(f'<p id="early{n}">An early paragraph {n} that the contents pushes on.</p>' for n in range(12))
    sections = []
    for n in range(parts):
        words = " ".join(f"word{n}-{w}" for w in range(40 + 25 * (n % 4)))
        back = f'<a class="back" href="#part{n - 3}">back</a>' if n >= 3 else ""
        forward = f'<a class="back" href="#part{n + 4}">ahead</a>' if n + 4 < parts else ""
        to_broken = f'<a class="back" href="#span{n - n % 5}">broken</a>' if n % 5 else ""  # its first page
        broken = f'<span id="span{n}">{words} {words}</span>' if n % 5 == 0 else ""
        sections.append(f'<section id="part{n}"><h2>Part {n}</h2><p class="total">{words}</p>'
                        f'<p>{back} {forward} {to_broken} <a class="back" href="#early{n % 12}">early</a></p>'
                        f'<p>{words} {broken}</p></section>')
    banner = '<div style="position: fixed; top: 0; right: 0">Sample</div>' if fixed else ""
    # the page total in words, first with no pages counted: a line, then more than a page, pushing the
    # contents and everything after it to later pages once the total is known
    return (f"<html><head><style>{CSS}</style></head><body>{banner}<p class='grow'></p><nav class='toc'>{toc}</nav>"
            f"{after_toc}{''.join(sections)}</body></html>")


def render(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf()


@pytest.mark.parametrize("fixed", [False, True], ids=["no fixed box", "a fixed box"])
def test_the_same_pdf_as_weasyprints_own_pagination(fixed, monkeypatch):
    html = document(parts=24, fixed=fixed)
    slow_lookups = []
    before = pagination_speedups._FirstCached.before

    def counted(self, key, page_index, page_maker):
        found = before(self, key, page_index, page_maker)
        last = self.index.get(key)
        if last is not None and last < page_index and not found:
            slow_lookups.append(key)  # made again without it: looked for in every page before
        return found

    monkeypatch.setattr(pagination_speedups._FirstCached, "before", counted)
    # the refresh before layout is compared with WeasyPrint's own in the next test
    monkeypatch.setattr(pagination_speedups, "_refresh_lookups_before_layout", lambda *args: [])
    with speedups.patched(pagination_speedups.pagination_patches()):
        ours = render(html)
    assert "descendants" not in vars(weasyprint.formatting_structure.boxes.PageBox)  # put back as it was
    theirs = render(html)
    assert ours == theirs
    assert slow_lookups  # the branch for anchors that a page made again no longer holds was taken
    reader = PdfReader(io.BytesIO(ours))
    pages = len(reader.pages)
    assert pages > 24
    assert f"of {pages} pages" in reader.pages[-2].extract_text()
    assert ("Sample" in reader.pages[-1].extract_text()) == fixed


def test_page_numbers_refreshed_before_layout_take_a_pass_less_and_are_right(caplog):
    html = document(parts=24, fixed=False)
    with caplog.at_level(logging.INFO, logger="weasyprint.progress"):
        with speedups.patched(pagination_speedups.pagination_patches()):
            ours = texts(render(html))
        our_passes = passes(caplog)
        caplog.clear()
        theirs = texts(render(html))
        their_passes = passes(caplog)
    assert our_passes == their_passes - 1
    early_pages = {number for number, text in enumerate(ours, 1) if "An early paragraph" in text}
    assert len(early_pages) == 1  # the contents, grown once its page numbers arrived, pushed them all on
    right = early_pages.pop()
    references = "".join(ours).count("early (see page ")
    assert references == 24 and "".join(ours).count(f"early (see page {right})") == references
    # WeasyPrint's own leaves the references to them where the first pass put them, a page before
    assert ours == [text.replace(f"early (see page {right - 1})", f"early (see page {right})") for text in theirs]
    assert ours != theirs


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text().replace("\n", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def passes(caplog) -> int:
    return 1 + sum("Repagination" in record.getMessage() for record in caplog.records)


class _Text:
    def __init__(self, text):
        self.text = text


class _Lookup:
    """A counter lookup whose refresh sets its box's text to what `target_page` holds then."""

    def __init__(self, box, target_page):
        self.box, self.target_page, self.cached_page_counter_values = box, target_page, {"page": [3]}

    def parse_again(self, page_counter_values):
        self.box.children = [_Text(f"see page {self.target_page[0]}")]


@pytest.mark.parametrize("moved", [False, True], ids=["target stayed", "target moved onto the page"])
def test_a_page_whose_refreshed_numbers_change_once_laid_out_is_laid_out_again(moved):
    """The page numbers refreshed before layout are refreshed again after it (the page's own anchors now have
    their page): the page is marked for another pass exactly when that changed them."""
    box, target_page = _Text(None), [5]
    lookup = _Lookup(box, target_page)
    lookup.parse_again({})
    refreshed = [(box, lookup, pagination_speedups._content_signature(box))]

    class Context:
        page_maker = [(None, None, None, None, {"content_changed": False})]

    if moved:
        target_page[0] = 1  # its anchor was laid out on this page
    pagination_speedups._check_refreshed_lookups(Context, 1, refreshed)
    assert Context.page_maker[0][-1]["content_changed"] == moved
    assert box.children[0].text == f"see page {target_page[0]}"
