"""repeat_speedups.py's kept results give WeasyPrint's own: the same PDF, byte for byte, on a document where
styles are shared past elements with an `id` (sections with ids, tables in them and side by side, an `id`
that gives no anchor, an `a` with a name, contents pointing at them), where one declaration holding var()
meets different values of its custom properties (a subtree overriding a token, a fallback, var() inside
calc(), a value that is invalid), and where text runs differ in language, direction, font and decoration.
And the kept results are used: each is computed once, not per element or per section."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader

weasyprint = pytest.importorskip("weasyprint")

from pressroom.brochure import repeat_speedups, speedups  # noqa: E402

if weasyprint.__version__ != speedups.WEASYPRINT_VERSION:
    pytest.skip("repeat_speedups.py is used only with the pinned WeasyPrint", allow_module_level=True)

CSS = """
@page { size: A6; margin: 10mm; }
:root { --space: 2mm; --size: 9pt; --family: serif; --colour: #a00; --word: nonsense; }
body { font: var(--size) var(--family); }
p { margin: 0 0 var(--space); border-bottom: 0.5pt solid var(--colour); }
.roomy { --space: 7mm; --colour: #00a; --size: 12pt; --family: sans-serif; }
.roomy p { font: var(--size) var(--family); }
.fallback { padding: var(--absent, 4mm) 0 calc(var(--space) * 2); }
.invalid { margin: var(--word) 0; }
.caps { font-variant-caps: small-caps; text-decoration: underline; }
.features { font-feature-settings: "smcp"; font-variation-settings: "wght" 600; }
table { margin: 6mm 4mm; border: 1pt solid; }
.note { float: footnote; }
.mark::before { content: "§ "; color: var(--colour); }
nav a::after { content: " " target-counter(attr(href url), page); }
"""

ARABIC = "سرطان الأطفال قابل للعلاج في كثير من الحالات"


def document() -> str:
    # each paragraph in a section of its own with an id, as the brochure's: WeasyPrint shares no style
    # under one such section with another
    plain = "".join(f"<section id='plain{n}'><p>Paragraph {n} of the plain part, in words long enough to wrap a line or"
                    " two.</p></section>" for n in range(12))
    roomy = "".join(f"<section id='roomy{n}'><p>Paragraph {n} of the roomy part, where the same declarations meet other"
                    " values.</p></section>" for n in range(12))
    mixed = "".join(f'<section id="mixed{n}"><p class="fallback">Fallback {n}</p><p class="invalid">Invalid {n}</p>'
                    f'<p class="caps">Small capitals {n}</p><p class="features">Features {n}</p>'
                    f'<p lang="ar" dir="rtl">{ARABIC} {n}</p></section>' for n in range(6))
    # a table's style is copied and changed as its boxes are built (its wrapper takes its margins): tables
    # side by side and in sections with ids, sharing a style
    tables = "".join(f'<section id="tables{n}"><table><tr><td>Cell {n}</td></tr></table>'
                     f'<table><tr><td>Beside {n}</td></tr></table><p id="after{n}">After {n}</p>'
                     f'<ul><li>Item {n}</li><li class="mark">Marked {n}</li></ul>'
                     f'<p>A note<span class="note">Footnote {n}</span> in section {n}.</p></section>'
                     for n in range(4))
    odd_anchors = ('<section id=\'quote"d\'><p>An id that gives no anchor</p><table><tr><td>Its table</td></tr>'
                   '</table></section><p><a name="named">A named anchor</a> <a name="both" id="both-id">Both</a></p>')
    targets = ["plain3", "roomy11", "tables0", "tables3", "after2", "named", "both"]
    contents = "".join(f'<a href="#{target}">{target}</a> ' for target in targets)
    return (f"<html lang='en'><head><style>{CSS}</style></head><body><nav>{contents}</nav>{plain}"
            f"<div class='roomy'>{roomy}</div>{mixed}{tables}{odd_anchors}</body></html>")


def render(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf()


def test_the_same_pdf_as_weasyprints_own(caplog):
    html = document()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        with speedups.patched(repeat_speedups.repeat_patches()):
            ours = render(html)
        our_warnings = [record.getMessage() for record in caplog.records]
        caplog.clear()
        theirs = render(html)
        their_warnings = [record.getMessage() for record in caplog.records]
    assert ours == theirs
    assert our_warnings == their_warnings and any("nonsense" in warning for warning in their_warnings)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(ours)).pages)
    assert "roomy part" in text and "Fallback 5" in text


def test_each_result_is_computed_once_not_per_element():
    import weasyprint.css as css
    from weasyprint.css.tokens import Pending

    calls = {"resolve": 0, "solve": 0}

    def counting(name, function):
        def counted(*args):
            calls[name] += 1
            return function(*args)
        return counted

    resolve_var, solve = css.resolve_var, Pending.solve
    patches = [(css, "resolve_var", repeat_speedups._resolving_once(counting("resolve", resolve_var))),
               (Pending, "solve", repeat_speedups._solving_once(counting("solve", solve)))]
    with speedups.patched(patches):
        render(document())
    kept = dict(calls)
    calls.update(resolve=0, solve=0)
    patches = [(css, "resolve_var", counting("resolve", resolve_var)), (Pending, "solve", counting("solve", solve))]
    with speedups.patched(patches):
        render(document())
    # 24 plain and roomy sections and 6 mixed ones each resolve their paragraphs' margins, borders and fonts;
    # kept, a declaration is resolved once for each set of values it meets
    assert kept["solve"] * 4 < calls["solve"] and kept["resolve"] * 4 < calls["resolve"], (kept, calls)


def test_styles_are_shared_past_anchors_and_not_where_a_stylesheet_sets_them(monkeypatch):
    from weasyprint.css import StyleFor

    made, pseudo = [], []
    set_computed_styles = StyleFor.set_computed_styles

    def counted(self, element, parent, root=None, pseudo_type=None, *args, **kwargs):
        if hasattr(element, "tag"):  # an element's, not a page's
            (pseudo if pseudo_type else made).append(element)
        return set_computed_styles(self, element, parent, root, pseudo_type, *args, **kwargs)

    monkeypatch.setattr(StyleFor, "set_computed_styles", counted)
    html = document()
    theirs = render(html)
    their_count, their_pseudo = len(made), len(pseudo)
    made.clear()
    pseudo.clear()
    with speedups.patched(repeat_speedups.repeat_patches()):
        assert render(html) == theirs
    # each section's paragraphs and cells no longer styled anew
    assert len(made) * 2 < their_count, (len(made), their_count)
    # the user agent's note and marker pseudo-elements of every element: styled only when a box asks
    assert 0 < len(pseudo) * 10 < their_pseudo, (len(pseudo), their_pseudo)

    # a stylesheet that sets anchors itself: WeasyPrint's own sharing, the same bytes
    html = html.replace("</style>", ".roomy p { -weasy-anchor: 'roomy'; }</style>")
    made.clear()
    theirs = render(html)
    their_count = len(made)
    made.clear()
    with speedups.patched(repeat_speedups.repeat_patches()):
        assert render(html) == theirs
    assert len(made) == their_count, (len(made), their_count)
