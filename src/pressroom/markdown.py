"""Markdown to model: markdown-it-py parses, this module turns its syntax tree into model nodes.

The only place that knows Markdown. Images are resolved through a callback given the line they occur
on; internal links, raw HTML and too-deep nesting are kept with their lines on the BodyReader, so the
content reader can check them and collect every problem.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import model as m

# (src, alt, title, line) -> the resolved Image, or the Chart a data file holds
ResolveImage = Callable[[str, str, str, int | None], "m.Image | m.Chart"]

# `Table: The caption {#tbl-id}` in the paragraph just before or after a table (Pandoc's form); the
# identifier is optional. `: caption` works too.
TABLE_CAPTION_PREFIXES = ("Table:", ":")
CAPTION_IDENTIFIER = re.compile(r"\s*\{#(?P<id>[A-Za-z][\w.:-]*)\}\s*$")
# What was meant as `{#id}` but is not one (`{#tbl areas}`, `{#1st}`, `{#tbl-areas`): a problem, not caption text
MISTYPED_ATTRIBUTES = re.compile(r"\s*(?P<braces>\{#[^{}]*\}?)\s*$")
IDENTIFIER = re.compile(r"^[A-Za-z][\w.:-]*$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # as schema.LanguageTag

MAX_NESTING = 40  # markdown-it's own default is 100; each list counts twice (list and item)
MAX_INLINE_NESTING = 20  # emphasis inside links inside emphasis...: no real text comes near this
# Pieces (text, emphasis marks, code, links) run together with no space between them: one unbreakable word,
# which the PDF renderer lays out in time that grows with the square of its pieces (1000 take a minute).
# A real word has a handful ("**Pressroom**'s" has four).
MAX_PIECES_IN_A_WORD = 200
MAX_WORD_CHARACTERS = 1000  # hyphenating a long word grows the same way: 8000 letters take a minute and a half
TOO_DEEP = "too_deep_line"  # key in the parse env: 0-based line where nesting hit MAX_NESTING
TOO_DEEP_MESSAGE = (f"Markdown: nested more than {MAX_NESTING} levels deep (each list counts two); text from here "
                    "on would be lost, so flatten the nesting")
TOO_DEEP_INLINE_MESSAGE = (f"Markdown: emphasis and links nested more than {MAX_INLINE_NESTING} levels deep; "
                           "flatten the nesting")
LONG_WORD_MESSAGE = (f"Markdown: a word of more than {MAX_WORD_CHARACTERS} characters or {MAX_PIECES_IN_A_WORD} "
                     "pieces (text, emphasis, code, links) with no space; add spaces, drop some formatting or "
                     "give a long link a short text")


def make_parser(allow_raw_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables and footnotes; raw HTML is text unless the project allows it."""
    parser = MarkdownIt("commonmark", {"html": allow_raw_html, "maxNesting": MAX_NESTING})
    parser.enable("table").use(footnote_plugin)
    # `![alt](src "caption"){#fig-id}`: attributes only after images, so braces elsewhere stay text; and
    # spans of text in another language, `[Precision Medicine]{lang=en}` (a `[...]` right before `{`)
    parser.use(attrs_plugin, after=("image",), spans=True)
    # markdown-it drops javascript:, file: and other targets it distrusts, leaving the Markdown as text; keep
    # every target, so the reader's checks refuse them with their line instead.
    parser.validateLink = lambda url: True
    _record_nesting_limit(parser)
    return parser


def _longest_word(children) -> tuple[int, int]:
    """The most inline tokens, and the most characters, that follow one another with no space or line
    break between them."""
    most_pieces = most_characters = pieces = characters = 0
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            pieces = characters = 0
            continue
        text = token.content if token.type in ("text", "code_inline") else ""
        parts = re.split(r"\s", text)
        if len(parts) == 1:  # no space: the word goes on
            pieces, characters = pieces + 1, characters + len(text)
        else:
            most_characters = max(most_characters, characters + len(parts[0]), *map(len, parts[1:-1]))
            pieces, characters = (1, len(parts[-1])) if parts[-1] else (0, 0)
        most_pieces, most_characters = max(most_pieces, pieces), max(most_characters, characters)
    return most_pieces, most_characters


