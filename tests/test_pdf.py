"""The brochure PDF read back: page sizes, print mode, fonts, outline, links, metadata, pages, right to left, warnings."""

from __future__ import annotations

import io
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pressroom
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader
from pypdf.generic import NameObject

from pressroom.cli import main
from pressroom.content import read_content
from pressroom.errors import PressroomError
from pressroom.brochure import pdf as pdf_writer
from pressroom.brochure.pdf import booklet_padding, render_brochure_html
from conftest import brochure_pdf, job_for, report_docx

MM = 72 / 25.4
PAPER_POINTS = {"A4": (210 * MM, 297 * MM), "Letter": (612.0, 792.0), "A5": (148 * MM, 210 * MM)}
SLUG = 7 * 72 / 25.4
MEDIA_MARGIN = 10 * 72 / 25.4
BLEED = 3 * MM
INK, PRIMARY = (0x1F, 0x2A, 0x37), (0x0E, 0x6B, 0x70)  # --colour-ink and --colour-primary in brochure.css
MUTED, ACCENT, RULE = (0x5B, 0x67, 0x77), (0xD9, 0x69, 0x3F), (0xC9, 0xDA, 0xD9)  # --colour-muted, -accent, -rule


def build_pdf(project, **changes) -> PdfReader:
    settings = project.settings.replace(**changes)
    return PdfReader(io.BytesIO(brochure_pdf(read_content(settings), settings)))


def squash(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "").split())


def box_size(box) -> tuple[float, float]:
    return float(box.right) - float(box.left), float(box.top) - float(box.bottom)


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def outline_tree(reader: PdfReader, entries=None) -> list:
    """The outline as [(title, page index, [children...]), ...]."""
    entries = reader.outline if entries is None else entries
    tree = []
    for entry in entries:
        if isinstance(entry, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, entry))
        else:
            tree.append((entry.title, reader.get_destination_page_number(entry), []))
    return tree


@pytest.fixture
def rich_project(project):
    """The small project with a sub-heading, a pull quote, data files and an Arabic passage."""
    project.write("content/sections/01-first.md", """
        ---
        title: First Section
        pull_quote: A sentence worth repeating.
        ---
        First body paragraph.

        ## A Sub Heading

        Text under the sub-heading, with Arabic: مرحبا بكم في الكتيب.
        """)
    project.write("content/data/institutions.yaml", """
        - name: Example Institute
          role: Does example work.
          section: second
        """)
    project.write("content/data/glossary.yaml", """
        - term: Example Term
          definition: What the example term means.
          section: first
        """)
    project.write("content/data/contact.yaml", """
        organisation: Test Org
        email: hello@example.org
        how_to_help:
          - Tell a friend.
        sample: true
        """)
    return project


@pytest.fixture
def arabic_project(rich_project):
    """The rich project in Arabic, which the brochure lays out right to left."""
    rich_project.write("content/index.md", """
        ---
        title: كتيب تجريبي
        organisation: منظمة الاختبار
        date: 2024-05-01
        lang: ar
        ---
        مقدمة قصيرة.
        """)
    rich_project.write("content/sections/01-first.md", "---\ntitle: القسم الأول\n---\nنص القسم الأول.\n")
    rich_project.write("content/sections/02-second.md", "---\ntitle: القسم الثاني\n---\nنص القسم الثاني.\n")
    return rich_project


