"""The command line: parses arguments, calls the build, maps errors to exit codes and one-line messages."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InterruptedAfterWriting

EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
REPORT_HINT = ("This is a bug in Pressroom, not in your content; please report it as README.md says under "
               "'Reporting a bug', with the command you ran and its output with --debug.")
INTERRUPTED = "Interrupted; earlier outputs are unchanged."
INTERRUPTED_AFTER_WRITING = "Interrupted; the new outputs were already all in place."
# The build's options that mean nothing to the preview, which writes nothing (out), makes no report (report_pdf)
# nor funder editions (jobs) and shows brochure.pdf, not the imposed booklet (impose; --print shows the marks).
PREVIEW_LEAVES_OUT = ("out", "report_pdf", "jobs", "impose")



def setting_options(command: str, leave_out: tuple[str, ...] = ()):
    """The click options of `command` ("build", "check"), one per setting declared with a flag, but
    those named in `leave_out`."""
    from .settings import SETTINGS

    def decorate(function):
        for field in reversed(SETTINGS):
            meta = field.metadata
            if meta["flag"] is None or command not in meta["commands"] or field.name in leave_out:
                continue
            default = f"./{field.default}" if meta["folder"] else field.default
            if field.type in (bool, "bool"):
                option = click.option(meta["flag"], field.name, is_flag=True, default=None, help=meta["help"])
            else:
                kind = (AnyCaseChoice(meta["choices"]) if meta["choices"]
                        else click.Path(path_type=Path) if meta["folder"] else number_type(field))
                metavar = f"[{'|'.join(meta['choices'])}]" if meta["choices"] else None
                option = click.option(meta["flag"], field.name, type=kind, default=None, metavar=metavar,
                                      help=f"{meta['help']}  [default: {default}]")
            function = option(function)
        return function

    return decorate


def number_type(field):
    """The click type of a numeric setting (None for any other): above 0 if declared positive, else 0 or more."""
    kind = field.type if isinstance(field.type, str) else field.type.__name__
    if kind == "float":
        return click.FloatRange(0, min_open=field.metadata["positive"])
    if kind == "int":
        return click.IntRange(1 if field.metadata["positive"] else 0)
    return None


class AnyCaseChoice(click.Choice):
    """A choice matched without regard to case (`--paper letter`), named as declared in messages."""

    def __init__(self, choices):
        super().__init__(choices, case_sensitive=False)

    def get_invalid_choice_message(self, value, ctx) -> str:
        return f"{value!r} is not one of {', '.join(map(repr, self.choices))}."


class TargetChoice(click.Choice):
    """The build targets, read from the output registry when they are needed (an output registered
    after start-up is a target too)."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        from .outputs import targets

        return tuple(targets())

    @choices.setter
    def choices(self, value):
        pass


class BuildCommand(click.Command):
    """`build`, whose help lists each output of the registry."""

    def format_help_text(self, ctx, formatter):
        from .outputs import ALL, registry

        super().format_help_text(ctx, formatter)
        with formatter.section("Targets"):
            formatter.write_dl([(name, output.help) for name, output in registry().items()]
                               + [(ALL, "every output above  [default]")])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pressroom")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also print what each step read and how long it took.")
def cli(debug: bool, quiet: bool, verbose: bool) -> None:
    """Turn structured Markdown in content/ into a PDF brochure, a Word report and a web page."""
    # main() reads --debug from the arguments itself: it needs it for errors raised outside this context.
    from . import console

    if quiet and verbose:
        raise click.UsageError("-q and -v cannot be used together")
    console.set_verbosity(console.QUIET if quiet else console.VERBOSE if verbose else console.NORMAL)


@cli.command(cls=BuildCommand)
@click.argument("target", type=TargetChoice(), default="all")
@setting_options("build")
@click.option("--funder", "funders", multiple=True, metavar="SLUG",
              help="Build the report edition for this funder (repeatable); writes OUT/reports/SLUG.docx.")
