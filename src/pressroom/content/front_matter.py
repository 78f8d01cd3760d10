"""Front matter: the YAML block between `---` lines that opens index.md and every section."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..schema import validate
from ..yamlfile import YamlProblem, line_of, load_yaml

FENCE = "---"


class FrontMatter:
    """The validated front matter of one file, its YAML nodes (for the lines of later checks) and body."""

    def __init__(self, values, node, body: str, body_offset: int):
        self.values = values  # the schema's model, or None where it had problems
        self.node = node
        self.body = body
        self.body_offset = body_offset  # lines before the body, for its problems' line numbers

    def line(self, key: str) -> int:
        """The line of `key` (2, the front matter's first line, if absent)."""
        return line_of(self.node, (key,), 2) or 2


def read_front_matter(path: Path, text: str, schema, problems: Problems) -> FrontMatter:
    """Split `text` into front matter, validated against `schema`, and body; problems are recorded."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        problems.add(path, 1, "front matter: missing; start the file with '---', then 'title: ...', then '---'")
        return FrontMatter(None, None, text, 0)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        problems.add(path, 1, "front matter: no closing '---' line")
        return FrontMatter(None, None, "", 0)
    body = "\n".join(lines[end + 1:])
    try:
        data, node = load_yaml("\n".join(lines[1:end]), first_line=2)
    except YamlProblem as error:
        problems.add(path, error.line, f"front matter: {error.message}")
        return FrontMatter(None, None, body, end + 1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(path, 2, "front matter: must be 'key: value' lines")
        return FrontMatter(None, None, body, end + 1)
    return FrontMatter(validate(schema, data, node, path, 2, problems), node, body, end + 1)
