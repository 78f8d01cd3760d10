"""The report plan: templates/report/report.yaml.j2 arranges the report as a list of blocks.

The template renders YAML (one block per list item); this module validates it and resolves it against
the model, giving the DOCX writer format-free blocks. Content bodies are not parsed again: a `section`
block points at the already-parsed Section; only the template's own short `text` blocks are parsed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from pydantic import ConfigDict, Field, ValidationError

from .. import model as m
from ..errors import PressroomError
from ..labels import Formats
from ..markdown import BodyReader, make_parser
from ..schema import Strict, Text, adapter, control_character_problem, describe_error
from ..templates import make_environment, render_template
from ..yamlfile import YamlProblem, load_yaml

TEMPLATE = "report.yaml.j2"


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[str, ...]  # organisation, date, funder lines: one paragraph each


@dataclass(frozen=True)
class TableOfContents:
    title: str


@dataclass(frozen=True)
class ListOfCaptions:
    """A list of figures or of tables (kind "figure" or "table"), with page numbers; left out when the
    report has none. `title` "" means the words of the document's language."""

    kind: str
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
    lang: str = ""  # a section's own language, where it differs from the document's


@dataclass(frozen=True)
class DataTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


ReportBlock = Cover | TableOfContents | ListOfCaptions | HeadingBlock | BodyBlock | DataTable


# What each kind of block in the rendered template may hold (numbers are taken as text).
class BlockSpec(Strict):
    model_config = ConfigDict(coerce_numbers_to_str=True)


class CoverSpec(BlockSpec):
    title: Text | None = None  # None: the document's
    subtitle: Text | None = None
    lines: list[Text] | None = None


class TocSpec(BlockSpec):
    title: Text = "Contents"


class ListSpec(BlockSpec):
    title: Text = ""


class HeadingSpec(BlockSpec):
    text: Text
    level: int = Field(default=1, ge=1, le=6)
    anchor: Text = ""


class IntroSpec(BlockSpec):
    pass


class ColumnSpec(BlockSpec):
    key: Text
    header: Text


class TableSpec(BlockSpec):
    columns: list[ColumnSpec] = Field(min_length=1)
    rows: list[dict[str, Any]]


BLOCK_SCHEMAS = {"cover": CoverSpec, "toc": TocSpec, "list_of_figures": ListSpec, "list_of_tables": ListSpec, "heading": HeadingSpec, "intro": IntroSpec,
                 "section": Text, "text": Text, "table": TableSpec}


def plan_report(document: m.Document, files, funder: dict | None = None) -> list[ReportBlock]:
    """Render the report template for one edition (general when `funder` is None) into blocks; `files`
    is the gateway the template is read through (and its settings choose the digits)."""
    environment = make_environment(files, "report", autoescape=False, lang=document.meta.lang,
                                   digits=files.settings.digits)
    # `| tojson` writes YAML-safe strings; ensure_ascii would split emoji into surrogate escapes that YAML
    # reads back as two broken halves.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    context = dict(document=document, meta=document.meta, sections=document.sections, data=document.data,
                   funder=funder)
    text = render_template(environment, TEMPLATE, **context)
    path = files.template(f"report/{TEMPLATE}") or files.templates / "report" / TEMPLATE
    def template_line(rendered_line: int | None) -> int | None:
        """The template line that wrote a line of the rendered text: found by rendering the same text
        again, noting where each line came from (four times slower, and only a problem needs it)."""
        line_map: list[int] = []
        render_template(environment, TEMPLATE, line_map, **context)
        return line_map[rendered_line - 1] if rendered_line and 0 < rendered_line <= len(line_map) else None

    try:
        items, root = load_yaml(text)
    except YamlProblem as error:
        raise PressroomError(f"rendered template is not valid YAML ({error.message}); "
                             "quote values with '| tojson'", path, template_line(error.line) or None) from None
    if not isinstance(items, list):
        raise PressroomError("must render a YAML list of blocks", path)
    planner = _Planner(document, path, lambda index: template_line(root.value[index].start_mark.line + 1))
    return [planner.block(item, index) for index, item in enumerate(items)]


def format_amount(amount, lang: str = "en", digits: str = "latin") -> str:
    """A sum with the language's thousands separators: whole numbers without decimals, others with at
    least two (and three where given, as dinars and rials have). The template's `money` filter."""
    return Formats(lang, digits).amount(amount)


class _Planner:
    def __init__(self, document: m.Document, path: Path, template_line: Callable[[int], int | None]):
        self.document = document
        self.path = path
        self.template_line = template_line  # of the block at an index
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
        schema = BLOCK_SCHEMAS[kind]
        if value is None and isinstance(schema, type):  # `- toc:` with nothing after it: all defaults
            value = {}
        try:
            checked = adapter(schema).validate_python(value)
        except ValidationError as error:
            first = error.errors()[0]
            detail = describe_error(schema, first["loc"], first)
            self.fail(index, f"{kind}.{detail}" if first["loc"] else f"{kind}{detail.removeprefix('file')}")
        try:
            return handler(checked)
        except (KeyError, ValueError) as error:
            self.fail(index, f"block '{kind}': {error}")

    def fail(self, index: int, message: str):
        line = self.template_line(index)
        raise PressroomError(f"block {index + 1}: {message}" if line is None else message, self.path, line)

    def plan_cover(self, value: CoverSpec) -> Cover:
        meta = self.document.meta
        return Cover(meta.title if value.title is None else value.title,
                     meta.subtitle if value.subtitle is None else value.subtitle, tuple(value.lines or ()))

    def plan_toc(self, value: TocSpec) -> TableOfContents:
        return TableOfContents(value.title)

    def plan_list_of_figures(self, value: ListSpec) -> ListOfCaptions:
        return ListOfCaptions("figure", value.title)

    def plan_list_of_tables(self, value: ListSpec) -> ListOfCaptions:
        return ListOfCaptions("table", value.title)

    def plan_heading(self, value: HeadingSpec) -> HeadingBlock:
        return HeadingBlock(value.text, value.level, value.anchor)

    def plan_intro(self, value: IntroSpec) -> BodyBlock:
        return BodyBlock(self.document.intro, "introduction")

    def plan_section(self, slug: str) -> BodyBlock:
        if slug not in self.sections:
            raise KeyError(f"no section with slug '{slug}'")
        section = self.sections[slug]
        return BodyBlock(section.body, slug, getattr(section, "lang", "") or "")

    def plan_text(self, markdown: str) -> BodyBlock:
        self.text_count += 1
        reader = BodyReader(self.parser, 0, _no_images, set(), min_heading_level=2)
        return BodyBlock(reader.read(markdown), f"text-{self.text_count}")

    def plan_table(self, value: TableSpec) -> DataTable:
        headers = tuple(column.header for column in value.columns)
        cells = tuple(tuple(_cell_text(row.get(column.key)) for column in value.columns) for row in value.rows)
        return DataTable(headers, cells)


def _cell_text(value: Any) -> str:
    text = "" if value is None else str(value)
    problem = control_character_problem(text)
    if problem:
        raise ValueError(f"a cell {problem}")
    return text


def _no_images(src: str, alt: str, title: str, line) -> m.Image:
    raise ValueError(f"images are not allowed in template text ('{src}'); put them in content/")
