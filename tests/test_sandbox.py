"""The resource sandbox: only files inside content/ and templates/ are loaded; the network never is."""

from __future__ import annotations

import base64
import http.server
import threading
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from pressroom.pipeline import BuildRequest, build
from pressroom.cli import main
from pressroom.content import read_content
from pressroom.errors import PressroomError
from pressroom.sandbox import (ResourceRefused, Sandbox, css_urls, data_url_image_problem,
                               html_resource_urls, svg_problem)
from pressroom.yamlfile import YamlProblem, load_yaml
from test_bad_inputs import png_bytes


def check_templates_of(templates, report):
    """Check a templates folder alone (no built-in theme), reporting each problem to `report`."""
    from pressroom import ProjectFiles, Settings
    from pressroom.errors import Problems
    from pressroom.templates import check_templates

    files = ProjectFiles(Settings(content=templates.parent / "content", templates=templates),
                         theme=templates.parent / "no-theme")
    problems = Problems()
    check_templates(files, problems)
    for problem in problems.items:
        report(problem.path, problem.line, problem.message)


class CountingServer:
    """An HTTP server on a loopback port that counts every connection made to it."""

    def __init__(self):
        self.connections = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"body { background: red }" if self.path.endswith(".css") else b"GIF89a"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                server.connections += 1
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with CountingServer() as running:
        yield running


def pdf_uris(path: Path) -> set[str]:
    uris = set()
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def docx_links(path: Path) -> set[str]:
    return {rel.target_ref for rel in docx.Document(str(path)).part.rels.values() if rel.is_external}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_build_never_connects_to_a_server_named_in_content_or_templates(project, server, capsys, monkeypatch):
    project.write("content/sections/01-first.md",
                  f"---\ntitle: First\n---\nA logo: ![Logo]({server.url}/logo.gif)\n")
    (project.templates / "brochure" / "brochure.css").write_text(
        f"@import url({server.url}/more.css);\nbody {{ background: url('{server.url}/bg.gif') }}\n")
    monkeypatch.chdir(project.root)

    assert main(["build"]) == 1
    assert main(["check"]) == 1

    err = capsys.readouterr().err
    off = "is a remote resource; remote resources are off (set allow_remote_resources: true in pressroom.yaml to allow them)"
    assert err.splitlines()[:4] == [
        f"Error: content/sections/01-first.md:4: image: '{server.url}/logo.gif' {off}",
        f"Error: templates/brochure/brochure.css:1: url(): '{server.url}/more.css' {off}",
        f"Error: templates/brochure/brochure.css:2: url(): '{server.url}/bg.gif' {off}",
        "3 errors in content/ and templates/",
    ]
    assert server.connections == 0
    assert not (project.out / "brochure.pdf").exists()


def test_web_links_stay_links_in_both_outputs_and_are_never_fetched(project, server):
    project.write("content/sections/01-first.md", f"---\ntitle: First\n---\n"
                  f"Read [the study]({server.url}/study.html) and <{server.url}/plain>.\n")
    build(project.settings, BuildRequest.for_target("all"))

    assert server.connections == 0
    assert {f"{server.url}/study.html", f"{server.url}/plain"} <= pdf_uris(project.out / "brochure.pdf")
    assert {f"{server.url}/study.html", f"{server.url}/plain"} <= docx_links(project.out / "report.docx")


def test_remote_resources_are_fetched_only_when_the_project_allows_them(project, server):
    """The control for the tests above: the server does count a connection when one is made."""
    project.write("pressroom.yaml", "allow_remote_resources: true\n")
    (project.templates / "brochure" / "brochure.css").write_text(f"body {{ background: url('{server.url}/bg.gif') }}\n")
    settings = project.settings.replace(allow_remote_resources=True)
    build(settings, BuildRequest.for_target("brochure"))
    assert server.connections >= 1


def test_the_pdf_writer_refuses_remote_urls_the_checks_cannot_see(project, server):
    """A URL made by a template expression is refused by WeasyPrint's sandboxed fetcher itself."""
    template = project.templates / "brochure" / "brochure.html.j2"
    source = template.read_text()
    assert "</body>" in source
    template.write_text(source.replace("</body>", "<img alt='x' src=\"{{ '%s/made.gif' }}\"></body>" % server.url))
    with pytest.raises(PressroomError) as caught:
        build(project.settings, BuildRequest.for_target("brochure"))
    assert f"'{server.url}/made.gif' is a remote resource" in str(caught.value)
    assert server.connections == 0


