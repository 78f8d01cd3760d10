"""The PDF writer: brochure template -> HTML -> WeasyPrint. The only module that imports weasyprint."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import functools
import logging
import math
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import model as m
from ..errors import PressroomError, warn
from ..gateway import CMYK_PRESS_PROFILE
from ..html import render_body
from ..sandbox import ResourceRefused, html_resource_urls
from ..settings import conflict
from ..templates import make_environment, render_template
from . import relayout
from .imposition import impose_booklet
from .prepress import finish_for_print
from .print_sheet import MEDIA_MARGIN_MM
from .repaint import replaying
from .speedups import faster_weasyprint
from .trifold import Fit, fit_leaflet, leaflet_folds
from .trifold import PAGES as LEAFLET_PAGES, TEMPLATE as LEAFLET_TEMPLATE

TEMPLATE = "brochure.html.j2"
TEMPLATES = {"booklet": TEMPLATE, "trifold": LEAFLET_TEMPLATE}  # by the layout setting
BROCHURE = "brochure.pdf"
TAGGED_VARIANTS = ("pdf/ua-1", "pdf/x-4")
PRESS_VARIANTS = ("pdf/x-4",)  # with a CMYK output intent, and the theme's print colours
CMYK_PROFILE = CMYK_PRESS_PROFILE
CMYK_PROFILE_PACKAGE = "libgs-common"
FIXED_DATE = dt.date(2000, 1, 1)
BOOKLET = "brochure-booklet.pdf"
LEAFLET = "leaflet.pdf"  # --layout trifold: the tri-fold leaflet, beside brochure.pdf
BOOKLET_MULTIPLE = 4  # booklets are printed on folded sheets: four pages to a sheet
MIN_IMAGE_DPI = 200
CSS_PX_PER_INCH = 96
MAX_WARNING = 300  # characters of a renderer warning shown (some quote whole stylesheet fragments)
FONT_FAMILIES = ("Noto Serif", "Noto Sans", "Noto Naskh Arabic")
FONT_PACKAGE = "fonts-noto-core"
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")


def render_brochure_html(document: m.Document, job, padding_pages: int = 0, settings=None,
                         fit: Fit = Fit()) -> str:
    """The brochure as one HTML string, from templates/brochure/ (laid out for `settings`, by default the
    job's): the booklet's template or the leaflet's, as the layout setting says. `fit` is what the leaflet
    shortens to fit its panels."""
    settings = settings or job.settings
    environment = make_environment(job.files, "brochure", autoescape=True, lang=document.meta.lang,
                                   digits=settings.digits)
    environment.filters["body_html"] = functools.partial(render_body, labels=document.labels,
                                                         lang=document.meta.lang, css_numbers=True,
                                                         html_chart_text=True, digits=settings.digits)
    press = settings.pdf_variant in PRESS_VARIANTS
    return render_template(environment, TEMPLATES[settings.layout], document=document, meta=document.meta,
                           sections=document.sections, data=document.data, settings=settings,
                           padding_pages=padding_pages, fit=fit, print_margin=f"{MEDIA_MARGIN_MM}mm",
                           # PDF/X stamps the clock where no date is given: give it one
                           pdf_date=pdf_date(document.meta) or (FIXED_DATE if press else None),
                           cmyk_profile=cmyk_profile().as_uri() if press else None)


def check_brochure(document: m.Document, job) -> None:
    """Render the brochure's HTML and refuse, as a build would, any resource it loads from outside."""
    html = render_brochure_html(document, job)
    folder = job.settings.templates / "brochure"
    template = job.files.template(f"brochure/{TEMPLATES[job.settings.layout]}") or folder / TEMPLATES[job.settings.layout]
    for line, construct, url in html_resource_urls(html):
        if not url.strip():
            continue
        # as the renderer's fetcher does: a file the project's templates/ lacks is the theme's
        base = job.files.theme / "brochure" if _only_in_theme(url, folder, job.files.theme / "brochure") else folder
        for _, _, refusal in job.files.sandbox.refusals([(line, construct, url)], base):
            raise PressroomError(f"resource: {refusal}", template)


def _only_in_theme(url: str, folder: Path, theme_folder: Path) -> bool:
    """Whether a relative URL in a brochure template names a file the theme has and the project lacks."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return False
    relative = unquote(parts.path)
    try:
        return not (folder / relative).exists() and (theme_folder / relative).is_file()
    except (OSError, ValueError):  # a name too long for the file system, say: the sandbox reports it
        return False


def cmyk_profile() -> Path:
    """The press profile PDF/X names as its output intent; one line saying how to install it if missing."""
    if not CMYK_PROFILE.is_file():
        raise PressroomError(f"pdf/x-4 needs the CMYK press profile {CMYK_PROFILE}: install the Debian package "
                             f"{CMYK_PROFILE_PACKAGE} (sudo apt-get install {CMYK_PROFILE_PACKAGE})", CMYK_PROFILE)
    return CMYK_PROFILE


def pdf_date(meta: m.Metadata) -> dt.date | None:
    """The date stored in the PDF: the content's date, else SOURCE_DATE_EPOCH, never the clock."""
    if meta.date:
        return meta.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return None


def write_brochure(document: m.Document, job) -> list[tuple[str, bytes]]:
    """The brochure's files: brochure.pdf, in print mode padded with notes pages to a multiple of four,
    and with --impose booklet also brochure-booklet.pdf; or, with --layout trifold, leaflet.pdf."""
    settings = job.settings
    found = conflict(settings)  # load_settings refuses these; Settings made in code are checked here
    if found is not None:
        name, why = found
        raise PressroomError(f"{name}: {getattr(settings, name)} cannot be used with layout: trifold; {why}")
    if settings.layout == "trifold":
        pdf, rendered = render_pdf(document, job, settings)
        if settings.print_marks:
            pdf = finish_for_print(pdf, LEAFLET, pdf_date(document.meta), leaflet_folds(rendered))
        return [(LEAFLET, pdf)]
    if settings.impose == "booklet":
        settings = settings.replace(print_marks=True)  # a booklet is for the printer: bleed and padding
    pdf, _ = render_pdf(document, job, settings)
    date = pdf_date(document.meta)
    files = [(BROCHURE, finish_for_print(pdf, BROCHURE, date) if settings.print_marks else pdf)]
    if settings.impose == "booklet":
        files.append((BOOKLET, impose_booklet(pdf, BOOKLET, date)))
    return files


def render_pdf(document: m.Document, job, settings):
    """The brochure as WeasyPrint writes it, and its layout; in print mode with room for bleed and marks
    around each page, and the booklet padded with notes pages to a multiple of four."""
    import weasyprint

    warn_if_fonts_missing()
    fetcher, refused = _sandboxed_fetcher(weasyprint, job)
    base_url = (settings.templates / "brochure").resolve().as_uri() + "/"
    # pdf_identifier True: the file's /ID is an MD5 of every object in it, so it differs whenever the
    # brochure does (text, stylesheet, images, fonts) and is the same for the same inputs, wherever built.
    options = {"pdf_variant": None if settings.pdf_variant == "plain" else settings.pdf_variant,
               "pdf_tags": settings.pdf_variant in TAGGED_VARIANTS, "pdf_identifier": True}

    html_of_last_render = []
    memory = relayout.active()
    why_not = relayout_refused(settings) if memory is not None else None
    if memory is not None and why_not:
        memory.forget()
        memory.last = f"laid out all pages ({why_not})"

    def lay_out(html: str, url_fetcher=fetcher, font_config=None):
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(
            font_config=font_config, **options)

    def render(padding_pages: int = 0, fit: Fit = Fit()):
        html = render_brochure_html(document, job, padding_pages, settings, fit)
        html_of_last_render[:] = [html]
        if memory is not None and not why_not:  # watch and preview: only a changed part when safe
            key = (settings, base_url, tuple(sorted(options.items())))
            return relayout.lay_out(memory, key, html, lay_out, fetcher)
        return lay_out(html)

    with _weasyprint_errors(settings, refused), _image_names_without_folders(job), \
            faster_weasyprint(memory.compressed if memory is not None else None), \
            replaying(memory.drawings if memory is not None and not why_not else None):
        if settings.layout == "trifold":  # one sheet: shortened until it fits, never padded
            rendered = fit_leaflet(document, lambda fit: render(fit=fit))
            if len(rendered.pages) != LEAFLET_PAGES:
                raise PressroomError(f"template: the leaflet was laid out on {len(rendered.pages)} pages, not "
                                     f"{LEAFLET_PAGES} (its outside and inside): something is outside the "
                                     "panels (data-panel) or breaks a page", settings.templates / "brochure" /
                                     LEAFLET_TEMPLATE)
        else:
            rendered, padding = render(0), 0
            # Notes pages go before the back cover; re-render until the count fills whole sheets.
            while settings.print_marks and (missing := booklet_padding(len(rendered.pages))):
                padding += missing
                rendered = render(padding)
        warn_low_resolution_images(rendered)
        with _document_id_from(html_of_last_render[0] + settings.pdf_variant):
            return rendered.write_pdf(**options), rendered


def relayout_refused(settings) -> str:
    """Why a brochure made with `settings` is always laid out whole, even by watch and preview ("" if
    it need not be): the layouts whose pages depend on the page count or are drawn again afterwards."""
    import weasyprint

    if weasyprint.__version__ != relayout.WEASYPRINT_VERSION:
        return f"WeasyPrint {weasyprint.__version__}"
    if settings.layout != "booklet":
        return f"layout: {settings.layout}"
    if settings.print_marks or settings.impose != "none":
        return "print mode"
    if settings.pdf_variant in PRESS_VARIANTS:
        return settings.pdf_variant
    return ""


@contextlib.contextmanager
def _image_names_without_folders(job):
    """WeasyPrint names each raster image in the PDF after an MD5 of its URL, which holds the project's
    folder: while rendering, hash the URL relative to the project's folders instead, so the same project
    gives the same bytes wherever it is built."""
    from weasyprint import images

    folders = {"content": job.settings.content, "templates": job.settings.templates, "theme": job.files.theme}
    roots = sorted(((folder.resolve().as_uri() + "/", name) for name, folder in folders.items()),
                   key=lambda root: len(root[0]), reverse=True)  # the innermost first
    saved = images.md5

    def md5(data, **options):
        text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else str(data)
        for root, name in roots:
            if text.startswith(root):
                data = f"{name}:{text[len(root):]}".encode()
                break
        return saved(data, **options)

    images.md5 = md5
    try:
        yield
    finally:
        images.md5 = saved


@contextlib.contextmanager
def _document_id_from(text: str):
    """PDF/X-4's XMP DocumentID is a random UUID in WeasyPrint (and the file's /ID, a hash of every object,
    follows it): make it a UUID derived from what was rendered, so the same inputs give the same bytes."""
    from weasyprint.pdf import metadata

    derived = uuid.UUID(hashlib.sha256(text.encode()).hexdigest()[:32])
    saved = metadata.uuid4
    metadata.uuid4 = lambda: derived
    try:
        yield
    finally:
        metadata.uuid4 = saved


def booklet_padding(page_count: int) -> int:
    """How many pages to add so that `page_count` fills whole folded sheets."""
    return -page_count % BOOKLET_MULTIPLE


@functools.lru_cache(maxsize=1)
def missing_font_families() -> tuple[str, ...]:
    """The brochure's font families that fontconfig (or, without it, the font folders) cannot find."""
    if shutil.which("fc-list"):
        try:
            listing = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                                     text=True, timeout=30, check=True).stdout
            installed = {name.strip() for line in listing.splitlines() for name in line.split(",")}
            return tuple(family for family in FONT_FAMILIES if family not in installed)
        except (OSError, subprocess.SubprocessError):
            pass
    files = {path.name for folder in FONT_FOLDERS if folder.is_dir() for path in folder.rglob("Noto*")}
    return tuple(family for family in FONT_FAMILIES
                 if f"{family.replace(' ', '')}-Regular.ttf" not in files)


