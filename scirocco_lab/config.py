"""Where things live: the default store and the project folders.

The store URL comes from, in order: an explicit argument (the CLI's ``--store``), the
``SCIROCCO_LAB_STORE`` environment variable, then the embedded SQLite file
``data/scirocco-lab.db`` of the project checkout (an editable install), or of the current
folder (an installed package, ``pip install .``). A plain file path is taken as SQLite.

>>> store_url("/data/results/my.db")
'sqlite:////data/results/my.db'
>>> store_url("results/my.db") == f"sqlite:///{Path.cwd() / 'results' / 'my.db'}"
True
>>> store_url("postgresql+psycopg://localhost/scirocco")
'postgresql+psycopg://localhost/scirocco'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["STORE_ENV", "default_store_url", "project_root", "store_url"]

STORE_ENV = "SCIROCCO_LAB_STORE"
DEFAULT_STORE_FILE = "scirocco-lab.db"


def project_root() -> Path:
    """The checkout the package runs from (editable install), else the current folder.

    Found by walking up from the package to the folder whose pyproject.toml names
    scirocco-lab, so notebooks opened from any subfolder find the same store.
    """
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and 'name = "scirocco-lab"' in candidate.read_text("utf-8"):
            return folder
    return Path.cwd()


def store_url(value: str | os.PathLike[str] | None = None) -> str:
    """Resolve a store URL or file path; ``None`` means the environment or the default."""
    if value is None:
        value = os.environ.get(STORE_ENV) or None
    if value is None:
        return default_store_url()
    text = os.fspath(value)
    # A relative path means relative to where the user ran the command, so it is made
    # absolute here, before anything (a report notebook run elsewhere) can read it.
    if text.startswith("sqlite:///") and not text.startswith(("sqlite:///file:", "sqlite:///:")):
        file = text[len("sqlite:///") :]
        query = ""
        if "?" in file:
            file, query = file.split("?", 1)
            query = "?" + query
        return f"sqlite:///{Path(file).expanduser().absolute()}{query}"
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def default_store_url() -> str:
    """The embedded SQLite store under the project's data/ folder."""
    return f"sqlite:///{project_root() / 'data' / DEFAULT_STORE_FILE}"
