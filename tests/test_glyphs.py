"""Glyph coverage: a character that none of the brochure's fonts has stops the build at its line, or with
--allow-missing-glyphs is a warning."""

from __future__ import annotations

import pytest

from conftest import job_for
from pressroom import read
from pressroom.brochure.glyphs import DEFAULT_FAMILIES, check_glyphs, covered, theme_families
from pressroom.cli import main
from pressroom.errors import Problems

pytestmark = pytest.mark.skipif(not covered(DEFAULT_FAMILIES)[0], reason="the theme's fonts are not installed")
MESSAGE = ("glyph: '𓀀' (U+13000) is in none of the fonts Noto Serif, Noto Naskh Arabic, Noto Sans, "
           "DejaVu Sans Mono; use another character or add a font that has it")


def with_hieroglyph(project):
    project.write("content/sections/01-first.md", "---\ntitle: First Section\n---\nFirst paragraph.\n\n"
                  "A hieroglyph 𓀀 no font here has.\n")
    return project


def test_the_theme_fonts_come_from_the_stylesheet(project):
    assert theme_families(job_for(project.settings).files) == (
        "Noto Serif", "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans Mono")


def test_a_character_no_font_has_is_a_located_error(project, capsys):
    with_hieroglyph(project)
    assert main(["check", *project.args()]) == 1
    err = capsys.readouterr().err
    assert f"Error: {project.content / 'sections' / '01-first.md'}:6: {MESSAGE}\n1 error in content/" in err


def test_allow_missing_glyphs_makes_it_a_warning(project, capsys):
    with_hieroglyph(project)
    assert main(["build", "brochure", *project.args(), "--out", str(project.out), "--allow-missing-glyphs"]) == 0
    err = capsys.readouterr().err
    assert "Warning: " in err and MESSAGE in err and "Error" not in err
    assert (project.out / "brochure.pdf").is_file()


def test_allow_missing_glyphs_in_pressroom_yaml(project, capsys):
    with_hieroglyph(project)
    (project.root / "pressroom.yaml").write_text("allow_missing_glyphs: true\n")
    from pressroom.settings import load_settings

    settings = load_settings(project.root, content=project.content, templates=project.templates)
    assert settings.allow_missing_glyphs
    problems = Problems()
    check_glyphs(read(settings), job_for(settings), problems)
    assert problems.items == [] and MESSAGE in capsys.readouterr().err


def test_data_files_and_front_matter_are_checked_at_their_lines(project):
    project.write("content/data/contact.yaml", "organisation: Org\nhow_to_help:\n  - Smile \U0001F600\n")
    project.write("content/index.md", "---\ntitle: Test 𓀀\n---\nIntro.\n")
    problems = Problems()
    check_glyphs(read(project.settings), job_for(project.settings), problems)
    found = {(p.path.name, p.line, p.message.split(" is in")[0]) for p in problems.items}
    assert found == {("contact.yaml", 3, "glyph: '😀' (U+1F600)"), ("index.md", 2, "glyph: '𓀀' (U+13000)")}


def test_joiners_bidi_marks_and_variation_selectors_need_no_glyph(project):
    project.write("content/sections/01-first.md", "---\ntitle: First\n---\nلا\u200dم \u200c\u200f\u200e ✓\ufe0f "
                  "soft\u00adhyphen, narrow\u202fspace.\n")
    problems = Problems()
    check_glyphs(read(project.settings), job_for(project.settings), problems)
    assert problems.items == []


def test_the_arabic_catalogue_and_edition_are_covered(project):
    project.write("content/index.md", "---\ntitle: كتيب\nlang: ar\ndate: 2026-11-27\n---\nمقدمة قصيرة.\n")
    problems = Problems()
    check_glyphs(read(project.settings), job_for(project.settings.replace(digits="arabic-indic")), problems)
    assert problems.items == []
