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
from pathlib import Path

__all__ = [
    "add_command",
    "add_file_option",
    "add_flag",
    "add_format",
    "add_group",
    "add_raw_values",
    "date_argument",
    "keywords",
    "print_frame",
    "print_problems",
]


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


def add_group(commands, name: str, *, help: str):
    """A command with actions of its own (``scirocco-lab NAME ACTION``); its sub-parsers.

    The chosen action lands in ``args.NAME_command``.

    >>> parser = argparse.ArgumentParser(prog="scirocco-lab")
    >>> people = add_group(parser.add_subparsers(), "people", help="assessors and participants")
    >>> listing = add_command(people, "list", print, help="pseudonyms")
    >>> args = parser.parse_args(["people", "list"])
    >>> args.people_command, args.handler is print
    ('list', True)
    """
    parser = commands.add_parser(name, help=help)
    return parser.add_subparsers(dest=f"{name}_command", required=True)


def add_command(commands, name: str, handler, *, help: str, description: str | None = None):
    """A command that runs ``handler(args)``; its parser, to add the command's arguments to.

    ``description`` (default: none) heads the command's own ``--help``.
    """
    parser = commands.add_parser(name, help=help, description=description)
    parser.set_defaults(handler=handler)
    return parser


def add_flag(parser: argparse.ArgumentParser, name: str, help: str) -> None:
    """An on/off option: ``args.<name>`` is True when given, else False.

    >>> parser = argparse.ArgumentParser(prog="x")
    >>> add_flag(parser, "--replace", "overwrite what is already in the store")
    >>> parser.parse_args(["--replace"]).replace, parser.parse_args([]).replace
    (True, False)
    """
    parser.add_argument(name, action="store_true", help=help)


def add_file_option(parser, name: str, help: str, *, metavar: str | None = None) -> None:
    """An optional file: ``args.<name>`` a :class:`~pathlib.Path`, or None when not given.

    >>> parser = argparse.ArgumentParser(prog="x")
    >>> add_file_option(parser, "--crosswalk", "your own cross-walk file")
    >>> parser.parse_args(["--crosswalk", "walk.yaml"]).crosswalk, parser.parse_args([]).crosswalk
    (PosixPath('walk.yaml'), None)
    """
    parser.add_argument(name, type=Path, default=None, metavar=metavar, help=help)


def add_raw_values(parser: argparse.ArgumentParser) -> None:
    """The ``--raw-values`` option of the commands that write spreadsheets."""
    add_flag(
        parser,
        "--raw-values",
        "write text beginning with = + - @ as stored (default: prefixed with ' so a "
        "spreadsheet never runs it as a formula)",
    )


def keywords(args: argparse.Namespace, *names: str, **renamed: str) -> dict:
    """Parsed options to pass on as keyword arguments: ``names`` under their own name,
    ``renamed`` as ``keyword="option"``.

    >>> args = argparse.Namespace(region="corvalla", date="2026-03-04", quiet=True)
    >>> keywords(args, "region", held_on="date")
    {'region': 'corvalla', 'held_on': '2026-03-04'}
    """
    passed = {name: getattr(args, name) for name in names}
    passed.update({keyword: getattr(args, option) for keyword, option in renamed.items()})
    return passed


def print_problems(heading: str, problems, fix: str, *, most: int = 20) -> int:
    """Print a heading, the first ``most`` problems as a list and the fix; exit status 2.

    >>> print_problems("store x: DAMAGED, 1 problem(s):", ["page 3"], "Fix: restore it.")
    store x: DAMAGED, 1 problem(s):
      - page 3
    Fix: restore it.
    2
    """
    print(heading)
    for problem in list(problems)[:most]:
        print(f"  - {problem}")
    print(fix)
    return 2


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
