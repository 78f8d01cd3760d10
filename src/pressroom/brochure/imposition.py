"""Booklet imposition: the brochure's pages in saddle-stitch order, two up on sheets twice the page width.

A booklet of n pages (n a multiple of four) is n / 4 sheets, each printed on both sides, folded once and
nested inside each other. Sheet i's front carries pages n - 2i (left) and 2i + 1 (right), its back pages
2i + 2 (left) and n - 2i - 1 (right), counting from 1: the outermost sheet holds the covers, the innermost
the middle spread. Each page keeps its bleed on the outer edges and is cut at the fold; the sheet gets the
same boxes and marks as a single page (prepress.py). The booklet keeps what says what the brochure is and,
for PDF/X, how to print it: its PDF version, document information, output intent and XMP metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from .prepress import marks
from .print_sheet import BLEED_MM, MEDIA_MARGIN_MM, MM

SHEET_SIDES = 2


def saddle_stitch_order(page_count: int) -> list[tuple[int, int]]:
    """(left, right) page numbers, from 1, for each side of each sheet, front then back."""
    if page_count % 4:
        raise ValueError(f"a booklet needs a multiple of four pages, not {page_count}")
    sides = []
    for sheet in range(page_count // 4):
        front = (page_count - 2 * sheet, 2 * sheet + 1)
        back = (2 * sheet + 2, page_count - 2 * sheet - 1)
        sides += [front, back]
    return sides


def impose_booklet(pdf: bytes, name: str, date: dt.date | None) -> bytes:
    """The imposed booklet `name` of a brochure rendered with print margins (MEDIA_MARGIN_MM around each
    trim), without marks; the page count must be a multiple of four. Each page is placed as a form XObject
    whose bounding box keeps its bleed on the outer edges and cuts it at the fold, which is marked in the
    slug; the slug line gives `date` and the side's page number in the booklet."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject, RectangleObject

    from .slugline import add_font, slug_line, slug_texts, use_font

    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    margin, bleed = MEDIA_MARGIN_MM * MM, BLEED_MM * MM
    trim = [float(value) for value in pages[0].trimbox]
    page_width, page_height = trim[2] - trim[0], trim[3] - trim[1]
    sheet_trim = [margin, margin, margin + 2 * page_width, margin + page_height]
    writer = PdfWriter()
    _describe_as_its_source(writer, reader, identifier=hashlib.md5(pdf).digest())
    sides = saddle_stitch_order(len(pages))
    texts = slug_texts(name, date, len(sides))
    font = add_font(writer, texts)
    for side, (left, right) in enumerate(sides):
        sheet = writer.add_blank_page(2 * page_width + 2 * margin, page_height + 2 * margin)
        forms, ops = DictionaryObject(), []
        for number, column, form in ((left, 0, "/Left"), (right, 1, "/Right")):
            source = pages[number - 1]
            source_trim = [float(value) for value in source.trimbox]
            keep = [source_trim[0] - (bleed if column == 0 else 0), source_trim[1] - bleed,
                    source_trim[2] + (bleed if column == 1 else 0), source_trim[3] + bleed]
            forms[NameObject(form)] = _form(source, keep, writer)
            offset_x = margin + column * page_width - source_trim[0]
            ops.append(b"q 1 0 0 1 %.3f %.3f cm %s Do Q" % (offset_x, margin - source_trim[1], form.encode()))
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        sheet.trimbox = RectangleObject(sheet_trim)
        sheet.bleedbox = RectangleObject([sheet_trim[0] - bleed, sheet_trim[1] - bleed, sheet_trim[2] + bleed,
                                          sheet_trim[3] + bleed])
        content = ContentStream(None, writer)
        content.set_data(b"\n".join(ops) + b"\n" + marks(sheet_trim, folds=[page_width])
                         + slug_line(sheet_trim, texts[side]))
        sheet.replace_contents(content)
        sheet.compress_content_streams()
        use_font(sheet, font)
    writer.compress_identical_objects()  # the press profile, copied with each page's colour spaces: once
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _describe_as_its_source(writer, reader, identifier: bytes) -> None:
    """`reader`'s PDF version and document information on `writer`, a file identifier of its own and, for
    PDF/X (an output intent), the output intent and the XMP metadata that names the PDF/X version."""
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    writer.pdf_header = reader.pdf_header
    writer._info = reader.trailer["/Info"]  # the public setter turns every value into text (/Trapped too)
    writer._ID = ArrayObject([ByteStringObject(identifier)] * 2)  # PDF/X requires one; pypdf's are random
    root = reader.trailer["/Root"]
    if "/OutputIntents" in root:  # without PDF/X the XMP claims PDF/UA, and the sheets are not tagged
        for key in ("/OutputIntents", "/Metadata"):
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)


def _form(source, box: list[float], writer):
    """The page `source` as a form XObject in `writer`, showing only what lies inside `box`."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    form = DecodedStreamObject()
    form.set_data(source.get_contents().get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(round(value, 3)) for value in box])
    form[NameObject("/Resources")] = source["/Resources"].get_object().clone(writer)
    form = form.flate_encode()
    return writer._add_object(form)
