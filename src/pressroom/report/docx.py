"""The DOCX writer: report blocks -> python-docx, styled only through the reference document's styles.

The only module that imports docx, with its XML layer (xml.py) and the script that builds the reference
document (reference.py); the writer talks to the XML layer alone (it calls docx only to open the reference
document). One rule per model node type.
As Pandoc's Docx writer does, where the rules are writing (`WriterEnv`, read-only, passed down the rules)
is kept apart from what they have written so far (`WriterState`: the counters and names that must stay
unique); packaging (`package`) is a step of its own, once every block is written.
Paragraphs are inserted next to the section properties directly: python-docx's add_paragraph scans the
whole body on every call, which makes long documents quadratic. Footnote content goes through the same
rules, written into the footnotes part instead of the body (see `footnote`: its env places blocks there).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import docx

from .. import model as m
from ..errors import PressroomError, display_path, warn
from ..sandbox import ResourceRefused
from . import xml as x
from ..labels import in_digits, words as words_for
from .plan import BodyBlock, Cover, DataTable, HeadingBlock, ListOfCaptions, ReportBlock, TableOfContents

REFERENCE_DOC = "report/reference.docx"  # in templates/, else in the theme
PARAGRAPH_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5",
                    "Heading 6", "List Bullet",
                    "List Number", "List Continue", "Quote", "Source Code", "Footnote Text", "Thematic Break",
                    "TOC Heading", "TOC 1", "TOC 2", "TOC 3", "Header", "Footer", "Caption", "Table Caption",
                    "Captioned Figure", "Table of Figures")
CHARACTER_STYLES = ("Hyperlink", "Verbatim Char", "Footnote Reference")
TABLE_STYLES = ("Report Table",)
STYLES_BY_KIND = (("paragraph", PARAGRAPH_STYLES), ("character", CHARACTER_STYLES), ("table", TABLE_STYLES))
UNSUPPORTED_PICTURES = (".svg", ".webp")
PICTURE_HEIGHT_SHARE = 0.8  # of the text area: a fifth is left for a caption and the header and footer
FIXED_DATE = dt.date(2000, 1, 1)
ZIP_DATES = (dt.date(1980, 1, 1), dt.date(2107, 12, 31))  # the dates a zip entry can record
MAX_PROPERTY_CHARS = 255
TOC_FIELD = 'TOC \\o "1-3" \\h \\z \\u'
TOC_EMPTY = "Right-click and choose Update Field to build the table of contents."
PAGEREF_FIELD = "PAGEREF {} \\h"  # the page of a bookmark; pagination.py writes its result
CAPTION_FIELD = "SEQ {} \\* ARABIC"  # Word's caption numbers: the label word names the sequence
REF_FIELD = "REF {} \\h"  # repeats a caption's bookmarked "Figure 2", linked to it
MAX_BOOKMARK = 40  # Word's limit on bookmark names
KEEP_TOGETHER_ROWS = 12  # a data table this short never breaks across pages
CHART_ASPECT = 0.55  # a chart's height to its width



def write_report(document: m.Document, blocks: list[ReportBlock], files) -> bytes:
    """The report as .docx bytes, styled by the reference document; `files` is the gateway that reads it
    and the images."""
    writer = DocxWriter(document, files)
    for block in blocks:
        writer.report_block(block)
    return writer.save()


def check_reference_document(files, report) -> None:
    """Record, through `report(path, line, message)`, a reference document that cannot be opened or lacks
    a style the writer uses."""
    try:
        doc, reference = open_reference(files)
        style_ids(doc, reference)
    except PressroomError as error:
        for problem in error.problems:
            report(problem.path, problem.line, problem.message)


def open_reference(files) -> tuple[docx.document.Document, Path]:
    """The reference document (the project's templates/report/reference.docx, else the theme's) and its path."""
    reference = files.template(REFERENCE_DOC)
    if reference is None:
        raise PressroomError("reference document not found; rebuild it with 'make reference-doc' or put your "
                             "own .docx there", files.templates / REFERENCE_DOC)
    try:
        return docx.Document(io.BytesIO(files.read_bytes(reference))), reference
    except (ResourceRefused, OSError) as error:
        raise PressroomError(f"reference document cannot be read ({error})", reference) from None
    except Exception:  # python-docx raises several types for a damaged package
        raise PressroomError("not a Word document; save it from Word as .docx or rebuild it with "
                             "'make reference-doc'", reference) from None


def style_ids(doc: docx.document.Document, reference: Path) -> dict[str, str]:
    """The style id of every style the writer uses, by name; raises naming the styles `doc` lacks."""
    # Word saves its built-in styles under lower-case names ("footnote text", "toc 1"): compare without case.
    available = {(kind, name.lower()): style_id for kind, name, style_id in x.named_styles(doc)}
    ids, missing = {}, []
    for kind, names in STYLES_BY_KIND:
        for name in names:
            if (kind, name.lower()) in available:
                ids[name] = available[(kind, name.lower())]
            else:
                missing.append(name)
    if missing:
        raise PressroomError(f"reference document lacks the style{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(repr(n) for n in missing)}; add {'them' if len(missing) > 1 else 'it'} "
                             "in Word or rebuild it with 'make reference-doc'", reference)
    return ids


@dataclasses.dataclass(frozen=True)
class WriterEnv:
    """Where the writer is writing; read-only. Writing a body or a footnote passes its rules a new env
    (`dataclasses.replace`), so nothing has to be restored afterwards."""

    place: Callable[[Any], None]  # where the next block element goes
    parent: Any  # the python-docx container for proxies (gives .part, which hyperlinks and pictures join)
    in_note: bool = False  # inside a footnote: Word has no notes inside notes
    quote_depth: int = 0  # inside this many block quotes
    direction: str = ""  # "rtl" or "ltr" where a section's language differs from the document's
    notes: Mapping[int, m.Footnote] = dataclasses.field(default_factory=dict)  # the body's footnotes, by number


@dataclasses.dataclass
class WriterState:
    """What the writer has written so far: the counters and names that must stay unique in the document."""

    note_id: int = 0  # the last footnote's id
    bookmark_id: int = 0  # the last bookmark's id
    bookmarks: set[str] = dataclasses.field(default_factory=set)  # the bookmark names used
    hidden_bookmarks: int = 0  # the hidden bookmark names (_HeadingN) made
    warned_images: set[str] = dataclasses.field(default_factory=set)  # the images warned about, once each
    toc: Any = None  # the TOC's placeholder paragraph, until every heading is written
    caption_lists: dict = dataclasses.field(default_factory=dict)  # kind -> (title p, placeholder p) to fill
    captions: dict = dataclasses.field(default_factory=lambda: {"figure": [], "table": []})  # (bookmark, text)
    break_pending: bool = False  # a page break after the contents, once the lists that share its page are in
    drawing_id: int = 0  # the charts drawn so far
    shape_ids: dict = dataclasses.field(default_factory=dict)  # part -> the largest drawing id in it
    last_table: Any = None  # the data table just written, which a short note after it stays with


class DocxWriter:
    """Writes report blocks into a copy of the reference document, emptied of its body."""

    def __init__(self, document: m.Document, files):
        self.document = document
        self.files = files
        self.doc, reference = open_reference(files)
        self.sect_pr = x.empty_body(self.doc)
        self.style_ids = style_ids(self.doc, reference)
        self.numbering = x.numbering(self.doc)
        x.ensure_list_definitions(self.numbering)
        self.text_width, self.text_height = self._picture_area()
        self.footnotes = x.document_footnotes(self.doc)
        self.state = WriterState()
        self.top = WriterEnv(place=self.sect_pr.addprevious, parent=x.body_container(self.doc))
        self.words = words_for(document.meta.lang)
        self.lang = document.meta.lang
        self.digits = files.settings.digits  # of the numbers written into fields' results (٣ or 3)
        self.rtl = document.meta.direction == "rtl"
        if self.rtl:  # page numbers, columns and the gutter mirrored (the cover's section copies this one)
            x.set_section_rtl(self.sect_pr)
            x.set_lists_rtl(self.numbering)
            x.mirror_style(self.doc, self.style_ids["Quote"])  # its rule and indent on the right

    def number(self, number: int) -> str:
        """A number as a field's result shows it, in the digits of the setting. Word and LibreOffice keep
        the result written until they update the field, and then write Western digits, which they show as
        Arabic-Indic ones by their own numeral option (Word's "Numeral", LibreOffice's CTL numerals): no
        field switch or page number format of the standard gives Arabic-Indic digits (HINDIARABIC and
        hindiNumbers leave LibreOffice's numbers Western), so pagination.py lays the report out with
        LibreOffice's numerals set to follow the text."""
        return in_digits(str(number), self.digits)

    def _picture_area(self) -> tuple[int, int]:
        """Width and height a picture may fill: the page less its margins (height: less a fifth more for
        a caption and the header and footer)."""
        width, height = x.text_area(self.doc)
        return width, int(height * PICTURE_HEIGHT_SHARE)

    # paragraphs and runs ------------------------------------------------------

    def paragraph(self, env: WriterEnv, style: str = "Normal", list_level: int | None = None):
        """A new paragraph where the next block goes; inside quotes, with the quote's look."""
        p = self._p(style)
        env.place(p)
        if env.direction and (env.direction == "rtl") != self.rtl:
            x.set_paragraph_direction(p, env.direction == "rtl")
        if env.quote_depth and (style != "Quote" or env.quote_depth > 1 or list_level is not None):
            self.quote_look(p, env.quote_depth, list_level)
        return p

    def quote_look(self, p, depth: int, list_level: int | None) -> None:
        """The Quote style's rule and indent for every paragraph in a quote (a list or code keeps its own
        style), one indent deeper per level of nesting; a list item's own indent on top."""
        border, indent = x.style_quote_look(self.doc, self.style_ids["Quote"])
        if list_level is None:
            x.set_quote_look(p, border, indent * depth, rtl=self.rtl)
        else:
            x.set_quote_look(p, border, indent * depth + x.list_indent(list_level), x.LIST_INDENT_TWIPS, self.rtl)

    def text_paragraph(self, env: WriterEnv, text: str, style: str = "Normal"):
        """A new paragraph holding `text` as one plain run."""
        p = self.paragraph(env, style)
        p.append(self.run(text))
        return p

    def _p(self, style: str):
        """A w:p element in `style`, not placed anywhere yet."""
        return x.new_paragraph(None if style == "Normal" else self.style_ids[style])

    def run(self, text: str, formats: frozenset = frozenset(), style: str | None = None):
        return x.formatted_run(text, self.style_ids[style] if style else None, bold="bold" in formats,
                               italic="italic" in formats, superscript="superscript" in formats)

    def bookmark(self, p, anchor: str) -> None:
        """Bookmark the paragraph. Without an anchor, or with a name already taken (a template heading
        repeating a section's slug: Word keeps one bookmark per name and links go to the first), the
        bookmark gets a hidden name, which the TOC can still link to."""
        state = self.state
        name = bookmark_name(anchor) if anchor else ""
        while not name or name in state.bookmarks:
            state.hidden_bookmarks += 1
            name = f"_Heading{state.hidden_bookmarks}"
        state.bookmarks.add(name)
        state.bookmark_id += 1
        x.add_bookmark(p, name, state.bookmark_id)

    def heading(self, env: WriterEnv, level: int, anchor: str, inlines) -> None:
        """A Heading 1-6 paragraph with a bookmark, the target of links (and for 1-3 of the TOC's entries)."""
        p = self.paragraph(env, f"Heading {min(max(level, 1), 6)}")
        self.inlines(env, p, inlines)
        self.bookmark(p, anchor)

    # report blocks ------------------------------------------------------------

    def report_block(self, block: ReportBlock) -> None:
        last_table, self.state.last_table = self.state.last_table, None
        if self.state.break_pending and not isinstance(block, ListOfCaptions):
            self.state.break_pending = False
            self.page_break(self.top)
        if isinstance(block, Cover):
            self.cover(block)
        elif isinstance(block, TableOfContents):
            self.table_of_contents(block)
        elif isinstance(block, ListOfCaptions):
            self.list_of_captions(block)
        elif isinstance(block, HeadingBlock):
            self.heading(self.top, block.level, block.anchor, (m.Text(block.text),))
        elif isinstance(block, BodyBlock):
            if last_table is not None and block.key.startswith("text-") and len(block.body.blocks) == 1:
                x.keep_with_next(x.table_paragraphs(last_table, slice(-1, None)))  # its note
            self.body(block.body, block.lang)
        elif isinstance(block, DataTable):
            self.data_table(block)
        else:
            raise TypeError(f"no DOCX rule for {type(block).__name__}")

    def cover(self, cover: Cover) -> None:
        """The cover, in a section of its own so that it has no header or footer."""
        last = self.text_paragraph(self.top, cover.title, "Title")
        if cover.subtitle:
            last = self.text_paragraph(self.top, cover.subtitle, "Subtitle")
        for line in cover.lines:
            last = self.text_paragraph(self.top, line)
        x.end_section(last, self.sect_pr)

    def page_break(self, env: WriterEnv) -> None:
        self.paragraph(env).append(x.break_run(type="page"))

    def table_of_contents(self, toc: TableOfContents) -> None:
        """A TOC field; its entries are filled in by `fill_table_of_contents` once every heading is written."""
        self.text_paragraph(self.top, toc.title, "TOC Heading")
        self.state.toc = self.paragraph(self.top)
        self.state.break_pending = True

    def list_of_captions(self, block: ListOfCaptions) -> None:
        """A list of figures or tables: a title and a TOC field over the captions, filled in by
        `fill_caption_lists` (and left out if there are none)."""
        title = self.text_paragraph(self.top, block.title or self.words[f"{block.kind}s"], "TOC Heading")
        self.state.caption_lists[block.kind] = (title, self.paragraph(self.top))

    def data_table(self, table: DataTable) -> None:
        """A table the template builds from data; a short one is kept on one page."""
        tbl = self.table(self.top, ("",) * len(table.headers), [[(m.Text(h),) for h in table.headers]]
                         + [[(m.Text(c),) for c in row] for row in table.rows])
        if len(table.rows) <= KEEP_TOGETHER_ROWS:
            x.keep_with_next(x.table_paragraphs(tbl, slice(None, -1)))
            before = tbl.getprevious()
            if before is not None and before.tag == x.qn("w:p"):  # the sentence that introduces it
                x.keep_with_next([before])
        self.state.last_table = tbl

    # model blocks -------------------------------------------------------------

    def body(self, body: m.Body, lang: str = "") -> None:
        direction = m.Metadata(title="", lang=lang).direction if lang else ""
        env = dataclasses.replace(self.top, notes={note.number: note for note in body.footnotes}, direction=direction)
        for block in body.blocks:
            self.block(env, block)

    def block(self, env: WriterEnv, block: m.Block, style: str = "Normal", level: int = 0) -> None:
        if isinstance(block, m.Paragraph):
            self.inlines(env, self.paragraph(env, style), block.children)
        elif isinstance(block, m.Figure):
            self.figure(env, block)
        elif isinstance(block, m.Heading):
            self.heading(env, block.level, block.anchor, block.children)
        elif isinstance(block, m.CodeBlock):
            self.code_block(env, block.text)
        elif isinstance(block, m.BlockQuote):
            inner = dataclasses.replace(env, quote_depth=env.quote_depth + 1)
            for child in block.children:
                self.block(inner, child, "Quote", level)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            self.list(env, block, level)
        elif isinstance(block, m.Table):
            if block.number:  # Word's way: a table's caption above it
                self.caption(env, "table", block.number, block.id, block.caption)
            self.table(env, block.alignments, [list(block.header)] + [list(r) for r in block.rows])
        elif isinstance(block, m.ThematicBreak):
            self.paragraph(env, "Thematic Break")
        elif isinstance(block, m.RawHtmlBlock):
            self.paragraph(env, "Source Code").append(self.run(block.html.rstrip("\n"), style="Verbatim Char"))
        else:
            raise TypeError(f"no DOCX rule for {type(block).__name__}")

    def figure(self, env: WriterEnv, figure: m.Figure) -> None:
        """The picture or chart (kept with its caption), then "Figure N: caption"; a chart prints its own
        source and sample note."""
        p = self.paragraph(env, "Captioned Figure")
        if isinstance(figure.content, m.Chart):
            if self.rtl:  # a chart lays out its own text; in a right-to-left paragraph LibreOffice reverses its numbers
                x.set_paragraph_direction(p, False)
            self.chart(env, figure.content, p)
        else:
            self.image(env, figure.content, p)
        self.caption(env, "figure", figure.number, figure.id, figure.caption)

    def caption(self, env: WriterEnv, kind: str, number: int, identifier: str, inlines) -> None:
        """A Caption paragraph: the label and a SEQ field bookmarked together, so a REF field to the
        bookmark repeats "Figure 2" and Word renumbers both; then the caption's text."""
        p = self.paragraph(env, "Table Caption" if kind == "table" else "Caption")  # a table's: kept with it
        word = self.words[kind]
        name = self.reference_bookmark(identifier or f"{kind}-{number}")
        label = [self.run(f"{word}\u00a0"), *x.field_runs(CAPTION_FIELD.format(word), [self.run(self.number(number))])]
        self.state.bookmark_id += 1
        x.add_bookmarked(p, name, self.state.bookmark_id, label)
        if inlines:
            p.append(self.run(": "))
            self.inlines(env, p, inlines)
        self.state.captions[kind].append((name, x.paragraph_text(p)))

    def reference_bookmark(self, identifier: str) -> str:
        """The bookmark a caption's label gets: hidden (_Ref, as Word names its own), unique."""
        name = bookmark_name("_Ref_" + "".join(c if c.isalnum() else "_" for c in identifier))
        while name in self.state.bookmarks:
            name = bookmark_name(name[:MAX_BOOKMARK - 2] + "_x")
        self.state.bookmarks.add(name)
        return name

    def chart(self, env: WriterEnv, chart: m.Chart, target) -> None:
        """A native Word chart (editable, its numbers in an embedded workbook), as wide as the text."""
        from ..svgchart import ChartWords
        from .chart import add_chart

        self.state.drawing_id += 1
        run = x.text_run("")
        run.remove(run[0])
        target.append(run)
        words = ChartWords.from_catalogue(self.words, self.lang, self.digits)
        add_chart(run, env.parent.part, chart, self.text_width, int(self.text_width * CHART_ASPECT),
                  self.state.drawing_id, f"Chart {self.state.drawing_id}", words=words)
        self.shape_id(env.parent.part, self.state.drawing_id)

    def code_block(self, env: WriterEnv, text: str) -> None:
        """One Source Code paragraph, its lines separated by line breaks."""
        p = self.paragraph(env, "Source Code")
        for i, line in enumerate(text.split("\n")):
            if i:
                p.append(x.break_run())
            p.append(self.run(line, style="Verbatim Char"))

    def list(self, env: WriterEnv, block: m.BulletList | m.OrderedList, level: int) -> None:
        ordered = isinstance(block, m.OrderedList)
        word_level = min(level, 8)  # Word numbering has nine levels
        num_id = x.add_list_instance(self.numbering, ordered, block.start if ordered else 1, word_level)
        style = "List Number" if ordered else "List Bullet"
        for item in block.items:
            children = list(item.children)
            marker = self.paragraph(env, style, word_level)  # every item gets its number, even one opening with code
            x.set_numbering(marker, num_id, word_level)
            if children and isinstance(children[0], m.Paragraph):
                self.inlines(env, marker, children.pop(0).children)
            for child in children:
                if isinstance(child, (m.BulletList, m.OrderedList)):
                    self.list(env, child, level + 1)
                else:
                    self.block(env, child, "List Continue", level)

    def table(self, env: WriterEnv, alignments, rows) -> None:
        tbl = x.new_table(len(rows), max(len(r) for r in rows), self.text_width, self.style_ids["Report Table"])
        env.place(tbl)
        if (env.direction or ("rtl" if self.rtl else "ltr")) == "rtl":
            x.set_table_rtl(tbl)
        if env.direction and (env.direction == "rtl") != self.rtl:
            for p in x.table_paragraphs(tbl):
                x.set_paragraph_direction(p, env.direction == "rtl")
        for cell_paragraphs, cells in zip(x.cell_paragraphs(tbl), rows):
            for index, (p, content) in enumerate(zip(cell_paragraphs, cells)):
                align = alignments[index] if index < len(alignments) else ""
                if align:
                    x.set_alignment(p, align)
                self.inlines(env, p, content)  # the header row's look comes from the table style
        return tbl

    def footnote(self, env: WriterEnv, number: int, target, formats: frozenset) -> None:
        """A real Word footnote: the reference here, the note's blocks in the footnotes part."""
        note = env.notes.get(number)
        if note is None or env.in_note:  # Word has no notes inside notes: keep the number as text
            target.append(self.run(str(number), formats | {"superscript"}))
            return
        self.state.note_id += 1
        note_id = self.state.note_id
        target.append(x.footnote_reference_run(note_id, self.style_ids["Footnote Reference"]))
        container = x.add_footnote(self.footnotes, note_id)
        self.note_blocks(dataclasses.replace(env, place=container.append, parent=x.Story(self.footnotes),
                                             in_note=True), note)

    def note_blocks(self, env: WriterEnv, note: m.Footnote) -> None:
        """The note's blocks, the first paragraph opening with the note's number."""
        blocks = list(note.children)
        first = self.paragraph(env, "Footnote Text")
        first.append(x.footnote_mark_run(self.style_ids["Footnote Reference"]))
        first.append(self.run(" "))
        if blocks and isinstance(blocks[0], m.Paragraph):
            self.inlines(env, first, blocks.pop(0).children)
        for block in blocks:
            self.block(env, block, "Footnote Text")

    # inlines ------------------------------------------------------------------

    def inlines(self, env: WriterEnv, p, nodes, formats: frozenset = frozenset(), target=None,
                text_style: str | None = None) -> None:
        """Runs for inline nodes, at the end of `target` (else of paragraph `p`); `text_style` is the
        character style of plain text (Hyperlink in links)."""
        target = p if target is None else target
        for node in nodes:
            if isinstance(node, m.Text):
                target.append(self.run(node.text, formats, style=text_style))
            elif isinstance(node, m.Emph):
                self.inlines(env, p, node.children, formats | {"italic"}, target, text_style)
            elif isinstance(node, m.Strong):
                self.inlines(env, p, node.children, formats | {"bold"}, target, text_style)
            elif isinstance(node, m.Code):
                target.append(self.run(node.text, formats, style="Verbatim Char"))
            elif isinstance(node, m.Link):
                self.link(env, p, node, formats)
            elif isinstance(node, m.SoftBreak):
                target.append(self.run(" ", formats, style=text_style))
            elif isinstance(node, m.LineBreak):
                target.append(x.break_run())
            elif isinstance(node, m.Image):
                self.image(env, node, target)
            elif isinstance(node, m.RawHtml):
                target.append(self.run(node.html, formats, style=text_style))
            elif isinstance(node, m.FootnoteRef):
                self.footnote(env, node.number, target, formats)
            elif isinstance(node, m.CrossRef):
                self.cross_reference(node, target, formats)
            elif isinstance(node, m.Span):
                self.span(env, p, node, formats, target, text_style)
            else:
                raise TypeError(f"no DOCX rule for {type(node).__name__}")

    def span(self, env: WriterEnv, p, span: m.Span, formats: frozenset, target, text_style) -> None:
        """Words in another language: their runs say which (`w:lang`, for proofing and fonts); their
        direction follows from their script when the document is finished."""
        target = p if target is None else target
        before = len(target)
        self.inlines(env, p, span.children, formats, target, text_style)
        for run in list(target)[before:]:
            if run.tag == x.qn("w:r"):
                x.set_run_language(run, span.lang)

    def cross_reference(self, node: m.CrossRef, target, formats: frozenset) -> None:
        """A REF field to the caption's bookmark, its result the label ("Figure 2") as written now."""
        label = self.document.labels.get(node.target)
        if label is None:  # only template text can hold one the reader did not check
            target.append(self.run(f"[{node.target}]", formats))
            return
        name = bookmark_name("_Ref_" + "".join(c if c.isalnum() else "_" for c in node.target))
        text = f"{self.words[label.kind]}\u00a0{self.number(label.number)}"
        for run in x.field_runs(REF_FIELD.format(name), [self.run(text, formats)]):
            target.append(run)

    def link(self, env: WriterEnv, p, link: m.Link, formats: frozenset) -> None:
        if link.is_internal:
            element = x.add_hyperlink(p, env.parent, anchor=bookmark_name(link.url[1:]))
        else:
            element = x.add_hyperlink(p, env.parent, url=link.url)
        self.inlines(env, p, link.children, formats, element, text_style="Hyperlink")

    def image(self, env: WriterEnv, image: m.Image, target) -> None:
        if image.path is None or image.path.suffix.lower() in UNSUPPORTED_PICTURES:
            self.unsupported_image(image, target)
            return
        shape = x.add_picture(target, env.parent, self.files.read_bytes(image.path), image.path.name,
                              self.shape_id(env.parent.part))
        x.fit_picture(shape, self.text_width, self.text_height)
        x.set_alt_text(shape, image.alt, image.title)

    def shape_id(self, part, used: int | None = None) -> int:
        """The id of a new picture in `part` (one above the largest there, as python-docx numbers them),
        or, given the id a chart `used`, that id noted; kept per part rather than searched for each time."""
        ids = self.state.shape_ids
        if part not in ids:
            ids[part] = x.largest_shape_id(part)
        ids[part] = max(ids[part], used) if used is not None else ids[part] + 1
        return ids[part]

    def unsupported_image(self, image: m.Image, target) -> None:
        """The alt text in brackets instead of the picture, with one warning per image."""
        what = display_path(image.path) if image.path else image.src
        kind = image.path.suffix[1:].upper() if image.path else "remote"
        if what not in self.state.warned_images:
            self.state.warned_images.add(what)
            message = (f"the Word report cannot embed {kind} images; it shows the alt text instead "
                       "(use a PNG or JPEG for both outputs)")
            if image.path:
                warn(message, image.path)
            else:
                warn(f"{what}: {message}")
        target.append(self.run(f"[{image.alt}]", frozenset({"italic"})))

    # finishing ----------------------------------------------------------------

    def save(self) -> bytes:
        """Finish the document (what needs every block written), then package it."""
        self.fill_table_of_contents()
        self.fill_caption_lists()
        self.header_and_footer()
        self.directions()
        x.number_drawings(self.doc, self.footnotes)
        return package(self.doc, self.document.meta)

    def fill_table_of_contents(self) -> None:
        """Give the TOC field a cached result listing the headings (linked to their bookmarks), so the
        contents show before Word updates the field; Word adds page numbers when it does."""
        if self.state.toc is None:
            return
        entries = x.headings(self.doc, {self.style_ids[f"Heading {n}"]: n for n in (1, 2, 3)})
        placeholder, self.state.toc = self.state.toc, None
        if not entries:
            x.add_field(placeholder, TOC_FIELD, [self.run(TOC_EMPTY)])
            return
        x.replace_with(placeholder, [self.toc_entry(index, len(entries), f"TOC {level}", TOC_FIELD, name, text)
                                     for index, (level, name, text) in enumerate(entries)])

    def fill_caption_lists(self) -> None:
        """Each list of figures or tables as a TOC field over its captions; left out when there are none."""
        for kind, (title, placeholder) in self.state.caption_lists.items():
            captions = self.state.captions[kind]
            if not captions:
                x.replace_with(title, [])
                x.replace_with(placeholder, [])
                continue
            field = f'TOC \\h \\z \\c "{self.words[kind]}"'
            x.replace_with(placeholder, [self.toc_entry(index, len(captions), "Table of Figures", field, name, text)
                                         for index, (name, text) in enumerate(captions)])

    def toc_entry(self, index: int, count: int, style: str, field: str, name: str, text: str):
        """A contents entry linking to bookmark `name`, then a tab and its page (a PAGEREF field, empty until
        pagination.py lays the report out); the first opens the list's field, the last closes it."""
        p = self._p(style)
        if index == 0:
            x.begin_field(p, field)
        p.append(x.contents_link(name, text, PAGEREF_FIELD.format(name)))
        if index == count - 1:
            x.end_field(p)
        return p

    def directions(self) -> None:
        """Right-to-left documents: every paragraph not already marked (body, notes, header, footer,
        contents) gets `w:bidi`; in any document, runs of right-to-left text get `w:rtl`."""
        if not self.rtl and not x.holds_rtl_text(self.doc, self.footnotes):
            return
        for p in x.story_paragraphs(self.doc, self.footnotes):
            rtl = x.paragraph_is_rtl(p)
            if rtl is None:
                rtl = self.rtl
                if rtl:
                    x.set_paragraph_direction(p, True)
            x.mark_rtl_runs(p, rtl)
        if self.rtl:
            x.set_default_bidi_language(self.doc, self.document.meta.lang)

    def header_and_footer(self) -> None:
        """The body section's header (the document title) and footer ("Page X of Y" as fields)."""
        header, footer = x.unlinked_header_and_footer(self.doc, self.sect_pr)
        p = self._p("Header")
        p.append(self.run(self.document.meta.title))
        header.append(p)
        p = self._p("Footer")
        p.append(self.run(self.words["page_x_of_y"].partition("{page}")[0]))
        x.add_field(p, "PAGE", [self.run(self.number(1))])
        p.append(self.run(self.words["page_x_of_y"].partition("{page}")[2].partition("{pages}")[0]))
        x.add_field(p, "NUMPAGES", [self.run(self.number(1))])
        footer.append(p)


# package ----------------------------------------------------------------------


def package(doc, meta: m.Metadata) -> bytes:
    """The finished document as .docx bytes: Word's settings, the properties from `meta`, and zip entries
    with fixed dates and order, so identical input gives identical bytes."""
    settings = x.settings(doc)
    x.set_update_fields(settings)
    x.set_footnote_separators(settings)
    set_properties(doc, meta)
    date = min(max(meta.date or FIXED_DATE, ZIP_DATES[0]), ZIP_DATES[1])
    return x.normalised_zip(x.package_entries(doc), (date.year, date.month, date.day, 0, 0, 0))


def set_properties(doc, meta: m.Metadata) -> None:
    x.set_core_properties(doc, title=_property_text(meta.title), subject=_property_text(meta.summary),
                          author=_property_text(meta.organisation),
                          keywords=_property_text(", ".join(meta.keywords)), language=meta.lang,
                          stamp=dt.datetime.combine(meta.date or FIXED_DATE, dt.time()))
    x.set_default_language(doc, meta.lang)
    x.set_app_properties(doc, "Pressroom", meta.organisation)


def _property_text(text: str) -> str:
    """Word's core properties hold at most 255 characters: longer text is cut at a word, with an ellipsis."""
    if len(text) <= MAX_PROPERTY_CHARS:
        return text
    return text[: MAX_PROPERTY_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def bookmark_name(anchor: str) -> str:
    """The anchor as a Word bookmark name: Word drops names longer than 40 characters."""
    if len(anchor) <= MAX_BOOKMARK:
        return anchor
    return f"{anchor[:MAX_BOOKMARK - 9]}_{hashlib.sha1(anchor.encode()).hexdigest()[:8]}"
