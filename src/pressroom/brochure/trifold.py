"""The tri-fold leaflet: what goes in its six panels, and whether it fits, measured from the real layout.

The template (trifold.html.j2) gives each region of text a fixed-height column box marked `data-panel`
with the number of panels it may fill (`data-columns`): the inside flap, the back panel and the front
cover one each, the sections on the inside three. WeasyPrint lays out text that does not fit in further
columns beside them; this module reads the laid-out boxes and measures, for each region, how much text
lies beyond its panels. Nothing is ever cut: the leaflet is rendered again with sections given as their
summaries, the longest first, and whatever still does not fit is a located error.

No WeasyPrint import here: the renderer is pdf.py's; this module only reads the boxes it laid out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .. import model as m
from ..errors import Problems

TEMPLATE = "trifold.html.j2"
PAGES = 2  # the outside and the inside of the sheet
MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
PT_PER_PX = 72 / 96
TOLERANCE_PX = 0.5  # rounding in the layout; less than a hairline


@dataclass(frozen=True)
class Fit:
    """What the leaflet shows: the sections given as their summaries, and whether the inside flap has
    room for the introduction (else only the document's summary)."""

    summaries: frozenset[str] = frozenset()
    introduction: bool = True


@dataclass
class Region:
    """One region of the leaflet as laid out: how far its text runs past its panels, the section whose
    text runs past first, and how tall each section's text is."""

    overflow: float = 0.0  # CSS pixels of text beyond the region's panels
    first_over: str | None = None  # data-section of the first section with text beyond them
    heights: dict[str, float] = field(default_factory=dict)  # by data-section


def fit_leaflet(document: m.Document, render):
    """The leaflet laid out so that everything fits: `render(fit)` lays it out (WeasyPrint's document).
    Sections switch to their summaries, longest first, until the inside panels hold them all; the flap
    drops the introduction for the summary if it must. Raises ContentError for whatever still does not fit."""
    fit = Fit()
    while True:
        rendered = render(fit)
        regions = measure_regions(rendered)
        changed = fit
        if _over(regions, "flap") and fit.introduction and document.meta.summary:
            changed = replace(changed, introduction=False)
        if _over(regions, "inside"):
            changed = replace(changed, summaries=changed.summaries | _to_shorten(document, regions["inside"], fit))
        if changed == fit:
            break
        fit = changed
    problems = Problems()
    for problem in overflow_problems(document, regions, fit):
        problems.add(*problem)
    problems.raise_if_any(f"{document.root.name}/")
    return rendered


def _over(regions: dict[str, Region], name: str) -> bool:
    return name in regions and regions[name].overflow > TOLERANCE_PX


def _to_shorten(document: m.Document, inside: Region, fit: Fit) -> frozenset[str]:
    """The sections to show as their summaries next: the tallest still shown in full that have one, as
    many as it takes for their heights to cover the overflow. A summary saves less than its section's
    height, so fewer would not do (column breaks aside), and a long document takes a few layouts, not one
    per section."""
    candidates = sorted(((inside.heights.get(s.slug, 0.0), -index, s.slug)
                         for index, s in enumerate(document.sections) if s.summary and s.slug not in fit.summaries),
                        reverse=True)  # tallest first; of two as tall, the earlier
    chosen, covered = set(), 0.0
    for height, _, slug in candidates:
        if covered >= inside.overflow:
            break
        chosen.add(slug)
        covered += height
    return frozenset(chosen)


def overflow_problems(document: m.Document, regions: dict[str, Region], fit: Fit):
    """(path, line, message) for each region whose text does not fit even as short as it can be."""
    index = document.root / "index.md"
    for name, region in regions.items():
        if region.overflow <= TOLERANCE_PX:
            continue
        over = f"{_mm(region.overflow)} mm over"
        if name == "inside":
            section = next((s for s in document.sections if s.slug == region.first_over), document.sections[-1])
            fix = ("shorten it or give it a shorter summary" if section.summary
                   else "shorten it or give it a summary (a short `summary:` in its front matter)")
            yield (section.path, 1, f"the trifold leaflet has no room for this section: {over} the inside "
                                    f"panels; {fix}")
        elif name == "flap":
            what, fix = (("the summary", "shorten it") if not fit.introduction else
                         ("the introduction", "shorten it, or give the document a short `summary:` to show "
                          "instead"))
            yield (index, 1, f"the trifold leaflet has no room for {what} on its inside flap: {over} the panel; "
                             f"{fix}")
        elif name == "back":
            yield (document.root / "data" / "contact.yaml", 1,
                   f"the trifold leaflet has no room for the contact details on its back panel: {over} the "
                   "panel; shorten them")
        else:
            yield (index, 1, f"the trifold leaflet has no room for the cover on its front panel: {over} the "
                             "panel; shorten the title, subtitle or organisation")


def _mm(pixels: float) -> int:
    """Whole millimetres, rounded up: a leaflet 0.3 mm over does not fit either."""
    return max(1, math.ceil(pixels * MM_PER_PX))


def measure_regions(rendered) -> dict[str, Region]:
    """Each `data-panel` region of a laid-out leaflet, by name."""
    regions: dict[str, Region] = {}
    for page in rendered.pages:
        page_box = getattr(page, "_page_box", None)  # WeasyPrint's laid-out boxes (not public API)
        for box in _region_boxes(page_box):
            name = box.element.get("data-panel")
            regions[name] = _measure(box, int(box.element.get("data-columns", "1")), regions.get(name, Region()))
    return regions


def _region_boxes(box):
    """The outermost boxes of a page that belong to an element marked data-panel."""
    if box is None:
        return
    element = getattr(box, "element", None)
    if element is not None and element.get("data-panel"):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _region_boxes(child)


def _measure(box, allowed: int, region: Region) -> Region:
    """Add to `region` what the multi-column `box` holds: text in columns past the `allowed` ones, or
    below the foot of an allowed one (a block too tall to break), is overflow."""
    columns = [child for child in box.children if getattr(child, "element", None) is box.element]
    foot = box.content_box_y() + box.height
    for number, column in enumerate(columns):
        blocks = list(column.children)
        if not blocks:
            continue
        bottom = max(b.position_y + b.margin_height() for b in blocks)
        top = column.content_box_y()
        over = bottom - top if number >= allowed else max(0.0, bottom - foot)
        region.overflow += over
        for block in blocks:
            slug = block.element.get("data-section") if block.element is not None else None
            if slug is None:
                continue
            region.heights[slug] = region.heights.get(slug, 0.0) + block.margin_height()
            beyond = number >= allowed or block.position_y + block.margin_height() > foot + TOLERANCE_PX
            if beyond and region.first_over is None and over > TOLERANCE_PX:
                region.first_over = slug
    return region


def leaflet_folds(rendered) -> list[list[float]]:
    """Where each page of the laid-out leaflet folds, in points from the left edge of its trim: the edges
    the outside panels (data-sheet-panel) share; the inside page folds on the same lines, seen from the
    other side of the sheet."""
    outside = rendered.pages[0]._page_box
    width = outside.margin_width()
    edges = []
    for box in _descendants(outside):
        element = getattr(box, "element", None)
        if element is None or element.get("data-sheet-panel") is None or not hasattr(box, "margin_width"):
            continue
        edges += [x for x in (box.position_x, box.position_x + box.margin_width())
                  if TOLERANCE_PX < x < width - TOLERANCE_PX]  # not the sheet's own edges
    folds = []
    for x in sorted(edges):  # two panels share each fold
        if not folds or x - folds[-1] > TOLERANCE_PX:
            folds.append(x)
    return [[x * PT_PER_PX for x in folds], [(width - x) * PT_PER_PX for x in reversed(folds)]]


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)
