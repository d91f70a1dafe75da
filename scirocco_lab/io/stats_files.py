"""SPSS (.sav) and Stata (.dta) files, read and written with pyreadstat.

Writing keeps what statistics packages show next to the numbers: a **variable label** per
column (a dimension's name, an item's wording), **value labels** (level texts, scale labels) and
don't-know as a **labelled missing value** (SPSS: the user-missing code :data:`SPSS_DONT_KNOW`;
Stata: the extended missing value ``.a``), so an analyst's "valid percent" leaves it out.

Reading gives the cells and the labels back: a user-missing value becomes its label (so a
don't-know reads as ``don't know``, which the ratings importer understands), any other cell its
value. :func:`scirocco_lab.io.tables.read_table` turns that into the same row-numbered text
table as a CSV file (variable names are the header, row 1; data rows start at row 2).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "levels.sav"
>>> write_stats_file(path, ["region", "funding"], [["northvale", 3], ["eastmoor", "dk"]],
...                  {"funding": StatsVariable("Funding", ((3, "Regional funding"),),
...                                            dont_know=True)})
>>> data = read_stats_file(path)
>>> data.rows
(['region', 'funding'], ['northvale', 3.0], ['eastmoor', "don't know"])
>>> data.labels["funding"], data.value_labels["funding"][3]
('Funding', 'Regional funding')
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scirocco_lab.errors import ConfigurationError, FileFormatError

__all__ = [
    "DONT_KNOW_LABEL",
    "SPSS_DONT_KNOW",
    "STATA_DONT_KNOW",
    "STATS_SUFFIXES",
    "StatsData",
    "StatsVariable",
    "read_stats_file",
    "variable_name",
    "write_stats_file",
]

STATS_SUFFIXES = (".sav", ".dta")
#: The SPSS code of a don't-know, declared user-missing and labelled :data:`DONT_KNOW_LABEL`.
SPSS_DONT_KNOW = 99.0
#: The Stata extended missing value of a don't-know (``.a``).
STATA_DONT_KNOW = "a"
DONT_KNOW_LABEL = "don't know"
#: The marker of a don't-know in the rows given to :func:`write_stats_file`.
_DK_CELL = "dk"
_NAME = {
    ".sav": re.compile(r"[A-Za-z@][A-Za-z0-9_.@#$]{0,63}"),
    ".dta": re.compile(r"[A-Za-z_]\w{0,31}"),
}


def variable_name(name: str) -> str:
    """``name`` as a variable name SPSS and Stata accept: other characters become ``_``.

    >>> variable_name("too-packed"), variable_name("2nd visit")
    ('too_packed', '_2nd_visit')
    """
    cleaned = re.sub(r"\W", "_", name.strip(), flags=re.ASCII)[:32]
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"_{cleaned}"[:32]


@dataclass(frozen=True)
class StatsVariable:
    """How one column is labelled: its label, value labels ((value, text) pairs) and whether
    it may hold don't-know (the cell ``dk``)."""

    label: str | None = None
    value_labels: tuple[tuple[int, str], ...] = ()
    dont_know: bool = False


@dataclass(frozen=True)
class StatsData:
    """A read file: rows (header first, cells as pyreadstat gives them), variable labels and
    value labels by column, and the file label."""

    source: str
    rows: tuple[list[Any], ...]
    labels: Mapping[str, str | None]
    value_labels: Mapping[str, Mapping[float, str]]
    file_label: str | None = None


