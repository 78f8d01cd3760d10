"""Model to HTML: the body markup the brochure template places. No Markdown, no WeasyPrint here."""

from __future__ import annotations

import base64

from markupsafe import Markup, escape

from . import model as m
from .labels import in_digits, words as words_for
from .markdown import plain_text


class HtmlWriter:
    """Renders model bodies to HTML. `prefix` keeps footnote ids unique across the document.

    Numbered figures and tables: with `css_numbers` (the brochure) the numbers are left to CSS counters
    and cross-references to `target-counter()`, so the renderer numbers what it lays out; otherwise (the
    web edition) they are written from the model's numbers. `labels` are the document's, for
    cross-references; `lang` chooses the words ("Figure", "Table"), `digits` the digits of the numbers it
    writes (the digits setting: latin or arabic-indic). With `html_chart_text` (the brochure: its
    renderer draws SVG text letter by letter) a chart's text that needs shaping is HTML over the chart."""

    def __init__(self, prefix: str = "", heading_shift: int = 0, image_src=None, labels=None, lang: str = "en",
                 css_numbers: bool = False, html_chart_text: bool = False, digits: str = "latin"):
        self.prefix = prefix
        self.heading_shift = heading_shift  # added to heading levels (a page whose parts are <h2>: 1)
        self.image_src = image_src or _file_uri  # the src an image gets: a file: URI for the PDF renderer
        self.labels = labels or {}
        self.words = words_for(lang)
        self.lang = lang
        self.css_numbers = css_numbers
        self.html_chart_text = html_chart_text
        self.digits = digits

    def body(self, body: m.Body) -> Markup:
        html = "".join(self.block(block) for block in body.blocks)
        if body.footnotes:
            html += self.footnotes(body.footnotes)
        return Markup(html)

    def block(self, block: m.Block, tight: bool = False) -> str:
        if isinstance(block, m.Paragraph):
            if not tight and len(block.children) == 1 and isinstance(block.children[0], m.Image):
                return self.figure(block.children[0])
            content = self.inlines(block.children)
            return content if tight else f"<p>{content}</p>\n"
        if isinstance(block, m.Heading):
            level = min(block.level + self.heading_shift, 6)
            return f'<h{level} id="{escape(block.anchor)}">{self.inlines(block.children)}</h{level}>\n'
        if isinstance(block, m.CodeBlock):
            language = f' class="language-{escape(block.language)}"' if block.language else ""
            return f"<pre><code{language}>{escape(block.text)}</code></pre>\n"
        if isinstance(block, m.BlockQuote):
            return f"<blockquote>\n{self.blocks(block.children)}</blockquote>\n"
        if isinstance(block, m.BulletList):
            return f"<ul>\n{self.items(block.items, block.tight)}</ul>\n"
        if isinstance(block, m.OrderedList):
            # The counter-reset, not the start attribute, is what numbers the items in print.
            start = (f' start="{block.start}" style="counter-reset: list-item {block.start - 1}"'
                     if block.start != 1 else "")
            return f"<ol{start}>\n{self.items(block.items, block.tight)}</ol>\n"
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.ThematicBreak):
            return "<hr>\n"
        if isinstance(block, m.RawHtmlBlock):
            return block.html
        if isinstance(block, m.Figure):
            return self.numbered_figure(block)
        raise TypeError(f"no HTML rule for {type(block).__name__}")

    def blocks(self, blocks, tight: bool = False) -> str:
        return "".join(self.block(b, tight) for b in blocks)

    def items(self, items, tight: bool) -> str:
        return "".join(f"<li>{self.blocks(item.children, tight)}</li>\n" for item in items)

    def table(self, table: m.Table) -> str:
        def cells(row, tag):
            out = []
            for align, cell in zip(table.alignments, row):
                style = f' style="text-align: {align}"' if align else ""
                out.append(f"<{tag}{style}>{self.inlines(cell)}</{tag}>")
            return "".join(out)

        head = f"<thead><tr>{cells(table.header, 'th')}</tr></thead>"
        rows = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in table.rows)
        classes = " ".join(name for name, wanted in (("numbered", table.number),
                                                     ("long-words", has_long_words(table))) if wanted)
        class_attribute = f' class="{classes}"' if classes else ""
        if not table.number:
            return f"<table{class_attribute}>{head}<tbody>{rows}</tbody></table>\n"
        identifier = f' id="{escape(table.id)}"' if table.id else ""
        caption = f"<caption>{self.caption_label('table', table.number)}{self.inlines(table.caption)}</caption>"
        return f'<table{class_attribute}{identifier}>{caption}{head}<tbody>{rows}</tbody></table>\n'

    def caption_label(self, kind: str, number: int) -> str:
        """"Figure 2: " at the start of a caption (in the brochure, CSS writes the number)."""
        word = escape(self.words[kind])
        if self.css_numbers:
            return f'<span class="caption-label" data-label="{word}"></span>'
        return f'<span class="caption-label">{word} {in_digits(str(number), self.digits)}: </span>'

    def numbered_figure(self, figure: m.Figure) -> str:
        """A figure with its number and caption; a chart drawn as SVG, with its source and sample note."""
        identifier = f' id="{escape(figure.id)}"' if figure.id else ""
        content = figure.content  # a chart prints its own source and sample note
        body = self.chart(content) if isinstance(content, m.Chart) else self.inline(content)
        caption = f"{self.caption_label('figure', figure.number)}{self.inlines(figure.caption)}"
        kind = " chart" if isinstance(content, m.Chart) else ""
        return f'<figure class="numbered{kind}"{identifier}>{body}<figcaption>{caption}</figcaption></figure>\n'

    def chart(self, chart: m.Chart) -> str:
        """The chart as an SVG image: its alt text reads every number out for those who cannot see it.
        With `html_chart_text`, its text that needs shaping (Arabic, ...) is laid over the image in HTML."""
        from .svgchart import ChartWords, alt_text, render_svg_and_labels

        words = ChartWords.from_catalogue(self.words, self.lang, self.digits)
        svg, labels = render_svg_and_labels(chart, words=words, html_text=self.html_chart_text)
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        image = f'<img class="chart-image" src="{src}" alt="{escape(alt_text(chart, words))}">'
        if not labels:
            return image
        return f'<div class="chart-frame">{image}{"".join(chart_label_html(label) for label in labels)}</div>'

    def figure(self, image: m.Image) -> str:
        """An image alone in its paragraph: a figure, captioned by the image's title if it has one."""
        caption = f"<figcaption>{escape(image.title)}</figcaption>" if image.title else ""
        return f"<figure>{self.inline(image)}{caption}</figure>\n"

    def footnotes(self, notes) -> str:
        items = "".join(
            f'<li id="{self.prefix}fn{n.number}">{self.blocks(n.children)}</li>' for n in notes)
        return f'<section class="footnotes" role="doc-endnotes"><ol>{items}</ol></section>\n'

    def inlines(self, inlines) -> str:
        return "".join(self.inline(node) for node in inlines)

    def inline(self, node: m.Inline) -> str:
        if isinstance(node, m.Text):
            return str(escape(node.text))
        if isinstance(node, m.Emph):
            return f"<em>{self.inlines(node.children)}</em>"
        if isinstance(node, m.Strong):
            return f"<strong>{self.inlines(node.children)}</strong>"
        if isinstance(node, m.Code):
            return f"<code>{escape(node.text)}</code>"
        if isinstance(node, m.Link):
            title = f' title="{escape(node.title)}"' if node.title else ""
            # the brochure prints the page of an internal link after it, in the document's words
            page = (f' data-page="{escape(self.words["page"])}"' if self.css_numbers and node.is_internal else "")
            return f'<a href="{escape(node.url)}"{title}{page}>{self.inlines(node.children)}</a>'
        if isinstance(node, m.Image):
            src = self.image_src(node)
            title = f' title="{escape(node.title)}"' if node.title else ""
            return f'<img src="{escape(src)}" alt="{escape(node.alt)}"{title}>'
        if isinstance(node, m.SoftBreak):
            return "\n"
        if isinstance(node, m.LineBreak):
            return "<br>\n"
        if isinstance(node, m.RawHtml):
            return node.html
        if isinstance(node, m.CrossRef):
            return self.cross_reference(node)
        if isinstance(node, m.Span):  # its own language and direction; `dir` isolates it (as <bdi> does)
            return f'<span lang="{escape(node.lang)}" dir="{node.direction}">{self.inlines(node.children)}</span>'

        if isinstance(node, m.FootnoteRef):
            n = node.number
            return f'<a class="footnote-ref" href="#{self.prefix}fn{n}" role="doc-noteref"><sup>{n}</sup></a>'
        raise TypeError(f"no HTML rule for {type(node).__name__}")


    def cross_reference(self, node: m.CrossRef) -> str:
        """"Figure 2" linked to the figure; in the brochure CSS adds the number and the page."""
        label = self.labels.get(node.target)
        kind = label.kind if label else "figure"
        href = escape(f"#{node.target}")
        if self.css_numbers:
            return (f'<a class="xref xref-{kind}" href="{href}" data-label="{escape(self.words[kind])}" '
                    f'data-comma="{escape(self.words["list_comma"])}" data-page="{escape(self.words["page"])}"></a>')
        number = in_digits(str(label.number), self.digits) if label else "?"
        return f'<a class="xref" href="{href}">{escape(self.words[kind])} {number}</a>'


