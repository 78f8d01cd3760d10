"""Which resources the build may read: files inside the project's content/ and templates/, nothing else.

Remote URLs are refused unless the project allows them; even then links are never fetched, only
embedded resources are. Used by the content reader (images) and the PDF writer (URL fetcher).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

REMOTE_SCHEMES = ("http", "https", "ftp")
MAX_DATA_URL_CHARS = 1_000_000

IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


class ResourceRefused(Exception):
    """A resource the sandbox will not load; the message says why and what to do."""


class Sandbox:
    """Resolves resource references against a set of allowed folders."""

    def __init__(self, roots: list[Path], allow_remote: bool = False):
        self.roots = [root.resolve() for root in roots]
        self.allow_remote = allow_remote

    def classify(self, src: str, base_dir: Path) -> tuple[str, Path | None]:
        """("local", path) | ("remote", None) | ("data", None); raises ResourceRefused otherwise."""
        parts = urlsplit(src)
        scheme = parts.scheme.lower()
        if len(scheme) == 1:  # a Windows drive letter, not a scheme
            scheme = ""
        if scheme in REMOTE_SCHEMES:
            if not self.allow_remote:
                raise ResourceRefused(f"'{_short(src)}' is a remote resource; remote resources are off "
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
            raise ResourceRefused(f"'{_short(src)}': the {scheme}: scheme is not supported")
        return "local", self.check_local(base_dir / unquote(parts.path), src)

    def check_local(self, path: Path, src: str) -> Path:
        """The resolved file, if it exists inside an allowed folder (after `..` and symlinks)."""
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root) for root in self.roots):
            allowed = " or ".join(f"{root.name}/" for root in self.roots)
            raise ResourceRefused(f"'{_short(src)}' is outside the project; resources must be inside {allowed}")
        if not resolved.is_file():
            raise ResourceRefused(f"'{_short(src)}' does not exist")
        return resolved


def image_kind(path: Path) -> str | None:
    """"png", "jpeg", "gif", "webp" or "svg" from the file's first bytes; None if not an image."""
    with path.open("rb") as handle:
        head = handle.read(512)
    for signature, kind in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"<svg" in head.lower() and path.suffix.lower() == ".svg":
        return "svg"
    return None


def _short(src: str) -> str:
    return src if len(src) <= 60 else src[:57] + "..."
