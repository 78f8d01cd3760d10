"""Which resources the build may read: files inside the project's content/ and templates/, nothing else.

Remote URLs are refused unless the project allows them; even then links are never fetched, only
embedded resources are. Also finds the URLs that HTML, SVG and CSS would load, and checks that an
image file is one. Used by the content reader (images, SVG, raw HTML), the template check and the
PDF writer (URL fetcher).
"""

from __future__ import annotations

import binascii
import io
import os
import stat
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from xml.parsers import expat


REMOTE_SCHEMES = ("http", "https", "ftp")
MAX_DATA_URL_CHARS = 1_000_000

IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
LINK_LOOP = "is a link that loops back on itself; replace it with the file"
NOT_AN_IMAGE = "is not a PNG, JPEG, GIF, WebP or SVG image"


class ResourceRefused(Exception):
    """A resource the sandbox will not load; the message says why and what to do."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message  # the message without the resource's name


class OutsideProject(ResourceRefused):
    """A resource that resolves to somewhere outside the allowed folders."""


class Sandbox:
    """Resolves resource references against a set of allowed folders."""

    def __init__(self, roots: list[Path], allow_remote: bool = False, named: int | None = None, files=()):
        self.roots = [root.resolve() for root in roots]
        self.files = {path.resolve() for path in files}  # single files allowed outside the roots
        self.allow_remote = allow_remote
        self.named = self.roots[:named]  # the folders refusals name (not the built-in theme's)
        self.folders: dict[tuple, tuple[Path, bool]] = {}  # folder: (resolved, inside an allowed folder)

    def classify(self, src: str, base_dir: Path) -> tuple[str, Path | None]:
        """("local", path) | ("remote", None) | ("data", None); raises ResourceRefused otherwise."""
        parts = urlsplit(src)
        scheme = parts.scheme.lower()
        if len(scheme) == 1:  # a Windows drive letter, not a scheme
            scheme = ""
        if scheme in REMOTE_SCHEMES:
            if not self.allow_remote:
                raise ResourceRefused(f"'{shortened(src)}' is a remote resource; remote resources are off "
                                      "(set allow_remote_resources: true in pressroom.yaml to allow them)")
            return "remote", None
        if scheme == "data":
            if len(src) > MAX_DATA_URL_CHARS:
                raise ResourceRefused(f"data: URL of {len(src)} characters is larger than the limit of "
                                      f"{MAX_DATA_URL_CHARS}; put the file in content/assets/ instead")
            return "data", None
        if scheme == "file":
            return "local", self.check_local(Path(unquote(parts.path)), src)
        if scheme:
            raise ResourceRefused(f"'{shortened(src)}': the {scheme}: scheme is not supported")
        return "local", self.check_local(base_dir / unquote(parts.path), src)

    def check_local(self, path: Path, src: str) -> Path:
        """The resolved file, if it exists inside an allowed folder (after `..` and symlinks)."""
        resolved = self.plain_file(path)
        if resolved is not None:
            return resolved
        resolved = self.resolve(path, src)
        kind = _file_kind(resolved, src)
        if kind != "file":
            raise _refused(src, "is a folder, not a file" if kind == "folder" else "does not exist")
        return resolved

    def resolve(self, path: Path, src: str) -> Path:
        """`path` after `..` and symlinks, if inside an allowed folder; it need not exist."""
        try:
            resolved = path.resolve()
            looping = resolved.is_symlink()  # newer Pythons leave a looping link unresolved, not raising
        except RuntimeError:  # how older Pythons report a loop of links
            looping = True
        except OSError as error:
            raise _refused(src, f"cannot be read ({error.strerror})") from None
        except ValueError:  # a NUL character, which no file name can hold
            raise _refused(src, "is not a possible file name (it contains a NUL character)") from None
        if looping:
            raise _refused(src, LINK_LOOP)
        if resolved not in self.files and not any(resolved.is_relative_to(root) for root in self.roots):
            allowed = " or ".join(f"{root.name}/" for root in self.named)
            raise OutsideProject(f"'{shortened(src)}' is outside the project; resources must be inside {allowed}")
        return resolved

    def plain_file(self, path: Path) -> Path | None:
        """`path` resolved, if it is a file, not a link, in a folder that resolves inside an allowed folder;
        else None (`resolve` then finds out what it is). The resolved folder is kept: resolving every file
        (a look at each folder on the way) cost more than reading it, for the thousands a long report has."""
        name = path.name
        if name in ("", ".."):
            return None
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None
            key = (os.getcwd(), path.parent)  # a relative path's folder depends on the working folder
            folder = self.folders.get(key)
            if folder is None:
                resolved = path.parent.resolve()
                folder = self.folders[key] = (
                    resolved, any(resolved == root or resolved.is_relative_to(root) for root in self.roots))
        except (OSError, ValueError, RuntimeError):
            return None
        resolved = folder[0] / name
        return resolved if folder[1] or resolved in self.files else None

    def file_problem(self, path: Path, folder_allowed: bool = False) -> str | None:
        """Why a file found in a project folder may not be read, or None: a link out of the project or
        in a loop, a dangling link, a folder (unless `folder_allowed`)."""
        if self.plain_file(path) is not None:
            return None
        try:
            kind = _file_kind(self.resolve(path, path.name), path.name)
        except OutsideProject:
            return link_out_of_project(path)
        except ResourceRefused as refusal:
            return f"file: {refusal.reason}"
        if kind == "folder" and not folder_allowed:
            return "file: is a folder, not a file; rename or move it"
        if kind is None:
            return f"file: is a link to '{path.resolve()}', which does not exist; copy the file in instead"
        return None

    def refusals(self, references, base_dir: Path):
        """(line, construct, refusal) for each (line, construct, url) reference this sandbox would refuse."""
        for line, construct, url in references:
            try:
                self.classify(url.strip(), base_dir)
            except ResourceRefused as refusal:
                yield line, construct, refusal


def _refused(src: str, reason: str) -> ResourceRefused:
    return ResourceRefused(f"'{shortened(src)}' {reason}", reason)


def _file_kind(resolved: Path, src: str) -> str | None:
    """"file", "folder" or None (nothing there) for a resolved path."""
    try:
        return "folder" if resolved.is_dir() else "file" if resolved.is_file() else None
    except OSError as error:  # a folder on the way that may not be searched, say
        raise _refused(src, f"cannot be read ({error.strerror})") from None


def link_out_of_project(path: Path) -> str:
    """The problem with a project file that is a symbolic link to somewhere outside the project."""
    return f"file: is a link to '{path.resolve()}', outside the project; copy the file in instead"


def image_problem(path: Path, max_bytes: int, read=Path.read_bytes) -> str | None:
    """Why the file at `path` cannot be embedded as an image, or None if it is a sound image; `read`
    reads it (the gateway's read_bytes)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return f"is {size} bytes, over the limit of {max_bytes} (raise max_image_bytes in pressroom.yaml)"
        data = read(path)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    kind = image_kind(data)
    problem = image_data_problem(data, kind)
    suffix = path.suffix.lower()
    if kind in ("svg", "webp") and suffix != f".{kind}":
        if kind == "svg" and problem is not None:
            return NOT_AN_IMAGE  # some other text that starts like XML
        if problem is None:  # the report tells these apart by name, as it cannot embed them
            return (f"is {'an SVG' if kind == 'svg' else 'a WebP'} image, but its name ends in '{suffix}'; "
                    f"rename it to {path.stem}.{kind}")
    return problem


def data_url_image_problem(url: str, max_bytes: int) -> str | None:
    """Why the image in a data: URL cannot be embedded, or None if it is a sound image."""
    header, comma, payload = url.split(":", 1)[1].partition(",")
    if not comma:
        return "is not a valid data: URL (there is no ',' before the data)"
    data = unquote_to_bytes(payload)
    if header.lower().endswith(";base64"):
        try:
            data = binascii.a2b_base64(data)
        except binascii.Error:
            return "is damaged: its base64 data cannot be decoded"
    if len(data) > max_bytes:
        return f"holds {len(data)} bytes, over the limit of {max_bytes} (raise max_image_bytes in pressroom.yaml)"
    return image_data_problem(data, image_kind(data))


def image_data_problem(data: bytes, kind: str | None) -> str | None:
    """Why the bytes of an image of `kind` (from image_kind) cannot be embedded, or None if sound."""
    if kind is None:
        return NOT_AN_IMAGE
    if kind == "svg":
        return svg_problem(data)
    from PIL import Image  # WeasyPrint's own image library; imported only when there are images

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"has too many pixels (the limit is {Image.MAX_IMAGE_PIXELS} pixels); scale it down"
    except Exception:  # Pillow raises many kinds of error for a broken file
        return f"is damaged: it starts like a {kind.upper()} image but cannot be read as one"
    return None


def image_kind(data: bytes) -> str | None:
    """"png", "jpeg", "gif", "webp" or "svg" from an image's first bytes; None if not an image.

    Any text starting like XML counts as "svg" here: svg_problem says whether it is one.
    """
    for signature, kind in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return "svg"
    return None


class _Declaration(Exception):
    """A DOCTYPE or entity declaration met while checking an SVG image."""


def svg_problem(data: bytes) -> str | None:
    """Why `data` is not a sound SVG image (well-formed XML with an <svg> root), or None.

    A DOCTYPE is refused as soon as the parser meets it, so no entity is ever declared, expanded
    or loaded, here or by the renderer.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[str] = []

    def declaration(*_):
        raise _Declaration(parser.CurrentLineNumber)

    def start(name, _attributes):
        root.append(name)
        parser.StartElementHandler = None  # only the outermost element matters

    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Declaration as found:
        return (f"declares a DOCTYPE (line {found.args[0]} of the file), which can make the renderer load "
                "other files; remove the declaration")
    except expat.ExpatError as error:
        return (f"is damaged: it is not well-formed XML ({expat.ErrorString(error.code)} at line "
                f"{error.lineno}, column {error.offset + 1} of the file)")
    namespace, _, name = root[0].rpartition(" ")
    if name != "svg":
        return f"is not an SVG image: its outermost element is <{name}>, not <svg>"
    if namespace not in ("", SVG_NAMESPACE):
        return f"is not an SVG image: its <svg> element is in the namespace '{namespace}', not '{SVG_NAMESPACE}'"
    return None


def shortened(src: str) -> str:
    """A URL or path cut to a length that fits in a one-line message."""
    return src if len(src) <= 60 else src[:57] + "..."


# Attributes that make WeasyPrint load something (a hyperlink's href is not among them).
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
RESOURCE_LINK_TAGS = {"link", "image", "use", "feimage"}  # tags whose href is loaded, not followed


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (line, construct, url)
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        for name, value in attrs:
            if value is None:
                continue
            base = name.split(":")[-1]
            loaded = base in RESOURCE_ATTRIBUTES or (
                base == "href" and (tag in RESOURCE_LINK_TAGS or "attachment" in rel))
            if loaded:
                urls = [part.split()[0] for part in value.split(",") if part.strip()] if base == "srcset" else [value]
                self.found.extend((line, f"<{tag} {name}>", url) for url in urls)
            elif name == "style":
                self.found.extend((line + n - 1, "style url()", url) for n, url in css_urls(value, inline=True))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            line = self.getpos()[0]
            self.found.extend((line + n - 1, "<style> url()", url) for n, url in css_urls(data))


def html_resource_urls(html: str) -> list[tuple[int, str, str]]:
    """Every URL that rendering `html` would load: (1-based line, construct, url)."""
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def css_urls(css: str, inline: bool = False) -> list[tuple[int, str]]:
    """Every url() and @import in a stylesheet (or, `inline`, a style attribute): (1-based line, url)."""
    import tinycss2

    found: list[tuple[int, str]] = []

    def walk(nodes):
        for node in nodes or ():
            kind = getattr(node, "type", "")
            if kind == "url":
                found.append((node.source_line, node.value))
            elif kind == "function" and node.lower_name in ("url", "src"):
                strings = [t for t in node.arguments if t.type == "string"]
                found.extend((node.source_line, t.value) for t in strings[:1])
                walk(node.arguments)
            elif kind == "at-rule" and node.lower_at_keyword == "import":
                strings = [t for t in node.prelude if t.type == "string"]
                found.extend((node.source_line, t.value) for t in strings[:1])
                walk(node.prelude)
                walk(node.content)
            else:
                for attribute in ("prelude", "content", "arguments", "value"):
                    child = getattr(node, attribute, None)
                    if isinstance(child, list):
                        walk(child)

    if inline:
        walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    else:
        walk(tinycss2.parse_stylesheet(css, skip_comments=True))
    return found


def walk_folder(folder: Path, report) -> list[Path]:
    """Every file, link and link to a folder under `folder`, sorted; links to folders are not walked into.

    `report(path, line, message)` records each folder that cannot be listed; the walk goes on without it.
    """
    def unreadable(error: OSError) -> None:
        report(Path(error.filename), None, f"folder: cannot be read ({error.strerror})")

    found = []
    for top, folders, files in os.walk(folder, onerror=unreadable):
        found.extend(Path(top, name) for name in files)
        found.extend(Path(top, name) for name in folders if os.path.islink(os.path.join(top, name)))
    return sorted(found)
