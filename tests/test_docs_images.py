"""`make docs-images`: the README's pictures of the outputs, the same bytes from the same outputs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from conftest import REPO

PICTURES = ["brochure-cover.png", "brochure-spread.png", "report-pages.png", "web-edition.png"]


def chunks(png: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    found, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        found.append(png[at + 4:at + 8])
        at += 12 + length
    return found


def test_the_readme_shows_every_picture_and_each_is_in_the_repository():
    readme = (REPO / "README.md").read_text()
    shown = re.findall(r"!\[[^\]]+\]\(docs/images/([\w-]+\.png)\)", readme)
    assert sorted(shown) == sorted(PICTURES)
    for name in PICTURES:
        png = (REPO / "docs" / "images" / name).read_bytes()
        assert set(chunks(png)) <= {b"IHDR", b"IDAT", b"IEND"}, name  # no time, text or profile chunks


def test_docs_images_is_a_make_target_outside_all():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^docs-images: .*## ", makefile, re.MULTILINE)
    assert "docs-images" not in re.search(r"^all: (.*)$", makefile, re.MULTILINE).group(1)


@pytest.mark.skipif(not all(shutil.which(p) for p in ("pdftoppm", "soffice", "chromium")),
                    reason="needs poppler, LibreOffice and Chromium")
def test_drawing_the_pictures_twice_gives_the_same_bytes(repo_project, tmp_path):
    from pressroom.pipeline import BuildRequest, build

    settings = repo_project.settings.replace(report_page_numbers=False)
    for target in ("brochure", "report", "web"):
        build(settings, BuildRequest.for_target(target))
    images = tmp_path / "images"
    runs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, str(REPO / "tools" / "docs_images.py"), str(repo_project.out),
                                 str(images)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        runs.append({name: (images / name).read_bytes() for name in PICTURES})
    assert [name for name in PICTURES if runs[0][name] != runs[1][name]] == []
    assert result.stdout.splitlines() == [f"unchanged {images / name}" for name in PICTURES]
    assert Image.open(images / "web-edition.png").size == (1200, 900)
    cover, spread = Image.open(images / "brochure-cover.png"), Image.open(images / "brochure-spread.png")
    assert spread.size == (2 * cover.width - 32, cover.height)  # two pages, one margin around them
