"""`pressroom preview`: the brochure's pages as they will print and the web edition, served on this
machine, rebuilt after each save and reloaded in the browser.

The brochure is rendered to PDF as a build renders it (the same print CSS, WeasyPrint) and each page is
drawn to a PNG by poppler's `pdftoppm`, so what the browser shows is the PDF itself, page by page, in
spreads. The web edition is rendered in memory and served as it would be written to build/web/. Nothing is
written to the output folder. After each rebuild the page is told over server-sent events (`/events`) to
reload; a content error is shown in the page and in the terminal, over the last good pages, and the next
good save replaces it. The server is the standard library's, on the loopback address unless --host says
otherwise.
"""

from __future__ import annotations

import dataclasses
import html
import io
import math
import mimetypes
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from . import console
from .errors import PressroomError
from .settings import Settings
from .watching import ProjectWatch, describe

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PAGE_DPI = 96  # one image pixel per CSS pixel: an A4 page is 794 pixels wide
OUTPUTS = ("brochure", "web")
KEEPALIVE_SECONDS = 10  # an event stream says something this often, so a closed browser tab is noticed
PDF_NAME = "brochure.pdf"
LEAFLET_NAME = "leaflet.pdf"  # --layout trifold: the brochure output makes the leaflet instead
WEB_PREFIX = "web/"