def _record_nesting_limit(parser: MarkdownIt) -> None:
    """Note where nesting reaches MAX_NESTING: markdown-it silently drops the rest of the text there."""
    tokenize = parser.block.tokenize

    def tokenize_recording(state, start_line, end_line, *args, **kwargs):
        if state.level >= MAX_NESTING and TOO_DEEP not in state.env:
            line = state.skipEmptyLines(start_line)
            if line < end_line and state.sCount[line] >= state.blkIndent:
                state.env[TOO_DEEP] = line
        return tokenize(state, start_line, end_line, *args, **kwargs)

    parser.block.tokenize = tokenize_recording


class Node:
    """A node of the syntax tree: a token standing alone (text, an image, an inline run with the inline
    tokens as children) or an opening and closing pair with the tokens between as children. What
    markdown-it's SyntaxTreeNode gives the reader (type, children and the token's fields), made for a
    fraction of the time: its properties look the token up on every read."""

    __slots__ = ("type", "children", "token")

    def __init__(self, token: Token, children: list[Node]):
        self.token = token  # the opening token of a pair
        self.type = token.type.removesuffix("_open") if token.nesting == 1 else token.type
        self.children = children

    @property
    def map(self) -> tuple[int, int] | None:
        return tuple(self.token.map) if self.token.map else None

    @property
    def tag(self) -> str:
        return self.token.tag

    @property
    def info(self) -> str:
        return self.token.info

    @property
    def content(self) -> str:
        return self.token.content

    @property
    def attrs(self) -> dict:
        return self.token.attrs

    @property
    def meta(self) -> dict:
        return self.token.meta

    @property
    def hidden(self) -> bool:
        return self.token.hidden


def syntax_tree(tokens: list[Token]) -> list[Node]:
    """The top-level nodes of a token stream, as SyntaxTreeNode(tokens).children would give them."""
    top: list[Node] = []
    open_children = [top]  # the children of each pair still open, outermost first
    for token in tokens:
        if token.nesting == 1:
            children: list[Node] = []
            open_children[-1].append(Node(token, children))
            open_children.append(children)
        elif token.nesting == -1:
            open_children.pop()
        else:
            open_children[-1].append(Node(token, syntax_tree(token.children) if token.children else []))
    return top