def test_raw_html_is_text_unless_allowed_and_is_never_fetched(project, server):
    project.write("content/sections/01-first.md",
                  f"---\ntitle: First\n---\nBefore <img src=\"{server.url}/pixel.gif\" alt=\"p\"> after.\n")
    build(project.settings, BuildRequest.for_target("all"))
    assert f'<img src="{server.url}/pixel.gif" alt="p">' in pdf_text(project.out / "brochure.pdf").replace("\n", " ")
    assert server.connections == 0


def test_allowed_raw_html_may_embed_a_project_image(project):
    from test_bad_inputs import png_bytes

    (project.content / "assets").mkdir()
    (project.content / "assets" / "dot.png").write_bytes(png_bytes())
    project.write("content/sections/01-first.md",
                  "---\ntitle: First\n---\nText <img src=\"../assets/dot.png\" alt=\"dot\"> more.\n")
    settings = project.settings.replace(allow_raw_html=True)
    document = read_content(settings)
    assert document.sections[0].body.blocks


# the Sandbox itself -------------------------------------------------------------------------------

@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    for folder in ("content/assets", "templates", "outside"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "content/assets/a.png").write_bytes(b"x")
    (tmp_path / "outside/secret.png").write_bytes(b"x")
    (tmp_path / "content/assets/link.png").symlink_to(tmp_path / "outside/secret.png")
    (tmp_path / "content/assets/folder-link").symlink_to(tmp_path / "outside")
    return Sandbox([tmp_path / "content", tmp_path / "templates"])


@pytest.mark.parametrize("src, kind", [
    ("a.png", "local"),
    ("./a.png", "local"),
    ("../assets/a.png", "local"),
    ("a%2Epng", "local"),
    ("data:image/png;base64,AAAA", "data"),
])
def test_sandbox_allows_files_inside_the_project(sandbox, tmp_path, src, kind):
    found, path = sandbox.classify(src, tmp_path / "content/assets")
    assert found == kind
    assert path is None or path == (tmp_path / "content/assets/a.png").resolve()


@pytest.mark.parametrize("src, reason", [
    ("../../outside/secret.png", "is outside the project"),
    ("..%2F..%2Foutside%2Fsecret.png", "is outside the project"),
    ("{tmp}/outside/secret.png", "is outside the project"),
    ("file://{tmp}/outside/secret.png", "is outside the project"),
    ("link.png", "is outside the project"),
    ("folder-link/secret.png", "is outside the project"),
    ("/etc/passwd", "is outside the project"),
    ("missing.png", "does not exist"),
    ("http://127.0.0.1/x.png", "is a remote resource"),
    ("HTTPS://example.org/x.png", "is a remote resource"),
    ("ftp://example.org/x.png", "is a remote resource"),
    ("javascript:alert(1)", "the javascript: scheme is not supported"),
    ("data:image/png;base64," + "A" * 1_000_000, "larger than the limit"),
])
def test_sandbox_refuses_everything_else(sandbox, tmp_path, src, reason):
    with pytest.raises(ResourceRefused, match=reason):
        sandbox.classify(src.replace("{tmp}", str(tmp_path)), tmp_path / "content/assets")


@pytest.mark.parametrize("src, reason", [
    ("loop.png", "is a link that loops back on itself"),
    ("loop-a.png", "is a link that loops back on itself"),
    ("loop.png/x.png", "is a link that loops back on itself"),
    ("../assets", "is a folder, not a file"),
    ("a%00.png", "is not a possible file name"),
])
def test_sandbox_refuses_what_is_not_a_file(sandbox, tmp_path, src, reason):
    assets = tmp_path / "content/assets"
    (assets / "loop.png").symlink_to("loop.png")
    (assets / "loop-a.png").symlink_to("loop-b.png")
    (assets / "loop-b.png").symlink_to("loop-a.png")
    with pytest.raises(ResourceRefused, match=reason):
        sandbox.classify(src, assets)


def test_remote_urls_pass_only_when_allowed(tmp_path):
    assert Sandbox([tmp_path], allow_remote=True).classify("https://example.org/x.png", tmp_path) == ("remote", None)


def test_template_folder_check_finds_links_out_and_remote_urls(tmp_path):
    templates = tmp_path / "templates"
    (templates / "brochure").mkdir(parents=True)
    (tmp_path / "secret.css").write_text("")
    (templates / "brochure" / "linked.css").symlink_to(tmp_path / "secret.css")
    (templates / "brochure" / "page.html.j2").write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css">\n<a href="https://example.org">ok</a>\n'
        '<img src="{{ image }}">\n<p style="background: url(/etc/hosts)">\n')
    found = []
    check_templates_of(templates, lambda path, line, message: found.append(
        (path.name, line, message.split(":")[0])))
    assert found == [("linked.css", 1, "file"), ("page.html.j2", 1, "<link href>"), ("page.html.j2", 4, "style url()")]


