"""The Jinja2 environment: StrictUndefined, autoescape for HTML, errors located in the template file."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2

from .errors import PressroomError


def make_environment(folder: Path, autoescape: bool) -> jinja2.Environment:
    """An environment loading templates from `folder`; undefined names are errors, not blanks."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(environment: jinja2.Environment, name: str, **context) -> str:
    """Render `name`; any template problem becomes `templates/...:line: what is wrong`."""
    folder = Path(environment.loader.searchpath[0])
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename) if error.filename else folder / name
        raise PressroomError(f"template syntax: {error.message}", path, error.lineno) from None
    except jinja2.TemplateNotFound as error:
        raise PressroomError(f"template not found: {error.name}", folder / name) from None
    except jinja2.UndefinedError as error:
        path, line = _template_frame(folder, name)
        raise PressroomError(f"template: {error.message}", path, line) from None


def _template_frame(folder: Path, name: str) -> tuple[Path, int | None]:
    """The innermost template file and line in the current traceback (Jinja maps frames to templates)."""
    location = (folder / name, None)
    traceback = sys.exc_info()[2]
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(str(folder.resolve())) or filename.startswith(str(folder)):
            location = (Path(filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return location