def slugify(text: str) -> str:
    """An anchor from heading text, the way Pandoc and GitHub make them (keeps non-Latin letters)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"[\s]+", "-", text.strip()) or "section"


class Numbering:
    """Figure and table numbers through one document, in reading order, and the identifiers given them."""

    def __init__(self):
        self.counts = {"figure": 0, "table": 0}
        self.labels: dict[str, m.Label] = {}

    def next(self, kind: str, identifier: str) -> int:
        self.counts[kind] += 1
        if identifier:
            self.labels[identifier] = m.Label(kind, self.counts[kind])
        return self.counts[kind]


class BodyReader:
    """Converts one file's parsed Markdown into a model Body."""

    def __init__(self, parser: MarkdownIt, line_offset: int, resolve_image: ResolveImage,
                 anchors: set[str], min_heading_level: int = 1, numbering: Numbering | None = None):
        self.parser = parser
        self.line_offset = line_offset
        self.resolve_image = resolve_image
        self.anchors = anchors  # shared across the document so anchors stay unique
        self.numbering = numbering or Numbering()  # shared likewise
        self.min_heading_level = min_heading_level
        self.cross_references: list[tuple[str, int | None]] = []  # (identifier, line), checked at the end
        self.in_figure = False  # reading the image of a figure, where a chart may stand
        self.footnote_numbers: dict[int, int] = {}
        self.current_line: int | None = None
        self.links: list[tuple[str, int | None]] = []  # (url, line), checked once all anchors are known
        self.raw_html: list[tuple[str, int | None]] = []  # (html, line), for the resource sandbox
        self.limit_problems: list[tuple[int, str]] = []  # (line, message): a limit above that the text passed

    def read(self, text: str) -> m.Body:
        env: dict = {}
        tokens = self.parser.parse(text, env)
        if TOO_DEEP in env:
            self.limit_problems.append((env[TOO_DEEP] + 1 + self.line_offset, TOO_DEEP_MESSAGE))
        for token in tokens:
            if token.type != "inline" or not token.map:
                continue
            pieces, characters = _longest_word(token.children or ())
            # Refuse these before building the tree: the tree and both writers recurse once per nesting level,
            # and the PDF renderer would take minutes over the word.
            if any(child.level > MAX_INLINE_NESTING for child in token.children or ()):
                refusal = TOO_DEEP_INLINE_MESSAGE
            elif pieces > MAX_PIECES_IN_A_WORD or characters > MAX_WORD_CHARACTERS:
                refusal = LONG_WORD_MESSAGE
            else:
                continue
            self.limit_problems = [(token.map[0] + 1 + self.line_offset, refusal)]
            return m.Body()
        tree = syntax_tree(tokens)
        footnote_blocks = [node for node in tree if node.type == "footnote_block"]
        blocks = self._blocks([node for node in tree if node.type != "footnote_block"])
        footnotes = self._footnotes(footnote_blocks[-1]) if footnote_blocks else []
        return m.Body(blocks, tuple(footnotes))

    # blocks ----------------------------------------------------------------

    def _block(self, node: Node) -> m.Block:
        if node.map:
            self.current_line = node.map[0] + 1 + self.line_offset
        kind = node.type
        if kind == "paragraph":
            figure = self._figure(node)
            return figure if figure is not None else m.Paragraph(self._inline_children(node))
        if kind == "heading":
            level = max(int(node.tag[1]), self.min_heading_level)
            children = self._inline_children(node)
            return m.Heading(level, children, self.unique_anchor(plain_text(children)))
        if kind in ("code_block", "fence"):
            language = (node.info or "").split()[0] if node.info else ""
            return m.CodeBlock(node.content.rstrip("\n"), language)
        if kind == "blockquote":
            return m.BlockQuote(self._blocks(node.children))
        if kind == "bullet_list":
            return m.BulletList(self._items(node), tight=self._is_tight(node))
        if kind == "ordered_list":
            start = int(node.attrs.get("start", 1))
            return m.OrderedList(self._items(node), start=start, tight=self._is_tight(node))
        if kind == "table":
            return self._table(node)
        if kind == "hr":
            return m.ThematicBreak()
        if kind == "html_block":
            self.raw_html.append((node.content, self.current_line))
            return m.RawHtmlBlock(node.content)
        raise ValueError(f"unsupported Markdown block: {kind}")  # a parser plugin we did not enable

    def _blocks(self, nodes) -> tuple[m.Block, ...]:
        """The nodes as blocks, a table's caption paragraph (before or after it) joined to the table."""
        nodes, blocks, index = list(nodes), [], 0
        while index < len(nodes):
            node = nodes[index]
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            if _is_table_caption(node) and following is not None and following.type == "table":
                blocks.append(self._captioned_table(following, node))
                index += 2
            elif node.type == "table":
                caption = following if following is not None and _is_table_caption(following) else None
                blocks.append(self._captioned_table(node, caption))
                index += 2 if caption is not None else 1
            else:
                blocks.append(self._block(node))
                index += 1
        return tuple(blocks)

    def _captioned_table(self, table: Node, caption: Node | None) -> m.Table:
        block = self._block(table)
        if caption is None:
            return block
        self.current_line = caption.map[0] + 1 + self.line_offset if caption.map else self.current_line
        inlines = list(self._inline_children(caption))
        first = inlines[0]
        prefix = next(p for p in TABLE_CAPTION_PREFIXES if first.text.startswith(p))
        inlines[0] = m.Text(first.text[len(prefix):].lstrip())
        inlines, identifier = _split_identifier(inlines)
        if not identifier and inlines and isinstance(inlines[-1], m.Text):  # braces ending the caption
            self._refuse_mistyped(MISTYPED_ATTRIBUTES.search(inlines[-1].text), "table", "Table: Caption {#tbl-id}")
        identifier = self._claim(identifier, "table")
        number = self.numbering.next("table", identifier)
        return m.Table(block.alignments, block.header, block.rows, tuple(i for i in inlines if i != m.Text("")),
                       identifier, number)

    def _figure(self, node: Node) -> m.Figure | None:
        """An image alone in its paragraph, with a caption (its title) or an identifier, or any chart: a
        numbered figure. The caption is the title, else the alt text (else, for a chart, its title)."""
        inline = node.children[0] if len(node.children) == 1 else None
        images = [child for child in (inline.children if inline else ()) if not _is_blank(child)]
        if len(images) == 2 and images[0].type == "image" and images[1].type == "text":  # braces alone after it
            self._refuse_mistyped(MISTYPED_ATTRIBUTES.fullmatch(images[1].content), "figure",
                                  "![alt](src \"Caption\"){#fig-id}")
        if len(images) != 1 or images[0].type != "image":
            return None
        image = images[0]
        identifier = str(image.attrs.get("id", "") or "")
        self.in_figure = True
        try:
            content = self._inline(image)
        finally:
            self.in_figure = False
        if not isinstance(content, m.Chart) and not identifier and not content.title:
            return None
        title = _title(image)
        alt = plain_text(self._inlines(image.children))
        caption = title or (content.title if isinstance(content, m.Chart) and not alt else alt)
        identifier = self._claim(identifier, "figure")
        number = self.numbering.next("figure", identifier)
        return m.Figure(content, (m.Text(caption),) if caption else (), identifier, number)

    def _refuse_mistyped(self, found: re.Match | None, kind: str, example: str) -> None:
        """A problem for braces opening with `#` that are not a well-formed `{#id}` (`found`, a match of
        MISTYPED_ATTRIBUTES): left alone, they would be printed as words and the figure or table would
        lose its identifier."""
        if found is not None:
            self.limit_problems.append((self.current_line, f"{kind} identifier: '{found.group('braces')}' is not "
                                        f"an identifier in braces; write {example}, with no space inside the "
                                        "braces and none before them"))

    def _claim(self, identifier: str, kind: str) -> str:
        """`identifier` if it is well formed and no other anchor has it; else a problem, and ""."""
        if not identifier:
            return ""
        if not IDENTIFIER.match(identifier):
            self.limit_problems.append((self.current_line, f"{kind} identifier: '{identifier}' must start with a "
                                        "letter and hold only letters, digits, '-', '_', '.' and ':'"))
            return ""
        if identifier in self.anchors or identifier in self.numbering.labels:
            first = self.numbering.labels.get(identifier)
            owner = f"{first.kind} {first.number}" if first else "a heading or section"
            self.limit_problems.append((self.current_line, f"{kind} identifier: '#{identifier}' is already used by "
                                        f"{owner}; give each its own"))
            return ""
        self.anchors.add(identifier)
        return identifier

    def _items(self, node: Node) -> tuple[m.ListItem, ...]:
        return tuple(m.ListItem(self._blocks(item.children)) for item in node.children)

    @staticmethod
    def _is_tight(node: Node) -> bool:
        return all(p.hidden for item in node.children for p in item.children if p.type == "paragraph")

    def _table(self, node: Node) -> m.Table:
        rows = [tr for section in node.children for tr in section.children]
        header_row, body_rows = rows[0], rows[1:]
        alignments = tuple(_alignment(cell) for cell in header_row.children)
        header = tuple(self._inline_children(cell) for cell in header_row.children)
        body = tuple(tuple(self._inline_children(cell) for cell in tr.children) for tr in body_rows)
        return m.Table(alignments, header, body)

    def _footnotes(self, block: Node) -> list[m.Footnote]:
        by_number = {}
        for note in block.children:
            number = self.footnote_numbers.get(note.meta["id"])
            if number is None:  # defined but never referenced: markdown-it drops these too
                continue
            # the back-reference the plugin adds after a note that does not end in a paragraph
            blocks = [child for child in note.children if child.type != "footnote_anchor"]
            by_number[number] = m.Footnote(number, self._blocks(blocks))
        return [by_number[n] for n in sorted(by_number)]

    # inlines ---------------------------------------------------------------

    def _inline_children(self, node: Node) -> tuple[m.Inline, ...]:
        inlines = []
        for child in node.children:
            if child.type == "inline":
                inlines.extend(self._inlines(child.children))
        return tuple(inlines)

    def _inlines(self, nodes) -> list[m.Inline]:
        out: list[m.Inline] = []
        for node in nodes:
            inline = self._inline(node)
            if inline is None:
                continue
            if isinstance(inline, m.Text) and out and isinstance(out[-1], m.Text):
                out[-1] = m.Text(out[-1].text + inline.text)
            else:
                out.append(inline)
        return out

    def _inline(self, node: Node) -> m.Inline | None:
        kind = node.type
        if kind == "text":
            return m.Text(node.content)
        if kind == "softbreak":
            return m.SoftBreak()
        if kind == "hardbreak":
            return m.LineBreak()
        if kind == "em":
            return m.Emph(tuple(self._inlines(node.children)))
        if kind == "strong":
            return m.Strong(tuple(self._inlines(node.children)))
        if kind == "code_inline":
            return m.Code(node.content)
        if kind == "link" and not node.children and str(node.attrs.get("href", "")).startswith("#"):
            target = str(node.attrs["href"])[1:]  # `[](#fig-kite)`: "Figure 2", numbered by each writer
            self.cross_references.append((target, self.current_line))
            return m.CrossRef(target)
        if kind == "link":
            link = m.Link(str(node.attrs.get("href", "")), tuple(self._inlines(node.children)), _title(node))
            self.links.append((link.url, self.current_line))
            return link
        if kind == "image":
            alt = plain_text(self._inlines(node.children))
            resolved = self.resolve_image(str(node.attrs.get("src", "")), alt, _title(node), self.current_line)
            if isinstance(resolved, m.Chart) and not self.in_figure:
                self.limit_problems.append((self.current_line, "chart: a chart must stand alone in its paragraph, "
                                            "like ![alt](../data/chart.yaml \"Caption\"){#fig-id}"))
                return m.Text(alt)
            return resolved
        if kind == "span":
            return self._span(node)
        if kind == "html_inline":
            self.raw_html.append((node.content, self.current_line))
            return m.RawHtml(node.content)
        if kind == "footnote_ref":
            note_id = node.meta["id"]
            number = self.footnote_numbers.setdefault(note_id, len(self.footnote_numbers) + 1)
            return m.FootnoteRef(number)
        if kind == "footnote_anchor":
            return None  # the back-link arrow; writers make their own
        raise ValueError(f"unsupported Markdown inline: {kind}")

    def _span(self, node: Node) -> m.Inline:
        """`[words]{lang=en}`: the words in another language. A span with no language, or with anything
        else in its braces, is a problem (the writers would have nothing to do with it)."""
        children = tuple(self._inlines(node.children))
        lang = str(node.attrs.get("lang", "") or "")
        others = sorted(name for name in node.attrs if name != "lang") + sorted(node.meta.get("insecure_attrs", {}))
        if not lang or others or not LANGUAGE_TAG.match(lang):
            what = (f"'{lang}' is not a language tag (like en, ar or fr-CA)" if lang and not others
                    else "only a language is understood in the braces after [words]")
            self.limit_problems.append((self.current_line, f"span: {what}; write [words]{{lang=en}}"))
            return m.Span(children, "und")  # the build stops at the problem; "und": undetermined
        return m.Span(children, lang)

    def unique_anchor(self, text: str) -> str:
        base = slugify(text)
        anchor, n = base, 1
        while anchor in self.anchors:
            anchor = f"{base}-{n}"
            n += 1
        self.anchors.add(anchor)
        return anchor


