"""Every setting, declared once: name, type, default, allowed values, help, command-line flag.

The one declaration is the `Settings` dataclass below; each field's metadata serves `pressroom.yaml`
validation (`read_project_config`), the command-line options (`cli.py`) and the README's table. A
project may set any setting in `pressroom.yaml` beside content/; command-line options win over it.
This module imports nothing of Pressroom's but errors (pydantic only when a pressroom.yaml is read),
so the CLI starts fast and there is no import circle.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "pressroom.yaml"
PAPER_SIZES = ("A4", "Letter", "A5")
PDF_VARIANTS = ("plain", "pdf/ua-1", "pdf/a-3b", "pdf/x-4")
IMPOSITIONS = ("none", "booklet")
LAYOUTS = ("booklet", "trifold")
DIGITS = ("latin", "arabic-indic")  # as labels.DIGITS, which formats them
TRIFOLD_PAPERS = ("A4", "Letter")  # a leaflet is one sheet, landscape, folded in three
BUILD, CHECK = "build", "check"


def setting(default, help: str, flag: str | None = None, choices: tuple[str, ...] = (),
            commands: tuple[str, ...] = (BUILD,), folder: bool = False, positive: bool = False,
            shapes_outputs: bool = True):
    """A field of Settings with what the CLI and pressroom.yaml need to know about it.

    `flag`: the command-line option (None: pressroom.yaml only); `choices`: allowed values, matched
    without regard to case; `folder`: a path, relative to pressroom.yaml when given there; `positive`:
    a number above 0 (a whole number unless the field is a float; other whole numbers may be 0);
    `shapes_outputs`: False for a setting that changes how a build runs but never what it writes, so
    changing it leaves the outputs up to date.
    """
    return dataclasses.field(default=default, metadata={
        "help": help, "flag": flag, "choices": choices, "commands": commands, "folder": folder,
        "positive": positive, "shapes_outputs": shapes_outputs})


@dataclass(frozen=True)
class Settings:
    """Where to read and write, and how to render."""

    content: Path = setting(Path("content"), "Content folder.", "--content", commands=(BUILD, CHECK), folder=True)
    templates: Path = setting(Path("templates"), "Templates folder; files in it override the built-in theme.",
                              "--templates", commands=(BUILD, CHECK), folder=True)
    out: Path = setting(Path("build"), "Output folder.", "--out", folder=True)
    paper: str = setting("A4", "Brochure paper size.", "--paper", choices=PAPER_SIZES)
    layout: str = setting("booklet", "Brochure layout: booklet writes brochure.pdf, pages in reading order; trifold "
                          "writes leaflet.pdf, one A4 or Letter sheet, landscape, folded in three.", "--layout",
                          choices=LAYOUTS)
    print_marks: bool = setting(False, "Print-shop PDF: 3 mm bleed, crop and cross marks, pages padded to a "
                                "multiple of 4.", "--print")
    impose: str = setting("none", "Also write the brochure imposed for printing: booklet writes brochure-booklet.pdf, "
                          "pages in saddle-stitch order two up (implies --print).", "--impose", choices=IMPOSITIONS)
    pdf_variant: str = setting("pdf/ua-1", "PDF flavour: pdf/ua-1 is tagged for screen readers, plain is untagged, "
                               "pdf/a-3b is for archives, pdf/x-4 (tagged, CMYK) for print shops.", "--pdf-variant",
                               choices=PDF_VARIANTS)
    report_pdf: bool = setting(False, "Also write each Word report as a tagged PDF (report.pdf, reports/SLUG.pdf), "
                               "laid out by LibreOffice.", "--report-pdf")
    report_page_numbers: bool = setting(True, "Lay the report out with LibreOffice (when installed) to write the "
                                        "page numbers of its contents lists.")
    digits: str = setting("latin", "Digits of dates, numbers and sums in Arabic-script documents: latin (0123) or "
                          "arabic-indic (٠١٢٣).", "--digits", choices=DIGITS, commands=(BUILD, CHECK))
    allow_missing_glyphs: bool = setting(False, "Warn, instead of stopping, when a character of the content or the "
                                         "fixed words is in none of the brochure's fonts.", "--allow-missing-glyphs",
                                         commands=(BUILD, CHECK))
    allow_raw_html: bool = setting(False, "Render raw HTML written in Markdown (the brochure and web edition).")
    allow_remote_resources: bool = setting(False, "Let the brochure load images and stylesheets over the network.")
    max_file_bytes: int = setting(2_000_000, "Largest Markdown or YAML file read from content/.", positive=True)
    max_image_bytes: int = setting(20_000_000, "Largest image embedded in the outputs.", positive=True)
    jobs: int = setting(0, "Processes that write the funder editions at once; 0: one per core, 1: one at a time.",
                        "-j", shapes_outputs=False)
    max_render_seconds: float = setting(600.0, "Longest one output may take to render; past it the build stops "
                                        "with an error and keeps the last outputs.", "--max-render-seconds",
                                        positive=True, shapes_outputs=False)

    def replace(self, **changes) -> Settings:
        """A copy with the given fields changed; None values leave a field as it is."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def templates_given(self) -> bool:
        """Whether a templates folder other than the default (templates/ beside content/) was asked for
        (it must then exist)."""
        return self.templates not in (Path("templates"), self.content.parent / "templates")


SETTINGS: tuple[dataclasses.Field, ...] = dataclasses.fields(Settings)


class ConflictingSettings(ValueError):
    """Settings given as arguments (command-line options) that cannot go together; the CLI makes it a
    usage error."""


