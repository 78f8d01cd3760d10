"""The Word writer's one XML layer: the WordprocessingML that python-docx has no API for (hyperlinks,
fields, numbering, bookmarks, footnotes, section breaks, settings, alt text, reproducible packaging), and
every other use the writer makes of python-docx's elements and objects (paragraphs, runs, tables,
pictures, sections, styles, properties). Small functions over lxml elements, kept apart from the writer."""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import NamespacePrefixedTag, nsdecls
from docx.oxml.ns import qn as docx_qn
from docx.oxml.parser import oxml_parser
from docx.oxml.table import CT_Tbl
from docx.oxml.shape import CT_Inline
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shape import InlineShape
from docx.shared import Emu
from lxml import etree

BULLET_ABSTRACT_ID = 9001
DECIMAL_ABSTRACT_ID = 9002
LIST_INDENT_TWIPS = 360
BULLET_GLYPHS = ("\u2022", "\u25e6", "\u25aa")
STYLE_KINDS = {WD_STYLE_TYPE.PARAGRAPH: "paragraph", WD_STYLE_TYPE.CHARACTER: "character",
               WD_STYLE_TYPE.TABLE: "table"}


@functools.lru_cache(maxsize=None)
def qn(tag: str) -> str:
    """python-docx's qn ("w:p" as Clark notation), remembered: the writer asks for a few tags many times."""
    return docx_qn(tag)


@functools.lru_cache(maxsize=None)
def _clark_and_namespaces(tag: str) -> tuple[str, dict]:
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


def OxmlElement(tag: str):
    """python-docx's OxmlElement (a new element of its custom class for `tag`), with the tag's name and
    namespace worked out once per tag rather than on every call."""
    clark, namespaces = _clark_and_namespaces(tag)
    return oxml_parser.makeelement(clark, nsmap=namespaces)


def element(tag: str, **attributes) -> OxmlElement:
    """A new element; attribute names are given without the w: prefix."""
    node = OxmlElement(tag)
    for name, value in attributes.items():
        node.set(qn(f"w:{name}"), str(value))
    return node


# the document ------------------------------------------------------------------


def named_styles(doc) -> list[tuple[str, str, str]]:
    """(kind, name, style id) of every named paragraph, character and table style of `doc`, in the
    styles part's order; kind is "paragraph", "character" or "table"."""
    return [(STYLE_KINDS[s.type], s.name, s.style_id) for s in doc.styles if s.name and s.type in STYLE_KINDS]


def empty_body(doc):
    """Remove every block from the body, keeping its final section properties (the body's page setup);
    returns them."""
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    return sect_pr


def body_container(doc):
    """The python-docx container of the body's blocks (proxies made there ask it for .part)."""
    return doc._body


class Story:
    """Stands in for a python-docx container inside the footnotes part (proxies ask it for .part)."""

    def __init__(self, part):
        self.part = part


def numbering(doc):
    """The w:numbering element of the document's numbering part (python-docx adds the part if missing)."""
    return doc.part.numbering_part.element


def document_footnotes(doc) -> FootnotesPart:
    """The document's footnotes part, emptied of notes (see `footnotes_part`)."""
    return footnotes_part(doc.part)


def text_area(doc) -> tuple[int, int]:
    """Width and height of the last section's page less its margins, in EMU."""
    section = doc.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    return int(width), int(height)


def headings(doc, levels: dict[str, int]) -> list[tuple[int, str, str]]:
    """(level, bookmark name, text) of every body paragraph whose style id is in `levels` (style id:
    level), in order; each of them holds its bookmark."""
    found = []
    for p in doc.element.body.iterchildren(qn("w:p")):
        style = _STYLE(p)
        if style and style[0] in levels:
            start = p.find(qn("w:bookmarkStart"))
            found.append((levels[style[0]], start.get(qn("w:name")), paragraph_text(p)))
    return found


# XPath compiled once: python-docx's element.xpath() compiles its expression on every call
_NAMESPACES = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_STYLE = etree.XPath("w:pPr/w:pStyle/@w:val", namespaces=_NAMESPACES, smart_strings=False)
_TEXTS = etree.XPath(".//w:t/text()", namespaces=_NAMESPACES, smart_strings=False)


