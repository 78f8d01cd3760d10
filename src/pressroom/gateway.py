"""The one way in to a project's files: content, data, images, templates, stylesheets, fonts.

Every file a build reads is opened here, nowhere else, so the sandbox and the size limits are enforced
once and every file read is recorded. The record becomes the depfile beside the outputs, which make
includes, and is what later rebuilds key on.

Templates are looked up in the project's templates/ first and then in the theme built into the package,
file by file (as MkDocs' `custom_dir` and Hugo's theme lookup do): a project may hold no templates at all,
or only the one stylesheet it restyles.
"""

from __future__ import annotations

import contextlib
import errno
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Problems, display_path, unreadable_text
from .freshness import DEPFILE_FOLDER, file_print, fingerprint, folder_print
from .sandbox import OutsideProject, ResourceRefused, Sandbox, walk_folder
from .schema import CONTROL_CHARACTER, control_character_problem

THEME = Path(__file__).resolve().parent / "theme"  # the default theme, shipped in the package
# Files outside the project a build may read: the CMYK press profile PDF/X names as its output intent
# (Artifex CMYK SWOP, from Debian's libgs-common).
CMYK_PRESS_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
SYSTEM_FILES = (CMYK_PRESS_PROFILE,)


class ProjectFiles:
    """Reads one project's files through its sandbox, and records each file and folder it reads."""

    def __init__(self, settings, theme: Path = THEME):
        self.settings = settings
        self.content = settings.content
        self.templates = settings.templates
        self.theme = theme
        self.sandbox = Sandbox([settings.content, settings.templates, theme], settings.allow_remote_resources,
                               named=2, files=SYSTEM_FILES)
        self.record: dict[Path, None] = {}  # files and folders read, in order, as absolute paths
        self.recorders: list[dict[Path, None]] = []
        self.prints: dict[Path, list] = {}  # what each was when read (freshness.py): size, time, hash

    def note(self, path: Path) -> None:
        """Record `path` as read; one without a print yet (a folder) is fingerprinted now, as it was read."""
        path = Path(os.path.abspath(path))
        for record in (self.record, *self.recorders):
            record.setdefault(path)
        if path not in self.prints:
            self.prints[path] = fingerprint(path)

    def note_read(self, path: Path, content_print: list) -> None:
        """Record `path` as read, as it was when read (freshness.py's print of it)."""
        self.prints[Path(os.path.abspath(path))] = content_print
        self.note(path)

    # content ------------------------------------------------------------------

    def read_text(self, path: Path, problems: Problems) -> str | None:
        """A Markdown or YAML file of content/ as text, or None after recording why it cannot be read."""
        problem = self.sandbox.file_problem(path)
        if problem is not None:
            problems.add(path, 1, problem)
            return None
        try:
            size = path.stat().st_size
            limit = self.settings.max_file_bytes
            if size > limit:
                problems.add(path, 1, f"file: is {size} bytes, over the limit of {limit} bytes; split it, "
                             "or raise max_file_bytes in pressroom.yaml")
                return None
            raw = self._read(path)
        except OSError as error:
            problems.add(path, 1, f"file: cannot read: {error.strerror}")
            return None
        if b"\x00" in raw:
            line = raw[: raw.index(b"\x00")].count(b"\n") + 1
            problems.add(path, line, "file: not a text file (it contains NUL bytes); save it as UTF-8 text")
            return None
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            problems.add(path, line, f"file: not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")
            return None
        found = CONTROL_CHARACTER.search(text)
        if found is not None:
            problems.add(path, text[: found.start()].count("\n") + 1,
                         f"file: {control_character_problem(found.group())}")
            return None
        return text

    def list_folder(self, folder: Path, problems: Problems) -> list[Path]:
        """The entries of a folder of content/, sorted; none if it does not exist (or cannot be listed,
        after recording why). A folder listed is recorded: a file added to it changes what a build reads."""
        try:
            stat = os.stat(folder)  # before listing: a file added meanwhile then shows as a change next time
            entries = sorted(folder.iterdir())
        except FileNotFoundError:
            if folder.is_symlink():
                problems.add(folder, None, f"folder: is a link to '{folder.resolve()}', which does not exist")
            return []
        except OSError as error:
            why = {errno.ELOOP: "is a link that loops back on itself; replace it with the folder",
                   errno.ENOTDIR: "is a file, not a folder"}.get(error.errno, f"cannot be read ({error.strerror})")
            problems.add(folder, None, f"folder: {why}")
            return []
        self.note_read(folder, folder_print(stat, [entry.name for entry in entries]))
        return entries

    def resolve(self, src: str, base_dir: Path) -> tuple[str, Path | None]:
        """Where a reference written in a file of `base_dir` points: ("local", file), ("remote", None) or
        ("data", None); raises ResourceRefused for anything the sandbox does not allow."""
        return self.sandbox.classify(src, base_dir)

    def read_bytes(self, path: Path) -> bytes:
        """A file inside the project (an image, a stylesheet, a font, the reference document).

        Raises ResourceRefused if the sandbox does not allow it, OSError if it cannot be read.
        """
        self.sandbox.check_local(path, display_path(path))
        return self._read(path)

    def _read(self, path: Path) -> bytes:
        stat = os.stat(path)  # before reading: an edit made meanwhile then shows as a change next time
        data = path.read_bytes()
        known = self.prints.get(Path(os.path.abspath(path)))
        same = known is not None and known[:2] == [stat.st_size, stat.st_mtime_ns] and known[1]
        self.note_read(path, known if same else file_print(stat, data))
        return data

    @contextlib.contextmanager
    def recording(self):
        """Collect, besides the whole record, the files and folders read inside the `with`."""
        reads: dict[Path, None] = {}
        self.recorders.append(reads)
        try:
            yield reads
        finally:
            self.recorders.remove(reads)

    # templates ----------------------------------------------------------------

    def is_in_templates(self, path: Path) -> bool:
        return Path(os.path.abspath(path)).is_relative_to(Path(os.path.abspath(self.templates)))

    def template(self, name: str) -> Path | None:
        """The file `name` (like "brochure/brochure.css") of the project's templates/, else of the theme."""
        for folder in (self.templates, self.theme):
            path = folder / name
            if path.is_file():
                return path
        return None

    def template_search_path(self, folder: str) -> list[Path]:
        """Where templates of `folder` (like "brochure") are looked for, first match wins."""
        return [self.templates / folder, self.theme / folder]

    def template_files(self, problems: Problems) -> dict[str, Path]:
        """Every template file by its name inside the theme (`report/report.yaml.j2`): the project's copy
        where it has one, else the theme's. A missing templates/ folder means the built-in theme alone;
        one asked for by name must exist."""
        files: dict[str, Path] = {}
        if self.theme.is_dir():
            for path in walk_folder(self.theme, problems.add):
                files[path.relative_to(self.theme).as_posix()] = path
        if self.templates.is_dir():
            self.note(self.templates)
            for path in walk_folder(self.templates, problems.add):
                self.note(path.parent)
                files[path.relative_to(self.templates).as_posix()] = path
        elif self.settings.templates_given:
            problems.add(self.templates, None,
                         "templates: folder not found; pass --templates or set templates in pressroom.yaml")
        return dict(sorted(files.items()))

    def read_template_text(self, path: Path) -> str:
        """A template file as text (raises ResourceRefused, OSError or UnicodeDecodeError)."""
        return self.read_bytes(path).decode("utf-8")

    def jinja_loader(self, folder: str):
        """A Jinja loader for the templates of `folder`, reading through this gateway."""
        import jinja2

        files = self

        class GatewayLoader(jinja2.BaseLoader):
            searchpath = [str(p) for p in self.template_search_path(folder)]

            def get_source(self, environment, template):
                path = files.template(f"{folder}/{template}" if folder else template)
                if path is None:
                    raise jinja2.TemplateNotFound(template)
                try:
                    text = files.read_template_text(path)
                except (ResourceRefused, OSError) as error:
                    raise jinja2.TemplateNotFound(template) from error
                return text, str(path), lambda: True

        return GatewayLoader()

    def fetch(self, url: str) -> tuple[bytes, str | None] | None:
        """What the PDF renderer asked for: (bytes, MIME type) of a project file, or None for a remote
        or data: URL the sandbox allows (the renderer fetches those itself). Raises ResourceRefused.

        A URL into the project's templates/ for a file it does not hold is served from the theme, so a
        template that names `brochure.css` finds the project's copy, or else the built-in one.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() == "file":
            path = Path(unquote(parts.path))
            if self.is_in_templates(path) and not path.exists():
                relative = Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(self.templates)))
                if (self.theme / relative).exists():
                    url = (self.theme / relative).absolute().as_uri()
        kind, path = self.sandbox.classify(url, self.templates)
        if kind != "local":
            return None
        return self._read(path), mimetypes.guess_type(path.name)[0]


def depfile(target: Path, inputs) -> bytes:
    """Make rules saying `target` depends on each of `inputs`, with an empty rule for each input (as
    `gcc -MP` writes them), so that a deleted input rebuilds the target instead of stopping make."""
    inputs = [_make_path(p) for p in inputs]
    lines = [f"{_make_path(target)}: \\", *(f"  {name} \\" for name in inputs), "", *(f"{name}:" for name in inputs)]
    return ("\n".join(lines) + "\n").encode()


def _make_path(path: Path) -> str:
    """A path as make reads it: relative to the working directory where possible, spaces escaped."""
    return display_path(path).replace("\\", "\\\\").replace(" ", "\\ ").replace("$", "$$").replace("#", "\\#")


__all__ = ["ProjectFiles", "THEME", "OutsideProject", "ResourceRefused", "unreadable_text"]
