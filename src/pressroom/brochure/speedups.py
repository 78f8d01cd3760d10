"""Faster equivalents of steps of WeasyPrint 70, put in place only while Pressroom renders
(`faster_weasyprint()`): three whose cost grows with the square of the brochure's length, and two that
draw many small pieces where one would do.

The first three give the same results as the code they stand in for (the brochure's bytes do not
change); each only avoids going through the whole document again for every page or element:

- `PDF.page_references` (pydyf) makes the reference of every page each time it is read, and tagging
  reads it for every tagged element and every link target: kept until a page is added.
- `set_page_type_computed_styles` looks through the styles of every element of the document, for each
  page, for the page's margin boxes: looks up the margin boxes the @page rules name instead.
- `TargetCollector.cache_target_page_counters` goes through every counter lookup of the document each
  time a target lands on a page (every section, figure and table the contents or a cross-reference
  points to): an index of the lookups by the target they wait for, made once pagination starts
  (no lookup is added after that).
- Three more steps of pagination, in pagination_speedups.py: `make_page` gathering the anchors and counter
  lookups of every earlier page, `layout_document` going through every counter lookup for each box
  waiting for a page number, and `layout_fixed_boxes` looking at every other page for each page; and,
  there too, page numbers refreshed before a page's layout, which saves a pass over the contents and the
  pages with cross-references.
- Steps repeated for every element or run of text with the same result, in repeat_speedups.py: resolving
  and validating declarations that hold `var()`, and making a Pango context and font description.

And two that change the bytes but not the page:

- `handle_leader` fills a leader (the contents' dotted lines) with one text box per repetition of its
  text, each drawn as a text object of its own: 7 ms for a line of the contents, a tenth of a short
  brochure's time. The repetitions are joined into one box of the same text, drawn at once, where the
  first one was: the same dots, a fraction of a point apart at most.

- SVG `<text>` (the charts' titles, labels and numbers) is laid out and drawn one letter at a time, each
  letter with a text layout of its own: a chart's text took about 30 ms to draw, a sixth of the time of
  a brochure with a chart every few pages. Text with one position and no spacing of its own (all of the
  charts' text) is laid out and drawn as one run instead: the same place and size, the font's own
  spacing between its letters (kerning) rather than none.

And two in writing the file (pydyf), which give the same bytes:

- Asked for a file identifier (Pressroom asks, for an /ID that follows the content), `PDF.write` makes
  every object's bytes twice, once to write it and once for the identifier's MD5, compressing every
  stream twice: an object's bytes are made once in each write.
- A stream's compressed bytes are kept by what they compress (a digest of it), so a stream with the
  same content is compressed once: in `watch` and `preview`, which pass the kept bytes from one render to
  the next, the pages an edit did not change are not compressed again (compressing was a seventh of
  writing the PDF in such a rebuild).

The WeasyPrint ones are written against WeasyPrint 70.0 and the pydyf ones against pydyf 0.13.0 (both
pinned in pyproject.toml) and used only with them; `page_references` depends only on what the property
returns.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import zlib

from .pagination_speedups import pagination_patches
from .repeat_speedups import repeat_patches

WEASYPRINT_VERSION = "70.0"
PYDYF_VERSION = "0.13.0"


@contextlib.contextmanager
def faster_weasyprint(compressed: dict[bytes, bytes] | None = None):
    """While inside, WeasyPrint renders with the equivalents above. `compressed` holds streams' compressed
    bytes by a digest of their content, from an earlier render; it is left holding this render's."""
    import pydyf
    import weasyprint
    from weasyprint.css.targets import TargetCollector
    from weasyprint.layout import inline, page

    patches = [(pydyf.PDF, "page_references", property(_page_references))]
    if pydyf.__version__ == PYDYF_VERSION:
        patches += _pydyf_patches(pydyf, {} if compressed is None else compressed)
    if weasyprint.__version__ == WEASYPRINT_VERSION:
        patches += [(page, "set_page_type_computed_styles", _set_page_type_computed_styles),
                    (TargetCollector, "cache_target_page_counters", _cache_target_page_counters),
                    (inline, "handle_leader", _handle_leader_in_one_box)]
        patches += _svg_text_patches() + pagination_patches() + repeat_patches()
    with patched(patches):
        yield


