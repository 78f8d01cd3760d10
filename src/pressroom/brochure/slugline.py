"""The slug line: the file's name, its date and the page number in small type in the slug, below the bleed,
as print tools set it ("brochure.pdf  2026-05-01  page 3"), so a loose sheet at the print shop says where
it came from. The date is the PDF's own (the content's date or SOURCE_DATE_EPOCH), never the clock, so the
same inputs still give the same bytes. PDF/X requires every font embedded: the line is set in a subset of
Noto Sans (DejaVu Sans without it), as an artifact, in registration colour like the marks.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from pathlib import Path

from ..errors import PressroomError
from .print_sheet import BLEED_MM, MM, REGISTRATION

FONT_FILES = ("NotoSans-Regular.ttf", "DejaVuSans.ttf")  # fonts-noto-core, fonts-dejavu-core
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
FONT_RESOURCE = "/SlugLine"
SIZE = 6  # points
BASELINE_MM = BLEED_MM + 4.5  # below the trim: the type stays clear of the bleed and inside the media
INSET_MM = 5  # from the left trim line, clear of the crop mark below the corner


def slug_texts(name: str, date: dt.date | None, count: int) -> list[str]:
    """The line for each of `count` pages of the file `name`."""
    stamp = f"{date.isoformat()}  " if date else ""
    return [f"{name}  {stamp}page {number}" for number in range(1, count + 1)]


def slug_line(trim: list[float], text: str) -> bytes:
    """Content drawing `text` in the slug below `trim` (left, bottom, right, top), with the font added by
    `add_font` named FONT_RESOURCE."""
    x, y = trim[0] + INSET_MM * MM, trim[1] - BASELINE_MM * MM
    escaped = _ascii(text).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"/Artifact BMC q BT %s %d Tf %s %.3f %.3f Td (%s) Tj ET Q EMC\n" % (
        FONT_RESOURCE.encode(), SIZE, REGISTRATION.lower().encode(), x, y, escaped)


def add_font(writer, texts: list[str]):
    """A TrueType font in `writer` holding the glyphs of `texts`; its reference, for `use_font`."""
    from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                               StreamObject)

    data, metrics = _subset(frozenset(b"".join(_ascii(text) for text in texts)))
    font_file = StreamObject()
    font_file.set_data(data)
    font_file[NameObject("/Length1")] = NumberObject(len(data))
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject(metrics["name"]),
        NameObject("/Flags"): NumberObject(32),  # non-symbolic: the codes are WinAnsi, here plain ASCII
        NameObject("/FontBBox"): ArrayObject(FloatObject(value) for value in metrics["bbox"]),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): FloatObject(metrics["ascent"]),
        NameObject("/Descent"): FloatObject(metrics["descent"]),
        NameObject("/CapHeight"): FloatObject(metrics["cap_height"]),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(font_file.flate_encode()),
    })
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject(metrics["name"]),
        NameObject("/FirstChar"): NumberObject(metrics["first"]),
        NameObject("/LastChar"): NumberObject(metrics["first"] + len(metrics["widths"]) - 1),
        NameObject("/Widths"): ArrayObject(FloatObject(width) for width in metrics["widths"]),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
    }))


def use_font(page, font) -> None:
    """Name `font` FONT_RESOURCE in `page`'s resources."""
    from pypdf.generic import DictionaryObject, NameObject

    resources = page["/Resources"].get_object()
    if "/Font" not in resources:
        resources[NameObject("/Font")] = DictionaryObject()
    resources["/Font"].get_object()[NameObject(FONT_RESOURCE)] = font


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "replace")  # file names and ISO dates: the WinAnsi codes of ASCII


@functools.lru_cache(maxsize=8)
def _subset(codes: frozenset[int]) -> tuple[bytes, dict]:
    """The font file cut down to `codes`, and what its PDF font dictionary says about it (in the PDF's
    thousandths of the type size)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(font_file(), recalcTimestamp=False)  # the file's own date: the same bytes every build
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    scale = 1000 / font["head"].unitsPerEm
    glyphs, advances = font.getBestCmap(), font["hmtx"].metrics
    first, last = min(codes), max(codes)
    widths = [round(advances[glyphs[code]][0] * scale) if code in glyphs else 0 for code in range(first, last + 1)]
    head, family = font["head"], font["name"].getDebugName(6) or "SlugLine"
    tag = "".join(chr(65 + byte % 26) for byte in hashlib.md5(bytes(sorted(codes))).digest()[:6])
    return buffer.getvalue(), {
        "name": f"/{tag}+{family}", "first": first, "widths": widths,
        "bbox": [round(value * scale) for value in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(font["hhea"].ascent * scale), "descent": round(font["hhea"].descent * scale),
        "cap_height": round(getattr(font["OS/2"], "sCapHeight", font["hhea"].ascent) * scale)}


@functools.lru_cache(maxsize=1)
def font_file() -> Path:
    for name in FONT_FILES:
        for folder in FONT_FOLDERS:
            found = sorted(folder.rglob(name)) if folder.is_dir() else []
            if found:
                return found[0]
    raise PressroomError("the slug line needs Noto Sans or DejaVu Sans: install the Debian package "
                         "fonts-noto-core (sudo apt-get install fonts-noto-core)")
