"""WeasyPrint 70's pagination bookkeeping without the steps whose cost grows with the square of the
brochure's length, and with page references laid out a pass sooner; put in place with the other
equivalents of speedups.py (`pagination_patches()`).

Three give the same results (the brochure's bytes do not change); each only stops going through the
whole document again for every page:

- After laying out a page, `make_page` gathers the anchors and counter lookups of every page before it
  into lists, then looks each anchor and lookup of the page up in those lists: at 300 copies of the
  article, about 5 s of a 130 s build (pyinstrument's samples). Here WeasyPrint's own loop is skipped
  (`_PageMakerWithoutHistory` gives it no earlier pages, `PageBox.descendants` no boxes) and
  `_cache_page_values` does what it did,
  finding where an anchor or lookup was first cached through an index of the page each went to.
- Once pagination is done, `layout_document` goes, for every box waiting for a page number (each line
  of the contents, each cross-reference), through every counter lookup of the document, to refill the
  running strings and bookmark labels among them. The lookups of `content` are skipped there: they are
  put aside while it does so (`_make_all_pages`, `_layout_document`).
- `layout_fixed_boxes` goes through every other page, for each page, for boxes with `position: fixed`:
  skipped when no page made has one.

And one that saves a pass over the pages with page references (the contents, cross-references): a page made
again refreshes its page-based content before its layout rather than after (below, "refreshed before it is
laid out"). The brochure's bytes do not change; on a document whose page numbers move targets behind a
reference (a contents that grows and pushes what follows it), WeasyPrint's own can leave that reference with
the target's first page, and this gives its last.

Written against WeasyPrint 70.0 (pinned in pyproject.toml), and used only with it (speedups.py).
"""

from __future__ import annotations

import copy

_SKIPPING_OWN_LOOP = [False]  # inside make_page: WeasyPrint's loop over the page's boxes is skipped
FIXED_SEEN = "_pressroom_fixed_boxes"  # on the layout context: some page made has a fixed box
HISTORY = "_pressroom_first_cached"  # on the layout context: the index of _cache_page_values
CONTENT_LOOKUPS = "_pressroom_content_lookups"  # on the target collector: all lookups, while put aside


def pagination_patches() -> list[tuple]:
    """(owner, name, replacement) for speedups.patched."""
    from weasyprint import document
    from weasyprint import layout
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import page

    return [(page, "make_page", _make_page(page.make_page)),
            (boxes.PageBox, "descendants", _page_descendants(boxes.Box.descendants)),
            (layout, "make_all_pages", _make_all_pages(layout.make_all_pages)),
            (layout, "layout_fixed_boxes", _layout_fixed_boxes(layout.layout_fixed_boxes)),
            (document, "layout_document", _layout_document(document.layout_document))]


# make_page --------------------------------------------------------------------------------------------

class _PageMakerWithoutHistory:
    """The page maker as WeasyPrint's make_page sees it here: its entries, but no earlier pages to gather."""

    def __init__(self, page_maker: list):
        self.page_maker = page_maker

    def __getitem__(self, key):
        return [] if isinstance(key, slice) else self.page_maker[key]

    def __len__(self):
        return len(self.page_maker)


def _page_descendants(original):
    def descendants(self, placeholders=False):
        if placeholders and _SKIPPING_OWN_LOOP[0]:
            return iter(())
        return original(self, placeholders)

    return descendants


def _make_page(original):
    def make_page(context, root_box, page_type, resume_at, page_number, page_state):
        refreshed = _refresh_lookups_before_layout(context, page_type, page_number, page_state)
        page_maker = context.page_maker
        context.page_maker = _PageMakerWithoutHistory(page_maker)
        _SKIPPING_OWN_LOOP[0] = True
        try:
            page, resume_at, next_page = original(context, root_box, page_type, resume_at, page_number,
                                                  page_state)
        finally:
            _SKIPPING_OWN_LOOP[0] = False
            context.page_maker = page_maker
        if page.fixed_boxes:
            context.__dict__[FIXED_SEEN] = True
        _cache_page_values(context, page, page_number, page_state[1])
        _check_refreshed_lookups(context, page_number, refreshed)
        return page, resume_at, next_page

    return make_page


