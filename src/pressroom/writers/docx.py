"""The DOCX writer: report blocks -> python-docx, styled only through the reference document's styles.

The only module that imports docx (with its XML helper, docx_xml). One rule per model node type.
Paragraphs are inserted next to the section properties directly: python-docx's add_paragraph scans the
whole body on every call, which makes long documents quadratic.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.shared import Emu
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import model as m
from ..errors import PressroomError
from ..report import BodyBlock, Cover, DataTable, HeadingBlock, ReportBlock, TableOfContents
from . import docx_xml as x

PARAGRAPH_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet",
                    "List Number", "List Continue", "Quote", "Source Code", "Footnote Text", "Thematic Break",
                    "TOC Heading")
CHARACTER_STYLES = ("Hyperlink", "Verbatim Char", "Footnote Reference")
TABLE_STYLES = ("Table Grid",)
UNSUPPORTED_PICTURES = (".svg", ".webp")
FIXED_DATE = dt.date(2000, 1, 1)


def write_report(document: m.Document, blocks: list[ReportBlock], reference: Path) -> bytes:
    """The report as .docx bytes, styled by `reference`."""
    writer = DocxWriter(document, reference)
    for block in blocks:
        writer.report_block(block)
    return writer.save()


class DocxWriter:
    def __init__(self, document: m.Document, reference: Path):
        self.document = document
        self.reference = reference
        try:
            self.doc = docx.Document(str(reference))
        except Exception as error:  # python-docx raises several types for a damaged package
            raise PressroomError(f"not a Word document: {error}", reference) from None
        body = self.doc.element.body
        self.sect_pr = body.find(x.qn("w:sectPr"))
        for child in list(body):
            if child is not self.sect_pr:
                body.remove(child)
        self.style_ids = self._style_ids()
        self.numbering = self.doc.part.numbering_part.element
        x.ensure_list_definitions(self.numbering)
        self.bookmark_id = 0
        self.text_width = self._text_width()

    def _style_ids(self) -> dict[str, str]:
        available = {(s.type, s.name): s.style_id for s in self.doc.styles}
        ids, missing = {}, []
        for names, kind in ((PARAGRAPH_STYLES, WD_STYLE_TYPE.PARAGRAPH),
                            (CHARACTER_STYLES, WD_STYLE_TYPE.CHARACTER), (TABLE_STYLES, WD_STYLE_TYPE.TABLE)):
            for name in names:
                if (kind, name) in available:
                    ids[name] = available[(kind, name)]
                else:
                    missing.append(name)
        if missing:
            raise PressroomError(f"reference document lacks the style{'s' if len(missing) > 1 else ''} "
                                 f"{', '.join(repr(n) for n in missing)}; add {'them' if len(missing) > 1 else 'it'} "
                                 "in Word or rebuild it with 'make reference-doc'", self.reference)
        return ids

    def _text_width(self) -> int:
        section = self.doc.sections[-1]
        return int(section.page_width - section.left_margin - section.right_margin)

    # paragraphs and runs ------------------------------------------------------

    def paragraph(self, style: str = "Normal") -> Paragraph:
        p = OxmlElement("w:p")
        if style != "Normal":
            x.set_paragraph_style(p, self.style_ids[style])
        self.sect_pr.addprevious(p)
        return Paragraph(p, self.doc._body)

    def run(self, text: str, formats: frozenset = frozenset(), style: str | None = None):
        r = OxmlElement("w:r")
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
            r.append(rPr)
        t = OxmlElement("w:t")
        t.set(x.qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        return r

    def bookmark(self, paragraph: Paragraph, name: str) -> None:
        self.bookmark_id += 1
        x.add_bookmark(paragraph._p, name, self.bookmark_id)

    # report blocks ------------------------------------------------------------

    def report_block(self, block: ReportBlock) -> None:
        if isinstance(block, Cover):
            self.cover(block)
        elif isinstance(block, TableOfContents):
            self.table_of_contents(block)
        elif isinstance(block, HeadingBlock):
            paragraph = self.paragraph(f"Heading {min(max(block.level, 1), 3)}")
            paragraph._p.append(self.run(block.text))
            if block.anchor:
                self.bookmark(paragraph, block.anchor)
        elif isinstance(block, BodyBlock):
            self.body(block.body)
        elif isinstance(block, DataTable):
            self.data_table(block)

    def cover(self, cover: Cover) -> None:
        self.paragraph("Title")._p.append(self.run(cover.title))
        if cover.subtitle:
            self.paragraph("Subtitle")._p.append(self.run(cover.subtitle))
        for line in cover.lines:
            self.paragraph()._p.append(self.run(line))
        self.page_break()

    def page_break(self) -> None:
        r = OxmlElement("w:r")
        r.append(x.element("w:br", type="page"))
        self.paragraph()._p.append(r)

    def table_of_contents(self, toc: TableOfContents) -> None:
        self.paragraph("TOC Heading")._p.append(self.run(toc.title))
        paragraph = self.paragraph()
        x.add_field(paragraph._p, 'TOC \\o "1-3" \\h \\z \\u',
                    [self.run("Right-click and choose Update Field to build the table of contents.")])
        self.page_break()

    def data_table(self, table: DataTable) -> None:
        self.table(("",) * len(table.headers), [[(m.Text(h),) for h in table.headers]]
                   + [[(m.Text(c),) for c in row] for row in table.rows])

    # model blocks -------------------------------------------------------------

    def body(self, body: m.Body) -> None:
        for block in body.blocks:
            self.block(block)
        if body.footnotes:
            for note in body.footnotes:
                self.footnote(note)

    def block(self, block: m.Block, style: str = "Normal", level: int = 0) -> None:
        if isinstance(block, m.Paragraph):
            self.inlines(self.paragraph(style), block.children)
        elif isinstance(block, m.Heading):
            paragraph = self.paragraph(f"Heading {min(block.level, 3)}")
            self.inlines(paragraph, block.children)
            self.bookmark(paragraph, block.anchor)
        elif isinstance(block, m.CodeBlock):
            paragraph = self.paragraph("Source Code")
            for i, line in enumerate(block.text.split("\n")):
                if i:
                    paragraph._p.append(_break_run())
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
        num_id = x.add_list_instance(self.numbering, ordered, block.start if ordered else 1)
        style = "List Number" if ordered else "List Bullet"
        for item in block.items:
            for index, child in enumerate(item.children):
                if isinstance(child, (m.BulletList, m.OrderedList)):
                    self.list(child, level + 1)
                elif index == 0 and isinstance(child, m.Paragraph):
                    paragraph = self.paragraph(style)
                    x.set_numbering(paragraph._p, num_id, min(level, 8))
                    self.inlines(paragraph, child.children)
                else:
                    self.block(child, "List Continue", level)

    def table(self, alignments, rows) -> None:
        columns = max(len(r) for r in rows)
        tbl = CT_Tbl.new_tbl(len(rows), columns, Emu(self.text_width))
        self.sect_pr.addprevious(tbl)
        table = Table(tbl, self.doc._body)
        table.style = self.doc.styles["Table Grid"]
        x.mark_header_row(table.rows[0])
        alignment_names = {"left": "left", "center": "center", "right": "right"}
        for row, cells in zip(table.rows, rows):
            for index, (cell, content) in enumerate(zip(row.cells, cells)):
                paragraph = cell.paragraphs[0]
                align = alignments[index] if index < len(alignments) else ""
                if align:
                    paragraph._p.get_or_add_pPr().append(x.element("w:jc", val=alignment_names[align]))
                formats = frozenset({"bold"}) if row is table.rows[0] else frozenset()
                self.inlines(paragraph, content, formats)

    def footnote(self, note: m.Footnote) -> None:
        for index, block in enumerate(note.children):
            if isinstance(block, m.Paragraph):
                paragraph = self.paragraph("Footnote Text")
                if index == 0:
                    paragraph._p.append(self.run(f"{note.number}", style="Footnote Reference"))
                    paragraph._p.append(self.run(" "))
                self.inlines(paragraph, block.children)
            else:
                self.block(block, "Footnote Text")

    # inlines ------------------------------------------------------------------

    def inlines(self, paragraph: Paragraph, nodes, formats: frozenset = frozenset(), target=None) -> None:
        target = paragraph._p if target is None else target
        for node in nodes:
            if isinstance(node, m.Text):
                target.append(self.run(node.text, formats))
            elif isinstance(node, m.Emph):
                self.inlines(paragraph, node.children, formats | {"italic"}, target)
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, formats | {"bold"}, target)
            elif isinstance(node, m.Code):
                target.append(self.run(node.text, formats, style="Verbatim Char"))
            elif isinstance(node, m.Link):
                self.link(paragraph, node, formats)
            elif isinstance(node, m.SoftBreak):
                target.append(self.run(" ", formats))
            elif isinstance(node, m.LineBreak):
                target.append(_break_run())
            elif isinstance(node, m.Image):
                self.image(paragraph, node, target)
            elif isinstance(node, m.RawHtml):
                target.append(self.run(node.html, formats))
            elif isinstance(node, m.FootnoteRef):
                target.append(self.run(str(node.number), formats, style="Footnote Reference"))
            else:
                raise TypeError(f"no DOCX rule for {type(node).__name__}")

    def link(self, paragraph: Paragraph, link: m.Link, formats: frozenset) -> None:
        if link.is_internal:
            element = x.add_hyperlink(paragraph, anchor=link.url[1:])
        else:
            element = x.add_hyperlink(paragraph, url=link.url)
        for node in link.children:
            if isinstance(node, m.Text):
                element.append(self.run(node.text, formats, style="Hyperlink"))
            else:
                self.inlines(paragraph, (node,), formats, element)

    def image(self, paragraph: Paragraph, image: m.Image, target) -> None:
        if image.path is None or image.path.suffix.lower() in UNSUPPORTED_PICTURES:
            target.append(self.run(f"[{image.alt}]", frozenset({"italic"})))
            return
        r = OxmlElement("w:r")
        target.append(r)
        shape = Run(r, paragraph).add_picture(str(image.path))
        if shape.width > self.text_width:
            shape.height = Emu(int(shape.height * self.text_width / shape.width))
            shape.width = Emu(self.text_width)
        x.set_alt_text(shape, image.alt, image.title)

    # package ------------------------------------------------------------------

    def save(self) -> bytes:
        self.set_properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        date = self.document.meta.date or FIXED_DATE
        return x.normalised_zip(buffer.getvalue(), (max(date.year, 1980), date.month, date.day, 0, 0, 0))

    def set_properties(self) -> None:
        meta = self.document.meta
        props = self.doc.core_properties
        stamp = dt.datetime.combine(meta.date or FIXED_DATE, dt.time())
        props.title = meta.title
        props.subject = meta.summary
        props.author = meta.organisation
        props.last_modified_by = meta.organisation
        props.keywords = ", ".join(meta.keywords)
        props.language = meta.lang
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        props.revision = 1
        props.comments = ""
        props.category = ""
        x.set_default_language(self.doc.styles.element, meta.lang)


def _break_run():
    r = OxmlElement("w:r")
    r.append(OxmlElement("w:br"))
    return r
