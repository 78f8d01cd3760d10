"""The brochure: the brochure templates (HTML and CSS) rendered to a print-ready PDF by WeasyPrint."""

from __future__ import annotations

from ..outputs import BaseOutput


class BrochureOutput(BaseOutput):
    name = "brochure"
    help = "the designed PDF brochure (brochure.pdf)"
    template_folder = "brochure"
    make_target = "brochure.pdf"

    def rehearse(self, document, job) -> None:
        from .pdf import check_brochure

        check_brochure(document, job)

    def render(self, document, job) -> list[tuple[str, bytes]]:
        from .pdf import write_brochure

        return write_brochure(document, job)

    def finish(self, out, written, job) -> None:
        """A booklet from an earlier build with --impose booklet is out of date once a build without it
        has replaced brochure.pdf."""
        from .pdf import BOOKLET

        booklet = out / BOOKLET
        if booklet not in written and booklet.is_file():
            booklet.unlink()


OUTPUT = BrochureOutput()