def warn_if_fonts_missing() -> None:
    missing = missing_font_families()
    if missing:
        warn(f"fonts not installed: {', '.join(missing)}; the brochure falls back to other fonts. "
             f"Install the Debian package {FONT_PACKAGE} (sudo apt-get install {FONT_PACKAGE}).")


def warn_low_resolution_images(rendered) -> None:
    """Warn once per raster image that prints below MIN_IMAGE_DPI at the size it was laid out."""
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    lowest: dict[str, float] = {}
    for page in rendered.pages:
        page_box = getattr(page, "_page_box", None)  # WeasyPrint's laid-out boxes (not public API)
        for box in page_box.descendants() if page_box is not None else ():
            if not isinstance(box, ReplacedBox) or not isinstance(box.replacement, RasterImage):
                continue
            if box.width <= 0 or box.element is None:
                continue
            dpi = box.replacement.width / (box.width / CSS_PX_PER_INCH)
            source = box.element.get("src", "")
            lowest[source] = min(dpi, lowest.get(source, math.inf))
    for source, dpi in lowest.items():
        if dpi < MIN_IMAGE_DPI:
            message = f"prints at {dpi:.0f} dpi, below {MIN_IMAGE_DPI} dpi; use a larger image for print."
            parts = urlsplit(source)
            if parts.scheme == "file":
                warn(message, Path(unquote(parts.path)))
            else:
                warn(f"{source}: {message}")