def test_template_folder_check_names_a_folder_it_cannot_list_and_goes_on(tmp_path, monkeypatch):
    """Some folders cannot be listed even by root (under /proc, say); the check names them, never stops."""
    import errno
    import os

    templates = tmp_path / "templates"
    (templates / "odd").mkdir(parents=True)
    (templates / "page.css").write_text("body { background: url(https://example.org/x.png) }\n")
    scandir = os.scandir

    def failing_scandir(path="."):
        if os.fspath(path) == str(templates / "odd"):
            raise OSError(errno.EINVAL, "Invalid argument", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", failing_scandir)
    found = []
    check_templates_of(templates, lambda path, line, message: found.append(
        (path.name, line, message.split(":")[0])))
    assert found == [("odd", None, "folder"), ("page.css", 1, "url()")]


def test_template_folder_check_allows_links_to_folders_inside_the_project(tmp_path):
    templates = tmp_path / "templates"
    (templates / "shared").mkdir(parents=True)
    (templates / "brochure").mkdir()
    (templates / "brochure" / "shared").symlink_to(templates / "shared")
    (templates / "brochure" / "outside").symlink_to(tmp_path)
    found = []
    check_templates_of(templates, lambda path, line, message: found.append(
        (path.name, line, message)))
    assert found == [("outside", 1, f"file: is a link to '{tmp_path}', outside the project; copy the file in "
                                    "instead")]


# SVG and data: images ----------------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>'


@pytest.mark.parametrize("text, problem", [
    (SVG, None),
    ("<svg/>", None),
    ('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<s:svg xmlns:s="http://www.w3.org/2000/svg"/>',
     None),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
     "is damaged: it is not well-formed XML (mismatched tag at line 1, column 49 of the file)"),
    ("<svg>&ent;</svg>", "is damaged: it is not well-formed XML (undefined entity at line 1, column 6 of the file)"),
    ("", "is damaged: it is not well-formed XML (no element found at line 1, column 1 of the file)"),
    ("<html/>", "is not an SVG image: its outermost element is <html>, not <svg>"),
    ('<svg xmlns="http://example.org/ns"/>', "is not an SVG image: its <svg> element is in the namespace "
     "'http://example.org/ns', not 'http://www.w3.org/2000/svg'"),
    ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>',
     "declares a DOCTYPE (line 1 of the file), which can make the renderer load other files; remove the declaration"),
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "lol">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n<svg>&b;</svg>',
     "declares a DOCTYPE (line 2 of the file), which can make the renderer load other files; remove the declaration"),
])
def test_svg_images_are_well_formed_with_an_svg_root_and_no_doctype(text, problem):
    assert svg_problem(text.encode("utf-8")) == problem


@pytest.mark.parametrize("url, problem", [
    ("data:image/png;base64," + base64.b64encode(png_bytes()).decode(), None),
    ("data:image/svg+xml," + SVG.replace("<", "%3C").replace(">", "%3E"), None),
    ("data:image/png;base64,AAAA", "is not a PNG, JPEG, GIF, WebP or SVG image"),
    ("data:image/png;base64,A", "is damaged: its base64 data cannot be decoded"),
    ("data:image/svg+xml,%3Csvg%3E", "is damaged: it is not well-formed XML (no element found at line 1, column 6 "
     "of the file)"),
    ("DATA:image/png", "is not a valid data: URL (there is no ',' before the data)"),
])
def test_data_url_images_are_checked_like_image_files(url, problem):
    assert data_url_image_problem(url, 1000) == problem


def test_resource_finders_see_what_weasyprint_would_load():
    html = ('<img src="a.png" srcset="b.png 2x, c.png 3x"><a href="d.html">x</a><a rel="attachment" href="e.pdf">'
            '<object data="f.svg"></object><style>\n\n.x { background: url("g.png") }</style>')
    assert [url for _, _, url in html_resource_urls(html)] == ["a.png", "b.png", "c.png", "e.pdf", "f.svg", "g.png"]
    assert css_urls('@import "h.css";\n@font-face { src: url(i.woff2) }\n') == [(1, "h.css"), (2, "i.woff2")]


# YAML -------------------------------------------------------------------------------------------

def test_yaml_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    with pytest.raises(YamlProblem, match="aliases expand to more than 100000 values"):
        load_yaml(bomb)


def test_yaml_ordinary_aliases_are_fine():
    data, _ = load_yaml("base: &b {x: 1}\nother: *b\n")
    assert data == {"base": {"x": 1}, "other": {"x": 1}}


def test_yaml_is_loaded_safely():
    with pytest.raises(YamlProblem, match="could not determine a constructor"):
        load_yaml("x: !!python/object/apply:os.system ['echo unsafe']\n")
