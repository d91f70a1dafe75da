"""The ``scirocco-lab`` parser: global options, then one ``register()`` per domain.

Every command takes ``--store URL`` (or the ``SCIROCCO_LAB_STORE`` environment variable);
without either it uses the project's ``data/scirocco-lab.db``. Errors print one clear message
(what was wrong, where, how to fix it) and exit with status 2; a report batch with failures
exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from scirocco_lab.assessment.cli import register as register_assessment
from scirocco_lab.capture.cli import register as register_capture
from scirocco_lab.comparison.cli import register as register_comparison
from scirocco_lab.config import store_url
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.evaluation.cli import register as register_evaluation
from scirocco_lab.planning.cli import register as register_planning
from scirocco_lab.reports.cli import register as register_reports
from scirocco_lab.store.cli import register as register_store

__all__ = ["build_parser", "main"]

# In the order `scirocco-lab --help` lists the commands.
DOMAIN_COMMANDS = (
    register_store,
    register_assessment,
    register_comparison,
    register_reports,
    register_capture,
    register_planning,
    register_evaluation,
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line parser."""
    parser = argparse.ArgumentParser(
        prog="scirocco-lab",
        description="Research workbench for SCIROCCO maturity assessments of integrated care.",
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="store URL or SQLite file path (default: $SCIROCCO_LAB_STORE, else "
        "data/scirocco-lab.db in the project)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in DOMAIN_COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scirocco-lab`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SciroccoLabError as exc:
        print(f"scirocco-lab: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output file or folder that cannot be written
        name = f" {exc.filename}" if exc.filename else ""
        print(
            f"scirocco-lab: error: cannot write{name}: {exc.strerror or exc}. Nothing was "
            "written. Fix: choose a folder you can write to, or make it writable.",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        # SQLAlchemy is imported here, not at the top, so that `--help` stays cheap.
        from sqlalchemy.exc import SQLAlchemyError

        from scirocco_lab.store.engine import store_error

        if not isinstance(exc, SQLAlchemyError):
            raise
        # A store failing mid-command (locked, damaged, read-only).
        where = store_url(args.store)
        print(f"scirocco-lab: error: {store_error(where, exc)}", file=sys.stderr)
        return 2
