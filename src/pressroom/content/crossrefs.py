"""Checks across files, once everything is read: links reach an anchor, and the rules the data schemas
declare (a field that must name a section, a key no two items may share)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import model as m
from ..errors import Problems, known_names
from ..schema import DATA_SCHEMAS, SectionReference, UniqueKey, marked_fields
from ..yamlfile import line_of

# Schemes a reader cannot follow safely, or at all, from a PDF or a Word document.
REFUSED_LINK_SCHEMES = {"javascript", "vbscript", "file", "data"}


def check_links(links, anchors: set[str], sections: list[m.Section], problems: Problems) -> None:
    """Internal links must reach an anchor; links to local files would be dead in a PDF or a .docx."""
    slug_of_file = {section.path.name: section.slug for section in sections}
    for path, line, url in links:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if url.startswith("#"):
            if url[1:] not in anchors:
                problems.add(path, line, f"link: no heading or section has the anchor '{url}'")
        elif scheme in REFUSED_LINK_SCHEMES:
            problems.add(path, line, f"link: '{_short(url)}' uses the {scheme}: scheme, which readers of the "
                         "brochure and report cannot follow; link to a section with '#slug' or to a web address "
                         "(https://...)")
        elif not parts.scheme and not parts.netloc and parts.path:
            slug = slug_of_file.get(Path(unquote(parts.path)).name)
            fix = f"link to the section with '#{slug}'" if slug else \
                "link to a section with '#slug' or to a full web address (https://...)"
            problems.add(path, line, f"link: '{url}' points to a file, which readers of the brochure "
                         f"and report cannot open; {fix}")


def check_cross_references(references, labels: dict, anchors: set[str], problems: Problems) -> None:
    """`[](#id)` must name a numbered figure or table."""
    for path, line, target in references:
        if target in labels:
            continue
        if target in anchors:
            problems.add(path, line, f"cross-reference: '#{target}' is not a numbered figure or table; to link "
                         f"to a heading or section, give the link text: [text](#{target})")
        else:
            problems.add(path, line, f"cross-reference: no figure or table has the identifier '#{target}' "
                         f"(known: {known_names(labels)})")


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."


def check_section_references(data: dict, data_nodes: dict, slugs: set[str], problems: Problems) -> None:
    """Fields marked SectionReference in a data file's schema must name a section that exists."""
    for stem, field, _ in _marked(data, SectionReference):
        path, node = data_nodes[stem]
        for index, item in enumerate(data[stem]):
            slug = item.get(field) if isinstance(item, dict) else None
            if slug and slug not in slugs:
                problems.add(path, line_of(node, (index, field), 1),
                             f"{field}: no section has the slug '{slug}' (known: {known_names(slugs)})")


def check_unique_keys(data: dict, data_nodes: dict, problems: Problems) -> None:
    """Fields marked UniqueKey: no two items of the file may share the value."""
    for stem, field, marker in _marked(data, UniqueKey):
        path, node = data_nodes[stem]
        first_index: dict[object, int] = {}
        for index, item in enumerate(data[stem]):
            value = item.get(field) if isinstance(item, dict) else None
            if value in first_index:
                problems.add(path, line_of(node, (index, field), 1),
                             f"{field}: '{value}' is already used by {marker.item} {first_index[value] + 1}; "
                             f"every {marker.item} needs its own {field}")
            first_index.setdefault(value, index)


def _marked(data: dict, marker_type):
    """(stem, field, marker) for each list data file read whose items have a field marked `marker_type`."""
    for stem, schema in DATA_SCHEMAS.items():
        if stem in data and isinstance(data.get(stem), list):
            for field, marker in marked_fields(schema, marker_type):
                yield stem, field, marker
