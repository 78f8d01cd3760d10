"""The web edition's page: templates/web/index.html.j2 rendered to web/index.html, with web.css and every
local image copied beside it (web/assets/<stem>-<hash><suffix>).

The page loads nothing from anywhere else: local images are copied in under a name that changes with
their bytes, data: URLs stay as they are, and a remote image (possible only with allow_remote_resources)
is written as its alt text. Before the files are returned, every resource the finished page would load is
checked against the files of the edition itself, so neither a template nor raw HTML can make it fetch
something from the network or from the disk outside build/web/.

The same inputs give the same bytes: no clock, no absolute paths, assets in name order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

from .. import model as m
from ..errors import PressroomError
from ..html import render_body
from ..sandbox import ResourceRefused, css_urls, html_resource_urls
from ..templates import make_environment, render_template

FOLDER = "web"  # inside the output folder, and the template folder
TEMPLATE = "index.html.j2"
STYLESHEET = "web.css"
ASSETS = "assets"
HASH_LENGTH = 8
PART_IDS = ("main", "contents-title", "introduction", "institutions", "key-terms", "how-to-help", "contact")


def write_web_edition(document: m.Document, job) -> list[tuple[str, bytes]]:
    """Every file of the web edition: (path relative to the output folder, bytes), in a fixed order."""
    page = WebPage(document, job)
    html = page.render()
    files = {f"{FOLDER}/index.html": html.encode("utf-8")}
    if page.stylesheet is not None:
        files[f"{FOLDER}/{STYLESHEET}"] = page.stylesheet
    for name in sorted(page.assets):
        files[f"{FOLDER}/{ASSETS}/{name}"] = page.assets[name]
    check_page_resources(html, {name.removeprefix(f"{FOLDER}/") for name in files}, page.template_path)
    return list(files.items())


def remove_stale_assets(out: Path, written: list[Path]) -> list[Path]:
    """Delete the files of web/assets/ that this build did not write (images since changed or removed,
    whose names held their old hashes); returns them. For WebOutput.finish, once the build has put
    every output in place."""
    folder = out / FOLDER / ASSETS
    if not folder.is_dir():
        return []
    kept = {Path(os.path.abspath(path)) for path in written}
    stale = [path for path in sorted(folder.iterdir())
             if path.is_file() and not path.name.startswith(".") and Path(os.path.abspath(path)) not in kept]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


class WebPage:
    """One rendering of the page; collects the images it copies as it goes."""

    def __init__(self, document: m.Document, job):
        self.document = document
        self.job = job
        self.assets: dict[str, bytes] = {}  # file name in web/assets/ -> bytes
        self.template_path = job.files.template(f"{FOLDER}/{TEMPLATE}") or job.settings.templates / FOLDER / TEMPLATE
        self.stylesheet = self.read_stylesheet()

    def render(self) -> str:
        document, meta = self.document, self.document.meta
        environment = make_environment(self.job.files, FOLDER, autoescape=True, lang=meta.lang,
                                       digits=self.job.settings.digits)
        environment.filters["body_html"] = self.body_html
        data = document.data
        sections = list(document.sections)
        slugs = [section.slug for section in sections]
        glossary = list(data.get("glossary") or [])
        cover = self.cover(meta.cover_image)
        # Templates written before the message catalogue hold English words: these mark them as English.
        english = meta.lang.split("-")[0].lower() == "en"
        return render_template(
            environment, TEMPLATE, document=document, meta=meta, sections=sections, data=data,
            settings=self.job.settings,
            institutions=list(data.get("institutions") or []),
            glossary=glossary,
            loose_terms=[entry for entry in glossary if entry.get("section") not in slugs],
            contact=data.get("contact") or None,
            ids=part_ids(document),
            cover=cover,
            stylesheet=STYLESHEET if self.stylesheet is not None else None,
            ui_lang=Markup("") if english else Markup(' lang="en"'),
            ui_phrase=Markup("") if english else Markup(' lang="en" dir="ltr"'),
        )

    # the parts the template places -------------------------------------------------

    def body_html(self, body: m.Body, prefix: str = "") -> Markup:
        """A body as HTML under the page's <h2> parts: `##` becomes <h3>, no level is skipped, images are
        copied into assets/ (or written as their alt text when remote)."""
        return render_body(web_body(body), prefix, heading_shift=1, image_src=self.image_src,
                           labels=self.document.labels, lang=self.document.meta.lang,
                           digits=self.job.settings.digits)

    def cover(self, image: m.Image | None) -> dict | None:
        """The cover image's src and alt, or None (no cover, or a remote one the page may not load)."""
        if image is None or not is_embeddable(image):
            return None
        return {"src": self.image_src(image), "alt": image.alt}

    def image_src(self, image: m.Image) -> str:
        """The src the page writes for `image`: its copy in assets/, or its data: URL."""
        if image.path is None:
            if is_data_url(image.src):
                return image.src
            raise PressroomError(f"image: '{image.src}' is not a file of the project; the web edition loads "
                                 "nothing from the network", self.document.root)
        try:
            data = self.job.files.read_bytes(image.path)
        except ResourceRefused as refusal:
            raise PressroomError(f"image: {refusal}", image.path) from None
        except OSError as error:
            raise PressroomError(f"image: cannot read: {error.strerror or error}", image.path) from None
        name = asset_name(image.path, data)
        self.assets[name] = data
        return f"{ASSETS}/{name}"

    def read_stylesheet(self) -> bytes | None:
        """templates/web/web.css (the project's, else the theme's), refused if it would load anything."""
        path = self.job.files.template(f"{FOLDER}/{STYLESHEET}")
        if path is None:
            return None
        try:
            data = self.job.files.read_bytes(path)
            text = data.decode("utf-8")
        except ResourceRefused as refusal:
            raise PressroomError(f"stylesheet: {refusal}", path) from None
        except (OSError, UnicodeDecodeError) as error:
            raise PressroomError(f"stylesheet: cannot read as UTF-8 text ({error})", path) from None
        for line, url in css_urls(text):
            if url.strip() and not url.strip().startswith("#") and not is_data_url(url):
                raise PressroomError(f"url(): '{url}': the web edition copies {STYLESHEET} alone, so it may not "
                                     "load other files or URLs; use local fonts and data: URLs", path, line)
        return data


