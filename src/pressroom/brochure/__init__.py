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

        return [("brochure.pdf", write_brochure(document, job))]


OUTPUT = BrochureOutput()
