"""One house: outputs as plug-ins, one settings declaration, one gateway to project files, the theme in the
package, `pressroom new`, and a package without import circles."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import pressroom
from conftest import REPO, Project
from pressroom.cli import main

PACKAGE = REPO / "src" / "pressroom"


# outputs as plug-ins ---------------------------------------------------------------------------------

class WordCount(pressroom.BaseOutput):
    """A toy output: the number of words in each section, one line each."""

    name = "wordcount"
    help = "words per section (wordcount.txt)"
    make_target = "wordcount.txt"

    def __init__(self):
        self.rehearsed = 0

    def rehearse(self, document, job):
        self.rehearsed += 1

    def render(self, document, job):
        from pressroom.markdown import plain_text
        from pressroom import model as m

        lines = []
        for section in document.sections:
            words = sum(len(plain_text(b.children).split()) for b in section.body.blocks
                        if isinstance(b, m.Paragraph))
            lines.append(f"{section.slug} {words}\n")
        return [("wordcount.txt", "".join(lines).encode())]


@pytest.fixture
def toy_output():
    output = pressroom.register(WordCount())
    yield output
    from pressroom.outputs import unregister

    unregister(output.name)


def test_an_output_registered_in_a_test_builds_through_the_cli(project, toy_output, capsys):
    assert main(["build", "wordcount", *project.args(), "--out", str(project.out)]) == 0
    assert (project.out / "wordcount.txt").read_text() == "first 3\nsecond 3\n"
    assert sorted(p.name for p in project.out.iterdir()) == [".deps", ".pressroom.lock", "wordcount.txt"]
    assert main(["build", "--help"]) == 0
    assert "wordcount  words per section (wordcount.txt)" in capsys.readouterr().out
    assert main(["check", *project.args()]) == 0
    assert toy_output.rehearsed == 1


def test_all_builds_a_registered_output_too(project, toy_output):
    assert main(["build", *project.args(), "--out", str(project.out)]) == 0
    names = {p.relative_to(project.out).as_posix() for p in project.out.rglob("*") if p.is_file()}
    assert {"brochure.pdf", "report.docx", "web/index.html", "wordcount.txt", ".deps/wordcount.d"} <= names


def test_an_output_naming_a_file_outside_the_output_folder_is_refused(project):
    class Escaping(WordCount):
        name = "escaping"

        def render(self, document, job):
            return [("../outside.txt", b"x")]

    pressroom.register(Escaping())
    try:
        with pytest.raises(ValueError, match="outside the output folder"):
            pressroom.build(project.settings, "escaping")
    finally:
        from pressroom.outputs import unregister

        unregister("escaping")
    assert not (project.root / "outside.txt").exists()


def test_the_build_module_names_no_output_and_imports_no_writer():
    tree = ast.parse((PACKAGE / "pipeline.py").read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr)}
    strings = " ".join(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                       and isinstance(node.value, str) and id(node) not in docstrings)
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for word in ("brochure", "report", "web", "pdf", "docx", "html"):
        assert word not in strings.lower() and not any(word in name.lower() for name in names), word
    assert not {m for m in imported if m.split(".")[0] in ("brochure", "report", "web", "weasyprint", "docx")}


# one settings declaration ----------------------------------------------------------------------------

def test_paper_choices_accept_any_case_on_the_command_line_and_in_pressroom_yaml(project):
    assert main(["build", "brochure", *project.args(), "--out", str(project.out), "--paper", "letter"]) == 0
    assert float(PdfReader(project.out / "brochure.pdf").pages[0].mediabox.width) == pytest.approx(612, abs=1)
    project.write("pressroom.yaml", "paper: a5\npdf_variant: PDF/UA-1\n")
    settings = pressroom.load_settings(project.root, content=project.content, templates=project.templates)
    assert (settings.paper, settings.pdf_variant) == ("A5", "pdf/ua-1")


def test_each_setting_is_declared_once_and_serves_the_cli_and_pressroom_yaml(capsys):
    from pressroom.settings import SETTINGS, project_config_schema

    assert set(project_config_schema().model_fields) == {field.name for field in SETTINGS}
    assert main(["build", "--help"]) == 0
    help_text = capsys.readouterr().out
    for field in SETTINGS:
        if field.metadata["flag"]:
            assert field.metadata["flag"] in help_text
            assert " ".join(field.metadata["help"].split()[:3]) in " ".join(help_text.split())


def test_the_package_has_no_import_circle():
    graph = import_graph()
    assert "pressroom.pipeline" in graph and graph["pressroom.settings"] <= {"pressroom.errors", "pressroom.schema",
                                                                          "pressroom.yamlfile"}
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def import_graph() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports, at any depth of its code."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        if "theme" in path.relative_to(PACKAGE).parts:
            continue
        parts = ["pressroom", *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = (path, is_package)
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("pressroom."))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                return stack[stack.index(following):] + [following]
            if following not in state and (cycle := visit(following)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


# one gateway -----------------------------------------------------------------------------------------

def depfile_inputs(path: Path) -> list[Path]:
    """The prerequisites of the one rule with prerequisites in a depfile, as absolute paths."""
    text = path.read_text().split("\n\n")[0]
    names = [line.strip().rstrip("\\").strip() for line in text.splitlines()[1:]]
    return [Path(os.path.abspath(name.replace("\\ ", " "))) for name in names if name]


def test_every_file_a_build_opens_is_read_through_the_gateway_and_named_in_the_depfile(repo_project, monkeypatch):
    opened: list[Path] = []
    recording = []

    def hook(event, args):
        if recording and event == "open" and isinstance(args[0], (str, os.PathLike)):
            opened.append(Path(os.path.abspath(args[0])))

    sys.addaudithook(hook)
    seen_by_gateway: set[Path] = set()
    real_note = pressroom.ProjectFiles.note

    def note(self, path):
        seen_by_gateway.add(Path(os.path.abspath(path)))
        real_note(self, path)

    monkeypatch.setattr(pressroom.ProjectFiles, "note", note)
    monkeypatch.chdir(repo_project.root)
    recording.append(True)
    try:
        written = pressroom.build(repo_project.settings, "all")
    finally:
        recording.clear()
    assert written
    # (a relative name that is not there was opened inside another folder: the layout's temporary files)
    project_files = {p for p in opened if p.is_relative_to(repo_project.root) and not p.is_relative_to(repo_project.out)
                     and p.exists()}
    depfiles = sorted((repo_project.out / ".deps").glob("*.d"))
    assert [p.stem for p in depfiles] == ["brochure", "report", "reports", "web"]
    named = {p for d in depfiles for p in depfile_inputs(d)}
    assert project_files, "the build opened no project file?"
    assert project_files <= named  # nothing was opened behind the gateway's back
    assert named == seen_by_gateway  # and the depfiles say exactly what it saw
    brochure_inputs = set(depfile_inputs(repo_project.out / ".deps" / "brochure.d"))
    assert repo_project.templates / "brochure" / "brochure.css" in brochure_inputs
    assert repo_project.content / "assets" / "cover-kite.svg" in brochure_inputs
    assert repo_project.templates / "report" / "reference.docx" not in brochure_inputs


@pytest.mark.parametrize("markdown, message", [
    ("[the hostname](file:///etc/hostname)",
     "link: 'file:///etc/hostname' uses the file: scheme, which readers of the brochure and report cannot follow"),
    ("[click](javascript:alert(1))",
     "link: 'javascript:alert(1)' uses the javascript: scheme, which readers of the brochure and report cannot follow"),
    ("<javascript:alert(1)>",
     "link: 'javascript:alert(1)' uses the javascript: scheme"),
    ("![a picture](file:///etc/hostname)", "image: 'file:///etc/hostname' is outside the project"),
    ("![a picture](javascript:alert(1))", "image: 'javascript:alert(1)': the javascript: scheme is not supported"),
    ("![a picture](vbscript:msgbox)", "image: 'vbscript:msgbox': the vbscript: scheme is not supported"),
])
def test_link_and_image_targets_markdown_it_would_drop_are_located_errors(project, capsys, markdown, message):
    project.write("content/sections/01-first.md", f"---\ntitle: First Section\n---\nSee {markdown} here.\n")
    assert main(["build", *project.args(), "--out", str(project.out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"Error: {project.content / 'sections' / '01-first.md'}:4: {message}"), err
    assert err[-1] == "1 error in content/"
    assert not project.out.exists()


# the theme inside the package ------------------------------------------------------------------------

def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".deps" not in p.parts and p.suffix != ".lock"}


def test_a_project_without_templates_builds_with_the_built_in_theme_byte_for_byte(repo_project, tmp_path,
                                                                                 monkeypatch):
    assert pressroom.build(repo_project.settings, "all")
    bare = tmp_path / "bare"
    shutil.copytree(repo_project.content, bare / "content")
    monkeypatch.chdir(bare)  # the default folders: ./content, ./templates (absent), ./build
    assert main(["build"]) == 0
    assert not (bare / "templates").exists()
    assert digests(bare / "build") == digests(repo_project.out)


def test_check_of_a_project_without_templates_finds_the_themes_stylesheet(repo_project, tmp_path, monkeypatch,
                                                                          capsys):
    bare = tmp_path / "bare"
    shutil.copytree(repo_project.content, bare / "content")
    monkeypatch.chdir(bare)
    assert main(["check"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("ok: ")


def test_check_still_refuses_a_stylesheet_neither_the_project_nor_the_theme_has(project, capsys):
    template = project.templates / "brochure" / "brochure.html.j2"
    template.write_text(template.read_text().replace('href="brochure.css"', 'href="missing.css"'))
    assert main(["check", *project.args()]) == 1
    err = capsys.readouterr().err
    assert f"Error: {template}: resource: 'missing.css' does not exist" in err, err


def test_load_settings_takes_the_project_folder_as_text_and_finds_its_folders(tmp_path):
    assert main(["new", str(tmp_path / "p")]) == 0
    settings = pressroom.load_settings(str(tmp_path / "p"))
    assert settings.content == tmp_path / "p" / "content"
    assert settings.out == tmp_path / "p" / "build"
    assert not settings.templates_given  # no templates/ in it: the built-in theme, not an error
    assert pressroom.check(settings).meta.title


def test_a_projects_template_overrides_the_theme_file_by_file(project):
    shutil.rmtree(project.templates)
    project.write("templates/brochure/brochure.css", (REPO / "templates/brochure/brochure.css").read_text()
                  + "\n.part-title::after { content: ' [restyled]'; }\n")
    pressroom.build(project.settings, "all")
    text = "".join(page.extract_text() for page in PdfReader(project.out / "brochure.pdf").pages)
    assert "First Section [restyled]" in text
    assert (project.out / "report.docx").is_file()  # the report's templates came from the theme
    inputs = depfile_inputs(project.out / ".deps" / "brochure.d")
    assert project.templates / "brochure" / "brochure.css" in inputs
    assert pressroom.ProjectFiles(project.settings).theme / "brochure" / "brochure.html.j2" in \
        [Path(os.path.abspath(p)) for p in inputs]


def test_a_templates_folder_asked_for_by_name_must_exist(project, capsys):
    assert main(["build", "--content", str(project.content), "--templates", "nowhere"]) == 1
    assert "nowhere: templates: folder not found" in capsys.readouterr().err


# pressroom new ---------------------------------------------------------------------------------------

def test_pressroom_new_creates_a_project_that_builds(tmp_path, monkeypatch, capsys):
    target = tmp_path / "newsletter"
    assert main(["new", str(target)]) == 0
    assert capsys.readouterr().out.startswith(f"created {target}/")
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert names == [".gitignore", "Makefile", "content/data/contact.yaml", "content/data/funders.yaml",
                     "content/data/glossary.yaml", "content/index.md", "content/sections/01-what-we-do.md",
                     "content/sections/02-how-to-write.md", "pressroom.yaml"]
    assert "sample" in (target / "content" / "index.md").read_text().lower()
    monkeypatch.chdir(target)
    assert main(["build"]) == 0
    text = "".join(page.extract_text() for page in PdfReader(target / "build" / "brochure.pdf").pages)
    assert "Our Year in Brief" in text and "Sample contact details" in text
    assert (target / "build" / "reports" / "example-fund.docx").is_file()


def test_pressroom_new_with_the_theme_copies_it_for_a_designer(tmp_path):
    assert main(["new", str(tmp_path / "p"), "--theme"]) == 0
    theme = pressroom.ProjectFiles(pressroom.Settings()).theme.resolve()
    copied = sorted(p.relative_to(tmp_path / "p" / "templates").as_posix()
                    for p in (tmp_path / "p" / "templates").rglob("*") if p.is_file())
    assert copied == sorted(p.relative_to(theme).as_posix() for p in theme.rglob("*") if p.is_file())
    assert "brochure/brochure.css" in copied


@pytest.mark.parametrize("make_it", ["file", "non-empty folder"])
def test_pressroom_new_refuses_a_non_empty_folder_in_one_line(tmp_path, capsys, make_it):
    target = tmp_path / "taken"
    if make_it == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    assert main(["new", str(target)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"Error: {target}: ") and "new or empty folder" in err[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["taken"] if make_it == "file" else ["notes.txt", "taken"])
