"""The brochure: the brochure templates (HTML and CSS) rendered to a print-ready PDF by WeasyPrint."""

from __future__ import annotations

from ..outputs import BaseOutput


class BrochureOutput(BaseOutput):
    name = "brochure"
    help = "the designed PDF brochure (brochure.pdf; with --layout trifold, leaflet.pdf)"
    template_folder = "brochure"
    make_target = "brochure.pdf"

    def make_rule(self, job) -> tuple[str, str]:
        """The leaflet is its own make target, so the booklet and the leaflet can both be kept up to date."""
        if job.settings.layout == "trifold":
            from .pdf import LEAFLET

            return "leaflet", LEAFLET
        return self.name, self.make_target

    def check(self, document, job, problems) -> None:
        """Every character to print is in one of the theme's fonts (see glyphs.py)."""
        from .glyphs import check_glyphs

        check_glyphs(document, job, problems)

    def rehearse(self, document, job) -> None:
        """The booklet's HTML is checked without laying it out; the leaflet, two pages, is laid out, so
        `pressroom check` finds text that does not fit its panels."""
        from .pdf import check_brochure, write_brochure

        if job.settings.layout == "trifold":
            write_brochure(document, job)
        else:
            check_brochure(document, job)

    def render(self, document, job) -> list[tuple[str, bytes]]:
        from .pdf import write_brochure

        return write_brochure(document, job)

    def finish(self, out, written, job) -> None:
        """A booklet from an earlier build with --impose booklet is out of date once a build without it
        has replaced brochure.pdf (a leaflet leaves both as they are)."""
        from .pdf import BOOKLET, BROCHURE

        booklet = out / BOOKLET
        if out / BROCHURE in written and booklet not in written and booklet.is_file():
            booklet.unlink()


OUTPUT = BrochureOutput()
