"""Print-shop geometry that the renderer cannot give: a slug outside the bleed, and marks only in it.

WeasyPrint lays each page out with a CSS bleed as wide as bleed and slug together (MEDIA_MARGIN_MM), so
the MediaBox has room for the marks; it sets the TrimBox, but draws its own marks inside the bleed and a
BleedBox of its choosing. Here each page gets a BleedBox of BLEED_MM around the trim, its artwork clipped
to that box (so colour that runs off the page stops at the bleed), and crop and registration marks drawn
in the slug, as artifacts so they stay out of the tagged structure, with a slug line naming the file, its
date and the page (slugline.py). A folded leaflet, and each sheet of an imposed booklet, also gets fold
marks: dashed lines in the slug, above and below each fold.
"""

from __future__ import annotations

import datetime as dt
import io
import math

from .print_sheet import BLEED_MM, MM, REGISTRATION

MARK_GAP_MM = 1  # between the bleed's edge and the start of a crop mark
MARK_LENGTH_MM = 5
CROSS_RADIUS_MM = 2
CROSS_CLEARANCE_MM = 10  # a fold mark nearer the middle than this moves the crosses aside
LINE_WIDTH = 0.25  # points: a hairline, as print tools draw marks
FOLD_DASH = b"[2 2] 0 d"  # points: fold marks are dashed, crop marks solid, as print shops expect


def finish_for_print(pdf: bytes, name: str, date: dt.date | None, folds: list[list[float]] | None = None) -> bytes:
    """The brochure with its BleedBox, clipped artwork, and marks and slug line (slugline.py: the file
    `name`, `date`, the page) in the slug (trim and media unchanged); `folds` gives, for each page, where
    it folds (points from the left edge of its trim)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, RectangleObject

    from .slugline import add_font, slug_line, slug_texts, use_font

    # full=True takes the objects over as they are: cloning (clone_from) copies a stream once for every
    # array that names it, so the PDF/X profile, named by each transparency group, was written twenty times.
    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), full=True)
    texts = slug_texts(name, date, len(writer.pages))
    font = add_font(writer, texts)
    for number, page in enumerate(writer.pages):
        trim = [float(value) for value in page.trimbox]
        bleed = _grown(trim, BLEED_MM * MM)
        page.bleedbox = RectangleObject(bleed)
        content = ContentStream(None, writer)
        page_folds = folds[number] if folds and number < len(folds) else ()
        content.set_data(clipped(page.get_contents().get_data(), bleed) + marks(trim, page_folds)
                         + slug_line(trim, texts[number]))
        page.replace_contents(content)
        page.compress_content_streams()
        use_font(page, font)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the old xref
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _grown(box: list[float], by: float) -> list[float]:
    left, bottom, right, top = box
    return [left - by, bottom - by, right + by, top + by]


def clipped(content: bytes, box: list[float]) -> bytes:
    """`content` drawn only inside `box` (left, bottom, right, top)."""
    left, bottom, right, top = box
    return b"q %s re W n\n%s\nQ\n" % (_numbers(left, bottom, right - left, top - bottom), content)


def marks(trim: list[float], folds=()) -> bytes:
    """Crop marks on the trim lines at the four corners, a registration cross in the middle of each edge
    (two above and two below when a fold is in the middle) and, for each of `folds` (points from the left
    trim edge), a dashed fold mark above and below the page, all in the slug: from MARK_GAP_MM beyond the
    bleed outwards."""
    left, bottom, right, top = trim
    start = (BLEED_MM + MARK_GAP_MM) * MM
    end = start + MARK_LENGTH_MM * MM
    lines = []
    for x, y, outward_x, outward_y in ((left, top, -1, 1), (right, top, 1, 1), (left, bottom, -1, -1),
                                       (right, bottom, 1, -1)):
        lines.append((x + outward_x * start, y, x + outward_x * end, y))  # along the horizontal trim line
        lines.append((x, y + outward_y * start, x, y + outward_y * end))  # along the vertical one
    middle_y = (bottom + top) / 2
    centre = (start + end) / 2
    crosses = [(x, y) for x in _cross_positions(left, right, folds) for y in (top + centre, bottom - centre)]
    crosses += [(left - centre, middle_y), (right + centre, middle_y)]
    ops = [b"/Artifact BMC q", b"%s w %s" % (_numbers(LINE_WIDTH), REGISTRATION.encode())]
    ops += [b"%s m %s l S" % (_numbers(x1, y1), _numbers(x2, y2)) for x1, y1, x2, y2 in lines]
    half = (end - start) / 2
    for x, y in crosses:
        ops.append(b"%s m %s l S %s m %s l S" % (_numbers(x - half, y), _numbers(x + half, y),
                                                 _numbers(x, y - half), _numbers(x, y + half)))
        ops.append(_circle(x, y, CROSS_RADIUS_MM * MM))
    if folds:
        ops.append(FOLD_DASH)
    for fold in folds:
        x = left + fold
        ops.append(b"%s m %s l S" % (_numbers(x, top + start), _numbers(x, top + end)))
        ops.append(b"%s m %s l S" % (_numbers(x, bottom - start), _numbers(x, bottom - end)))
    ops.append(b"Q EMC")
    return b"\n".join(ops) + b"\n"


def _cross_positions(left: float, right: float, folds) -> list[float]:
    """Where the registration crosses above and below the page go: the middle or, when a fold is there (a
    booklet sheet's spine), the middle of each half, so they do not hide the fold mark."""
    middle = (left + right) / 2
    if any(abs(left + fold - middle) < CROSS_CLEARANCE_MM * MM for fold in folds):
        return [(left + middle) / 2, (middle + right) / 2]
    return [middle]


def _circle(x: float, y: float, r: float) -> bytes:
    """A circle as four Bézier curves, stroked."""
    k = r * 4 * (math.sqrt(2) - 1) / 3
    return b" ".join([
        b"%s m" % _numbers(x + r, y),
        b"%s c" % _numbers(x + r, y + k, x + k, y + r, x, y + r),
        b"%s c" % _numbers(x - k, y + r, x - r, y + k, x - r, y),
        b"%s c" % _numbers(x - r, y - k, x - k, y - r, x, y - r),
        b"%s c" % _numbers(x + k, y - r, x + r, y - k, x + r, y),
        b"S"])


def _numbers(*values: float) -> bytes:
    return b" ".join(b"%.3f" % value for value in values)
