"""`pressroom preview`: served on the loopback address, rebuilt after each save, the browser told to reload,
errors shown in the page and the terminal, stopped by Ctrl-C."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from background import Background
from pressroom.preview import Snapshot, print_view

URL = re.compile(r"^previewing at (http://127\.0\.0\.1:(\d+)/) ")
PNG = b"\x89PNG\r\n\x1a\n"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def eventually(check, timeout: float = 5.0, what: str = ""):
    """The first true result of `check()`, asked every 0.1 s for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def version_of(page: bytes) -> int:
    return int(re.search(rb"const shown = (\d+)", page).group(1))


def pages_of(page: bytes, url: str) -> list[bytes]:
    return [fetch(f"{url}pages/{n.decode()}.png") for n in re.findall(rb'<img src="/pages/(\d+)\.png', page)]


@pytest.fixture
def preview(project):
    """The preview of `project`, running on a free port; yields (process, base URL)."""
    with Background(["preview", "--port", "0"], project.root) as running:
        url = URL.match(running.expect("previewing at", timeout=30)).group(1)
        running.expect("first build: rebuilt the preview", timeout=60)
        yield running, url


def test_the_print_view_shows_the_pages_and_the_web_view_the_edition(preview):
    running, url = preview
    page = fetch(url).decode()
    assert "<title>Test Brochure · Test Org · preview</title>" in page and "<h1>Test Brochure · Test Org</h1>" in page
    count = len(re.findall(r'<img src="/pages/\d+\.png', page))
    assert count >= 3
    for n in range(1, count + 1):
        assert fetch(f"{url}pages/{n}.png").startswith(PNG)
    assert fetch(f"{url}brochure.pdf").startswith(b"%PDF")
    assert '<iframe src="/web/index.html' in fetch(f"{url}web/").decode()
    edition = fetch(f"{url}web/index.html").decode()
    assert "First body paragraph." in edition and 'href="web.css"' in edition
    assert fetch(f"{url}web/web.css").startswith(b"/*") or b"{" in fetch(f"{url}web/web.css")
    with pytest.raises(urllib.error.HTTPError, match="404"):
        fetch(f"{url}pages/999.png")


def test_a_save_is_shown_over_http_and_the_browser_is_told_to_reload(preview, project):
    running, url = preview
    first = fetch(url)
    old_pages = pages_of(first, url)
    with urllib.request.urlopen(f"{url}events?version={version_of(first)}", timeout=10) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.readline() == b"retry: 500\n"
        saved = time.monotonic()
        project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nEdited while previewing.\n")
        while not (line := events.readline()).startswith(b"event: reload"):
            assert line in (b"\n", b"event: building\n", b"event: idle\n") or line.startswith((b"data:", b":"))
        reload_after = time.monotonic() - saved
    assert reload_after < 5, reload_after
    print(f"the browser was told to reload {reload_after:.2f} s after the save")
    assert "Edited while previewing." in fetch(f"{url}web/index.html").decode()
    assert version_of(fetch(url)) > version_of(first)
    assert running.expect("changed").endswith("; relaid out #first (1 page)")
    new_pages = pages_of(fetch(url), url)
    assert len(new_pages) == len(old_pages)
    assert [n for n, (old, new) in enumerate(zip(old_pages, new_pages)) if old != new] == [3]  # only its page


def test_an_error_is_shown_in_the_page_and_the_terminal_and_the_next_good_save_recovers(preview, project):
    running, url = preview
    project.write("content/sections/01-first.md", "---\ntitel: First Section\n---\nBody.\n")
    def problems_shown():
        page = fetch(url).decode()
        return page if 'class="problems"' in page else None

    page = eventually(problems_shown, what="the error in the page")
    assert "<h2>2 errors in content/</h2>" in page
    assert "<li><code>content/sections/01-first.md:2</code>: title: required field is missing</li>" in page
    assert "the preview shows the last good build" in page and '<img src="/pages/1.png' in page
    assert running.expect("Error:") == "Error: content/sections/01-first.md:2: title: required field is missing"
    assert running.expect("changed:") == ("content/sections/01-first.md changed: 2 errors in content/; the preview "
                                          "shows the last good build")

    project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nMended.\n")
    eventually(lambda: b"Mended." in fetch(f"{url}web/index.html"), what="the mended edition")
    assert 'class="problems"' not in fetch(url).decode()
    assert running.expect("changed:").startswith("content/sections/01-first.md changed: rebuilt the preview in ")


