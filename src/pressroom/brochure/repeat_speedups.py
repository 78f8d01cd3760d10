"""Steps WeasyPrint 70 repeats, for every element or every run of text, with the same result each time:
the result is kept for the render instead (`repeat_patches()`, put in place by speedups.faster_weasyprint).
The brochure's bytes do not change. Together they take a sixth to a quarter off the brochure's time
(README, Speed).

- Every element's style is computed anew under an element with an `id`: WeasyPrint shares one computed
  style among elements that match the same rules under the same parent style, and an `id` gives its
  element a declaration of its own (its anchor), so under each section nothing is shared with the
  sections before. The anchor is not inherited: the styles are shared as if it were not there, and each
  element with an `id` then gets its own copy of its style, holding its anchor (`_sharing_past_anchors`).
- Every element gets a style for each of the user agent stylesheet's note and footnote pseudo-elements and
  its marker (six for every element, nine in ten of the brochure's styles), made as styles are matched;
  only notes and list items use them. A pseudo-element's style is now made when a box first asks for it.
- A declaration holding `var()` (the theme's design tokens: `margin: 0 0 var(--space-s)`) is resolved
  and validated again for each element it applies to, and a shorthand's whole expansion is redone for
  each longhand asked for. Resolving depends only on the declaration's tokens and the values of the
  custom properties they name, validating only on the tokens resolved: both are kept by those (they
  were a tenth of the 100-copy brochure's profile).
- Each run of text gets a Pango context and a font description of its own, made for it, when laying out
  a line and again when drawing it. Contexts are kept by font map, direction and language, descriptions
  by the font properties they are made of; Pango copies a description it is given, and nothing changes
  a context once made.

Keys hold identities of WeasyPrint's token and value objects; each kept entry holds the objects it is
keyed by, so that no identity is reused while the entry lives. The caches live as long as one render.
"""

from __future__ import annotations


def repeat_patches() -> list[tuple]:
    """(owner, name, replacement) for speedups.patched, each with caches of its own for one render."""
    import weasyprint.css as css
    from weasyprint.css.tokens import Pending
    from weasyprint.text import line_break

    return [(css.StyleFor, "__init__", _sharing_past_anchors(css.StyleFor.__init__)),
            (css.StyleFor, "__call__", _styling_pseudo_elements_when_asked(css.StyleFor.__call__)),
            (css, "resolve_var", _resolving_once(css.resolve_var)),
            (Pending, "solve", _solving_once(Pending.solve)),
            (line_break.Layout, "setup", _setup_with_kept_context())]


def _sharing_past_anchors(init):
    """WeasyPrint's StyleFor.__init__ with the anchors of elements with an `id` (or an `a` with a `name`)
    left out while styles are matched and shared, and put back after on a copy of each such element's
    style, in document order as WeasyPrint collects them. WeasyPrint copies a style before changing it for
    one box (a table's, a footnote's, a first line's), so sharing further changes no box's style. A
    stylesheet that sets anchors itself gets WeasyPrint's own sharing."""
    import weasyprint.css as css

    def init_sharing_past_anchors(style_for, html, sheets, presentational_hints, font_config, target_collector):
        if _rules_set_anchors(sheets):
            return init(style_for, html, sheets, presentational_hints, font_config, target_collector)
        anchors: dict = {}  # element: the anchor its attributes give it
        find = _without_anchor_hints(css.find_style_attributes, anchors)
        css.find_style_attributes = find  # by hand: speedups.patched would be an import circle (speedups imports this)
        style_for.set_computed_styles = _deferring_pseudo_elements(style_for)
        try:
            init(style_for, html, sheets, presentational_hints, font_config, target_collector)
        finally:
            css.find_style_attributes = find.__wrapped__
            del style_for.set_computed_styles
        _anchored_elements_own_styles(style_for, html, anchors, target_collector)

    return init_sharing_past_anchors


DEFERRED = "_pseudo_elements_not_styled_yet"  # on a StyleFor: (element, pseudo type): what styling it takes


