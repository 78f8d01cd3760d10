"""Glyph coverage: every character the brochure will print must be in one of the theme's fonts.

A character no font has comes out as an empty box (or is silently taken from some other font on the
machine that built it). Before rendering, the characters of the content (Markdown, front matter, data
files) and of the fixed words (the message catalogue of the document's language, the formatted date)
are looked up in the character maps (cmap) of the font files fontconfig gives for the font families
the theme's stylesheet names. A character in none of them is a located problem, or with
`allow_missing_glyphs` a warning.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from .. import model as m
from ..errors import Problem, warn
from ..labels import Formats, base_language, catalogue_file, words

STYLESHEET = "brochure/brochure.css"
DEFAULT_FAMILIES = ("Noto Serif", "Noto Sans", "Noto Naskh Arabic", "DejaVu Sans Mono")
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji",
                    "fangsong", "inherit", "initial", "unset"}
# A quoted family name in a font declaration: `font-family: "Noto Serif", serif`, `--font-text: "..."`.
FONT_DECLARATION = re.compile(r"(?:font(?:-family)?|--font-[\w-]+)\s*:\s*([^;{}]*)")
QUOTED = re.compile(r"""["']([^"']+)["']""")
# Characters that are never drawn from a font's cmap: variation selectors choose a form of the one before.
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0), range(0x180B, 0x1810))


def theme_families(files) -> tuple[str, ...]:
    """The font families the brochure's stylesheet names (project's copy, else the theme's), in order;
    the default theme's when it names none."""
    path = files.template(STYLESHEET)
    text = ""
    if path is not None:
        try:
            text = files.read_template_text(path)
        except (OSError, UnicodeDecodeError, ValueError):
            text = ""  # the template checks report an unreadable stylesheet
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    families: dict[str, None] = {}
    for declaration in FONT_DECLARATION.finditer(text):
        for name in QUOTED.findall(declaration.group(1)):
            if name.lower() not in GENERIC_FAMILIES:
                families.setdefault(name.strip())
    return tuple(families) or DEFAULT_FAMILIES


@functools.cache
def family_files(family: str) -> tuple[Path, ...]:
    """The font files fontconfig has for `family` (every style), none when it has none or no fontconfig."""
    if not shutil.which("fc-list"):
        return ()
    try:
        listing = subprocess.run(["fc-list", family, "file"], capture_output=True, text=True, timeout=30,
                                 check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted(Path(line.strip().rstrip(":")) for line in listing.splitlines() if line.strip()))


@functools.cache
def font_characters(path: Path) -> frozenset[int]:
    """The code points one font file maps to glyphs (its best cmap), read once per process."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts
        else:
            fonts = [TTFont(str(path), lazy=True)]
        return frozenset(code for font in fonts for code in (font.getBestCmap() or {}))
    except Exception:  # a damaged or unusual font file covers nothing we can vouch for
        return frozenset()


@functools.cache
def covered(families: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[int]]:
    """(the families installed, the code points any of their files covers)."""
    installed = tuple(family for family in families if family_files(family))
    characters = frozenset().union(*(font_characters(path) for family in installed
                                     for path in family_files(family)))
    return installed, characters


def is_drawn(character: str) -> bool:
    """Whether a character needs a glyph: not white space, a control or format character (joiners, bidi
    marks, the soft hyphen) or a variation selector."""
    code = ord(character)
    if character.isspace() or unicodedata.category(character) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return False
    return not any(code in selectors for selectors in VARIATION_SELECTORS)


def check_glyphs(document: m.Document, job, problems) -> None:
    """Report each character of the content and the fixed words that no theme font has, at the first line
    of each file that holds it (as a warning instead with allow_missing_glyphs)."""
    families, characters = covered(theme_families(job.files))
    if not families:
        return  # no font of the theme is installed: the renderer's font warning says so
    texts = [*_strings(document), *words(document.meta.lang).values()]
    if document.meta.date:
        texts.append(Formats(document.meta.lang, job.settings.digits).month_year(document.meta.date))
    distinct = set().union(*texts)  # each character once: a long brochure repeats a few hundred
    missing = sorted(c for c in distinct if ord(c) not in characters and is_drawn(c))
    if not missing:
        return
    sources = _sources(document, job, problems)
    names = ", ".join(families)
    for character in missing:
        message = (f"glyph: {character!r} (U+{ord(character):04X}) is in none of the fonts {names}; use another "
                   "character or add a font that has it")
        places = [(path, text[: text.index(character)].count("\n") + 1) for path, text in sources
                  if character in text] or [(document.root / "index.md", None)]
        for path, line in places:
            if job.settings.allow_missing_glyphs:
                warn(str(Problem(path, line, message)))
            else:
                problems.add(path, line, message)


def _strings(node):
    """Every string in the model (text, titles, captions, alt text, data values)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _strings(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from _strings(getattr(node, field.name))


def _sources(document: m.Document, job, problems) -> list[tuple[Path, str]]:
    """(path, text) of every file the characters may come from: content/index.md, the sections, the data
    files, and the message catalogue of the document's language."""
    paths = [document.root / "index.md", *(section.path for section in document.sections)]
    folder = document.root / "data"
    paths += [path for stem in document.data for path in (folder / f"{stem}.yaml", folder / f"{stem}.yml")
              if path.is_file()]
    sources = []
    for path in paths:
        text = job.files.read_text(path, problems)
        if text is not None:
            sources.append((path, text))
    for language in dict.fromkeys((base_language(document.meta.lang), "en")):
        catalogue = catalogue_file(language)
        if catalogue is not None:
            sources.append((Path(str(catalogue)), catalogue.read_text(encoding="utf-8")))
    return sources
