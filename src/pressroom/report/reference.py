"""Builds templates/report/reference.docx: the Word styles the report writer uses.

Run `make reference-doc` (or `python -m pressroom.report.reference PATH`) to rebuild it. A designer may
instead restyle it in Word and save it over the file: the writer only needs the style names to exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Inches, Mm, Pt, RGBColor

from . import xml as x

TEXT_FONT = "Noto Serif"
DISPLAY_FONT = "Noto Sans"
CODE_FONT = "DejaVu Sans Mono"
ACCENT = RGBColor(0x0F, 0x6E, 0x74)
ACCENT_HEX = "0F6E74"
COMPLEX_SCRIPT_FONT = "Noto Naskh Arabic"
COMPLEX_SCRIPT_SCALE = 1.15  # Naskh beside Latin text of the same size looks a size smaller
SZCS_SUCCESSORS = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                   "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
QUOTE_INDENT = Mm(6)
INK = RGBColor(0x1D, 0x24, 0x33)
RULE = "BFD4D6"
HEADER_FILL = "DCEBEC"  # light, so the text colour of any paragraph style stays readable


def build_reference_document() -> bytes:
    """The reference document as bytes (reproducible)."""
    document = docx.Document()
    _page_setup(document.sections[0])
    _text_styles(document.styles)
    _note_styles(document.styles)
    _toc_styles(document.styles, _text_width(document.sections[0]))
    _table_style(document.styles)
    _link_and_rule_styles(document.styles)  # after the table style: styles.xml keeps the order of adding
    _drop_thumbnail(document)
    x.footnotes_part(document.part)  # separator notes a designer can restyle; the writer fills in the notes
    x.set_footnote_separators(document.settings.element)
    for zoom in document.settings.element.findall(x.qn("w:zoom")):  # the schema requires a percentage
        zoom.set(x.qn("w:percent"), "100")

    document.core_properties.title = "Pressroom reference document"
    return x.normalised_zip(x.package_entries(document), (2000, 1, 1, 0, 0, 0))


def _text_styles(styles) -> None:
    """Body text, headings, quotes, code, captions, running header and footer."""
    _font(styles["Normal"], TEXT_FONT, 10.5, INK)
    for name, size in (("Title", 28), ("Subtitle", 14), ("Heading 1", 18), ("Heading 2", 14),
                       ("Heading 3", 12), ("Heading 4", 11), ("Heading 5", 10.5), ("Heading 6", 10.5),
                       ("TOC Heading", 16)):
        _font(styles[name], DISPLAY_FONT, size, ACCENT)
    _font(styles["Quote"], TEXT_FONT, 11, ACCENT)
    quote = styles["Quote"].element.get_or_add_pPr()  # a rule down the left, as in the brochure
    borders = x.element("w:pBdr")
    borders.append(x.element("w:left", val="single", sz=12, space=8, color=ACCENT_HEX))
    quote.insert_element_before(borders, *x.PBDR_SUCCESSORS)
    styles["Quote"].paragraph_format.left_indent = QUOTE_INDENT

    code = _add(styles, "Source Code", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _font(code, CODE_FONT, 9, INK)
    code.paragraph_format.space_after = Pt(6)
    _font(_add(styles, "Verbatim Char", WD_STYLE_TYPE.CHARACTER), CODE_FONT, 9, None)
    for name in ("Header", "Footer"):
        _font(styles[name], DISPLAY_FONT, 8.5, ACCENT)
    styles["Caption"].font.color.rgb = ACCENT
    table_caption = _add(styles, "Table Caption", WD_STYLE_TYPE.PARAGRAPH, "Caption", "TableCaption")
    table_caption.paragraph_format.keep_with_next = True  # above its table, never alone at a page's foot
    figure = _add(styles, "Captioned Figure", WD_STYLE_TYPE.PARAGRAPH, "Normal", "CaptionedFigure")
    figure.paragraph_format.keep_with_next = True  # the picture stays with its caption below
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _link_and_rule_styles(styles) -> None:
    """Hyperlinks, and the paragraph that stands for a thematic break (a rule below it)."""
    link = _add(styles, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = ACCENT
    link.font.underline = True
    rule = _add(styles, "Thematic Break", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    pPr = rule.element.get_or_add_pPr()
    borders = x.element("w:pBdr")
    borders.append(x.element("w:bottom", val="single", sz=6, space=1, color=ACCENT))
    pPr.insert(0, borders)


def _note_styles(styles) -> None:
    """The footnote text and reference styles."""
    # Word's built-in styles keep lower-case names in styles.xml ("footnote text", "toc 1"): using
    # them makes Word treat these as its own footnote and TOC styles when it updates the document.
    note = _add(styles, "footnote text", WD_STYLE_TYPE.PARAGRAPH, "Normal", "FootnoteText")
    _font(note, TEXT_FONT, 9, None)
    note.paragraph_format.space_after = Pt(0)
    reference = _add(styles, "footnote reference", WD_STYLE_TYPE.CHARACTER, None, "FootnoteReference")
    reference.font.superscript = True


def _toc_styles(styles, text_width) -> None:
    """Contents entries, indented by level, with dotted leaders to the page number at the right margin."""
    for level in (1, 2, 3):
        toc = _add(styles, f"toc {level}", WD_STYLE_TYPE.PARAGRAPH, "Normal", f"TOC{level}")
        toc.paragraph_format.left_indent = Inches(0.25 * (level - 1))
        toc.paragraph_format.space_after = Pt(4 if level == 1 else 2)
        toc.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.priority = 39
    # Word's own style for lists of figures and tables (TOC \c), with the same leaders
    figures = _add(styles, "table of figures", WD_STYLE_TYPE.PARAGRAPH, "Normal", "TableofFigures")
    figures.paragraph_format.space_after = Pt(2)
    figures.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    figures.priority = 99


def _text_width(section):
    return section.page_width - section.left_margin - section.right_margin


def _page_setup(section) -> None:
    """A4 with 25 mm margins: the paper most of the report's readers print on (change it in Word)."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.header_distance = section.footer_distance = Mm(12)


