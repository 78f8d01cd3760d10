"""Draw the README's pictures of the outputs into docs/images/ (`make docs-images`).

- brochure-cover.png and brochure-spread.png: pages of build/brochure.pdf drawn by pdftoppm;
- report-pages.png: the first pages of build/report.docx as LibreOffice lays them out;
- web-edition.png: build/web/index.html in headless Chromium, 1200 x 900.

The pictures are the same bytes from the same outputs, so git sees a change only when an output looks
different: fixed resolutions and window size, and every PNG written again by Pillow with no time or text
chunks. A picture whose bytes did not change is not rewritten.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

DPI = 50  # an A4 page is 413 x 585 pixels
REPORT_DPI = 45
REPORT_PAGES = 3
SPREAD = (4, 5)  # a left and a right page: the first two sections
DESK = (208, 211, 216)  # the grey the pages lie on
MARGIN = 16
WINDOW = (1200, 900)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--force-device-scale-factor=1"]


def main(out: Path, images: Path) -> None:
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pressroom-docs-images-") as folder:
        work = Path(folder)
        cover, left, right = pdf_pages(out / "brochure.pdf", work / "brochure", DPI, [1, *SPREAD])
        save(on_desk([cover], gap=0), images / "brochure-cover.png")
        save(on_desk([left, right], gap=0), images / "brochure-spread.png")
        report_pdf = docx_to_pdf(out / "report.docx", work)
        report = pdf_pages(report_pdf, work / "report", REPORT_DPI, list(range(1, REPORT_PAGES + 1)))
        save(on_desk(report, gap=MARGIN), images / "report-pages.png")
        save(screenshot(out / "web" / "index.html", work), images / "web-edition.png")


def pdf_pages(pdf: Path, prefix: Path, dpi: int, pages: list[int]) -> list[Image.Image]:
    """The given pages of a PDF, drawn by pdftoppm at `dpi`."""
    drawn = []
    for page in pages:
        target = prefix.with_name(f"{prefix.name}-{page}")
        run([need("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
             str(target)])
        drawn.append(Image.open(target.with_suffix(".png")).convert("RGB"))
    return drawn


def docx_to_pdf(docx: Path, work: Path) -> Path:
    """The report as LibreOffice lays it out (its own profile, so a running LibreOffice is not disturbed)."""
    profile = (work / "libreoffice-profile").absolute().as_uri()
    run([need("soffice"), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(work), str(docx)])
    return work / f"{docx.stem}.pdf"


def screenshot(page: Path, work: Path, tries: int = 5) -> Image.Image:
    """`page` as Chromium shows it in a window of WINDOW pixels: taken until two shots in a row agree, as
    a Chromium starting cold (a busy machine, an empty font cache) now and then paints before the text of
    a heading is laid out."""
    shots: list[Image.Image] = []
    for attempt in range(tries):
        target = work / f"web-{attempt}.png"
        run([need("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={work / 'chromium-profile'}",
             f"--screenshot={target}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.absolute().as_uri()])
        shots.append(Image.open(target).convert("RGB"))
        if len(shots) > 1 and shots[-1].tobytes() == shots[-2].tobytes():
            return shots[-1]
    sys.exit(f"docs-images: Chromium drew {page} differently each of {tries} times")


def on_desk(pages: list[Image.Image], gap: int) -> Image.Image:
    """Pages side by side on a grey desk, `gap` pixels apart (0: a spread, the pages touching)."""
    width = sum(page.width for page in pages) + gap * (len(pages) - 1) + 2 * MARGIN
    height = max(page.height for page in pages) + 2 * MARGIN
    desk = Image.new("RGB", (width, height), DESK)
    x = MARGIN
    for page in pages:
        desk.paste(page, (x, MARGIN))
        x += page.width + gap
    return desk


def save(image: Image.Image, path: Path) -> None:
    """The image as a PNG holding pixels only (no time, text, resolution or colour-profile chunks);
    left alone when the file already holds these bytes."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    with tempfile.SpooledTemporaryFile() as buffer:
        clean.save(buffer, "PNG", optimize=True)
        buffer.seek(0)
        data = buffer.read()
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
        print(f"drew {path}")
    else:
        print(f"unchanged {path}")


def need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        sys.exit(f"docs-images: {program} is not installed (make test-deps installs it)")
    return found


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"docs-images: {Path(command[0]).name} failed: {result.stderr.strip()}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build"), Path(sys.argv[2] if len(sys.argv) > 2 else "docs/images"))