def _deferring_pseudo_elements(style_for):
    """StyleFor.set_computed_styles for `style_for`'s __init__: an element's style made at once, a
    pseudo-element's put off until it is asked for (`_styling_pseudo_elements_when_asked`). The user agent
    stylesheet gives every element five note and footnote pseudo-elements and a marker, which only notes and
    list items use: six styles made for every element of the document, nine in ten of all its styles."""
    set_computed_styles = style_for.set_computed_styles
    deferred = style_for.__dict__[DEFERRED] = {}

    def set_or_defer(element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None):
        if pseudo_type is None or isinstance(element, str):
            return set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
        deferred[element, pseudo_type] = (style_for.get_cascaded_styles()[element, pseudo_type],
                                          (parent, root, pseudo_type, base_url, target_collector))

    return set_or_defer


def _styling_pseudo_elements_when_asked(call):
    """StyleFor.__call__ making a pseudo-element's style the first time it is asked for, from the cascaded
    style kept for it, as WeasyPrint's __init__ would have made it (its anchor aside: a stylesheet that sets
    anchors gets WeasyPrint's own __init__)."""

    def style_for_element(style_for, element, pseudo_type=None):
        deferred = style_for.__dict__.get(DEFERRED)
        if deferred and (element, pseudo_type) in deferred:
            cascaded, arguments = deferred.pop((element, pseudo_type))
            cascaded_styles = style_for.get_cascaded_styles()
            cascaded_styles[element, pseudo_type] = cascaded
            try:
                type(style_for).set_computed_styles(style_for, element, *arguments)
            finally:
                del cascaded_styles[element, pseudo_type]
        return call(style_for, element, pseudo_type)

    return style_for_element


def _without_anchor_hints(find_style_attributes, anchors: dict):
    """WeasyPrint's find_style_attributes less the anchor it gives an element with an `id` (or an `a` with a
    `name`): each element's anchor goes into `anchors` instead (the last one given, as in the cascade)."""
    from weasyprint.css.validation import preprocess_declarations

    def find_without_anchors(tree, presentational_hints=False, base_url=None):
        for found in find_style_attributes(tree, presentational_hints, base_url):
            _, element, declarations, base = found
            if len(declarations) == 1 and getattr(declarations[0], "lower_name", None) == "-weasy-anchor":
                for _, value, _ in preprocess_declarations(base, declarations):  # none if invalid
                    anchors[element] = value
                continue
            yield found

    find_without_anchors.__wrapped__ = find_style_attributes
    return find_without_anchors


def _rules_set_anchors(sheets) -> bool:
    """Whether a rule of the stylesheets sets `-weasy-anchor` (or they cannot be read to tell)."""
    try:
        for sheet, _, _ in sheets:
            matcher = sheet.matcher
            groups = [*matcher.id_selectors.values(), *matcher.class_selectors.values(),
                      *matcher.lower_local_name_selectors.values(), *matcher.namespace_selectors.values(),
                      matcher.lang_attr_selectors, matcher.other_selectors]
            for entries in groups:
                for *_, (declarations, _layer) in entries:
                    if any(name == "anchor" for name, _, _ in declarations):
                        return True
    except (AttributeError, TypeError, ValueError):
        return True
    return False


def _anchored_elements_own_styles(style_for, html, anchors: dict, target_collector) -> None:
    """Give each element with an anchor a copy of its shared style, holding the anchor, and collect the
    anchors in document order, as WeasyPrint does."""
    computed = style_for._computed_styles
    for element in html.wrapper_element.iter_subtree():
        tree_element = element.etree_element
        if tree_element not in anchors:
            continue
        style = computed[tree_element, None] = computed[tree_element, None].copy()
        style["anchor"] = anchors[tree_element]
        if target_collector:
            target_collector.collect_anchor(style["anchor"])


def _resolving_once(resolve_var):
    """WeasyPrint's resolve_var(computed, token, parent_style), kept by the token and the values of the
    custom properties it names (the fallbacks' too: reading one only computes it)."""
    names_by_token: dict[int, tuple] = {}  # id(token): (token, its custom property names, or None: no var())
    resolved: dict[tuple, tuple] = {}  # (id(token), ids of the values): (the values, the tokens resolved)

    def resolve_once(computed, token, parent_style):
        kept = names_by_token.get(id(token))
        if kept is None:
            kept = names_by_token[id(token)] = (token, _custom_properties_named(token))
        names = kept[1]
        if names is None:
            return None
        values = tuple(computed[name] for name in names)
        key = (id(token), *map(id, values))
        entry = resolved.get(key)
        if entry is None:
            entry = resolved[key] = (values, resolve_var(computed, token, parent_style))
        return entry[1]

    return resolve_once


