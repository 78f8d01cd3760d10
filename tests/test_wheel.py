"""A pressroom installed from a wheel, not from this checkout, starts and builds a project of its own:
the theme and the sample project ship inside the package."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO


def run(command, cwd, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with pressroom installed from a wheel built from this checkout, without
    the network: the dependencies come from the test run's own environment, through a .pth file."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in ("src", "templates"):
        shutil.copytree(REPO / name, source / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(root / "dist"), str(source)], cwd=root)
    [wheel] = (root / "dist").glob("pressroom-*.whl")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=root)
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    # Only the dependencies' folder, not its .pth files: this checkout's editable install stays out.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        cwd=root)
    return venv


def test_the_installed_package_is_the_wheels_not_this_checkout(installed):
    found = run([str(installed / "bin" / "python"), "-c", "import pressroom.gateway as g; print(g.THEME)"],
                cwd=installed).stdout.strip()
    theme = Path(found)
    assert theme.is_relative_to(installed) and not theme.is_symlink()
    assert (theme / "brochure" / "brochure.css").is_file() and (theme / "report" / "reference.docx").is_file()


def test_an_installed_wheel_builds_a_pressroom_new_project_with_make(installed, tmp_path):
    bin_folder = installed / "bin"
    run([str(bin_folder / "pressroom"), "new", "project"], cwd=tmp_path)
    project = tmp_path / "project"
    assert not (project / "templates").exists()
    environment = {"PATH": f"{bin_folder}:/usr/bin:/bin", "HOME": str(tmp_path)}
    made = run(["make", "--no-print-directory"], cwd=project, env=environment)
    assert re.search(r"^wrote build/brochure\.pdf \(\d+\.\d kB, \d+\.\d\d s\)$", made.stdout, re.MULTILINE), made.stdout
    text = "".join(page.extract_text() for page in PdfReader(project / "build" / "brochure.pdf").pages)
    assert "Our Year in Brief" in text
    for name in ("report.docx", "reports/example-fund.docx", "web/index.html"):
        assert (project / "build" / name).is_file(), name
    assert "Nothing to be done" in run(["make", "--no-print-directory"], cwd=project, env=environment).stdout