def _kind(suffix: str) -> str:
    return "SPSS" if suffix == ".sav" else "Stata"


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def write_stats_file(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    variables: Mapping[str, StatsVariable] | None = None,
    *,
    file_label: str = "",
) -> None:
    """Write a table to .sav or .dta (by suffix), atomically, with its labels.

    A column whose cells are all numbers, dates or empty is numeric (dates stay dates);
    any text makes it a text column. In a column whose variable says ``dont_know``, the cell
    ``dk`` is written as the labelled missing value. Column names must be valid variable names
    of the format (SPSS: 64 characters, Stata: 32, letters, digits and underscores).
    """
    import pandas as pd
    import pyreadstat

    from scirocco_lab.io.files import write_atomically

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in STATS_SUFFIXES:
        raise ConfigurationError(
            f"{target}: not an SPSS or Stata file name. Fix: end it with .sav or .dta."
        )
    variables = dict(variables or {})
    for name in header:
        if not _NAME[suffix].fullmatch(name):
            raise ConfigurationError(
                f"{target}: column '{name}' is not a valid {_kind(suffix)} variable name "
                f"({'32' if suffix == '.dta' else '64'} characters at most: letters, digits and "
                "underscores). Fix: rename it, or for ratings use the long layout (or .sav, which "
                "allows longer names)."
            )
    columns: dict[str, list[Any]] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    for index, name in enumerate(header):
        variable = variables.get(name, StatsVariable())
        cells = [row[index] if index < len(row) else None for row in rows]
        dk_code = SPSS_DONT_KNOW if suffix == ".sav" else STATA_DONT_KNOW
        has_dk = variable.dont_know and any(cell == _DK_CELL for cell in cells)
        if has_dk:
            cells = [dk_code if cell == _DK_CELL else cell for cell in cells]
        text = any(isinstance(cell, str) and not (has_dk and cell == dk_code) for cell in cells)
        if text:
            columns[name] = ["" if _is_empty(c) else str(c) for c in cells]
        elif any(isinstance(cell, dt.date) for cell in cells):
            columns[name] = [None if _is_empty(c) else c for c in cells]
        else:
            columns[name] = [
                c if (has_dk and c == dk_code) else (math.nan if _is_empty(c) else float(c))
                for c in cells
            ]
        labels = {
            float(value) if suffix == ".sav" else int(value): text_
            for value, text_ in variable.value_labels
        }
        if has_dk or (variable.dont_know and not text):
            labels[dk_code] = DONT_KNOW_LABEL
            missing[name] = [dk_code]
        if labels and not text:
            value_labels[name] = labels
    frame = pd.DataFrame({name: pd.Series(cells, dtype=object) for name, cells in columns.items()})
    for name, cells in columns.items():
        if cells and all(isinstance(c, float) for c in cells):
            frame[name] = frame[name].astype(float)
    column_labels = {name: variables[name].label for name in header if name in variables}

    def write(temporary: Path) -> None:
        if suffix == ".sav":
            pyreadstat.write_sav(
                frame,
                temporary,
                file_label=file_label,
                column_labels=column_labels or None,
                variable_value_labels=value_labels or None,
                missing_ranges=missing or None,
            )
        else:
            pyreadstat.write_dta(
                frame,
                temporary,
                file_label=file_label[:80],
                column_labels=column_labels or None,
                variable_value_labels=value_labels or None,
                missing_user_values=missing or None,
            )

    try:
        write_atomically(target, write)
    except pyreadstat.ReadstatError as exc:
        raise ConfigurationError(f"{target}: pyreadstat cannot write the file ({exc}).") from exc


def _missing_test(meta, suffix: str):
    """A function (column, value) -> whether the value is declared user-missing."""
    if suffix == ".sav":
        ranges = meta.missing_ranges or {}

        def is_missing(column: str, value: Any) -> bool:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return isinstance(value, str) and any(
                    r["lo"] == value for r in ranges.get(column, ())
                )
            return any(r["lo"] <= value <= r["hi"] for r in ranges.get(column, ()))

        return is_missing
    letters = meta.missing_user_values or {}

    def is_missing_dta(column: str, value: Any) -> bool:
        return isinstance(value, str) and value in letters.get(column, ())

    return is_missing_dta


def read_stats_file(path: str | os.PathLike[str]) -> StatsData:
    """Read a .sav or .dta file: cells, variable labels and value labels (see the module)."""
    import pyreadstat

    file = Path(path)
    suffix = file.suffix.lower()
    reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
    try:
        frame, meta = reader(file, user_missing=True)
    except Exception as exc:  # pyreadstat raises its own and OS errors for a bad file
        raise FileFormatError(
            f"{file}: not a readable {_kind(suffix)} file ({type(exc).__name__}: {exc}). It may "
            f"be damaged or another format renamed to {suffix}. Fix: save it again from "
            f"{_kind(suffix)} (File > Save as {suffix}), or export it as CSV UTF-8."
        ) from exc
    is_missing = _missing_test(meta, suffix)
    value_labels = {
        column: {value: str(text) for value, text in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    header = [str(name) for name in frame.columns]
    rows: list[list[Any]] = [header]
    for values in frame.astype(object).itertuples(index=False, name=None):
        row = []
        for column, value in zip(header, values, strict=True):
            if not _is_empty(value) and is_missing(column, value):
                # A labelled missing value reads as its label (don't know), else as empty.
                value = value_labels.get(column, {}).get(value)
            row.append(value)
        rows.append(row)
    return StatsData(
        source=str(file),
        rows=tuple(rows),
        labels=dict(meta.column_names_to_labels or {}),
        value_labels=value_labels,
        file_label=meta.file_label or None,
    )
