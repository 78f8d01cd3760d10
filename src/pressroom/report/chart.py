"""Charts in the Word report as native, editable Word charts: a DrawingML chart part whose caches hold the
numbers, and the workbook behind it embedded, so "Edit Data" in Word opens the same numbers.

python-pptx writes the chart XML (its ChartXmlWriter gives the series, caches and axes in schema order) and
styles it through its chart API; XlsxWriter writes the workbook. Both are imported only when a chart is
added. The parts are byte-reproducible: the same chart always gives the same chart XML and workbook."""

from __future__ import annotations

import datetime as dt
import functools
import io
import weakref

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .. import model as m
from ..svgchart import (BASELINE, DEFAULT_PALETTE, ENGLISH, GRID, INK, MUTED, ChartWords, alt_text, check_chart,
                        format_number, nice_ticks, shares, slice_colour, text_colour_on, value_range)

CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
CHART_PARTNAME = "/word/charts/chart%d.xml"
WORKBOOK_PARTNAME = "/word/embeddings/Microsoft_Excel_Sheet%d.xlsx"
SHEET = "Sheet1"  # the sheet name python-pptx's cell references (Sheet1!$B$2:$B$4) point into
WORKBOOK_DATE = dt.datetime(2000, 1, 1)  # the workbook's creation date: fixed, so its bytes are too
EMU_PER_PT = 12700
CHART_TYPES = {"bar": "COLUMN_CLUSTERED", "stacked-bar": "COLUMN_STACKED", "line": "LINE_MARKERS",
               "pie": "PIE", "donut": "DOUGHNUT"}