class ServeError(PressroomError):
    """The preview cannot be served (the port is taken, the address is not this machine's)."""

    def show(self, file=None) -> None:
        console.error("", self.format_message())


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows: the last good build's pages and web edition, and the last build's problems."""

    version: int = 0  # one more after each build, good or not
    building: bool = True
    title: str = "Pressroom preview"
    pages: tuple[bytes, ...] = ()  # PNG, one per page of the PDF
    pdf: bytes | None = None
    pdf_name: str = PDF_NAME  # brochure.pdf, shown in spreads, or leaflet.pdf, each side of the sheet alone
    web: dict[str, bytes] = field(default_factory=dict)  # path inside build/web/ -> bytes
    problems: tuple[tuple[str, str], ...] = ()  # (where, message) of the last build, empty when it was good
    summary: str = ""  # "2 errors in content/"
    status: str = "Building the first preview…"
    note: str = ""  # why there are no page images, when there are none


class Preview:
    """The snapshot being served, swapped whole after each build; event streams wait on `changed`."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.changed = threading.Condition()
        self.closing = False

    def publish(self, **changes) -> Snapshot:
        with self.changed:
            self.snapshot = dataclasses.replace(self.snapshot, **changes)
            self.changed.notify_all()
            return self.snapshot

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def wait(self, version: int, building: bool, timeout: float) -> Snapshot:
        """The snapshot once it is newer than `version` or its building flag is not `building`, or after
        `timeout` seconds, or when the server is closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.closing or self.snapshot.version != version
                                  or self.snapshot.building != building, timeout)
            return self.snapshot


# building -----------------------------------------------------------------------

def rebuild(preview: Preview, load_settings: Callable[[], Settings], watch: ProjectWatch, changed: list[Path],
            memory=None, drawn: dict | None = None) -> None:
    """Render the brochure and the web edition in memory and publish them, or publish the problems. With
    a relayout memory (brochure/relayout.py), only the pages of a part laid out alone are drawn again;
    `drawn` remembers which of its renders the pages shown are."""
    from .pipeline import BuildRequest, render

    started = time.monotonic()
    preview.publish(building=True)
    report = console.BuildReport(files_shown=False)
    version = preview.snapshot.version + 1
    drawn = {} if drawn is None else drawn
    try:
        settings = load_settings()
        pdf_name = LEAFLET_NAME if settings.layout == "trifold" else PDF_NAME
        files = render(settings, BuildRequest(OUTPUTS), report)
        redraw = None
        if memory is not None and memory.changed_pages is not None and drawn.get("render") == memory.renders - 1:
            redraw = memory.changed_pages
        pages, note = page_images(files[pdf_name], preview.snapshot.pages if redraw else (), redraw)
        if memory is not None:
            drawn["render"] = memory.renders
    except PressroomError as error:
        error.show()
        problems = tuple((p.where(), p.message) for p in error.problems) or (("", error.format_message()),)
        kept = "the preview shows the last good build" if preview.snapshot.pdf else "no preview yet"
        preview.publish(version=version, building=False, problems=problems, summary=error.summary,
                        status=f"{error.summary}; {kept}")
        console.info(f"{describe(changed)}: {error.summary}; {kept}")
    else:
        seconds = time.monotonic() - started
        web = {name.removeprefix(WEB_PREFIX): data for name, data in files.items() if name.startswith(WEB_PREFIX)}
        preview.publish(version=version, building=False, title=_title(web.get("index.html", b"")), pages=pages,
                        pdf=files[pdf_name], pdf_name=pdf_name, web=web, problems=(), summary="", note=note,
                        status=f"Built at {time.strftime('%H:%M:%S')} in {seconds:.2f} s ({len(pages)} pages)")
        relaid = f"; {memory.last}" if memory is not None and memory.last.startswith("relaid out") else ""
        console.info(f"{describe(changed)}: rebuilt the preview in {seconds:.2f} s{relaid}")
    finally:
        watch.remember(report.record)


def _title(page: bytes) -> str:
    """The web edition's <title>: the document's title (and organisation)."""
    found = re.search(rb"<title>(.*?)</title>", page, re.DOTALL)
    return html.unescape(found.group(1).decode("utf-8")).strip() if found else "Pressroom preview"


def page_images(pdf: bytes, previous: tuple[bytes, ...] = (), redraw: range | None = None
                ) -> tuple[tuple[bytes, ...], str]:
    """Each page of the PDF as a PNG (pdftoppm, the pages shared between the cores), and a note saying
    why there are none when pdftoppm is not installed. Given the `previous` images of a PDF with as many
    pages, of which only those in `redraw` (from 0) changed, only those are drawn again."""
    program = shutil.which("pdftoppm")
    if program is None:
        return (), ("Page images need pdftoppm, which is not installed (sudo apt-get install poppler-utils); "
                    "the PDF is linked above.")
    from pypdf import PdfReader

    count = len(PdfReader(io.BytesIO(pdf)).pages)
    if redraw is not None and len(previous) == count and redraw and redraw[-1] < count:
        drawn = _draw(program, pdf, redraw[0] + 1, redraw[-1] + 1, 1)
        return tuple(drawn[number - redraw[0]] if number in redraw else image
                     for number, image in enumerate(previous)), ""
    return _draw(program, pdf, 1, count, max(1, min(os.cpu_count() or 1, 4, math.ceil(count / 4)))), ""


def _draw(program: str, pdf: bytes, start: int, end: int, groups: int) -> tuple[bytes, ...]:
    """Pages `start` to `end` (from 1) as PNGs, drawn by `groups` pdftoppm processes side by side."""
    count = end - start + 1
    size = math.ceil(count / groups)
    with tempfile.TemporaryDirectory(prefix="pressroom-preview-") as folder:
        source = Path(folder) / PDF_NAME
        source.write_bytes(pdf)
        workers = []
        try:
            for first in range(start, end + 1, size):
                last = min(end, first + size - 1)
                workers.append(subprocess.Popen(
                    [program, "-png", "-r", str(PAGE_DPI), "-f", str(first), "-l", str(last), str(source),
                     str(Path(folder) / "page")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for worker in workers:
                _, errors = worker.communicate(timeout=300)
                if worker.returncode != 0:
                    raise PressroomError(f"pdftoppm could not draw the brochure's pages: "
                                         f"{errors.decode(errors='replace').strip()}")
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        drawn = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return tuple(path.read_bytes() for path in drawn)


# serving ------------------------------------------------------------------------

def serve(load_settings: Callable[[], Settings], host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          open_browser: bool = False) -> None:
    """Serve the preview until Ctrl-C, rebuilding it after each edit that matters."""
    from .brochure.relayout import relayout_memory

    settings = load_settings()
    watch = ProjectWatch(settings)
    preview = Preview()
    server = make_server(host, port, preview)
    url = f"http://{_url_host(host)}:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="preview-server",
                     daemon=True).start()
    try:
        console.info(f"previewing at {url} (print view; web edition at {url}web/); Ctrl-C to stop")
        if open_browser:
            threading.Thread(target=open_in_browser, args=(url,), daemon=True).start()
        with relayout_memory() as memory:
            drawn: dict = {}
            for changed in watch.changes():
                if not changed:
                    console.detail(f"watching {watch.shown()}")
                rebuild(preview, load_settings, watch, changed, memory, drawn)
    except KeyboardInterrupt:
        console.info("stopped")
    finally:
        preview.close()
        server.shutdown()
        server.server_close()


def open_in_browser(url: str) -> None:
    """Open `url` in the user's browser, or say there is none to open it in (a machine without a display)."""
    import webbrowser

    if not webbrowser.open(url):
        console.info(f"no web browser to open here; open {url} in one")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def make_server(host: str, port: int, preview: Preview) -> ThreadingHTTPServer:
    """A threaded HTTP server on host:port (port 0: any free one) answering with `preview`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("PreviewServer", (ThreadingHTTPServer,), {"address_family": family,
                                                                   "daemon_threads": True})
    try:
        server = server_class((host, port), PreviewHandler)
    except OSError as error:
        hint = "; pass --port with another number" if error.errno == 98 else ""
        raise ServeError(f"cannot serve the preview on {host}:{port}: "
                         f"{(error.strerror or str(error)).lower()}{hint}") from None
    server.preview = preview
    return server


PAGE_PATH = re.compile(r"/pages/([0-9]{1,6})\.png")  # ASCII digits, few enough for int(); others are not found
VERSION = re.compile(r"[0-9]{1,18}")


def version_asked(query: dict[str, list[str]]) -> int:
    """The `version` of an /events request (the page's, 0 when not given); ValueError, with the message
    the browser is sent, for anything but a whole number."""
    values = query.get("version") or ["0"]
    if len(values) != 1 or not VERSION.fullmatch(values[0]):
        raise ValueError(f"version must be one whole number, not {', '.join(map(repr, values))[:80]}")
    return int(values[0])


class PreviewHandler(BaseHTTPRequestHandler):
    """The preview's few addresses: the print view, the web view, their files, the event stream."""

    server_version = "pressroom-preview"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        snapshot = self.server.preview.snapshot
        if path == "/":
            self.send(200, "text/html; charset=utf-8", print_view(snapshot).encode())
        elif path == "/web":
            self.send_response(301)
            self.send_header("Location", "/web/")
            self.end_headers()
        elif path == "/web/":
            self.send(200, "text/html; charset=utf-8", web_view(snapshot).encode())
        elif path.startswith("/web/") and path.removeprefix("/web/") in snapshot.web:
            name = path.removeprefix("/web/")
            self.send(200, mimetypes.guess_type(name)[0] or "application/octet-stream", snapshot.web[name])
        elif path == f"/{snapshot.pdf_name}" and snapshot.pdf is not None:
            self.send(200, "application/pdf", snapshot.pdf)
        elif (page := PAGE_PATH.fullmatch(path)) and 1 <= int(page.group(1)) <= len(snapshot.pages):
            self.send(200, "image/png", snapshot.pages[int(page.group(1)) - 1])
        elif path == "/events":
            try:
                version = version_asked(query)
            except ValueError as error:
                self.send(400, "text/plain; charset=utf-8", f"bad request: {error}\n".encode())
            else:
                self.stream_events(version)
        else:
            self.send(404, "text/plain; charset=utf-8", b"not found\n")

    def send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self, version: int) -> None:
        """Server-sent events: `building` when a rebuild starts, `reload` once the page shown (of
        `version`) is out of date; a comment now and then keeps the connection known to be open."""
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        building = False
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not preview.closing:
                snapshot = preview.wait(version, building, KEEPALIVE_SECONDS)
                if snapshot.version != version and not snapshot.building:
                    self.wfile.write(f"event: reload\ndata: {snapshot.version}\n\n".encode())
                    version = snapshot.version
                elif snapshot.building != building:
                    building = snapshot.building
                    self.wfile.write(f"event: {'building' if building else 'idle'}\ndata: {version}\n\n".encode())
                else:
                    self.wfile.write(b": waiting\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def log_message(self, format: str, *args) -> None:
        console.detail(f"preview: {self.address_string()} {format % args}")


# pages ------------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light; font-family: system-ui, sans-serif; }
body { margin: 0; background: #6b6f76; color: #1d1d1f; }
header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem;
  align-items: baseline; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid #ccc; }
header h1 { margin: 0; font-size: 1.1rem; }
header nav a { margin-right: .8rem; }
header nav a[aria-current] { font-weight: bold; color: inherit; text-decoration: none; }
.status { color: #555; font-size: .9rem; }
body.building .status::after { content: " · rebuilding…"; }
.problems { margin: 1rem; padding: .8rem 1rem; background: #fff4f4; border: 2px solid #c62828; border-radius: 4px; }
.problems h2 { margin: 0 0 .4rem; font-size: 1rem; color: #c62828; }
.problems ul { margin: 0; padding-left: 1.2rem; } .problems code { font-weight: bold; }
.note { margin: 1rem; padding: .8rem 1rem; background: #fff; border-radius: 4px; }
main.pages { display: flex; flex-direction: column; align-items: center; gap: 1.5rem; padding: 1.5rem 0; }
.spread { display: flex; justify-content: center; }
.spread img, .spread .blank { width: min(45vw, 794px); height: auto; aspect-ratio: auto; background: #fff;
  box-shadow: 0 2px 8px rgba(0,0,0,.35); }
.spread .blank { visibility: hidden; }
.spread img:only-child { width: min(90vw, 1123px); }
.stale main.pages { opacity: .45; }
iframe { display: block; width: 100%; height: calc(100vh - 3rem); border: 0; background: #fff; }
"""

SCRIPT = """
const shown = %d;
const key = "pressroom-preview-scroll:" + location.pathname;
const frame = document.querySelector("iframe");
function restore() {
  const saved = JSON.parse(sessionStorage.getItem(key) || "null");
  if (!saved) return;
  scrollTo(0, saved.page);
  if (frame && frame.contentWindow) frame.contentWindow.scrollTo(0, saved.frame);
}
if (frame) frame.addEventListener("load", restore); else restore();
const events = new EventSource("/events?version=" + shown);
events.addEventListener("building", () => document.body.classList.add("building"));
events.addEventListener("idle", () => document.body.classList.remove("building"));
events.addEventListener("reload", () => {
  const inner = frame && frame.contentWindow ? frame.contentWindow.scrollY : 0;
  sessionStorage.setItem(key, JSON.stringify({page: scrollY, frame: inner}));
  events.close();
  location.reload();
});
"""


def _shell(snapshot: Snapshot, view: str, body: str) -> str:
    """The page around either view: the title, the views, the state of the last build, its problems."""
    e = html.escape
    links = [("/", "Print", "print"), ("/web/", "Web", "web")]
    nav = "".join(f'<a href="{href}"{" aria-current=page" if name == view else ""}>{label}</a>'
                  for href, label, name in links)
    if snapshot.pdf is not None:
        nav += f'<a href="/{snapshot.pdf_name}">PDF</a>'
    problems = ""
    if snapshot.problems:
        items = "".join(f"<li>{f'<code>{e(where)}</code>: ' if where else ''}{e(message)}</li>"
                        for where, message in snapshot.problems)
        problems = (f'<section class="problems" role="alert"><h2>{e(snapshot.summary)}</h2>'
                    f"<ul>{items}</ul></section>")
    classes = " ".join(c for c in ("building" if snapshot.building else "",
                                    "stale" if snapshot.problems else "") if c)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(snapshot.title)} · preview</title><style>{STYLE}</style></head>"
            f'<body class="{classes}"><header><h1>{e(snapshot.title)}</h1><nav>{nav}</nav>'
            f'<span class="status" role="status">{e(snapshot.status)}</span></header>{problems}{body}'
            f"<script>{SCRIPT % snapshot.version}</script></body></html>")


def print_view(snapshot: Snapshot) -> str:
    """The brochure's pages in spreads as a printed booklet opens: the cover alone, then pairs; a
    leaflet's two sides one below the other."""
    if not snapshot.pages:
        note = snapshot.note or ("" if snapshot.problems else "The pages appear here once the brochure is built.")
        return _shell(snapshot, "print", f'<p class="note">{html.escape(note)}</p>' if note else "")
    count = len(snapshot.pages)
    # The first pages load at once (a screenshot or a quick look waits for them), the rest as they scroll in.
    image = lambda n: (f'<img src="/pages/{n}.png?v={snapshot.version}" alt="Page {n} of {count}" '
                       f'width="794"{" loading=lazy" if n > 3 else ""}>')
    blank = '<div class="blank"></div>'
    if snapshot.pdf_name == LEAFLET_NAME:
        spreads = [[image(n)] for n in range(1, count + 1)]
    else:
        spreads = [[blank, image(1)]] + [[image(n)] + ([image(n + 1)] if n + 1 <= count else [blank])
                                         for n in range(2, count + 1, 2)]
    body = "".join(f'<div class="spread">{"".join(pages)}</div>' for pages in spreads)
    return _shell(snapshot, "print", f'<main class="pages" aria-label="Brochure pages">{body}</main>')


def web_view(snapshot: Snapshot) -> str:
    """The web edition as it will be written, in a frame below the preview's header."""
    if "index.html" not in snapshot.web:
        return _shell(snapshot, "web", "" if snapshot.problems else
                      '<p class="note">The web edition appears here once it is built.</p>')
    return _shell(snapshot, "web", f'<iframe src="/web/index.html?v={snapshot.version}" '
                                   f'title="The web edition"></iframe>')
