"""The reader: finds and reads content/ (front matter, Markdown, data files), validates, returns the model.

Split by job: files come through the gateway (encodings, limits, the sandbox), `front_matter` splits and
validates the YAML block, `resources` checks what Markdown embeds, `crossrefs` checks across files once
all are read. Every problem goes to one collector with its file and line; `read_content` raises one
ContentError listing them all.
"""

from __future__ import annotations

import functools
import re
import typing
from pathlib import Path

from .. import model as m
from ..errors import Problems
from ..gateway import ProjectFiles
from ..markdown import BodyReader, Numbering, make_parser
from ..schema import DATA_SCHEMAS, ChartFile, IndexFrontMatter, SectionFrontMatter, validate
from ..settings import Settings
from ..yamlfile import YamlProblem, load_yaml
from .crossrefs import check_cross_references, check_links, check_section_references, check_unique_keys
from .front_matter import read_front_matter
from .resources import INVALID_CHART, ResourceChecker

SECTION_NAME = re.compile(r"^(?P<order>\d+)[-_](?P<slug>.+)$")


class DataFiles(dict):
    """content/data/*.yaml by file stem; knows its folder so templates can name a missing file."""

    def __init__(self, folder: Path):
        super().__init__()
        self.data_folder = folder


class ContentReader:
    """Reads one project's content folder into a Document, collecting problems as it goes."""

    def __init__(self, settings: Settings, files: ProjectFiles | None = None, problems: Problems | None = None):
        self.settings = settings
        self.root = settings.content
        self.files = files or ProjectFiles(settings)
        self.problems = Problems() if problems is None else problems
        self.resources = ResourceChecker(self.files, self.problems)
        self.parser = make_parser(settings.allow_raw_html)
        self.anchors: set[str] = set()
        self.numbering = Numbering()
        self.cross_references: list[tuple[Path, int | None, str]] = []
        self.links: list[tuple[Path, int | None, str]] = []
        self.some_sections_unread = False
        self.data_nodes: dict[str, tuple[Path, object]] = {}

    def read(self, raise_problems: bool = True) -> m.Document:
        """The Document; raises ContentError listing every problem (or leaves them in self.problems)."""
        index_path = self.root / "index.md"
        if not self.root.is_dir():
            self.problems.add(self.root, None, "content folder: not found; pass --content or set content in "
                              "pressroom.yaml")
            self.problems.raise_if_any(f"{self.root.name}/")
        self.files.note(self.root)  # a folder added to content/ (data/, say) changes what is read
        data = self.read_data_files()
        meta, intro = self.read_index(index_path)
        sections = self.read_sections()
        check_links(self.links, self.anchors, sections, self.problems)
        check_cross_references(self.cross_references, self.numbering.labels, self.anchors, self.problems)
        if not self.some_sections_unread:  # else every reference to an unread section would be reported too
            check_section_references(data, self.data_nodes, {s.slug for s in sections}, self.problems)
        check_unique_keys(data, self.data_nodes, self.problems)
        if raise_problems:
            self.problems.raise_if_any(f"{self.root.name}/")
        return m.Document(meta=meta, intro=intro, sections=tuple(sections), data=data, root=self.root,
                          labels=dict(self.numbering.labels))

    def read_body(self, path: Path, text: str, line_offset: int, min_heading_level: int) -> m.Body:
        """The file's Markdown body as a model Body; its problems are recorded at their lines."""
        resolve_image = functools.partial(self.resources.image, path)
        reader = BodyReader(self.parser, line_offset, resolve_image, self.anchors, min_heading_level, self.numbering)
        try:
            body = reader.read(text)
        except RecursionError:
            self.problems.add(path, reader.current_line or line_offset + 1,
                              "Markdown: nested too deeply to read; flatten the nesting")
            return m.Body()
        for line, message in reader.limit_problems:
            self.problems.add(path, line, message)
        self.links.extend((path, line, url) for url, line in reader.links)
        self.cross_references.extend((path, line, target) for target, line in reader.cross_references)
        for html, line in reader.raw_html:
            self.resources.raw_html(path, line, html)
        return body

    # the parts of a project ------------------------------------------------

    def read_index(self, path: Path) -> tuple[m.Metadata, m.Body]:
        """The document's metadata and introduction, from content/index.md."""
        if not path.exists() and not path.is_symlink():
            self.problems.add(path, None, "file: missing; every project needs content/index.md with a title")
            return m.Metadata(title=""), m.Body()
        text = self.files.read_text(path, self.problems)
        if text is None:
            return m.Metadata(title=""), m.Body()
        front = read_front_matter(path, text, IndexFrontMatter, self.problems)
        body = self.read_body(path, front.body, front.body_offset, min_heading_level=2)
        values = front.values
        if values is None:
            return m.Metadata(title=""), body
        cover = None
        if values.cover_image:
            cover = self.resources.image(path, values.cover_image, values.cover_image_alt or values.title, "",
                                         front.line("cover_image"))
        meta = m.Metadata(title=values.title, subtitle=values.subtitle, organisation=values.organisation,
                          date=values.date, lang=values.lang, summary=values.summary,
                          keywords=tuple(values.keywords), cover_image=cover,
                          translation_status=values.translation_status or "")
        return meta, body

    def read_sections(self) -> list[m.Section]:
        """content/sections/*.md in file-name order; two sections may not share a slug or an order."""
        folder = self.root / "sections"
        sections, seen_slugs, seen_orders = [], {}, {}
        listing = self.files.list_folder(folder, self.problems)
        paths = [path for path in listing if path.suffix == ".md"]
        for path in listing:
            if path.suffix != ".md" and path.is_file() and not path.name.startswith(".") \
                    and not path.name.endswith("~"):
                self.problems.add(path, None, f"section: only .md files are read; rename it to {path.stem}.md "
                                  "or move it out of sections/")
        for path in paths:
            name = SECTION_NAME.match(path.stem)
            if not name:
                self.problems.add(path, 1, "section: file name must start with its order, like 01-title.md")
                continue
            section, slug_line = self.read_section(path, name.group("slug"))
            if section is None:
                self.some_sections_unread = True
                continue
            for key, seen, what, line in ((section.slug, seen_slugs, "slug", slug_line),
                                          (int(name.group("order")), seen_orders, "order", 1)):
                if key in seen:
                    self.problems.add(path, line, f"section: same {what} '{key}' as {seen[key].name}; "
                                      f"every section needs its own {what}")
                seen.setdefault(key, path)
            sections.append(section)
        if not paths and folder.is_dir():
            self.problems.add(folder, None, "sections: none found; add files named like 01-introduction.md")
        return sections

    def read_section(self, path: Path, file_slug: str) -> tuple[m.Section | None, int]:
        """The section and the line its slug comes from (1: the file name, which gave `file_slug`)."""
        text = self.files.read_text(path, self.problems)
        if text is None:
            return None, 1
        front = read_front_matter(path, text, SectionFrontMatter, self.problems)
        values = front.values
        slug = (values.slug if values and values.slug else file_slug).lower()
        slug_line = front.line("slug") if values and values.slug else 1
        self.anchors.add(slug)
        problems_before = len(self.problems.items)
        body = self.read_body(path, front.body, front.body_offset, min_heading_level=2)
        if not body.blocks and len(self.problems.items) == problems_before:
            self.problems.add(path, front.body_offset + 1,
                              "section: empty; write the section's text below the front matter")
        if values is None:
            return None, slug_line
        return m.Section(slug=slug, title=values.title, path=path, body=body,
                         summary=values.summary, pull_quote=values.pull_quote, lang=values.lang or ""), slug_line

    def read_data_files(self) -> dict:
        folder = self.root / "data"
        data = DataFiles(folder)
        paths = [path for path in self.files.list_folder(folder, self.problems) if path.suffix in (".yaml", ".yml")]
        for path in paths:
            text = self.files.read_text(path, self.problems)
            if text is None:
                continue
            try:
                value, node = load_yaml(text)
            except YamlProblem as error:
                self.problems.add(path, error.line, error.message)
                continue
            self.data_nodes[path.stem] = (path, node)
            schema = DATA_SCHEMAS.get(path.stem)
            if value is None and typing.get_origin(schema) is list:
                value = []  # an empty (or comment-only) list file: nothing listed yet
            elif value is None and schema is not None:
                self.problems.add(path, 1, "file: empty; write its 'key: value' lines")
                continue
            self.resources.charts[path.resolve()] = None  # a chart only once it proves valid
            if schema is None and isinstance(value, dict) and "chart" in value:
                schema = ChartFile
            if schema is not None:
                checked = validate(schema, value, node, path, 1, self.problems)
                value = _plain(checked)
                if schema is ChartFile:
                    self.resources.charts[path.resolve()] = (_chart(checked.chart, path) if checked is not None
                                                             else INVALID_CHART)
            data[path.stem] = value
        return data


def _chart(spec, path: Path) -> m.Chart:
    series = tuple(m.ChartSeries(s.name, tuple(s.values)) for s in spec.series)
    return m.Chart(spec.type, spec.title, tuple(spec.categories), series, spec.unit, spec.source, spec.sample,
                   spec.description, path)


def _plain(value):
    """Validated pydantic values as plain dicts and lists, the form templates expect."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return value


def read_content(settings: Settings, files: ProjectFiles | None = None) -> m.Document:
    """Read and validate the whole content folder; raise ContentError listing every problem."""
    return ContentReader(settings, files).read()