def test_a_bad_version_is_a_400_and_a_bad_page_number_a_404_and_neither_a_traceback(preview):
    running, url = preview
    for version in ("abc", "1.5", "-1", "1&version=2", "9" * 5000):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(f"{url}events?version={version}")
        assert refused.value.code == 400
        assert refused.value.read().startswith(b"bad request: version must be one whole number, not ")
    for number in ("0", "9" * 5000, urllib.parse.quote("١")):
        with pytest.raises(urllib.error.HTTPError, match="404"):
            fetch(f"{url}pages/{number}.png")
    assert fetch(url).startswith(b"<!DOCTYPE html>")  # still serving
    assert running.interrupt(timeout=5)[0] == 0
    assert running.rest() == ["stopped"]  # nothing else in the terminal: no traceback


def test_ctrl_c_stops_it_within_a_second_or_two(preview):
    running, url = preview
    with urllib.request.urlopen(f"{url}events?version=0", timeout=10):  # an open event stream does not hold it
        code, seconds = running.interrupt(timeout=5)
    assert code == 0 and seconds < 2, seconds
    assert running.rest() == ["stopped"]
    with pytest.raises(urllib.error.URLError):
        fetch(url)


def test_max_render_seconds_bounds_each_preview_render(project):
    with Background(["preview", "--port", "0", "--max-render-seconds", "0.001"], project.root) as running:
        line = running.expect("Error:", timeout=60)
        assert line.startswith("Error: brochure.pdf: rendering took longer than 0.001 s (max_render_seconds)"), line
        assert running.expect("first build:") == "first build: 1 error in the build; no preview yet"


def test_a_trifold_layout_previews_the_leaflet_one_side_below_the_other(project):
    with Background(["preview", "--port", "0", "--layout", "trifold"], project.root) as running:
        url = URL.match(running.expect("previewing at", timeout=30)).group(1)
        running.expect("first build: rebuilt the preview", timeout=60)
        page = fetch(url).decode()
        assert '<a href="/leaflet.pdf">PDF</a>' in page and fetch(f"{url}leaflet.pdf").startswith(b"%PDF")
        spreads = re.findall(r'<div class="spread">(.*?)</div>(?=<div class="spread">|</main>)', page)
        assert [re.findall(r"pages/(\d)\.png", spread) for spread in spreads] == [["1"], ["2"]]
        assert "blank" not in page.split("<main", 1)[1]


def test_a_port_in_use_is_one_line_and_exit_1(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "pressroom.cli", "preview", "--port", str(port)],
                                cwd=project.root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == (f"Error: cannot serve the preview on 127.0.0.1:{port}: address already in use; pass "
                             "--port with another number\n")


def test_pages_are_laid_out_in_spreads_as_a_booklet_opens():
    page = print_view(Snapshot(version=3, building=False, pages=(PNG,) * 4, pdf=b"%PDF"))
    spreads = [re.findall(r'pages/(\d)\.png|class="(blank)"', spread)
               for spread in re.findall(r'<div class="spread">(.*?)</div>(?=<div class="spread">|</main>)', page)]
    assert [[a or b for a, b in spread] for spread in spreads] == [["blank", "1"], ["2", "3"], ["4", "blank"]]
    assert "const shown = 3;" in page


def test_without_pdftoppm_the_print_view_says_what_to_install():
    page = print_view(Snapshot(building=False, pdf=b"%PDF", note="Page images need pdftoppm, which is not installed"))
    assert "Page images need pdftoppm" in page and 'href="/brochure.pdf"' in page


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_real_browser_shows_the_cover_in_the_preview(preview, tmp_path):
    from PIL import Image

    running, url = preview
    shot = tmp_path / "preview.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        f"--screenshot={shot}", "--window-size=1200,900", url],
                       capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 900)
    colours = image.getcolors(maxcolors=1_000_000)
    assert len(colours) > 100  # text, the page, the cover: not a blank or one-colour page
    counts = {colour: count for count, colour in colours}
    assert counts.get((0x6b, 0x6f, 0x76), 0) > 1200 * 900 // 10  # the desk the pages lie on
    header = image.crop((0, 0, 1200, 44))
    assert len(header.getcolors(maxcolors=100_000)) > 10  # the title is drawn in the header
    cover = image.getpixel((860, 600))  # the cover page, alone on the right of the first spread
    assert cover not in {(255, 255, 255), (0x6b, 0x6f, 0x76)} and counts[cover] > 1200 * 900 // 10