def add_chart(run, part, chart: m.Chart, width_emu: int, height_emu: int, docpr_id: int, name: str, *,
              palette: tuple[str, ...] = DEFAULT_PALETTE, words: ChartWords = ENGLISH) -> None:
    """Append to the run element `run` an inline Word chart of `chart`, `width_emu` by `height_emu`; its chart
    part and embedded workbook are new parts related from `part` (the story part the run is in). The
    drawing's docPr gets `docpr_id`, `name` and the chart's alt text."""
    check_chart(chart)
    for label, value in (("width_emu", width_emu), ("height_emu", height_emu), ("docpr_id", docpr_id)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{label} must be a positive whole number, not {value!r}")
    package = part.package
    # about a tick per 22 pt of plot, as in the brochure; the plot is the chart less ~70 pt of title and labels
    max_ticks = max(4, min(7, int((height_emu / EMU_PER_PT - 70) / 22)))
    space, workbook = chart_parts(chart, palette, max_ticks, words)
    chart_part = XmlPart(next_partname(package, CHART_PARTNAME), CT.DML_CHART, parse_xml(space), package)
    chart_rid = relate_new_part(part, chart_part, RT.CHART)
    workbook_part = Part(next_partname(package, WORKBOOK_PARTNAME), CT.SML_SHEET, workbook, package)
    chart_part.element.find(qn("c:externalData")).set(qn("r:id"), chart_part.relate_to(workbook_part, RT.PACKAGE))
    run.append(_inline(chart_rid, width_emu, height_emu, docpr_id, name, alt_text(chart, words)))


@functools.lru_cache(maxsize=64)
def chart_parts(chart: m.Chart, palette: tuple[str, ...], max_ticks: int, words: ChartWords) -> tuple[bytes, bytes]:
    """The chart XML and the workbook of `chart`: made once for a chart drawn again (each funder's edition
    draws the same charts), as they depend on nothing else."""
    return chart_space_xml(chart, palette, max_ticks, words), workbook_bytes(chart)


_PARTNAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # package -> template -> names in use


def next_partname(package, template: str) -> PackURI:
    """The name python-docx's `package.next_partname(template)` gives (the lowest free number), without
    walking every part of the package for each chart, which made n charts cost n squared: the names in
    use are gathered once per package, and each name given is added to them (only add_chart adds parts
    named by these templates)."""
    names = _PARTNAMES.setdefault(package, {})
    if template not in names:
        names[template] = ({str(part.partname) for part in package.iter_parts()}, 0)
    used, number = names[template]  # every number up to the last one given is in use
    number += 1
    while template % number in used:
        number += 1
    used.add(template % number)
    names[template] = (used, number)
    return PackURI(template % number)


_RIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # part -> the last rId number given


def relate_new_part(part, target, reltype: str) -> str:
    """`part.relate_to(target, reltype)` for a part just made, which nothing relates to yet: the same rId
    (the lowest free), without comparing the target with every relationship the part has, which made n
    charts cost n squared."""
    rels = part.rels
    number = _RIDS.get(part, 0) + 1  # every number up to the last one given is in use
    while f"rId{number}" in rels:
        number += 1
    _RIDS[part] = number
    return rels.add_relationship(reltype, target, f"rId{number}").rId


def _inline(chart_rid: str, width_emu: int, height_emu: int, docpr_id: int, name: str, descr: str):
    drawing = parse_xml(
        f'<w:drawing {nsdecls("w", "wp", "a", "c", "r")}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        '<wp:extent/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{CHART_URI}"><c:chart/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>")
    inline = drawing[0]
    inline.find(qn("wp:extent")).attrib.update({"cx": str(width_emu), "cy": str(height_emu)})
    inline.find(qn("wp:docPr")).attrib.update({"id": str(docpr_id), "name": name, "descr": descr})
    inline.find(f".//{qn('c:chart')}").set(qn("r:id"), chart_rid)
    return drawing


# the data ---------------------------------------------------------------------------


def drawn_series(chart: m.Chart) -> tuple[m.ChartSeries, ...]:
    """The series the chart draws: pie and donut charts draw the first only."""
    return chart.series[:1] if chart.kind in ("pie", "donut") else chart.series


def number_format(chart: m.Chart, values=None) -> str:
    """The Excel number format of the chart's values (or of `values`): thousands separators, as many
    decimals as the numbers have, and a literal % sign when the unit is "%"."""
    values = values if values is not None else [v for s in drawn_series(chart) for v in s.values]
    decimals = max(len(format_number(v).partition(".")[2]) for v in values)
    code = "#,##0" + ("." + "0" * decimals if decimals else "")
    return code + '"%"' if chart.unit.strip() == "%" else code


def workbook_bytes(chart: m.Chart) -> bytes:
    """The .xlsx behind the chart: categories down column A from A2, one column per series with its name
    in row 1 (the cells the chart XML refers to). The same chart always gives the same bytes."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.set_properties({"created": WORKBOOK_DATE})
    sheet = workbook.add_worksheet(SHEET)
    numbers = workbook.add_format({"num_format": number_format(chart)})
    sheet.set_column(0, 0, max(10, *(len(c) + 2 for c in chart.categories)))
    for row, category in enumerate(chart.categories, start=1):
        sheet.write_string(row, 0, category)
    for column, series in enumerate(drawn_series(chart), start=1):
        sheet.set_column(column, column, max(10, len(series.name) + 2))
        sheet.write_string(0, column, series.name)
        for row, value in enumerate(series.values, start=1):
            sheet.write_number(row, column, value, numbers)
    workbook.close()
    return out.getvalue()


# the chart XML ------------------------------------------------------------------------


def chart_space_xml(chart: m.Chart, palette: tuple[str, ...] = DEFAULT_PALETTE, max_ticks: int = 6,
                    words: ChartWords = ENGLISH) -> bytes:
    """The chart part's c:chartSpace: series and caches from python-pptx, then the house style (title,
    legend, palette, axes with at most `max_ticks` ticks, data labels); c:externalData names the workbook
    with a placeholder r:id."""
    from lxml import etree
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.oxml import parse_xml as parse_pptx_xml
    from pptx.util import Pt

    data = CategoryChartData(number_format=number_format(chart))
    data.categories = chart.categories
    for series in drawn_series(chart):
        data.add_series(series.name, series.values)
    space = parse_pptx_xml(ChartXmlWriter(getattr(XL_CHART_TYPE, CHART_TYPES[chart.kind]), data).xml.encode())
    view = Chart(space, None)
    view.font.size = Pt(8)
    view.font.color.rgb = _rgb(MUTED)
    _title(view, chart, words)
    if chart.kind in ("pie", "donut"):
        _style_pie(view, chart, palette)
    else:
        _style_axes(view, chart, max_ticks)
        _style_series(view, chart, palette)
    _finish(space)
    space.get_or_add_externalData().rId = "rId1"  # replaced by the workbook's real r:id once related
    return etree.tostring(space, encoding="UTF-8", xml_declaration=True, standalone=True)


def _rgb(colour: str):
    """A python-pptx colour value from a #rrggbb colour."""
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def _fill(fill, colour: str) -> None:
    fill.solid()
    fill.fore_color.rgb = _rgb(colour)


def _line(line, colour: str, width_pt: float) -> None:
    from pptx.util import Pt

    _fill(line.fill, colour)
    line.width = Pt(width_pt)


def _title(view, chart: m.Chart, words: ChartWords) -> None:
    """The chart's title, and below it, smaller, where the numbers come from and whether they are invented."""
    from pptx.util import Pt

    view.has_title = True
    frame = view.chart_title.text_frame
    frame.text = chart.title
    run = frame.paragraphs[0].runs[0]
    run.font.size, run.font.bold = Pt(11), True
    run.font.color.rgb = _rgb(INK)
    notes = [words.source_line(chart.source)] if chart.source else []
    notes += [words.sample] if chart.sample else []
    if notes:
        paragraph = frame.add_paragraph()
        run = paragraph.add_run()
        run.text = "   ".join(notes)
        run.font.size, run.font.bold = Pt(7.5), False
        run.font.color.rgb = _rgb(MUTED)


def _legend(view, position) -> None:
    from pptx.util import Pt

    view.has_legend = True
    view.legend.position = position
    view.legend.include_in_layout = False
    view.legend.font.size = Pt(8)
    view.legend.font.color.rgb = _rgb(INK)


