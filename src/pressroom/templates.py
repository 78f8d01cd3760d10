"""The Jinja2 environment: StrictUndefined, autoescape for HTML, errors located in the template file."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .errors import PressroomError, display_path, unreadable_text
from .html import direction_attribute, language_attributes
from .labels import Formats, Messages
from .sandbox import css_urls, html_resource_urls

TEMPLATE_SUFFIXES = (".css", ".j2", ".html", ".htm", ".svg")


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined that names the missing file when a template asks for `data.<stem>`."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        folder = getattr(self._undefined_obj, "data_folder", None)
        if folder is not None and isinstance(self._undefined_name, str):
            missing = display_path(Path(folder) / f"{self._undefined_name}.yaml")
            return f"data file '{self._undefined_name}' does not exist (no {missing})"
        return super()._undefined_message


def make_environment(files, folder: str, autoescape: bool, lang: str = "en",
                     digits: str = "latin") -> jinja2.Environment:
    """An environment loading the templates of `folder` ("brochure") through the gateway `files`;
    undefined names are errors, not blanks.

    Every template has the document's words and formats for language `lang`: `t("contents")`, with
    placeholders `t("page_x_of_y", page=1, pages=9)` (in HTML the message is escaped and the values are
    escaped unless they are markup already), and the filters `month_year`, `full_date`, `number` (with
    an optional Babel pattern: `loop.index | number("00")`) and `money` (`amount | money("EUR")`), in the
    digits the `digits` setting asks for. HTML templates also have `section_lang(section)` (the lang and
    dir attributes of a section in another language) and `own_dir(text)` (a dir attribute for text that
    runs the other way from the document, as an English pull quote on an Arabic page)."""
    environment = jinja2.Environment(
        loader=files.jinja_loader(folder),
        undefined=_Undefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    messages, formats = Messages(lang), Formats(lang, digits)
    if autoescape:
        def translate(key: str, **values) -> Markup:
            return Markup(escape(messages(key))).format(**values)
    else:
        translate = messages
    environment.globals["t"] = translate
    if autoescape:  # HTML: a section in another language, text whose direction is its own
        environment.globals["section_lang"] = lambda section: language_attributes(section.lang, lang)
        environment.globals["own_dir"] = lambda text: direction_attribute(text, lang)
    environment.filters["month_year"] = formats.month_year
    environment.filters["full_date"] = formats.full_date
    environment.filters["number"] = formats.number
    environment.filters["money"] = lambda amount, currency="": formats.money(amount, currency, messages)
    return environment


def check_templates(files, problems, folders: set[str] | None = None, shared: bool = True) -> None:
    """Refuse templates that would load resources from outside the project or the network, and report
    syntax errors in every template (.j2), through `problems`: the templates in `folders` (the template
    folders of the outputs being built; every folder if None) and, if `shared`, those outside a folder.

    Values written with Jinja (`{{ ... }}`) are checked when rendered: they come from content/, which
    the reader has already checked.
    """
    for name, path in files.template_files(problems).items():
        in_folder = "/" in name
        if (folders is not None and in_folder and name.split("/")[0] not in folders) or (not in_folder and not shared):
            continue
        problem = files.sandbox.file_problem(path, folder_allowed=True)
        if problem is not None:
            problems.add(path, 1, problem)
            continue
        if path.is_dir() or path.suffix.lower() not in TEMPLATE_SUFFIXES:
            continue  # a link to a folder inside the project: its files are checked where they are
        try:
            text = files.read_template_text(path)
        except (OSError, UnicodeDecodeError) as error:
            problems.add(path, 1, unreadable_text(error))
            continue
        _check_resources(files.sandbox, path, text, problems)
        if path.suffix == ".j2":
            try:
                jinja2.Environment().parse(text, path.name, str(path))
            except jinja2.TemplateSyntaxError as error:
                problems.add(path, error.lineno, f"template syntax: {error.message}")


def _check_resources(sandbox, path: Path, text: str, problems) -> None:
    if path.suffix.lower() == ".css":
        references = [(line, "url()", url) for line, url in css_urls(text)]
    else:
        references = html_resource_urls(text)
    # Jinja expressions are checked once rendered; fragments and empty values load nothing.
    checked = [(line, construct, url) for line, construct, url in references
               if url.strip() and not url.startswith("#") and "{{" not in url and "{%" not in url]
    for line, construct, refusal in sandbox.refusals(checked, path.parent):
        problems.add(path, line, f"{construct}: {refusal}")


def render_template(environment: jinja2.Environment, name: str, line_map: list[int] | None = None,
                    **context) -> str:
    """Render `name`; any template problem becomes `templates/...:line: what is wrong`. Given a list as
    `line_map`, fills it with the template line that wrote each line of the result."""
    folders = [Path(p) for p in environment.loader.searchpath]
    folder = folders[0]
    try:
        template = environment.get_template(name)
        if line_map is None:
            return template.render(**context)
        return _render_mapping_lines(template, context, line_map)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename) if error.filename else folder / name
        raise PressroomError(f"template syntax: {error.message}", path, error.lineno) from None
    except jinja2.TemplateNotFound as error:
        path, line = _template_frame(folders, name)
        if line is None:
            raise PressroomError(f"template: not found (Pressroom needs {name} in {display_path(folder)}/)",
                                 folder / name) from None
        raise PressroomError(f"template: included template '{error.name}' not found", path, line) from None
    except jinja2.UndefinedError as error:
        path, line = _template_frame(folders, name)
        raise PressroomError(f"template: {error.message}", path, line) from None
    except UnicodeDecodeError:  # Jinja loads templates as UTF-8 text
        path, line = _template_frame(folders, name)
        raise PressroomError("template: included file is not UTF-8 text", path, line) from None
    except PressroomError:
        raise
    except Exception as error:
        # An expression in the template failed (say `{{ 1 / 0 }}`): the template's fault if the
        # innermost frame is the template's own code; otherwise a bug in Pressroom, so let it through.
        path, line = _template_frame(folders, name, innermost_only=True)
        if line is None and not _raised_by_jinja():  # Jinja compiling the template (folding `10 ** 99999`)
            raise
        raise PressroomError(f"template: {type(error).__name__}: {error}", path, line) from None


def _raised_by_jinja() -> bool:
    """Whether every frame below the current handler's is Jinja's own code."""
    jinja = str(Path(jinja2.__file__).parent)
    traceback = sys.exc_info()[2].tb_next
    filenames = []
    while traceback is not None:
        filenames.append(traceback.tb_frame.f_code.co_filename)
        traceback = traceback.tb_next
    return bool(filenames) and all(f.startswith(jinja) for f in filenames)


def _render_mapping_lines(template: jinja2.Template, context: dict, line_map: list[int]) -> str:
    """Render chunk by chunk, noting the template line that wrote each line of the result.

    A chunk written by an expression (`{{ ... }}`) is exact: Jinja maps the compiled code's line back to
    the template's. Text between expressions is the template's own: its line is where the template holds
    that text (found by Jinja's lexer), else carried on from the chunk before, counting line breaks. A line
    holding an expression takes the expression's line."""
    exact = {code_line: line for line, code_line in template.debug_info}
    text_lines = _text_lines(template)
    chunks, current = [], 1
    outer = template.generate(**context)
    for chunk in outer:
        frame = (outer.gi_yieldfrom or outer).gi_frame
        line = exact.get(frame.f_lineno) if frame is not None else None
        if line is None and chunk in text_lines:  # text the template holds as it is: where it stands
            line = next((candidate for candidate in text_lines[chunk] if candidate >= current), text_lines[chunk][0])
        if line is not None:
            current = line
            if line_map and not (chunks and chunks[-1].endswith("\n")):
                line_map[-1] = line  # the expression's line, for the output line it sits on
        if not line_map or (chunks and chunks[-1].endswith("\n")):
            line_map.append(current)
        for _ in range(chunk.count("\n") - (1 if chunk.endswith("\n") else 0)):
            current += 1
            line_map.append(current)
        if chunk.endswith("\n"):
            current += 1
        chunks.append(chunk)
    return "".join(chunks)


def _text_lines(template: jinja2.Template) -> dict[str, list[int]]:
    """Each run of plain text in the template's source (as it is written out, after trim_blocks), with
    the lines it starts on: a line between tags is found there, whatever tags before it left out."""
    environment = template.environment
    try:
        source = environment.loader.get_source(environment, template.name)[0]
    except (jinja2.TemplateNotFound, AttributeError, TypeError):
        return {}
    lines: dict[str, list[int]] = {}
    for line, kind, value in environment.lex(source):
        if kind == "data":
            lines.setdefault(value, []).append(line)
    return lines


def _template_frame(folders: list[Path], name: str, innermost_only: bool = False) -> tuple[Path, int | None]:
    """The innermost template file and line in the current traceback (Jinja maps frames to templates)."""
    folder = folders[0]
    location = (folder / name, None)
    prefixes = tuple(str(p) for f in folders for p in (f.resolve(), f))
    jinja = str(Path(jinja2.__file__).parent)
    traceback = sys.exc_info()[2]
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(prefixes):
            location = (Path(filename), traceback.tb_lineno)
        elif innermost_only and not filename.startswith(jinja):  # Jinja's own filters are the template's
            location = (folder / name, None)
        traceback = traceback.tb_next
    return location
