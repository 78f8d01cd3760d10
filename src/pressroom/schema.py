"""The content contract as pydantic models: front matter, data files and the project config.

`validate(schema, data, ...)` turns pydantic's errors into located one-line problems
(`field: what is wrong`), suggesting the closest known key for a misspelt one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError,
                      model_validator)

from .errors import Problems
from .yamlfile import line_of

# Characters no text may hold: C0 controls other than tab and line breaks, and the two non-characters.
# They are invisible (usually pasted in by accident) and a Word document cannot contain them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_character_problem(text: str) -> str | None:
    """What is wrong with `text` if it holds a control character, else None."""
    found = CONTROL_CHARACTER.search(text)
    return None if found is None else f"contains the invisible control character U+{ord(found.group()):04X}; delete it"


def _without_control_characters(text: str) -> str:
    problem = control_character_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _folder_without_control_characters(folder: Path) -> Path:
    _without_control_characters(str(folder))
    return folder


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_without_control_characters)]
Folder = Annotated[Path, AfterValidator(_folder_without_control_characters)]
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                         AfterValidator(_without_control_characters)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


class SectionReference:
    """Marks a field whose value must be the slug of a section (checked once every section is read)."""


@dataclass(frozen=True)
class UniqueKey:
    """Marks a field no two items of a list data file may share; `item` names an item in messages."""

    item: str


def marked_fields(schema, marker_type) -> list[tuple[str, object]]:
    """(field, marker) for each field of a list schema's items that carries a marker of `marker_type`."""
    args = typing.get_args(schema)
    model = args[0] if typing.get_origin(schema) is list and args else schema
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    return [(name, marker) for name, info in model.model_fields.items()
            for marker in info.metadata if isinstance(marker, marker_type)]


SectionSlug = Annotated[Slug | None, SectionReference()]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndexFrontMatter(Strict):
    title: RequiredText
    subtitle: Text = ""
    organisation: Text = ""
    date: dt.date | None = None
    lang: LanguageTag = "en"
    summary: Text = ""
    keywords: list[RequiredText] = []
    cover_image: Text = ""
    cover_image_alt: Text = ""
    translation_status: typing.Literal["draft", "reviewed"] | None = None


class SectionFrontMatter(Strict):
    title: RequiredText
    slug: Slug | None = None
    summary: Text = ""
    pull_quote: Text = ""
    lang: LanguageTag | None = None


class Institution(Strict):
    name: RequiredText
    role: RequiredText
    section: SectionSlug = None


class GlossaryTerm(Strict):
    term: RequiredText
    definition: RequiredText
    section: SectionSlug = None


class Person(Strict):
    name: RequiredText
    email: Text = ""


class Grant(Strict):
    amount: Decimal = Field(gt=0, lt=Decimal(10) ** 15, allow_inf_nan=False)  # a sum the report can print
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class ReportingPeriod(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ends_after_it_starts(self):
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class Funder(Strict):
    slug: Annotated[Slug, UniqueKey("funder")]  # each edition is written to reports/<slug>.docx
    name: RequiredText
    contact: Person
    grant: Grant
    programme: RequiredText
    period: ReportingPeriod
    sample: bool = False


class Contact(Strict):
    organisation: RequiredText
    email: Text = ""
    website: Text = ""
    address: Text = ""
    how_to_help: list[RequiredText] = []
    sample: bool = False


def _number_as_text(value):
    """Years and other numbered categories (2024) are names, written as the file gives them."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class ChartSeriesSpec(Strict):
    name: RequiredText
    values: list[Annotated[float, Field(allow_inf_nan=False)]] = Field(min_length=1)


class ChartSpec(Strict):
    """A chart in a data file: `chart:` with these keys (see the README's "Charts")."""

    type: typing.Literal["bar", "stacked-bar", "line", "pie", "donut"]
    title: RequiredText
    categories: list[Annotated[RequiredText, BeforeValidator(_number_as_text)]] = Field(min_length=1)
    series: list[ChartSeriesSpec] = Field(min_length=1)
    unit: Text = ""
    source: Text = ""
    sample: bool = False
    description: Text = ""

    @model_validator(mode="after")
    def _values_fit(self):
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series '{series.name}' has {len(series.values)} values for "
                                 f"{len(self.categories)} categories; give one value per category")
        if self.type in ("pie", "donut", "stacked-bar") and any(v < 0 for s in self.series for v in s.values):
            raise ValueError(f"a {self.type} chart cannot show negative values")
        if self.type in ("pie", "donut") and len(self.series) > 1:
            raise ValueError(f"a {self.type} chart shows one series, and this one has {len(self.series)}; use a bar "
                             "chart, or one chart per series")
        if self.type in ("pie", "donut") and not any(self.series[0].values):
            raise ValueError(f"a {self.type} chart needs a value above 0")
        return self


class ChartFile(Strict):
    model_config = ConfigDict(extra="allow", frozen=True)  # other keys are data for the templates
    chart: ChartSpec


# content/data/<stem>.yaml files with a known shape; other stems are passed to templates unchecked.
DATA_SCHEMAS: dict[str, Any] = {
    "institutions": list[Institution],
    "glossary": list[GlossaryTerm],
    "funders": list[Funder],
    "contact": Contact,
}


def adapter(schema) -> TypeAdapter:
    """The validator of `schema`, built once: building one costs more than validating a front matter."""
    try:
        hash(schema)
    except TypeError:
        return TypeAdapter(schema)
    return _adapter(schema)


@functools.lru_cache(maxsize=256)
def _adapter(schema) -> TypeAdapter:
    return TypeAdapter(schema)


def validate(schema, data, node, path: Path, first_line: int, problems: Problems):
    """Validate `data` against `schema`; record each error at its line; return the value or None."""
    try:
        return adapter(schema).validate_python(data)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            line = line_of(node, loc, first_line)
            problems.add(path, line, describe_error(schema, loc, item))
        return None


def describe_error(schema, loc: tuple, item: dict) -> str:
    """One pydantic error as `field: what is wrong`, with a hint where one helps."""
    field = ".".join(str(p) for p in loc if not isinstance(p, int)) or "file"
    kind = item["type"]
    if kind == "missing":
        return f"{field}: required field is missing"
    if kind == "extra_forbidden":
        known = known_keys(schema, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else f" (known keys: {', '.join(known)})"
        return f"{field}: unknown key{suggestion}"
    if kind == "string_pattern_mismatch" and field.split(".")[-1] in ("slug", "section"):
        return f"{field}: must be lower-case letters, digits and hyphens, got {item['input']!r}"
    if kind == "value_error":  # our own validators: their message is the whole story
        return f"{field}: {item['ctx']['error']}"
    if kind == "string_too_short":
        return f"{field}: must not be empty"
    if kind in ("model_type", "dict_type"):
        return f"{field}: must be 'key: value' lines, got {_short(item.get('input'))}"
    if kind == "list_type":
        return f"{field}: must be a list of '- ' items, got {_short(item.get('input'))}"
    message = item["msg"]
    message = message[0].lower() + message[1:]
    return f"{field}: {message}, got {_short(item.get('input'))}"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def known_keys(schema, loc: tuple) -> list[str]:
    """The keys a mapping at `loc` inside `schema` may have."""
    current = schema
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else Any
        elif isinstance(current, type) and issubclass(current, BaseModel):
            current = current.model_fields[part].annotation
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation):
    """Strip Optional[...] / X | None down to the model or list inside."""
    args = typing.get_args(annotation)
    if args and type(None) in args:
        return next(a for a in args if a is not type(None))
    return annotation
