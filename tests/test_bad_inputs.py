"""Bad inputs through the command line: each gives exact one-line errors, a count and exit 1 (or 2),
and the outputs of an earlier good build stay byte-identical with nothing left behind."""

from __future__ import annotations

import base64
import errno
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from pressroom.cli import main

REMOTE_OFF = ("is a remote resource; remote resources are off "
              "(set allow_remote_resources: true in pressroom.yaml to allow them)")
SECTION = "content/sections/01-first.md"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def webp_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "WEBP")
    return buffer.getvalue()


def section(p, body: str, front: str = "title: First Section\n") -> None:
    p.write("content/sections/01-first.md", f"---\n{front}---\n{body}")


def write_bytes(p, relative: str, data: bytes) -> Path:
    path = p.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def edit_template(p, relative: str, line: int, text: str) -> None:
    """Insert `text` as line number `line` of a template in the project's copy of templates/."""
    path = p.templates / relative
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(line - 1, text)
    path.write_text("\n".join(lines), encoding="utf-8")


def remove_styles(reference: Path, *names: str) -> None:
    import docx

    document = docx.Document(str(reference))
    for name in names:
        style = document.styles[name].element
        style.getparent().remove(style)
    document.save(str(reference))


def outside_png(p) -> Path:
    return write_bytes(p, "secret/outside.png", png_bytes())


def symlink(p, relative: str, target: Path) -> None:
    link = p.root / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def unreadable_folder(relative: str) -> Callable:
    """A patch making the folder at `relative` fail to list, as a folder without read permission does
    (the tests may run as root, whom permissions do not stop)."""
    def patch(monkeypatch, p) -> None:
        folder = str(p.root / relative)
        scandir = os.scandir

        def failing_scandir(path="."):
            if os.path.abspath(path) == folder:
                raise PermissionError(errno.EACCES, "Permission denied", folder)
            return scandir(path)

        monkeypatch.setattr(os, "scandir", failing_scandir)
    return patch


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
SVG_WITH_ENTITY = ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   f'{SVG_OPEN}<text>&x;</text></svg>\n')
SVG_OPENING_LATE = f'<?xml version="1.0"?>\n<!-- {"a long comment " * 50}-->\n{SVG_OPEN}\n' \
                   '<image xlink:href="https://example.org/x.png"/></svg>\n'


def deep_list(depth: int) -> str:
    return "\n".join("  " * i + f"- level {i}" for i in range(depth)) + "\n"


@dataclass
class Case:
    name: str
    setup: Callable
    errors: list[str]
    count: str = "1 error in content/"
    code: int = 1
    args: list[str] = field(default_factory=list)
    patch: Callable | None = None  # patch(monkeypatch, project): for what files alone cannot set up


FUNDER = """\
- slug: acme
  name: Acme Trust (sample)
  contact: {name: A. Person}
  grant: {amount: 100, currency: EUR}
  programme: Care
  period:
    start: 2026-01-01
    end: 2026-12-31
"""

