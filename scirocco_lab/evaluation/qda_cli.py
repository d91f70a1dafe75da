"""`scirocco-lab qda import|export`: REFI-QDA projects (.qdpx) and codebooks (.qdc).

The format follows the file's suffix. Both commands print what was read or written: sources,
codes, coded segments, coders, and the optional parts kept for the next export.
"""

from __future__ import annotations

from pathlib import Path

from scirocco_lab.errors import ConfigurationError

__all__ = ["register"]

_SUFFIXES = (".qdpx", ".qdc")


def _kind(file: str) -> str:
    suffix = Path(file).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ConfigurationError(
            f"{file}: unknown suffix '{suffix or '(none)'}'. Fix: give a REFI-QDA project "
            "(.qdpx) or codebook (.qdc) file."
        )
    return suffix[1:]


def _cmd_import(args) -> int:
    from scirocco_lab.evaluation.refi_qda import import_qdc, import_qdpx
    from scirocco_lab.store import open_store

    kind = _kind(args.file)
    store = open_store(args.store)
    if kind == "qdc":
        if args.region or args.activity:
            raise ConfigurationError(
                "--region and --activity apply to project sources; a .qdc holds only codes. "
                "Fix: leave them out."
            )
        summary = import_qdc(store, args.file, replace=args.replace)
    else:
        summary = import_qdpx(
            store,
            args.file,
            region=args.region,
            activity=args.activity,
            replace=args.replace,
        )
    print(summary)
    for warning in summary.warnings:
        print(f"warning: {warning}")
    return 0


def _cmd_export(args) -> int:
    from scirocco_lab.evaluation.refi_qda import export_qdc, export_qdpx
    from scirocco_lab.store import open_store

    kind = _kind(args.file)
    store = open_store(args.store, create=False)
    if kind == "qdc":
        if args.region or args.include_identities:
            raise ConfigurationError(
                "--region and --include-identities apply to projects; a .qdc holds only the "
                "codebook. Fix: leave them out."
            )
        summary = export_qdc(store, args.file)
    else:
        summary = export_qdpx(
            store, args.file, region=args.region, include_identities=args.include_identities
        )
    print(summary)
    for warning in summary.warnings:
        print(f"warning: {warning}")
    if args.include_identities:
        print("note: the file holds participants' real names and e-mail addresses")
    return 0


def register(commands) -> None:
    """Add the qda commands to the top-level sub-parsers."""
    from scirocco_lab.evaluation.records import ACTIVITIES

    qda = commands.add_parser(
        "qda", help="exchange with NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA)"
    )
    qda_commands = qda.add_subparsers(dest="qda_command", required=True)
    reading = qda_commands.add_parser(
        "import", help="import a REFI-QDA project (.qdpx) or codebook (.qdc)"
    )
    reading.add_argument("file", help="a .qdpx project or .qdc codebook")
    reading.add_argument("--region", default=None, help="region key of every imported source")
    reading.add_argument(
        "--activity", default=None, choices=ACTIVITIES, help="activity of every imported source"
    )
    reading.add_argument(
        "--replace",
        action="store_true",
        help="replace sources (with their coded segments) and codes already in the store",
    )
    reading.set_defaults(handler=_cmd_import)
    writing = qda_commands.add_parser(
        "export", help="export the store as a REFI-QDA project (.qdpx) or codebook (.qdc)"
    )
    writing.add_argument("file", help="the .qdpx or .qdc file to write")
    writing.add_argument("--region", default=None, help="only the sources of this region")
    writing.add_argument(
        "--include-identities",
        action="store_true",
        help="also write participants' real names and e-mail addresses (personal data)",
    )
    writing.set_defaults(handler=_cmd_export)
