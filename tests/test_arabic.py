"""Arabic as a first language: the Arabic edition's fixed words, dates, fonts and text order, read back from
the brochure, the leaflet and the web edition; text in another language keeps its own direction."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pypdf
import pytest
from lxml import html as lxml_html

import pressroom
from conftest import REPO, brochure_pdf
from pressroom import read
from pressroom.html import render_body
from pressroom.settings import Settings

ARABIC = REPO / "content-ar"
SENTENCE = "تتقدّم الدول الإسلامية في سلّم الريادة في تطوير علاجات متقدمة لسرطانات الأطفال."
# pypdf gives the Arabic month and the Western-digit year in either order: they are two runs of the line
DATE = re.compile(r"نوفمبر\s*2026|2026\s*نوفمبر")
ENGLISH_LABELS = ("Contents", "Introduction", "How you can help", "Key term", "Institutions named")


def normal(text: str) -> str:
    """Text compared without regard to line breaks, spacing or Unicode normal form."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The text of the PDF in logical order (pypdf follows the ToUnicode maps and the text's order)."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(p.extract_text() for p in (pages if page is None else [pages[page]]))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The Arabic edition's brochure and leaflet, rendered once."""
    settings = Settings(content=ARABIC, templates=REPO / "templates", out=tmp_path_factory.mktemp("ar"))
    document = read(settings)
    leaflet = pressroom.render(settings.replace(layout="trifold"), "brochure", document)["leaflet.pdf"]
    return document, brochure_pdf(document, settings), leaflet


def test_the_brochure_has_arabic_labels_and_date_and_no_english_ones(edition):
    _, pdf, _ = edition
    text = pdf_text(pdf)
    for label in ("المحتويات", "مقدمة", "كيف يمكنك المساعدة", "مصطلح رئيسي", "المؤسسات المذكورة في هذا الكتيب"):
        assert label in text, label
    for label in ENGLISH_LABELS:
        assert label not in text, label
    assert DATE.search(pdf_text(pdf, 0)) and "November" not in text  # the cover's date, in Arabic


def test_cross_references_give_their_page_after_an_arabic_comma(edition):
    _, pdf, _ = edition
    text = pdf_text(pdf)
    assert text.count("، صفحة") >= 3 and ", صفحة" not in text  # "، صفحة"


def test_the_cover_says_it_is_a_draft_translation(edition):
    _, pdf, leaflet = edition
    assert "ترجمة أولية: بانتظار مراجعة مترجم مؤهل." in normal(pdf_text(pdf, 0))
    assert "ترجمة أولية: بانتظار مراجعة مترجم مؤهل." in normal(pdf_text(leaflet, 0))


def test_arabic_text_comes_out_in_logical_order_with_english_spans_in_place(edition):
    _, pdf, _ = edition
    text = normal(pdf_text(pdf))
    assert normal(SENTENCE) in text
    assert normal("في تطبيق الطب الدقيق (Precision Medicine). وتقوم") in text


def test_the_chart_s_arabic_text_is_joined_and_in_reading_order(edition):
    """The chart's title, legend, unit, source and sample note are shaped (laid over the chart in HTML): they
    come out of the PDF as the words they are, not letter by letter in reverse."""
    _, pdf, _ = edition
    page = normal(pdf_text(pdf))
    for words in ("الأسر التي دعمتها المنظمة النموذجية", "جلسات دعم الأسر", "الإرشاد الغذائي", "أسرة",
                  "المصدر: مختلَقة لهذا النموذج؛ ليست أرقامًا حقيقية", "بيانات نموذجية: الأرقام مختلقة."):
        assert normal(words) in page, words
        assert normal(words)[::-1] not in page, words
    for number in ("2023", "2024", "2025", "120", "165", "210"):  # the numbers stay in the SVG
        assert number in page


def test_the_arabic_font_is_embedded(edition):
    _, pdf, leaflet = edition
    for data in (pdf, leaflet):
        fonts = {str(font.get_object()["/BaseFont"]) for page in pypdf.PdfReader(io.BytesIO(data)).pages
                 for font in (page["/Resources"].get("/Font") or {}).values()}
        assert any("NotoNaskhArabic" in name.replace("-", "") for name in fonts), fonts


def test_the_leaflet_is_in_arabic(edition):
    _, _, leaflet = edition
    text = pdf_text(leaflet)
    assert "كيف يمكنك المساعدة" in text and DATE.search(text)
    assert not any(label in text for label in ENGLISH_LABELS)


def test_spans_are_marked_and_isolated_in_html():
    from pressroom import model as m
    from pressroom.markdown import BodyReader, make_parser

    reader = BodyReader(make_parser(), 0, None, set())
    body = reader.read("الطب الدقيق [(Precision Medicine)]{lang=en}. وتقوم")
    (paragraph,) = body.blocks
    assert paragraph.children[1] == m.Span((m.Text("(Precision Medicine)"),), "en")
    assert str(render_body(body)) == ('<p>الطب الدقيق <span lang="en" dir="ltr">(Precision Medicine)</span>. '
                                      'وتقوم</p>\n')


def test_a_span_without_a_language_is_a_located_problem():
    from pressroom.markdown import BodyReader, make_parser

    reader = BodyReader(make_parser(), 3, None, set())
    reader.read("Text.\n\n[words]{.class}\n")
    assert reader.limit_problems == [(6, "span: only a language is understood in the braces after [words]; "
                                         "write [words]{lang=en}")]


