"""The fixed words outputs add around the content, in the document's language, and its dates and numbers.

One message catalogue per language (src/pressroom/catalogue/LANG.yaml: English, French and Arabic so far)
for every writer: the templates call `t("contents")` (see templates.make_environment), the brochure's and
web edition's captions and cross-references take "Figure" and "page" from it, and the Word report its
caption labels and footer. A language's missing keys, and every key of a language with no catalogue, are
printed in English; `missing_translations` says which, for the build's one warning.

Dates and numbers are formatted by Babel (CLDR) for the document's language, in Western digits or, with
the `digits: arabic-indic` setting, in Arabic-Indic ones.
"""

from __future__ import annotations

import functools
from importlib import resources

FALLBACK = "en"
CATALOGUE_PACKAGE = "pressroom.catalogue"
DIGITS = ("latin", "arabic-indic")
# Babel's numbering systems by the digits setting; dates are written by Babel in Western digits always,
# so they are translated digit by digit.
NUMBERING_SYSTEMS = {"latin": "latn", "arabic-indic": "arab"}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def base_language(lang: str) -> str:
    """"fr" for "fr-CA": the catalogues are per language, not per region."""
    return lang.replace("_", "-").split("-")[0].lower() or FALLBACK


def catalogue_file(language: str):
    """The catalogue file of one language (a package resource), or None when there is none."""
    source = resources.files(CATALOGUE_PACKAGE).joinpath(f"{language}.yaml")
    return source if language.isalpha() and source.is_file() else None


@functools.cache
def _catalogue(language: str) -> dict[str, str] | None:
    import yaml

    source = catalogue_file(language)
    if source is None:
        return None
    entries = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    return {str(key): str(value) for key, value in entries.items()}


def catalogue_messages(language: str) -> dict[str, str] | None:
    """The messages of one language's catalogue as shipped, or None when there is none."""
    entries = _catalogue(language)
    return None if entries is None else {k: v for k, v in entries.items() if not k.startswith("_")}


def format_locale(lang: str) -> str:
    """The Babel locale whose dates and numbers a document in `lang` gets: the tag itself when it names a
    region (en-US), else the one its catalogue names as `_locale` (en: en_GB, the house style), else the
    language."""
    if "-" in lang.replace("_", "-"):
        return lang.replace("-", "_")
    language = base_language(lang)
    return (_catalogue(language) or {}).get("_locale", language)


def languages() -> list[str]:
    """The languages that have a catalogue."""
    return sorted(entry.name.removesuffix(".yaml") for entry in resources.files(CATALOGUE_PACKAGE).iterdir()
                  if entry.name.endswith(".yaml"))


def words(lang: str) -> dict[str, str]:
    """Every message for language tag `lang`, English where it has none."""
    return {**catalogue_messages(FALLBACK), **(catalogue_messages(base_language(lang)) or {})}


def missing_translations(lang: str) -> tuple[bool, list[str]]:
    """(whether `lang` has a catalogue at all, the keys its catalogue lacks); English lacks nothing."""
    own = catalogue_messages(base_language(lang))
    if own is None:
        return False, sorted(catalogue_messages(FALLBACK))
    return True, [key for key in catalogue_messages(FALLBACK) if key not in own]


def translation_warning(lang: str) -> str | None:
    """The one warning a build prints for a language the catalogues do not fully cover, or None."""
    known, missing = missing_translations(lang)
    if not known:
        return (f"lang: no message catalogue for '{lang}'; the fixed words (Contents, Introduction, ...) are "
                f"printed in English (catalogues: {', '.join(languages())})")
    if missing:
        return (f"lang: the '{base_language(lang)}' message catalogue has no translation for "
                f"{', '.join(missing)}; printed in English")
    return None


def label_text(kind: str, number: int, lang: str) -> str:
    """"Figure 2", "Table 1": what a caption opens with and a cross-reference prints."""
    return f"{words(lang)[kind]} {number}"


class Messages:
    """`t(key, **values)` for one language: the message with its {placeholders} filled in."""

    def __init__(self, lang: str):
        self.messages = words(lang)

    def __call__(self, key: str, **values) -> str:
        try:
            message = self.messages[key]
        except KeyError:
            raise KeyError(f"no message '{key}' in the catalogue (known: {', '.join(sorted(self.messages))})") \
                from None
        return message.format(**values) if values else message


def in_digits(text: str, digits: str = "latin") -> str:
    """`text` with its Western digits written in the digits of the setting ("3" or "٣")."""
    return text.translate(ARABIC_INDIC) if digits == "arabic-indic" else text


class Formats:
    """Dates, numbers and sums of money for one language and digits setting, by Babel."""

    def __init__(self, lang: str, digits: str = "latin"):
        from babel import Locale, UnknownLocaleError

        try:
            self.locale = Locale.parse(format_locale(lang))
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse(base_language(lang)) if _is_locale(base_language(lang)) else Locale(FALLBACK)
        self.lang = lang
        self.digits = digits
        self.numbering = NUMBERING_SYSTEMS[digits]

    def _digits(self, text: str) -> str:
        return in_digits(text, self.digits)

    def month_year(self, date) -> str:
        """"November 2026", "نوفمبر 2026", "novembre 2026": the cover's date."""
        from babel.dates import format_skeleton

        return self._digits(format_skeleton("yMMMM", date, locale=self.locale))

    def full_date(self, date) -> str:
        """"November 27, 2026", "27 novembre 2026": a day in running text."""
        from babel.dates import format_date

        return self._digits(format_date(date, "long", locale=self.locale))

    def number(self, value, pattern: str | None = None) -> str:
        """A number with the language's separators (pattern "00" pads to two digits: 01, 02)."""
        from babel.numbers import format_decimal

        # Babel's numbering system gives the separators (٬ ٫); the digits themselves are translated
        return self._digits(format_decimal(value, pattern, locale=self.locale, numbering_system=self.numbering))

    def percent(self, fraction) -> str:
        """`fraction` (0.125) as a percentage with the language's sign and spacing, its decimals kept
        ("12.5%", "12,5 %", "١٢٫٥٪")."""
        from babel.numbers import format_percent

        text = format_percent(fraction, locale=self.locale, numbering_system=self.numbering,
                              decimal_quantization=False)
        # Babel writes the pattern's own "%"; the numbering system's sign (٪ with Arabic-Indic digits),
        # without the bidi marks CLDR puts around it (the text's direction places it)
        sign = self.locale.number_symbols[self.numbering].get("percentSign", "%").strip("\u200e\u200f\u061c")
        return self._digits(text.replace("%", sign))

    def amount(self, value) -> str:
        """A sum with thousands separators: whole sums without decimals, others with at least two (and
        three where given, as dinars and rials have)."""
        from decimal import Decimal

        value = Decimal(value)
        if value == value.to_integral_value():
            return self.number(value, "#,##0")
        places = max(2, -value.normalize().as_tuple().exponent)
        return self.number(value, "#,##0." + "0" * places)

    def money(self, value, currency: str = "", messages: Messages | None = None) -> str:
        """"EUR 25,000" (or "25 000 EUR"): the amount, and the currency where the catalogue places it."""
        text = self.amount(value)
        if not currency:
            return text
        return (messages or Messages(self.lang))("amount", amount=text, currency=currency)


def _is_locale(name: str) -> bool:
    from babel import localedata

    return localedata.exists(name)
