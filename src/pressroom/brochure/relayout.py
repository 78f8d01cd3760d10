"""Laying out again only the section an edit changed, for the processes that stay running (`watch`,
`preview`); a plain build keeps nothing and lays the whole brochure out.

Every part of the brochure opens on a new page (`break-before: page`), so a part's pages depend on the
rest of the document only through what carries across a page break: the page counter and the side of
the page, the running-head strings (string-set), the element counters (figures, tables) and the page
groups. While the memory is on (`relayout_memory()`), each brochure render remembers, for the settings it
was made with: its HTML cut into the head and the body's top-level elements, the laid-out WeasyPrint
document, the pages each top-level element is laid out on, and that state at the start and the end of
each one. When the next render's HTML differs from the last in one top-level element only, that element
is laid out alone: the same HTML with every other top-level element emptied and hidden (so selectors
about siblings still match), starting from the remembered state, with the page total and the strings it
inherits given. Its pages replace the old ones (`Document.copy`) and the PDF is written as a full
render writes it (the other pages' drawing replayed: repaint.py). The result is kept only when nothing
outside the part can tell: the same page count, the same state at its end, no link or target-counter in
it to an element outside it, and every element of it that the rest of the document refers to on the
same page with the same counters. Otherwise, and
whenever a stylesheet, image or other resource the render read has changed, the whole brochure is laid
out again, as a build does.

What it reaches into is WeasyPrint 70's (pinned in pyproject.toml): with another version it is off.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .repaint import Drawings
from .speedups import WEASYPRINT_VERSION  # the one pinned (pyproject.toml), whose internals are hooked

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# What a part laid out alone would get wrong, looked for in the HTML and the stylesheets: the text of a
# target (target-text), @page rules for the first or nth page (the part alone starts a document),
# running elements and footnotes (carried from page to page).
NOT_ALONE = re.compile(r"target-text|:first(?![\w-])|:nth\(|running\(|float\s*:\s*footnote")
# a link or reference to an element: href="#x", xlink:href, url(#x); not a colour such as color:#1f2a37
FRAGMENT = re.compile(r"""(?:href\s*=\s*["']?|url\(\s*["']?)#([^\s"'()<>;]+)""")

_active: list[Memory] = []


@contextlib.contextmanager
def relayout_memory():
    """While inside, brochure renders remember their layout and lay out again only a changed part.
    Yields the memory, whose `last` says how the latest render went."""
    memory = Memory()
    _active.append(memory)
    try:
        yield memory
    finally:
        _active.remove(memory)


def active() -> Memory | None:
    return _active[-1] if _active else None


# the HTML, cut into its top-level parts ---------------------------------------------------------------

@dataclass
class Cut:
    """The HTML as `pieces`: [everything to the end of <body ...>, each top-level element of the body
    (with the white space before it), the rest]; `starts[i]` is piece i's start tag, `ids[i]` its id."""

    pieces: list[str]
    starts: list[str]
    tags: list[str]
    ids: list[str | None]