# model to web model ------------------------------------------------------------------


def web_body(body: m.Body) -> m.Body:
    """`body` as the page shows it: remote images as their alt text, heading levels without gaps
    (a level-2 heading, <h3> on the page, may follow a part's <h2>; each heading at most one deeper
    than the one before)."""
    state = {"last": 1}  # the part's own <h2>, in Markdown levels

    def visit(node):
        if isinstance(node, tuple):
            return tuple(visit(child) for child in node)
        if isinstance(node, m.Image):
            return node if is_embeddable(node) else alt_text(node)
        if isinstance(node, m.Heading):
            level = min(node.level, state["last"] + 1)
            state["last"] = level
            return dataclasses.replace(node, level=level, children=visit(node.children))
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            changes = {f.name: visit(getattr(node, f.name)) for f in dataclasses.fields(node)
                       if isinstance(getattr(node, f.name), tuple)}
            return dataclasses.replace(node, **changes) if changes else node
        return node

    return m.Body(visit(body.blocks), visit(body.footnotes))


def alt_text(image: m.Image) -> m.RawHtml:
    """What the page shows for an image it may not load: the image's alt text."""
    return m.RawHtml(f'<span class="image-alt">{escape(image.alt)}</span>')


def is_data_url(src: str) -> bool:
    return src.strip().lower().startswith("data:")


def is_embeddable(image: m.Image) -> bool:
    """A local file (copied into assets/) or a data: URL; not a remote URL."""
    return image.path is not None or is_data_url(image.src)


def asset_name(path: Path, data: bytes) -> str:
    """`<stem>-<first 8 hex digits of the SHA-256 of the bytes><suffix>`, in characters safe in a URL."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-") or "image"
    suffix = re.sub(r"[^A-Za-z0-9.]+", "", path.suffix).lower()
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{suffix}"


def part_ids(document: m.Document) -> dict[str, str]:
    """The ids of the page's own parts ("introduction", "main", ...), each changed if the content already
    uses it (a section slug or a heading's anchor), so that every id on the page is unique."""
    taken = {section.slug for section in document.sections}
    for body in (document.intro, *(section.body for section in document.sections)):
        taken.update(_anchors(body))
    ids = {}
    for name in PART_IDS:
        candidate, n = name, 1
        while candidate in taken:
            candidate = f"{name}-{n}"
            n += 1
        taken.add(candidate)
        ids[name.replace("-", "_")] = candidate
    return ids


def _anchors(body: m.Body) -> list[str]:
    found = []

    def visit(node):
        if isinstance(node, tuple):
            for child in node:
                visit(child)
        elif isinstance(node, m.Heading):
            found.append(node.anchor)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            for f in dataclasses.fields(node):
                visit(getattr(node, f.name))

    visit(body.blocks)
    visit(body.footnotes)
    return found


def check_page_resources(html: str, files: set[str], template: Path) -> None:
    """Refuse a page that would load anything but a file of the edition or a data: URL (a template, or raw
    HTML in the content, may have written one)."""
    for line, construct, url in html_resource_urls(html):
        url = url.strip()
        if url.startswith("#") or is_data_url(url):
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("/"):
            raise PressroomError(f"resource: {construct} loads '{_short(url)}'; the web edition may load only its "
                                 "own files (copied into web/) and data: URLs", template)
        name = str(PurePosixPath(unquote(parts.path)))
        if not url or name not in files:
            raise PressroomError(f"resource: {construct} loads '{_short(url)}', which is not a file of the web "
                                 f"edition (it has {', '.join(sorted(files))})", template)


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."