# a page's counter lookups refreshed before it is laid out ------------------------------------------------
#
# WeasyPrint refreshes a box's page-based content (the contents' page numbers, the cross-references' ones)
# after laying its page out, when the page's counters changed, and lays the page out again in the next
# pass. In the first pass the targets ahead have no page yet; in the second the content gets their pages
# (the page total, now known, changed the counters), and only a third pass lays them out. Here a page made
# again refreshes, before its layout, the lookups it refreshed last time, with the counters it is about to
# have: what the next pass would have laid out is laid out now. Once the page is laid out they are refreshed
# again, as WeasyPrint would, and the page is marked for another pass only if their content changed.

REFRESHED_ON = "_pressroom_refreshed_on"  # on the layout context: page index -> [(box, lookup)] it refreshed


def _refresh_lookups_before_layout(context, page_type, page_number: int, page_state) -> list:
    """Refresh the lookups this page refreshed when last made, as its own refresh would after layout;
    returns them with their content's signature."""
    lookups = context.__dict__.get(REFRESHED_ON, {}).get(page_number - 1)
    if not lookups:
        return []
    page_counter_values = _page_counters_to_be(context, page_type, page_state)
    refreshed = []
    for box, lookup in lookups:
        if not lookup.pending and _takes_page_counters(lookup, page_counter_values):
            lookup.parse_again(page_counter_values)
            refreshed.append((box, lookup, _content_signature(box)))
    return refreshed


def _takes_page_counters(lookup, page_counter_values: dict) -> bool:
    """Keep the page's counters in the lookup if they changed (WeasyPrint's step for the lookup's own
    counters); whether its content reads one of them, and is to be parsed again."""
    if page_counter_values == lookup.cached_page_counter_values:
        return False
    lookup.cached_page_counter_values = copy.deepcopy(page_counter_values)
    return any(page_counter_values.get(name) is not None for name in lookup.missing_counters)


def _page_counters_to_be(context, page_type, page_state) -> dict:
    """The page counters make_page gives a page of `page_type` starting from `page_state`."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout import page

    style = context.style_for(page_type)
    page._standardize_page_based_counters(style, None)  # as make_page does; done twice, the same style
    state = copy.deepcopy(page_state)
    build.update_counters(state, style)
    return state[1]


def _check_refreshed_lookups(context, page_number: int, refreshed: list) -> None:
    """Refresh the lookups refreshed before layout again, now that the page's own anchors have their page;
    if that changed their content, the page is laid out again in the next pass, as WeasyPrint would."""
    remake_state = context.page_maker[page_number - 1][-1]
    for box, lookup, laid_out in refreshed:
        lookup.parse_again(lookup.cached_page_counter_values)
        if _content_signature(box) != laid_out:
            remake_state["content_changed"] = True


def _content_signature(box) -> tuple:
    """What a refresh of generated content can change: its boxes' kinds and texts."""
    return tuple((type(child).__name__, getattr(child, "text", None), _content_signature(child))
                 for child in getattr(box, "children", ()))


class _FirstCached:
    """Where each anchor (or counter lookup) went into a page maker entry's list ("anchors" or
    "content_lookups"), to answer whether it is in the list of a page before a given one."""

    def __init__(self, kind: str):
        self.kind = kind
        self.index: dict = {}

    def add(self, remake_state: dict, key, page_index: int) -> None:
        remake_state[self.kind].append(key)
        self.index[key] = page_index

    def before(self, key, page_index: int, page_maker) -> bool:
        last = self.index.get(key)
        if last is None or last >= page_index:
            # never put in a list, or last put in this page's or a later one's: no list of a page before
            # this one got it since (that would have been later), and none had it then
            return False
        if key in page_maker[last][-1].get(self.kind, ()):
            return True
        # that page was made again without it: another page before this one may still have it
        return any(key in entry[-1].get(self.kind, ()) for entry in page_maker[:page_index])


