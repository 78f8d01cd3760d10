"""The DOCX writer: report blocks -> python-docx, styled only through the reference document's styles.

The only module that imports docx, with its XML layer (xml.py) and the script that builds the reference
document (reference.py). One rule per model node type.
Paragraphs are inserted next to the section properties directly: python-docx's add_paragraph scans the
whole body on every call, which makes long documents quadratic. Footnote content goes through the same
rules, written into the footnotes part instead of the body (see `_writing_into`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.section import Section
from docx.shared import Emu
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import model as m
from ..errors import PressroomError, display_path, warn
from ..sandbox import ResourceRefused
from . import REFERENCE_DOC
from . import xml as x
from .plan import BodyBlock, Cover, DataTable, HeadingBlock, ReportBlock, TableOfContents

PARAGRAPH_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5",
                    "Heading 6", "List Bullet",
                    "List Number", "List Continue", "Quote", "Source Code", "Footnote Text", "Thematic Break",
                    "TOC Heading", "TOC 1", "TOC 2", "TOC 3", "Header", "Footer", "Caption")
CHARACTER_STYLES = ("Hyperlink", "Verbatim Char", "Footnote Reference")
TABLE_STYLES = ("Report Table",)
UNSUPPORTED_PICTURES = (".svg", ".webp")
FIXED_DATE = dt.date(2000, 1, 1)
ZIP_DATES = (dt.date(1980, 1, 1), dt.date(2107, 12, 31))  # the dates a zip entry can record
MAX_PROPERTY_CHARS = 255
TOC_FIELD = 'TOC \\o "1-3" \\h \\z \\u'
TOC_EMPTY = "Right-click and choose Update Field to build the table of contents."
MAX_BOOKMARK = 40  # Word's limit on bookmark names


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
    available = {(s.type, s.name.lower()): s.style_id for s in doc.styles if s.name}
    ids, missing = {}, []
    for names, kind in ((PARAGRAPH_STYLES, WD_STYLE_TYPE.PARAGRAPH),
                        (CHARACTER_STYLES, WD_STYLE_TYPE.CHARACTER), (TABLE_STYLES, WD_STYLE_TYPE.TABLE)):
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


class DocxWriter:
    """Writes report blocks into a copy of the reference document, emptied of its body."""

    def __init__(self, document: m.Document, files):
        self.document = document
        self.files = files
        self.doc, reference = open_reference(files)
        body = self.doc.element.body
        self.sect_pr = body.find(x.qn("w:sectPr"))
        for child in list(body):
            if child is not self.sect_pr:
                body.remove(child)
        self.style_ids = style_ids(self.doc, reference)
        self.numbering = self.doc.part.numbering_part.element
        x.ensure_list_definitions(self.numbering)
        self.bookmark_id = 0
        self.text_width, self.text_height = self._text_area()
        self.footnotes = x.footnotes_part(self.doc.part)
        self.note_id = 0
        self.notes: dict[int, m.Footnote] = {}  # the footnotes of the body being written, by number
        self.in_note = False
        self.warned_images: set[str] = set()
        self.toc = None  # the TOC's placeholder paragraph, until every heading is written
        self.hidden_bookmarks = 0
        self.bookmarks: set[str] = set()
        self.place = self.sect_pr.addprevious  # where the next block element goes
        self.parent = self.doc._body  # the python-docx container for proxies (gives .part)


    def _text_area(self) -> tuple[int, int]:
        """Width and height a picture may fill: the page less its margins (height: less a fifth more for
        a caption and the header and footer)."""
        section = self.doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        height = section.page_height - section.top_margin - section.bottom_margin
        return int(width), int(height * 0.8)

    # paragraphs and runs ------------------------------------------------------

    def paragraph(self, style: str = "Normal") -> Paragraph:
        """A new paragraph where the next block goes."""
        p = self._p(style)
        self.place(p)
        return Paragraph(p, self.parent)

    def text_paragraph(self, text: str, style: str = "Normal") -> Paragraph:
        """A new paragraph holding `text` as one plain run."""
        paragraph = self.paragraph(style)
        paragraph._p.append(self.run(text))
        return paragraph

    def _p(self, style: str) -> OxmlElement:
        """A w:p element in `style`, not placed anywhere yet."""
        p = OxmlElement("w:p")
        if style != "Normal":
            x.set_paragraph_style(p, self.style_ids[style])
        return p

    @contextlib.contextmanager
    def _writing_into(self, container, part):
        """Send the blocks written inside the `with` to `container` (a footnote) of `part`."""
        saved = self.place, self.parent, self.in_note
        self.place, self.parent, self.in_note = container.append, _Story(part), True
        try:
            yield
        finally:
            self.place, self.parent, self.in_note = saved

    def run(self, text: str, formats: frozenset = frozenset(), style: str | None = None):
        r = x.text_run(text)
        rPr = OxmlElement("w:rPr")
        if style:
            rPr.append(x.element("w:rStyle", val=self.style_ids[style]))
        if "bold" in formats:
            rPr.append(x.element("w:b"))
        if "italic" in formats:
            rPr.append(x.element("w:i"))
        if "superscript" in formats:
            rPr.append(x.element("w:vertAlign", val="superscript"))
        if len(rPr):
            r.insert(0, rPr)
        return r

    def bookmark(self, paragraph: Paragraph, anchor: str) -> None:
        """Bookmark the paragraph. Without an anchor, or with a name already taken (a template heading
        repeating a section's slug: Word keeps one bookmark per name and links go to the first), the
        bookmark gets a hidden name, which the TOC can still link to."""
        name = bookmark_name(anchor) if anchor else ""
        while not name or name in self.bookmarks:
            self.hidden_bookmarks += 1
            name = f"_Heading{self.hidden_bookmarks}"
        self.bookmarks.add(name)
        self.bookmark_id += 1
        x.add_bookmark(paragraph._p, name, self.bookmark_id)

    def heading(self, level: int, anchor: str, inlines) -> None:
        """A Heading 1-6 paragraph with a bookmark, the target of links (and for 1-3 of the TOC's entries)."""
        paragraph = self.paragraph(f"Heading {min(max(level, 1), 6)}")
        self.inlines(paragraph, inlines)
        self.bookmark(paragraph, anchor)

    # report blocks ------------------------------------------------------------

    def report_block(self, block: ReportBlock) -> None:
        if isinstance(block, Cover):
            self.cover(block)
        elif isinstance(block, TableOfContents):
            self.table_of_contents(block)
        elif isinstance(block, HeadingBlock):
            self.heading(block.level, block.anchor, (m.Text(block.text),))
        elif isinstance(block, BodyBlock):
            self.body(block.body)
        elif isinstance(block, DataTable):
            self.data_table(block)
        else:
            raise TypeError(f"no DOCX rule for {type(block).__name__}")

    def cover(self, cover: Cover) -> None:
        """The cover, in a section of its own so that it has no header or footer."""
        last = self.text_paragraph(cover.title, "Title")
        if cover.subtitle:
            last = self.text_paragraph(cover.subtitle, "Subtitle")
        for line in cover.lines:
            last = self.text_paragraph(line)
        x.end_section(last._p, self.sect_pr)

    def page_break(self) -> None:
        self.paragraph()._p.append(x.break_run(type="page"))

    def table_of_contents(self, toc: TableOfContents) -> None:
        """A TOC field; its entries are filled in by `fill_table_of_contents` once every heading is written."""
        self.text_paragraph(toc.title, "TOC Heading")
        self.toc = self.paragraph()._p
        self.page_break()

    def fill_table_of_contents(self) -> None:
        """Give the TOC field a cached result listing the headings (linked to their bookmarks), so the
        contents show before Word updates the field; Word adds page numbers when it does."""
        if self.toc is None:
            return
        levels = {self.style_ids[f"Heading {n}"]: n for n in (1, 2, 3)}
        entries = []
        for p in self.doc.element.body.iterchildren(x.qn("w:p")):
            style = p.style
            if style in levels:
                start = p.find(x.qn("w:bookmarkStart"))
                entries.append((levels[style], start.get(x.qn("w:name")), "".join(p.xpath(".//w:t/text()"))))
        placeholder, self.toc = self.toc, None
        if not entries:
            x.add_field(placeholder, TOC_FIELD, [self.run(TOC_EMPTY)])
            return
        for index, (level, name, text) in enumerate(entries):
            p = self._p(f"TOC {level}")
            if index == 0:
                x.begin_field(p, TOC_FIELD)
            link = x.element("w:hyperlink", anchor=name, history=1)
            link.append(self.run(text))
            p.append(link)
            if index == len(entries) - 1:
                x.end_field(p)
            placeholder.addprevious(p)
        placeholder.getparent().remove(placeholder)

    def data_table(self, table: DataTable) -> None:
        self.table(("",) * len(table.headers), [[(m.Text(h),) for h in table.headers]]
                   + [[(m.Text(c),) for c in row] for row in table.rows])

    def header_and_footer(self) -> None:
        """The body section's header (the document title) and footer ("Page X of Y" as fields)."""
        section = Section(self.sect_pr, self.doc.part)
        header, footer = section.header, section.footer
        header.is_linked_to_previous = False
        footer.is_linked_to_previous = False
        for story in (header, footer):
            for child in list(story._element):
                story._element.remove(child)
        p = self._p("Header")
        p.append(self.run(self.document.meta.title))
        header._element.append(p)
        p = self._p("Footer")
        p.append(self.run("Page "))
        x.add_field(p, "PAGE", [self.run("1")])
        p.append(self.run(" of "))
        x.add_field(p, "NUMPAGES", [self.run("1")])
        footer._element.append(p)

    # model blocks -------------------------------------------------------------

    def body(self, body: m.Body) -> None:
        saved, self.notes = self.notes, {note.number: note for note in body.footnotes}
        for block in body.blocks:
            self.block(block)
        self.notes = saved

    def block(self, block: m.Block, style: str = "Normal", level: int = 0) -> None:
        if isinstance(block, m.Paragraph):
            self.inlines(self.paragraph(style), block.children)
            image = block.children[0] if len(block.children) == 1 else None
            if isinstance(image, m.Image) and image.title:
                self.text_paragraph(image.title, "Caption")
        elif isinstance(block, m.Heading):
            self.heading(block.level, block.anchor, block.children)
        elif isinstance(block, m.CodeBlock):
            paragraph = self.paragraph("Source Code")
            for i, line in enumerate(block.text.split("\n")):
                if i:
                    paragraph._p.append(x.break_run())
                paragraph._p.append(self.run(line, style="Verbatim Char"))
        elif isinstance(block, m.BlockQuote):
            for child in block.children:
                self.block(child, "Quote", level)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            self.list(block, level)
        elif isinstance(block, m.Table):
            self.table(block.alignments, [list(block.header)] + [list(r) for r in block.rows])
        elif isinstance(block, m.ThematicBreak):
            self.paragraph("Thematic Break")
        elif isinstance(block, m.RawHtmlBlock):
            self.paragraph("Source Code")._p.append(self.run(block.html.rstrip("\n"), style="Verbatim Char"))
        else:
            raise TypeError(f"no DOCX rule for {type(block).__name__}")

    def list(self, block: m.BulletList | m.OrderedList, level: int) -> None:
        ordered = isinstance(block, m.OrderedList)
        word_level = min(level, 8)  # Word numbering has nine levels
        num_id = x.add_list_instance(self.numbering, ordered, block.start if ordered else 1, word_level)
        style = "List Number" if ordered else "List Bullet"
        for item in block.items:
            children = list(item.children)
            marker = self.paragraph(style)  # every item gets its number, even one that opens with a code block
            x.set_numbering(marker._p, num_id, word_level)
            if children and isinstance(children[0], m.Paragraph):
                self.inlines(marker, children.pop(0).children)
            for child in children:
                if isinstance(child, (m.BulletList, m.OrderedList)):
                    self.list(child, level + 1)
                else:
                    self.block(child, "List Continue", level)

    def table(self, alignments, rows) -> None:
        columns = max(len(r) for r in rows)
        tbl = CT_Tbl.new_tbl(len(rows), columns, Emu(self.text_width))
        self.place(tbl)
        table = Table(tbl, self.parent)
        x.set_table_style(tbl, self.style_ids["Report Table"])
        x.mark_header_row(table.rows[0])
        x.keep_rows_together(table)
        for row, cells in zip(table.rows, rows):
            for index, (cell, content) in enumerate(zip(row.cells, cells)):
                paragraph = cell.paragraphs[0]
                align = alignments[index] if index < len(alignments) else ""
                if align:
                    paragraph._p.get_or_add_pPr().append(x.element("w:jc", val=align))
                self.inlines(paragraph, content)  # the header row's look comes from the table style

    def footnote(self, number: int, target, formats: frozenset) -> None:
        """A real Word footnote: the reference here, the note's blocks in the footnotes part."""
        note = self.notes.get(number)
        if note is None or self.in_note:  # Word has no notes inside notes: keep the number as text
            target.append(self.run(str(number), formats | {"superscript"}))
            return
        self.note_id += 1
        target.append(x.footnote_reference_run(self.note_id, self.style_ids["Footnote Reference"]))
        container = x.add_footnote(self.footnotes.element, self.note_id)
        with self._writing_into(container, self.footnotes):
            blocks = list(note.children)
            first = self.paragraph("Footnote Text")
            first._p.append(x.footnote_mark_run(self.style_ids["Footnote Reference"]))
            first._p.append(self.run(" "))
            if blocks and isinstance(blocks[0], m.Paragraph):
                self.inlines(first, blocks.pop(0).children)
            for block in blocks:
                self.block(block, "Footnote Text")

    # inlines ------------------------------------------------------------------

    def inlines(self, paragraph: Paragraph, nodes, formats: frozenset = frozenset(), target=None,
                text_style: str | None = None) -> None:
        """Runs for inline nodes; `text_style` is the character style of plain text (Hyperlink in links)."""
        target = paragraph._p if target is None else target
        for node in nodes:
            if isinstance(node, m.Text):
                target.append(self.run(node.text, formats, style=text_style))
            elif isinstance(node, m.Emph):
                self.inlines(paragraph, node.children, formats | {"italic"}, target, text_style)
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, formats | {"bold"}, target, text_style)
            elif isinstance(node, m.Code):
                target.append(self.run(node.text, formats, style="Verbatim Char"))
            elif isinstance(node, m.Link):
                self.link(paragraph, node, formats)
            elif isinstance(node, m.SoftBreak):
                target.append(self.run(" ", formats, style=text_style))
            elif isinstance(node, m.LineBreak):
                target.append(x.break_run())
            elif isinstance(node, m.Image):
                self.image(paragraph, node, target)
            elif isinstance(node, m.RawHtml):
                target.append(self.run(node.html, formats, style=text_style))
            elif isinstance(node, m.FootnoteRef):
                self.footnote(node.number, target, formats)
            else:
                raise TypeError(f"no DOCX rule for {type(node).__name__}")

    def link(self, paragraph: Paragraph, link: m.Link, formats: frozenset) -> None:
        if link.is_internal:
            element = x.add_hyperlink(paragraph, anchor=bookmark_name(link.url[1:]))
        else:
            element = x.add_hyperlink(paragraph, url=link.url)
        self.inlines(paragraph, link.children, formats, element, text_style="Hyperlink")

    def image(self, paragraph: Paragraph, image: m.Image, target) -> None:
        if image.path is None or image.path.suffix.lower() in UNSUPPORTED_PICTURES:
            what = display_path(image.path) if image.path else image.src
            kind = image.path.suffix[1:].upper() if image.path else "remote"
            if what not in self.warned_images:
                self.warned_images.add(what)
                warn(f"{what}: the Word report cannot embed {kind} images; it shows the alt text instead "
                     "(use a PNG or JPEG for both outputs)")
            target.append(self.run(f"[{image.alt}]", frozenset({"italic"})))
            return
        r = OxmlElement("w:r")
        target.append(r)
        shape = Run(r, paragraph).add_picture(io.BytesIO(self.files.read_bytes(image.path)))
        shape._inline.graphic.graphicData.pic.nvPicPr.cNvPr.name = image.path.name  # as when read by name
        scale = min(1.0, self.text_width / shape.width, self.text_height / shape.height)
        if scale < 1:
            shape.width, shape.height = Emu(int(shape.width * scale)), Emu(int(shape.height * scale))
        x.set_alt_text(shape, image.alt, image.title)

    # package ------------------------------------------------------------------

    def save(self) -> bytes:
        self.fill_table_of_contents()
        self.header_and_footer()
        x.number_drawings(self.doc.element.body, self.footnotes.element)
        settings = self.doc.settings.element
        x.set_update_fields(settings)
        x.set_footnote_separators(settings)
        self.set_properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        date = min(max(self.document.meta.date or FIXED_DATE, ZIP_DATES[0]), ZIP_DATES[1])
        return x.normalised_zip(buffer.getvalue(), (date.year, date.month, date.day, 0, 0, 0))

    def set_properties(self) -> None:
        meta = self.document.meta
        props = self.doc.core_properties
        stamp = dt.datetime.combine(meta.date or FIXED_DATE, dt.time())
        props.title = _property_text(meta.title)
        props.subject = _property_text(meta.summary)
        props.author = _property_text(meta.organisation)
        props.last_modified_by = _property_text(meta.organisation)
        props.keywords = _property_text(", ".join(meta.keywords))
        props.language = meta.lang
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        props.revision = 1
        props.comments = ""
        props.category = ""
        x.set_default_language(self.doc.styles.element, meta.lang)
        x.set_app_properties(self.doc.part.package, "Pressroom", meta.organisation)


def _property_text(text: str) -> str:
    """Word's core properties hold at most 255 characters: longer text is cut at a word, with an ellipsis."""
    if len(text) <= MAX_PROPERTY_CHARS:
        return text
    return text[: MAX_PROPERTY_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


class _Story:
    """Stands in for a python-docx container inside the footnotes part (proxies ask it for .part)."""

    def __init__(self, part):
        self.part = part


def bookmark_name(anchor: str) -> str:
    """The anchor as a Word bookmark name: Word drops names longer than 40 characters."""
    if len(anchor) <= MAX_BOOKMARK:
        return anchor
    return f"{anchor[:MAX_BOOKMARK - 9]}_{hashlib.sha1(anchor.encode()).hexdigest()[:8]}"
