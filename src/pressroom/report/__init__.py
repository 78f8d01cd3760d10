"""The funders' report: templates/report/report.yaml.j2 plans it, the Word writer writes it with the
styles of templates/report/reference.docx. The general edition, and one edition per funder."""

from __future__ import annotations

from pathlib import Path

from ..errors import PressroomError, known_names
from ..outputs import BaseOutput

EDITIONS_FOLDER = "reports"


class ReportOutput(BaseOutput):
    name = "report"
    help = "the Word report, general edition (report.docx)"
    template_folder = "report"
    make_target = "report.docx"
    with_funders = "reports"

    def check(self, document, job, problems) -> None:
        from .docx import check_reference_document

        check_reference_document(job.files, problems.add)

    def rehearse(self, document, job) -> None:
        from .plan import plan_report

        plan_report(document, job.files, None)

    def render(self, document, job) -> list[tuple[str, bytes]]:
        return laid_out({"report.docx": render_report(document, job.files)}, job.settings)

    def finish(self, out: Path, written: list[Path], job) -> None:
        """A report's PDF from an earlier build with --report-pdf is out of date once a build without it
        has replaced the report."""
        for report in written:
            stale_pdf = report.with_suffix(".pdf")
            if report.suffix == ".docx" and stale_pdf not in written and stale_pdf.is_file():
                stale_pdf.unlink()


class EditionsOutput(ReportOutput):
    name = "reports"
    help = "one Word report per funder in content/data/funders.yaml (reports/SLUG.docx)"
    make_target = f"{EDITIONS_FOLDER}/.built"

    def rehearse(self, document, job) -> None:
        from .plan import plan_report

        for funder in select_funders(document, job.funders):
            plan_report(document, job.files, funder)

    def steps(self, document, job) -> int:
        """One per edition, and one to lay them all out."""
        return len(select_funders(document, job.funders)) + 1

    def render(self, document, job) -> list[tuple[str, bytes]]:
        funders = select_funders(document, job.funders)
        reports = {}
        for funder, report in zip(funders, render_editions(document, job, funders)):
            name = f"{EDITIONS_FOLDER}/{funder['slug']}.docx"
            reports[name] = report
            job.advance(name)
        return laid_out(reports, job.settings)

    def finish(self, out: Path, written: list[Path], job) -> None:
        """As the general edition; and when every edition was built, delete those of funders no longer in
        funders.yaml."""
        super().finish(out, written, job)
        folder = out / EDITIONS_FOLDER
        if job.funders or not folder.is_dir():
            return
        for path in [*folder.glob("*.docx"), *folder.glob("*.pdf")]:
            if path not in written and not path.is_dir():
                path.unlink(missing_ok=True)


def render_report(document, files, funder: dict | None = None) -> bytes:
    """One edition of the Word report (general when `funder` is None) as .docx bytes."""
    from .docx import write_report
    from .plan import plan_report

    return write_report(document, plan_report(document, files, funder), files)


def render_editions(document, job, funders: list[dict]) -> list[bytes]:
    """Each funder's edition, in order, written in up to `jobs` processes at once (the same bytes as one
    after another); what each read is added to the build's record of inputs."""
    from ..parallel import in_processes

    def edition(funder):
        with job.files.recording() as reads:
            report = render_report(document, job.files, funder)
        return report, {path: job.files.prints.get(path) for path in reads}

    # The first edition is written here: it loads what every edition needs (the chart libraries, the
    # charts themselves), and the workers, forked after it, start with that done.
    results = [edition(funder) for funder in funders[:1]] + in_processes(edition, funders[1:], job.settings.jobs)
    for _, reads in results:
        for path, content_print in reads.items():
            job.files.note_read(path, content_print)
    return [report for report, _ in results]


def laid_out(reports: dict[str, bytes], settings) -> list[tuple[str, bytes]]:
    """The reports, with their contents' page numbers when LibreOffice can lay them out, and with
    --report-pdf their PDFs beside them (name.pdf)."""
    from .pagination import paginate, to_pdf, reproducible_pdf, warn_unpaginated

    if not reports:  # no funders: nothing to lay out, and no reason to say LibreOffice is missing
        return []
    names, documents, pdfs = list(reports), list(reports.values()), None
    if settings.report_page_numbers:
        result = paginate(documents, with_pdfs=settings.report_pdf, digits=settings.digits)
        if result is None:
            warn_unpaginated()
        else:
            documents, pdfs = result
    files = list(zip(names, documents))
    if settings.report_pdf:
        pdfs = pdfs or [reproducible_pdf(pdf) for pdf in to_pdf(documents, settings.digits)]
        files += [(name.removesuffix(".docx") + ".pdf", pdf) for name, pdf in zip(names, pdfs)]
    return files


def select_funders(document, slugs: tuple[str, ...]) -> list[dict]:
    """The funders to make editions for: all (no slugs) or the named ones."""
    funders = document.data.get("funders") or []
    if not slugs:
        return list(funders)
    by_slug = {f["slug"]: f for f in funders}
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        raise PressroomError(f"funder: no funder with slug '{unknown[0]}' (known: {known_names(by_slug)})",
                             document.root / "data" / "funders.yaml")
    return [by_slug[s] for s in slugs]


OUTPUT = ReportOutput()
EDITIONS = EditionsOutput()