class _Cutter(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth = None  # inside <body>: how deep
        self.body_open = None  # the offset just past <body ...>
        self.body_close = None
        self.spans: list[tuple[int, int, str, str, str | None]] = []  # start, end, tag, start tag, id
        self.open: tuple[int, str, str, str | None] | None = None
        self.stack: list[str] = []
        self.broken = False

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        text = self.get_starttag_text() or ""
        if self.depth is None:
            if tag == "body":
                self.depth = 0
                self.body_open = self._at() + len(text)
            return
        if self.body_close is not None:
            self.broken = True
            return
        if self.depth == 0:
            identifier = dict(attrs).get("id")
            if tag in VOID:
                start = self._at()
                self.spans.append((start, start + len(text), tag, text, identifier))
                return
            self.open = (self._at(), tag, text, identifier)
        if tag not in VOID:
            self.stack.append(tag)
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0 and self.body_close is None:
            self.broken = True  # <x/> at the top level: not cut

    def handle_endtag(self, tag):
        if self.depth is None or self.body_close is not None:
            return
        if tag in VOID:
            return
        if self.depth == 0:
            if tag == "body":
                self.body_close = self._at()
            else:
                self.broken = True
            return
        if not self.stack or self.stack[-1] != tag:
            self.broken = True  # an end tag the parser of the browser would mend: not cut
            return
        self.stack.pop()
        self.depth -= 1
        if self.depth == 0:
            start, name, text, identifier = self.open
            end = self.text.index(">", self._at()) + 1
            self.spans.append((start, end, name, text, identifier))

    def handle_data(self, data):
        if self.depth == 0 and self.body_close is None and data.strip():
            self.broken = True  # text directly in <body>


def cut(html: str) -> Cut | None:
    """The HTML cut at the body's top-level elements, or None if it cannot be cut safely."""
    cutter = _Cutter(html)
    try:
        cutter.feed(html)
        cutter.close()
    except Exception:  # noqa: BLE001 (anything odd: no cutting)
        return None
    if cutter.broken or cutter.body_open is None or cutter.body_close is None or cutter.depth != 0:
        return None
    pieces, starts, tags, ids = [html[:cutter.body_open]], [""], [""], [None]
    previous = cutter.body_open
    for start, end, tag, text, identifier in cutter.spans:
        if html[previous:start].strip():
            return None
        pieces.append(html[previous:end])
        starts.append(text)
        tags.append(tag)
        ids.append(identifier)
        previous = end
    pieces.append(html[previous:])
    starts.append("")
    tags.append("")
    ids.append(None)
    if "".join(pieces) != html:
        return None
    return Cut(pieces, starts, tags, ids)


def alone(cut_html: Cut, index: int) -> str:
    """The HTML with only piece `index` in the body: every other top-level element emptied and hidden."""
    out = []
    for number, piece in enumerate(cut_html.pieces):
        if number in (0, len(cut_html.pieces) - 1) or number == index:
            out.append(piece)
            continue
        space = piece[:len(piece) - len(piece.lstrip())]
        tag, start = cut_html.tags[number], cut_html.starts[number]
        hidden = f'<{tag} style="display:none"{start[1 + len(tag):]}'
        out.append(space + hidden + ("" if tag in VOID else f"</{tag}>"))
    return "".join(out)


def fragments(text: str) -> set[str]:
    """Every `#name` in a link or reference in `text`: what it may link to or count from."""
    return set(FRAGMENT.findall(text))


# what a render leaves behind ----------------------------------------------------------------------------

@dataclass
class Layout:
    """A laid-out brochure and what carries across its page breaks."""

    key: object
    cut: Cut
    document: object  # weasyprint.Document
    owners: list[set[int]]  # per page: the pieces with boxes on it
    page_states: list[tuple]  # per page, and one after the last: (next_page, right_page, page_state)
    strings: dict[str, dict[int, list[str]]]  # string-set values assigned, by name and page (from 1)
    entry: dict[int, tuple]  # per piece: the element counters and quote depth where it starts
    exit: dict[int, tuple]  # ... and where it ends
    targets: dict[str, tuple]  # per anchor: its counters and the page it is on
    resources: dict[str, str]  # each URL read while rendering: a hash of what it was
    changed: range | None = None  # the pages the latest part laid out alone is on


@dataclass
class Memory:
    """The last brochure layout of this process, and how the latest render went (`last`: a line)."""

    layout: Layout | None = None
    last: str = ""
    changed_pages: range | None = None  # after a part was laid out alone: its pages (from 0)
    renders: int = 0  # how many brochure renders it has seen
    refused: str = ""  # what made the last layout one never to lay out in parts
    relaid: list[str] = field(default_factory=list)  # each `last` that laid out a part alone
    compressed: dict[bytes, bytes] = field(default_factory=dict)  # the last PDF's streams (speedups.py)
    drawings: Drawings = field(default_factory=Drawings)  # the last PDF's pages as drawn (repaint.py)

    def forget(self) -> None:
        self.layout = None
        self.drawings.pages.clear()


class _Capture:
    """What one WeasyPrint render is watched for (and, laying a part out alone, started from)."""

    def __init__(self, start=None, inherited=None, total=None, only=None):
        self.start = start  # (next_page, right_page, page_state) to begin the first page with
        self.inherited = inherited or {}  # string-set values in force before the first page
        self.total = total  # the page total counter(pages) gives, if not this document's
        self.only = only  # the element laid out alone (its body index), or None
        self.context = None
        self.entry: dict[int, tuple] = {}
        self.exit: dict[int, tuple] = {}
        self.entry_override = None  # the state to start `only` with
        self.ids: dict[str, tuple] = {}  # per element id: the counters where it starts and ends
        self.depth = 0
        self.body_index = -1


def _state_of(state) -> tuple:
    quote_depth, counter_values, counter_scopes, _ = state
    return copy.deepcopy((quote_depth, counter_values, counter_scopes))


@contextlib.contextmanager
def _watching(capture: _Capture):
    """WeasyPrint with the hooks `capture` needs, while inside."""
    from weasyprint import document as wdocument, layout as wlayout
    from weasyprint.formatting_structure import build

    original_element_to_box = build.element_to_box
    original_layout_document = wdocument.layout_document
    original_initialize = wlayout.initialize_page_maker
    original_margin_boxes = wlayout.make_margin_boxes

    def element_to_box(element, *args, **kwargs):
        capture.depth += 1
        try:
            if not isinstance(element.tag, str):
                return original_element_to_box(element, *args, **kwargs)
            if capture.depth != 3:  # not a child of <body>
                state = args[-1] if len(args) == 7 else kwargs.get("state")
                identifier = element.get("id")
                if identifier is None or state is None:
                    return original_element_to_box(element, *args, **kwargs)
                entry = _state_of(state)
                boxes = original_element_to_box(element, *args, **kwargs)
                capture.ids.setdefault(identifier, (entry, _state_of(state)))
                return boxes
            capture.body_index += 1
            number = capture.body_index
            state = args[-1] if len(args) == 7 else kwargs.get("state")
            if number == capture.only and capture.entry_override is not None and state is not None:
                quote_depth, counter_values, counter_scopes, _ = state
                wanted = copy.deepcopy(capture.entry_override)
                quote_depth[:] = wanted[0]
                counter_values.clear()
                counter_values.update(wanted[1])
                counter_scopes[:] = wanted[2]
            if state is not None:
                capture.entry[number] = _state_of(state)
            boxes = original_element_to_box(element, *args, **kwargs)
            if state is not None:
                capture.exit[number] = _state_of(state)
                if element.get("id") is not None:
                    capture.ids.setdefault(element.get("id"), (capture.entry[number], capture.exit[number]))
            return boxes
        finally:
            capture.depth -= 1

    def layout_document(html, root_box, context, *args, **kwargs):
        capture.context = context
        if capture.inherited:
            _inherit_strings(context, capture.inherited)
        return original_layout_document(html, root_box, context, *args, **kwargs)

    def initialize_page_maker(context, root_box):
        original_initialize(context, root_box)
        if capture.start is not None:
            next_page, right_page, page_state = copy.deepcopy(capture.start)
            remake_state = context.page_maker[0][4]
            context.page_maker[0] = (None, next_page, right_page, page_state, remake_state)

    def make_margin_boxes(context, page, state):
        if capture.total is not None:
            state[1]["pages"] = [capture.total]
        return original_margin_boxes(context, page, state)

    patches = [(build, "element_to_box", element_to_box), (wdocument, "layout_document", layout_document),
               (wlayout, "initialize_page_maker", initialize_page_maker),
               (wlayout, "make_margin_boxes", make_margin_boxes)]
    for owner, name, replacement in patches:
        setattr(owner, name, replacement)
    try:
        yield capture
    finally:
        build.element_to_box = original_element_to_box
        wdocument.layout_document = original_layout_document
        wlayout.initialize_page_maker = original_initialize
        wlayout.make_margin_boxes = original_margin_boxes


def _inherit_strings(context, inherited: dict[str, str]) -> None:
    """Strings assigned before the part (the document's title for the running head) as if assigned on an
    earlier page: what string() finds when nothing was assigned since."""
    lookup = context.get_string_or_element_for

    def get_string_or_element_for(store, page, name, keyword):
        found = lookup(store, page, name, keyword)
        if (store is context.string_set and not found and keyword != "all-once" and name in inherited
                and not any(number <= context.current_page for number in store[name])):
            return (inherited[name],)
        return found

    context.get_string_or_element_for = get_string_or_element_for


# laying out ---------------------------------------------------------------------------------------------

def _lay_out_watched(render, html: str, fetcher, capture: _Capture, font_config=None):
    """`render` (pdf.py's WeasyPrint call: HTML, URL fetcher, font configuration -> document) with the hooks
    `capture` needs."""
    with _watching(capture):
        return render(html, fetcher, font_config)


class _RecordingFetcher:
    """Wraps a URL fetcher: a hash of each resource read, by URL."""

    def __init__(self, fetcher):
        self.fetcher = fetcher
        self.read: dict[str, str] = {}
        self.not_alone = ""  # a construct found in a stylesheet read that a part alone gets wrong

    def __call__(self, url, *args, **kwargs):
        response = self.fetcher(url, *args, **kwargs)
        self.read[url] = _digest(response)
        if "css" in response.content_type:
            found = NOT_ALONE.search(response._file_obj.getvalue().decode("utf-8", "replace"))
            self.not_alone = self.not_alone or (found.group(0) if found else "")
        return response

    def __getattr__(self, name):
        return getattr(self.fetcher, name)


def _digest(response) -> str:
    """A hash of a fetched resource (its bytes and headers), leaving it to be read as before."""
    body = response.read()
    response._file_obj = io.BytesIO(body)  # WeasyPrint reads it next
    return hashlib.sha256(body + str(response.headers).encode()).hexdigest()


def lay_out(memory: Memory, key, html: str, render, fetcher):
    """The brochure's WeasyPrint document for `html`: a changed part laid out alone when safe, else all
    of it. `render(html, fetcher, font_config)` is pdf.py's call to WeasyPrint, `fetcher` its URL fetcher.
    Remembers the result for the next render with the same `key`."""
    old = memory.layout if memory.layout is not None and memory.layout.key == key else None
    new_cut = cut(html)
    memory.changed_pages = None
    memory.renders += 1
    if old is not None and new_cut is not None:
        memory.layout = None  # until the layout is updated whole (a Ctrl-C meanwhile leaves none)
        try:
            reason, document = _relay(old, new_cut, render, fetcher)
        except Exception as error:  # noqa: BLE001 (laid out whole, which reports a real problem)
            reason, document = f"laying the part out alone failed: {type(error).__name__}", None
        if document is not None:
            memory.layout = old
            memory.last, memory.changed_pages = reason, old.changed
            memory.relaid.append(reason)
            return document
        memory.last = f"laid out all pages ({reason})"
    elif memory.refused:
        memory.last = f"laid out all pages (the stylesheets or HTML use {memory.refused})"
    elif new_cut is None:
        memory.last = "laid out all pages (the HTML's body cannot be cut at its top-level elements)"
    else:
        memory.last = "laid out all pages (" + ("other settings" if memory.layout is not None else "first render") + ")"
    memory.forget()  # before laying out whole: the last layout is not kept alive meanwhile
    recording = _RecordingFetcher(fetcher)
    capture = _Capture()
    document = _lay_out_watched(render, html, recording, capture)
    found = NOT_ALONE.search(html)
    memory.refused = recording.not_alone or (found.group(0) if found else "")
    if new_cut is not None and not memory.refused:
        try:
            memory.layout = _remember(key, new_cut, document, capture, recording.read)
        except Exception:  # noqa: BLE001 (nothing remembered: the next render is laid out whole)
            memory.layout = None
    return document


def _remember(key, cut_html: Cut, document, capture: _Capture, resources: dict) -> Layout | None:
    context = capture.context
    if context is None or any(context.running_elements.values()) or len(capture.entry) != len(cut_html.pieces) - 2:
        return None  # running elements (position: running) are not carried across: never relaid out
    return Layout(key, cut_html, document, _owners(document), _page_states(context),
                  _strings(context.string_set), _by_piece(capture.entry), _by_piece(capture.exit),
                  _targets(capture, document), dict(resources))


def _by_piece(states: dict[int, tuple]) -> dict[int, tuple]:
    return {number + 1: state for number, state in states.items()}  # piece 0 is the head


def _owners(document) -> list[set[int]]:
    """Per page: the top-level elements of the body (as piece numbers) with boxes on it; -1 for a box that
    is not one of them."""
    owners, numbers = [], None
    for page in document.pages:
        found = set()
        body = _body_box(page._page_box)
        if body is not None and numbers is None:
            elements = [child for child in body.element if isinstance(child.tag, str)]
            numbers = {id(element): number + 1 for number, element in enumerate(elements)}
        for child in body.children if body is not None else ():
            element = getattr(child, "element", None)
            found.add(-1 if element is None else numbers.get(id(element), -1))
        owners.append(found)
    return owners


def _body_box(page_box):
    for box in page_box.children:  # the root box, then the footnote and note areas and margin boxes
        if getattr(box, "element_tag", None) == "html":
            for child in box.children:
                if getattr(child, "element_tag", None) == "body":
                    return child
    return None


def _page_states(context) -> list[tuple]:
    return [copy.deepcopy((next_page, right_page, page_state))
            for _, next_page, right_page, page_state, _ in context.page_maker]


def _strings(string_set) -> dict[str, dict[int, list[str]]]:
    return {name: {page: list(values) for page, values in pages.items()} for name, pages in string_set.items()}


def _targets(capture: _Capture, document) -> dict[str, tuple]:
    """Per element id: the counters where the element starts and ends, and the page it is on."""
    pages = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return {anchor: (capture.ids.get(anchor), pages.get(anchor)) for anchor in {*capture.ids, *pages}}


def _relay(old: Layout, new_cut: Cut, render, fetcher):
    """(what was done, the document) with the changed part laid out alone, or (why not, None)."""
    if len(new_cut.pieces) != len(old.cut.pieces) or new_cut.pieces[0] != old.cut.pieces[0] \
            or new_cut.pieces[-1] != old.cut.pieces[-1]:
        return "the head or the list of parts changed", None
    changed = [number for number, (a, b) in enumerate(zip(old.cut.pieces, new_cut.pieces)) if a != b]
    if not changed:
        return "nothing changed in the HTML", None
    if len(changed) > 1:
        return f"{len(changed)} parts changed", None
    index = changed[0]
    name = new_cut.ids[index]
    if name is None or old.cut.ids[index] != name or new_cut.starts[index] != old.cut.starts[index]:
        return "the changed part has no id of its own or its element changed", None
    pages = [number for number, owners in enumerate(old.owners) if index in owners]
    if not pages or pages != list(range(pages[0], pages[-1] + 1)) or any(old.owners[number] != {index}
                                                                        for number in pages):
        return f"#{name} shares a page with another part", None
    if index not in old.entry or index not in old.exit:
        return f"#{name} was not laid out", None
    inside = set(re.findall(r"""(?<![\w-])id\s*=\s*["']?([^"'\s>]+)""", new_cut.pieces[index]))
    if 'class="chart-text"' in new_cut.pieces[index] or 'class="chart-text"' in old.cut.pieces[index]:
        # text laid over a chart (Arabic) is drawn in another order alone than in the whole brochure
        return f"#{name} has text laid over a chart", None
    outside = fragments(new_cut.pieces[index]) - inside
    if outside:
        return f"#{name} links to #{sorted(outside)[0]}, outside it", None
    if _resources_changed(old, fetcher):
        return "a stylesheet, image or other resource changed", None
    first, last = pages[0], pages[-1]
    total = len(old.document.pages)
    inherited = {string: values[max(values)][-1] for string, pages_of in old.strings.items()
                 if (values := {page: v for page, v in pages_of.items() if page <= first and v})}
    capture = _Capture(start=old.page_states[first], inherited=inherited, total=total, only=index - 1)
    capture.entry_override = old.entry[index]
    recording = _RecordingFetcher(fetcher)
    part = _lay_out_watched(render, alone(new_cut, index), recording, capture, old.document.font_config)
    why = _differs(old, new_cut, index, inside, first, last, part, capture)
    if why:
        return why, None
    combined = old.document.copy(old.document.pages[:first] + part.pages + old.document.pages[last + 1:])
    old.cut = new_cut
    old.document = combined
    laid = _page_states(capture.context)[:-1]
    for _, _, page_state in laid:  # the part alone counted its own pages: the whole brochure's total
        page_state[1]["pages"] = [total]
    old.page_states = old.page_states[:first] + laid + old.page_states[last + 1:]
    for string, pages_of in old.strings.items():
        for page in range(first + 1, last + 2):
            pages_of.pop(page, None)
    for string, pages_of in _strings(capture.context.string_set).items():
        for page, values in pages_of.items():
            old.strings.setdefault(string, {})[page + first] = values
    for anchor, (counters, page) in _targets(capture, part).items():
        if anchor in inside:
            old.targets[anchor] = (counters, None if page is None else page + first)
    old.resources.update(recording.read)
    old.changed = range(first, last + 1)
    return f"relaid out #{name} ({len(part.pages)} page{'s' if len(part.pages) != 1 else ''})", combined


def _differs(old: Layout, new_cut: Cut, index: int, inside: set[str], first: int, last: int, part,
             capture: _Capture) -> str:
    """Why the part laid out alone cannot replace its pages, or ""."""
    name = new_cut.ids[index]
    if len(part.pages) != last - first + 1:
        return f"#{name} now takes {len(part.pages)} pages, not {last - first + 1}"
    context = capture.context
    if context is None or any(context.running_elements.values()):
        return "running elements"
    if capture.entry.get(index - 1) != old.entry[index] or capture.exit.get(index - 1) != old.exit[index]:
        return f"the counters at the start or end of #{name} changed"
    for _, _, _, _, remake_state in context.page_maker:
        if remake_state.get("pages_wanted"):
            return "the page total is shown inside the part"
    states = _page_states(context)
    end_old, end_new = _without_total(old.page_states[last + 1]), _without_total(states[-1])
    # The break after the part, alone, is no forced break (nothing follows it): the next part's
    # break-before made the old one. A break to a side (left, right) may come from the part: compared.
    old_break, new_break = end_old[0]["break"], end_new[0]["break"]
    if end_old[1:] != end_new[1:] or not (new_break == old_break or (new_break == "any" and old_break == "page")):
        return f"the page state after #{name} changed"
    for string in set(old.strings) | set(context.string_set):
        before = [v for page, v in sorted(old.strings.get(string, {}).items()) if page <= last + 1 and v]
        after_old = before[-1][-1] if before else None
        own = [v for page, v in sorted(context.string_set.get(string, {}).items()) if v]
        inherited_before = [v for page, v in sorted(old.strings.get(string, {}).items()) if page <= first and v]
        after_new = own[-1][-1] if own else (inherited_before[-1][-1] if inherited_before else None)
        if after_old != after_new:
            return f"the running string {string} after #{name} changed"
    referred = set()
    for number, piece in enumerate(new_cut.pieces):
        if number != index:
            referred |= fragments(piece)
    new_targets = _targets(capture, part)
    for anchor in sorted(referred & (inside | {a for a, (_, page) in old.targets.items()
                                               if page is not None and first <= page <= last})):
        counters, page = new_targets.get(anchor, (None, None))
        old_counters, old_page = old.targets.get(anchor, (None, None))
        if counters != old_counters or page is None or page + first != old_page:
            return f"#{anchor}, referred to from elsewhere, moved or was renumbered"
    return ""


def _without_total(state: tuple) -> tuple:
    next_page, right_page, page_state = copy.deepcopy(state)
    page_state[1].pop("pages", None)
    return next_page, right_page, page_state


def _resources_changed(old: Layout, fetcher) -> bool:
    """Whether any resource the last layout read is different now (each is read again, through the
    project's gateway, so what the build read is recorded as before)."""
    for url, digest in old.resources.items():
        try:
            response = fetcher(url)
        except Exception:  # noqa: BLE001 (gone or refused now: lay everything out, which reports it)
            return True
        if _digest(response) != digest:
            return True
    return False
