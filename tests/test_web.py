"""The web edition (`pressroom build web`): build/web/index.html with web.css and its images beside it,
read back with an HTML parser: the content in order, headings, landmarks, language and direction,
images, nothing loaded from outside the edition, the stylesheet, reproducible bytes, and a screenshot."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
import tinycss2

from conftest import REPO, Project
from markdown_sample import EVERY_CONSTRUCT
from pressroom import model as m
from pressroom.cli import main
from pressroom.content import read_content
from pressroom.markdown import plain_text

CHROMIUM = Path("/usr/bin/chromium")
PRIMARY = (0x0E, 0x6B, 0x70)  # --colour-primary of web.css: the masthead's background
RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "xlink:href")
LOADING_SCHEMES = re.compile(r"^\s*(file:|https?:|//)", re.IGNORECASE)
PHYSICAL_SIDES = re.compile(r"(?<![\w-])(margin|padding|border)-(left|right)\b|(?<![\w-])(left|right)\s*:"
                            r"|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)")


def build_web(project: Project, *extra: str) -> int:
    return main(["build", "web", *project.args(), "--out", str(project.out), *extra])


def built_page(project: Project):
    """Build the web edition (failing the test if the build fails) and parse its page."""
    assert build_web(project) == 0
    return parse(project.out / "web" / "index.html")


def parse(path: Path):
    return lxml.html.document_fromstring(path.read_bytes())


def squash(text: str) -> str:
    return " ".join(text.split())


def web_files(project: Project) -> dict[str, bytes]:
    folder = project.out / "web"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def heading_levels(page) -> list[int]:
    return [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def assert_headings_in_order(page) -> None:
    levels = heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"<h{before}> followed by <h{after}> in {levels}"


def part(page, label: str):
    """The <section> of <main> that the heading with id `label` names."""
    (section,) = page.xpath("//main//section[@aria-labelledby=$label]", label=label)
    return section


def png_bytes(colour=(200, 40, 40), size=(4, 3)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def arabic_project(tmp_path: Path) -> Project:
    p = Project(tmp_path / "arabic")
    p.write("content/index.md", """
        ---
        title: التقدم في طب أورام الأطفال
        organisation: منظمة تجريبية
        date: 2025-03-09
        lang: ar
        ---
        مقدمة قصيرة عن الموضوع.
        """)
    p.write("content/sections/01-care.md", """
        ---
        title: الرعاية الداعمة
        slug: care
        pull_quote: رعاية شاملة للأطفال.
        ---
        نص القسم الأول.
        """)
    p.write("content/data/contact.yaml", """
        organisation: منظمة تجريبية
        email: info@example.org
        how_to_help:
          - شارك هذا الكتيب.
        sample: true
        """)
    return p


# the real content ------------------------------------------------------------------------------------

def shown_text(inlines, document) -> str:
    """The text of inline nodes as the page shows it: a cross-reference as "Figure 2"."""
    return "".join(f"{document.labels[n.target].kind.title()} {document.labels[n.target].number}"
                   if isinstance(n, m.CrossRef) else plain_text([n]) for n in inlines)


def test_real_content_every_section_and_paragraph_appears_in_its_part_in_order(repo_project):
    page = built_page(repo_project)
    document = read_content(repo_project.settings)
    labels = page.xpath("//main/section/@aria-labelledby")
    assert labels == ["introduction", *(s.slug for s in document.sections), "institutions", "how-to-help"]
    bodies = [("introduction", document.intro), *((s.slug, s.body) for s in document.sections)]
    for label, body in bodies:
        expected = [squash(shown_text(b.children, document)) for b in body.blocks if isinstance(b, m.Paragraph)]
        shown = [squash(p.text_content()) for p in part(page, label).xpath(".//div[contains(@class, 'prose')]//p")]
        assert expected and shown == expected, label
    titles = [squash(h.text_content()) for h in page.xpath("//main/section/header/h2")]
    assert titles[1:-2] == [s.title for s in document.sections]
    # the whole text of <main>, in reading order, holds every paragraph after the one before it
    text = squash(page.xpath("//main")[0].text_content())
    position = 0
    for _, body in bodies:
        for block in body.blocks:
            if isinstance(block, m.Paragraph):
                found = text.find(squash(shown_text(block.children, document)), position)
                assert found >= position, plain_text(block.children)[:60]
                position = found


def test_real_content_shows_the_brochures_extras_but_not_the_funders(repo_project):
    page = built_page(repo_project)
    document = read_content(repo_project.settings)
    data = document.data
    for section in document.sections:
        quotes = part(page, section.slug).xpath("./aside[@aria-label='Pull quote']")
        assert [squash(quote.text_content()) for quote in quotes] == ([section.pull_quote] if section.pull_quote else [])
        terms = [e["term"] for e in data["glossary"] if e["section"] == section.slug]
        callouts = part(page, section.slug).xpath("./aside[contains(@class, 'callout')]")
        assert [c.get("aria-label") for c in callouts] == [f"Key term: {t}" for t in terms]
        assert [squash(c.xpath("./h3")[0].text_content()) for c in callouts] == terms
    cards = part(page, "institutions").xpath(".//h3")
    assert [squash(h.text_content()) for h in cards] == [i["name"] for i in data["institutions"]]
    help_items = part(page, "how-to-help").xpath(".//ul/li")
    assert [squash(li.text_content()) for li in help_items] == data["contact"]["how_to_help"]
    (footer,) = page.xpath("/html/body/footer")
    footer_text = squash(footer.text_content())
    assert "Sample contact details: fictional, for illustration only." in footer_text
    assert page.xpath("//*[@lang]") == [page]  # an English page marks no part of itself as English
    assert footer.xpath(".//address//a/@href") == [f"mailto:{data['contact']['email']}", data["contact"]["website"]]
    assert f"{document.meta.title} · {document.meta.organisation} · November 2026" in footer_text
    whole = page.text_content()
    assert data["funders"]
    for funder in data["funders"]:
        assert funder["name"] not in whole and funder["contact"]["email"] not in whole


def test_real_content_header_has_the_title_date_and_cover_with_its_alt(repo_project):
    page = built_page(repo_project)
    meta = read_content(repo_project.settings).meta
    (header,) = page.xpath("/html/body/header")
    assert [squash(h.text_content()) for h in header.xpath(".//h1")] == [meta.title]
    assert header.xpath(".//time/@datetime") == ["2026-11-27"]
    assert squash(header.xpath(".//time")[0].text_content()) == "November 2026"
    (cover,) = header.xpath(".//img")
    assert cover.get("alt") == meta.cover_image.alt and cover.get("alt")
    data = (REPO / "content" / "assets" / "cover-kite.svg").read_bytes()
    assert cover.get("src") == f"assets/cover-kite-{hashlib.sha256(data).hexdigest()[:8]}.svg"
    assert (repo_project.out / "web" / cover.get("src")).read_bytes() == data
    assert page.xpath("/html/head/title")[0].text.startswith(meta.title)
    assert page.xpath("/html/head/meta[@name='description']/@content") == [meta.summary]
    assert page.xpath("/html/head/meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert page.xpath("/html/head/meta[@charset]/@charset") == ["utf-8"]


# structure: landmarks, headings, ids ------------------------------------------------------------------

def test_landmarks_and_a_skip_link_first(repo_project):
    page = built_page(repo_project)
    assert len(page.xpath("//main")) == 1 and len(page.xpath("//nav")) == 1
    assert len(page.xpath("/html/body/header")) == 1 and len(page.xpath("/html/body/footer")) == 1
    focusable = page.xpath("//a[@href] | //button | //input | //select | //textarea | //*[@tabindex >= 0]")
    skip = focusable[0]
    main_id = page.xpath("//main/@id")[0]
    assert skip.get("href") == f"#{main_id}" == "#main"
    assert squash(skip.text_content()) == "Skip to content"
    nav = page.xpath("//nav")[0]
    (label,) = page.xpath("//*[@id=$id]", id=nav.get("aria-labelledby"))
    assert squash(label.text_content()) == "Contents"
    assert nav.xpath("./h2[@id=$id]", id=nav.get("aria-labelledby")), "the nav's label is its own heading"
    document = read_content(repo_project.settings)
    assert nav.xpath(".//a/@href") == ["#introduction", *(f"#{s.slug}" for s in document.sections),
                                       "#institutions", "#how-to-help"]
    sections = page.xpath("//main//section[not(contains(@class, 'footnotes'))]")
    assert len(sections) == len(document.sections) + 3
    for section in sections:
        label = section.get("aria-labelledby")
        assert len(page.xpath("//*[@id=$id]", id=label)) == 1
        assert section.xpath("./header/h2[@id=$id]", id=label), f"section {label} is not named by its own <h2>"


def test_headings_never_skip_a_level_on_the_real_page(repo_project):
    page = built_page(repo_project)
    assert_headings_in_order(page)
    assert heading_levels(page).count(3) >= 5  # key terms and institution cards are <h3>


def test_body_headings_are_shifted_under_the_parts_and_gaps_are_closed(project):
    project.write("content/sections/01-first.md", EVERY_CONSTRUCT)
    project.write("content/sections/02-second.md", """
        ---
        title: Second Section
        ---
        Before.

        #### Deep Heading

        Under it.

        ## Back Up

        ###### Very Deep

        End.
        """)
    page = built_page(project)
    assert_headings_in_order(page)
    levels = {squash(h.text_content()): h.tag for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")}
    assert levels["A Sub Heading"] == "h3"  # `##` under the section's <h2>
    assert (levels["Deep Heading"], levels["Back Up"], levels["Very Deep"]) == ("h3", "h3", "h4")
    assert page.xpath("//h3[@id='deep-heading']") and page.xpath("//h4[@id='very-deep']")


def test_every_id_is_unique_and_every_internal_link_reaches_one(project):
    project.write("content/sections/01-first.md", EVERY_CONSTRUCT + "\n## Introduction\n\nA heading named like a part.\n")
    page = built_page(project)
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert "introduction" in ids and page.xpath("//h3[@id='introduction']")  # the content's anchor is kept
    nav_intro = page.xpath("//nav//a/@href")[0]
    assert nav_intro == "#introduction-1" and page.xpath("//h2[@id='introduction-1']")
    targets = [href[1:] for href in page.xpath("//a/@href") if href.startswith("#")]
    assert "first-fn1" in targets  # the footnote reference, written by the body renderer
    for target in targets:
        assert target in ids, target
    assert page.xpath("//section[@role='doc-endnotes']//li[@id='first-fn1']")


def test_lang_and_dir_follow_the_front_matter(project, arabic_project):
    page = built_page(project)
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")
    assert page.xpath("//nav/h2/@lang") == []  # English labels need no lang of their own on an English page
    page = built_page(arabic_project)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert squash(page.xpath("//h1")[0].text_content()) == "التقدم في طب أورام الأطفال"
    # the page's own words are the document's language, from the Arabic message catalogue
    assert page.xpath("//nav/h2/@lang") == [] and squash(page.xpath("//nav/h2")[0].text_content()) == "المحتويات"
    assert squash(part(page, "care").xpath(".//div[contains(@class, 'prose')]")[0].text_content()) == "نص القسم الأول."
    assert page.xpath("//time/@datetime") == ["2025-03-09", "2025-03-09"]
    assert page.xpath("//time/@lang") == [] and squash(page.xpath("//time")[0].text_content()) == "مارس 2025"
    (note,) = page.xpath("//footer//p[@class='sample-note']")
    assert squash(note.text_content()) == "بيانات اتصال نموذجية: وهمية، لأغراض التوضيح فقط."
    assert_headings_in_order(page)


def test_no_date_no_time_element_and_no_cover_no_image(project):
    project.write("content/index.md", "---\ntitle: Undated\n---\nIntro.\n")
    page = built_page(project)
    assert page.xpath("//time") == [] and page.xpath("//img") == []
    assert squash(page.xpath("//footer//p[@class='colophon']")[0].text_content()) == "Undated"


# images and resources ---------------------------------------------------------------------------------

def test_local_images_are_copied_under_a_content_hash_and_data_urls_kept(project):
    photo = png_bytes()
    (project.content / "assets").mkdir()
    (project.content / "assets" / "Photo of a ward.png").write_bytes(photo)
    data_url = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    project.write("content/sections/01-first.md", f"""
        ---
        title: First Section
        ---
        ![A bright ward](../assets/Photo%20of%20a%20ward.png "The ward")

        Inline ![the same ward](<../assets/Photo of a ward.png>) and a pixel ![A pixel]({data_url}).
        """)
    project.write("content/index.md", """
        ---
        title: Test Brochure
        cover_image: assets/Photo of a ward.png
        cover_image_alt: The ward, seen from the door
        ---
        Intro.
        """)
    page = built_page(project)
    name = f"assets/Photo-of-a-ward-{hashlib.sha256(photo).hexdigest()[:8]}.png"
    images = page.xpath("//img")
    assert [(i.get("src"), i.get("alt")) for i in images] == [
        (name, "The ward, seen from the door"), (name, "A bright ward"), (name, "the same ward"), (data_url, "A pixel")]
    assert page.xpath("//figure/figcaption/text()") == ["The ward"]
    for image in images:
        assert image.get("alt").strip()
        src = image.get("src")
        if not src.startswith("data:"):
            assert not Path(src).is_absolute() and ".." not in Path(src).parts
            assert (project.out / "web" / src).is_file()
    assert sorted(web_files(project)) == [name, "index.html", "web.css"]
    assert web_files(project)[name] == photo


def test_a_remote_image_is_written_as_its_alt_text_not_loaded(project):
    project.write("pressroom.yaml", "allow_remote_resources: true\n")
    project.write("content/sections/01-first.md", """
        ---
        title: First Section
        ---
        ![A chart of survival rates](https://example.org/chart.png)

        Text with ![an inline icon](https://example.org/icon.png) in it.
        """)
    page = built_page(project)
    assert page.xpath("//img") == []
    assert page.xpath("//span[@class='image-alt']/text()") == ["A chart of survival rates", "an inline icon"]
    assert b"example.org" not in (project.out / "web" / "index.html").read_bytes()


def test_raw_html_that_loads_a_remote_resource_is_refused(project, capsys):
    project.write("pressroom.yaml", "allow_raw_html: true\nallow_remote_resources: true\n")
    project.write("content/sections/01-first.md", """
        ---
        title: First Section
        ---
        <img src="https://example.org/tracker.png" alt="x">
        """)
    assert build_web(project) == 1
    err = capsys.readouterr().err
    assert "loads 'https://example.org/tracker.png'" in err and "web edition may load only its own files" in err
    assert not (project.out / "web" / "index.html").exists()


def test_nothing_on_the_page_loads_a_file_or_network_resource(repo_project):
    repo_project.write("content/sections/02-gains-in-research.md",
                       (REPO / "content/sections/02-gains-in-research.md").read_text()
                       + "\nSee [the example site](https://example.org/page) and [a mail](mailto:a@example.org).\n")
    page = built_page(repo_project)
    html = (repo_project.out / "web" / "index.html").read_text()
    checked = 0
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if element.tag == "a" and name == "href":
                continue  # a hyperlink is followed by the reader, never loaded
            parts = [p.split()[0] for p in value.split(",") if p.strip()] if name == "srcset" else [value]
            for part_value in parts:
                assert not LOADING_SCHEMES.match(part_value), (element.tag, name, value)
            if name == "style":
                assert "url(" not in value.lower()
            checked += 1
        if element.tag == "style":
            assert "url(" not in (element.text or "").lower() and "@import" not in (element.text or "").lower()
    assert checked > 50
    assert page.xpath("//a[@href='https://example.org/page']")  # links to the web stay links
    assert page.xpath("//script | //iframe | //object | //embed | //link[@rel!='stylesheet' and @rel!='icon']") == []
    assert page.xpath("//link[@rel='icon']/@href") == ["data:,"]  # no request for /favicon.ico either
    (stylesheet,) = page.xpath("//link[@rel='stylesheet']/@href")
    assert stylesheet == "web.css" and (repo_project.out / "web" / stylesheet).is_file()
    for src in page.xpath("//img/@src"):
        assert src.startswith("data:image/svg+xml;base64,") or (repo_project.out / "web" / src).is_file()
    assert str(repo_project.root) not in html and "file:" not in html


# the stylesheet -----------------------------------------------------------------------------------------

def test_the_stylesheet_is_copied_and_loads_nothing(project):
    built_page(project)
    css = (project.out / "web" / "web.css").read_text()
    assert css == (REPO / "templates" / "web" / "web.css").read_text()
    assert "url(" not in css.lower() and "@import" not in css.lower() and "@font-face" not in css.lower()
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    families = [d for d in tinycss2.parse_blocks_contents(_root_block(rules)) if d.type == "declaration"]
    font_values = {d.lower_name: tinycss2.serialize(d.value) for d in families if d.lower_name.startswith("--font")}
    assert font_values["--font-text"].strip().startswith('"Noto Serif"') and "Georgia" in font_values["--font-text"]
    assert font_values["--font-display"].strip().startswith('"Noto Sans"') and "system-ui" in font_values["--font-display"]


def _root_block(rules):
    (root,) = [r for r in rules if r.type == "qualified-rule" and tinycss2.serialize(r.prelude).strip() == ":root"]
    return root.content


def test_the_stylesheet_uses_logical_sides_so_rtl_mirrors(project):
    css = (REPO / "templates" / "web" / "web.css").read_text()
    without_comments = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert PHYSICAL_SIDES.findall(without_comments) == []
    assert PHYSICAL_SIDES.search("p { margin-left: 1em }")  # the check itself finds a physical side
    for logical in ("margin-inline", "padding-inline-start", "border-inline-start", "inset-inline-start"):
        assert logical in without_comments


def test_the_stylesheet_has_focus_styles_a_measure_and_a_print_version(project):
    css = (REPO / "templates" / "web" / "web.css").read_text()
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    selectors = {tinycss2.serialize(r.prelude).strip(): tinycss2.serialize(r.content)
                 for r in rules if r.type == "qualified-rule"}
    assert "outline" in selectors[":focus-visible"]
    assert "clip-path" in selectors[".skip-link:not(:focus)"]
    assert "--measure: calc(38 * var(--size-text))" in selectors[":root"]
    assert "max-inline-size: var(--measure)" in selectors[".prose"]
    assert "clamp(" in selectors[":root"]  # fluid type
    (printing,) = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "media"
                   and tinycss2.serialize(r.prelude).strip() == "print"]
    inner = {tinycss2.serialize(r.prelude).strip(): tinycss2.serialize(r.content)
             for r in tinycss2.parse_rule_list(printing.content, skip_comments=True, skip_whitespace=True)
             if r.type == "qualified-rule"}
    hidden = next(body for selector, body in inner.items() if ".contents" in selector.split(", "))
    assert "display: none" in hidden
    urls_after = next(body for selector, body in inner.items() if selector.startswith('a[href^="http"]'))
    assert 'content: " (" attr(href) ")"' in urls_after
    assert "#fff" in inner["html, body"] and "#000" in inner["html, body"]


def test_a_project_without_web_templates_gets_the_built_in_theme_and_may_restyle_it(project):
    shutil.rmtree(project.templates / "web")
    built_page(project)
    assert (project.out / "web" / "web.css").read_bytes() == (REPO / "templates" / "web" / "web.css").read_bytes()
    (project.templates / "web").mkdir()
    (project.templates / "web" / "web.css").write_text("body { color: #111; }\n")
    page = built_page(project)
    assert (project.out / "web" / "web.css").read_text() == "body { color: #111; }\n"
    assert page.xpath("//h1/text()") == ["Test Brochure"]  # the page itself still comes from the theme


def test_a_project_stylesheet_that_loads_a_file_is_refused(project, capsys):
    (project.templates / "web" / "bg.png").write_bytes(png_bytes())
    (project.templates / "web" / "web.css").write_text("body { background: url(bg.png); }\n")
    assert build_web(project) == 1
    err = capsys.readouterr().err
    assert "web.css:1: url(): 'bg.png'" in err
    assert not (project.out / "web").exists()


# reproducible -------------------------------------------------------------------------------------------

def test_building_twice_and_elsewhere_gives_the_same_bytes(repo_project, tmp_path):
    assert build_web(repo_project) == 0
    first = web_files(repo_project)
    assert build_web(repo_project) == 0
    assert web_files(repo_project) == first
    elsewhere = Project(tmp_path / "elsewhere")
    shutil.copytree(REPO / "content", elsewhere.content)
    assert build_web(elsewhere) == 0
    assert web_files(elsewhere) == first
    assets = [name for name in first if name.startswith("assets/")]
    assert len(assets) == 2 and re.fullmatch(r"assets/cover-kite-[0-9a-f]{8}\.svg", assets[0])
    assert re.fullmatch(r"assets/kite-illustration-[0-9a-f]{8}\.png", assets[1])
    assert sorted(set(first) - set(assets)) == ["index.html", "web.css"]


def test_stale_assets_are_removed_and_the_current_ones_kept(project):
    import pressroom
    from pressroom.web.page import remove_stale_assets

    (project.content / "assets").mkdir()
    image = project.content / "assets" / "chart.png"
    project.write("content/sections/01-first.md", "---\ntitle: First\n---\n![A chart](../assets/chart.png)\n")
    image.write_bytes(png_bytes((10, 10, 10)))
    pressroom.build(project.settings, "web")
    image.write_bytes(png_bytes((250, 250, 250)))
    written = pressroom.build(project.settings, "web")
    current = f"chart-{hashlib.sha256(image.read_bytes()).hexdigest()[:8]}.png"
    left_over = project.out / "web" / "assets" / "chart-00000000.png"
    left_over.write_bytes(b"old")
    assert left_over in remove_stale_assets(project.out, written)
    assert sorted(p.name for p in (project.out / "web" / "assets").iterdir()) == [current]
    assert parse(project.out / "web" / "index.html").xpath("//img/@src") == [f"assets/{current}"]


# a screenshot -------------------------------------------------------------------------------------------

@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (/usr/bin/chromium), so the page "
                    "cannot be screenshotted; install it (apt-get install chromium) to run this check")
def test_a_headless_browser_renders_the_page_with_its_stylesheet(repo_project, tmp_path):
    from PIL import Image

    assert build_web(repo_project) == 0
    index = repo_project.out / "web" / "index.html"
    shot = tmp_path / "shot.png"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1280,2000", index.as_uri()],
                   capture_output=True, timeout=180, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50
    # web.css was found and applied: the masthead is the primary colour, the text column white
    assert image.getpixel((5, 5)) == PRIMARY
    assert image.getpixel((5, 1900)) == (255, 255, 255)