@contextlib.contextmanager
def patched(patches: list[tuple]):
    """While inside, each (owner, name, replacement) of `patches` is in place: a class's, a module's or a
    dict's own attribute or item."""
    saved = [(owner, name, _attribute(owner, name)) for owner, name, _ in patches]
    for owner, name, replacement in patches:
        _put(owner, name, replacement)
    try:
        yield
    finally:
        for owner, name, original in saved:
            _put(owner, name, original)


def _put(owner, name, value) -> None:
    if isinstance(owner, dict):
        owner[name] = value
    elif value is _INHERITED:
        delattr(owner, name)
    else:
        setattr(owner, name, value)


def _pydyf_patches(pydyf, compressed: dict[bytes, bytes]) -> list:
    """PDF.write making each of the file's objects' bytes once, and Stream.data compressing a content only
    when neither this write nor the one before (`compressed`) compressed it already."""
    write, add_object = pydyf.PDF.write, pydyf.PDF.add_object
    made: dict[int, bytes | None] = {}  # during a write (only then not empty): each of the file's objects' bytes
    before: dict[bytes, bytes] = {}  # during a write: what `compressed` held when it began

    def write_each_object_once(pdf, *args, **kwargs):
        made.update((id(object_), None) for object_ in pdf.objects)
        before.update(compressed)
        compressed.clear()  # refilled with this file's streams only, so it never holds more than one file's
        try:
            return write(pdf, *args, **kwargs)
        finally:
            made.clear()
            before.clear()

    def add_object_while_writing(pdf, object_):
        add_object(pdf, object_)
        if made:  # writing: the object stream, made once for the file and once for its identifier
            made[id(object_)] = None

    def made_once(data):
        def data_made_once(object_):
            key = id(object_)
            if key not in made:  # not one of the file's objects (a part of one, or one made while writing)
                return data(object_)
            if made[key] is None:
                made[key] = data(object_)
            return made[key]
        return property(data_made_once)

    def stream_data(stream):
        """pydyf 0.13.0's Stream.data, with the compressed bytes looked up first."""
        content = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
        extra = pydyf.Dictionary(stream.extra.copy())
        if stream.compress:
            extra["Filter"] = "/FlateDecode"
            key = hashlib.blake2b(content, digest_size=20).digest()
            packed = compressed.get(key) or before.get(key)
            if packed is None:
                compressor = zlib.compressobj(level=9)
                packed = compressor.compress(content) + compressor.flush()
            compressed[key] = content = packed
        extra["Length"] = len(content)
        return b"\n".join((extra.data, b"stream", content, b"endstream"))

    objects = [(kind, "data", made_once(kind.__dict__["data"].fget))
               for kind in (pydyf.Dictionary, pydyf.Array, pydyf.String)]
    return [(pydyf.PDF, "write", write_each_object_once), (pydyf.PDF, "add_object", add_object_while_writing),
            (pydyf.Stream, "data", made_once(stream_data)), *objects]


def _svg_text_patches() -> list:
    """The SVG renderer finds its text function by tag (TAGS) and compares with it by name: both change."""
    from weasyprint import svg
    from weasyprint.svg.text import text as letter_by_letter

    tags = [(svg.TAGS, tag, _svg_text_in_one_run) for tag, draw in svg.TAGS.items() if draw is letter_by_letter]
    return [(svg, "text", _svg_text_in_one_run), *tags]


_INHERITED = object()  # what a class holds under a name it only inherits: put back by deleting its own


def _attribute(owner, name):
    """What `owner` holds under `name` itself (a class's own, or _INHERITED; a module's; a dict's)."""
    if isinstance(owner, dict):
        return owner[name]
    return owner.__dict__.get(name, _INHERITED) if isinstance(owner, type) else getattr(owner, name)


SVG_POSITION_LISTS = ("dx", "dy", "rotate", "textLength")  # attributes that place or size letters one by one


