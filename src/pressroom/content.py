"""The reader: finds and reads content/ (front matter, Markdown, data files), validates, returns the model.

Every problem is collected with its file and line; `read_content` raises one ContentError listing them all.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import typing
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import model as m
from .config import Settings
from .errors import Problems, known_names
from .markdown import BodyReader, make_parser
from .sandbox import (ResourceRefused, Sandbox, data_url_image_problem, html_resource_urls, image_problem,
                      shortened)
from .schema import (CONTROL_CHARACTER, DATA_SCHEMAS, IndexFrontMatter, SectionFrontMatter,
                     control_character_problem, validate)
from .yamlfile import YamlProblem, line_of, load_yaml

SECTION_NAME = re.compile(r"^(?P<order>\d+)[-_](?P<slug>.+)$")
FRONT_MATTER_FENCE = "---"
# data files whose items may name a section (`section: slug`), checked against the sections read
SECTION_REFERENCES = ("institutions", "glossary")


class DataFiles(dict):
    """content/data/*.yaml by file stem; knows its folder so templates can name a missing file."""

    def __init__(self, folder: Path):
        super().__init__()
        self.data_folder = folder


class ContentReader:
    """Reads one project's content folder into a Document, collecting problems as it goes."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.content
        self.problems = Problems()
        self.parser = make_parser(settings.allow_raw_html)
        self.sandbox = Sandbox.for_project(settings)
        self.anchors: set[str] = set()
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
        data = self.read_data_files()
        meta, intro = self.read_index(index_path)
        sections = self.read_sections()
        self.check_links(sections)
        if not self.some_sections_unread:  # else every reference to an unread section would be reported too
            self.check_section_references(data, {s.slug for s in sections})
        self.check_funder_slugs(data)
        if raise_problems:
            self.problems.raise_if_any(f"{self.root.name}/")
        return m.Document(meta=meta, intro=intro, sections=tuple(sections), data=data, root=self.root)

    # files -----------------------------------------------------------------

    def read_text(self, path: Path) -> str | None:
        """The file as text, or None after recording why it cannot be read."""
        problem = self.sandbox.file_problem(path)
        if problem is not None:
            self.problems.add(path, 1, problem)
            return None
        try:
            size = path.stat().st_size
            limit = self.settings.max_file_bytes
            if size > limit:
                self.problems.add(path, 1, f"file: is {size} bytes, over the limit of {limit} bytes; split it, "
                                  "or raise max_file_bytes in pressroom.yaml")
                return None
            raw = path.read_bytes()
        except OSError as error:
            self.problems.add(path, 1, f"file: cannot read: {error.strerror}")
            return None
        if b"\x00" in raw:
            line = raw[: raw.index(b"\x00")].count(b"\n") + 1
            self.problems.add(path, line, "file: not a text file (it contains NUL bytes); save it as UTF-8 text")
            return None
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problems.add(path, line, f"file: not valid UTF-8 (byte 0x{raw[error.start]:02x}); "
                              "save the file as UTF-8")
            return None
        found = CONTROL_CHARACTER.search(text)
        if found is not None:
            self.problems.add(path, text[: found.start()].count("\n") + 1,
                              f"file: {control_character_problem(found.group())}")
            return None
        return text

    def read_front_matter(self, path: Path, text: str, schema):
        """Split `text` into validated front matter and body; returns (front matter, body, body line offset).

        The YAML node tree is kept in self.front_node, for the lines of later checks.
        """
        self.front_node = None
        lines = text.split("\n")
        if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
            self.problems.add(path, 1, "front matter: missing; start the file with '---', then 'title: ...', then '---'")
            return None, text, 0
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FRONT_MATTER_FENCE, "...")), None)
        if end is None:
            self.problems.add(path, 1, "front matter: no closing '---' line")
            return None, "", 0
        body = "\n".join(lines[end + 1:])
        try:
            data, node = load_yaml("\n".join(lines[1:end]), first_line=2)
        except YamlProblem as error:
            self.problems.add(path, error.line, f"front matter: {error.message}")
            return None, body, end + 1
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.problems.add(path, 2, "front matter: must be 'key: value' lines")
            return None, body, end + 1
        self.front_node = node
        return validate(schema, data, node, path, 2, self.problems), body, end + 1

    def front_line(self, key: str) -> int:
        """The line of `key` in the front matter just read (2, its first line, if absent)."""
        return line_of(self.front_node, (key,), 2) or 2

    def read_body(self, path: Path, text: str, line_offset: int, min_heading_level: int) -> m.Body:
        """The file's Markdown body as a model Body; its problems are recorded at their lines."""
        resolve_image = functools.partial(self.resolve_image, path)
        reader = BodyReader(self.parser, line_offset, resolve_image, self.anchors, min_heading_level)
        try:
            body = reader.read(text)
        except RecursionError:
            self.problems.add(path, reader.current_line or line_offset + 1,
                              "Markdown: nested too deeply to read; flatten the nesting")
            return m.Body()
        for line, message in reader.limit_problems:
            self.problems.add(path, line, message)
        self.links.extend((path, line, url) for url, line in reader.links)
        for html, line in reader.raw_html:
            self.check_raw_html(path, line, html)
        return body

    def relative_path_hint(self, path: Path, src: str) -> str:
        """When `src` names a file relative to content/ rather than to `path`, say how to write it."""
        if urlsplit(src).scheme or path.parent == self.root:
            return ""
        try:
            candidate = Sandbox([self.root]).check_local(self.root / unquote(src), src)
        except ResourceRefused:
            return ""
        relative = os.path.relpath(candidate, path.parent.resolve())
        return f"; paths are relative to the file that uses them: write '{relative}'"

    def check_svg(self, path: Path, line: int | None, src: str, svg: Path) -> None:
        """An SVG image may load other files and URLs itself; those go through the sandbox too."""
        text = svg.read_text(encoding="utf-8", errors="replace")
        references = [(n, construct, url) for n, construct, url in html_resource_urls(text)
                      if not url.strip().startswith("#")]  # a fragment points inside the SVG itself
        for _, construct, refusal in self.sandbox.refusals(references, svg.parent):
            self.problems.add(path, line, f"image: '{src}' loads {construct}: {refusal}")

    def check_raw_html(self, path: Path, line: int | None, html: str) -> None:
        """Raw HTML (allowed by the project) may still load only what the sandbox allows."""
        for offset, construct, refusal in self.sandbox.refusals(html_resource_urls(html), path.parent):
            where = line + offset - 1 if line is not None else None
            self.problems.add(path, where, f"raw HTML {construct}: {refusal}")

    def resolve_image(self, path: Path, src: str, alt: str, title: str, line: int | None) -> m.Image:
        """The image `src` used in `path`, resolved through the sandbox and checked; problems recorded."""
        try:
            kind, resolved = self.sandbox.classify(src, path.parent)
        except ResourceRefused as refusal:
            self.problems.add(path, line, f"image: {refusal}{self.relative_path_hint(path, src)}")
            return m.Image(src, alt, title)
        problem = None
        if resolved is not None:
            problem = image_problem(resolved, self.settings.max_image_bytes)
        elif kind == "data":
            problem = data_url_image_problem(src, self.settings.max_image_bytes)
        if problem is not None:
            self.problems.add(path, line, f"image: '{shortened(src)}' {problem}")
            return m.Image(src, alt, title)
        if resolved is not None and resolved.suffix.lower() == ".svg":
            self.check_svg(path, line, src, resolved)
        if not alt:
            self.problems.add(path, line, f"image: '{src}' has no alt text; write ![what it shows]({src})")
        return m.Image(src, alt, title, resolved)

    def list_folder(self, folder: Path) -> list[Path]:
        """The entries of a folder of content/, sorted; none if it does not exist (or cannot be listed,
        after recording why)."""
        try:
            return sorted(folder.iterdir())
        except FileNotFoundError:
            if folder.is_symlink():
                self.problems.add(folder, None, f"folder: is a link to '{folder.resolve()}', which does not exist")
            return []
        except OSError as error:
            why = {errno.ELOOP: "is a link that loops back on itself; replace it with the folder",
                   errno.ENOTDIR: "is a file, not a folder"}.get(error.errno, f"cannot be read ({error.strerror})")
            self.problems.add(folder, None, f"folder: {why}")
            return []

    # the parts of a project ------------------------------------------------

    def read_index(self, path: Path) -> tuple[m.Metadata, m.Body]:
        """The document's metadata and introduction, from content/index.md."""
        if not path.exists() and not path.is_symlink():
            self.problems.add(path, None, "file: missing; every project needs content/index.md with a title")
            return m.Metadata(title=""), m.Body()
        text = self.read_text(path)
        if text is None:
            return m.Metadata(title=""), m.Body()
        front, body_text, offset = self.read_front_matter(path, text, IndexFrontMatter)
        body = self.read_body(path, body_text, offset, min_heading_level=2)
        if front is None:
            return m.Metadata(title=""), body
        cover = None
        if front.cover_image:
            cover = self.resolve_image(path, front.cover_image, front.cover_image_alt or front.title, "",
                                       self.front_line("cover_image"))
        meta = m.Metadata(title=front.title, subtitle=front.subtitle, organisation=front.organisation,
                          date=front.date, lang=front.lang, summary=front.summary,
                          keywords=tuple(front.keywords), cover_image=cover)
        return meta, body

    def read_sections(self) -> list[m.Section]:
        """content/sections/*.md in file-name order; two sections may not share a slug or an order."""
        folder = self.root / "sections"
        sections, seen_slugs, seen_orders = [], {}, {}
        listing = self.list_folder(folder)
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
        text = self.read_text(path)
        if text is None:
            return None, 1
        front, body_text, offset = self.read_front_matter(path, text, SectionFrontMatter)
        slug = (front.slug if front and front.slug else file_slug).lower()
        slug_line = self.front_line("slug") if front and front.slug else 1
        self.anchors.add(slug)
        problems_before = len(self.problems.items)
        body = self.read_body(path, body_text, offset, min_heading_level=2)
        if not body.blocks and len(self.problems.items) == problems_before:
            self.problems.add(path, offset + 1, "section: empty; write the section's text below the front matter")
        if front is None:
            return None, slug_line
        return m.Section(slug=slug, title=front.title, path=path, body=body,
                         summary=front.summary, pull_quote=front.pull_quote), slug_line

    def read_data_files(self) -> dict:
        folder = self.root / "data"
        data = DataFiles(folder)
        paths = [path for path in self.list_folder(folder) if path.suffix in (".yaml", ".yml")]
        for path in paths:
            text = self.read_text(path)
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
            if schema is not None:
                checked = validate(schema, value, node, path, 1, self.problems)
                value = _plain(checked)
            data[path.stem] = value
        return data

    def check_links(self, sections: list[m.Section]) -> None:
        """Internal links must reach an anchor; links to local files would be dead in a PDF or a .docx."""
        slug_of_file = {section.path.name: section.slug for section in sections}
        for path, line, url in self.links:
            parts = urlsplit(url)
            if url.startswith("#"):
                if url[1:] not in self.anchors:
                    self.problems.add(path, line, f"link: no heading or section has the anchor '{url}'")
            elif not parts.scheme and not parts.netloc and parts.path:
                slug = slug_of_file.get(Path(unquote(parts.path)).name)
                fix = f"link to the section with '#{slug}'" if slug else \
                    "link to a section with '#slug' or to a full web address (https://...)"
                self.problems.add(path, line, f"link: '{url}' points to a file, which readers of the brochure "
                                  f"and report cannot open; {fix}")

    def check_section_references(self, data: dict, slugs: set[str]) -> None:
        """`section: slug` in institutions and glossary items must name a section that exists."""
        for stem in SECTION_REFERENCES:
            if stem not in self.data_nodes or not isinstance(data.get(stem), list):
                continue
            path, node = self.data_nodes[stem]
            for index, item in enumerate(data[stem]):
                slug = item.get("section") if isinstance(item, dict) else None
                if slug and slug not in slugs:
                    known = known_names(slugs)
                    self.problems.add(path, line_of(node, (index, "section"), 1),
                                      f"section: no section has the slug '{slug}' (known: {known})")


    def check_funder_slugs(self, data: dict) -> None:
        """Each funder's edition is written to reports/<slug>.docx: two funders may not share a slug."""
        if "funders" not in self.data_nodes or not isinstance(data.get("funders"), list):
            return
        path, node = self.data_nodes["funders"]
        first_index: dict[str, int] = {}
        for index, funder in enumerate(data["funders"]):
            slug = funder.get("slug")
            if slug in first_index:
                self.problems.add(path, line_of(node, (index, "slug"), 1),
                                  f"slug: '{slug}' is already used by funder {first_index[slug] + 1}; "
                                  "every funder needs its own slug")
            first_index.setdefault(slug, index)


def _plain(value):
    """Validated pydantic values as plain dicts and lists, the form templates expect."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return value


def read_content(settings: Settings) -> m.Document:
    """Read and validate the whole content folder; raise ContentError listing every problem."""
    return ContentReader(settings).read()
