"""Plain tables of individual ratings for the consensus and agreement statistics (no store)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from scirocco_lab.assessment.ratings_files import (
    DONT_KNOW,
    DONT_KNOW_WORDS,
)
from scirocco_lab.errors import DataValidationError, InputProblem
from scirocco_lab.io.tables import normalise_header, read_table, whole_number

__all__ = ["read_individual_ratings"]


#: Accepted headings of a plain ratings table, by the column they fill.
_PLAIN_ALIASES = {
    "assessor": ("assessor", "rater", "coder", "participant"),
    "item": ("dimension", "unit", "item"),
    "level": ("rating", "level", "score"),
    "round": ("round",),
    "subject": ("subject", "region"),
}


def read_individual_ratings(
    path: str | os.PathLike[str], *, sheet: str | int | None = None
) -> tuple[pd.DataFrame, list[InputProblem]]:
    """Read a plain table of individual ratings for the consensus and agreement statistics.

    Columns (case-insensitive): ``assessor`` (or rater), ``dimension`` (or unit, item),
    ``rating`` (or level; a whole number, or ``dk`` / ``don't know`` / empty for don't know),
    and optionally ``round`` (default 1) and ``subject`` (default: the file's name). Returns
    the tidy frame (subject, round, assessor, dimension, level, dont_know, line) of the rows
    that could be read, and one :class:`InputProblem` per row that could not (``line`` is
    the spreadsheet row number, so later problems can still name it).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "panel.csv"
    >>> _ = path.write_text("assessor,dimension,rating\\na,funding,3\\nb,funding,dk\\n")
    >>> frame, problems = read_individual_ratings(path)
    >>> frame[["assessor", "level", "dont_know"]].values.tolist(), problems
    ([['a', 3.0, False], ['b', nan, True]], [])
    """
    table = read_table(path, sheet)
    source = table.source
    positions: dict[str, int] = {}
    for index, heading in enumerate(table.header):
        name = normalise_header(heading or "")
        for column, aliases in _PLAIN_ALIASES.items():
            if name in aliases and column not in positions:
                positions[column] = index
    missing = [c for c in ("assessor", "item", "level") if c not in positions]
    if missing:
        wanted = {"assessor": "assessor", "item": "dimension (or unit)", "level": "rating"}
        raise DataValidationError(
            [
                InputProblem(
                    source,
                    table.header_row,
                    wanted[c],
                    None,
                    "required column missing",
                    "name the columns assessor, dimension (or unit), rating and optionally "
                    "round and subject",
                )
                for c in missing
            ]
        )
    default_subject = Path(path).stem
    rows, problems = [], []

    def cell(cells: list[str | None], column: str) -> str | None:
        index = positions.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in table.rows:
        assessor, item, text = cell(cells, "assessor"), cell(cells, "item"), cell(cells, "level")
        round_text = cell(cells, "round")
        bad = False
        for column, value in (("assessor", assessor), ("dimension", item)):
            if value is None:
                problems.append(
                    InputProblem(
                        source, line, column, None, "empty cell", "fill it in or delete the row"
                    )
                )
                bad = True
        dont_know = text is None or text.lower() in DONT_KNOW_WORDS
        level = math.nan
        if not dont_know:
            parsed = whole_number(text)
            if parsed is None:
                problems.append(
                    InputProblem(
                        source,
                        line,
                        "rating",
                        text,
                        "not a whole number",
                        f"write a whole number, or {DONT_KNOW} for don't know",
                    )
                )
                bad = True
            else:
                level = float(parsed)
        round_number = 1
        if round_text is not None:
            parsed_round = whole_number(round_text)
            if parsed_round is not None:
                round_number = parsed_round
            else:
                problems.append(
                    InputProblem(
                        source,
                        line,
                        "round",
                        round_text,
                        "not a round number",
                        "write 1, 2, 3, ...",
                    )
                )
                bad = True
        if not bad:
            rows.append(
                {
                    "subject": cell(cells, "subject") or default_subject,
                    "round": round_number,
                    "assessor": assessor,
                    "dimension": item,
                    "level": level,
                    "dont_know": dont_know,
                    "line": line,
                }
            )
    columns = ["subject", "round", "assessor", "dimension", "level", "dont_know", "line"]
    return pd.DataFrame(rows, columns=columns), problems
