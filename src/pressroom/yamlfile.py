"""Safe YAML loading that remembers where every value came from, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml

# A YAML file may reuse anchors, but not expand into more nodes than this (the "billion laughs" attack).
MAX_EXPANDED_NODES = 100_000
# Lists and mappings nested deeper than this are refused (composing them recurses once per level).
MAX_DEPTH = 50
NESTING_INDICATORS = ("-", ":", "?", "[", "{")  # what opens a block or flow list or mapping


class YamlProblem(Exception):
    """Malformed or oversized YAML, with the 1-based line it was found on."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Strict:
    """What makes the safe loader strict where an editor's slip would otherwise pass silently or crash."""

    def construct_mapping(self, node, deep=False):
        """Refuse a key written twice (PyYAML would keep the last one without a word)."""
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key_node.value}' is given twice; keep one", key_node.start_mark)
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        """A date that does not exist (2026-13-45) is a located error, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date ({error})", node.start_mark) from None


class _Loader(_Strict, yaml.SafeLoader):
    """The safe loader in Python: it words the problems in a file the way the messages quote them."""


# libyaml's parser, where PyYAML was built with it, reads valid files several times faster; the values
# are constructed by the same Python code. A file it refuses is read again by _Loader for the message.
_FastLoader = type("_FastLoader", (_Strict, yaml.CSafeLoader), {}) if yaml.__with_libyaml__ else None
for _loader in filter(None, (_Loader, _FastLoader)):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _Strict.construct_yaml_timestamp)


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, yaml.Node | None]:
    """Parse YAML safely; return the data and its node tree (for line look-ups)."""
    _check_depth(text, first_line)
    if _FastLoader is not None:
        try:
            return _load(_FastLoader, text, first_line)
        except YamlProblem:
            pass
    return _load(_Loader, text, first_line)


def _load(kind: type, text: str, first_line: int) -> tuple[Any, yaml.Node | None]:
    loader = kind(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_expansion(node, first_line)
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else None
        raise YamlProblem(line, f"YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise YamlProblem(None, f"YAML: {error}") from None
    finally:
        loader.dispose()


def _check_depth(text: str, first_line: int) -> None:
    """Refuse deep nesting from the event stream, which PyYAML produces without recursing."""
    if sum(map(text.count, NESTING_INDICATORS)) <= MAX_DEPTH:
        return  # each list or mapping is opened by one of these: the text cannot nest deeper
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader or yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(event.start_mark.line + first_line,
                                      f"YAML: nested more than {MAX_DEPTH} levels deep; flatten the data")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # malformed: loading reports it with its line


def _check_expansion(root: yaml.Node, first_line: int) -> None:
    """Refuse a node tree whose aliases would expand past MAX_EXPANDED_NODES values, or loop."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in visiting:
            raise YamlProblem(node.start_mark.line + first_line,
                              "YAML: an alias refers to the value that contains it; write the data out instead")
        if key not in sizes:
            visiting.add(key)
            if isinstance(node, yaml.MappingNode):
                sizes[key] = 1 + sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                sizes[key] = 1 + sum(size(v) for v in node.value)
            else:
                sizes[key] = 1
            visiting.discard(key)
        return sizes[key]

    if size(root) > MAX_EXPANDED_NODES:
        raise YamlProblem(root.start_mark.line + first_line,
                          f"YAML: aliases expand to more than {MAX_EXPANDED_NODES} values; write the data out instead")


def line_of(node: yaml.Node | None, loc: tuple, first_line: int = 1) -> int | None:
    """The line of the value at `loc` (keys and list indexes); the nearest existing parent if absent."""
    if node is None:
        return None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = key if part == loc[-1] else value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + first_line
