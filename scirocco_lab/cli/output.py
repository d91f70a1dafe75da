"""Output helpers every domain's commands share: frames as tables, CSV or JSON.

>>> import pandas as pd
>>> print_frame(pd.DataFrame({"dimension": ["funding"], "level": [3]}), "csv")
dimension,level
funding,3
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_format", "print_frame"]


def print_frame(frame, fmt: str) -> None:
    """Write a DataFrame to standard output as an aligned table, CSV or JSON records."""
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        import pandas as pd

        with pd.option_context(
            "display.max_rows", None, "display.width", 160, "display.max_columns", None
        ):
            sys.stdout.write(frame.to_string(index=False) + "\n")


def add_format(parser: argparse.ArgumentParser) -> None:
    """Give a command the common ``--format table|csv|json`` option."""
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output as an aligned table (default), CSV or JSON",
    )
