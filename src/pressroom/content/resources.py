"""What Markdown embeds: images (files, SVG, data: URLs) and raw HTML, checked through the gateway."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import model as m
from ..errors import Problems
from ..gateway import ProjectFiles
from ..sandbox import ResourceRefused, Sandbox, data_url_image_problem, html_resource_urls, image_problem, shortened

INVALID_CHART = "invalid chart"  # a data file whose chart has problems, reported on the file itself


class ResourceChecker:
    """Resolves and checks what one project's Markdown embeds; every problem goes to `problems`."""

    def __init__(self, files: ProjectFiles, problems: Problems):
        self.files = files
        self.problems = problems
        self.max_image_bytes = files.settings.max_image_bytes
        # data files by resolved path: their chart, INVALID_CHART, or None when they hold no chart
        self.charts: dict[Path, m.Chart | str | None] = {}
        self.image_problems: dict[Path, str | None] = {}  # image files checked, by resolved path

    def image(self, path: Path, src: str, alt: str, title: str, line: int | None) -> m.Image | m.Chart:
        """The image `src` used in `path`, resolved through the sandbox and checked; a data file's chart
        when `src` names one."""
        try:
            kind, resolved = self.files.resolve(src, path.parent)
        except ResourceRefused as refusal:
            self.problems.add(path, line, f"image: {refusal}{self.relative_path_hint(path, src)}")
            return m.Image(src, alt, title)
        if resolved is not None and resolved.suffix.lower() in (".yaml", ".yml"):
            return self.chart(path, line, src, alt, title, resolved)
        problem = None
        if resolved is not None:
            if resolved not in self.image_problems:  # an image used again is checked once
                self.image_problems[resolved] = image_problem(resolved, self.max_image_bytes, self.files.read_bytes)
            problem = self.image_problems[resolved]
        elif kind == "data":
            problem = data_url_image_problem(src, self.max_image_bytes)
        if problem is not None:
            self.problems.add(path, line, f"image: '{shortened(src)}' {problem}")
            return m.Image(src, alt, title)
        if resolved is not None and resolved.suffix.lower() == ".svg":
            self.svg(path, line, src, resolved)
        if not alt:
            self.problems.add(path, line, f"image: '{src}' has no alt text; write ![what it shows]({src})")
        return m.Image(src, alt, title, resolved)

    def chart(self, path: Path, line: int | None, src: str, alt: str, title: str, resolved: Path):
        """The chart of data file `resolved`; a problem (and a plain image) if it holds none."""
        if resolved not in self.charts:
            self.problems.add(path, line, f"chart: '{src}' is not a data file in content/data/"
                              f"{self.relative_path_hint(path, src)}")
        elif self.charts[resolved] is INVALID_CHART:
            pass  # its own problem is reported on the data file
        elif self.charts[resolved] is None:
            self.problems.add(path, line, f"chart: '{src}' holds no 'chart:' mapping (or an invalid one)")
        else:
            return self.charts[resolved]
        return m.Image(src, alt, title)

    def relative_path_hint(self, path: Path, src: str) -> str:
        """When `src` names a file relative to content/ rather than to `path`, say how to write it."""
        root = self.files.content
        if urlsplit(src).scheme or path.parent == root:
            return ""
        try:
            candidate = Sandbox([root]).check_local(root / unquote(src), src)
        except ResourceRefused:
            return ""
        relative = os.path.relpath(candidate, path.parent.resolve())
        return f"; paths are relative to the file that uses them: write '{relative}'"

    def svg(self, path: Path, line: int | None, src: str, svg: Path) -> None:
        """An SVG image may load other files and URLs itself; those go through the sandbox too."""
        text = self.files.read_bytes(svg).decode("utf-8", errors="replace")
        references = [(n, construct, url) for n, construct, url in html_resource_urls(text)
                      if not url.strip().startswith("#")]  # a fragment points inside the SVG itself
        for _, construct, refusal in self.files.sandbox.refusals(references, svg.parent):
            self.problems.add(path, line, f"image: '{src}' loads {construct}: {refusal}")

    def raw_html(self, path: Path, line: int | None, html: str) -> None:
        """Raw HTML (allowed by the project) may still load only what the sandbox allows."""
        for offset, construct, refusal in self.files.sandbox.refusals(html_resource_urls(html), path.parent):
            where = line + offset - 1 if line is not None else None
            self.problems.add(path, where, f"raw HTML {construct}: {refusal}")