def language_attributes(lang: str, around: str) -> Markup:
    """` lang="en" dir="ltr"` for an element in language `lang` inside text in language `around`; nothing
    when they are the same (or `lang` is "": the language around)."""
    if not lang or lang.lower() == around.lower():
        return Markup("")
    return Markup(f' lang="{escape(lang)}" dir="{m.direction(lang)}"')


def text_direction(text: str) -> str:
    """"rtl" or "ltr" by the first letter of `text` with a strong direction (HTML's dir="auto", which the
    PDF renderer does not know); "ltr" for text with none."""
    import unicodedata

    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def direction_attribute(text: str, around: str) -> Markup:
    """` dir="ltr"` for `text` that runs the other way from the language `around` it (by its first strong
    letter), so its punctuation stays with it; nothing when it runs the same way."""
    own = text_direction(text)
    return Markup(f' dir="{own}"') if own != m.direction(around) else Markup("")


def _file_uri(image: m.Image) -> str:
    return image.path.as_uri() if image.path else image.src


def render_body(body: m.Body, prefix: str = "", heading_shift: int = 0, image_src=None, labels=None,
                lang: str = "en", css_numbers: bool = False, html_chart_text: bool = False,
                digits: str = "latin") -> Markup:
    """A body as HTML, for use in templates (`{{ section.body | body_html(prefix) }}`); `image_src(image)`
    gives each image's src (by default a file: URI of the file in the project); see HtmlWriter."""
    return HtmlWriter(prefix, heading_shift, image_src, labels, lang, css_numbers, html_chart_text,
                      digits).body(body)