def paragraph_text(p) -> str:
    """The text of the paragraph's w:t elements (what p.xpath(".//w:t/text()") gives), joined."""
    return "".join(_TEXTS(p))


# paragraphs and runs -------------------------------------------------------------


def new_paragraph(style_id: str | None = None):
    """A w:p element, in the paragraph style `style_id` (else Normal), not placed anywhere yet."""
    return _copy(_paragraph_model(style_id))


@functools.lru_cache(maxsize=None)
def _paragraph_model(style_id: str | None):
    p = OxmlElement("w:p")
    if style_id is not None:
        set_paragraph_style(p, style_id)
    return p


def set_paragraph_style(p, style_id: str) -> None:
    """As p.get_or_add_pPr().get_or_add_pStyle(), without python-docx's search of the schema's order: w:pPr
    is the first child of a paragraph and w:pStyle the first of its properties."""
    pPr = p.find(qn("w:pPr"))
    if pPr is None:
        pPr = OxmlElement("w:pPr")
        p.insert(0, pPr)
    pStyle = pPr.find(qn("w:pStyle"))
    if pStyle is None:
        pStyle = OxmlElement("w:pStyle")
        pPr.insert(0, pStyle)
    pStyle.set(qn("w:val"), style_id)


def set_alignment(p, align: str) -> None:
    p.get_or_add_pPr().append(element("w:jc", val=align))


def replace_with(old, new_elements) -> None:
    """Put `new_elements` where `old` is, in order, and remove `old`."""
    for new in new_elements:
        old.addprevious(new)
    old.getparent().remove(old)


def set_numbering(p, num_id: int, level: int) -> None:
    pPr = p.get_or_add_pPr()
    numPr = pPr.get_or_add_numPr()
    numPr.get_or_add_ilvl().val = level
    numPr.get_or_add_numId().val = num_id


def add_hyperlink(p, parent, url: str | None = None, anchor: str | None = None):
    """A w:hyperlink at the end of `p`, external (a relationship of `parent`'s part) or internal
    (a bookmark); returns it."""
    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), parent.part.relate_to(url, RT.HYPERLINK, is_external=True))
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    p.append(link)
    return link


def internal_link(anchor: str, run):
    """A w:hyperlink to the bookmark `anchor` holding `run`, not placed anywhere yet."""
    link = element("w:hyperlink", anchor=anchor, history=1)
    link.append(run)
    return link


def contents_link(anchor: str, text: str, instruction: str):
    """internal_link(anchor, text_run(text)) followed by a tab and the field `instruction` with an empty
    result (a contents entry's page number), not placed anywhere yet: a copy of one made once."""
    link = _copy(_contents_link_model())
    link.set(qn("w:anchor"), anchor)
    link[0][-1].text = text
    link[3][-1].text = f" {instruction} "  # the w:instrText of the field's second run
    return link


@functools.lru_cache(maxsize=None)
def _contents_link_model():
    link = internal_link("", text_run(""))
    link.append(tab_run())
    for run in field_runs("", [text_run("")]):
        link.append(run)
    return link