@click.option("--force", is_flag=True, help="Render every output asked for, even those that are up to date.")
def build(target, funders, force, **options) -> None:
    """Build TARGET (see the list below).  [default: all]"""
    if not force and all_up_to_date(target, tuple(funders), options):
        return
    from . import console
    from .pipeline import BuildRequest, build as run_build

    try:
        request = BuildRequest.for_target(target, tuple(funders))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    settings = settings_for(options)
    with console.Progress() as progress:
        built = run_build(settings, request, console.BuildReport(progress), force=force)
    if built.up_to_date:
        console.info(built.up_to_date)


@cli.command(cls=BuildCommand)
@click.argument("target", type=TargetChoice(), default="all")
@setting_options("build")
@click.option("--funder", "funders", multiple=True, metavar="SLUG",
              help="Build the report edition for this funder (repeatable); writes OUT/reports/SLUG.docx.")
def watch(target, funders, **options) -> None:
    """Build TARGET, then rebuild what an edit touches, until Ctrl-C: one line per build, saying what
    changed and how long it took. Content errors are reported and the watching goes on."""
    from .pipeline import BuildRequest
    from .watching import watch_and_build

    try:
        request = BuildRequest.for_target(target, tuple(funders))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    watch_and_build(lambda: settings_for(options), list(request.outputs), request.funders)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on; the default is reachable from this machine only.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@setting_options("build", leave_out=PREVIEW_LEAVES_OUT)
def preview(port: int, host: str, open_browser: bool, **options) -> None:
    """Serve the brochure's pages as they will print, and the web edition, at http://HOST:PORT/; rebuild
    and reload the browser after each save, until Ctrl-C. Writes nothing to the output folder."""
    from .preview import serve

    serve(lambda: settings_for(options), host, port, open_browser)


def all_up_to_date(target: str, funders: tuple[str, ...], options: dict) -> bool:
    """Say so when every output TARGET makes is as its last build left it (before anything heavy is
    imported: this is the whole of a build with nothing to do)."""
    from . import console
    from .freshness import fresh_outputs, up_to_date_line
    from .outputs import requested

    try:
        outputs, funders = requested(target, funders)
    except ValueError:
        return False  # the build reports it as a usage error
    settings = settings_for(options)
    fresh = fresh_outputs(settings, outputs, funders)
    if len(fresh) < len(outputs):
        return False
    console.info(up_to_date_line(fresh, settings.out))
    return True


@cli.command()
@setting_options("check")
def check(**options) -> None:
    """Validate content and templates without writing anything."""
    from . import console
    from .pipeline import check as run_check

    document = run_check(settings_for(options))
    console.info(f"ok: {len(document.sections)} sections, {len(document.data)} data files")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--theme", "with_theme", is_flag=True,
              help="Also copy the built-in theme into FOLDER/templates/, for a designer to restyle.")
def new(folder: Path, with_theme: bool) -> None:
    """Create a working project in FOLDER (new or empty): sample content, pressroom.yaml, a Makefile and
    .gitignore. `make` in it builds every output."""
    from .starter import new_project

    written = new_project(folder, with_theme)
    click.echo(f"created {folder}/ ({len(written)} files); next: cd {folder} && make, or pressroom preview --open "
               "to see it change as you edit")


def settings_for(options: dict):
    """The settings: defaults, pressroom.yaml, then the options given; options that cannot go together
    are a usage error."""
    from .settings import ConflictingSettings, load_settings

    try:
        return load_settings(project_folder(options["content"]), **options)
    except ConflictingSettings as error:
        raise click.UsageError(str(error)) from None


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
    exit_code = [1]  # stays 1 if main raises (--debug shows the traceback)
    atexit.register(_end_process, exit_code)  # registered first, so it runs after every other exit handler
    exit_code[0] = main()
    sys.exit(exit_code[0])


def _end_process(exit_code: list[int]) -> None:
    """End the process once the exit handlers have run, without the interpreter's own teardown: freeing
    the millions of objects a build leaves one by one took 0.2 s of a 100-copy report's 1.2 s, and the
    system takes the memory back at once. Threads have been joined and files closed by now."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(exit_code[0])


if __name__ == "__main__":
    run()
