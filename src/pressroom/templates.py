"""The Jinja2 environment: StrictUndefined, autoescape for HTML, errors located in the template file."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2

from .errors import PressroomError, display_path


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


def make_environment(folder: Path, autoescape: bool) -> jinja2.Environment:
    """An environment loading templates from `folder`; undefined names are errors, not blanks."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=_Undefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def check_template_syntax(folder: Path, texts: dict[Path, str], report) -> None:
    """Compile every template (.j2) among `texts`, the template files of `folder` by path;
    `report(path, line, message)` records each syntax error."""
    if not folder.is_dir():
        report(folder, None, "templates: folder not found; pass --templates or set templates in pressroom.yaml")
        return
    environment = make_environment(folder, autoescape=False)
    for path, source in sorted(texts.items()):
        if path.suffix == ".j2":
            try:
                environment.parse(source, path.name, str(path))
            except jinja2.TemplateSyntaxError as error:
                report(path, error.lineno, f"template syntax: {error.message}")


def render_template(environment: jinja2.Environment, name: str, **context) -> str:
    """Render `name`; any template problem becomes `templates/...:line: what is wrong`."""
    folder = Path(environment.loader.searchpath[0])
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename) if error.filename else folder / name
        raise PressroomError(f"template syntax: {error.message}", path, error.lineno) from None
    except jinja2.TemplateNotFound as error:
        path, line = _template_frame(folder, name)
        if line is None:
            raise PressroomError(f"template: not found (Pressroom needs {name} in {display_path(folder)}/)",
                                 folder / name) from None
        raise PressroomError(f"template: included template '{error.name}' not found", path, line) from None
    except jinja2.UndefinedError as error:
        path, line = _template_frame(folder, name)
        raise PressroomError(f"template: {error.message}", path, line) from None
    except UnicodeDecodeError:  # Jinja loads templates as UTF-8 text
        path, line = _template_frame(folder, name)
        raise PressroomError("template: included file is not UTF-8 text", path, line) from None
    except PressroomError:
        raise
    except Exception as error:
        # An expression in the template failed (say `{{ 1 / 0 }}`): the template's fault if the
        # innermost frame is the template's own code; otherwise a bug in Pressroom, so let it through.
        path, line = _template_frame(folder, name, innermost_only=True)
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


def _template_frame(folder: Path, name: str, innermost_only: bool = False) -> tuple[Path, int | None]:
    """The innermost template file and line in the current traceback (Jinja maps frames to templates)."""
    location = (folder / name, None)
    prefixes = (str(folder.resolve()), str(folder))
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
