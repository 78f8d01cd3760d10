"""The WordprocessingML that python-docx has no API for: hyperlinks, fields, numbering, bookmarks,
footnotes, section breaks, settings, alt text, reproducible packaging. Small functions over lxml
elements, kept apart from the writer."""

from __future__ import annotations

import copy
import io
import zipfile

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart
from lxml import etree

BULLET_ABSTRACT_ID = 9001
DECIMAL_ABSTRACT_ID = 9002
LIST_INDENT_TWIPS = 360
BULLET_GLYPHS = ("\u2022", "\u25e6", "\u25aa")


def element(tag: str, **attributes) -> OxmlElement:
    """A new element; attribute names are given without the w: prefix."""
    node = OxmlElement(tag)
    for name, value in attributes.items():
        node.set(qn(f"w:{name}"), str(value))
    return node


def set_paragraph_style(p, style_id: str) -> None:
    p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), style_id)


def set_numbering(p, num_id: int, level: int) -> None:
    pPr = p.get_or_add_pPr()
    numPr = pPr.get_or_add_numPr()
    numPr.get_or_add_ilvl().val = level
    numPr.get_or_add_numId().val = num_id


def add_hyperlink(paragraph, url: str | None = None, anchor: str | None = None):
    """A w:hyperlink in the paragraph, external (relationship) or internal (bookmark); returns it."""
    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
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
    return _run(element("w:fldChar", fldCharType=kind))


def text_run(text: str):
    """A run of plain text, its spaces kept."""
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    return _run(t)


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
    indent = LIST_INDENT_TWIPS * (level + 1)
    pPr.append(element("w:ind", left=indent, hanging=LIST_INDENT_TWIPS))
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


def set_alt_text(inline_shape, alt: str, title: str = "") -> None:
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", alt)
    if title:
        doc_pr.set("title", title)


def number_drawings(*roots) -> None:
    """Give every picture a document-wide unique id: python-docx counts per part, and the body and the
    footnotes would otherwise share ids, which Word may report as damage."""
    for number, doc_pr in enumerate((d for root in roots for d in root.iter(qn("wp:docPr"))), start=1):
        doc_pr.set("id", str(number))


def mark_header_row(row) -> None:
    """Repeat the row at the top of every page the table spans."""
    row._tr.get_or_add_trPr().append(element("w:tblHeader"))


def keep_rows_together(table) -> None:
    """No row is split across a page break (cantSplit precedes tblHeader in the schema's order)."""
    for row in table.rows:
        trPr = row._tr.get_or_add_trPr()
        header = trPr.find(qn("w:tblHeader"))
        if header is not None:
            header.addprevious(element("w:cantSplit"))
        else:
            trPr.append(element("w:cantSplit"))


def normalised_zip(data: bytes, date_time: tuple) -> bytes:
    """The same package with fixed entry times and order, so identical input gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        ordered = ["[Content_Types].xml"] + sorted(n for n in names if n != "[Content_Types].xml")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def set_default_language(styles, lang: str) -> None:
    """Declare the document language on the default run properties (what Word's proofing uses)."""
    rPr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if rPr_default is None:
        return
    rPr = rPr_default.find(qn("w:rPr"))
    if rPr is None:
        rPr = OxmlElement("w:rPr")
        rPr_default.append(rPr)
    lang_element = rPr.find(qn("w:lang"))
    if lang_element is None:
        lang_element = OxmlElement("w:lang")
        rPr.append(lang_element)
    lang_element.set(qn("w:val"), lang)


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


def add_footnote(footnotes, note_id: int):
    """A new, empty w:footnote with this id at the end of the footnotes part; returns it."""
    note = element("w:footnote", id=note_id)
    footnotes.append(note)
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


def set_table_style(tbl, style_id: str) -> None:
    tbl.tblPr.get_or_add_tblStyle().set(qn("w:val"), style_id)


def set_app_properties(package, application: str, company: str) -> None:
    """Correct the extended properties python-docx copies from its template (which name Word for Mac
    as the application and carry stale counts Word recomputes anyway)."""
    part = next((p for p in package.iter_parts() if p.partname == "/docProps/app.xml"), None)
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
