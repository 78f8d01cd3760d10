"""Model to HTML: the body markup the brochure template places. No Markdown, no WeasyPrint here."""

from __future__ import annotations

from markupsafe import Markup, escape

from . import model as m


class HtmlWriter:
    """Renders model bodies to HTML. `prefix` keeps footnote ids unique across the document."""

    def __init__(self, prefix: str = "", heading_shift: int = 0, image_src=None):
        self.prefix = prefix
        self.heading_shift = heading_shift  # added to heading levels (a page whose parts are <h2>: 1)
        self.image_src = image_src or _file_uri  # the src an image gets: a file: URI for the PDF renderer

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
        return f"<table>{head}<tbody>{rows}</tbody></table>\n"

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
            return f'<a href="{escape(node.url)}"{title}>{self.inlines(node.children)}</a>'
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
        if isinstance(node, m.FootnoteRef):
            n = node.number
            return f'<a class="footnote-ref" href="#{self.prefix}fn{n}" role="doc-noteref"><sup>{n}</sup></a>'
        raise TypeError(f"no HTML rule for {type(node).__name__}")


def _file_uri(image: m.Image) -> str:
    return image.path.as_uri() if image.path else image.src


def render_body(body: m.Body, prefix: str = "", heading_shift: int = 0, image_src=None) -> Markup:
    """A body as HTML, for use in templates (`{{ section.body | body_html(prefix) }}`); `image_src(image)`
    gives each image's src (by default a file: URI of the file in the project)."""
    return HtmlWriter(prefix, heading_shift, image_src).body(body)
