"""Drawing again only the pages a rebuild changed, for the processes that stay running (`watch`,
`preview`), with brochure/relayout.py.

After an edit laid out one part alone, every other page of the brochure is the same WeasyPrint page as
in the last render (the same page box), yet WeasyPrint draws every page into the new PDF again: 60% of
a one-section rebuild of the 100-copy benchmark. While `Drawings` are kept, drawing a page is recorded:
the operators it added to the page's content stream, and what it did to what the pages of one PDF share:

- the fonts it drew with (a font is made where a page first draws with it),
- each glyph it looked up in a font's Unicode map and widths, with what it found or added there (the
  width is part of the drawn kerning),
- the transparency states it named (`a0.5`: by value), the images it placed,
- and the marked-content tags it numbered (tagged PDFs).

The next render replays the record of a page with the same page box instead of drawing it, when doing
so leaves all of that as drawing it would: every font it uses is already made, every glyph it looked
up is there with the width it drew with, or is one the page itself added (then added again, in the
same order), and the page starts with as many tags. Otherwise the page is drawn, as is every page whose
drawing names shared resources by their count (transparency groups, patterns, shadings, blend modes and
masks: `x3`, `p0`), as the count depends on the pages before it. The PDF is the bytes a cold build
writes (tests/test_relayout.py).

Written against WeasyPrint 70.0 (pinned in pyproject.toml); with another version pages are drawn.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from .speedups import WEASYPRINT_VERSION, patched

ABSENT = object()  # what a glyph table held for a glyph not in it


@dataclass
class Drawings:
    """The last PDF's pages as drawn, by page box, and which pages of it (from 0) were replayed and which
    drawn."""

    pages: dict[int, _Drawn] = field(default_factory=dict)
    replayed: list[int] = field(default_factory=list)
    drawn: list[int] = field(default_factory=list)


@dataclass
class _Drawn:
    """What drawing one page did (see the module's text)."""

    box: object  # the page box, kept so that its id is not another box's
    context: tuple  # what else the drawing depended on: scale, compression, tags before it
    fonts: dict = field(default_factory=dict)  # font key: (Unicode map looked up, widths looked up)
    alphas: dict[str, float] = field(default_factory=dict)  # transparency states named, in order
    images: list[tuple] = field(default_factory=list)  # add_image's arguments, in order
    tags: list[tuple] = field(default_factory=list)  # (box, {tag, mcid}) numbered, in order
    operators: bytes = b""
    repeatable: bool = True


class _GlyphTable(dict):
    """A font's Unicode map or widths, noting for the page being drawn (`log`, else None) each glyph
    looked up or set: [what it held first (or ABSENT), what the page set (or ABSENT)]."""

    __slots__ = ("log",)

    def __init__(self):
        super().__init__()
        self.log = None

    def __contains__(self, glyph):
        log = self.log
        if log is not None and glyph not in log:
            log[glyph] = [dict.get(self, glyph, ABSENT), ABSENT]
        return dict.__contains__(self, glyph)

    def __setitem__(self, glyph, value):
        log = self.log
        if log is not None:
            log.setdefault(glyph, [ABSENT, ABSENT])[1] = value
        dict.__setitem__(self, glyph, value)


@contextlib.contextmanager
def replaying(drawings: Drawings | None):
    """While inside, pages drawn into a PDF are recorded in `drawings` (which afterwards hold this PDF's
    pages) and those of the last PDF that allow it are replayed. Nothing is changed for None."""
    import weasyprint

    if drawings is None or weasyprint.__version__ != WEASYPRINT_VERSION:
        yield
        return
    this_pdf: dict[int, _Drawn] = {}
    drawings.replayed, drawings.drawn = [], []
    with patched(_patches(drawings, this_pdf)):
        yield
    if this_pdf:  # a PDF was written
        drawings.pages = this_pdf


def _patches(drawings: Drawings, this_pdf: dict[int, _Drawn]) -> list:
    from weasyprint.document import Page
    from weasyprint.pdf import stream as stream_module
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.fonts import get_pango_font_key

    Stream = stream_module.Stream
    paint, set_alpha, add_image = Page.paint, Stream.set_alpha, Stream.add_image
    recording: list[_Drawn] = []  # the page being drawn, while it is
    logging: list[_GlyphTable] = []  # the glyph tables noting for it

    def paint_or_replay(page, stream, scale=1):
        box, tags = page._page_box, stream._tags
        tags_before = 0 if tags is None else len(tags)  # the page's links are tagged before it is drawn
        context = (scale, stream.compress, stream.page_rectangle, tags is None, tags_before)
        number = len(drawings.replayed) + len(drawings.drawn)  # the page's, from 0
        last = drawings.pages.get(id(box))
        if last is not None and last.box is box and last.context == context and _replay(last, stream):
            this_pdf[id(box)] = last
            drawings.replayed.append(number)
            return
        drawn, start = _Drawn(box, context), len(stream.stream)
        recording.append(drawn)
        try:
            paint(page, stream, scale)
        finally:
            recording.clear()
            for table in logging:
                table.log = None
            logging.clear()
        drawings.drawn.append(number)
        if drawn.repeatable and len(stream.stream) > start:
            drawn.operators = b"\n".join(stream_module.pydyf._to_bytes(item) for item in stream.stream[start:])
            drawn.tags = [] if tags is None else [(key, dict(value)) for key, value in list(tags.items())[tags_before:]]
            this_pdf[id(box)] = drawn

    def add_font(stream, pango_font):
        """Stream.add_font, the font's glyph tables noting what the page being drawn looks up."""
        key, description, font_size = get_pango_font_key(pango_font)
        font = stream._fonts.get(key)
        if font is None:
            font = stream._fonts[key] = Font(pango_font, description, font_size)
            font.to_unicode, font.widths = _GlyphTable(), _GlyphTable()
        if recording and key not in recording[0].fonts:
            font.to_unicode.log, font.widths.log = {}, {}
            logging.extend((font.to_unicode, font.widths))
            recording[0].fonts[key] = (font.to_unicode.log, font.widths.log)
        return font, font_size

    def noting_alpha(stream, alpha, stroke=False, fill=None):
        if recording:
            fill = (not stroke) if fill is None else fill
            names = recording[0].alphas
            if stroke:
                names.setdefault(f"A{alpha}", alpha)
            if fill:
                names.setdefault(f"a{alpha}", alpha)
        return set_alpha(stream, alpha, stroke, fill)

    def noting_image(stream, image, interpolate, ratio):
        if recording:
            recording[0].images.append((image, interpolate, ratio))
        return add_image(stream, image, interpolate, ratio)

    def counted(method):
        def not_repeatable(stream, *args, **kwargs):
            if recording:
                recording[0].repeatable = False
            return method(stream, *args, **kwargs)
        return not_repeatable

    patches = [(Page, "paint", paint_or_replay), (Stream, "add_font", add_font), (Stream, "set_alpha", noting_alpha),
               (Stream, "add_image", noting_image)]
    patches += [(Stream, name, counted(Stream.__dict__[name]))
                for name in ("set_state", "add_group", "add_pattern", "add_shading")]
    patches.append((Font, "get_unused_glyph_id", counted(Font.get_unused_glyph_id)))  # a missing glyph
    return patches


def _replay(drawn: _Drawn, stream) -> bool:
    """Draw `drawn` into `stream` again if that leaves what the pages share as drawing it would."""
    fonts = stream._fonts
    for key, (unicode, widths) in drawn.fonts.items():
        font = fonts.get(key)
        if font is None or not isinstance(font.to_unicode, _GlyphTable):
            return False  # the first page to draw with a font makes it
        for glyph, (_, added) in unicode.items():
            if added is ABSENT and not dict.__contains__(font.to_unicode, glyph):
                return False
        for glyph, (found, added) in widths.items():
            drawn_with = found if found is not ABSENT else added
            now = dict.get(font.widths, glyph, ABSENT)
            if now is ABSENT and added is ABSENT or now is not ABSENT and now != drawn_with:
                return False
    for key, (unicode, widths) in drawn.fonts.items():
        font = fonts[key]
        for table, looked_up in ((font.to_unicode, unicode), (font.widths, widths)):
            for glyph, (_, added) in looked_up.items():
                if added is not ABSENT and not dict.__contains__(table, glyph):
                    dict.__setitem__(table, glyph, added)
    states = stream._resources["ExtGState"]
    for name, alpha in drawn.alphas.items():
        if name not in states:
            states[name] = _alpha_state(name, alpha)
    for image, interpolate, ratio in drawn.images:
        stream.add_image(image, interpolate, ratio)
    if stream._tags is not None:
        stream._tags.update((key, dict(value)) for key, value in drawn.tags)
    stream.stream.append(drawn.operators)
    return True


def _alpha_state(name: str, alpha: float):
    import pydyf

    return pydyf.Dictionary({"CA" if name.startswith("A") else "ca": alpha})
