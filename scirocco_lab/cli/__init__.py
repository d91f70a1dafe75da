"""The ``scirocco-lab`` command line: :mod:`~scirocco_lab.cli.commands` builds the parser from
one ``register()`` per domain (``scirocco_lab/<domain>/cli.py``); :mod:`~scirocco_lab.cli.output`
holds the output helpers they share.

>>> main(["instruments", "list", "--format", "csv"])  # doctest: +ELLIPSIS
id,title,...
0
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["build_parser", "main"]


# Thin wrappers: the domains' command modules import cli.output, so this package imports
# cli.commands (which imports every domain) only when a command actually runs.
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``scirocco-lab`` with ``argv`` (default: the process arguments); the exit status."""
    from scirocco_lab.cli.commands import main as run

    return run(argv)


def build_parser():
    """The ``scirocco-lab`` argument parser."""
    from scirocco_lab.cli.commands import build_parser as build

    return build()