def _style_axes(view, chart: m.Chart, max_ticks: int) -> None:
    """The value axis on the brochure's round ticks (so Word and LibreOffice agree with it and each other),
    titled with the unit; category labels below the plot even when values go below zero."""
    from pptx.enum.chart import XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION, XL_TICK_MARK

    if len(chart.series) > 1:
        _legend(view, XL_LEGEND_POSITION.TOP)
    else:
        view.has_legend = False
    values = view.value_axis
    values.has_major_gridlines = True
    _line(values.major_gridlines.format.line, GRID, 0.5)
    values.format.line.fill.background()
    values.major_tick_mark = XL_TICK_MARK.NONE
    ticks = nice_ticks(*value_range(chart), max_ticks)
    values.minimum_scale, values.maximum_scale = ticks[0], ticks[-1]
    values.major_unit = ticks[1] - ticks[0]
    values.tick_labels.number_format = number_format(chart, ticks)
    values.tick_labels.number_format_is_linked = False
    if chart.unit.strip():
        values.has_title = True
        values.axis_title.text_frame.text = chart.unit.strip()
        values.axis_title.text_frame.paragraphs[0].runs[0].font.color.rgb = _rgb(MUTED)
    categories = view.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _line(categories.format.line, BASELINE, 0.75)
    categories.tick_labels.font.color.rgb = _rgb(INK)


def _style_series(view, chart: m.Chart, palette) -> None:
    from pptx.enum.chart import XL_MARKER_STYLE

    plot = view.plots[0]
    plot.vary_by_categories = False
    if chart.kind == "line":
        for index, series in enumerate(plot.series):
            colour = palette[index % len(palette)]
            _line(series.format.line, colour, 1.75)
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 6
            _fill(series.marker.format.fill, colour)
            _line(series.marker.format.line, "#ffffff", 0.75)
        return
    plot.gap_width = 60
    if chart.kind == "bar":
        plot.overlap = -5 if len(chart.series) > 1 else 0
    for index, series in enumerate(plot.series):
        _fill(series.format.fill, palette[index % len(palette)])
        if chart.kind == "stacked-bar":
            _line(series.format.line, "#ffffff", 0.5)


def _style_pie(view, chart: m.Chart, palette) -> None:
    """Slices in the palette with a white edge; each labelled with its share (its value when the values
    are percentages) in white or ink, whichever reads on the slice; a legend on the right."""
    from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Pt

    _legend(view, XL_LEGEND_POSITION.RIGHT)
    view.plots[0].vary_by_categories = True
    percent = chart.unit.strip() == "%"
    code = number_format(chart) if percent else "0%"
    series = view.plots[0].series[0]
    labels = series.data_labels
    labels.show_value, labels.show_percentage = percent, not percent
    labels.show_category_name = labels.show_series_name = labels.show_legend_key = False
    labels.number_format, labels.number_format_is_linked = code, False
    labels.font.size, labels.font.bold = Pt(8), True
    count = len(chart.categories)
    for index, share in enumerate(shares(series.values)):
        colour = slice_colour(palette, index, count)
        point = series.points[index]
        _fill(point.format.fill, colour)
        _line(point.format.line, "#ffffff", 1)
        label = point.data_label
        if share < 5:  # too thin a slice to hold its label (the brochure leaves it out too)
            _delete_label(label._get_or_add_dLbl())
            continue
        label.font.size, label.font.bold = Pt(8), True
        label.font.color.rgb = _rgb(text_colour_on(colour))
        if chart.kind == "pie":  # a doughnut's labels take no position: Word refuses the file
            label.position = XL_LABEL_POSITION.CENTER
        _show_like(label._dLbl, percent, code)
    if chart.kind == "pie":
        labels.position = XL_LABEL_POSITION.CENTER


def _delete_label(dlbl) -> None:
    from pptx.oxml import parse_xml as parse_pptx_xml

    for child in list(dlbl)[1:]:
        dlbl.remove(child)
    dlbl.append(parse_pptx_xml(f'<c:delete {nsdecls("c")} val="1"/>'))


def _show_like(dlbl, percent: bool, code: str) -> None:
    """A point's own label (made to colour its text) shows what the series' labels show, in their format."""
    from pptx.oxml import parse_xml as parse_pptx_xml

    dlbl.find(qn("c:showVal")).set("val", "1" if percent else "0")
    dlbl.find(qn("c:showPercent")).set("val", "0" if percent else "1")
    number = parse_pptx_xml(f'<c:numFmt {nsdecls("c")} sourceLinked="0"/>')
    number.set("formatCode", code)
    dlbl.find(qn("c:spPr")).addprevious(number)


def _finish(space) -> None:
    """What python-pptx leaves to the application: square corners, no frame around the chart, and a
    doughnut hole as wide as the brochure's."""
    from pptx.oxml import parse_xml as parse_pptx_xml

    corners = parse_pptx_xml(f'<c:roundedCorners {nsdecls("c")} val="0"/>')
    date1904 = space.find(qn("c:date1904"))
    if date1904 is not None:
        date1904.addnext(corners)
    else:
        space.insert(0, corners)
    space.find(qn("c:txPr")).addprevious(parse_pptx_xml(
        f'<c:spPr {nsdecls("c", "a")}><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'))
    hole = space.find(f".//{qn('c:holeSize')}")
    if hole is not None:
        hole.set("val", "58")