def _svg_text_in_one_run(svg, node, font_size):
    """WeasyPrint's SVG text, for text at one x and y with no letter spacing: laid out and drawn as one
    run, where WeasyPrint lays out and draws each letter on its own (the same start, size and colour;
    the advance is the run's, with the font's kerning). Other text goes to WeasyPrint's."""
    from math import inf

    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox, text as letter_by_letter
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    positions = {axis: normalize(node.attrib.get(axis, "")).split() for axis in ("x", "y")}
    if (not node.text or any(len(values) > 1 for values in positions.values())
            or any(name in node.attrib for name in SVG_POSITION_LISTS)
            or svg.length(node.get("letter-spacing"), font_size)):
        return letter_by_letter(svg, node, font_size)
    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    try:
        style["font_weight"] = int({"normal": 400, "bold": 700}.get(weight, weight))
    except (TypeError, ValueError):
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x = size(positions["x"][0], font_size, svg.inner_width) if positions["x"] else None
    y = size(positions["y"][0], font_size, svg.inner_height) if positions["y"] else None
    if x:  # as WeasyPrint: a given x (other than 0) ends the shift dx gave earlier text
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _svg_text_y_align(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, (
        (x_position, y_position - baseline), (x_position + width, y_position - baseline + height)))
    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none", Matrix(d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def _svg_text_y_align(node, font_size: float, height: float) -> float:
    """WeasyPrint's vertical shift of SVG text for display-anchor and dominant-baseline."""
    ascent, descent = font_size * .8, font_size * .2
    display_anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        return -height / 2
    if display_anchor == "top":
        return 0
    if display_anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def _handle_leader_in_one_box(context, line, containing_block):
    """WeasyPrint's, then the leader's repetitions joined into one text box where the first one was."""
    from weasyprint.layout.leader import handle_leader, leader_index
    from weasyprint.text.line_break import split_first_line

    handle_leader(context, line, containing_block)
    index, leader_box = leader_index(line)
    if index is None or len(leader_box.children) < 2:
        return
    repetitions = sorted(leader_box.children, key=lambda box: box.position_x)
    first = repetitions[0]
    joined = first.copy_with_text(first.text * len(repetitions))
    joined.pango_layout, _, _, joined.width, _, _ = split_first_line(
        joined.text, first.style, context, None, first.justification_spacing)
    leader_box.children = (joined,)


def _page_references(pdf):
    """pydyf's page_references, kept while no page is added."""
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get("_kept_page_references")
    if kept is None or kept[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        kept = pdf.__dict__["_kept_page_references"] = (len(kids), references)
    return kept[1]


def _set_page_type_computed_styles(page_type, html, style_for):
    """WeasyPrint's, looking up the page's margin boxes among those its @page rules name."""
    style_for.add_page_declarations(page_type)
    style_for.set_computed_styles(page_type, root=html.etree_element, parent=html.etree_element,
                                  base_url=html.base_url)
    cascaded = style_for.get_cascaded_styles()
    for pseudo_type in _margin_boxes_named(style_for):
        if (page_type, pseudo_type) in cascaded:
            style_for.set_computed_styles(page_type, pseudo_type=pseudo_type, root=html.etree_element,
                                          parent=page_type, base_url=html.base_url)


def _margin_boxes_named(style_for) -> list:
    """The margin boxes (@top-left, ...) the @page rules of the stylesheets name, in their order."""
    named = {}
    for sheet, _, _ in style_for._sheets:
        for _, selector_list, _ in sheet.page_rules:
            for _, pseudo_type, _ in selector_list:
                if pseudo_type:
                    named.setdefault(pseudo_type)
    return list(named)


def _cache_target_page_counters(self, anchor_name, page_counter_values, page_maker_index, page_maker):
    """WeasyPrint's, going only through the lookups that wait for `anchor_name`, in the same order."""
    if self.collecting:
        return
    target = self.target_lookup_items.get(anchor_name)
    if not target or target.state != "up-to-date":
        return
    target.page_maker_index = page_maker_index
    if target.cached_page_counter_values == page_counter_values:
        return
    target.cached_page_counter_values = copy.deepcopy(page_counter_values)
    for item in _lookups_waiting_for(self, anchor_name):
        if item.page_maker_index is None or item.page_maker_index >= len(page_maker):
            item.pending = True  # pending marker for remake_page
            continue
        for counter_name in item.missing_target_counters[anchor_name]:
            if page_counter_values.get(counter_name) is not None:
                page_maker[item.page_maker_index][-1]["content_changed"] = True
                item.parse_again(item.cached_page_counter_values)
                break


def _lookups_waiting_for(collector, anchor_name) -> list:
    """The `content` counter lookups that miss a counter of `anchor_name`, in the collector's order; the
    index is made again should the lookups change."""
    lookups = collector.counter_lookup_items
    index = collector.__dict__.get("_lookups_by_anchor")
    if index is None or index[0] != len(lookups):
        by_anchor = {}
        for (_, css_token), item in lookups.items():
            if css_token == "content":
                for anchor in item.missing_target_counters:
                    by_anchor.setdefault(anchor, []).append(item)
        index = collector.__dict__["_lookups_by_anchor"] = (len(lookups), by_anchor)
    return index[1].get(anchor_name, [])