def _sandboxed_fetcher(weasyprint, job):
    """A URL fetcher that reads through the gateway, and the error it stops rendering with on a refusal."""
    settings, files = job.settings, job.files

    class GatewayFetcher(weasyprint.urls.URLFetcher):
        """Loads files only through the gateway (inside content/, templates/ and the built-in theme) and
        remote URLs only if the project allows them."""

        def fetch(self, url, headers=None):
            try:
                found = files.fetch(url)
            except ResourceRefused as refusal:
                raise RefusedResource(str(refusal)) from None
            if found is None:  # a data: URL, or a remote one the project allows
                return super().fetch(url, headers)
            data, mime_type = found
            headers = {"Content-Type": mime_type} if mime_type else {}
            return weasyprint.urls.URLFetcherResponse(url, data, headers)

    class RefusedResource(weasyprint.urls.FatalURLFetchingError):
        pass

    fetcher = GatewayFetcher(allowed_protocols=None if settings.allow_remote_resources else ("file", "data"))
    return fetcher, RefusedResource


def _renderer_frame(traceback) -> str | None:
    """`weasyprint/layout/page.py:717` if the innermost frame of `traceback` is WeasyPrint's, else None."""
    import weasyprint

    package = Path(weasyprint.__file__).parent
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    filename = Path(traceback.tb_frame.f_code.co_filename)
    if not filename.is_relative_to(package):
        return None
    return f"weasyprint/{filename.relative_to(package).as_posix()}:{traceback.tb_lineno}"