def _custom_properties_named(token) -> tuple[str, ...] | None:
    """The style keys ("__space_s") of every custom property a `var()` in `token` names, or None when it
    has no `var()` (as WeasyPrint's check_var decides)."""
    from weasyprint.css.functions import check_var

    if not check_var(token):
        return None
    names: list[str] = []
    pending = [token]
    while pending:
        item = pending.pop()
        if item.type == "() block":
            pending.extend(item.content)
        elif item.type == "function":
            if item.lower_name == "var":
                first = next((argument for argument in item.arguments if argument.type not in
                              ("whitespace", "comment")), None)
                if first is not None and first.type == "ident" and first.value.startswith("--"):
                    names.append(first.value.replace("-", "_"))
            pending.extend(item.arguments)
    return tuple(names)


def _solving_once(solve):
    """WeasyPrint's Pending.solve(tokens, wanted_key, base_url), kept by the declaration, the longhand
    wanted and the resolved tokens. An invalid value is not kept: WeasyPrint's warning and fallback run
    as before."""
    solved: dict[tuple, tuple] = {}

    def solve_once(pending, tokens, wanted_key, base_url):
        key = (pending, wanted_key, base_url, *map(id, tokens))
        entry = solved.get(key)
        if entry is None:
            entry = solved[key] = (tuple(tokens), solve(pending, tokens, wanted_key, base_url))
        return entry[1]

    return solve_once


def _setup_with_kept_context():
    """WeasyPrint 70's Layout.setup, with the Pango context and the font description looked up first."""
    from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
    from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
    from weasyprint.text.fonts import font_features, get_font_description

    contexts: dict[tuple, tuple] = {}  # (font map, direction, language): (context, Pango language)
    descriptions: dict[tuple, object] = {}

    def context_for(font_map, direction: str, language: str | None):
        key = (font_map, direction, language)
        if key not in contexts:
            context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
            pango.pango_context_set_round_glyph_positions(context, False)
            pango.pango_context_set_base_dir(context, PANGO_DIRECTION[direction])
            if language:
                pango_language = pango.pango_language_from_string(unicode_to_char_p(language)[0])
                pango.pango_context_set_language(context, pango_language)
            else:
                pango_language = pango.pango_language_get_default()
            contexts[key] = (context, pango_language)
        return contexts[key]

    def description_for(style):
        variations = style["font_variation_settings"]
        key = (tuple(style["font_family"]), style["font_style"], style["font_stretch"], style["font_weight"],
               style["font_size"], style["font_variant_caps"],
               variations if variations == "normal" else tuple(map(tuple, variations)))
        if key not in descriptions:
            descriptions[key] = get_font_description(style)
        return descriptions[key]

    def setup(layout, style):
        layout.style = style
        layout.first_line_direction = 0
        override = style["font_language_override"]
        language = LST_TO_ISO.get(override.lower(), override) if override != "normal" else style["lang"] or None
        context, layout.language = context_for(style.font_config.font_map, style["direction"], language)
        assert not isinstance(style["font_family"], str), "font_family should be a list"
        font_description = description_for(style)
        layout.layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(layout.layout, False)
        pango.pango_layout_set_font_description(layout.layout, font_description)

        if style["text_decoration_line"] != "none":
            metrics = ffi.gc(pango.pango_context_get_metrics(context, font_description, layout.language),
                             pango.pango_font_metrics_unref)
            layout.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
            layout.underline_position = FROM_UNITS * pango.pango_font_metrics_get_underline_position(metrics)
            layout.strikethrough_position = FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_position(metrics))
            layout.underline_thickness = FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(metrics)
            layout.strikethrough_thickness = FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_thickness(metrics))
        else:
            layout.ascent = layout.underline_position = layout.strikethrough_position = None

        features = font_features(
            style["font_kerning"], style["font_variant_ligatures"], style["font_variant_position"],
            style["font_variant_caps"], style["font_variant_numeric"], style["font_variant_alternates"],
            style["font_variant_east_asian"], style["font_feature_settings"])
        if features:
            features = ",".join(f"{key} {value}" for key, value in features.items()).encode()
            attribute = style.font_config.font_features.setdefault(
                features, pango.pango_attr_font_features_new(features))
            attributes = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attributes, attribute)
            pango.pango_layout_set_attributes(layout.layout, attributes)

    return setup
