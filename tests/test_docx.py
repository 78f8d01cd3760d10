"""The funders' Word report, read back with python-docx (and with LibreOffice and pandoc when installed)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from lxml import etree
from PIL import Image

from pressroom.pipeline import BuildRequest, build
from conftest import brochure_pdf, job_for, report_docx
from pressroom.content import read_content
from pressroom.errors import PressroomError
from pressroom.report.reference import build_reference_document
from pressroom.report.docx import bookmark_name

from conftest import REPO

from markdown_sample import EVERY_CONSTRUCT

SECOND = """\
---
title: Second Section
---
Second body paragraph with its own note.[^a] See [the first section](#first).

7. seventh
8. eighth

   5. nested fifth
   6. nested sixth

- ```
  code opening an item
  ```

### A third level

- outer bullet
  - middle bullet
    - inner bullet

#### A fourth level

###### A sixth level

![A square of colour](../assets/square.png "The square's caption")

[^a]: Second note, linking to [the source](https://example.com/source).
"""

FUNDER = {"slug": "test-fund", "name": "Test Fund (sample funder)", "contact": {"name": "Ada Example",
          "email": "ada@example.org"}, "grant": {"amount": 12345, "currency": "EUR"},
          "programme": "Test programme", "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
          "sample": True}


@pytest.fixture
def sample(project):
    """A project using every construct, two footnoted sections, a restarting list and an image."""
    project.write("content/index.md", """
        ---
        title: Test Report
        subtitle: A subtitle
        organisation: Test Org
        date: 2024-05-01
        lang: en
        summary: A one-line summary.
        keywords: [alpha, beta]
        ---
        The introduction with _emphasis_.
        """)
    project.write("content/sections/01-first.md", EVERY_CONSTRUCT.replace("title: Every Construct",
                                                                          "title: First Section"))
    project.write("content/sections/02-second.md", SECOND)
    (project.content / "assets").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (300, 200), (200, 120, 60)).save(project.content / "assets" / "square.png")
    return project


def render(project, funder=None) -> bytes:
    return report_docx(read_content(project.settings), project.settings, funder)


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture
def report(sample):
    return open_docx(render(sample))


def styled(report) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in report.paragraphs]


class Footnotes:
    """An element of the footnotes part (plain lxml: python-docx has no class for it), with prefixed xpath."""

    def __init__(self, element):
        self.element = element

    def xpath(self, path: str):
        return etree.XPath(path, namespaces=nsmap)(self.element)


def footnotes_root(report) -> Footnotes:
    return Footnotes(report.part.part_related_by(RT.FOOTNOTES).element)


def body_texts(report) -> str:
    return "\n".join(p.text for p in report.paragraphs)


# Styles ----------------------------------------------------------------------------------------------


def test_blocks_use_the_reference_documents_named_styles(report):
    paragraphs = styled(report)
    for expected in [("Title", "Test Report"), ("Subtitle", "A subtitle"), ("TOC Heading", "Contents"),
                     ("Heading 1", "Executive summary"), ("Heading 1", "First Section"),
                     ("Heading 2", "A Sub Heading"), ("Quote", "A quoted paragraph."),
                     ("List Bullet", "bullet one"), ("List Number", "nested ordered"),
                     ("List Number", "seventh"), ("Source Code", 'print("code block")'),
                     ("Caption", "Figure\u00a01: The square's caption")]:
        assert expected in paragraphs, expected
    assert "Thematic Break" in [name for name, _ in paragraphs]
    table_styles = [t.style.name for t in report.tables]
    assert table_styles and set(table_styles) == {"Report Table"}


def test_no_direct_formatting_beyond_emphasis_strong_and_code(report):
    allowed = {qn("w:rStyle"), qn("w:b"), qn("w:i"), qn("w:vertAlign")}
    for rPr in report.element.body.iter(qn("w:rPr")):
        assert {child.tag for child in rPr} <= allowed, rPr.xml
    for pPr in report.element.body.iter(qn("w:pPr")):  # styles, numbering, cell alignment, section break
        assert {c.tag for c in pPr} <= {qn("w:pStyle"), qn("w:numPr"), qn("w:jc"), qn("w:sectPr")}, pPr.xml


def test_table_cells_keep_their_column_alignment(report):
    table = next(t for t in report.tables if t.cell(0, 0).text == "Left")
    alignments = [[cell._tc.xpath("string(./w:p/w:pPr/w:jc/@w:val)") for cell in row.cells] for row in table.rows]
    assert alignments == [["left", "right"], ["left", "right"]]


def test_inline_code_uses_the_verbatim_character_style(report):
    runs = [r for p in report.paragraphs for r in p.runs if r.text == "inline code"]
    assert runs and {r.style.name for r in runs} == {"Verbatim Char"}


def test_hard_break_and_thematic_break(report):
    paragraph = next(p for p in report.paragraphs if "a hard break" in p.text)
    assert paragraph._p.xpath("./w:r/w:br[not(@w:type)]")
    assert paragraph.text.endswith("a hard break\nafter it.")
    rule = next(p for p in report.paragraphs if p.style.name == "Thematic Break")
    assert rule.text == ""


def test_missing_style_is_named_in_one_line(sample):
    reference = sample.templates / "report" / "reference.docx"
    document = docx.Document(str(reference))
    style = document.styles["Report Table"].element
    style.getparent().remove(style)
    document.save(str(reference))
    with pytest.raises(PressroomError) as raised:
        render(sample)
    message = str(raised.value)
    assert "lacks the style 'Report Table'" in message and "\n" not in message


def test_reference_document_is_what_its_script_builds():
    assert (REPO / "templates" / "report" / "reference.docx").read_bytes() == build_reference_document()
    package = zipfile.ZipFile(io.BytesIO(build_reference_document()))
    assert "word/footnotes.xml" in package.namelist()
    assert "docProps/thumbnail.jpeg" not in package.namelist()
    assert b'<w:zoom w:val="bestFit" w:percent="100"/>' in package.read("word/settings.xml")  # as the schema asks


# Lists -----------------------------------------------------------------------------------------------


def numbering_of(report) -> dict[str, tuple[int, int]]:
    return {p.text: (p._p.pPr.numPr.numId.val, p._p.pPr.numPr.ilvl.val) for p in report.paragraphs
            if p._p.pPr is not None and p._p.pPr.numPr is not None}


def start_of(report, num_id: int, level: int) -> str | None:
    num = next(n for n in report.part.numbering_part.element.num_lst if n.numId == num_id)
    starts = num.xpath(f"./w:lvlOverride[@w:ilvl='{level}']/w:startOverride/@w:val")
    return starts[0] if starts else None


def test_lists_have_levels_and_every_numbered_list_restarts(report):
    numbers = numbering_of(report)
    assert [numbers[t][1] for t in ("outer bullet", "middle bullet", "inner bullet")] == [0, 1, 2]
    assert numbers["bullet one"][1] == 0 and numbers["bullet two"] == numbers["bullet one"]
    assert numbers["nested ordered"][1] == 1 and numbers["nested second"] == numbers["nested ordered"]
    lists = {numbers[t][0] for t in ("bullet one", "nested ordered", "third item", "seventh", "nested fifth")}
    assert len(lists) == 5  # one w:num per list, so each restarts
    for text, start in [("nested ordered", "1"), ("third item", "3"), ("seventh", "7"), ("nested fifth", "5")]:
        num_id, level = numbers[text]
        assert start_of(report, num_id, level) == start, text  # on the level the items use
    assert numbers["nested fifth"][1] == 1
    assert start_of(report, numbers["bullet one"][0], 0) is None


def test_a_list_item_that_opens_with_a_code_block_still_has_its_bullet(report):
    body = report.element.body
    code = next(p for p in body.iter(qn("w:p")) if "code opening an item" in "".join(p.itertext()))
    marker = code.getprevious()
    assert marker.pPr.numPr is not None and "".join(marker.itertext()) == ""


# Structure: cover section, TOC, header and footer ---------------------------------------------------


def test_cover_is_a_section_of_its_own_without_header_or_footer(report):
    cover, body = report.sections
    assert not cover._sectPr.xpath("./w:headerReference | ./w:footerReference")
    assert body._sectPr.xpath("./w:headerReference[@w:type='default']")
    assert body._sectPr.xpath("./w:footerReference[@w:type='default']")
    last_cover_paragraph = report.element.body.xpath("./w:p[w:pPr/w:sectPr]")
    assert [p.xpath("string(.)") for p in last_cover_paragraph] == ["1 May 2024"]
    assert (cover.page_width, cover.left_margin) == (body.page_width, body.left_margin)


def field_results(paragraph_elements) -> dict[str, str]:
    """Each complex field's instruction -> its cached result text (fields may span paragraphs)."""
    results, stack = {}, []
    for r in (r for p in paragraph_elements for r in p.iter(qn("w:r"))):
        kind = r.xpath("string(./w:fldChar/@w:fldCharType)")
        if kind == "begin":
            stack.append(["", None])
        elif kind == "separate":
            stack[-1][1] = ""
        elif kind == "end":
            instruction, result = stack.pop()
            results[instruction.strip()] = result
        elif stack:
            if stack[-1][1] is None:
                stack[-1][0] += r.xpath("string(./w:instrText)")
            else:
                stack[-1][1] += r.xpath("string(./w:t)")
    return results


def test_header_has_the_title_and_footer_page_x_of_y_fields(report):
    body = report.sections[1]
    assert [p.text for p in body.header.paragraphs] == ["Test Report"]
    assert body.header.paragraphs[0].style.name == "Header"
    footer = body.footer.paragraphs
    assert footer[0].style.name == "Footer"
    assert field_results([p._p for p in footer]) == {"PAGE": "1", "NUMPAGES": "1"}
    assert footer[0]._p.xpath("string(.)") == "Page  PAGE 1 of  NUMPAGES 1"


def test_toc_is_a_field_whose_cached_result_lists_the_headings(report):
    fields = field_results(report.element.body.iter(qn("w:p")))
    toc = fields['TOC \\o "1-3" \\h \\z \\u']
    headings = [p.text for p in report.paragraphs if p.style.name in ("Heading 1", "Heading 2", "Heading 3")]
    assert headings[:4] == ["Executive summary", "First Section", "A Sub Heading", "Second Section"]
    assert toc == "".join(headings)
    entries = [p for p in report.paragraphs if p.style.name.lower() in ("toc 1", "toc 2", "toc 3")]
    assert [(p.style.name.lower(), p.text.split("\t")[0]) for p in entries][:3] == [
        ("toc 1", "Executive summary"), ("toc 1", "First Section"), ("toc 2", "A Sub Heading")]
    bookmarks = set(report.element.body.xpath(".//w:bookmarkStart/@w:name"))
    anchors = [p._p.xpath("string(./w:hyperlink/@w:anchor)") for p in entries]
    assert anchors[:3] == ["executive-summary", "first", "a-sub-heading"]
    assert set(anchors) <= bookmarks
    # Word is asked to update the fields on opening only when LibreOffice did not fill the page numbers in
    filled = all(p.text.split("\t")[-1].isdigit() for p in entries)
    assert report.settings.element.xpath("./w:updateFields/@w:val") == ([] if filled else ["true"])


def test_headings_keep_their_level_to_six_and_the_toc_lists_one_to_three(report):
    paragraphs = styled(report)
    for expected in [("Heading 3", "A third level"), ("Heading 4", "A fourth level"),
                     ("Heading 6", "A sixth level")]:
        assert expected in paragraphs, expected
    entries = [(p.style.name.lower(), p.text.split("\t")[0]) for p in report.paragraphs
               if p.style.name.lower().startswith("toc ")]
    assert ("toc 3", "A third level") in entries
    assert not any(text in ("A fourth level", "A sixth level") for _, text in entries)


def test_toc_without_headings_keeps_an_instruction(sample):
    sample.write("templates/report/report.yaml.j2", "- cover: {}\n- toc: {}\n- intro:\n")
    report = open_docx(render(sample))
    fields = field_results(report.element.body.iter(qn("w:p")))
    assert fields['TOC \\o "1-3" \\h \\z \\u'].startswith("Right-click and choose Update Field")


def test_bookmark_names_stay_unique_when_the_template_repeats_an_anchor(sample):
    template = sample.templates / "report" / "report.yaml.j2"
    template.write_text(template.read_text() + '- heading: {text: "Again", level: 1, anchor: "first"}\n')
    report = open_docx(render(sample))
    names = report.element.body.xpath(".//w:bookmarkStart/@w:name")
    assert names.count("first") == 1 and len(names) == len(set(names))
    entries = [p for p in report.paragraphs if p.style.name.lower() == "toc 1"]
    again = next(p for p in entries if p.text.split("\t")[0] == "Again")
    assert again._p.xpath("string(./w:hyperlink/@w:anchor)") in names


def test_long_anchors_become_word_sized_bookmarks():
    long = "a-heading-whose-anchor-is-far-longer-than-forty-characters"
    assert len(bookmark_name(long)) == 40 and bookmark_name(long) != bookmark_name(long + "-2")
    assert bookmark_name("short") == "short"


# Links, footnotes, images ----------------------------------------------------------------------------


def test_hyperlinks_are_external_relationships_and_internal_links_bookmarks(report):
    links = report.element.body.xpath(".//w:hyperlink[@r:id]")
    targets = {link.xpath("string(.)"): report.part.rels[link.get(qn("r:id"))] for link in links}
    assert targets["web link"].is_external and targets["web link"].target_ref == "https://example.org/page"
    assert report.element.body.xpath(".//w:hyperlink[@r:id]/w:r/w:rPr/w:rStyle/@w:val")[0] == "Hyperlink"
    internal = {link.xpath("string(.)"): link.get(qn("w:anchor"))
                for link in report.element.body.xpath("./w:p/w:hyperlink[@w:anchor]")}
    assert internal["the sub heading"] == "a-sub-heading" and internal["the first section"] == "first"
    bookmarks = set(report.element.body.xpath(".//w:bookmarkStart/@w:name"))
    assert {"a-sub-heading", "first"} <= bookmarks


def test_emphasis_inside_a_link_keeps_the_hyperlink_style(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\nSee [the *very* best](https://example.org).\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    [link] = report.element.body.xpath(".//w:hyperlink[@r:id]")
    runs = link.xpath("./w:r")
    assert [r.xpath("string(.)") for r in runs] == ["the ", "very", " best"]
    assert all(r.xpath("./w:rPr/w:rStyle/@w:val") == ["Hyperlink"] for r in runs)
    assert runs[1].xpath("./w:rPr/w:i") and not runs[0].xpath("./w:rPr/w:i")


def test_footnotes_are_real_word_footnotes(report):
    root = footnotes_root(report)
    kinds = root.xpath("./w:footnote/@w:type")
    assert kinds == ["separator", "continuationSeparator"]
    notes = {int(n.get(qn("w:id"))): Footnotes(n) for n in root.xpath("./w:footnote[not(@w:type)]")}
    assert sorted(notes) == [1, 2]  # numbered across the document, though each file counts from 1
    assert notes[1].xpath("string(.)").strip() == "The footnote text."
    assert notes[2].xpath("string(.)").strip() == "Second note, linking to the source."
    for note in notes.values():
        assert note.xpath("./w:p[1]/w:pPr/w:pStyle/@w:val") == ["FootnoteText"]  # the style's id
        assert note.xpath("./w:p[1]/w:r[1]/w:footnoteRef")
    references = report.element.body.xpath(".//w:r[w:footnoteReference]")
    assert [r.xpath("string(./w:footnoteReference/@w:id)") for r in references] == ["1", "2"]
    assert {r.xpath("string(./w:rPr/w:rStyle/@w:val)") for r in references} == {"FootnoteReference"}
    assert "The footnote text." not in body_texts(report)
    assert report.settings.element.xpath("./w:footnotePr/w:footnote/@w:id") == ["-1", "0"]


def test_links_in_footnotes_are_related_from_the_footnotes_part(report):
    part = report.part.part_related_by(RT.FOOTNOTES)
    link = Footnotes(part.element).xpath(".//w:hyperlink")[0]
    relationship = part.rels[link.get(qn("r:id"))]
    assert relationship.is_external and relationship.target_ref == "https://example.com/source"


def test_a_document_without_notes_still_has_the_separator_notes(project):
    report = open_docx(render(project))
    root = footnotes_root(report)
    assert root.xpath("./w:footnote/@w:type") == ["separator", "continuationSeparator"]
    assert not report.element.body.xpath(".//w:footnoteReference")


def test_images_carry_alt_text_and_fit_the_text_width(report):
    pictures = report.inline_shapes
    assert len(pictures) == 1
    assert pictures[0]._inline.docPr.get("descr") == "A square of colour"
    assert pictures[0]._inline.docPr.get("title") == "The square's caption"
    section = report.sections[-1]
    assert pictures[0].width <= section.page_width - section.left_margin - section.right_margin


def test_tall_images_fit_the_text_height(project):
    Image.new("RGB", (600, 4000), (200, 30, 30)).save(project.content / "tall.png", dpi=(72, 72))
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n![A tall bar](../tall.png)\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    [picture] = report.inline_shapes
    section = report.sections[-1]
    assert picture.height <= section.page_height - section.top_margin - section.bottom_margin
    assert abs(picture.width / picture.height - 600 / 4000) < 0.01


def test_institutions_table_repeats_its_header_row_and_never_splits_a_row(repo_project):
    report = docx.Document(io.BytesIO(render(repo_project)))
    [table] = [t for t in report.tables if t.rows[0].cells[0].text == "Institution"]
    assert [r.cells[0].text for r in table.rows[1:]] == [
        "King Hussein Cancer Center", "Qatar Biomedical Research Institute", "Sanad Children's Cancer Support Association"]
    properties = [[child.tag.split("}")[1] for child in row._tr.trPr] for row in table.rows]
    assert properties[0] == ["cantSplit", "tblHeader"]  # the schema's order
    assert all(p == ["cantSplit"] for p in properties[1:])


# Properties and reproducibility -----------------------------------------------------------------------


def test_core_properties_come_from_the_content(report):
    props = report.core_properties
    stamp = dt.datetime(2024, 5, 1)
    assert (props.title, props.subject, props.author) == ("Test Report", "A one-line summary.", "Test Org")
    assert (props.keywords, props.language) == ("alpha, beta", "en")
    assert props.created.replace(tzinfo=None) == stamp and props.modified.replace(tzinfo=None) == stamp
    app = next(p for p in report.part.package.iter_parts() if p.partname == "/docProps/app.xml").blob
    assert b"<Application>Pressroom</Application>" in app and b"<Company>Test Org</Company>" in app


@pytest.mark.parametrize("year, zip_year", [(1975, 1980), (2150, 2107)])
def test_dates_a_zip_cannot_record_keep_the_properties_and_clamp_the_entry_times(sample, year, zip_year):
    index = sample.content / "index.md"
    index.write_text(index.read_text().replace("date: 2024-05-01", f"date: {year}-05-01"))
    data = render(sample)
    assert {info.date_time[0] for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {zip_year}
    assert open_docx(data).core_properties.created.year == year


def test_two_builds_are_byte_identical(sample):
    first, second = render(sample), render(sample)
    assert first == second
    assert render(sample, FUNDER) == render(sample, FUNDER)
    package = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in package.infolist()} == {(2024, 5, 1, 0, 0, 0)}
    names = package.namelist()
    assert {"word/footnotes.xml", "word/header1.xml", "word/footer1.xml"} <= set(names)
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])


# Funder editions ---------------------------------------------------------------------------------------


def test_each_funder_edition_carries_its_funders_fields(repo_project):
    written = build(repo_project.settings, BuildRequest.for_target("report"))
    general = open_docx(written[0].read_bytes())
    assert "Your support" not in body_texts(general)
    funders = read_content(repo_project.settings).data["funders"]
    assert len(funders) >= 2
    written = build(repo_project.settings, BuildRequest.for_target("reports"))
    assert [p.name for p in written] == [f"{f['slug']}.docx" for f in funders]
    for funder, path in zip(funders, written):
        edition = open_docx(path.read_bytes())
        text = body_texts(edition)
        cells = [c.text for t in edition.tables for row in t.rows for c in row.cells]
        amount = f"{funder['grant']['currency']} {funder['grant']['amount']:,.0f}"
        assert f"Prepared for {funder['name']}" in text
        assert f"Grant: {amount}" in text
        assert ("Heading 1", "Your support") in styled(edition)
        assert funder["programme"] in cells and amount in cells and funder["name"] in cells
        assert any(funder["contact"]["name"] in c for c in cells)
        others = [f["name"] for f in funders if f is not funder]
        assert not any(name in text or name in cells for name in others)


# Second readers ---------------------------------------------------------------------------------------


READER_TEXTS = ["Test Report", "A Sub Heading", "A quoted paragraph.", "bullet one", "nested ordered",
                'print("code block")', "cell a", "The footnote text.", "Second note, linking to",
                "Second body paragraph"]


def test_libreoffice_reads_the_report(sample, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    source = tmp_path / "report.docx"
    source.write_bytes(render(sample))
    out = tmp_path / "pdf"
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                             "--convert-to", "pdf", "--outdir", str(out), str(source)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pdf = out / "report.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    text = "\n".join(pages)
    for expected in READER_TEXTS:
        assert expected in text, expected
    assert "Test Report" in pages[0] and "Page" not in pages[0]  # the cover: no header, no footer
    assert "Contents" in pages[1] and "First Section" in pages[1] and "Page 2 of" in pages[1]
    assert text.count("The footnote text.") == 1


def test_pandoc_reads_the_report(sample, tmp_path):
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed: apt-get install pandoc")
    source = tmp_path / "report.docx"
    source.write_bytes(render(sample))
    command = ["pandoc", "-s", "--wrap=none", "-f", "docx", "-t", "markdown", str(source)]
    text = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    for expected in READER_TEXTS:
        assert expected in text, expected
    assert "[^1]" in text and "[^1]: The footnote text." in text  # pandoc sees real footnotes
    assert "[web link](https://example.org/page)" in text
    assert "![A square of colour]" in text
    assert "7.  seventh" in text


def test_grant_amounts_keep_their_cents_only_when_they_have_some(sample):
    whole = open_docx(render(sample, FUNDER))
    assert "Grant: EUR 12,345, Test programme" in body_texts(whole)
    cents = open_docx(render(sample, {**FUNDER, "grant": {"amount": Decimal("1234.50"), "currency": "USD"}}))
    assert "Grant: USD 1,234.50, Test programme" in body_texts(cents)
    fils = open_docx(render(sample, {**FUNDER, "grant": {"amount": Decimal("12500.125"), "currency": "JOD"}}))
    assert "Grant: JOD 12,500.125, Test programme" in body_texts(fils)
    assert "Sample funder" in body_texts(cents)


def test_footnotes_hold_lists_and_pictures_like_the_body(sample):
    sample.write("content/sections/02-second.md", """
        ---
        title: Second Section
        ---
        A claim.[^long]

        ![A body picture](../assets/square.png)

        [^long]: A note in two parts:

            - first point
            - second point

            ![A small square](../assets/square.png)
        """)
    report = open_docx(render(sample))
    part = report.part.part_related_by(RT.FOOTNOTES)
    note = Footnotes(part.element).xpath("./w:footnote[@w:id='2']")[0]
    paragraphs = Footnotes(note).xpath("./w:p")
    assert [Footnotes(p).xpath("string(.)") for p in paragraphs[1:3]] == ["first point", "second point"]
    assert all(Footnotes(p).xpath("./w:pPr/w:numPr") for p in paragraphs[1:3])
    assert Footnotes(note).xpath(".//wp:docPr/@descr") == ["A small square"]
    ids = report.element.body.xpath(".//wp:docPr/@id") + Footnotes(part.element).xpath(".//wp:docPr/@id")
    assert len(ids) == 2 and len(set(ids)) == 2  # unique across the parts
    embed = Footnotes(note).xpath(".//a:blip/@r:embed")
    assert part.rels[embed[0]].reltype == RT.IMAGE


def test_report_builds_without_optional_metadata(project):
    """A project whose index has only a title still gets a cover (title alone) and a report."""
    project.write("content/index.md", "---\ntitle: Only A Title\n---\nIntro.\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    cover = [(p.style.name, p.text) for p in report.paragraphs][:2]
    assert cover[0] == ("Title", "Only A Title")


def test_emoji_and_astral_characters_in_names_reach_the_report(project):
    project.write("content/sections/01-first.md", "---\ntitle: Kites \U0001F680 and \U0002000B\n---\nBody.\n")
    project.write("content/data/institutions.yaml", "- name: Clinic \U0001F3E5\n  role: Cares.\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    texts = [p.text for p in report.paragraphs]
    assert "Kites \U0001F680 and \U0002000B" in texts
    assert "Clinic \U0001F3E5" in [c.text for t in report.tables for row in t.rows for c in row.cells]


def test_long_metadata_is_cut_at_a_word_to_the_property_limit(project):
    summary = " ".join(["A long summary sentence that keeps going."] * 12)
    project.write("content/index.md", f"---\ntitle: T\nsummary: {summary}\nkeywords: [{', '.join(['kw'] * 120)}]\n---\nIntro.\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    subject = report.core_properties.subject
    kept = subject.removesuffix("\u2026")
    assert len(subject) <= 255 and kept != subject and summary.startswith(kept) and summary[len(kept)] == " "
    assert len(report.core_properties.keywords) <= 255


def test_svg_images_show_their_alt_text_with_one_warning(project, capsys):
    (project.content / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n![A chart](../chart.svg) ![A chart](../chart.svg)\n")
    report = docx.Document(io.BytesIO(report_docx(read_content(project.settings), project.settings)))
    assert any(p.text == "[A chart] [A chart]" for p in report.paragraphs)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("Warning: ") and err[0].endswith(
        "chart.svg: the Word report cannot embed SVG images; it shows the alt text instead "
        "(use a PNG or JPEG for both outputs)")
