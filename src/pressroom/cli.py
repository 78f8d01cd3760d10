"""The command line: parses arguments, calls the build, maps errors to exit codes and one-line messages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import PAPER_SIZES, PDF_VARIANTS, TARGETS
from .errors import InterruptedAfterWriting

EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
REPORT_HINT = ("This is a bug in Pressroom, not in your content; please report it as README.md says under "
               "'Reporting a bug', with the command you ran and its output with --debug.")
INTERRUPTED = "Interrupted; earlier outputs are unchanged."
INTERRUPTED_AFTER_WRITING = "Interrupted; the new outputs were already all in place."

content_option = click.option("--content", type=click.Path(path_type=Path), default=None,
                              help="Content folder.  [default: ./content]")
templates_option = click.option("--templates", type=click.Path(path_type=Path), default=None,
                                help="Templates folder.  [default: ./templates]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pressroom")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def cli(debug: bool) -> None:
    """Turn structured Markdown in content/ into a PDF brochure and a Word report."""
    # main() reads --debug from the arguments itself: it needs it for errors raised outside this context.


@cli.command()
@click.argument("target", type=click.Choice(TARGETS), default="all")
@content_option
@templates_option
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder.  [default: ./build]")
@click.option("--funder", "funders", multiple=True, metavar="SLUG",
              help="Build the report edition for this funder (repeatable); writes OUT/reports/SLUG.docx.")
@click.option("--paper", type=click.Choice(PAPER_SIZES), default=None,
              help="Brochure paper size.  [default: A4]")
@click.option("--print", "print_marks", is_flag=True, default=None,
              help="Print-shop PDF: 3 mm bleed, crop and cross marks, pages padded to a multiple of 4.")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default=None,
              help="PDF flavour: tagged for accessibility or archival.  [default: plain]")
def build(target, content, templates, out, funders, paper, print_marks, pdf_variant) -> None:
    """Build TARGET: brochure, report, reports (one per funder) or all.  [default: all]"""
    from .build import BuildRequest, build as run_build
    from .config import load_settings

    try:
        request = BuildRequest.for_target(target, tuple(funders))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    settings = load_settings(project_folder(content), content=content, templates=templates, out=out,
                             paper=paper, print_marks=print_marks, pdf_variant=pdf_variant)
    for path in run_build(settings, request):
        click.echo(f"wrote {path}")


@cli.command()
@content_option
@templates_option
def check(content, templates) -> None:
    """Validate content and templates without writing anything."""
    from .build import check as run_check
    from .config import load_settings

    document = run_check(load_settings(project_folder(content), content=content, templates=templates))
    click.echo(f"ok: {len(document.sections)} sections, {len(document.data)} data files")


def project_folder(content: Path | None) -> Path:
    """Where pressroom.yaml is looked for: beside the content folder, else the working directory."""
    return content.parent if content is not None else Path(".")


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 ok, 1 content, template or output error, 2 usage error, 3 internal fault,
    130 interrupted."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="pressroom", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt) as error:  # Abort: click's form of Ctrl-C
        after_writing = InterruptedAfterWriting in (type(error), type(error.__cause__))
        click.echo(INTERRUPTED_AFTER_WRITING if after_writing else INTERRUPTED, err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        if debug:
            raise
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except Exception as error:  # an internal fault: short message, no traceback unless asked
        if debug:
            raise
        click.echo(f"Error: internal error: {type(error).__name__}: {error}", err=True)
        click.echo(REPORT_HINT, err=True)
        return EXIT_INTERNAL
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
