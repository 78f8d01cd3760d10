"""The Word writer's structure: it talks to one XML layer (report/xml.py), and its env is read-only."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

WRITER = Path(__file__).resolve().parent.parent / "src" / "pressroom" / "report" / "docx.py"


def imported_modules(tree: ast.Module) -> list[str]:
    """Every absolute module the source imports, at any depth (`import a.b`, `from a.b import c`)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_writer_imports_no_python_docx_internals_nor_lxml():
    modules = imported_modules(ast.parse(WRITER.read_text(encoding="utf-8")))
    reaching_in = [name for name in modules
                   if name.startswith("docx.") or name == "lxml" or name.startswith("lxml.")]
    assert reaching_in == [], f"{WRITER.name} must go through report/xml.py, not import {reaching_in}"
    assert not [node for node in ast.walk(ast.parse(WRITER.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.module == "docx"], "only `import docx` is allowed"


def test_the_writer_env_is_frozen():
    from pressroom.report.docx import WriterEnv

    env = WriterEnv(place=[].append, parent=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.in_note = True
    inner = dataclasses.replace(env, in_note=True)
    assert inner.in_note and not env.in_note