def conflict(settings: Settings) -> tuple[str, str] | None:
    """The cross-setting check, done once all settings are known (as MkDocs' post-validation): (the
    setting that cannot go with the layout, why), or None."""
    if settings.layout != "trifold":
        return None
    if settings.paper not in TRIFOLD_PAPERS:
        return "paper", f"a trifold leaflet is printed on {' or '.join(TRIFOLD_PAPERS)} paper, landscape"
    if settings.impose != "none":
        return "impose", "a trifold leaflet is one folded sheet, not a booklet to impose"
    return None


def _flag(name: str) -> str:
    return next(field.metadata["flag"] for field in SETTINGS if field.name == name)


def canonical_choice(field: dataclasses.Field, value):
    """`value` as the allowed value it names, compared without regard to case (`letter` is `Letter`)."""
    if isinstance(value, str):
        for choice in field.metadata["choices"]:
            if choice.lower() == value.lower():
                return choice
    return value


def load_settings(project_dir: Path | str = Path("."), *, folders_in_project: bool = False,
                  **overrides) -> Settings:
    """Defaults, then pressroom.yaml in the project folder, then explicit overrides (CLI options).
    `folders_in_project`: the default folders (content/, templates/, build/) are the project folder's,
    as the public API has them; the command line keeps them in the working directory."""
    project_dir = Path(project_dir)
    settings = Settings()
    if folders_in_project:
        settings = settings.replace(**{field.name: project_dir / field.default
                                       for field in SETTINGS if field.metadata["folder"]})
    config_path = project_dir / CONFIG_FILE
    if config_path.is_file():
        config = read_project_config(config_path)
        for field in SETTINGS:  # folders named in the file are relative to it
            if field.metadata["folder"] and field.name in config and not config[field.name].is_absolute():
                config[field.name] = project_dir / config[field.name]
        settings = settings.replace(**config)
    settings = settings.replace(**overrides)
    found = conflict(settings)  # one that pressroom.yaml alone makes was reported reading it, with its line
    if found is not None:
        name, why = found

        def given(name: str) -> str:  # as the user gave it: an option, or a line of pressroom.yaml
            value = getattr(settings, name)
            if overrides.get(name) is not None:
                return f"{_flag(name)} {value}"
            return f"{name}: {value} (from {CONFIG_FILE})"

        raise ConflictingSettings(f"{given(name)} cannot be used with {given('layout')}; {why}")
    return settings


def read_project_config(path: Path) -> dict:
    """The settings in pressroom.yaml, validated; raises ContentError on any problem."""
    from .errors import Problems, unreadable_text
    from .yamlfile import YamlProblem, load_yaml

    problems = Problems()
    try:
        data, node = load_yaml(path.read_text(encoding="utf-8"))
    except YamlProblem as error:
        problems.add(path, error.line, error.message)
        problems.raise_if_any(str(path))
    except (OSError, UnicodeDecodeError) as error:
        problems.add(path, 1, unreadable_text(error))
        problems.raise_if_any(str(path))
    plain = plainly_valid(data)
    if plain is not None:
        return plain
    from .schema import validate

    config = validate(project_config_schema(), data or {}, node, path, 1, problems)
    problems.raise_if_any(str(path))
    config = config.model_dump(exclude_none=True)
    found = conflict(Settings().replace(**config))
    if found is not None:
        from .yamlfile import line_of

        name, why = found
        problems.add(path, line_of(node, (name,)), f"{name}: {config.get(name, getattr(Settings(), name))} "
                     f"cannot be used with layout: trifold; {why}")
        problems.raise_if_any(str(path))
    return config


def plainly_valid(data) -> dict | None:
    """The settings of a pressroom.yaml whose every key is a setting and every value plainly of its kind,
    as the schema would give them, without loading pydantic (a build with nothing to do stays quick);
    None for anything else, which the schema then checks and words."""
    fields = {field.name: field for field in SETTINGS}
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(name, str) and name in fields for name in data):
        return None
    config = {}
    for name, value in data.items():
        field, meta = fields[name], fields[name].metadata
        kind = field.type if isinstance(field.type, str) else field.type.__name__
        if meta["choices"]:
            value = canonical_choice(field, value)
            fits = value in meta["choices"]
        elif kind == "bool":
            fits = isinstance(value, bool)
        elif meta["folder"]:
            fits = isinstance(value, str) and value.isprintable() and value.strip() == value != ""
            value = Path(value) if fits else value
        elif kind in ("int", "float"):
            fits = type(value) is int or (kind == "float" and type(value) is float)
            fits = fits and (value > 0 if meta["positive"] else value >= 0)
            value = float(value) if kind == "float" and fits else value
        else:
            fits = isinstance(value, str)
        if not fits:
            return None
        config[name] = value
    return config if conflict(Settings().replace(**config)) is None else None


def project_config_schema():
    """The pydantic model of pressroom.yaml, made from the declarations above."""
    from typing import Annotated, Literal

    from pydantic import BeforeValidator, Field, StrictBool, create_model

    from .schema import Folder, Strict

    fields = {}
    for field in SETTINGS:
        meta = field.metadata
        if meta["choices"]:
            kind = Annotated[Literal[meta["choices"]],
                             BeforeValidator(lambda value, field=field: canonical_choice(field, value))]
        elif field.type in (bool, "bool"):
            kind = StrictBool  # switches take true or false, not strings or numbers
        elif meta["folder"]:
            kind = Folder
        elif meta["positive"]:
            kind = Annotated[float if field.type in (float, "float") else int, Field(gt=0)]
        elif field.type in (int, "int"):
            kind = Annotated[int, Field(ge=0)]
        else:
            kind = str
        fields[field.name] = (kind | None, None)
    return create_model("ProjectConfig", __base__=Strict, **fields)
