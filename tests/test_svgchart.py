"""SVG charts: well-formed, accessible, deterministic, and every number printed as text in the PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from pressroom import model as m
from pressroom.svgchart import (DEFAULT_PALETTE, SAMPLE_NOTE, ChartWords, alt_text, data_table_rows, format_number,
                                needs_shaping, nice_ticks, render_svg, render_svg_and_labels, text_width, wrap)

SVG = "{http://www.w3.org/2000/svg}"
S = m.ChartSeries

CHARTS = {
    "bar": m.Chart("bar", "Children treated", ("2022", "2023", "2024"),
                   (S("Amman", (1200, 1350, 1720)), S("Beirut", (800, 950.5, 1240))),
                   unit="children", source="Hospital registries", sample=True),
    "stacked-bar": m.Chart("stacked-bar", "Where the money went", ("2023", "2024"),
                           (S("Research", (150000, 210000)), S("Care", (95000, 140000))), unit="EUR"),
    "line": m.Chart("line", "Survival rate", ("2015", "2019", "2023"),
                    (S("Leukaemia", (62, 71, 79)), S("Brain tumours", (41, 47, 58))), unit="%"),
    "pie": m.Chart("pie", "Funding by source", ("Foundations", "Donors", "Other"),
                   (S("2024", (450000, 210000, 12000)),), unit="EUR"),
    "donut": m.Chart("donut", "Diagnoses", ("Leukaemia", "Lymphoma", "Other"), (S("Diagnoses", (310, 120, 75)),),
                     unit="children"),
}
NUMBERS = {
    "bar": ["1,200", "1,350", "1,720", "800", "950.5", "1,240"],
    "stacked-bar": ["150,000", "210,000", "95,000", "140,000", "245,000", "350,000"],
    "line": ["62%", "71%", "79%", "41%", "47%", "58%"],
    "pie": ["450,000", "210,000", "12,000", "67%", "31%", "2%"],
    "donut": ["310", "120", "75", "61%", "24%", "15%", "505"],
}


def texts(svg: str) -> list[str]:
    return [node.text for node in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("number, text", [
    (1200, "1,200"), (1200.0, "1,200"), (12.5, "12.5"), (-3, "-3"), (-0.0, "0"), (0.1 + 0.2, "0.3"),
    (1234567.125, "1,234,567.125"), (1e16, "10,000,000,000,000,000"), (0.000001, "0.000001"),
])
def test_format_number(number, text):
    assert format_number(number) == text


@pytest.mark.parametrize("low, high, ticks, expected", [
    (0, 1720, 6, [0, 500, 1000, 1500, 2000]),
    (0, 6, 4, [0, 2, 4, 6]),
    (-13.6, 8, 5, [-20, -10, 0, 10]),
    (1011.8, 1014, 5, [1011, 1012, 1013, 1014]),
    (0, 0.25, 6, [0, 0.05, 0.1, 0.15, 0.2, 0.25]),
    (0, 0, 5, [0, 0.5, 1]),
    (5, 5, 5, [0, 2, 4, 6]),
])
def test_nice_ticks(low, high, ticks, expected):
    assert nice_ticks(low, high, ticks) == expected


def test_text_measure_and_wrap():
    assert text_width("0", 10) == pytest.approx(5.72)
    assert text_width("ab", 10, bold=True) > text_width("ab", 10)
    assert wrap("one two three four", 10, text_width("three four", 10), 2) == ["one two", "three four"]
    width = text_width("one two", 10)
    lines = wrap("one two three four five six", 10, width, 2)
    assert lines[0] == "one two" and lines[1].endswith("\u2026") and text_width(lines[1], 10) <= width


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_every_kind_is_an_accessible_standalone_svg_with_its_numbers_as_text(kind):
    svg = render_svg(CHARTS[kind], title_id=f"chart-{kind}")
    assert not svg.startswith("<?xml")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "150mm" and root.get("height") == "85mm"
    assert root.get("aria-labelledby") == f"chart-{kind}"
    assert root.get("aria-describedby") == f"chart-{kind}-desc"
    assert root.find(f"{SVG}title").text == CHARTS[kind].title
    assert root.find(f"{SVG}title").get("id") == f"chart-{kind}"
    assert root.find(f"{SVG}desc").text == alt_text(CHARTS[kind])
    shown = texts(svg)
    assert CHARTS[kind].title in shown
    for number in NUMBERS[kind]:
        assert number in shown, number
    for category in CHARTS[kind].categories:
        assert category in shown
    assert "currentColor" not in svg
    assert svg == render_svg(CHARTS[kind], title_id=f"chart-{kind}")


def test_colours_come_from_the_palette_in_series_order():
    svg = render_svg(CHARTS["bar"])
    fills = [node.get("fill") for node in ET.fromstring(svg).iter(f"{SVG}rect")]
    assert fills[0] == DEFAULT_PALETTE[0] and DEFAULT_PALETTE[1] in fills
    pie = render_svg(CHARTS["pie"], palette=("#111111", "#222222", "#333333"))
    slices = [node.get("fill") for node in ET.fromstring(pie).iter(f"{SVG}path")]
    assert slices == ["#111111", "#222222", "#333333"]


def test_the_last_slice_never_shares_the_first_slice_colour():
    chart = m.Chart("pie", "Seven", tuple("ABCDEFG"), (S("x", (7, 6, 5, 4, 3, 2, 1)),))
    slices = [node.get("fill") for node in ET.fromstring(render_svg(chart)).iter(f"{SVG}path")]
    assert slices[-1] != slices[0] and slices[-1] != slices[-2]


def test_a_legend_only_for_several_series_and_units_on_the_axis():
    one = m.Chart("bar", "One", ("a", "b"), (S("Only series", (1, 2)),), unit="beds")
    assert "Only series" not in texts(render_svg(one))
    assert "beds" in texts(render_svg(one))
    shown = texts(render_svg(CHARTS["bar"]))
    assert {"Amman", "Beirut", "children"} <= set(shown)
    assert "80%" in texts(render_svg(CHARTS["line"]))  # a percentage axis carries its unit on each tick


def test_source_and_sample_note_are_printed():
    shown = texts(render_svg(CHARTS["bar"]))
    assert "Source: Hospital registries" in shown
    assert SAMPLE_NOTE in shown
    assert SAMPLE_NOTE not in texts(render_svg(CHARTS["pie"]))


def test_text_is_escaped_and_ids_are_only_what_was_asked_for():
    chart = m.Chart("bar", 'Cases <b> & "more"', ("<x>",), (S("a&b", (1,)), S("c", (2,))),
                    source="A & B")
    svg = render_svg(chart, title_id='t"1')
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == 'Cases <b> & "more"'
    assert root.find(f"{SVG}title").get("id") == 't"1'
    assert {"<x>", "a&b", "Source: A & B"} <= set(texts(svg))
    plain = render_svg(chart)
    assert " id=" not in plain and "aria-labelledby" not in plain


def test_alt_text_reads_out_every_number():
    assert alt_text(CHARTS["bar"]) == (
        "Column chart: Children treated (children). 2022: Amman 1,200, Beirut 800. "
        "2023: Amman 1,350, Beirut 950.5. 2024: Amman 1,720, Beirut 1,240. Source: Hospital registries. "
        + SAMPLE_NOTE)
    assert alt_text(CHARTS["stacked-bar"]).startswith(
        "Stacked column chart: Where the money went (EUR). 2023: Research 150,000, Care 95,000 (total 245,000).")
    assert alt_text(CHARTS["pie"]) == (
        "Pie chart: Funding by source (EUR). 2024: Foundations 450,000 (67%); Donors 210,000 (31%); "
        "Other 12,000 (2%); total 672,000.")
    single = m.Chart("line", "Nurses", ("Jan", "Feb"), (S("Trained", (3, 4)),))
    assert alt_text(single) == "Line chart: Nurses. Trained: Jan 3; Feb 4."


def test_alt_text_keeps_a_written_description():
    chart = m.Chart("bar", "T", ("a",), (S("s", (1,)),), description="Cases rose.", sample=True)
    assert alt_text(chart) == f"Cases rose. {SAMPLE_NOTE}"
    assert alt_text(m.Chart("bar", "T", ("a",), (S("s", (1,)),), description=" Cases rose. ")) == "Cases rose."


def test_data_table_rows():
    assert data_table_rows(CHARTS["bar"]) == (
        ("Category", "Amman (children)", "Beirut (children)"),
        (("2022", "1,200", "800"), ("2023", "1,350", "950.5"), ("2024", "1,720", "1,240")))
    two = m.Chart("pie", "P", ("a", "b"), (S("first", (1, 2)), S("second", (3, 4))))
    assert data_table_rows(two) == (("Category", "first"), (("a", "1"), ("b", "2")))


@pytest.mark.parametrize("chart, message", [
    (m.Chart("area", "T", ("a",), (S("s", (1,)),)), "chart 'T': kind 'area' is not one of bar, stacked-bar"),
    (m.Chart("bar", "T", (), ()), "chart 'T': needs at least one category and one series"),
    (m.Chart("bar", "T", ("a", "b"), (S("s", (1,)),)), "chart 'T': series 's' has 1 values for 2 categories"),
    (m.Chart("bar", "T", ("a",), (S("s", (float("nan"),)),)), "chart 'T': series 's' has the value nan"),
    (m.Chart("pie", "T", ("a", "b"), (S("s", (1, -1)),)), "chart 'T': a pie chart cannot show negative values"),
])
def test_charts_that_cannot_be_drawn_are_refused(chart, message):
    with pytest.raises(ValueError) as error:
        render_svg(chart)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("chart", [
    m.Chart("bar", "Negative", ("a", "b"), (S("s", (-12, 4.5)),)),
    m.Chart("line", "Zero", ("a", "b"), (S("s", (0, 0)),)),
    m.Chart("donut", "Zero", ("a", "b"), (S("s", (0, 0)),)),
    m.Chart("pie", "Whole", ("a", "b"), (S("s", (5, 0)),)),
    m.Chart("stacked-bar", "Mixed", ("a", "b"), (S("s", (-2, 3)), S("t", (4, -1)))),
])
def test_edge_cases_draw(chart):
    ET.fromstring(render_svg(chart, width_mm=80, height_mm=50))


def test_weasyprint_prints_every_kind_with_its_numbers():
    import weasyprint

    figures = "".join(f"<figure>{render_svg(chart, title_id=kind)}</figure>" for kind, chart in CHARTS.items())
    pdf = weasyprint.HTML(string=f"<html><body>{figures}</body></html>").write_pdf()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for kind, numbers in NUMBERS.items():
        assert CHARTS[kind].title in text
        for number in numbers:
            assert number in text, (kind, number)
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        assert all(number.encode() in plain for numbers in NUMBERS.values() for number in numbers)


ARABIC_CHART = m.Chart("bar", "الأسر التي دعمتها المنظمة", ("2023", "عام 2024"),
                       (S("جلسات الدعم", (120, 165)), S("Nutrition", (80, 110))), unit="أسرة",
                       source="سجلات المنظمة (2024)", sample=True)


def test_text_that_needs_shaping():
    assert needs_shaping("الأسر") and needs_shaping("שלום") and needs_shaping("हिन्दी")  # joins, RTL, marks
    assert not needs_shaping("Children treated, 1,200 (2024) – €") and not needs_shaping("٢٠٢٤")


def test_arabic_chart_text_is_left_out_of_the_svg_for_html_and_latin_text_is_kept():
    svg, labels = render_svg_and_labels(ARABIC_CHART, html_text=True)
    kept = texts(svg)
    assert "2023" in kept and "Nutrition" in kept and "120" in kept
    assert not any(needs_shaping(text) for text in kept)
    taken = {label.text: label for label in labels}
    assert {"الأسر التي دعمتها المنظمة", "جلسات الدعم", "أسرة", "عام 2024"} <= set(taken)
    assert taken["عام 2024"].anchor == "middle" and taken["الأسر التي دعمتها المنظمة"].bold
    # without html_text every text is in the SVG, the right-to-left ones marked so (for browsers)
    assert render_svg_and_labels(CHARTS["bar"], html_text=True) == (render_svg(CHARTS["bar"]), [])
    whole = ET.fromstring(render_svg(ARABIC_CHART))
    title = next(node for node in whole.iter(f"{SVG}text") if node.text == ARABIC_CHART.title)
    assert title.get("direction") == "rtl" and title.get("text-anchor") == "end"  # its start is its right


def test_weasyprint_joins_arabic_chart_text_laid_over_the_chart():
    """Drawn in the SVG, Arabic comes out of the PDF letter by letter in reverse; laid over it in HTML, in
    words in reading order."""
    import weasyprint

    from pressroom.html import HtmlWriter

    def pdf_text(html_chart_text: bool) -> str:
        figure = HtmlWriter(lang="ar", html_chart_text=html_chart_text).chart(ARABIC_CHART)
        css = ":root { --chart-width: 150mm; } .chart-frame { position: relative; width: 150mm; } " \
              ".chart-image { display: block; width: 100%; } .chart-text { position: absolute; line-height: 0; " \
              "white-space: nowrap; font-family: 'Noto Naskh Arabic'; }"
        html = f"<html lang='ar' dir='rtl'><style>{css}</style><body>{figure}</body></html>"
        pdf = weasyprint.HTML(string=html).write_pdf()
        return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())

    laid_over = pdf_text(True)
    for words in ("الأسر التي دعمتها المنظمة", "جلسات الدعم", "أسرة", "سجلات المنظمة"):
        assert words in laid_over, words
    assert "Nutrition" in laid_over and "120" in laid_over
    assert "الأسر التي" not in pdf_text(False)  # the renderer's own SVG text: the letters one by one


def test_while_pressroom_renders_chart_text_is_drawn_a_run_at_a_time_not_a_letter_at_a_time():
    """WeasyPrint lays out and draws SVG text letter by letter (a chart's text took 30 ms to draw); while
    Pressroom renders, text with one position is one run: as many text-showing operations as texts."""
    import weasyprint

    from pressroom.brochure.speedups import faster_weasyprint
    from pressroom.html import HtmlWriter

    html = f"<html><body style='width: 150mm'>{HtmlWriter().chart(CHARTS['bar'])}</body></html>"
    texts = [node.text for node in ET.fromstring(render_svg(CHARTS["bar"])).iter(f"{SVG}text") if node.text]
    with faster_weasyprint():
        in_runs = PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf())).pages[0]
    by_letter = PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf())).pages[0]
    assert text_operations(in_runs) == len(texts)
    assert text_operations(by_letter) == sum(len(text.replace(" ", "")) for text in texts)  # spaces: none
    assert in_runs.extract_text().split() == by_letter.extract_text().split()
    assert in_runs.mediabox == by_letter.mediabox


def text_operations(page) -> int:
    """How many TJ operations draw text on `page`, in its content and the forms it draws, at any depth."""
    def count(content, resources) -> int:
        found = content.count(b"TJ")
        for form in ((resources or {}).get("/XObject") or {}).values():
            form = form.get_object()
            if form.get("/Subtype") == "/Form":
                found += count(form.get_data(), form.get("/Resources"))
        return found

    return count(page.get_contents().get_data(), page.get("/Resources"))


@pytest.mark.parametrize("lang, digits, numbers", [
    ("en", "latin", ("1,200", "12.5", "12.5%", "0.4%", "45%")),
    ("fr", "latin", ("1\u202f200", "12,5", "12,5\u00a0%", "0,4\u00a0%", "45\u00a0%")),
    ("ar", "latin", ("1,200", "12.5", "12.5%", "0.4%", "45%")),
    ("ar", "arabic-indic", ("١٬٢٠٠", "١٢٫٥", "١٢٫٥٪", "٠٫٤٪", "٤٥٪")),
])
def test_chart_numbers_in_the_language_and_digits_of_the_document(lang, digits, numbers):
    words = ChartWords(lang=lang, digits=digits)
    assert (words.number(1200), words.number(12.5), words.percent(12.5), words.share(0.44), words.share(45.2)) == numbers
    svg = render_svg(CHARTS["bar"], words=words)
    texts = [node.text for node in ET.fromstring(svg).iter(f"{SVG}text") if node.text]
    numbers = [text for text in texts if any(char.isdigit() for char in text) and text not in CHARTS["bar"].categories]
    assert words.number(0) in numbers and words.number(1720) in numbers  # the axis's and a bar's
    # the categories are the data's own text (years here), left as written
    assert any(char in "0123456789" for text in numbers for char in text) == (digits == "latin")
    assert words.number(CHARTS["bar"].series[0].values[0]) in alt_text(CHARTS["bar"], words)


def test_alt_text_in_the_words_of_the_document():
    """The alt text's own words (the kind of chart, "total", the separators, French's space before a colon)
    come from the catalogue of the document's language; the data's names stay as written."""
    from pressroom.labels import words

    arabic = ChartWords.from_catalogue(words("ar"), "ar", "arabic-indic")
    pie = alt_text(CHARTS["pie"], arabic)
    assert pie.startswith("مخطط دائري: ") and "المجموع ٦٧٢٬٠٠٠" in pie and "؛ " in pie
    assert "total" not in pie and "Pie chart" not in pie and "Foundations" in pie
    stacked = alt_text(CHARTS["stacked-bar"], ChartWords.from_catalogue(words("fr"), "fr"))
    assert stacked.startswith("Graphique à colonnes empilées\u00a0: ") and "(total 245\u202f000)" in stacked
    assert ": " not in stacked.replace("\u00a0: ", "")
    english = alt_text(CHARTS["pie"], ChartWords.from_catalogue(words("en"), "en"))
    assert english == alt_text(CHARTS["pie"]) and english.startswith("Pie chart: ") and "; total 672,000." in english
