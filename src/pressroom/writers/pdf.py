"""The PDF writer: brochure template -> HTML -> WeasyPrint. The only module that imports weasyprint."""

from __future__ import annotations

import logging
from pathlib import Path

from .. import model as m
from ..config import Settings
from ..errors import PressroomError
from ..sandbox import ResourceRefused, Sandbox
from ..templates import make_environment, render_template
from .html import render_body

TEMPLATE = "brochure.html.j2"


def render_brochure_html(document: m.Document, settings: Settings, padding_pages: int = 0) -> str:
    """The brochure as one HTML string, from templates/brochure/."""
    environment = make_environment(settings.templates / "brochure", autoescape=True)
    environment.filters["body_html"] = render_body
    return render_template(environment, TEMPLATE, document=document, meta=document.meta,
                           sections=document.sections, data=document.data, settings=settings,
                           padding_pages=padding_pages)


def write_brochure(document: m.Document, settings: Settings) -> bytes:
    """The brochure as PDF bytes."""
    import weasyprint

    fetcher = _sandboxed_fetcher(weasyprint, settings)
    base_url = (settings.templates / "brochure").resolve().as_uri() + "/"
    options = {"pdf_variant": None if settings.pdf_variant == "plain" else settings.pdf_variant,
               "pdf_tags": settings.pdf_variant == "pdf/ua-1", "pdf_identifier": b"pressroom"}
    html = render_brochure_html(document, settings)
    with _weasyprint_errors(settings):
        rendered = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**options)
        return rendered.write_pdf(**options)


def _sandboxed_fetcher(weasyprint, settings: Settings):
    sandbox = Sandbox([settings.content, settings.templates], settings.allow_remote_resources)

    class SandboxedFetcher(weasyprint.urls.URLFetcher):
        """Loads only files inside content/ and templates/ (and remote URLs if the project allows)."""

        def fetch(self, url, headers=None):
            try:
                kind, _ = sandbox.classify(url, settings.templates)
            except ResourceRefused as refusal:
                raise RefusedResource(str(refusal)) from None
            return super().fetch(url, headers)

    class RefusedResource(weasyprint.urls.FatalURLFetchingError):
        pass

    return SandboxedFetcher(allowed_protocols=None if settings.allow_remote_resources else ("file", "data"))


class _weasyprint_errors:
    """Turns a refused resource (fatal to rendering) into a located user error."""

    def __init__(self, settings: Settings):
        self.folder = settings.templates / "brochure"

    def __enter__(self):
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None and type(error).__name__ == "RefusedResource":
            raise PressroomError(f"resource: {error}", self.folder) from None
        return False
