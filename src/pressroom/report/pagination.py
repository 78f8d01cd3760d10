"""The report laid out by LibreOffice: page numbers for its contents lists, and its PDF copy.

python-docx writes no layout, so a Word field's result is whatever the writer puts there; Word fills in
page numbers only when someone updates the fields, and LibreOffice never does for a .docx it converts.
This module runs LibreOffice headless on the finished reports (all of a build's editions in one run),
reads from its PDF the page each bookmark landed on (LibreOffice exports Word bookmarks as named
destinations), and writes those pages into the PAGEREF results of the contents entries. The fields stay,
so Word can still update them. The same run gives the PDF copies (tagged, fonts embedded), made
reproducible by deriving their dates and identifier from the inputs.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import signal
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import PressroomError, warn
from ..labels import in_digits

LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"
INSTALL_HINT = f"install LibreOffice (sudo apt-get install {LIBREOFFICE_PACKAGE})"
TIMEOUT_SECONDS = 300
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAGEREF = re.compile(r"^\s*PAGEREF\s+(\S+)")
# Bookmarks become named destinations, so pages can be looked up; tagged for screen readers (PDF/UA
# structure); fonts are always embedded by LibreOffice's PDF export.
LAYOUT_OPTIONS = {"ExportBookmarksToPDFDestination": True, "UseTaggedPDF": True, "ExportBookmarks": True}
# With Arabic-Indic digits: LibreOffice's numerals follow the text (CTLTextNumerals 3, "Context"), so the
# numbers it counts itself (the footer's page numbers, the captions' SEQ fields) are Arabic-Indic in
# Arabic text, as Word shows them with its Numeral option at Context; the PDF's text keeps Western digits.
CONTEXT_NUMERALS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/I18N/CTL"><prop oor:name="CTLTextNumerals" oor:op="fuse">\
<value>3</value></prop></item>
</oor:items>
"""


@functools.lru_cache(maxsize=1)
def libreoffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def warn_unpaginated() -> None:
    """Said once per build: without LibreOffice the contents list waits for Word to number its pages."""
    warn(f"LibreOffice not found: the report's contents lists have no page numbers until Word updates "
         f"their fields; {INSTALL_HINT}")


def paginate(reports: list[bytes], with_pdfs: bool = True,
             digits: str = "latin") -> tuple[list[bytes], list[bytes] | None] | None:
    """Each report with its contents' page numbers filled in (in `digits`), and (`with_pdfs`) its PDF;
    None without LibreOffice. Without the PDFs LibreOffice runs once: only a PDF needs laying out again
    once the numbers are in."""
    if not reports or libreoffice() is None:
        return None
    pdfs = to_pdf(reports, digits)
    numbered = [fill_page_numbers(report, bookmark_pages(pdf), digits) for report, pdf in zip(reports, pdfs)]
    if not with_pdfs:
        return numbered, None
    # Page numbers take no room the layout did not already give them (a tab leads to each), so the
    # PDF laid out before they were written shows the same pages; convert again only where they moved.
    changed = [i for i, (old, new) in enumerate(zip(reports, numbered)) if old != new]
    final = to_pdf([numbered[i] for i in changed], digits) if changed else []
    for i, pdf in zip(changed, final):
        pdfs[i] = pdf
    return numbered, [reproducible_pdf(pdf) for pdf in pdfs]


def to_pdf(reports: list[bytes], digits: str = "latin") -> list[bytes]:
    """The reports as LibreOffice lays them out, in one run of LibreOffice (with `digits` arabic-indic,
    its numerals following the text: see CONTEXT_NUMERALS)."""
    if not reports:
        return []  # LibreOffice given no file would wait for one
    program = libreoffice()
    if program is None:
        raise PressroomError(f"the report's PDF needs LibreOffice, which is not installed; {INSTALL_HINT}")
    options = json.dumps({name: {"type": "boolean", "value": str(value).lower()}
                          for name, value in LAYOUT_OPTIONS.items()})
    with tempfile.TemporaryDirectory(prefix="pressroom-layout-") as folder:
        work = Path(folder)
        names = []
        for index, report in enumerate(reports):
            name = work / f"report-{index}.docx"
            name.write_bytes(report)
            names.append(name)
        # A profile of its own: two builds at once (or a desktop LibreOffice) would otherwise share one.
        if digits == "arabic-indic":
            (work / "profile" / "user").mkdir(parents=True)
            (work / "profile" / "user" / "registrymodifications.xcu").write_text(CONTEXT_NUMERALS, encoding="utf-8")
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", f"pdf:writer_pdf_Export:{options}", "--outdir", str(work / "pdf"),
                   *map(str, names)]
        run_libreoffice(command)
        pdfs = []
        for name in names:
            pdf = work / "pdf" / f"{name.stem}.pdf"
            if not pdf.is_file():
                raise PressroomError("LibreOffice could not lay out the report (no PDF came out); run "
                                     f"'{program} --headless --convert-to pdf' on it to see why")
            pdfs.append(pdf.read_bytes())
        return pdfs


