"""``reports build``: every report the domains declare, built in a batch."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["register"]


def _cmd_reports_build(args) -> int:
    from tqdm import tqdm

    from scirocco_lab.config import store_url
    from scirocco_lab.reports.engine import build_reports
    from scirocco_lab.reports.registry import report_tasks

    out_dir = Path(args.out)
    url = store_url(args.store)
    tasks = report_tasks(url, out_dir, regions=args.region, instrument=args.instrument)
    if not any(task.kind == "region_profile" for task in tasks):
        print("no regions in the store: import data or run `scirocco-lab demo seed` first")
        return 1
    with tqdm(total=len(tasks), unit="report", disable=args.quiet, file=sys.stderr) as bar:
        results = build_reports(
            tasks, out_dir, workers=args.workers, on_result=lambda _result: bar.update()
        )
    failed = [r for r in results if not r.ok]
    for result in results:
        state = "ok    " if result.ok else "FAILED"
        print(
            f"{state} {result.task.output}  ({result.seconds:.1f} s)"
            + (f"\n       {result.error}" if result.error else "")
        )
    print(
        f"{len(results) - len(failed)} of {len(results)} report(s) built; "
        f"index: {out_dir / 'index.html'}"
    )
    return 1 if failed else 0


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    reports = commands.add_parser("reports", help="build reports")
    report_commands = reports.add_subparsers(dest="reports_command", required=True)
    build = report_commands.add_parser("build", help="build every region's report (HTML)")
    build.add_argument(
        "--region", action="append", default=None, help="only this region (repeat for several)"
    )
    build.add_argument("--out", default="reports", help="output folder (default: reports)")
    build.add_argument("--instrument", default="scirocco-exchange")
    build.add_argument(
        "--workers", type=int, default=2, help="reports built in parallel (default 2, one per core)"
    )
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(handler=_cmd_reports_build)
