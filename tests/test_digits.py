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
    for words in ("شكل ١:", "شكل ٢:", "جدول ١:", "جدول ١, صفحة ٩", "شكل ٢, صفحة ٩"):
        assert words in text, words
    assert "شكل ١" in indic[7] and not re.search("[٠-٩]", latin[7])  # page 8: captions and cross-references
    assert all(number in latin[7] for number in ("1", "2", "8", "9"))