def render_page(pdf: bytes, index: int, folder: Path, dpi: int = 100) -> Image.Image:
    """Page `index` (from 0) of `pdf` as an RGB image, rendered by poppler."""
    source, stem = folder / "render.pdf", folder / f"render-{index}"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(index + 1), "-l", str(index + 1), "-singlefile",
                    "-png", str(source), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def colour_mask(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> Image.Image:
    """White where a pixel is within `tolerance` of `colour` in every channel, black elsewhere."""
    bands = [band.point(lambda value, target=target: 255 if abs(value - target) <= tolerance else 0)
             for band, target in zip(image.split(), colour)]
    return ImageChops.darker(ImageChops.darker(bands[0], bands[1]), bands[2])


def marked_lines(mask: Image.Image, gap: int) -> list[tuple[int, int]]:
    """The vertical extents of the lines of marked pixels; lines at most `gap` pixels apart count as one."""
    lines: list[list[int]] = []
    for y in range(mask.height):
        if mask.crop((0, y, mask.width, y + 1)).getbbox():
            if lines and y - lines[-1][1] <= gap:
                lines[-1][1] = y
            else:
                lines.append([y, y])
    return [(top, bottom) for top, bottom in lines]


# Paper and print mode ----------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
def test_page_size_follows_the_paper_setting(project, paper):
    reader = build_pdf(project, paper=paper)
    for page in reader.pages:
        assert box_size(page.mediabox) == pytest.approx(PAPER_POINTS[paper], abs=0.5)
        assert box_size(page.trimbox) == pytest.approx(PAPER_POINTS[paper], abs=0.5)


def test_print_mode_adds_3mm_bleed_and_a_slug_for_the_marks_around_the_trim_box(project):
    reader = build_pdf(project, print_marks=True)
    width, height = PAPER_POINTS["A4"]
    media = width + 2 * MEDIA_MARGIN, height + 2 * MEDIA_MARGIN
    for page in reader.pages:
        assert box_size(page.trimbox) == pytest.approx((width, height), abs=0.5)
        assert box_size(page.bleedbox) == pytest.approx((width + 2 * BLEED, height + 2 * BLEED), abs=0.5)
        assert box_size(page.mediabox) == pytest.approx(media, abs=0.5)
        for side in ("left", "bottom"):
            trim, bleed, whole = (float(getattr(box, side)) for box in (page.trimbox, page.bleedbox, page.mediabox))
            assert trim - bleed == pytest.approx(BLEED, abs=0.1) and bleed - whole == pytest.approx(SLUG, abs=0.1)


def test_print_mode_draws_marks_only_in_the_slug_and_artwork_only_to_the_bleed(project, tmp_path):
    dpi = 150
    px = lambda mm: round(mm / 25.4 * dpi)  # noqa: E731
    margin = px(10)  # the trim's distance from the media edge: 3 mm bleed and 7 mm slug
    settings = project.settings.replace(print_marks=True)
    pdf = brochure_pdf(read_content(settings), settings)
    cover, introduction = (render_page(pdf, n, tmp_path, dpi).convert("L") for n in (0, 2))
    height = cover.height

    def ink(page, box) -> int:
        return page.crop(box).getextrema()[0]  # the darkest pixel

    in_bleed = (margin - px(2.5), height // 4, margin - px(0.5), height // 4 + 4)  # left edge, inside the bleed
    in_slug = (margin - px(9), height // 4, margin - px(3.5), height // 4 + 4)  # further out, clear of marks
    corner_slug = (margin - px(9.5), margin - px(9.5), margin - px(3.5), margin - px(3.5))
    corner_bleed = (margin - px(3), margin - px(3), margin - 1, margin - 1)  # between trim and bleed corners
    assert ink(cover, in_bleed) < 200, "the cover's colour should run into the bleed"
    assert ink(cover, in_slug) > 240, "the cover's colour should stop at the bleed box"
    assert ink(introduction, in_bleed) > 240 and ink(introduction, in_slug) > 240
    for page in (cover, introduction):
        top_line = (margin - px(9), margin - 2, margin - px(4), margin + 2)  # the crop mark along the top trim line
        assert ink(page, top_line) < 100, "no crop mark in the slug"
        assert ink(page, corner_slug) > 240, "ink in the corner of the slug, away from the marks"
    assert ink(introduction, corner_bleed) > 240, "a mark reaches into the bleed"
    middle_top = (cover.width // 2 - px(3), margin - px(9), cover.width // 2 + px(3), margin - px(4))
    assert ink(introduction, middle_top) < 100, "no registration mark in the middle of the top edge"
    untrimmed = render_page(brochure_pdf(read_content(project.settings), project.settings), 2, tmp_path, dpi)
    assert untrimmed.convert("L").crop((0, 0, px(8), px(8))).getextrema()[0] > 240  # no marks without --print


@pytest.mark.parametrize("pages, padding", [(1, 3), (4, 0), (9, 3), (10, 2), (11, 1), (12, 0)])
def test_booklet_padding_fills_whole_sheets(pages, padding):
    assert booklet_padding(pages) == padding


def test_print_mode_pads_the_page_count_with_notes_pages_before_the_back_cover(rich_project):
    plain = build_pdf(rich_project)
    printed = build_pdf(rich_project, print_marks=True)
    assert len(plain.pages) % 4 != 0, "the sample must need padding for this test to mean anything"
    assert len(printed.pages) == len(plain.pages) + booklet_padding(len(plain.pages))
    texts = page_texts(printed)
    assert "How you can help" in texts[-1]
    notes = [i for i, text in enumerate(texts) if text.startswith("NOTES") or " Notes " in f" {text} "]
    assert len(notes) == booklet_padding(len(plain.pages))
    assert notes == list(range(len(plain.pages) - 1, len(printed.pages) - 1))


# Fonts -------------------------------------------------------------------------------------------


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used on any page: base name -> whether its font program is in the file."""
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for descendant in descendants:
                descriptor = descendant.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                fonts[str(descendant["/BaseFont"]).lstrip("/")] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def test_every_font_is_embedded_subset_noto_with_arabic_coverage(rich_project):
    fonts = embedded_fonts(build_pdf(rich_project))
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    for family in ("Noto-Serif", "Noto-Sans", "Naskh"):
        assert family in names.replace("NotoSerif", "Noto-Serif").replace("NotoSans", "Noto-Sans"), names
    assert all(name[6] == "+" for name in fonts), "fonts are subset (ABCDEF+Name)"


def test_missing_fonts_give_one_warning_naming_the_debian_package(project, tmp_path, monkeypatch, capsys):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fc_list = fake_bin / "fc-list"
    fc_list.write_text("#!/bin/sh\necho 'DejaVu Sans'\necho 'Noto Sans,Noto Sans Regular'\n")
    fc_list.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    pdf_writer.missing_font_families.cache_clear()
    try:
        build_pdf(project)
    finally:
        pdf_writer.missing_font_families.cache_clear()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Warning: fonts not installed: Noto Serif, Noto Naskh Arabic;")
    assert "fonts-noto-core" in lines[0]


def test_installed_fonts_give_no_warning(project, capsys):
    pdf_writer.missing_font_families.cache_clear()
    build_pdf(project)
    assert capsys.readouterr().err == ""


# Outline, links, metadata ------------------------------------------------------------------------


def test_outline_is_the_brochure_parts_in_order_with_sub_headings_beneath(rich_project):
    reader = build_pdf(rich_project)
    tree = outline_tree(reader)
    assert [title for title, _, _ in tree] == [
        "Introduction", "First Section", "Second Section", "Institutions named in this brochure",
        "How you can help"]
    first = tree[1]
    assert [child[0] for child in first[2]] == ["A Sub Heading"]
    texts = page_texts(reader)
    for title, page, _ in tree:
        assert title in texts[page]


def test_outline_of_the_real_content_equals_its_section_titles(repo_project):
    reader = build_pdf(repo_project)
    titles = [title for title, _, _ in outline_tree(reader)]
    sections = [s.title for s in read_content(repo_project.settings).sections]
    assert titles[1:1 + len(sections)] == sections
    assert titles[0] == "Introduction"


def test_contents_links_point_at_the_pages_of_their_sections(rich_project):
    reader = build_pdf(rich_project)
    texts = page_texts(reader)
    contents_page = reader.pages[1]
    assert texts[1].startswith("Contents")
    destinations = {name: reader.get_destination_page_number(dest)
                    for name, dest in reader.named_destinations.items()}
    targets = {}
    for annotation in contents_page["/Annots"]:
        annotation = annotation.get_object()
        if annotation.get("/Dest"):
            targets[str(annotation["/Dest"])] = destinations[str(annotation["/Dest"])]
    assert list(targets) == ["introduction", "first", "second", "institutions", "how-to-help"]
    for slug, title in [("introduction", "Introduction"), ("first", "First Section"),
                        ("second", "Second Section")]:
        page = targets[slug]
        assert title in texts[page]
        # the printed page number in the contents is the page the link goes to
        assert f"{title} {page + 1}" in texts[1].replace(".", "").replace("  ", " ")


def test_metadata_comes_from_the_content(project):
    project.write("content/index.md", """
        ---
        title: Test Brochure
        organisation: Test Org
        summary: What the brochure is about.
        keywords: [alpha, beta]
        date: 2024-05-01
        lang: en-GB
        ---
        The introduction.
        """)
    reader = build_pdf(project)
    info = reader.metadata
    assert info["/Title"] == "Test Brochure"
    assert info["/Author"] == "Test Org"
    assert info["/Subject"] == "What the brochure is about."
    assert info["/Keywords"] == "alpha, beta"
    assert info["/CreationDate"].startswith("D:20240501")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


# Pages -------------------------------------------------------------------------------------------


def test_cover_has_no_running_header_and_no_page_number(rich_project):
    texts = page_texts(build_pdf(rich_project))
    header = "TEST BROCHURE"  # the running header sets the document title in capitals
    assert header in texts[2] and header not in texts[0]
    assert texts[2].split()[-1] == "3"
    assert texts[0] == "TEST ORG Test Brochure MAY 2024"  # nothing but the cover's own text


def test_running_header_names_the_current_section(rich_project):
    texts = page_texts(build_pdf(rich_project))
    first = next(i for i, text in enumerate(texts) if "First body paragraph" in text)
    assert "FIRST SECTION" in texts[first]
    second = next(i for i, text in enumerate(texts) if "Second body paragraph" in text)
    assert "SECOND SECTION" in texts[second] and "FIRST SECTION" not in texts[second]


def test_pull_quote_card_and_glossary_callout_are_placed(rich_project):
    texts = page_texts(build_pdf(rich_project))
    first = next(i for i, text in enumerate(texts) if "First body paragraph" in text)
    assert "A sentence worth repeating." in texts[first]
    assert "Example Term" in " ".join(texts[first:first + 2])
    institutions = next(i for i, text in enumerate(texts) if "Example Institute" in text)
    assert "Does example work." in texts[institutions]
    assert "Sample contact details" in texts[-1]


def rendered_pages(pdf_path: Path, folder: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf_path), str(folder / "page")], check=True)
    return [Image.open(path).convert("L") for path in sorted(folder.glob("page-*.png"))]


@pytest.mark.parametrize("print_marks", [False, True])
def test_no_page_is_blank(repo_project, tmp_path, print_marks):
    settings = repo_project.settings.replace(print_marks=print_marks)
    pdf_path = tmp_path / "brochure.pdf"
    pdf_path.write_bytes(brochure_pdf(read_content(settings), settings))
    pages = rendered_pages(pdf_path, tmp_path)
    assert len(pages) == len(PdfReader(pdf_path).pages)
    for number, page in enumerate(pages, 1):
        assert ImageStat.Stat(page).stddev[0] > 2, f"page {number} is blank"


def test_a_blank_page_would_be_caught(tmp_path):
    blank = Image.new("L", (60, 80), 255)
    assert ImageStat.Stat(blank).stddev[0] <= 2


# Right to left ----------------------------------------------------------------------------------


def test_arabic_is_declared_right_to_left_and_set_against_the_right_margin(arabic_project, tmp_path):
    document = read_content(arabic_project.settings)
    assert '<html lang="ar" dir="rtl">' in render_brochure_html(document, job_for(arabic_project.settings))
    page = render_page(brochure_pdf(document, arabic_project.settings), 2, tmp_path)  # the introduction
    left, _, right, _ = colour_mask(page, INK).getbbox()  # body text is the only ink on the page
    px_per_mm = page.width / 210  # A4
    assert (page.width - right) / px_per_mm < 23, "the line ends at the right margin (18 or 22 mm)"
    assert left > page.width / 2, "a short line starts right of the middle"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_contents_labels_line_up_and_their_leaders_reach_them(request, lang, tmp_path):
    project = request.getfixturevalue("arabic_project" if lang == "ar" else "rich_project")
    page = render_page(brochure_pdf(read_content(project.settings), project.settings), 1, tmp_path)
    px_per_mm = page.width / 210  # A4
    ink, primary = colour_mask(page, INK), colour_mask(page, PRIMARY)
    rows = []  # (label's box, leader and page number's box) per contents row; other lines have no ink
    for top, bottom in marked_lines(ImageChops.lighter(ink, primary), gap=round(2 * px_per_mm)):
        label = ink.crop((0, top, page.width, bottom + 1)).getbbox()
        if label:
            rows.append((label, primary.crop((0, top, page.width, bottom + 1)).getbbox()))
    assert len(rows) == 5, "introduction, two sections, institutions, how you can help"
    if lang == "ar":
        starts = [label[2] for label, _ in rows]
        gaps = [label[0] - leader[2] for label, leader in rows]
    else:
        starts = [label[0] for label, _ in rows]
        gaps = [leader[0] - label[2] for label, leader in rows]
    assert max(starts) - min(starts) < 1 * px_per_mm, f"labels start at {starts}"
    assert all(gap < 3 * px_per_mm for gap in gaps), f"leaders stop {gaps} pixels short of their labels"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_quote_borders_and_help_bullets_sit_at_the_start_of_the_line(request, lang, tmp_path):
    project = request.getfixturevalue("arabic_project" if lang == "ar" else "rich_project")
    quote = "قول يستحق التكرار." if lang == "ar" else "A saying worth repeating."
    project.write("content/index.md", f"---\ntitle: Test Brochure\nlang: {lang}\n---\n> {quote}\n")
    pdf = brochure_pdf(read_content(project.settings), project.settings)
    last = len(PdfReader(io.BytesIO(pdf)).pages) - 1

    def start_and_text(page, marks, text, tall):
        """Per line of `marks` at least `tall` pixels high: its box and the box of the `text` beside it."""
        found = []
        for top, bottom in marked_lines(marks, gap=1):
            if bottom - top >= tall:
                found.append((marks.crop((0, top, page.width, bottom + 1)).getbbox(),
                              text.crop((0, top, page.width, bottom + 1)).getbbox()))
        return found

    page = render_page(pdf, 2, tmp_path)  # the introduction, whose body is the quote
    px_per_mm = page.width / 210  # A4
    # The quote's border in --colour-rule (tolerance tight enough to miss the edges of grey letters),
    # the bullets of "How you can help" in --colour-accent beside white text on the back cover.
    quotes = start_and_text(page, colour_mask(page, RULE, tolerance=5), colour_mask(page, MUTED), 2 * px_per_mm)
    back = render_page(pdf, last, tmp_path)
    bullets = start_and_text(back, colour_mask(back, ACCENT), colour_mask(back, (255, 255, 255)), 2 * px_per_mm)
    assert len(quotes) == 1 and len(bullets) == 1, (quotes, bullets)
    for mark, text in quotes + bullets:
        if lang == "ar":
            assert mark[0] > text[2], f"the mark at {mark} should be right of the text at {text}"
        else:
            assert mark[2] < text[0], f"the mark at {mark} should be left of the text at {text}"


# Variants and reproducibility --------------------------------------------------------------------


def test_pdf_ua_is_tagged_and_pdf_a_declares_its_conformance(project):
    tagged = build_pdf(project, pdf_variant="pdf/ua-1")
    root = tagged.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    archived = build_pdf(project, pdf_variant="pdf/a-3b")
    xmp = archived.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in archived.trailer["/Root"]
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    plain = build_pdf(project, pdf_variant="plain")
    assert "/StructTreeRoot" not in plain.trailer["/Root"]
    assert "/StructTreeRoot" in build_pdf(project).trailer["/Root"]  # tagged by default


def test_pdf_variant_and_print_marks_in_pressroom_yaml_take_effect(project):
    project.write("pressroom.yaml", "pdf_variant: pdf/ua-1\nprint_marks: true\n")
    assert main(["build", "brochure", *project.args(), "--out", str(project.out)]) == 0
    reader = PdfReader(project.out / "brochure.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert b'pdfuaid:part="1"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert len(reader.pages) % 4 == 0
    width, height = PAPER_POINTS["A4"]
    for page in reader.pages:
        assert box_size(page.bleedbox) == pytest.approx((width + 2 * BLEED, height + 2 * BLEED), abs=0.5)


def structure_elements(node, kind: str) -> list:
    """Every element of type `kind` (/Figure, say) in the structure tree below `node`."""
    node = node.get_object()
    found = [node] if node.get("/S") == kind else []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()  # a structure element, or marked content (a number or a reference)
        if isinstance(kid, dict) and kid.get("/Type", "/StructElem") == "/StructElem":
            found += structure_elements(kid, kind)
    return found


def test_pdf_ua_figures_carry_the_alt_text_of_their_images(project):
    add_image(project, "large.png", 2400)
    project.write("content/index.md", """
        ---
        title: Test Brochure
        cover_image: assets/large.png
        cover_image_alt: The cover picture
        ---
        The introduction.
        """)
    reader = build_pdf(project, pdf_variant="pdf/ua-1")
    figures = structure_elements(reader.trailer["/Root"]["/StructTreeRoot"], "/Figure")
    assert sorted(str(figure.get("/Alt")) for figure in figures) == ["A square of colour", "The cover picture"]


def test_two_builds_are_byte_identical(repo_project, tmp_path):
    pressroom = Path(sys.executable).with_name("pressroom")
    outputs = []
    for run, seed in enumerate(["1", "2"]):
        out = tmp_path / f"out{run}"
        subprocess.run([str(pressroom), "build", "brochure", *repo_project.args(), "--out", str(out), "--print"],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append((out / "brochure.pdf").read_bytes())
    assert outputs[0] == outputs[1]


def test_the_file_identifier_is_the_same_for_the_same_brochure_and_differs_for_another(project):
    def identifier() -> str:
        return str(build_pdf(project).trailer["/ID"][0])  # the permanent part

    first = identifier()
    assert identifier() == first
    project.write("content/sections/02-second.md", "---\ntitle: Second Section\n---\nOther words.\n")
    other_text = identifier()
    css = project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { color: black; }\n", encoding="utf-8")
    other_style = identifier()  # the HTML is unchanged; the PDF is not
    assert len({first, other_text, other_style}) == 3


# Images ------------------------------------------------------------------------------------------


def add_image(project, name: str, pixels: int, title: str = "") -> None:
    path = project.content / "assets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (pixels, pixels), (200, 120, 60)).save(path)
    title = f' "{title}"' if title else ""
    project.write("content/sections/02-second.md", f"""
        ---
        title: Second Section
        ---
        Second body paragraph.

        ![A square of colour](../assets/{name}{title})
        """)


def test_low_resolution_image_warns_with_its_file_name(project, capsys):
    add_image(project, "small.png", 120)
    build_pdf(project)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert "small.png" in lines[0] and "below 200 dpi" in lines[0]


def test_sharp_image_gives_no_warning_and_keeps_its_alt_text_and_caption(project, capsys):
    add_image(project, "large.png", 2400, title="A caption")
    html = render_brochure_html(read_content(project.settings), job_for(project.settings))
    assert 'alt="A square of colour"' in html
    assert '<figcaption><span class="caption-label" data-label="Figure"></span>A caption</figcaption>' in html
    reader = build_pdf(project)
    assert capsys.readouterr().err == ""
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 1


# Flow: headings stay with their text, words hyphenate in the document's language --------------------


def test_no_heading_is_stranded_at_the_bottom_of_a_page(project):
    # paragraphs of varied length, so that some heading falls near the foot of a page
    body = "\n\n".join(f"## Heading {n}\n\nParagraph {n} starts here, " + "words that fill the page " * (5 + 7 * n % 23)
                       for n in range(1, 25))
    project.write("content/sections/01-first.md", f"---\ntitle: First Section\n---\n{body}\n")
    texts = page_texts(build_pdf(project))
    assert len([t for t in texts if "Heading" in t]) > 2, "the section must span pages to test anything"
    for n in range(1, 25):
        page = next(i for i, text in enumerate(texts) if f"Heading {n} " in text)
        assert f"Paragraph {n} starts here" in texts[page], f"Heading {n} is stranded on page {page + 1}"


def test_long_words_are_hyphenated_in_the_document_language(project):
    words = "internationalisation responsibilities characteristically extraordinarily " * 20
    project.write("content/sections/01-first.md", f"---\ntitle: First Section\n---\n{words}\n")
    text = " ".join(page.extract_text() for page in build_pdf(project).pages)
    assert "\u2010" in text or "-\n" in text


def hyphen_breaks(text: str) -> dict[str, set[int]]:
    """Each word broken with a hyphen at a line end, and the offsets in it where it was broken."""
    breaks: dict[str, set[int]] = {}
    for token in text.replace("\u2010\n", "|").split():
        if "|" in token:
            parts = token.split("|")
            offsets = {sum(len(part) for part in parts[:i]) for i in range(1, len(parts))}
            breaks.setdefault("".join(parts), set()).update(offsets)
    return breaks


@pytest.mark.parametrize("lang", ["de", "en"])
def test_hyphenation_follows_the_document_language(project, lang):
    import pyphen  # WeasyPrint's hyphenation dictionaries

    # German compounds whose German and English hyphenation points have nothing in common;
    # English has none at all for Sonnenschirm.
    words = ["Krebsregister", "Lebensqualität", "Sonnenschirm"]
    german, english = pyphen.Pyphen(lang="de"), pyphen.Pyphen(lang="en")
    assert not any(set(german.positions(word)) & set(english.positions(word)) for word in words)
    project.write("content/index.md", f"---\ntitle: Test Brochure\nlang: {lang}\n---\nThe introduction.\n")
    project.write("content/sections/01-first.md", f"---\ntitle: A\n---\n{' '.join(words * 2)}\n")
    css = project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n#first .prose p { width: 20mm; }\n", encoding="utf-8")
    text = "\n".join(page.extract_text() for page in build_pdf(project).pages)
    breaks = hyphen_breaks(text)
    if lang == "de":
        assert set(breaks) == set(words), f"a 20 mm column breaks every one of these words: {breaks}"
    else:
        assert set(breaks) <= {"Krebsregister", "Lebensqualität"}, breaks
    dictionary = german if lang == "de" else english
    for word, offsets in breaks.items():
        assert offsets <= set(dictionary.positions(word)), f"{word} broken at {offsets}"


def test_without_a_content_date_the_pdf_date_comes_from_source_date_epoch(project, monkeypatch):
    project.write("content/index.md", "---\ntitle: Test Brochure\n---\nThe introduction.\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert "/CreationDate" not in build_pdf(project).metadata
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert build_pdf(project).metadata["/CreationDate"].startswith("D:20231114")


def test_ordered_lists_keep_their_start_number(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n7. seven\n8. eight\n\nText.\n\n0. zero\n")
    markers = {word for text in page_texts(build_pdf(project)) for word in text.split()
               if word.endswith(".") and word[:-1].isdigit()}
    assert markers == {"7.", "8.", "0."}


@pytest.mark.parametrize("columns, word", [(12, "value{i}"), (3, "REF{i}" + "X" * 30)],
                         ids=["many columns", "long words"])
def test_wide_tables_keep_every_column_inside_the_margins(project, tmp_path, columns, word):
    header = "| " + " | ".join(f"head{i}" for i in range(columns)) + " |"
    rule = "|" + "---|" * columns
    row = "| " + " | ".join(word.format(i=i) for i in range(columns)) + " |"
    project.write("content/sections/01-first.md", f"---\ntitle: A\n---\n{header}\n{rule}\n{row}\n")
    project.out.mkdir()
    (project.out / "b.pdf").write_bytes(brochure_pdf(read_content(project.settings), project.settings))
    table_page = next(i for i, text in enumerate(page_texts(PdfReader(project.out / "b.pdf"))) if "head" in text)
    page = rendered_pages(project.out / "b.pdf", tmp_path)[table_page]
    right_margin = page.crop((int(page.width * 0.93), int(page.height * 0.15), page.width, int(page.height * 0.85)))
    assert right_margin.getextrema()[0] > 200  # nothing printed in the right margin


def test_tall_images_stay_above_the_page_footer(project, tmp_path):
    Image.new("RGB", (600, 4000), (255, 0, 0)).save(project.content / "tall.png", dpi=(300, 300))
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\nText.\n\n![A tall red bar](../tall.png)\n")
    project.out.mkdir()
    (project.out / "b.pdf").write_bytes(brochure_pdf(read_content(project.settings), project.settings))
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(project.out / "b.pdf"), str(tmp_path / "page")], check=True)
    reddest = []
    for path in sorted(tmp_path.glob("page-*.png")):
        page = Image.open(path).convert("RGB")
        red = Image.eval(page.split()[1], lambda green: 255 if green < 60 else 0)  # red: almost no green
        box = red.getbbox()
        if box:
            reddest.append(box[3] / page.height)
    assert reddest and max(reddest) < 0.9


def test_footnote_markers_are_not_given_page_references(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\nA claim.[^1]\n\n[^1]: The note.\n")
    text = " ".join(page_texts(build_pdf(project)))
    assert "The note." in text and "(page" not in text


def test_css_the_renderer_ignores_is_reported_as_a_warning(project, capsys):
    css = project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.card { colr: red; }\n", encoding="utf-8")
    build_pdf(project)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("Warning: ") and "templates/brochure: Ignored `colr: red`" in line
               and "unknown property" in line for line in lines), lines


def test_a_warning_quoting_several_lines_of_css_is_one_line(project, capsys):
    css = project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: red\n\n.x { color: blue;\n", encoding="utf-8")
    build_pdf(project)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Warning: ") and "templates/brochure: " in lines[0], lines


def test_the_shipped_design_renders_without_warnings(repo_project, capsys):
    build_pdf(repo_project)
    assert capsys.readouterr().err == ""


def test_code_inside_a_quote_stays_upright(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n> Quoted words.\n>\n>     code_in_quote()\n")
    fonts = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            fonts.setdefault(text.strip(), str(font.get("/BaseFont", "")))

    for page in build_pdf(project).pages:
        page.extract_text(visitor_text=visit)
    assert "Italic" in fonts["Quoted words."]
    assert "Italic" not in fonts["code_in_quote()"] and "Oblique" not in fonts["code_in_quote()"]


def test_long_titles_are_shortened_in_the_running_header(project):
    long_title = "Gains in Research on the Genetic and Molecular Basis of Pediatric Cancers Across Many Nations"
    project.write("content/sections/01-first.md", f"---\ntitle: {long_title}\n---\nBody text.\n")
    page = next(text for text in page_texts(build_pdf(project)) if "Body text." in text)
    assert "GAINS IN RESEARCH ON THE GENETIC AND\u2026" in page
    assert long_title.upper() not in page


def test_a_stylesheet_the_renderer_breaks_on_is_a_template_error(repo_project):
    css = repo_project.templates / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n* { column-count: 3; column-span: all }\n", encoding="utf-8")
    with pytest.raises(PressroomError) as raised:
        build_pdf(repo_project)
    [problem] = raised.value.problems
    assert problem.path == repo_project.templates / "brochure" and problem.line is None
    assert problem.message.startswith("the PDF renderer failed (AssertionError in weasyprint/")


def test_a_fault_in_pressroom_while_rendering_is_not_blamed_on_the_templates(project, monkeypatch):
    def broken(rendered):
        raise RuntimeError("a bug in Pressroom")

    monkeypatch.setattr(pdf_writer, "warn_low_resolution_images", broken)
    with pytest.raises(RuntimeError, match="a bug in Pressroom"):
        build_pdf(project)


# Booklet imposition ------------------------------------------------------------------------------

@pytest.mark.parametrize("pages, sides", [
    (4, [(4, 1), (2, 3)]),
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
])
def test_saddle_stitch_order_nests_the_sheets(pages, sides):
    from pressroom.brochure.imposition import saddle_stitch_order

    assert saddle_stitch_order(pages) == sides


def test_the_booklet_puts_the_pages_two_up_in_saddle_stitch_order(rich_project, tmp_path):
    import subprocess

    settings = rich_project.settings.replace(impose="booklet")
    files = pressroom.render(settings, "brochure")
    assert sorted(files) == ["brochure-booklet.pdf", "brochure.pdf"]
    reading = PdfReader(io.BytesIO(files["brochure.pdf"]))  # print-ready, in reading order
    booklet_path = tmp_path / "booklet.pdf"
    booklet_path.write_bytes(files["brochure-booklet.pdf"])
    booklet = PdfReader(booklet_path)
    count = len(reading.pages)
    assert count % 4 == 0 and len(booklet.pages) == count // 2  # two sides per sheet, count / 4 sheets
    width, height = PAPER_POINTS["A4"]
    for sheet in booklet.pages:
        assert box_size(sheet.trimbox) == pytest.approx((2 * width, height), abs=0.5)
        assert box_size(sheet.bleedbox) == pytest.approx((2 * width + 2 * BLEED, height + 2 * BLEED), abs=0.5)
        assert box_size(sheet.mediabox) == pytest.approx((2 * width + 2 * MEDIA_MARGIN, height + 2 * MEDIA_MARGIN),
                                                         abs=0.5)
    reading_path = tmp_path / "reading.pdf"
    reading_path.write_bytes(files["brochure.pdf"])

    def words(path, page: int, region: tuple[float, float] | None = None) -> list[str]:
        """The words inside the trim of a page, or of a region of it (x, width in points), as poppler reads
        them: not the slug line, which names each file and page."""
        x, across = region or (MEDIA_MARGIN, width)
        crop = ["-x", str(round(x)), "-y", str(round(MEDIA_MARGIN)), "-W", str(round(across)), "-H", str(round(height))]
        result = subprocess.run(["pdftotext", "-r", "72", "-f", str(page), "-l", str(page), *crop, str(path), "-"],
                                capture_output=True, text=True, check=True)
        return sorted(result.stdout.split())

    from pressroom.brochure.imposition import saddle_stitch_order

    for side, pair in enumerate(saddle_stitch_order(count)):
        for column, number in enumerate(pair):
            half = (MEDIA_MARGIN + column * width, width)
            assert words(booklet_path, side + 1, half) == words(reading_path, number), (side, column, number)
    assert "help" in words(booklet_path, 1, (MEDIA_MARGIN, width))  # the back cover, left of the front cover


def test_impose_booklet_is_a_choice_of_build_and_pressroom_yaml(project, capsys):
    project.write("pressroom.yaml", "impose: Booklet\n")
    assert pressroom.load_settings(project.root).impose == "booklet"
    assert main(["build", "brochure", *project.args(), "--out", str(project.out), "--impose", "booklet"]) == 0
    assert (project.out / "brochure-booklet.pdf").is_file()
    project.write("pressroom.yaml", "impose: none\n")
    assert main(["build", "brochure", *project.args(), "--out", str(project.out)]) == 0
    assert not (project.out / "brochure-booklet.pdf").exists()  # no booklet older than the brochure is kept
    assert main(["build", "brochure", *project.args(), "--impose", "leaflet"]) == 2


# PDF/X -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("print_marks", [False, True], ids=["trimmed", "with-bleed"])
def test_pdf_x4_has_a_cmyk_output_intent_boxes_embedded_fonts_and_the_themes_print_colours(project, print_marks):
    reader = build_pdf(project, pdf_variant="pdf/x-4", print_marks=print_marks)
    root = reader.trailer["/Root"]
    [intent] = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and profile.get_data()[36:40] == b"acsp"  # an ICC profile, of four components
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in root["/Metadata"].get_object().get_data()
    for page in reader.pages:
        assert "/TrimBox" in page and "/BleedBox" in page
    fonts = embedded_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    cover = reader.pages[0].get_contents().get_data()
    assert b"/DeviceCMYK cs" in cover and b"0.95 0.43 0.53 0.21 scn" in cover  # the primary colour, as ink
    assert "/StructTreeRoot" in root  # tagged, as every brochure is by default


def test_pdf_x4_is_reproducible_without_a_date_in_the_content(project):
    project.write("content/index.md", "---\ntitle: Undated\n---\nNo date here.\n")
    first = brochure_pdf(read_content(project.settings), project.settings.replace(pdf_variant="pdf/x-4"))
    import time

    time.sleep(1.1)  # PDF/X would otherwise stamp the clock, to the second
    second = brochure_pdf(read_content(project.settings), project.settings.replace(pdf_variant="pdf/x-4"))
    assert first == second
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"] == "D:20000101"  # a fixed date, not the clock


def test_pdf_x4_without_the_press_profile_says_which_package_to_install(project, monkeypatch, capsys):
    monkeypatch.setattr(pdf_writer, "CMYK_PROFILE", project.root / "missing.icc")
    assert main(["build", "brochure", *project.args(), "--out", str(project.out), "--pdf-variant", "pdf/x-4"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "install the Debian package libgs-common" in err[0] and len(err) == 2
    assert not project.out.joinpath("brochure.pdf").exists()


def icc_profiles(data: bytes) -> list:
    """Every ICC profile stream in the file, each copy counted (object by object, not by reference)."""
    reader = PdfReader(io.BytesIO(data))
    profiles = []
    for number in range(1, int(reader.trailer["/Size"])):
        stream = reader.get_object(number)
        if hasattr(stream, "get_data") and "/N" in stream and stream.get_data()[36:40] == b"acsp":
            profiles.append(stream)
    return profiles


def test_pdf_x4_print_file_holds_the_press_profile_once(repo_project, caplog):
    settings = repo_project.settings.replace(print_marks=True)
    plain = brochure_pdf(read_content(settings), settings)
    press = brochure_pdf(read_content(settings), settings.replace(pdf_variant="pdf/x-4"))
    assert not [record for record in caplog.records if record.name.startswith("pypdf")], caplog.text
    [profile] = icc_profiles(press)  # each transparency group of the sample's pages names it
    root = PdfReader(io.BytesIO(press)).trailer["/Root"]
    assert root["/OutputIntents"][0].raw_get("/DestOutputProfile").idnum == profile.indirect_reference.idnum
    # one profile's worth bigger than the same brochure without PDF/X (twenty copies made it 14 times as big)
    assert len(press) < len(plain) + 1.5 * len(profile._data), (len(press), len(plain))
    assert press.startswith(b"%PDF-1.6")  # PDF/X-4 is PDF 1.6


def test_pdf_x4_booklet_keeps_the_output_intent_metadata_and_boxes_of_the_print_file(repo_project):
    settings = repo_project.settings.replace(impose="booklet", pdf_variant="pdf/x-4")
    files = pressroom.render(settings, "brochure")
    booklet = PdfReader(io.BytesIO(files["brochure-booklet.pdf"]))
    root = booklet.trailer["/Root"]
    [intent] = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and profile.get_data()[36:40] == b"acsp"
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in root["/Metadata"].get_object().get_data()
    brochure = PdfReader(io.BytesIO(files["brochure.pdf"]))
    assert booklet.metadata == brochure.metadata
    assert isinstance(booklet.metadata["/Trapped"], NameObject)  # a name, as PDF/X requires, not text
    assert booklet.pdf_header == "%PDF-1.6" and booklet.trailer["/ID"][0] != brochure.trailer["/ID"][0]
    for sheet in booklet.pages:
        assert "/TrimBox" in sheet and "/BleedBox" in sheet
    assert len(icc_profiles(files["brochure-booklet.pdf"])) == 1  # not one for each page placed on a sheet
    assert pressroom.render(settings, "brochure")["brochure-booklet.pdf"] == files["brochure-booklet.pdf"]


# Slug line and the marks of the booklet's sheets --------------------------------------------------

def slug_lines(page) -> list[tuple[str, float, float]]:
    """The text of `page` set in the slug line's font, with where its baseline starts (points)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None and font.get("/FontDescriptor", {}).get("/FontFile2") is not None \
                and "/Widths" in font and font.get("/Encoding") == "/WinAnsiEncoding":
            found.append((text, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def in_slug_ring(page, x: float, y: float) -> bool:
    """Whether (x, y) lies outside the bleed box and inside the media box."""
    bleed, media = page.bleedbox, page.mediabox
    inside = lambda box: float(box.left) <= x <= float(box.right) and float(box.bottom) <= y <= float(box.top)  # noqa: E731
    return inside(media) and not inside(bleed)


def test_every_print_page_and_booklet_side_has_a_slug_line_in_the_slug(project):
    files = pressroom.render(project.settings.replace(impose="booklet"), "brochure")
    for name in ("brochure.pdf", "brochure-booklet.pdf"):
        reader = PdfReader(io.BytesIO(files[name]))
        for number, page in enumerate(reader.pages, 1):
            assert f"{name} 2024-05-01 page {number}" in " ".join(page.extract_text().split())
            [(text, x, y)] = slug_lines(page)
            assert " ".join(text.split()) == f"{name} 2024-05-01 page {number}"
            size = 6
            assert in_slug_ring(page, x, y - 0.3 * size) and in_slug_ring(page, x, y + size), (name, number, x, y)
            assert float(page.trimbox.left) < x < float(page.trimbox.left) + box_size(page.trimbox)[0] / 2


def test_the_slug_line_dates_an_undated_brochure_from_source_date_epoch_not_the_clock(project, monkeypatch):
    project.write("content/index.md", "---\ntitle: Undated\n---\nNo date here.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    reader = build_pdf(project, print_marks=True)
    assert [" ".join(text.split()) for text, _, _ in slug_lines(reader.pages[1])] == [
        "brochure.pdf 2023-11-14 page 2"]


def artifact_geometry(page, pdf) -> tuple[list[tuple[float, float]], list[list[tuple[float, float]]]]:
    """Every point the page's artifacts draw paths through, and the dashed segments among them."""
    from pypdf.generic import ContentStream

    points, dashed, depth, dash, start = [], [], 0, False, None
    for operands, operator in ContentStream(page.get_contents(), pdf).operations:
        if operator in (b"BMC", b"BDC"):
            depth += 1 if operands[0] == "/Artifact" or depth else 0
        elif operator == b"EMC" and depth:
            depth -= 1
        elif depth and operator == b"d":
            dash = bool(operands[0])
        elif depth and operator in (b"m", b"l", b"c"):
            coordinates = [float(value) for value in operands]
            new = list(zip(coordinates[::2], coordinates[1::2]))
            points += new
            if operator == b"m":
                start = new[0]
            elif operator == b"l" and dash:
                dashed.append([start, new[0]])
    return points, dashed


def test_booklet_sheets_draw_crop_cross_and_fold_marks_only_in_the_slug(rich_project):
    booklet = PdfReader(io.BytesIO(pressroom.render(rich_project.settings.replace(impose="booklet"),
                                                    "brochure")["brochure-booklet.pdf"]))
    width, _ = PAPER_POINTS["A4"]
    for sheet in booklet.pages:
        points, dashed = artifact_geometry(sheet, booklet)
        assert len(points) > 40  # eight crop marks and six crosses
        outside = [point for point in points if not in_slug_ring(sheet, *point)]
        assert not outside, outside
        spine = float(sheet.trimbox.left) + width
        trim_top, trim_bottom = float(sheet.trimbox.top), float(sheet.trimbox.bottom)
        folds = [segment for segment in dashed if all(x == pytest.approx(spine, abs=0.01) for x, _ in segment)]
        assert sorted(min(y for _, y in fold) > trim_top for fold in folds) == [False, True], dashed
        assert all(in_slug_ring(sheet, *point) for fold in folds for point in fold)


def test_booklet_fold_mark_shows_at_the_spine_clear_of_the_crosses(rich_project, tmp_path):
    dpi = 150
    px = lambda mm: round(mm / 25.4 * dpi)  # noqa: E731
    pdf = pressroom.render(rich_project.settings.replace(impose="booklet"), "brochure")["brochure-booklet.pdf"]
    sheet = render_page(pdf, 1, tmp_path, dpi).convert("L")  # a back: pages with white margins
    margin, spine = px(10), px(10 + 210)

    def ink(box) -> int:
        return sheet.crop(box).getextrema()[0]

    for top, bottom in ((margin - px(9), margin - px(4)), (sheet.height - margin + px(4), sheet.height - margin + px(9))):
        assert ink((spine - 1, top, spine + 2, bottom)) < 160, "no fold mark at the spine"
        assert ink((spine + px(1), top, spine + px(3), bottom)) > 240, "a cross drawn over the fold mark"
    for top in (margin - px(3) + 1, sheet.height - margin + 1):  # the bleed, above and below the spine
        assert ink((spine - 1, top, spine + 2, top + px(3) - 2)) > 240, "a fold mark in the bleed"
    quarter = margin + px(105)
    assert ink((quarter - px(3), margin - px(9), quarter + px(3), margin - px(4))) < 100, "no cross above each page"


def test_each_contents_leader_is_one_run_of_dots_from_its_title_to_its_page_number(project):
    """The contents' dotted leaders are drawn as one text object a line (WeasyPrint draws one a dot: 7 ms
    a line), and the dots still fill the gap between the title and the page number."""
    project.out.mkdir()
    path = project.out / "b.pdf"
    path.write_bytes(brochure_pdf(read_content(project.settings), project.settings))
    page = next(i for i, text in enumerate(page_texts(PdfReader(path))) if "Contents" in text) + 1
    stream = PdfReader(path).pages[page - 1].get_contents().get_data()
    assert stream.count(b"BT") < 40  # a few text objects a line; one a dot made several hundred
    words = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    boxes = [(float(x_min), float(y_min), float(x_max), word) for x_min, y_min, x_max, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', words)]
    (title_end, y), = [(x_max, y_min) for _, y_min, x_max, word in boxes if word == "Section" and
                       any(w == "Second" and abs(y_min - top) < 1 for _, top, _, w in boxes)]
    line = [(x_min, x_max, word) for x_min, y_min, x_max, word in boxes if abs(y_min - y) < 1]
    (dots_start, dots_end, dots), = [(a, b, word) for a, b, word in line if set(word) == {"."}]
    number_start = max(a for a, _, word in line if word.isdigit())  # the page number, right of "02"
    dot = (dots_end - dots_start) / len(dots)
    assert len(dots) > 20 and title_end < dots_start < title_end + 3 * dot
    assert number_start - 3 * dot < dots_end <= number_start
