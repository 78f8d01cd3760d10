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


Inline = Union[Text, Emph, Strong, Code, Link, Image, LineBreak, SoftBreak, RawHtml, FootnoteRef]

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
    """A table; `alignments` holds "left", "center", "right" or "" per column."""

    alignments: tuple[str, ...]
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


@dataclass(frozen=True)
class ThematicBreak:
    pass


@dataclass(frozen=True)
class RawHtmlBlock:
    html: str


Block = Union[
    Paragraph, Heading, CodeBlock, BlockQuote, BulletList, OrderedList, Table, ThematicBreak, RawHtmlBlock
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

    @property
    def direction(self) -> str:
        """Writing direction for the document language: "rtl" or "ltr"."""
        return "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


@dataclass(frozen=True)
class Section:
    """One file of content/sections/: its title, place, optional extras and body."""

    slug: str
    title: str
    path: Path
    body: Body
    summary: str = ""
    pull_quote: str = ""


@dataclass(frozen=True)
class Document:
    """Everything read from content/: metadata, introduction, sections in order, data files by stem."""

    meta: Metadata
    intro: Body
    sections: tuple[Section, ...]
    data: Mapping[str, Any] = field(default_factory=dict)
    root: Path = Path("content")
