"""Output helpers every domain's commands share: frames as tables, CSV or JSON.

>>> import pandas as pd
>>> print_frame(pd.DataFrame({"dimension": ["funding"], "level": [3]}), "csv")
dimension,level
funding,3
>>> print_frame(pd.DataFrame({"code": ["trust"], "path": [("care", "trust")]}), "table")
 code        path
trust care; trust
>>> print_frame(pd.DataFrame({"code": []}), "table", empty="no codes in the store yet")
no codes in the store yet
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

__all__ = ["add_format", "date_argument", "print_frame"]


def _plain(value):
    # Tuples and lists (code paths, dimension lists) print as "a; b", never as Python reprs.
    if isinstance(value, (tuple, list, set, frozenset)):
        return "; ".join(str(item) for item in value)
    return value


def print_frame(frame, fmt: str, *, empty: str = "nothing found") -> None:
    """Write a DataFrame to standard output as an aligned table, CSV or JSON records.

    An empty frame as a table prints ``empty`` (say what matched nothing), never pandas'
    "Empty DataFrame"; CSV and JSON stay machine-readable (a header, ``[]``).
    """
    if fmt != "json":
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(_plain)
    if fmt == "table" and frame.empty:
        sys.stdout.write(empty + "\n")
    elif fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        import pandas as pd

        from scirocco_lab.io.display import format_number

        with pd.option_context(
            "display.max_rows", None, "display.width", 160, "display.max_columns", None
        ):
            # Shown numbers round half up (0.25 -> 0.3 at one decimal), as in the reports;
            # csv and json keep full precision for scripts.
            text = frame.to_string(index=False, float_format=lambda v: format_number(v, 3))
            sys.stdout.write(text + "\n")


def add_format(parser: argparse.ArgumentParser) -> None:
    """Give a command the common ``--format table|csv|json`` option."""
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output as an aligned table (default), CSV or JSON",
    )


def date_argument(text: str) -> dt.date:
    """An argparse ``type`` for dates written YYYY-MM-DD (anything else: a usage error).

    >>> date_argument("2026-03-04")
    datetime.date(2026, 3, 4)
    >>> date_argument("4/3/2026")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '4/3/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-04
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-04"
        ) from None