def _is_blank(node: Node) -> bool:
    return node.type in ("softbreak", "hardbreak") or (node.type == "text" and not node.content.strip())


def _is_table_caption(node: Node) -> bool:
    """A paragraph that opens with `Table:` (or `:`) as plain text."""
    if node.type != "paragraph" or not node.children or not node.children[0].children:
        return False
    first = node.children[0].children[0]
    return first.type == "text" and first.content.startswith(TABLE_CAPTION_PREFIXES)


def _split_identifier(inlines: list) -> tuple[list, str]:
    """The caption without a trailing `{#id}`, and the id ("" when none)."""
    last = inlines[-1] if inlines else None
    found = CAPTION_IDENTIFIER.search(last.text) if isinstance(last, m.Text) else None
    if found is None:
        return inlines, ""
    rest = last.text[:found.start()].rstrip()
    return inlines[:-1] + ([m.Text(rest)] if rest else []), found.group("id")


def _title(node: Node) -> str:
    """A link's or image's title attribute ("" when it has none)."""
    return str(node.attrs.get("title", "") or "")


def _alignment(cell: Node) -> str:
    style = str(cell.attrs.get("style", ""))
    return style.removeprefix("text-align:") if style.startswith("text-align:") else ""


def plain_text(inlines) -> str:
    """The text of inline nodes, without markup (for alt text, anchors, outlines)."""
    parts = []
    for node in inlines:
        if isinstance(node, (m.Text, m.Code)):
            parts.append(node.text)
        elif isinstance(node, (m.Emph, m.Strong, m.Link, m.Span)):
            parts.append(plain_text(node.children))
        elif isinstance(node, (m.SoftBreak, m.LineBreak)):
            parts.append(" ")
        elif isinstance(node, m.Image):
            parts.append(node.alt)
        elif isinstance(node, m.Chart):
            parts.append(node.title)
        elif isinstance(node, m.RawHtml):
            parts.append(node.html)
    return "".join(parts)

