"""Comparison commands: ``gaps`` and ``twinning rank|pair``."""

from __future__ import annotations

from scirocco_lab.cli.output import add_flag, add_format, add_group, keywords, print_frame

__all__ = ["register"]


def _cmd_gaps(args) -> int:
    from scirocco_lab.comparison.report import comparison_report_data
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    report = comparison_report_data(
        store, args.region, **keywords(args, "practice", "other_region", "instrument")
    )
    if report.gaps is None:
        print_frame(report.comparison, args.format)
        return 0
    if args.summary:
        print_frame(report.ranking if args.practice is None else report.summary, args.format)
        return 0
    # Features are tuples; CSV and tables read better with one "; "-joined cell.
    table = report.gaps.assign(features=["; ".join(f) for f in report.gaps["features"]])
    print_frame(table, args.format)
    return 0


def _cmd_twinning_rank(args) -> int:
    from scirocco_lab.comparison.report import twinning_report_data
    from scirocco_lab.store import open_store

    report = twinning_report_data(
        open_store(args.store, create=False),
        args.instrument,
        receiving_region=args.receiving,
        **keywords(args, "dimensions", "include_practices"),
    )
    print_frame(report.partners.head(args.top), args.format)
    return 0


def _cmd_twinning_pair(args) -> int:
    from scirocco_lab.comparison.report import twinning_report_data
    from scirocco_lab.errors import ConfigurationError
    from scirocco_lab.store import open_store

    report = twinning_report_data(
        open_store(args.store, create=False), args.instrument, capacity=args.capacity
    )
    if report.pairing is None:
        raise ConfigurationError(report.pairing_problem)
    print_frame(report.pairing, args.format)
    return 0


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    gaps = commands.add_parser(
        "gaps",
        help="a region against a good practice's requirements or another region",
        description="Per dimension: readiness, requirement, gap and status (or two regions' "
        "levels). Without --practice or --region: the region's best-ranked good practice.",
    )
    gaps.add_argument("region", help="key of the region (health and care system)")
    counterpart = gaps.add_mutually_exclusive_group()
    counterpart.add_argument("--practice", default=None, metavar="KEY", help="good practice key")
    counterpart.add_argument(
        "--region", dest="other_region", default=None, metavar="OTHER", help="another region"
    )
    add_flag(
        gaps,
        "--summary",
        "summary indicators instead of the per-dimension table (without --practice: "
        "every good practice ranked by readiness)",
    )
    gaps.add_argument("--instrument", default="scirocco-exchange")
    add_format(gaps)
    gaps.set_defaults(handler=_cmd_gaps)

    twinning_commands = add_group(
        commands, "twinning", help="twinning partners and programme pairing"
    )
    rank = twinning_commands.add_parser(
        "rank", help="candidate transferring regions (and good practices) for a receiving region"
    )
    rank.add_argument("receiving", help="key of the receiving region")
    rank.add_argument(
        "--dimensions",
        nargs="+",
        default=None,
        metavar="KEY",
        help="dimension keys to improve (default: the region's weakest)",
    )
    add_flag(rank, "--include-practices", "rank good practices as well")
    rank.add_argument("--top", type=int, default=10, help="show the best N (default 10)")
    rank.add_argument("--instrument", default="scirocco-exchange")
    add_format(rank)
    rank.set_defaults(handler=_cmd_twinning_rank)
    pair = twinning_commands.add_parser(
        "pair", help="pair every region with a transferring region (largest total complementarity)"
    )
    pair.add_argument(
        "--capacity", type=int, default=1, help="receivers each transferring region coaches"
    )
    pair.add_argument("--instrument", default="scirocco-exchange")
    add_format(pair)
    pair.set_defaults(handler=_cmd_twinning_pair)
