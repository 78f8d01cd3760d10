"""The report plan: templates/report/report.yaml.j2 arranges the report as a list of blocks.

The template renders YAML (one block per list item); this module validates it and resolves it against
the model, giving the DOCX writer format-free blocks. Content bodies are not parsed again: a `section`
block points at the already-parsed Section; only the template's own short `text` blocks are parsed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from .config import Settings
from .errors import PressroomError
from .markdown import BodyReader, make_parser
from .templates import make_environment, render_template
from .yamlfile import YamlProblem, load_yaml

TEMPLATE = "report.yaml.j2"
REFERENCE_DOC = "reference.docx"


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[str, ...]  # organisation, date, funder lines: one paragraph each


@dataclass(frozen=True)
class TableOfContents:
    title: str


@dataclass(frozen=True)
class HeadingBlock:
    text: str
    level: int
    anchor: str = ""


@dataclass(frozen=True)
class BodyBlock:
    body: m.Body
    key: str  # unique per body, for footnote and bookmark names


@dataclass(frozen=True)
class DataTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


ReportBlock = Cover | TableOfContents | HeadingBlock | BodyBlock | DataTable


def plan_report(document: m.Document, settings: Settings, funder: dict | None = None) -> list[ReportBlock]:
    """Render the report template for one edition (general when `funder` is None) into blocks."""
    folder = settings.templates / "report"
    environment = make_environment(folder, autoescape=False)
    # `| tojson` writes YAML-safe strings; ensure_ascii would split emoji into surrogate escapes that YAML
    # reads back as two broken halves.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    text = render_template(environment, TEMPLATE, document=document, meta=document.meta,
                           sections=document.sections, data=document.data, funder=funder)
    path = folder / TEMPLATE
    try:
        items, _ = load_yaml(text)
    except YamlProblem as error:
        raise PressroomError(f"rendered template is not valid YAML ({error.message}); "
                             "quote values with '| tojson'", path, None) from None
    if not isinstance(items, list):
        raise PressroomError("must render a YAML list of blocks", path)
    planner = _Planner(document, path)
    return [planner.block(item, index) for index, item in enumerate(items)]


class _Planner:
    def __init__(self, document: m.Document, path: Path):
        self.document = document
        self.path = path
        self.sections = {s.slug: s for s in document.sections}
        self.parser = make_parser(False)
        self.text_count = 0

    def block(self, item: Any, index: int) -> ReportBlock:
        if not isinstance(item, dict) or len(item) != 1:
            self.fail(index, "each block must be one 'kind: value' item")
        (kind, value), = item.items()
        handler = getattr(self, f"plan_{kind}", None)
        if handler is None:
            known = ", ".join(n.removeprefix("plan_") for n in dir(self) if n.startswith("plan_"))
            self.fail(index, f"unknown block '{kind}' (known: {known})")
        try:
            return handler(value or {})
        except (KeyError, TypeError, ValueError) as error:
            self.fail(index, f"block '{kind}': {error}")

    def fail(self, index: int, message: str):
        raise PressroomError(f"block {index + 1}: {message}", self.path)

    def plan_cover(self, value: dict) -> Cover:
        meta = self.document.meta
        return Cover(value.get("title", meta.title), value.get("subtitle", meta.subtitle),
                     tuple(str(line) for line in value.get("lines") or ()))

    def plan_toc(self, value: dict) -> TableOfContents:
        return TableOfContents(value.get("title", "Contents"))

    def plan_heading(self, value: dict) -> HeadingBlock:
        return HeadingBlock(str(value["text"]), int(value.get("level", 1)), str(value.get("anchor", "")))

    def plan_intro(self, value: dict) -> BodyBlock:
        return BodyBlock(self.document.intro, "introduction")

    def plan_section(self, slug: str) -> BodyBlock:
        if slug not in self.sections:
            raise KeyError(f"no section with slug '{slug}'")
        return BodyBlock(self.sections[slug].body, slug)

    def plan_text(self, markdown: str) -> BodyBlock:
        self.text_count += 1
        reader = BodyReader(self.parser, 0, _no_images, set(), min_heading_level=2)
        return BodyBlock(reader.read(str(markdown)), f"text-{self.text_count}")

    def plan_table(self, value: dict) -> DataTable:
        columns = value["columns"]
        rows = value["rows"]
        headers = tuple(str(c["header"]) for c in columns)
        cells = tuple(tuple(str(row.get(c["key"], "")) for c in columns) for row in rows)
        return DataTable(headers, cells)


def _no_images(src: str, alt: str, title: str, line) -> m.Image:
    raise ValueError(f"images are not allowed in template text ('{src}'); put them in content/")
