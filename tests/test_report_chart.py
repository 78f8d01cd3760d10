"""Native Word charts: a chart part with the numbers in its caches, the workbook behind it, the same bytes
every time, and drawn by the readers a funder may use (LibreOffice, pandoc)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Mm
from lxml import etree

from pressroom import model as m
from pressroom.report.chart import add_chart, chart_space_xml, number_format, workbook_bytes
from pressroom.svgchart import alt_text

S = m.ChartSeries
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CHARTS = {
    "bar": m.Chart("bar", "Children treated", ("2022", "2023", "2024"),
                   (S("Amman", (1200, 1350, 1720)), S("Beirut", (800, 950.5, 1240))),
                   unit="children", source="Hospital registries", sample=True),
    "stacked-bar": m.Chart("stacked-bar", "Where the money went", ("2023", "2024"),
                           (S("Research", (150000, 210000)), S("Care", (95000, 140000))), unit="EUR"),
    "line": m.Chart("line", "Survival rate", ("2015", "2019", "2023"),
                    (S("Leukaemia", (62, 71, 79)),), unit="%"),
    "pie": m.Chart("pie", "Funding by source", ("Foundations", "Donors", "Other"),
                   (S("2024", (450000, 210000, 12000)), S("2023", (1, 2, 3))), unit="EUR"),
    "donut": m.Chart("donut", "Diagnoses", ("Leukaemia", "Lymphoma", "Other"), (S("Diagnoses", (310, 120, 75)),),
                     unit="children"),
}
# kind: (plot element, its grouping or None, bar direction or None)
PLOTS = {"bar": ("barChart", "clustered", "col"), "stacked-bar": ("barChart", "stacked", "col"),
         "line": ("lineChart", "standard", None), "pie": ("pieChart", None, None),
         "donut": ("doughnutChart", None, None)}


def build(charts, width=Mm(150), height=Mm(85)) -> bytes:
    """A document with one paragraph per chart, the chart in its run; fixed properties dates."""
    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = dt.datetime(2000, 1, 1)
    for number, chart in enumerate(charts, start=1):
        document.add_paragraph(f"Figure {number}")
        run = document.add_paragraph().add_run()
        add_chart(run._r, document.part, chart, int(width), int(height), 100 + number, f"Chart {number}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def chart_parts(data: bytes):
    """(inline, chart part, chart XML, workbook part) for each chart of the document, in reading order."""
    document = docx.Document(io.BytesIO(data))
    found = []
    for inline in document.element.body.iterfind(".//wp:inline", NS):
        rid = inline.find(".//c:chart", NS).get(f"{{{NS['r']}}}id")
        relationship = document.part.rels[rid]
        assert relationship.reltype == RT.CHART
        part = relationship.target_part
        space = etree.fromstring(part.blob)
        workbook_rid = space.find("c:externalData", NS).get(f"{{{NS['r']}}}id")
        assert part.rels[workbook_rid].reltype == RT.PACKAGE
        found.append((inline, part, space, part.rels[workbook_rid].target_part))
    return found


def strings(space, path: str) -> list[str]:
    return [v.text for v in space.iterfind(f".//c:ser/{path}//c:strCache/c:pt/c:v", NS)]


def numbers(space) -> list[list[float]]:
    return [[float(v.text) for v in ser.iterfind("c:val//c:numCache/c:pt/c:v", NS)]
            for ser in space.iterfind(".//c:ser", NS)]


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_a_chart_part_of_the_right_kind_holds_the_numbers(kind):
    chart = CHARTS[kind]
    [(inline, part, space, workbook)] = chart_parts(build([chart]))
    assert part.partname == "/word/charts/chart1.xml" and part.content_type == CHART_CT
    assert workbook.partname == "/word/embeddings/Microsoft_Excel_Sheet1.xlsx"
    assert workbook.content_type == XLSX_CT
    assert space.find("c:externalData/c:autoUpdate", NS).get("val") == "0"

    element, grouping, direction = PLOTS[kind]
    plot = space.find(f"c:chart/c:plotArea/c:{element}", NS)
    assert plot is not None
    parts = [etree.QName(child).localname for child in space.find("c:chart/c:plotArea", NS)]
    assert [p for p in parts if p.endswith("Chart")] == [element]
    assert [p for p in parts if p.endswith("Ax")] == ([] if kind in ("pie", "donut") else ["catAx", "valAx"])
    if grouping:
        assert plot.find("c:grouping", NS).get("val") == grouping
    if direction:
        assert plot.find("c:barDir", NS).get("val") == direction
    if kind == "line":
        assert [s.get("val") for s in space.iterfind(".//c:ser/c:marker/c:symbol", NS)] == ["circle"]

    drawn = chart.series[:1] if kind in ("pie", "donut") else chart.series
    assert strings(space, "c:tx") == [s.name for s in drawn]
    assert strings(space, "c:cat") == list(chart.categories) * len(drawn)
    assert numbers(space) == [list(s.values) for s in drawn]

    title = "".join(t.text for t in space.iterfind("c:chart/c:title//a:t", NS))
    assert title.startswith(chart.title)
    assert (space.find("c:chart/c:legend", NS) is not None) == (len(drawn) > 1 or kind in ("pie", "donut"))
    if kind in ("pie", "donut"):
        assert space.find(".//c:ser/c:dLbls/c:showPercent", NS).get("val") == "1"
        fills = [f.get("val") for f in space.iterfind(".//c:dPt/c:spPr/a:solidFill/a:srgbClr", NS)]
        assert fills == ["0E6B70", "D9693F", "0A4F53"]
    else:
        unit = "".join(t.text for t in space.iterfind(".//c:valAx/c:title//a:t", NS))
        assert unit == chart.unit
        fills = space.xpath(".//c:ser/c:spPr/a:solidFill/a:srgbClr/@val | .//c:ser/c:spPr/a:ln/a:solidFill/a:srgbClr/@val",
                            namespaces=NS)
        assert fills[0] == "0E6B70"

    doc_pr = inline.find("wp:docPr", NS)
    assert doc_pr.get("id") == "101" and doc_pr.get("name") == "Chart 1"
    assert doc_pr.get("descr") == alt_text(chart)
    assert inline.find("a:graphic/a:graphicData", NS).get("uri") == NS["c"]
    assert inline.find("wp:extent", NS).get("cx") == str(int(Mm(150)))


def test_the_sample_note_and_source_are_in_the_title():
    [(_, _, space, _)] = chart_parts(build([CHARTS["bar"]]))
    title = [t.text for t in space.iterfind("c:chart/c:title//a:t", NS)]
    assert title == ["Children treated", "Source: Hospital registries   Sample data: the numbers are invented."]


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_the_embedded_workbook_holds_what_the_chart_refers_to(kind):
    openpyxl = pytest.importorskip("openpyxl")
    [(_, _, space, workbook)] = chart_parts(build([CHARTS[kind]]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.blob)).active

    def cells(reference: str) -> list:
        sheet_name, _, area = reference.partition("!")
        assert sheet_name == sheet.title
        area = area.replace("$", "")
        return [c.value for row in sheet[area] for c in row] if ":" in area else [sheet[area].value]

    for ser in space.iterfind(".//c:ser", NS):
        name = ser.find("c:tx/c:strRef/c:strCache/c:pt/c:v", NS).text
        assert cells(ser.find("c:tx/c:strRef/c:f", NS).text) == [name]
        assert cells(ser.find("c:cat/c:strRef/c:f", NS).text) == list(CHARTS[kind].categories)
        cached = [float(v.text) for v in ser.iterfind("c:val//c:numCache/c:pt/c:v", NS)]
        assert cells(ser.find("c:val/c:numRef/c:f", NS).text) == cached


def test_the_same_chart_gives_the_same_bytes():
    charts = list(CHARTS.values())
    first, second = build(charts), build(charts)
    with zipfile.ZipFile(io.BytesIO(first)) as one, zipfile.ZipFile(io.BytesIO(second)) as two:
        assert one.namelist() == two.namelist()
        for name in one.namelist():
            assert one.read(name) == two.read(name), name
        assert sum(name.startswith("word/embeddings/") for name in one.namelist()) == len(charts)
    for chart in charts:
        assert workbook_bytes(chart) == workbook_bytes(chart)
        assert chart_space_xml(chart) == chart_space_xml(chart)


def test_several_charts_get_their_own_parts():
    found = chart_parts(build(list(CHARTS.values())))
    assert [part.partname for _, part, _, _ in found] == [f"/word/charts/chart{n}.xml" for n in range(1, 6)]
    assert [w.partname for *_, w in found] == [f"/word/embeddings/Microsoft_Excel_Sheet{n}.xlsx"
                                               for n in range(1, 6)]
    assert [i.find("wp:docPr", NS).get("id") for i, *_ in found] == ["101", "102", "103", "104", "105"]


def test_value_axis_ticks_are_round_and_printed_without_decimals_the_ticks_lack():
    space = etree.fromstring(chart_space_xml(CHARTS["bar"]))
    axis = space.find(".//c:valAx", NS)
    assert axis.find("c:scaling/c:min", NS).get("val") == "0.0"
    assert axis.find("c:scaling/c:max", NS).get("val") == "2000.0"
    assert axis.find("c:majorUnit", NS).get("val") == "500.0"
    assert axis.find("c:numFmt", NS).get("formatCode") == "#,##0"
    assert number_format(CHARTS["bar"]) == "#,##0.0"  # the data keeps its decimal
    assert number_format(CHARTS["line"]) == '#,##0"%"'


@pytest.mark.parametrize("arguments, message", [
    ({"width_emu": 0}, "width_emu must be a positive whole number, not 0"),
    ({"height_emu": 1.5}, "height_emu must be a positive whole number, not 1.5"),
    ({"docpr_id": True}, "docpr_id must be a positive whole number, not True"),
    ({"chart": m.Chart("pie", "P", ("a",), (S("s", (-1,)),))}, "chart 'P': a pie chart cannot show negative"),
])
def test_bad_arguments_are_refused(arguments, message):
    document = docx.Document()
    run = document.add_paragraph().add_run()
    given = {"chart": CHARTS["bar"], "width_emu": 100, "height_emu": 100, "docpr_id": 1, **arguments}
    with pytest.raises(ValueError) as error:
        add_chart(run._r, document.part, given["chart"], given["width_emu"], given["height_emu"],
                  given["docpr_id"], "Chart")
    assert str(error.value).startswith(message)


def test_libreoffice_draws_the_charts(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("pdftotext and pdftoppm are not installed: apt-get install poppler-utils")
    source = tmp_path / "charts.docx"
    source.write_bytes(build([CHARTS["bar"], CHARTS["pie"]]))
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "charts.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Children treated" in text and "Funding by source" in text
    for drawn in ("2,000", "1,500", "Amman", "Beirut", "children", "67%", "31%", "Foundations"):
        assert re.search(rf"(?<![\d,]){re.escape(drawn)}", text), drawn  # axis ticks, legend, slice labels
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    from PIL import Image

    [page] = tmp_path.glob("page*.png")
    colours = Image.open(page).convert("RGB").getcolors(1 << 20)
    painted = {rgb: count for count, rgb in colours}
    for palette_colour in ((0x0E, 0x6B, 0x70), (0xD9, 0x69, 0x3F)):  # columns in the brochure's colours
        assert painted.get(palette_colour, 0) > 200, palette_colour


def test_pandoc_reads_a_document_with_charts(tmp_path):
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed: apt-get install pandoc")
    source = tmp_path / "charts.docx"
    source.write_bytes(build(list(CHARTS.values())))
    result = subprocess.run(["pandoc", str(source), "-t", "plain"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Figure 1" in result.stdout and "Figure 5" in result.stdout
