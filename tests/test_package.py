"""The installable package: a wheel built from the checkout holds every data file, and once
installed into a fresh virtual environment it builds reports from a folder outside the
checkout (notebooks, templates and instruments found inside the installed package)."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scirocco_lab"
UV = Path(sys.executable).parent / "uv"  # installed into .venv by `make setup`
SKIPPED = {"__pycache__", ".ipynb_checkpoints"}

pytestmark = pytest.mark.slow


def _run(command, *, cwd, env=None, timeout=300):
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _data_files() -> list[str]:
    """Every non-Python file of the source package, as a wheel names it."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and not SKIPPED & set(path.parts)
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout's package (a stale build/ folder in the
    checkout cannot leak into it)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(PACKAGE, source / "scirocco_lab", ignore=shutil.ignore_patterns(*SKIPPED))
    out = tmp_path_factory.mktemp("dist")
    _run([UV, "build", "--wheel", "--offline", "--quiet", "--out-dir", out, source], cwd=source)
    (built,) = out.glob("scirocco_lab-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its pinned dependencies (from uv's
    cache, which `make setup` filled; PyPI only if the cache lacks something)."""
    folder = tmp_path_factory.mktemp("venv") / "env"
    _run([UV, "venv", "--quiet", "--python", sys.executable, folder], cwd=folder.parent)
    python = folder / "bin" / "python"
    install = [UV, "pip", "install", "--quiet", "--compile-bytecode", "--python", python, wheel]
    try:
        _run([*install, "--offline"], cwd=folder.parent)
    except AssertionError:
        _run(install, cwd=folder.parent)
    return folder


def _clean_environment() -> dict[str, str]:
    """The user's environment without this checkout's settings."""
    env = dict(os.environ)
    for name in ("SCIROCCO_LAB_STORE", "SCIROCCO_LAB_TEMPLATES", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


def test_the_wheel_holds_every_data_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in _data_files() if name not in names]
    assert not missing, f"not in the wheel: {missing}"


@pytest.mark.parametrize(
    "folder",
    [
        "scirocco_lab/reports/notebooks",
        "scirocco_lab/reports/templates/scirocco_report",
        "scirocco_lab/capture/notebooks",
        "scirocco_lab/instruments",
        "scirocco_lab/evaluation/schemas",
    ]
    + (["scirocco_lab/store/migrations"] if (PACKAGE / "store" / "migrations").is_dir() else []),
)
def test_the_wheel_holds_the_folders_the_commands_read(wheel, folder):
    names = zipfile.ZipFile(wheel).namelist()
    expected = [
        p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]
    assert expected, folder
    assert all(p.relative_to(ROOT).as_posix() in names for p in expected)


def test_the_installed_package_is_the_one_the_venv_runs(venv, tmp_path):
    printed = _run(
        [
            venv / "bin" / "python",
            "-c",
            "import scirocco_lab, scirocco_lab.capture.serve as s; "
            "print(scirocco_lab.__file__); print(s.capture_notebook())",
        ],
        cwd=tmp_path,
        env=_clean_environment(),
    )
    package, form = printed.split()
    assert Path(package).is_relative_to(venv) and Path(form).is_relative_to(venv)
    assert Path(form).is_file()


def test_the_installed_command_builds_a_report_outside_the_checkout(venv, tmp_path):
    command = venv / "bin" / "scirocco-lab"
    env = _clean_environment()
    _run([command, "store", "init", "--seed-demo-if-empty"], cwd=tmp_path, env=env)
    assert (tmp_path / "data" / "scirocco-lab.db").is_file()
    printed = _run(
        [command, "reports", "build", "--region", "northvale", "--quiet"], cwd=tmp_path, env=env
    )
    page = tmp_path / "reports" / "regions" / "northvale.html"
    assert page.is_file(), printed
    assert "Northvale" in page.read_text("utf-8")
    assert (tmp_path / "reports" / "index.html").is_file()


def test_the_checkouts_capture_notebooks_are_the_packages():
    from scirocco_lab.capture.serve import CAPTURE_NOTEBOOKS

    # One copy: notebooks/capture links to the package data the web app serves.
    assert (ROOT / "notebooks" / "capture").resolve() == CAPTURE_NOTEBOOKS.resolve()