def _cache_page_values(context, page, page_number: int, page_counter_values: dict) -> None:
    """What WeasyPrint 70's make_page does last (its loop over the page's boxes: the page counters of the
    targets on the page, and the counter lookups waiting for them), with the lists of the pages before
    looked up through `_FirstCached` instead of gathered again."""
    anchors, lookups = context.__dict__.setdefault(
        HISTORY, (_FirstCached("anchors"), _FirstCached("content_lookups")))
    target_collector = context.target_collector
    page_maker = context.page_maker
    index = page_number - 1
    remake_state = page_maker[index][-1]
    anchors_here, lookups_here = set(), set()
    refreshing = context.__dict__.setdefault(REFRESHED_ON, {})[index] = []

    def cached_anchor(anchor) -> bool:
        return anchor in anchors_here or anchors.before(anchor, index, page_maker)

    for child in page.descendants(placeholders=True):
        anchor = child.style["anchor"]
        if anchor and not cached_anchor(anchor):
            anchors.add(remake_state, anchor, index)
            anchors_here.add(anchor)
            target_collector.cache_target_page_counters(anchor, page_counter_values, index, page_maker)

        counter_lookup = (target_collector.counter_lookup_items.get((child.missing_link, "content"))
                          if child.missing_link else None)
        if counter_lookup is None:
            continue
        call_parse_again = False
        lookup_id = id(counter_lookup)
        refresh_missing_counters = not (lookup_id in lookups_here or lookups.before(lookup_id, index, page_maker))
        if refresh_missing_counters:
            lookups.add(remake_state, lookup_id, index)
            lookups_here.add(lookup_id)
            counter_lookup.page_maker_index = index

        # page based back-references, marked as pending by cache_target_page_counters
        if counter_lookup.pending:
            if page_counter_values != counter_lookup.cached_page_counter_values:
                counter_lookup.cached_page_counter_values = copy.deepcopy(page_counter_values)
            counter_lookup.pending = False
            call_parse_again = True

        # local counters
        missing_counters = counter_lookup.missing_counters
        if missing_counters:
            if "pages" in missing_counters:
                remake_state["pages_wanted"] = True
            if refresh_missing_counters:
                refreshing.append((child.missing_link, counter_lookup))
                if _takes_page_counters(counter_lookup, page_counter_values):
                    call_parse_again = True

        # targeted counters
        for anchor_name, missed_counters in counter_lookup.missing_target_counters.items():
            if "pages" not in missed_counters:
                continue
            item = target_collector.target_lookup_items.get(anchor_name, None)
            page_maker_index = item.page_maker_index
            if page_maker_index >= 0 and cached_anchor(anchor_name):
                page_maker[page_maker_index][-1]["pages_wanted"] = True

        if call_parse_again:
            remake_state["content_changed"] = True
            counter_lookup.parse_again(page_counter_values)


# layout_document ----------------------------------------------------------------------------------------

def _make_all_pages(original):
    """Each pass over the pages sees every counter lookup; after it, the `content` ones are put aside, for
    layout_document's last steps, which skip them (the next pass, if any, gets them back)."""

    def make_all_pages(context, root_box, html, pages):
        collector = context.target_collector
        _restore_lookups(collector)
        yield from original(context, root_box, html, pages)
        lookups = collector.counter_lookup_items
        collector.__dict__[CONTENT_LOOKUPS] = lookups
        collector.counter_lookup_items = {key: item for key, item in lookups.items() if key[1] != "content"}

    return make_all_pages


def _restore_lookups(collector) -> None:
    lookups = collector.__dict__.pop(CONTENT_LOOKUPS, None)
    if lookups is not None:
        collector.counter_lookup_items = lookups


def _layout_document(original):
    def layout_document(html, root_box, context, *args, **kwargs):
        try:
            yield from original(html, root_box, context, *args, **kwargs)
        finally:
            _restore_lookups(context.target_collector)

    return layout_document


def _layout_fixed_boxes(original):
    def layout_fixed_boxes(context, pages, containing_page):
        if not context.__dict__.get(FIXED_SEEN):
            return iter(())
        return original(context, pages, containing_page)

    return layout_fixed_boxes

