"""The message catalogues: every fixed word of the templates comes from them, in the document's language,
and dates, numbers and sums are formatted by Babel for it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from conftest import REPO
from pressroom import labels
from pressroom.cli import main
from pressroom.labels import Formats, catalogue_messages, languages, words

TEMPLATES = sorted((REPO / "templates").rglob("*.j2"))
HTML_TEMPLATES = [path for path in TEMPLATES if path.name.endswith(".html.j2")]
# The words the templates used to hold in English: none may be left as template text.
LABELS = ("contents", "introduction", "key_term", "how_you_can_help", "institutions_named_in_brochure", "key_terms",
          "notes", "who_is_involved", "glossary", "sample_contact", "institutions_named_here", "get_in_touch",
          "skip_to_content", "executive_summary", "institutions_named_in_report", "your_support")


def template_keys(path: Path) -> set[str]:
    """The keys `t("...")` calls name in a template."""
    tree = jinja2.Environment().parse(path.read_text(encoding="utf-8"))
    return {call.args[0].value for call in tree.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name == "t" and call.args
            and isinstance(call.args[0], nodes.Const)}


def template_text(path: Path) -> str:
    """The template's own text (outside Jinja expressions and tags), HTML tags stripped of their names."""
    tree = jinja2.Environment().parse(path.read_text(encoding="utf-8"))
    return " ".join(data.data for data in tree.find_all(nodes.TemplateData))


def test_every_template_key_is_in_every_catalogue():
    used = set().union(*(template_keys(path) for path in TEMPLATES))
    assert {"contents", "introduction", "page_x_of_y", "prepared_for", "draft_translation"} <= used | {"page_x_of_y"}
    assert set(languages()) >= {"en", "ar", "fr"}
    for language in languages():
        missing = sorted(used - set(catalogue_messages(language)))
        assert not missing, f"catalogue/{language}.yaml lacks {missing}"


def test_every_catalogue_has_the_english_keys_and_placeholders():
    english = catalogue_messages("en")
    for language in languages():
        messages = catalogue_messages(language)
        assert sorted(set(english) - set(messages)) == [], language
        for key, message in messages.items():
            assert set(re.findall(r"\{(\w+)\}", message)) == set(re.findall(r"\{(\w+)\}", english[key])), (language, key)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_english_label_is_left_in_the_template_text(path):
    text = template_text(path)
    for key in LABELS:
        assert catalogue_messages("en")[key] not in text, (path.name, key)
    assert "strftime" not in path.read_text(encoding="utf-8")  # dates are formatted for the language


def test_a_missing_key_fails_the_check(monkeypatch):
    """What the test above reports when a catalogue loses a key a template uses."""
    real = labels._catalogue

    def without_contents(language):
        found = real(language)
        return {k: v for k, v in found.items() if k != "contents"} if language == "fr" and found else found

    monkeypatch.setattr(labels, "_catalogue", without_contents)
    used = set().union(*(template_keys(path) for path in TEMPLATES))
    assert "contents" in used - set(catalogue_messages("fr"))


def french_project(project, lang="fr"):
    project.write("content/index.md", f"---\ntitle: Brochure\ndate: 2026-11-27\nlang: {lang}\n---\nIntroduction.\n")
    return project


def test_missing_translations_are_one_warning_and_english(project, monkeypatch, capsys):
    real = labels._catalogue

    def partial(language):
        found = real(language)
        if language == "fr" and found:
            return {k: v for k, v in found.items() if k not in ("contents", "key_term")}
        return found

    monkeypatch.setattr(labels, "_catalogue", partial)
    french_project(project)
    assert main(["build", "web", *project.args(), "--out", str(project.out)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Warning:")]
    assert warnings == ["Warning: lang: the 'fr' message catalogue has no translation for contents, key_term; "
                        "printed in English"]
    page = (project.out / "web" / "index.html").read_text(encoding="utf-8")
    assert ">Contents</h2>" in page and "Introduction" in page and "novembre 2026" in page


def test_a_language_without_a_catalogue_is_one_warning_and_english(project, capsys):
    french_project(project, "de")
    assert main(["build", "web", *project.args(), "--out", str(project.out)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "no message catalogue for 'de'" in warnings[0]
    page = (project.out / "web" / "index.html").read_text(encoding="utf-8")
    assert ">Contents</h2>" in page and "November 2026" in page  # Babel knows German, the catalogue does not
    assert "November 2026" in page


def test_french_pages_take_the_french_words(project, capsys):
    french_project(project)
    assert main(["build", "web", *project.args(), "--out", str(project.out)]) == 0
    assert "Warning" not in capsys.readouterr().err
    page = (project.out / "web" / "index.html").read_text(encoding="utf-8")
    assert ">Sommaire</h2>" in page and "novembre 2026" in page and "Aller au contenu" in page


def test_words_fall_back_to_english_per_key():
    assert words("fr-CA")["table"] == "Tableau" and words("ar")["contents"] == "المحتويات"
    assert words("de")["contents"] == "Contents"


@pytest.mark.parametrize(("lang", "digits", "month_year", "full_date", "amount", "money"), [
    ("en", "latin", "November 2026", "27 November 2026", "25,000", "EUR 25,000"),
    ("en-US", "latin", "November 2026", "November 27, 2026", "25,000", "EUR 25,000"),
    ("fr", "latin", "novembre 2026", "27 novembre 2026", "25\u202f000", "25\u202f000 EUR"),
    ("ar", "latin", "نوفمبر 2026", "27 نوفمبر 2026", "25,000", "25,000 EUR"),
    ("ar", "arabic-indic", "نوفمبر ٢٠٢٦", "٢٧ نوفمبر ٢٠٢٦", "٢٥٬٠٠٠", "٢٥٬٠٠٠ EUR"),
])
def test_dates_numbers_and_sums_follow_the_language(lang, digits, month_year, full_date, amount, money):
    formats = Formats(lang, digits)
    date = dt.date(2026, 11, 27)
    assert formats.month_year(date) == month_year
    assert formats.full_date(date) == full_date
    assert formats.amount(25000) == amount
    assert formats.money(25000, "EUR") == money


def test_cents_and_three_decimals():
    assert Formats("en").amount(Decimal("1234.50")) == "1,234.50"
    assert Formats("en").amount(Decimal("1234.505")) == "1,234.505"
    assert Formats("fr").amount(Decimal("1234.5")) == "1\u202f234,50"


def test_the_report_speaks_the_document_language(project):
    """The funder edition's sentences, table labels, dates and sum, and the footer's "Page X of Y"."""
    import docx

    from conftest import report_docx
    from pressroom import read

    project.write("content/index.md", "---\ntitle: Rapport\ndate: 2026-11-27\nlang: fr\n---\nIntroduction.\n")
    funder = {"slug": "f", "name": "Fondation Exemple", "contact": {"name": "Ada", "email": "ada@example.org"},
              "grant": {"amount": Decimal(25000), "currency": "EUR"}, "programme": "Bourses",
              "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}, "sample": True}
    import io

    report = docx.Document(io.BytesIO(report_docx(read(project.settings), project.settings, funder)))
    text = "\n".join(p.text for p in report.paragraphs)
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert "Préparé pour Fondation Exemple" in text and "Subvention : 25\u202f000 EUR, Bourses" in text
    assert "27 novembre 2026" in text and "Votre soutien" in text and "Synthèse" in text
    assert "du 1 janvier 2026 au 31 décembre 2026" in text
    assert "Période couverte" in cells and "Bailleur" in cells
    footer = report.sections[-1].footer.paragraphs[0]._p.xpath("string(.)")
    assert footer.startswith("Page ") and " sur " in footer
