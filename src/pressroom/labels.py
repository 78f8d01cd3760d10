"""The words outputs add around numbered figures and tables, in the document's language.

One table for every writer: the brochure's captions and cross-references, the web edition's, and the
Word report's SEQ field names (Word's own caption labels), lists of figures and tables. A language
without an entry uses English.
"""

from __future__ import annotations

WORDS = {
    "en": {"figure": "Figure", "table": "Table", "page": "page", "figures": "Figures", "tables": "Tables"},
    "fr": {"figure": "Figure", "table": "Tableau", "page": "page", "figures": "Liste des figures",
           "tables": "Liste des tableaux"},
    "ar": {"figure": "شكل", "table": "جدول", "page": "صفحة", "figures": "قائمة الأشكال", "tables": "قائمة الجداول"},
}


def words(lang: str) -> dict[str, str]:
    """The words for language tag `lang` ("fr-CA" uses French), English where it has none."""
    return {**WORDS["en"], **WORDS.get(lang.split("-")[0].lower(), {})}


def label_text(kind: str, number: int, lang: str) -> str:
    """"Figure 2", "Table 1": what a caption opens with and a cross-reference prints."""
    return f"{words(lang)[kind]} {number}"
