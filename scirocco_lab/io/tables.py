"""Reading spreadsheets (CSV, TSV, .xlsx, SPSS .sav, Stata .dta) as tables of text cells
with their row numbers.

Every importer reads through :func:`read_table`, so every message can name the file, the
spreadsheet row (the header is the first filled row) and the column.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ratings.csv"
>>> _ = path.write_text("Assessor ID;level\\nNVL-01;3\\n", encoding="utf-8")
>>> table = read_table(path, None)
>>> table.header, table.rows
(['Assessor ID', 'level'], [(2, ['NVL-01', '3'])])
>>> normalise_header("Assessor ID")
'assessor_id'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scirocco_lab.errors import FileFormatError
from scirocco_lab.io.archives import check_office_file
from scirocco_lab.io.stats_files import STATS_SUFFIXES, read_stats_file

__all__ = [
    "DATA_FORMATS_DOC",
    "EXCEL_SUFFIXES",
    "STATS_SUFFIXES",
    "TEXT_SUFFIXES",
    "TextTable",
    "cell_text",
    "normalise_header",
    "read_csv_table",
    "read_table",
    "read_xlsx_table",
    "table_from_rows",
    "whole_number",
]

TEXT_SUFFIXES = (".csv", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Where the spreadsheet layouts are documented (named in messages).
DATA_FORMATS_DOC = "docs/data-formats.md"


@dataclass
class TextTable:
    """Cells as text (``None`` when empty), with spreadsheet row numbers."""

    source: str
    header_row: int
    header: list[str | None]
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)


def cell_text(value: Any) -> str | None:
    """One cell as stripped text; ``None`` when empty. Whole floats lose their ``.0``."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value) or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def table_from_rows(source: str, raw_rows: Iterable[Sequence[Any]], path: str) -> TextTable:
    numbered = [(number, [cell_text(v) for v in row]) for number, row in enumerate(raw_rows, 1)]
    filled = [(number, cells) for number, cells in numbered if any(c is not None for c in cells)]
    if not filled:
        raise FileFormatError(
            f"{path}: the file is empty. Fix: put a header row (e.g. subject, kind, assessor, "
            f"dimension, level) and one row per rating; see {DATA_FORMATS_DOC}."
        )
    (header_row, header), data = filled[0], filled[1:]
    if not data:
        raise FileFormatError(
            f"{path}: only a header row, no data rows. Fix: add the ratings below the header "
            "(or pick the right sheet with sheet=...)."
        )
    return TextTable(source=source, header_row=header_row, header=header, rows=data)


def read_csv_table(path: Path) -> TextTable:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError(
            f"{path}: not a UTF-8 text file (is it a spreadsheet saved with a .csv name, or "
            "another encoding?). Fix: save it as 'CSV UTF-8' or as .xlsx."
        ) from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read the file ({exc}).") from exc
    if "\x00" in text:
        raise FileFormatError(
            f"{path}: binary content, not a CSV file. Fix: save it as 'CSV UTF-8' or as .xlsx."
        )
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise FileFormatError(
            f"{path}: not a well-formed CSV file ({exc}). Fix: check quotes around cells that "
            "contain commas or line breaks, or save it again from a spreadsheet."
        ) from exc
    return table_from_rows(str(path), rows, str(path))


_XLSX_FIX = (
    "open it in a spreadsheet program and save it again as Excel Workbook (.xlsx), or as CSV UTF-8"
)


def read_xlsx_table(path: Path, sheet: str | int | None) -> TextTable:
    from openpyxl import load_workbook

    check_office_file(path, _XLSX_FIX)  # bounds and no DOCTYPE before openpyxl unpacks it
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same here
        raise FileFormatError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}). It may be "
            f"corrupt, password-protected or another format renamed to .xlsx. Fix: {_XLSX_FIX}."
        ) from exc
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise FileFormatError(
                    f"{path}: no sheet number {sheet} (0-based); the workbook has {len(names)}: "
                    f"{', '.join(names)}."
                )
            worksheet = workbook.worksheets[sheet]
        else:
            match = [n for n in names if n == sheet] or [
                n for n in names if n.strip().lower() == str(sheet).strip().lower()
            ]
            if not match:
                raise FileFormatError(
                    f"{path}: no sheet named '{sheet}'. Sheets: {', '.join(names)}."
                )
            worksheet = workbook[match[0]]
        try:
            # Read-only mode trusts the sheet's <dimension> element to bound the rows it
            # yields; streaming writers (Apache POI's SXSSF, used by many web exports of big
            # tables) write a placeholder ref="A1", so only cell A1 was read and a large
            # workbook looked empty. Forget the recorded size and read every row there is.
            worksheet.reset_dimensions()
            rows = list(worksheet.iter_rows(min_row=1, values_only=True))
        except Exception as exc:
            raise FileFormatError(
                f"{path}: sheet '{worksheet.title}' cannot be read ({exc}). Fix: save the "
                "workbook again as .xlsx."
            ) from exc
        source = f"{path} (sheet '{worksheet.title}')"
    finally:
        workbook.close()
    return table_from_rows(source, rows, source)


def read_table(path: str | os.PathLike[str], sheet: str | int | None) -> TextTable:
    file = Path(path)
    if not file.exists():
        raise FileFormatError(f"{file}: file not found. Check the path and the file name.")
    if file.is_dir():
        raise FileFormatError(f"{file}: is a folder, not a file. Give the .csv or .xlsx file.")
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_csv_table(file)
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx_table(file, sheet)
    if suffix in STATS_SUFFIXES:
        # Variable names are the header (row 1); a don't-know reads as its label.
        data = read_stats_file(file)
        return table_from_rows(data.source, data.rows, data.source)
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileFormatError(
            f"{file}: '{suffix}' files cannot be read. Fix: save it as Excel Workbook (.xlsx) "
            "or CSV UTF-8 (.csv)."
        )
    raise FileFormatError(
        f"{file}: unknown file type '{suffix or '(none)'}'. Fix: use a .csv or .xlsx file "
        "(or SPSS .sav, Stata .dta)."
    )


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def whole_number(text: str | None) -> int | None:
    """A cell's text as an integer only when it is written as one; else ``None``.

    ``1e0``, ``3.0000001`` and ``2.5`` are not levels even though some equal an integer as
    floats: a level is a choice on a scale, so anything else is a typo or a computed value.
    (Spreadsheet number cells holding a whole number already read as ``3``.)

    >>> [whole_number(t) for t in ("3", "+2", " 4 ", "1e0", "3.0000001", "2.5", "three")]
    [3, 2, 4, None, None, None, None]
    """
    if text is None:
        return None
    stripped = text.strip()
    return int(stripped) if _WHOLE_NUMBER.fullmatch(stripped) else None


def normalise_header(name: str) -> str:
    """Column names compare case-insensitively; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