CASES = [
    Case("broken YAML front matter", lambda p: section(p, "Body.\n", "title: [unclosed\n"),
         [f"{SECTION}:2: front matter: YAML: expected ',' or ']', but got '<stream end>'"]),
    Case("wrong type", lambda p: section(p, "Body.\n", "title: [a, b]\n"),
         [f"{SECTION}:2: title: input should be a valid string, got ['a', 'b']"]),
    Case("wrong date", lambda p: p.write("content/index.md", "---\ntitle: T\ndate: soon\n---\nIntro.\n"),
         ["content/index.md:3: date: input should be a valid date or datetime, "
          "input is too short, got 'soon'"]),
    Case("impossible date", lambda p: p.write("content/index.md", "---\ntitle: T\ndate: 2026-13-45\n---\nIntro.\n"),
         ["content/index.md:3: front matter: YAML: '2026-13-45' is not a real date (month must be in 1..12)"]),
    Case("key given twice", lambda p: section(p, "Body.\n", "title: A\ntitle: B\n"),
         [f"{SECTION}:3: front matter: YAML: 'title' is given twice; keep one"]),
    Case("unknown key with a suggestion", lambda p: section(p, "Body.\n", "title: A\nsumary: B\n"),
         [f"{SECTION}:3: sumary: unknown key; did you mean 'summary'?"]),
    Case("missing required title", lambda p: section(p, "Body.\n", "summary: S\n"),
         [f"{SECTION}:2: title: required field is missing"]),
    Case("no front matter", lambda p: p.write("content/sections/01-first.md", "Just text.\n"),
         [f"{SECTION}:1: front matter: missing; start the file with '---', then 'title: ...', then '---'"]),
    Case("not UTF-8", lambda p: write_bytes(p, SECTION, b"---\ntitle: A\n---\n\nna\xefve\n"),
         [f"{SECTION}:5: file: not valid UTF-8 (byte 0xef); save the file as UTF-8"]),
    Case("binary file", lambda p: write_bytes(p, SECTION, b"---\ntitle: A\n---\n\x00\x01\x02"),
         [f"{SECTION}:4: file: not a text file (it contains NUL bytes); save it as UTF-8 text"]),
    Case("empty section", lambda p: section(p, "\n"),
         [f"{SECTION}:4: section: empty; write the section's text below the front matter"]),
    Case("duplicate order", lambda p: p.write("content/sections/01-again.md", "---\ntitle: Again\n---\nText.\n"),
         ["content/sections/01-first.md:1: section: same order '1' as 01-again.md; "
          "every section needs its own order"]),
    Case("missing image", lambda p: section(p, "Text.\n\n![A chart](assets/chart.png)\n"),
         [f"{SECTION}:6: image: 'assets/chart.png' does not exist"]),
    Case("link to a missing anchor", lambda p: section(p, "See [below](#nowhere).\n"),
         [f"{SECTION}:4: link: no heading or section has the anchor '#nowhere'"]),
    Case("image that is not an image", lambda p: (
        p.write("content/assets/chart.png", "name,value\na,1\n"), section(p, "![A chart](../assets/chart.png)\n")),
         [f"{SECTION}:4: image: '../assets/chart.png' is not a PNG, JPEG, GIF, WebP or SVG image"]),
    Case("damaged image", lambda p: (
        write_bytes(p, "content/assets/chart.png", png_bytes()[:30]), section(p, "![A chart](../assets/chart.png)\n")),
         [f"{SECTION}:4: image: '../assets/chart.png' is damaged: it starts like a PNG image but cannot be read "
          "as one"]),
    Case("../ out of the project", lambda p: (outside_png(p), section(p, "![Secret](../../secret/outside.png)\n")),
         [f"{SECTION}:4: image: '../../secret/outside.png' is outside the project; "
          "resources must be inside content/ or templates/"]),
    Case("absolute path out of the project", lambda p: section(p, "![Passwords](/etc/passwd)\n"),
         [f"{SECTION}:4: image: '/etc/passwd' is outside the project; resources must be inside content/ or templates/"]),
    Case("symlinked image out of the project", lambda p: (
        symlink(p, "content/assets/photo.png", outside_png(p)), section(p, "![Photo](../assets/photo.png)\n")),
         [f"{SECTION}:4: image: '../assets/photo.png' is outside the project; "
          "resources must be inside content/ or templates/"]),
    Case("symlinked section out of the project", lambda p: (
        write_bytes(p, "secret/notes.md", b"---\ntitle: Secret\n---\nSecret.\n"),
        symlink(p, "content/sections/03-notes.md", p.root / "secret/notes.md")),
         ["content/sections/03-notes.md:1: file: is a link to '{root}/secret/notes.md', outside the project; "
          "copy the file in instead"]),
    Case("http image", lambda p: section(p, "![Logo](http://example.org/logo.png)\n"),
         [f"{SECTION}:4: image: 'http://example.org/logo.png' {REMOTE_OFF}"]),
    Case("https image", lambda p: section(p, "![Logo](https://example.org/logo.png)\n"),
         [f"{SECTION}:4: image: 'https://example.org/logo.png' {REMOTE_OFF}"]),
    Case("ftp image", lambda p: section(p, "![Logo](ftp://example.org/logo.png)\n"),
         [f"{SECTION}:4: image: 'ftp://example.org/logo.png' {REMOTE_OFF}"]),
    Case("file: URL elsewhere", lambda p: p.write(
        "content/index.md", "---\ntitle: T\ncover_image: file:///etc/ssh/ssh_host_rsa_key\n---\nIntro.\n"),
         ["content/index.md:3: image: 'file:///etc/ssh/ssh_host_rsa_key' is outside the project; "
          "resources must be inside content/ or templates/"]),
    Case("huge data: URL", lambda p: section(p, "![Big](data:image/png;base64," + "A" * 1_000_000 + ")\n"),
         [f"{SECTION}:4: image: data: URL of 1000022 characters is larger than the limit of 1000000; "
          "put the file in content/assets/ instead"]),
    Case("raw HTML, when allowed, still cannot load remote images", lambda p: (
        p.write("pressroom.yaml", "allow_raw_html: true\n"),
        section(p, "Text.\n\n<div>\n<img src=http://example.org/track.gif alt=x>\n</div>\n")),
         [f"{SECTION}:7: raw HTML <img src>: 'http://example.org/track.gif' {REMOTE_OFF}"]),
    Case("image over the size limit", lambda p: (
        p.write("pressroom.yaml", "max_image_bytes: 50\n"),
        write_bytes(p, "content/assets/dot.png", png_bytes()), section(p, "![A dot](../assets/dot.png)\n")),
         [f"{SECTION}:4: image: '../assets/dot.png' is {len(png_bytes())} bytes, over the limit of 50 "
          "(raise max_image_bytes in pressroom.yaml)"]),
    Case("very large file", lambda p: section(p, "word " * 400_001),
         [f"{SECTION}:1: file: is 2000034 bytes, over the limit of 2000000 bytes; split it, "
          "or raise max_file_bytes in pressroom.yaml"]),
    Case("very deep nesting", lambda p: section(p, "Text.\n\n" + deep_list(30)),
         [f"{SECTION}:25: Markdown: nested more than 40 levels deep (each list counts two); "
          "text from here on would be lost, so flatten the nesting"]),
    Case("very deep inline nesting", lambda p: section(p, "Text.\n\n" + "*a **b " * 15 + "c" + "** d*" * 15 + "\n"),
         [f"{SECTION}:6: Markdown: emphasis and links nested more than 20 levels deep; flatten the nesting"]),
    Case("very deep YAML", lambda p: p.write("content/data/deep.yaml", "top:\n  list: " + "[" * 500 + "]" * 500),
         ["content/data/deep.yaml:2: YAML: nested more than 50 levels deep; flatten the data"]),
    Case("SVG image that loads a remote image", lambda p: (
        p.write("content/assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" '
                'xmlns:xlink="http://www.w3.org/1999/xlink">\n<image xlink:href="https://example.org/x.png"/></svg>\n'),
        section(p, "![Logo](../assets/logo.svg)\n")),
         [f"{SECTION}:4: image: '../assets/logo.svg' loads <image xlink:href>: 'https://example.org/x.png' "
          f"{REMOTE_OFF}"]),
    Case("YAML alias bomb", lambda p: p.write("content/data/bomb.yaml", "".join(
        [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" if i else "l0: &l0 [lol]\n" for i in range(9)])),
         ["content/data/bomb.yaml:1: YAML: aliases expand to more than 100000 values; write the data out instead"]),
    Case("data file of the wrong shape", lambda p: p.write("content/data/institutions.yaml", "- name: Clinic\n"),
         ["content/data/institutions.yaml:1: role: required field is missing"]),
    Case("data file with malformed YAML", lambda p: p.write("content/data/contact.yaml", "organisation: X\n  bad: 1\n"),
         ["content/data/contact.yaml:2: YAML: mapping values are not allowed here"]),
    Case("several problems at once", lambda p: (
        section(p, "![Logo](http://example.org/logo.png)\n", "title: A\ntitel: B\n"),
        p.write("content/sections/02-second.md", "---\ntitle: 7\n---\nText.\n")),
         [f"{SECTION}:3: titel: unknown key; did you mean 'title'?",
          f"{SECTION}:5: image: 'http://example.org/logo.png' {REMOTE_OFF}",
          "content/sections/02-second.md:2: title: input should be a valid string, got 7"],
         count="3 errors in content/"),
    Case("template syntax error", lambda p: p.write("templates/brochure/part.html.j2", "<p>\n{{ meta.title }\n</p>\n"),
         ["templates/brochure/part.html.j2:2: template syntax: unexpected '}'"], count="1 error in templates/"),
    Case("template undefined variable", lambda p: edit_template(p, "brochure/brochure.html.j2", 1, "{{ meta.titel }}"),
         ["templates/brochure/brochure.html.j2:1: template: 'pressroom.model.Metadata object' has no attribute "
          "'titel'"], count="1 error in templates/"),
    Case("template undefined variable in an included template", lambda p: (
        p.write("templates/brochure/part.html.j2", "<p>\n{{ meta.title }}\n{{ meta.missing_field }}</p>\n"),
        edit_template(p, "brochure/brochure.html.j2", 1, "{% include 'part.html.j2' %}")),
         ["templates/brochure/part.html.j2:3: template: 'pressroom.model.Metadata object' has no attribute "
          "'missing_field'"], count="1 error in templates/"),
    Case("template undefined variable in the report", lambda p: edit_template(
        p, "report/report.yaml.j2", 1, "{{ no_such_name }}"),
         ["templates/report/report.yaml.j2:1: template: 'no_such_name' is undefined"], count="1 error in templates/"),
    Case("template asking for a data file that does not exist", lambda p: edit_template(
        p, "brochure/brochure.html.j2", 1, "{{ data.partners }}"),
         ["templates/brochure/brochure.html.j2:1: template: data file 'partners' does not exist "
          "(no content/data/partners.yaml)"], count="1 error in templates/"),
    Case("reference document that is not a Word file", lambda p: (p.templates / "report" / "reference.docx")
         .write_text("not a zip"),
         ["templates/report/reference.docx: not a Word document; save it from Word as .docx or rebuild it with "
          "'make reference-doc'"],
         count="1 error in templates/"),
    Case("reference document without the styles the report uses, with a content error", lambda p: (
        remove_styles(p.templates / "report" / "reference.docx", "Quote", "Hyperlink"),
        section(p, "Body.\n", "title: A\nsumary: B\n")),
         [f"{SECTION}:3: sumary: unknown key; did you mean 'summary'?",
          "templates/report/reference.docx: reference document lacks the styles 'Quote', 'Hyperlink'; add them "
          "in Word or rebuild it with 'make reference-doc'"], count="2 errors in content/ and templates/"),
    Case("remote stylesheet url() in a template", lambda p: (p.templates / "brochure" / "brochure.css").write_text(
        "body { margin: 0 }\n\n.cover {\n  background: url(https://example.org/bg.jpg);\n}\n"),
         [f"templates/brochure/brochure.css:4: url(): 'https://example.org/bg.jpg' {REMOTE_OFF}"],
         count="1 error in templates/"),
    Case("stylesheet @import of a file outside the project", lambda p: edit_template(
        p, "brochure/brochure.css", 1, '@import "/etc/passwd";'),
         ["templates/brochure/brochure.css:1: url(): '/etc/passwd' is outside the project; "
          "resources must be inside content/ or templates/"], count="1 error in templates/"),
    Case("missing index", lambda p: (p.content / "index.md").unlink(),
         ["content/index.md: file: missing; every project needs content/index.md with a title"]),
    Case("missing content folder", lambda p: None,
         ["nowhere: content folder: not found; pass --content or set content in pressroom.yaml"],
         count="1 error in nowhere/", args=["--content", "nowhere"]),
    Case("missing templates folder", lambda p: None,
         ["nowhere: templates: folder not found; pass --templates or set templates in pressroom.yaml"],
         count="1 error in nowhere/", args=["--templates", "nowhere"]),
    Case("template including a file outside its folder", lambda p: edit_template(
        p, "brochure/brochure.html.j2", 1, "{% include '../../secret/notes.html' %}"),
         ["templates/brochure/brochure.html.j2:1: template: included template '../../secret/notes.html' not found"],
         count="1 error in templates/"),
    Case("template file linked from outside the project", lambda p: (
        write_bytes(p, "secret/notes.html", b"<p>secret</p>\n"),
        symlink(p, "templates/brochure/notes.html", p.root / "secret/notes.html")),
         ["templates/brochure/notes.html:1: file: is a link to '{root}/secret/notes.html', outside the project; "
          "copy the file in instead"], count="1 error in templates/"),
    Case("template linked from outside the project is not read", lambda p: (
        write_bytes(p, "secret/part.html.j2", b"{{ broken }\n"),
        symlink(p, "templates/brochure/part.html.j2", p.root / "secret/part.html.j2")),
         ["templates/brochure/part.html.j2:1: file: is a link to '{root}/secret/part.html.j2', outside the project; "
          "copy the file in instead"], count="1 error in templates/"),
    Case("unknown setting in pressroom.yaml", lambda p: p.write("pressroom.yaml", "max_file_byte: 10\n"),
         ["pressroom.yaml:1: max_file_byte: unknown key; did you mean 'max_file_bytes'?"],
         count="1 error in pressroom.yaml"),
    Case("a switch in pressroom.yaml given as a string", lambda p: p.write("pressroom.yaml",
                                                                          'allow_remote_resources: "yes"\n'),
         ["pressroom.yaml:1: allow_remote_resources: input should be a valid boolean, got 'yes'"],
         count="1 error in pressroom.yaml"),
    Case("a switch in pressroom.yaml given as a number", lambda p: p.write("pressroom.yaml", "print_marks: 1\n"),
         ["pressroom.yaml:1: print_marks: input should be a valid boolean, got 1"], count="1 error in pressroom.yaml"),
    Case("grant amount too large to print", lambda p: p.write(
        "content/data/funders.yaml", FUNDER.replace("amount: 100", "amount: 1e400")),
         ["content/data/funders.yaml:4: grant.amount: input should be less than 1000000000000000, got '1e400'"]),
    Case("YAML alias that contains itself", lambda p: p.write("content/data/extra.yaml", "a: &a [*a]\n"),
         ["content/data/extra.yaml:1: YAML: an alias refers to the value that contains it; write the data out "
          "instead"]),
    Case("empty data file that needs keys", lambda p: p.write("content/data/contact.yaml", "# nothing yet\n"),
         ["content/data/contact.yaml:1: file: empty; write its 'key: value' lines"]),
    Case("hundreds of formatted pieces in one word", lambda p: section(p, "Fine.\n\n" + "a*b*" * 100 + "\n"),
         [f"{SECTION}:6: Markdown: a word of more than 1000 characters or 200 pieces (text, emphasis, code, links) "
          "with no space; add spaces, drop some formatting or give a long link a short text"]),
    Case("a word of thousands of letters", lambda p: section(p, "Fine.\n\n" + "word " + "word" * 300 + " end\n"),
         [f"{SECTION}:6: Markdown: a word of more than 1000 characters or 200 pieces (text, emphasis, code, links) "
          "with no space; add spaces, drop some formatting or give a long link a short text"]),
    Case("invisible control character in a section", lambda p: section(p, "Fine.\n\nA pasted\x0bbreak.\n"),
         [f"{SECTION}:6: file: contains the invisible control character U+000B; delete it"]),
    Case("control character written as a YAML escape", lambda p: section(p, "Body.\n", 'title: "A\\x01B"\n'),
         [f"{SECTION}:2: title: contains the invisible control character U+0001; delete it"]),
    Case("report block of the wrong shape", lambda p: p.write("templates/report/report.yaml.j2",
                                                              "- toc: {title: Contents}\n- cover: x\n"),
         ["templates/report/report.yaml.j2:2: cover: must be 'key: value' lines, got 'x'"],
         count="1 error in templates/"),
    Case("report table row that is not a mapping", lambda p: p.write(
        "templates/report/report.yaml.j2", "- table: {columns: [{key: a, header: A}], rows: [x]}\n"),
         ["templates/report/report.yaml.j2:1: table.rows: must be 'key: value' lines, got 'x'"],
         count="1 error in templates/"),
    Case("report heading deeper than Word's styles", lambda p: p.write(
        "templates/report/report.yaml.j2", "- heading: {text: Deep, level: 9}\n"),
         ["templates/report/report.yaml.j2:1: heading.level: input should be less than or equal to 6, got 9"],
         count="1 error in templates/"),
    Case("unknown report block after template logic", lambda p: p.write(
        "templates/report/report.yaml.j2", "{# the blocks #}\n- toc:\n{% if true %}\n\n- mystery: 1\n{% endif %}\n"),
         ["templates/report/report.yaml.j2:5: unknown block 'mystery' (known: cover, heading, intro, list_of_figures, "
          "list_of_tables, section, table, text, toc)"],
         count="1 error in templates/"),
    Case("output folder inside content", lambda p: None,
         ["content/sections: output folder: is inside content/, where the next build would read the outputs back; "
          "choose a folder outside it"], count="1 error in the output folder", args=["--out", "content/sections"]),
    Case("NUL in a folder setting", lambda p: p.write("pressroom.yaml", 'out: "a\\0b"\n'),
         ["pressroom.yaml:1: out: contains the invisible control character U+0000; delete it"],
         count="1 error in pressroom.yaml"),
    Case("unknown funder", lambda p: None,
         ["content/data/funders.yaml: funder: no funder with slug 'nobody' (known: none)"],
         args=["report", "--funder", "nobody"]),
    Case("link to a section's file", lambda p: section(p, "See [the second](02-second.md).\n"),
         [f"{SECTION}:4: link: '02-second.md' points to a file, which readers of the brochure and report cannot "
          "open; link to the section with '#second'"]),
    Case("link to a local file", lambda p: section(p, "See [the plan](docs/plan.pdf).\n"),
         [f"{SECTION}:4: link: 'docs/plan.pdf' points to a file, which readers of the brochure and report cannot "
          "open; link to a section with '#slug' or to a full web address (https://...)"]),
    Case("section file that is not .md", lambda p: p.write("content/sections/03-notes.MD", "---\ntitle: N\n---\nN.\n"),
         ["content/sections/03-notes.MD: section: only .md files are read; rename it to 03-notes.md or move it "
          "out of sections/"]),
    Case("broken section does not also break data references", lambda p: (
        p.write("content/data/glossary.yaml", "- term: T\n  definition: D\n  section: first\n"),
        section(p, "Body.\n", "titel: A\n")),
         [f"{SECTION}:2: title: required field is missing",
          f"{SECTION}:2: titel: unknown key; did you mean 'title'?"], count="2 errors in content/"),
    Case("image path written relative to content/", lambda p: (
        write_bytes(p, "content/assets/chart.png", png_bytes()), section(p, "![A chart](assets/chart.png)\n")),
         [f"{SECTION}:4: image: 'assets/chart.png' does not exist; paths are relative to the file that uses them: "
          "write '../assets/chart.png'"]),
    Case("data file of the wrong shape", lambda p: p.write("content/data/contact.yaml", "- organisation: X\n"),
         ["content/data/contact.yaml:1: file: must be 'key: value' lines, got [{'organisation': 'X'}]"]),
    Case("list data file written as a mapping", lambda p: p.write("content/data/glossary.yaml", "term: T\n"),
         ["content/data/glossary.yaml:1: file: must be a list of '- ' items, got {'term': 'T'}"]),
    Case("two funders with one slug", lambda p: p.write("content/data/funders.yaml", FUNDER + FUNDER),
         ["content/data/funders.yaml:9: slug: 'acme' is already used by funder 1; every funder needs its own slug"]),
    Case("reporting period ending before it starts", lambda p: p.write(
        "content/data/funders.yaml", FUNDER.replace("end: 2026-12-31", "end: 2025-12-31")),
         ["content/data/funders.yaml:6: period: ends (2025-12-31) before it starts (2026-01-01)"]),
    Case("output folder under a file", lambda p: p.write("blocker", "a file\n"),
         ["blocker/out: output folder: cannot create or write it: 'blocker' is a file, not a folder"],
         count="1 error in the output folder", args=["--out", "blocker/out"]),
    Case("output folder is a file", lambda p: p.write("out.pdf", "a file\n"),
         ["out.pdf: output folder: cannot create or write it: 'out.pdf' is a file, not a folder"],
         count="1 error in the output folder", args=["--out", "out.pdf"]),
    Case("section file that is a link to itself", lambda p: symlink(p, "content/sections/10-x.md", Path("10-x.md")),
         ["content/sections/10-x.md:1: file: is a link that loops back on itself; replace it with the file"]),
    Case("data file that is a link to itself", lambda p: symlink(p, "content/data/loop.yaml", Path("loop.yaml")),
         ["content/data/loop.yaml:1: file: is a link that loops back on itself; replace it with the file"]),
    Case("image that is a link to itself", lambda p: (
        symlink(p, "content/assets/l.png", Path("l.png")), section(p, "![a](../assets/l.png)\n")),
         [f"{SECTION}:4: image: '../assets/l.png' is a link that loops back on itself; replace it with the file"]),
    Case("loop of links in templates/", lambda p: (
        symlink(p, "templates/brochure/a.css", Path("b.css")), symlink(p, "templates/brochure/b.css", Path("a.css"))),
         ["templates/brochure/a.css:1: file: is a link that loops back on itself; replace it with the file",
          "templates/brochure/b.css:1: file: is a link that loops back on itself; replace it with the file"],
         count="2 errors in templates/"),
    Case("folder in templates/ that cannot be read", lambda p: p.write("templates/brochure/private/x.css", ""),
         ["templates/brochure/private: folder: cannot be read (Permission denied)"], count="1 error in templates/",
         patch=unreadable_folder("templates/brochure/private")),
    Case("folder named like a section file", lambda p: (p.content / "sections" / "06-dir.md").mkdir(),
         ["content/sections/06-dir.md:1: file: is a folder, not a file; rename or move it"]),
    Case("malformed SVG cover image", lambda p: (
        p.write("content/assets/cover.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>\n'),
        p.write("content/index.md", "---\ntitle: T\ncover_image: assets/cover.svg\n---\nIntro.\n")),
         ["content/index.md:3: image: 'assets/cover.svg' is damaged: it is not well-formed XML (mismatched tag at "
          "line 1, column 49 of the file)"]),
    Case("malformed SVG image", lambda p: (
        p.write("content/assets/chart.svg", "<svg>\n<g>\n</svg>\n"), section(p, "Text.\n\n![A chart](../assets/chart.svg)\n")),
         [f"{SECTION}:6: image: '../assets/chart.svg' is damaged: it is not well-formed XML (mismatched tag at "
          "line 3, column 3 of the file)"]),
    Case("SVG image that is not an SVG", lambda p: (
        p.write("content/assets/chart.svg", "<html><body>A chart</body></html>\n"),
        section(p, "![A chart](../assets/chart.svg)\n")),
         [f"{SECTION}:4: image: '../assets/chart.svg' is not an SVG image: its outermost element is <html>, "
          "not <svg>"]),
    Case("SVG image declaring an external entity", lambda p: (
        p.write("content/assets/chart.svg", SVG_WITH_ENTITY), section(p, "![A chart](../assets/chart.svg)\n")),
         [f"{SECTION}:4: image: '../assets/chart.svg' declares a DOCTYPE (line 2 of the file), which can make the "
          "renderer load other files; remove the declaration"]),
    Case("SVG image whose <svg> comes late, loading a remote image", lambda p: (
        p.write("content/assets/logo.svg", SVG_OPENING_LATE), section(p, "![Logo](../assets/logo.svg)\n")),
         [f"{SECTION}:4: image: '../assets/logo.svg' loads <image xlink:href>: 'https://example.org/x.png' "
          f"{REMOTE_OFF}"]),
    Case("SVG image named as a PNG", lambda p: (
        p.write("content/assets/chart.png", f"{SVG_OPEN}</svg>\n"), section(p, "![A chart](../assets/chart.png)\n")),
         [f"{SECTION}:4: image: '../assets/chart.png' is an SVG image, but its name ends in '.png'; rename it to "
          "chart.svg"]),
    Case("WebP image named as a PNG", lambda p: (
        write_bytes(p, "content/assets/photo.png", webp_bytes()), section(p, "![A photo](../assets/photo.png)\n")),
         [f"{SECTION}:4: image: '../assets/photo.png' is a WebP image, but its name ends in '.png'; rename it to "
          "photo.webp"]),
    Case("sections folder that is a link to itself", lambda p: (
        shutil.rmtree(p.content / "sections"), symlink(p, "content/sections", Path("sections"))),
         ["content/sections: folder: is a link that loops back on itself; replace it with the folder"]),
    Case("section file that is a link to a missing file", lambda p: symlink(
        p, "content/sections/03-gone.md", p.root / "content/gone.md"),
         ["content/sections/03-gone.md:1: file: is a link to '{root}/content/gone.md', which does not exist; "
          "copy the file in instead"]),
    Case("data: URL image that is not an image", lambda p: section(p, "![x](data:image/png;base64,AAAA)\n"),
         [f"{SECTION}:4: image: 'data:image/png;base64,AAAA' is not a PNG, JPEG, GIF, WebP or SVG image"]),
    Case("data: URL image that is damaged", lambda p: section(
        p, "![x](data:image/png;base64," + base64.b64encode(png_bytes()[:30]).decode() + ")\n"),
         [f"{SECTION}:4: image: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAI...' is damaged: it "
          "starts like a PNG image but cannot be read as one"]),
    Case("image name with a NUL character", lambda p: section(p, "![x](chart%00.png)\n"),
         [f"{SECTION}:4: image: 'chart%00.png' is not a possible file name (it contains a NUL character)"]),
    Case("usage error", lambda p: None, [], count="", code=2, args=["--paper", "A3"]),
]


@pytest.fixture(scope="module")
def earlier_outputs(tmp_path_factory) -> Path:
    """The outputs of a good build, made once, copied into each case's build folder."""
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("earlier"))
    project.write("content/index.md", "---\ntitle: Earlier\ndate: 2024-01-01\norganisation: Org\n---\nIntro.\n")
    project.write("content/sections/01-one.md", "---\ntitle: One\n---\nOne.\n")
    assert main(["build", *project.args(), "--out", str(project.out)]) == 0
    return project.out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, project, earlier_outputs, capsys, monkeypatch):
    shutil.copytree(earlier_outputs, project.out)
    before = snapshot(project.out)
    assert {"brochure.pdf", "report.docx"} <= set(before)
    case.setup(project)
    if case.patch:
        case.patch(monkeypatch, project)
    monkeypatch.chdir(project.root)
    capsys.readouterr()

    code = main(["build", *case.args])

    err = capsys.readouterr().err
    assert code == case.code, err
    if case.code == 2:
        assert err.splitlines()[-1] == "Error: Invalid value for '--paper': 'A3' is not one of 'A4', 'Letter', 'A5'."
    else:
        expected = [f"Error: {line.replace('{root}', str(project.root))}" for line in case.errors] + [case.count]
        assert err.splitlines() == expected
    assert "Traceback" not in err
    assert snapshot(project.out) == before


def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", [c for c in CASES if c.code == 1 and not c.args], ids=lambda c: c.name)
def test_check_reports_the_same_problems(case, project, capsys, monkeypatch):
    """`pressroom check` finds the same problems as a build, and writes nothing."""
    case.setup(project)
    if case.patch:
        case.patch(monkeypatch, project)
    monkeypatch.chdir(project.root)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"Error: {line.replace('{root}', str(project.root))}"
                                for line in case.errors] + [case.count]
    assert not project.out.exists()


def files_in(templates):
    """The gateway of a project whose templates folder is `templates`."""
    from pressroom import ProjectFiles, Settings

    return ProjectFiles(Settings(content=templates.parent / "content", templates=templates))


@pytest.mark.parametrize("files, name, expected", [
    ({"page.j2": "a\nb\n{{ missing }}\n"}, "page.j2", ("page.j2", 3, "template: 'missing' is undefined")),
    ({"page.j2": "{% extends 'base.j2' %}\n{% block body %}\nx\n{{ gone.attr }}\n{% endblock %}\n",
      "base.j2": "<body>\n{% block body %}{% endblock %}\n</body>\n"},
     "page.j2", ("page.j2", 4, "template: 'gone' is undefined")),
    ({"page.j2": "{% import 'macros.j2' as m %}\n{{ m.card(1) }}\n",
      "macros.j2": "{% macro card(n) %}\n<div>\n{{ n.title.upper() }}\n</div>\n{% endmacro %}\n"},
     "page.j2", ("macros.j2", 3, "template: 'int object' has no attribute 'title'")),
    ({"page.j2": "one\n{{ 1 // 0 }}\n"}, "page.j2",
     ("page.j2", 2, "template: ZeroDivisionError: integer division or modulo by zero")),
    ({"page.j2": "one\n{{ 5 | join(',') }}\n"}, "page.j2",
     ("page.j2", 2, "template: TypeError: 'int' object is not iterable")),
    ({"page.j2": "one\ntwo\n{% for x in y %}\n"}, "page.j2",
     ("page.j2", 3, "template syntax: Unexpected end of template. Jinja was looking for the following tags: "
      "'endfor' or 'else'. The innermost block that needs to be closed is 'for'.")),
    ({"page.j2": "one\n{{ 10 ** 100000 }}\n"}, "page.j2",  # Jinja computes constants as it compiles
     ("page.j2", None, "template: ValueError: Exceeds the limit (4300 digits) for integer string conversion; "
      "use sys.set_int_max_str_digits() to increase the limit")),
    ({"page.j2": "one\n{% include 'picture.png' %}\n", "picture.png": "\udcff"}, "page.j2",
     ("page.j2", 2, "template: included file is not UTF-8 text")),
])
def test_template_problems_name_the_right_file_and_line(tmp_path, files, name, expected):
    from pressroom.errors import PressroomError
    from pressroom.templates import make_environment, render_template

    for file, text in files.items():
        (tmp_path / file).write_text(text, encoding="utf-8", errors="surrogateescape")  # "\udcff": byte 0xff
    with pytest.raises(PressroomError) as caught:
        render_template(make_environment(files_in(tmp_path), "", autoescape=True), name, y=[])
    [problem] = caught.value.problems
    assert (problem.path.name, problem.line, problem.message) == expected


def test_a_bug_in_pressroom_called_from_a_template_is_not_blamed_on_the_template(tmp_path):
    from pressroom.templates import make_environment, render_template

    def broken_filter(value):
        raise RuntimeError("bug in a Pressroom filter")

    (tmp_path / "page.j2").write_text("one\n{{ 1 | broken }}\n")
    environment = make_environment(files_in(tmp_path), "", autoescape=True)
    environment.filters["broken"] = broken_filter
    with pytest.raises(RuntimeError, match="bug in a Pressroom filter"):
        render_template(environment, "page.j2")
