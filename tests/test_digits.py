"""`digits: arabic-indic`: page numbers, figure and table numbers and cross-references in Arabic-Indic digits in
every output, read back from the brochure's PDF, the report's .docx and the web page; Western digits without
the setting."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pypdf
import pytest
from lxml import etree
from lxml import html as lxml_html

import pressroom
from conftest import REPO
from pressroom import read
from pressroom.settings import Settings

ARABIC = REPO / "content-ar"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WESTERN = re.compile(r"[0-9]")


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def settings(tmp_path, digits: str) -> Settings:
    return Settings(content=ARABIC, templates=REPO / "templates", out=tmp_path, digits=digits)


@pytest.fixture(scope="module")
def brochure(tmp_path_factory):
    """The Arabic edition's brochure with Arabic-Indic digits, and with Western ones: the pages' text."""
    def pages(digits):
        config = settings(tmp_path_factory.mktemp(digits), digits)
        pdf = pressroom.render(config, "brochure", read(config))["brochure.pdf"]
        return [normal(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    return pages("arabic-indic"), pages("latin")


def test_brochure_page_numbers_are_arabic_indic(brochure):
    indic, latin = brochure
    # the page number is the last line of a numbered page (the margin box at the foot)
    assert indic[2].endswith("٣") and indic[8].endswith("٩") and indic[1].endswith("٢")
    assert latin[2].endswith("3") and latin[8].endswith("9")


def test_brochure_contents_captions_and_cross_references_are_arabic_indic(brochure):
    indic, latin = brochure
    contents = indic[1]
    for page in ("٣", "٤", "٥", "٨", "١٠", "١١"):
        assert page in contents, page
    assert not WESTERN.search(contents)
    text = " ".join(indic)
    # captions (CSS counters) and cross-references (target-counter) with their page
    for words in ("شكل ١:", "شكل ٢:", "جدول ١:", "جدول ١، صفحة ٩", "شكل ٢، صفحة ٩"):
        assert words in text, words
    assert "شكل ١" in indic[7] and not re.search("[٠-٩]", latin[7])  # page 8: captions and cross-references
    assert all(number in latin[7] for number in ("1", "2", "8", "9"))


def test_brochure_chart_numbers_follow_the_digits(brochure):
    """The sample chart's axis and value labels (120, 165, 210 ...), drawn in the SVG, in the digits of the
    setting like the rest of the page."""
    indic, latin = brochure
    indic_text, latin_text = " ".join(indic), " ".join(latin)
    for value in ("١٢٠", "١٦٥", "٢١٠", "١٥٠"):
        assert value in indic_text, value
    assert "165" in latin_text and "165" not in indic_text and "١٦٥" not in latin_text


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    config = settings(tmp_path_factory.mktemp("report"), "arabic-indic")
    data = pressroom.render(config, "report", read(config))["report.docx"]
    package = zipfile.ZipFile(io.BytesIO(data))
    return {name: etree.fromstring(package.read(name)) for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml") and ("document" in name or "footer" in name)}


def field_results(root) -> dict[str, list[str]]:
    """The text of each complex field's result (nested ones too), by its instruction's first word."""
    results: dict[str, list[str]] = {}
    open_fields: list[list] = []  # [instruction, result text] of each field begun and not yet ended
    for node in root.iter(f"{W}instrText", f"{W}fldChar", f"{W}t"):
        if node.tag == f"{W}fldChar":
            kind = node.get(f"{W}fldCharType")
            if kind == "begin":
                open_fields.append(["", []])
            elif kind == "end" and open_fields:
                instruction, text = open_fields.pop()
                results.setdefault(instruction.split()[0], []).append("".join(text))
        elif open_fields and node.tag == f"{W}instrText":
            open_fields[-1][0] += node.text or ""
        elif open_fields and node.tag == f"{W}t":
            open_fields[-1][1].append(node.text or "")
    return results


def test_report_fields_show_arabic_indic_numbers(report):
    body = field_results(report["word/document.xml"])
    assert sorted(body["SEQ"]) == ["١", "١", "٢"]  # two figures, one table
    assert all(not WESTERN.search(result) for result in body["REF"]) and "شكل\u00a0٢" in body["REF"]
    pagerefs = [result for result in body["PAGEREF"] if result]
    if pagerefs:  # filled in when LibreOffice laid the report out
        assert all(re.fullmatch("[٠-٩]+", result) for result in pagerefs), pagerefs
    footers = [field_results(root) for name, root in report.items() if "footer" in name]
    pages = [result for found in footers for result in found.get("PAGE", []) + found.get("NUMPAGES", [])]
    assert pages and all(result == "١" for result in pages)


def test_page_numbers_written_by_the_layout_follow_the_digits():
    from pressroom.report.pagination import fill_page_numbers

    config = Settings(content=REPO / "content", templates=REPO / "templates", out=REPO / "build")
    data = pressroom.render(config.replace(report_page_numbers=False), "report", read(config))["report.docx"]
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    names = [re.match(r"\s*PAGEREF\s+(\S+)", node.text).group(1) for node in document.iter(f"{W}instrText")
             if "PAGEREF" in node.text]
    pages = {name.replace("_", "5F"): 12 for name in names}
    for digits, page in (("arabic-indic", "١٢"), ("latin", "12")):
        filled = etree.fromstring(zipfile.ZipFile(io.BytesIO(fill_page_numbers(data, pages, digits)))
                                  .read("word/document.xml"))
        assert page in field_results(filled)["PAGEREF"]


def test_web_figure_and_table_numbers_are_arabic_indic(tmp_path):
    for digits, figure, table in (("arabic-indic", "شكل ١:", "جدول ١"), ("latin", "شكل 1:", "جدول 1")):
        config = settings(tmp_path / digits, digits)
        page = lxml_html.fromstring(pressroom.render(config, "web", read(config))["web/index.html"])
        captions = [normal(node.text_content()) for node in page.xpath("//figcaption | //caption")]
        assert any(caption.startswith(figure) for caption in captions), captions
        links = [normal(node.text_content()) for node in page.xpath("//a[contains(@class, 'xref')]")]
        assert table in links, links
        chart = page.xpath("//svg")[0] if page.xpath("//svg") else None
        described = " ".join(page.xpath("//svg//desc/text() | //img[contains(@class, 'chart')]/@alt"))
        assert ("١٦٥" in described) == (digits == "arabic-indic") and ("165" in described) == (digits == "latin"), \
            (chart is not None, described)
