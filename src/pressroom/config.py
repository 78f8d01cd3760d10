"""Settings and their defaults, in one place shared by the CLI, the Makefile and the API.

A project may set any of them in `pressroom.yaml` beside content/; command-line options win over it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "pressroom.yaml"
PAPER_SIZES = ("A4", "Letter", "A5")
PDF_VARIANTS = ("plain", "pdf/ua-1", "pdf/a-3b")
TARGETS = ("brochure", "report", "reports", "all")  # reports: one edition per funder


@dataclass(frozen=True)
class Settings:
    """Where to read and write, and how to render. Every field has its documented default here."""

    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("build")
    paper: str = "A4"
    print_marks: bool = False  # --print: 3 mm bleed, crop and cross marks, page count padded to 4
    pdf_variant: str = "plain"
    allow_raw_html: bool = False
    allow_remote_resources: bool = False
    max_file_bytes: int = 2_000_000  # each Markdown or YAML file in content/
    max_image_bytes: int = 20_000_000  # each image embedded in the outputs

    def replace(self, **changes) -> Settings:
        """A copy with the given fields changed; None values leave a field as it is."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(project_dir: Path = Path("."), **overrides) -> Settings:
    """Defaults, then pressroom.yaml in the project folder, then explicit overrides (CLI options)."""
    from .schema import read_project_config

    settings = Settings()
    config_path = project_dir / CONFIG_FILE
    if config_path.is_file():
        config = read_project_config(config_path)
        for key in ("content", "templates", "out"):  # folders named in the file are relative to it
            if key in config and not config[key].is_absolute():
                config[key] = project_dir / config[key]
        settings = settings.replace(**config)
    return settings.replace(**overrides)