def run_libreoffice(command: list[str]) -> None:
    """Run LibreOffice in a process group of its own, so that on a timeout or Ctrl-C the program it
    starts (soffice.bin, behind a launcher) ends too."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
    except OSError as error:
        raise PressroomError(f"LibreOffice could not be started: {error}") from None
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise PressroomError(f"LibreOffice took more than {TIMEOUT_SECONDS} s to lay out the report") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bookmark_pages(pdf: bytes) -> dict[str, int]:
    """The page (from 1) of every named destination in the PDF, by name."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        if page is not None and page >= 0:
            pages[name.lstrip("/")] = page + 1
    return pages


def destination_name(bookmark: str) -> str:
    """The name LibreOffice gives a bookmark's destination: each byte other than a letter, digit or
    hyphen written as two hex digits ("_Ref_x" is "5FRef5Fx")."""
    return "".join(chr(byte) if chr(byte).isascii() and (chr(byte).isalnum() or byte == 0x2D) else f"{byte:02X}"
                   for byte in bookmark.encode("utf-8"))


def fill_page_numbers(report: bytes, pages: dict[str, int], digits: str = "latin") -> bytes:
    """The report with each PAGEREF field's result set to its bookmark's page, in `digits` (left as it is
    where the bookmark was not found); the zip's entries, order and dates unchanged."""
    source = zipfile.ZipFile(io.BytesIO(report))
    document = etree.fromstring(source.read("word/document.xml"))
    changed = False
    for instruction in document.iter(f"{{{W}}}instrText"):
        found = PAGEREF.match(instruction.text or "")
        page = pages.get(destination_name(found.group(1))) if found else None
        if page is None:
            continue
        result = _field_result(instruction.getparent())
        if result is not None and result.text != in_digits(str(page), digits):
            result.text = in_digits(str(page), digits)
            changed = True
    if not changed:
        return report
    xml = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _replace_entries(source, {"word/document.xml": xml, "word/settings.xml": _settings_without_update(source)})


def _settings_without_update(source: zipfile.ZipFile) -> bytes:
    """Word's settings without `updateFields`: every field's result is now current, so Word need not ask
    to update them when the report is opened (F9 still does)."""
    settings = etree.fromstring(source.read("word/settings.xml"))
    for update in settings.findall(f"{{{W}}}updateFields"):
        settings.remove(update)
    return etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field_result(instruction_run):
    """The w:t of the first result run after the instruction's `separate` mark (None if there is none)."""
    run = instruction_run.getnext()
    while run is not None:
        separate = run.find(f"{{{W}}}fldChar")
        if separate is not None and separate.get(f"{{{W}}}fldCharType") == "separate":
            following = run.getnext()
            return following.find(f"{{{W}}}t") if following is not None else None
        run = run.getnext()
    return None


def _replace_entries(source: zipfile.ZipFile, replacements: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replacements.get(info.filename) or source.read(info.filename))
    return out.getvalue()


CREATION_DATE = re.compile(rb"/CreationDate\s*\(D:[^)]*\)")
CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
FILE_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def reproducible_pdf(pdf: bytes) -> bytes:
    """LibreOffice stamps the clock and a random identifier into each PDF: replace them, in place and at
    the same length (so the cross-reference offsets hold), with a fixed date and a hash of the rest."""

    def fixed_date(found: re.Match) -> bytes:
        stamp = b"/CreationDate(D:20000101000000Z)"
        return stamp[:len(found.group())].ljust(len(found.group()), b" ")

    pdf = CREATION_DATE.sub(fixed_date, pdf)
    found = FILE_ID.search(pdf)
    if found is None:
        return pdf
    checksum = CHECKSUM.search(pdf)
    blank = pdf[:found.start()] + pdf[found.end():]
    if checksum is not None:  # a checksum over the content, which held the clock's date
        blank = blank.replace(checksum.group(), b"")
        digest = hashlib.md5(blank).hexdigest().upper().encode()
        old = checksum.group(1)
        pdf = pdf.replace(checksum.group(), checksum.group().replace(old, digest[:len(old)].ljust(len(old), b"0")))
        found = FILE_ID.search(pdf)
    digest = hashlib.md5(blank + b"id").hexdigest().upper().encode()
    first, second = found.group(1), found.group(2)
    replacement = found.group().replace(first, digest[:len(first)].ljust(len(first), b"0"), 1)
    replacement = replacement.replace(second, digest[:len(second)].ljust(len(second), b"0"))
    return pdf[:found.start()] + replacement + pdf[found.end():]