def add_bookmark(p, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark (the target of internal links and TOC entries)."""
    start = element("w:bookmarkStart", id=bookmark_id, name=name)
    pPr = p.pPr
    if pPr is not None:
        pPr.addnext(start)
    else:
        p.insert(0, start)
    p.append(element("w:bookmarkEnd", id=bookmark_id))


def add_bookmarked(p, name: str, bookmark_id: int, elements) -> None:
    """Append `elements` to `p` inside a bookmark (what a REF field to `name` repeats)."""
    p.append(element("w:bookmarkStart", id=bookmark_id, name=name))
    for child in elements:
        p.append(child)
    p.append(element("w:bookmarkEnd", id=bookmark_id))


def field_runs(instruction: str, cached_runs) -> list:
    """A complex field as a list of runs, to place anywhere (inside a hyperlink, a bookmark)."""
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    return [_field_char("begin"), _run(instr), _field_char("separate"), *cached_runs, _field_char("end")]


def tab_run():
    return _run(OxmlElement("w:tab"))


def add_field(p, instruction: str, cached_runs) -> None:
    """A complex field: begin, instruction, separate, the cached result runs, end."""
    begin_field(p, instruction)
    for cached in cached_runs:
        p.append(cached)
    end_field(p)


def begin_field(p, instruction: str) -> None:
    """The start of a complex field up to its cached result (which may span paragraphs, as a TOC's does)."""
    p.append(_field_char("begin"))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    p.append(run)
    p.append(_field_char("separate"))


def end_field(p) -> None:
    p.append(_field_char("end"))


def _field_char(kind: str):
    return _copy(_field_char_model(kind))


@functools.lru_cache(maxsize=None)
def _field_char_model(kind: str):
    return _run(element("w:fldChar", fldCharType=kind))


def _copy(model):
    """A copy of `model` and its descendants: what copy.deepcopy makes of an lxml element, without the
    copy module's bookkeeping, which cost as much as the copy."""
    return model.__deepcopy__(None)


def text_run(text: str):
    """A run of plain text, its spaces kept."""
    return formatted_run(text)


def formatted_run(text: str, style_id: str | None = None, bold: bool = False, italic: bool = False,
                  superscript: bool = False):
    """A run of text in the character style `style_id`, with direct bold, italic and superscript: a copy
    of the first such run made (copying one is faster than making its elements again), given `text`."""
    run = _copy(_run_model(style_id, bold, italic, superscript))
    run[-1].text = text  # the w:t, after any w:rPr
    return run


@functools.lru_cache(maxsize=None)
def _run_model(style_id: str | None, bold: bool, italic: bool, superscript: bool):
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = ""
    run = _run(t)
    if style_id is None and not (bold or italic or superscript):
        return run
    rPr = OxmlElement("w:rPr")
    if style_id is not None:
        rPr.append(element("w:rStyle", val=style_id))
    if bold:
        rPr.append(element("w:b"))
    if italic:
        rPr.append(element("w:i"))
    if superscript:
        rPr.append(element("w:vertAlign", val="superscript"))
    if len(rPr):
        run.insert(0, rPr)
    return run


def break_run(**attributes):
    """A line break, or with type="page" a page break."""
    return _run(element("w:br", **attributes))


def _run(*children):
    run = OxmlElement("w:r")
    for child in children:
        run.append(child)
    return run


def ensure_list_definitions(numbering) -> None:
    """Add the bullet and decimal abstract numbering definitions once per document."""
    existing = {a.get(qn("w:abstractNumId")) for a in numbering.findall(qn("w:abstractNum"))}
    for abstract_id, kind in ((BULLET_ABSTRACT_ID, "bullet"), (DECIMAL_ABSTRACT_ID, "decimal")):
        if str(abstract_id) in existing:
            continue
        abstract = element("w:abstractNum", abstractNumId=abstract_id)
        abstract.append(element("w:multiLevelType", val="hybridMultilevel"))
        for level in range(9):
            abstract.append(_list_level(level, kind))
        first_num = numbering.find(qn("w:num"))  # abstractNums must precede nums (schema order)
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)


def _list_level(level: int, kind: str):
    lvl = element("w:lvl", ilvl=level)
    lvl.append(element("w:start", val=1))
    if kind == "bullet":
        lvl.append(element("w:numFmt", val="bullet"))
        lvl.append(element("w:lvlText", val=BULLET_GLYPHS[level % len(BULLET_GLYPHS)]))
    else:
        lvl.append(element("w:numFmt", val=("decimal", "lowerLetter", "lowerRoman")[level % 3]))
        lvl.append(element("w:lvlText", val=f"%{level + 1}."))
    lvl.append(element("w:lvlJc", val="left"))
    pPr = OxmlElement("w:pPr")
    pPr.append(element("w:ind", left=list_indent(level), hanging=LIST_INDENT_TWIPS))
    lvl.append(pPr)
    return lvl


def add_list_instance(numbering, ordered: bool, start: int, level: int) -> int:
    """A new w:num over the shared definition; an ordered list restarts at `start` on the level its items
    use. Returns its numId."""
    ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(ids, default=0) + 1
    num = element("w:num", numId=num_id)
    num.append(element("w:abstractNumId", val=DECIMAL_ABSTRACT_ID if ordered else BULLET_ABSTRACT_ID))
    if ordered:
        override = element("w:lvlOverride", ilvl=level)
        override.append(element("w:startOverride", val=start))
        num.append(override)
    numbering.append(num)
    return num_id


def add_picture(target, parent, data: bytes, name: str, shape_id: int):
    """A run at the end of `target` holding the picture `data`, related to `parent`'s part, named `name`
    (its file name, as when python-docx reads it by name), its drawing numbered `shape_id`; returns its
    inline shape. As python-docx's Run.add_picture, but given the id: python-docx finds the next one by
    searching the whole part, which made a document's n pictures cost n squared."""
    run = OxmlElement("w:r")
    target.append(run)
    rid, image = parent.part.get_or_add_image(io.BytesIO(data))
    cx, cy = image.scaled_dimensions(None, None)
    inline = CT_Inline.new_pic_inline(shape_id, rid, name, cx, cy)
    run.add_drawing(inline)
    return InlineShape(inline)


def largest_shape_id(part) -> int:
    """The largest drawing id in `part` (0 if none): the id python-docx's next picture would follow."""
    return max((int(value) for value in part.element.xpath("//@id") if value.isdigit()), default=0)


def fit_picture(inline_shape, width: int, height: int) -> None:
    """Shrink the picture, keeping its proportions, to fit `width` by `height` (EMU); never enlarge it."""
    scale = min(1.0, width / inline_shape.width, height / inline_shape.height)
    if scale < 1:
        inline_shape.width = Emu(int(inline_shape.width * scale))
        inline_shape.height = Emu(int(inline_shape.height * scale))


def set_alt_text(inline_shape, alt: str, title: str = "") -> None:
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", alt)
    if title:
        doc_pr.set("title", title)


def number_drawings(doc, footnotes: FootnotesPart) -> None:
    """Give every picture a document-wide unique id: python-docx counts per part, and the body and the
    footnotes would otherwise share ids, which Word may report as damage."""
    roots = (doc.element.body, footnotes.element)
    for number, doc_pr in enumerate((d for root in roots for d in root.iter(qn("wp:docPr"))), start=1):
        doc_pr.set("id", str(number))


# tables ------------------------------------------------------------------------


def new_table(rows: int, columns: int, width: int, style_id: str):
    """A w:tbl of `rows` by `columns` empty cells sharing `width` (EMU), in the table style `style_id`,
    its first row a header row and no row split across pages; not placed anywhere yet."""
    tbl = CT_Tbl.new_tbl(rows, columns, Emu(width))
    set_table_style(tbl, style_id)
    mark_header_row(tbl.tr_lst[0])
    keep_rows_together(tbl)
    return tbl


def cell_paragraphs(tbl) -> list[list]:
    """The paragraph of each cell of a new table (one per cell), row by row."""
    return [[tc.p_lst[0] for tc in tr.tc_lst] for tr in tbl.tr_lst]


def mark_header_row(tr) -> None:
    """Repeat the row at the top of every page the table spans."""
    tr.get_or_add_trPr().append(element("w:tblHeader"))


def keep_rows_together(tbl) -> None:
    """No row is split across a page break (cantSplit precedes tblHeader in the schema's order)."""
    for tr in tbl.tr_lst:
        trPr = tr.get_or_add_trPr()
        header = trPr.find(qn("w:tblHeader"))
        if header is not None:
            header.addprevious(element("w:cantSplit"))
        else:
            trPr.append(element("w:cantSplit"))


def keep_with_next(paragraphs) -> None:
    """Each paragraph stays on the page of the one after it (keepNext, first in pPr after the style)."""
    for p in paragraphs:
        pPr = p.get_or_add_pPr()
        if pPr.find(qn("w:keepNext")) is None:
            style = pPr.find(qn("w:pStyle"))
            if style is not None:
                style.addnext(element("w:keepNext"))
            else:
                pPr.insert(0, element("w:keepNext"))


PBDR_SUCCESSORS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                   "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                   "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def style_quote_look(doc, style_id: str) -> tuple[object | None, int]:
    """The paragraph border and left indent (twips) of paragraph style `style_id`: the look of a quote."""
    style = doc.styles.element.get_by_id(style_id)
    pPr = style.pPr if style is not None else None
    if pPr is None:
        return None, 0
    ind = pPr.find(qn("w:ind"))
    start = (ind.get(qn("w:start")) or ind.get(qn("w:left")) or ind.get(qn("w:right"))) if ind is not None else None
    return pPr.find(qn("w:pBdr")), int(start or 0)


def set_quote_look(p, border, start: int, hanging: int = 0, rtl: bool = False) -> None:
    """Give `p` a quote's border and an indent of `start` twips at the side lines start from (right in a
    right-to-left document), a list item's `hanging` under it."""
    pPr = p.get_or_add_pPr()
    if border is not None and pPr.find(qn("w:pBdr")) is None:
        pPr.insert_element_before(copy.deepcopy(border), *PBDR_SUCCESSORS)
    ind = pPr.get_or_add_ind()
    ind.set(qn("w:right" if rtl else "w:left"), str(start))
    if hanging:
        ind.set(qn("w:hanging"), str(hanging))


def list_indent(level: int) -> int:
    """The left indent (twips) of a list item's text at `level` (0 for the outermost)."""
    return LIST_INDENT_TWIPS * (level + 1)


def table_paragraphs(tbl, rows: slice = slice(None)) -> list:
    """The paragraphs in the given rows of `tbl`."""
    return [p for tr in tbl.tr_lst[rows] for p in tr.iter(qn("w:p"))]


def normalised_zip(entries: dict[str, bytes], date_time: tuple) -> bytes:
    """The package's entries zipped with fixed times and order, so identical input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        ordered = ["[Content_Types].xml"] + sorted(n for n in entries if n != "[Content_Types].xml")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    return out.getvalue()


def set_default_language(doc, lang: str) -> None:
    """Declare the document language on the default run properties (what Word's proofing uses)."""
    lang_element = _default_language(doc)
    if lang_element is not None:
        lang_element.set(qn("w:val"), lang)


def _default_language(doc):
    """The w:lang of the default run properties (made if missing), or None for styles without defaults."""
    rPr_default = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if rPr_default is None:
        return None
    rPr = rPr_default.find(qn("w:rPr"))
    if rPr is None:
        rPr = OxmlElement("w:rPr")
        rPr_default.append(rPr)
    lang_element = rPr.find(qn("w:lang"))
    if lang_element is None:
        lang_element = OxmlElement("w:lang")
        rPr.append(lang_element)
    return lang_element


# footnotes -------------------------------------------------------------------

SEPARATOR_IDS = {"separator": -1, "continuationSeparator": 0}


class FootnotesPart(StoryPart):
    """/word/footnotes.xml: a story part, so notes can hold hyperlinks and pictures like the body."""

    @classmethod
    def new(cls, package) -> FootnotesPart:
        element = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
        return cls(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, package)


# python-docx loads parts it has no class for as opaque bytes; register ours as python-docx registers its own.
PartFactory.part_type_for[CT.WML_FOOTNOTES] = FootnotesPart


def footnotes_part(document_part) -> FootnotesPart:
    """The document's footnotes part, created when the reference document has none, emptied of notes
    but keeping (or adding) the separator notes Word requires."""
    try:
        part = document_part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        part = FootnotesPart.new(document_part.package)
        document_part.relate_to(part, RT.FOOTNOTES)
    root = part.element
    kinds = set()
    for note in root.findall(qn("w:footnote")):
        kind = note.get(qn("w:type"))
        if kind in SEPARATOR_IDS:
            kinds.add(kind)
        else:
            root.remove(note)
    for kind, note_id in SEPARATOR_IDS.items():
        if kind not in kinds:
            root.insert(note_id + 1, _separator_note(kind, note_id))
    return part


def _separator_note(kind: str, note_id: int):
    note = element("w:footnote", type=kind, id=note_id)
    p = OxmlElement("w:p")
    pPr = OxmlElement("w:pPr")
    pPr.append(element("w:spacing", after=0, line=240, lineRule="auto"))
    p.append(pPr)
    run = OxmlElement("w:r")
    run.append(OxmlElement(f"w:{kind}"))
    p.append(run)
    note.append(p)
    return note


def add_footnote(footnotes: FootnotesPart, note_id: int):
    """A new, empty w:footnote with this id at the end of the footnotes part; returns it."""
    note = element("w:footnote", id=note_id)
    footnotes.element.append(note)
    return note


def footnote_reference_run(note_id: int, style_id: str):
    """The run in the text that Word numbers and links to footnote `note_id`."""
    return _run(_run_style(style_id), element("w:footnoteReference", id=note_id))


def footnote_mark_run(style_id: str):
    """The number at the start of the note itself (w:footnoteRef: Word fills in the number)."""
    return _run(_run_style(style_id), OxmlElement("w:footnoteRef"))


def _run_style(style_id: str):
    rPr = OxmlElement("w:rPr")
    rPr.append(element("w:rStyle", val=style_id))
    return rPr


# settings and sections ---------------------------------------------------------


def settings(doc):
    """The w:settings element of the document's settings part."""
    return doc.settings.element

# CT_Settings children that must follow w:updateFields and w:footnotePr (the schema is a sequence).
_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                        "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                        "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
                        "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
                        "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def set_update_fields(settings) -> None:
    """Ask Word to refresh fields (the TOC's page numbers) when the document is opened."""
    if settings.find(qn("w:updateFields")) is None:
        settings.insert_element_before(element("w:updateFields", val="true"), *_AFTER_UPDATE_FIELDS)


def set_footnote_separators(settings) -> None:
    """Name the separator footnotes in settings, as Word itself does."""
    if settings.find(qn("w:footnotePr")) is not None:
        return
    footnote_pr = OxmlElement("w:footnotePr")
    for note_id in SEPARATOR_IDS.values():
        footnote_pr.append(element("w:footnote", id=note_id))
    settings.insert_element_before(footnote_pr, *_AFTER_UPDATE_FIELDS[2:])


def end_section(p, body_sect_pr) -> None:
    """Make `p` the last paragraph of a section with the body's page setup but no header or footer."""
    sect_pr = copy.deepcopy(body_sect_pr)
    for child in list(sect_pr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg"), qn("w:type")):
            sect_pr.remove(child)
    p.get_or_add_pPr().append(sect_pr)


def unlinked_header_and_footer(doc, sect_pr) -> tuple:
    """The header and footer of the section `sect_pr` ends, made its own (not linked to the previous
    section's) and emptied: their w:hdr and w:ftr elements."""
    section = Section(sect_pr, doc.part)
    header, footer = section.header, section.footer
    header.is_linked_to_previous = False
    footer.is_linked_to_previous = False
    for story in (header, footer):
        for child in list(story._element):
            story._element.remove(child)
    return header._element, footer._element


def set_table_style(tbl, style_id: str) -> None:
    tbl.tblPr.get_or_add_tblStyle().set(qn("w:val"), style_id)


def set_core_properties(doc, *, title: str, subject: str, author: str, keywords: str, language: str,
                        stamp) -> None:
    """The core properties (docProps/core.xml): `author` also last modified them, `stamp` is every date,
    one revision, no comments or category. python-docx writes the elements in the order set here."""
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.keywords = keywords
    props.language = language
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = ""
    props.category = ""


def set_app_properties(doc, application: str, company: str) -> None:
    """Correct the extended properties python-docx copies from its template (which name Word for Mac
    as the application and carry stale counts Word recomputes anyway)."""
    part = next((p for p in doc.part.package.iter_parts() if p.partname == "/docProps/app.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    namespace = root.nsmap.get(None, "")
    values = {"Application": application, "Company": company, "Template": None, "AppVersion": None}
    for name, value in values.items():
        node = root.find(f"{{{namespace}}}{name}")
        if node is not None and value is None:
            root.remove(node)
        elif node is not None:
            node.text = value
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Entries(dict):
    """Stands in for python-docx's zip writer: keeps each entry's bytes by name, to be zipped once."""

    def write(self, pack_uri, blob) -> None:
        self[pack_uri.membername] = blob


def package_entries(doc) -> dict[str, bytes]:
    """The entries python-docx's save would zip (content types, relationships, parts), by name; written by
    its own package writer, so zipping them once (not zipping, reading back and zipping again) gives the
    same bytes."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries = _Entries()
    PackageWriter._write_content_types_stream(entries, parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, parts)
    return entries


# right to left ---------------------------------------------------------------------

# Schema order (CT_PPr, CT_RPr, CT_SectPr, CT_TblPr): what may follow the element being added.
BIDI_SUCCESSORS = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")
RTL_SUCCESSORS = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
SECT_BIDI_SUCCESSORS = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
BIDI_VISUAL_SUCCESSORS = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
                          "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                          "w:tblCaption", "w:tblDescription", "w:tblPrChange")
# Word's default region for a bare right-to-left language tag ("ar" alone is not a Word language id)
BIDI_LANGUAGE_IDS = {"ar": "ar-SA", "fa": "fa-IR", "he": "he-IL", "ur": "ur-PK", "ps": "ps-AF", "yi": "yi-001",
                     "sd": "sd-Arab-PK", "ug": "ug-CN", "dv": "dv-MV", "ckb": "ku-Arab-IQ"}
RTL_SCRIPT_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF), (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))


def is_rtl_character(character: str) -> bool:
    point = ord(character)
    return any(low <= point <= high for low, high in RTL_SCRIPT_RANGES)


def has_strong_letters(text: str) -> bool:
    return any(character.isalpha() for character in text)


def set_paragraph_direction(p, rtl: bool) -> None:
    """`w:bidi` (on, or explicitly off for a left-to-right paragraph in a right-to-left document)."""
    pPr = p.get_or_add_pPr()
    if pPr.find(qn("w:bidi")) is not None:
        return
    bidi = element("w:bidi") if rtl else element("w:bidi", val=0)
    pPr.insert_element_before(bidi, *BIDI_SUCCESSORS)


def paragraph_is_rtl(p) -> bool | None:
    """True or False where the paragraph says so, None where it does not."""
    pPr = p.pPr
    bidi = pPr.find(qn("w:bidi")) if pPr is not None else None
    if bidi is None:
        return None
    return bidi.get(qn("w:val")) not in ("0", "false", "off")


def mark_rtl_runs(p, rtl_paragraph: bool) -> None:
    """Split each run of `p` where its text changes script direction, and mark the right-to-left pieces
    `w:rtl` (with complex-script bold and italic). Latin words stay in runs of their own, left to right, so
    they keep their order and their font inside an Arabic sentence; spaces, digits and punctuation between
    pieces of different directions go with the paragraph's direction."""
    for run in list(p.iter(qn("w:r"))):
        texts = run.findall(qn("w:t"))
        if len(texts) != 1 or not texts[0].text:
            continue
        pieces = direction_pieces(texts[0].text, rtl_paragraph)
        if len(pieces) == 1:
            if pieces[0][0]:
                set_run_rtl(run)
            continue
        for rtl, text in pieces:
            piece = copy.deepcopy(run)
            piece.find(qn("w:t")).text = text
            if rtl:
                set_run_rtl(piece)
            run.addprevious(piece)
        run.getparent().remove(run)


def direction_pieces(text: str, rtl_paragraph: bool) -> list[tuple[bool, str]]:
    """(right to left?, text) pieces of `text`: letters decide; what has no direction (spaces, digits,
    punctuation) takes its neighbours' direction where both agree, else the paragraph's."""
    kinds = ["R" if is_rtl_character(c) else "L" if c.isalpha() else "N" for c in text]
    strong = [k for k in kinds if k != "N"]
    if not strong:
        return [(rtl_paragraph, text)]
    resolved, before = [], None
    for index, kind in enumerate(kinds):
        if kind == "N":
            after = next((k for k in kinds[index + 1:] if k != "N"), None)
            if before == after or after is None or before is None:
                kind = before or after
            else:
                kind = "R" if rtl_paragraph else "L"
        else:
            before = kind
        resolved.append(kind)
    pieces: list[tuple[bool, str]] = []
    for character, kind in zip(text, resolved):
        if pieces and pieces[-1][0] == (kind == "R"):
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + character)
        else:
            pieces.append((kind == "R", character))
    return pieces


def set_run_language(run, lang: str) -> None:
    """The run's language: `w:lang w:val`, and `w:bidi` too for a right-to-left one."""
    rPr = run.get_or_add_rPr()
    lang_element = rPr.find(qn("w:lang"))
    if lang_element is None:
        lang_element = element("w:lang")
        rPr.insert_element_before(lang_element, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang_element.set(qn("w:val"), lang)
    if lang.split("-")[0].lower() in BIDI_LANGUAGE_IDS:
        lang_element.set(qn("w:bidi"), BIDI_LANGUAGE_IDS[lang.split("-")[0].lower()] if "-" not in lang else lang)


def set_run_rtl(run) -> None:
    rPr = run.get_or_add_rPr()
    if rPr.find(qn("w:rtl")) is not None:
        return
    for latin, complex_script in (("w:b", "w:bCs"), ("w:i", "w:iCs")):
        found = rPr.find(qn(latin))
        if found is not None and rPr.find(qn(complex_script)) is None:
            found.addnext(element(complex_script))
    rPr.insert_element_before(element("w:rtl"), *RTL_SUCCESSORS)


def set_section_rtl(sect_pr) -> None:
    """Page numbers, columns and gutter of the section run right to left."""
    if sect_pr.find(qn("w:bidi")) is None:
        sect_pr.insert_element_before(element("w:bidi"), *SECT_BIDI_SUCCESSORS)


def set_table_rtl(tbl) -> None:
    """The table's columns run right to left (the first column on the right)."""
    tblPr = tbl.tblPr
    if tblPr.find(qn("w:bidiVisual")) is None:
        tblPr.insert_element_before(element("w:bidiVisual"), *BIDI_VISUAL_SUCCESSORS)


def set_lists_rtl(numbering) -> None:
    """The list levels' numbers and bullets on the right, their indents from the right edge (Word writes a
    right-to-left paragraph's indents as w:right, and LibreOffice reads them so)."""
    for abstract_id in (BULLET_ABSTRACT_ID, DECIMAL_ABSTRACT_ID):
        for pPr in numbering.xpath(f"./w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl/w:pPr"):
            if pPr.find(qn("w:bidi")) is None:
                pPr.insert_element_before(element("w:bidi"), *BIDI_SUCCESSORS)
            mirror_paragraph_properties(pPr)


def mirror_paragraph_properties(pPr) -> None:
    """Swap left and right in the indents and borders of `pPr` (a style's or a paragraph's)."""
    ind = pPr.find(qn("w:ind"))
    if ind is not None:
        left, right = ind.get(qn("w:left")), ind.get(qn("w:right"))
        for name, value in (("w:right", left), ("w:left", right)):
            if value is None:
                ind.attrib.pop(qn(name), None)
            else:
                ind.set(qn(name), value)
    borders = pPr.find(qn("w:pBdr"))
    if borders is not None:
        sides = {child.tag: child for child in borders}
        left, right = sides.get(qn("w:left")), sides.get(qn("w:right"))
        for child, tag in ((left, "w:right"), (right, "w:left")):
            if child is not None:
                child.tag = qn(tag)
        # the schema orders the sides top, left, bottom, right
        for tag in ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"):
            found = borders.find(qn(tag))
            if found is not None:
                borders.remove(found)
                borders.append(found)


def mirror_style(doc, style_id: str) -> None:
    style = doc.styles.element.get_by_id(style_id)
    if style is not None and style.pPr is not None:
        mirror_paragraph_properties(style.pPr)


def set_default_bidi_language(doc, lang: str) -> None:
    """The complex-script language (`w:lang w:bidi`) of the default run properties."""
    lang_element = _default_language(doc)
    if lang_element is None:
        return
    base = lang.split("-")[0].lower()
    lang_element.set(qn("w:bidi"), lang if "-" in lang else BIDI_LANGUAGE_IDS.get(base, lang))


RTL_TEXT = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in RTL_SCRIPT_RANGES) + "]")


def story_paragraphs(doc, footnotes) -> list:
    """Every paragraph of the body, the footnotes, and the headers and footers (tables' included)."""
    roots = [doc.element.body, footnotes.element]
    for rel in doc.part.rels.values():
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
            roots.append(rel.target_part.element)
    return [p for root in roots for p in root.iter(qn("w:p"))]


def holds_rtl_text(doc, footnotes) -> bool:
    """Whether any text of the body or the footnotes is in a right-to-left script (their text taken by
    lxml's text serialisation, twice as fast as joining the XPath text() nodes; itertext makes a
    python-docx object of every element it passes, ten times slower)."""
    return any(RTL_TEXT.search(etree.tostring(root, method="text", encoding=str, with_tail=False))
               for root in (doc.element.body, footnotes.element))
