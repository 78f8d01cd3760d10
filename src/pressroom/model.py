"""The format-free document model: what was read from content/, with no knowledge of HTML or Word.

Markdown bodies become trees of small frozen dataclasses (the shape of Pandoc's AST), so every writer
walks the same parsed form and no writer ever sees Markdown syntax.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Union

# Inline nodes ---------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink: `url` is external (http:, mailto:, ...) or internal (`#anchor`)."""

    url: str
    children: tuple[Inline, ...]
    title: str = ""

    @property
    def is_internal(self) -> bool:
        return self.url.startswith("#")


@dataclass(frozen=True)
class Image:
    """An image; `path` is the resolved file inside the project (None when not a local file)."""

    src: str
    alt: str
    title: str = ""
    path: Path | None = None


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class SoftBreak:
    pass


@dataclass(frozen=True)
class RawHtml:
    """HTML written in Markdown, kept only when the project allows raw HTML."""

    html: str


@dataclass(frozen=True)
class FootnoteRef:
    """A reference to `Body.footnotes[number - 1]`."""

    number: int


@dataclass(frozen=True)
class CrossRef:
    """A reference to a numbered figure or table by its identifier (`[](#fig-kite)` in Markdown); writers
    print it as "Figure 2" from `Document.labels`, each in its own way (a REF field, a CSS target-counter)."""

    target: str


@dataclass(frozen=True)
class Span:
    """Text in another language than the text around it (`[Precision Medicine]{lang=en}` in Markdown):
    writers mark its language and keep it in its own writing direction (`direction`), so an English
    phrase in Arabic text keeps its punctuation with it."""

    children: tuple[Inline, ...]
    lang: str

    @property
    def direction(self) -> str:
        return direction(self.lang)


Inline = Union[Text, Emph, Strong, Code, Link, Image, LineBreak, SoftBreak, RawHtml, FootnoteRef, CrossRef, Span]

# Block nodes ----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    children: tuple[Inline, ...]
    anchor: str


@dataclass(frozen=True)
class CodeBlock:
    text: str
    language: str = ""


@dataclass(frozen=True)
class BlockQuote:
    children: tuple[Block, ...]


@dataclass(frozen=True)
class ListItem:
    children: tuple[Block, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    tight: bool = True


@dataclass(frozen=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1
    tight: bool = True


@dataclass(frozen=True)
class Table:
    """A table; `alignments` holds "left", "center", "right" or "" per column. A table with a caption
    (`Table: ... {#tbl-id}` beside it) is numbered: `number` counts from 1 through the document."""

    alignments: tuple[str, ...]
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    caption: tuple[Inline, ...] = ()
    id: str = ""
    number: int = 0


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float, ...]  # one per category


CHART_KINDS = ("bar", "stacked-bar", "line", "pie", "donut")


@dataclass(frozen=True)
class Chart:
    """Numbers to draw, read from a data file (content/data/NAME.yaml with a `chart:` mapping).

    `kind` is one of CHART_KINDS; bars are vertical columns. Pie and donut charts draw the first series
    only. `unit` names what the values count ("children", "%"); `source` says where the numbers come
    from; `sample` marks invented numbers, which every output must say are sample data."""

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    unit: str = ""
    source: str = ""
    sample: bool = False
    description: str = ""  # alt text; writers fall back to a sentence made from the numbers
    path: Path | None = None  # the data file


@dataclass(frozen=True)
class Figure:
    """A numbered figure: an image or a chart with a caption (`![alt](src "caption"){#fig-id}`).
    `number` counts figures from 1 through the document, in reading order."""

    content: Union[Image, Chart]
    caption: tuple[Inline, ...]
    id: str = ""
    number: int = 0


@dataclass(frozen=True)
class ThematicBreak:
    pass


@dataclass(frozen=True)
class RawHtmlBlock:
    html: str


Block = Union[
    Paragraph, Heading, CodeBlock, BlockQuote, BulletList, OrderedList, Table, ThematicBreak, RawHtmlBlock,
    Figure,
]


@dataclass(frozen=True)
class Footnote:
    number: int
    children: tuple[Block, ...]


@dataclass(frozen=True)
class Body:
    """The parsed Markdown of one file: its blocks and its footnotes (numbered from 1 in that file)."""

    blocks: tuple[Block, ...] = ()
    footnotes: tuple[Footnote, ...] = ()


# Documents ------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """The document's front matter (content/index.md)."""

    title: str
    subtitle: str = ""
    organisation: str = ""
    date: dt.date | None = None
    lang: str = "en"
    summary: str = ""
    keywords: tuple[str, ...] = ()
    cover_image: Image | None = None
    translation_status: str = ""  # "draft": a translation awaiting review, which every output says

    @property
    def direction(self) -> str:
        """Writing direction for the document language: "rtl" or "ltr"."""
        return direction(self.lang)


RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


def direction(lang: str) -> str:
    """The writing direction of language tag `lang`: "rtl" or "ltr"."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Section:
    """One file of content/sections/: its title, place, optional extras and body."""

    slug: str
    title: str
    path: Path
    body: Body
    summary: str = ""
    pull_quote: str = ""
    lang: str = ""  # a section in another language than the document's; "" for the document's own


@dataclass(frozen=True)
class Document:
    """Everything read from content/: metadata, introduction, sections in order, data files by stem."""

    meta: Metadata
    intro: Body
    sections: tuple[Section, ...]
    data: Mapping[str, Any] = field(default_factory=dict)
    root: Path = Path("content")
    labels: Mapping[str, Label] = field(default_factory=dict)  # numbered figures and tables by identifier


@dataclass(frozen=True)
class Label:
    """What a cross-reference prints: the kind ("figure" or "table") and the number of its target."""

    kind: str
    number: int
