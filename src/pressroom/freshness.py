"""Whether an output is up to date: the record of what each output was last made from.

Each build writes, beside an output's depfile, `.deps/NAME.json`: a key (the pressroom version and
source, the settings that shape outputs, the output and the funders asked for, the environment that
changes bytes), every file and folder the output was made from (the gateway's record) with its size,
modification time and a hash of its content (for a folder, of its list of names), and each file the
build wrote with its size and modification time. A later build whose record still holds renders nothing.

A file is compared by its stat first; only when that differs is its content hashed, so a file saved
again unchanged (or checked out anew) does not rebuild. The stat and hash are taken when the build
reads the file, so an edit made while a build runs is seen by the next one; a file modified within
RACY_SECONDS of being read is compared by content the next time (a quick second edit can keep its
size and time). Imports nothing heavy: the no-op build is a few stats.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

DEPFILE_FOLDER = ".deps"  # in the output folder: each output's depfile (for make) and record (for this)
RECORD_SUFFIX = ".json"
RACY_SECONDS = 2
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)  # variables that change what the outputs hold
TOOLS = ("soffice", "libreoffice")  # programs whose presence changes an output (the report's page numbers)
PACKAGE = Path(__file__).resolve().parent


# fingerprints -----------------------------------------------------------------------------------

def file_print(stat: os.stat_result, data: bytes) -> list:
    """[size, mtime_ns, sha256] of a file read as `data` (its stat taken before reading)."""
    return [stat.st_size, _stat_time(stat), hashlib.sha256(data).hexdigest()]


def folder_print(stat: os.stat_result, names) -> list:
    """["folder", mtime_ns, sha256 of the sorted names] of a folder listed as `names`."""
    listing = "\n".join(sorted(str(name) for name in names)).encode("utf-8", "surrogateescape")
    return ["folder", _stat_time(stat), hashlib.sha256(listing).hexdigest()]


def fingerprint(path: Path) -> list | None:
    """The print of `path` as it is now (a file's content or a folder's names); None if it is gone."""
    try:
        stat = os.stat(path)
        if os.path.isdir(path):
            return folder_print(stat, os.listdir(path))
        return file_print(stat, Path(path).read_bytes())
    except OSError:
        return None


def _stat_time(stat: os.stat_result) -> int:
    """The modification time to compare, or 0 (always compare the content) for one too recent to trust."""
    if time.time_ns() - stat.st_mtime_ns < RACY_SECONDS * 1_000_000_000:
        return 0
    return stat.st_mtime_ns


def unchanged(path: str, recorded: list | None) -> bool:
    """Whether `path` still has the recorded print: same stat, or else same content."""
    if recorded is None:
        return False
    try:
        stat = os.stat(path)
    except OSError:
        return False
    is_folder = recorded[0] == "folder"
    if is_folder != os.path.isdir(path):
        return False
    if recorded[1] and recorded[1] == stat.st_mtime_ns and (is_folder or recorded[0] == stat.st_size):
        return True
    now = fingerprint(Path(path))
    return now is not None and now[2] == recorded[2]


# the key ------------------------------------------------------------------------------------------

def build_key(settings, output: str, funders: tuple[str, ...]) -> str:
    """What, besides its input files, decides an output's bytes: the pressroom version and source, the
    settings that shape outputs, the output and funders asked for, and the environment."""
    version = sys.modules[__package__].__version__  # the package, imported before any of its modules
    shaping = {field.name: _plain(getattr(settings, field.name)) for field in dataclasses.fields(settings)
               if field.metadata.get("shapes_outputs", True)}
    key = {"version": version, "source": _source_print(), "settings": shaping, "output": output,
           "funders": list(funders), "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
           "tools": [tool for tool in TOOLS if shutil.which(tool)],
           "templates folder": os.path.isdir(settings.templates)}  # made later, its files override the theme's
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _plain(value):
    return os.path.abspath(value) if isinstance(value, Path) else value


def _source_print() -> str:
    """The size and time of every module of the package: a changed Pressroom rebuilds everything."""
    stats = []
    for folder, _, names in sorted(os.walk(PACKAGE)):
        for name in sorted(names):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                stats.append(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(stats).encode()).hexdigest()


# records ------------------------------------------------------------------------------------------

def record_path(out: Path, rule: str) -> Path:
    """Where the record of the output with make rule `rule` (its depfile's name) is kept."""
    return out / DEPFILE_FOLDER / f"{rule}{RECORD_SUFFIX}"


def record(key: str, inputs: dict[Path, list | None], written: dict[Path, os.stat_result]) -> bytes:
    """The record of one output: its key, its inputs' prints, and the files it wrote."""
    data = {"key": key,
            "inputs": {str(path): inputs.get(path) or fingerprint(path) for path in inputs},
            "outputs": {os.path.abspath(path): [stat.st_size, stat.st_mtime_ns] for path, stat in written.items()}}
    return json.dumps(data, indent=1, sort_keys=True).encode()


def read_record(path: Path) -> dict | None:
    """The record kept at `path`, or None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def written_files(path: Path, key: str) -> list[Path] | None:
    """The files of the output recorded at `path` if its record still holds for `key`: every input as it
    was, every output file in place and untouched; else None."""
    data = read_record(path)
    if data is None or data.get("key") != key or not isinstance(data.get("outputs"), dict):
        return None
    for name, (size, mtime) in data["outputs"].items():
        try:
            stat = os.stat(name)
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return None
    if not all(unchanged(name, recorded) for name, recorded in data["inputs"].items()):
        return None
    return [Path(name) for name in data["outputs"]]


def fresh_outputs(settings, outputs, funders: tuple[str, ...]) -> dict[str, list[Path]]:
    """Of `outputs`, those whose last build still holds, by name, with the files each wrote."""
    from .outputs import Job, make_rule

    job = Job(settings, None, funders)
    fresh = {}
    for output in outputs:
        rule, _ = make_rule(output, job)
        files = written_files(record_path(settings.out, rule), build_key(settings, output.name, funders))
        if files is not None:
            fresh[output.name] = files
    return fresh


def recorded_inputs(settings, output, funders: tuple[str, ...]) -> list[Path]:
    """The files and folders the last build of `output` was made from, as its record names them (none
    when there is no readable record)."""
    from .outputs import Job, make_rule

    rule, _ = make_rule(output, Job(settings, None, funders))
    data = read_record(record_path(settings.out, rule)) or {}
    return [Path(name) for name in data.get("inputs") or ()]


def up_to_date_line(fresh: dict[str, list[Path]], out: Path) -> str:
    """One line naming the outputs left as they were: `up to date: brochure.pdf, reports/ (2 files) (...)`."""
    names = []
    for files in fresh.values():
        relative = sorted(os.path.relpath(path, out) for path in files if path.parent.name != DEPFILE_FOLDER)
        if not relative:
            continue  # an output with nothing to write (editions, and no funders)
        if len(relative) == 1:
            names.append(relative[0])
        else:
            folder = os.path.commonpath(relative)
            names.append(f"{folder}/ ({len(relative)} files)" if folder else f"{len(relative)} files")
    return f"up to date: {', '.join(names) or 'nothing to write'} (nothing changed since the last build)"
