"""Builds templates/report/reference.docx: the Word styles the report writer uses.

Run `make reference-doc` (or `python -m pressroom.reference_doc PATH`) to rebuild it. A designer may
instead restyle it in Word and save it over the file: the writer only needs the style names to exist.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor

from .writers import docx_xml as x

TEXT_FONT = "Noto Serif"
DISPLAY_FONT = "Noto Sans"
CODE_FONT = "DejaVu Sans Mono"
ACCENT = RGBColor(0x0F, 0x6E, 0x74)
INK = RGBColor(0x1D, 0x24, 0x33)


def build_reference_document() -> bytes:
    """The reference document as bytes (reproducible)."""
    document = docx.Document()
    styles = document.styles
    _font(styles["Normal"], TEXT_FONT, 10.5, INK)
    for name, size in (("Title", 28), ("Subtitle", 14), ("Heading 1", 18), ("Heading 2", 14),
                       ("Heading 3", 12), ("TOC Heading", 16)):
        _font(styles[name], DISPLAY_FONT, size, ACCENT)
    _font(styles["Quote"], TEXT_FONT, 11, ACCENT)

    code = _add(styles, "Source Code", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _font(code, CODE_FONT, 9, INK)
    code.paragraph_format.space_after = Pt(6)
    _font(_add(styles, "Verbatim Char", WD_STYLE_TYPE.CHARACTER), CODE_FONT, 9, None)
    note = _add(styles, "Footnote Text", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _font(note, TEXT_FONT, 9, None)
    note.paragraph_format.space_after = Pt(0)
    styles["Footnote Text"].element.get_or_add_pPr()
    reference = _add(styles, "Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    link = _add(styles, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = ACCENT
    link.font.underline = True
    rule = _add(styles, "Thematic Break", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    pPr = rule.element.get_or_add_pPr()
    borders = x.element("w:pBdr")
    borders.append(x.element("w:bottom", val="single", sz=6, space=1, color="0F6E74"))
    pPr.insert(0, borders)

    buffer = io.BytesIO()
    document.core_properties.title = "Pressroom reference document"
    document.save(buffer)
    return x.normalised_zip(buffer.getvalue(), (2000, 1, 1, 0, 0, 0))


def _add(styles, name, kind, base=None):
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, kind)
    if base:
        style.base_style = styles[base]
    style.quick_style = True
    return style


def _font(style, family, size, colour):
    style.font.name = family
    style.font.size = Pt(size)
    if colour is not None:
        style.font.color.rgb = colour


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("templates/report/reference.docx")
    target.write_bytes(build_reference_document())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
