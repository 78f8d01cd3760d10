"""Golden outputs: the repository's content and theme give byte-identical files to those recorded.

The digests in golden/outputs.sha256 were recorded before the outputs moved into plug-in packages; a
change that alters an output on purpose (a new theme rule, say) records them again with
`python tests/test_golden.py --record`, and the diff of that file shows which outputs changed.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "outputs.sha256"
# (label, CLI arguments after `build`): every output, and the brochure in its print-shop form
RUNS = (
    ("default", ["all"]),
    ("print-a5-tagged", ["brochure", "--paper", "A5", "--print", "--pdf-variant", "pdf/ua-1"]),
)
COMPARED = ("brochure.pdf", "report.docx", "reports/harbour-light-foundation.docx",
            "reports/northwind-childrens-trust.docx")


def build_digests(root: Path) -> dict[str, str]:
    """Build each run into its own folder of a copy of the repository's content and templates."""
    from pressroom.cli import main

    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    digests = {}
    for label, arguments in RUNS:
        out = root / label
        code = main(["build", *arguments, "--content", str(root / "content"), "--templates",
                     str(root / "templates"), "--out", str(out)])
        assert code == 0, label
        for name in COMPARED:
            if (out / name).is_file():
                digests[f"{label}/{name}"] = hashlib.sha256((out / name).read_bytes()).hexdigest()
    return digests


def read_golden() -> dict[str, str]:
    pairs = (line.split() for line in GOLDEN.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def test_outputs_are_byte_identical_to_the_recorded_ones(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_digests(tmp_path) == read_golden()


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        recorded = build_digests(Path(folder))
    GOLDEN.write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(recorded.items())))
    print(f"recorded {len(recorded)} digests in {GOLDEN}")
elif __name__ == "__main__":
    pytest.main([__file__])