class _weasyprint_errors(logging.Handler):
    """While rendering: collects WeasyPrint's warnings (a CSS declaration it ignored, say) to print once,
    and turns a refused resource (fatal to rendering) into a located user error."""

    def __init__(self, settings, refused: type):
        super().__init__(logging.WARNING)
        self.folder = settings.templates / "brochure"
        self.template = TEMPLATES[settings.layout]
        self.refused = refused
        self.messages: dict[str, None] = {}  # ordered and without repeats
        self.logger = logging.getLogger("weasyprint")

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())  # one line, though it may quote CSS across several
        self.messages.setdefault(message if len(message) <= MAX_WARNING else message[:MAX_WARNING - 1] + "…")

    def __enter__(self):
        self.saved = self.logger.propagate
        self.logger.propagate = False
        self.logger.addHandler(self)
        return self

    def __exit__(self, kind, error, traceback):
        self.logger.removeHandler(self)
        self.logger.propagate = self.saved
        if kind is not None and issubclass(kind, self.refused):
            raise PressroomError(f"resource: {error}", self.folder / self.template) from None
        failed_in = _renderer_frame(traceback) if kind is not None and issubclass(kind, Exception) else None
        if failed_in is not None:  # WeasyPrint itself broke on what the templates asked of it
            raise PressroomError(f"the PDF renderer failed ({kind.__name__} in {failed_in}); a stylesheet or "
                                 "template construct it cannot lay out is the likely cause: undo the latest change "
                                 "there", self.folder) from error
        if kind is None:
            # WeasyPrint names the line and column, not the file: the stylesheets and HTML of this folder
            for message in self.messages:
                warn(message, self.folder)
        return False