def _add(styles, name, kind, base=None, style_id=None):
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, kind)
    if style_id:
        style.element.styleId = style_id
    if base:
        style.base_style = styles[base]
    style.quick_style = True
    return style


def _table_style(styles):
    """"Report Table": rules between rows, a tinted header row (conditional formatting, so a table only
    needs the style and Word's "header row" option)."""
    style = _add(styles, "Report Table", WD_STYLE_TYPE.TABLE, "Normal Table", "ReportTable")
    style.paragraph_format.space_before = Pt(3)
    style.paragraph_format.space_after = Pt(3)
    tbl_pr = x.element("w:tblPr")
    borders = x.element("w:tblBorders")
    borders.append(x.element("w:top", val="single", sz=8, space=0, color=ACCENT))
    borders.append(x.element("w:bottom", val="single", sz=8, space=0, color=ACCENT))
    borders.append(x.element("w:insideH", val="single", sz=4, space=0, color=RULE))
    tbl_pr.append(borders)
    margins = x.element("w:tblCellMar")
    margins.append(x.element("w:left", w=108, type="dxa"))
    margins.append(x.element("w:right", w=108, type="dxa"))
    tbl_pr.append(margins)
    style.element.append(tbl_pr)
    header = x.element("w:tblStylePr", type="firstRow")
    r_pr = x.element("w:rPr")
    r_pr.append(x.element("w:b"))
    header.append(r_pr)
    tc_pr = x.element("w:tcPr")
    tc_pr.append(x.element("w:shd", val="clear", color="auto", fill=HEADER_FILL))
    header.append(tc_pr)
    style.element.append(header)


def _drop_thumbnail(document):
    """python-docx's template carries a thumbnail of someone else's page; file browsers would show it."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


def _font(style, family, size, colour):
    style.font.name = family
    style.font.size = Pt(size)
    if colour is not None:
        style.font.color.rgb = colour
    _complex_script_font(style, size)


def _complex_script_font(style, size) -> None:
    """The font and size Word uses for Arabic, Hebrew and other complex-script text in this style: Naskh
    reads smaller than Latin type at the same size, so it is set a step larger."""
    rPr = style.element.get_or_add_rPr()
    rPr.get_or_add_rFonts().set(x.qn("w:cs"), COMPLEX_SCRIPT_FONT)
    for old in rPr.findall(x.qn("w:szCs")):
        rPr.remove(old)
    half_points = round(size * COMPLEX_SCRIPT_SCALE * 2)
    rPr.insert_element_before(x.element("w:szCs", val=half_points), *SZCS_SUCCESSORS)


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("templates/report/reference.docx")
    target.write_bytes(build_reference_document())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
