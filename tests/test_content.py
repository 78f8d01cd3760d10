"""The reader: good content becomes the model; bad content gives located, exact problems."""

from __future__ import annotations

import datetime as dt

import pytest

from pressroom import model as m
from pressroom.content import read_content
from pressroom.errors import ContentError


def problems(project) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_content(project.settings)
    root = str(project.root) + "/"
    return [str(p).replace(root, "") for p in caught.value.problems]


def test_reads_metadata_intro_and_sections_in_file_order(project):
    project.write("content/sections/00-zero.md", "---\ntitle: Zero\n---\nZero.\n")
    document = read_content(project.settings)
    assert document.meta.title == "Test Brochure"
    assert document.meta.date == dt.date(2024, 5, 1)
    assert document.meta.lang == "en"
    assert [s.title for s in document.sections] == ["Zero", "First Section", "Second Section"]
    assert [s.slug for s in document.sections] == ["zero", "first", "second"]
    paragraph = document.intro.blocks[0]
    assert paragraph == m.Paragraph((m.Text("The introduction with "), m.Emph((m.Text("emphasis"),)), m.Text(".")))


def test_data_files_are_available_by_stem(project):
    project.write("content/data/glossary.yaml", "- term: Immunotherapy\n  definition: Uses the immune system.\n")
    project.write("content/data/extra.yaml", "anything: [1, 2]\n")
    document = read_content(project.settings)
    assert document.data["glossary"][0]["term"] == "Immunotherapy"
    assert document.data["extra"] == {"anything": [1, 2]}


def test_missing_title_is_reported_with_file_and_line(project):
    project.write("content/sections/01-first.md", "---\nsummary: no title\n---\nBody.\n")
    assert problems(project) == ["content/sections/01-first.md:2: title: required field is missing"]


def test_unknown_key_suggests_the_closest_known_one(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\ntitel: B\n---\nBody.\n")
    assert problems(project) == ["content/sections/01-first.md:3: titel: unknown key; did you mean 'title'?"]


def test_malformed_yaml_gives_its_line(project):
    project.write("content/index.md", "---\ntitle: A\ndate: [unclosed\n---\nIntro.\n")
    [message] = problems(project)
    assert message.startswith("content/index.md:3: front matter: YAML: ")


def test_all_problems_are_collected_before_stopping(project):
    project.write("content/sections/01-first.md", "---\ntitle: 3\n---\nBody.\n")
    project.write("content/sections/02-second.md", "---\ntitle: Two\n---\n")
    assert problems(project) == [
        "content/sections/01-first.md:2: title: input should be a valid string, got 3",
        "content/sections/02-second.md:4: section: empty; write the section's text below the front matter",
    ]


def test_not_utf8_names_the_line(project):
    (project.content / "sections" / "01-first.md").write_bytes(b"---\ntitle: A\n---\ncaf\xe9\n")
    assert problems(project) == [
        "content/sections/01-first.md:4: file: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_missing_image_and_broken_internal_link(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\nText.\n\n![A chart](chart.png) [see](#nowhere)\n")
    assert problems(project) == [
        "content/sections/01-first.md:6: image: 'chart.png' does not exist",
        "content/sections/01-first.md:6: link: no heading or section has the anchor '#nowhere'",
    ]


def test_internal_links_to_sections_and_headings_are_valid(project):
    project.write("content/sections/01-first.md", "---\ntitle: A\n---\n## Sub Head\n\n[x](#second) [y](#sub-head)\n")
    read_content(project.settings)


def test_duplicate_slugs_and_orders(project):
    project.write("content/sections/02-first.md", "---\ntitle: Again\n---\nBody.\n")
    assert problems(project) == [
        "content/sections/02-first.md:1: section: same slug 'first' as 01-first.md; every section needs its own slug",
        "content/sections/02-second.md:1: section: same order '2' as 02-first.md; every section needs its own order",
    ]


def test_duplicate_slug_from_front_matter_names_its_line(project):
    project.write("content/sections/03-third.md", "---\ntitle: Third\nslug: first\n---\nBody.\n")
    assert problems(project) == [
        "content/sections/03-third.md:3: section: same slug 'first' as 01-first.md; every section needs its own slug"]


def test_data_item_naming_a_missing_section(project):
    project.write("content/data/glossary.yaml", "- term: A\n  definition: B\n  section: first\n"
                  "- term: C\n  definition: D\n  section: thrid\n")
    assert problems(project) == [
        "content/data/glossary.yaml:6: section: no section has the slug 'thrid' (known: first, second)"]


def test_cover_image_problem_names_the_cover_image_line(project):
    project.write("content/index.md", "---\ntitle: T\nsubtitle: S\ncover_image: assets/none.png\n---\nIntro.\n")
    assert problems(project) == ["content/index.md:4: image: 'assets/none.png' does not exist"]


def test_long_lists_of_known_names_are_shortened(project):
    for number in range(3, 13):
        project.write(f"content/sections/{number:02d}-extra-{number}.md", f"---\ntitle: Extra {number}\n---\nText.\n")
    project.write("content/data/glossary.yaml", "- term: A\n  definition: B\n  section: nowhere\n")
    assert problems(project) == [
        "content/data/glossary.yaml:3: section: no section has the slug 'nowhere' (known: extra-10, extra-11, "
        "extra-12, extra-3, extra-4, extra-5, extra-6, extra-7 and 4 more)"]


def test_an_empty_list_data_file_means_nothing_listed_yet(project):
    project.write("content/data/funders.yaml", "# no funders yet\n")
    assert read_content(project.settings).data["funders"] == []


def test_svg_and_data_url_images_that_are_sound_are_read(project):
    import base64

    from test_bad_inputs import png_bytes

    comment = "<!-- " + "a long comment that pushes the svg element past the first bytes " * 20 + "-->"
    project.write("content/assets/late.svg", f'<?xml version="1.0"?>\n{comment}\n'
                  '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n')
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    project.write("content/sections/01-first.md", f"---\ntitle: First\n---\n![Late](../assets/late.svg)\n\n"
                  f"![Dot]({data_url})\n")
    late, dot = [block.children[0] for block in read_content(project.settings).sections[0].body.blocks]
    assert late.path == (project.content / "assets" / "late.svg").resolve()
    assert (dot.src, dot.path) == (data_url, None)