def arabic_with_english(project):
    project.write("content/index.md", "---\ntitle: كتيب\nlang: ar\ndate: 2026-11-27\n---\nمقدمة.\n")
    project.write("content/sections/01-first.md", "---\ntitle: القسم الأول\npull_quote: A lifeline for "
                  "challenging cancers.\n---\nنص عربي ثم [Precision Medicine]{lang=en} ثم نص.\n")
    project.write("content/sections/03-english.md", "---\ntitle: In English\nlang: en\n---\nAn English section.\n")
    return project


def test_an_english_pull_quote_on_an_arabic_page_keeps_its_full_stop(project):
    arabic_with_english(project)
    files = pressroom.render(project.settings, "web")
    page = lxml_html.fromstring(files["web/index.html"])
    (quote,) = page.xpath("//aside[@class='pull-quote']/p")
    assert quote.get("dir") == "ltr" and quote.text == "A lifeline for challenging cancers."
    (english,) = page.xpath("//section[@lang='en']")
    assert english.get("dir") == "ltr"
    assert page.xpath("//div[contains(@class, 'prose')]//span[@lang='en']/@dir") == ["ltr"]
    # in the PDF the full stop is set on the right of the sentence (the end of a left-to-right line)
    pdf = pressroom.render(project.settings, "brochure")["brochure.pdf"]
    assert "A lifeline for challenging cancers." in normal(pdf_text(pdf))
    if shutil.which("pdftotext"):
        (y,) = {y for x, y, word in bbox_words(pdf, page=4) if word == "lifeline"}
        line = " ".join(word for x, word_y, word in sorted(bbox_words(pdf, page=4)) if word_y == y)
        assert line == "\u201cA lifeline for challenging cancers.\u201d"  # left to right, as printed


def bbox_words(pdf: bytes, page: int) -> list[tuple[float, float, str]]:
    """(x, y, word) of each word on a page (from 1), by poppler."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return [(float(x), float(y), unescape(word)) for x, y, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]


def unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def test_the_arabic_report_and_web_edition(project):
    """The report takes the Arabic headings and footer; the web edition the Arabic labels."""
    import docx

    arabic_with_english(project)
    report = docx.Document(io.BytesIO(pressroom.render(project.settings, "report")["report.docx"]))
    texts = [p.text for p in report.paragraphs]
    assert "الملخص التنفيذي" in texts and "27 نوفمبر 2026" in texts
    assert any("نص عربي ثم Precision Medicine ثم نص." == t for t in texts)  # the span's words are kept
    footer = report.sections[-1].footer.paragraphs[0]._p.xpath("string(.)")
    assert footer.startswith("صفحة ") and " من " in footer
    page = lxml_html.fromstring(pressroom.render(project.settings, "web")["web/index.html"])
    assert normal(page.xpath("//nav/h2")[0].text_content()) == "المحتويات"


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_builds_the_arabic_edition_into_build_ar(tmp_path):
    for name in ("content", "content-ar", "templates", "src"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "bin").symlink_to(REPO / ".venv" / "bin")
    for stamp in (".installed", ".system-deps"):
        (tmp_path / ".venv" / stamp).touch()
    run = subprocess.run(["make", "--no-print-directory", "arabic"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "build" / "ar"
    for name in ("brochure.pdf", "leaflet.pdf", "report.docx", "reports/northwind-childrens-trust.docx",
                 "web/index.html", ".deps/brochure.d", ".deps/leaflet.d"):
        assert (out / name).is_file(), name
    assert not (tmp_path / "build" / "brochure.pdf").exists()  # the English edition is another target
    assert "ترجمة أولية" in normal(pdf_text((out / "brochure.pdf").read_bytes(), 0))
    assert (out / ".deps" / "brochure.d").read_text().startswith("build/ar/brochure.pdf: \\\n  content-ar")
    web = (out / "web" / "index.html").read_text(encoding="utf-8")
    assert 'class="draft-notice"' in web and "ترجمة أولية" in web
    import docx

    cover = [p.text for p in docx.Document(str(out / "report.docx")).paragraphs[:8]]
    assert "ترجمة أولية: بانتظار مراجعة مترجم مؤهل." in cover
    again = subprocess.run(["make", "--no-print-directory", "-q", "arabic"], cwd=tmp_path, check=False)
    assert again.returncode == 0  # nothing left to rebuild


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_arabic_chart_labels_in_a_latin_brochure_sit_on_the_chart_s_baselines(project):
    """Text laid over a chart is placed by its baseline: an Arabic category label lines up with the Latin
    ones drawn in the SVG, whatever the document's fonts."""
    project.write("content/data/reach.yaml", "chart:\n  type: bar\n  title: Families\n  categories: "
                  "['2023', 'عام 2024', '2025']\n  series:\n    - name: Families\n      values: [120, 165, 210]\n")
    project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\n![Families by year]"
                  "(../data/reach.yaml \"Families by year\"){#fig-reach}\n")
    pdf = pressroom.render(project.settings, "brochure")["brochure.pdf"]
    page = next(number for number in range(1, len(pypdf.PdfReader(io.BytesIO(pdf)).pages) + 1)
                if any(word == "2025" for _, _, word in bbox_words(pdf, number)))
    tops = {word: y for x, y, word in bbox_words(pdf, page) if word in ("2023", "2024", "2025")}
    assert abs(tops["2024"] - tops["2023"]) < 0.3 and tops["2023"] == tops["2025"], tops