# Where the baseline of a line of chart text is below the top of its box, in ems, with line-height: 0 (the box
# is then as high as nothing, centred on the text: the baseline is half the ascent less the descent below it).
# Noto Naskh Arabic, first in the chart text's fonts (.chart-text in brochure.css): ascent 1.069, descent 0.634.
CHART_BASELINE_EM = (1.069 - 0.634) / 2


def chart_label_html(label) -> str:
    """One text of a chart, placed over the chart image where the SVG would draw it: the position in percent
    of the chart's size, the size in proportion to the chart's width (--chart-width, what the stylesheet
    says a chart is wide, over the width the SVG is drawn at)."""
    scale = label.size / label.width
    top = (label.y - CHART_BASELINE_EM * label.size) / label.height * 100
    x = label.x / label.width * 100
    where = {"start": f"left: {x:.3f}%", "end": f"right: {100 - x:.3f}%",
             "middle": f"left: {x:.3f}%; transform: translateX(-50%)"}[label.anchor]
    weight = "; font-weight: bold" if label.bold else ""
    direction = "rtl" if text_direction(label.text) == "rtl" else "ltr"
    return (f'<span class="chart-text" dir="{direction}" style="{where}; top: {top:.3f}%; '
            f'font-size: calc(var(--chart-width) * {scale:.5f}); color: {label.fill}{weight}">'
            f'{escape(label.text)}</span>')


# A table whose columns' longest words, side by side, would come near the width of the narrowest column of
# text (a tri-fold panel, about 55 characters of table text): its cells may then break anywhere, not only
# between words, so it stays inside the margins. Only such tables get it: sizing columns that may break
# anywhere tries a break after every character, and cost 60 to 80 ms a table.
LONG_WORDS_WIDTH = 40  # characters, counting about three for each cell's padding


def has_long_words(table: m.Table) -> bool:
    widths = [0] * len(table.alignments)
    for row in (table.header, *table.rows):
        for column, cell in enumerate(row[:len(widths)]):
            longest = max((len(word) for word in plain_text(cell).split()), default=0)
            widths[column] = max(widths[column], longest + 3)
    return sum(widths) > LONG_WORDS_WIDTH
