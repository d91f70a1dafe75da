"""The ``scirocco-lab`` command line.

Every command takes ``--store URL`` (or the ``SCIROCCO_LAB_STORE`` environment variable);
without either it uses the project's ``data/scirocco-lab.db``. Errors print one clear message
(what was wrong, where, how to fix it) and exit with status 2; a report batch with failures
exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scirocco_lab.errors import SciroccoLabError

__all__ = ["build_parser", "main"]


def _print_frame(frame, fmt: str) -> None:
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


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output as an aligned table (default), CSV or JSON",
    )


# --- store ---------------------------------------------------------------------------------


def _cmd_store_init(args) -> int:
    from scirocco_lab.demo import DEMO_MARK, generate_demo
    from scirocco_lab.store import is_empty, open_store, subjects_frame, write_batch

    store = open_store(args.store)
    print(f"store ready: {store.display_url}")
    if args.seed_demo_if_empty:
        if is_empty(store):
            summary = write_batch(store, generate_demo())
            print(f"seeded with {DEMO_MARK.lower()}: {summary}")
            _seed_demo_records(store)
        # A demo store made before planning and evaluation records existed gets them.
        elif not (subjects_frame(store)["synthetic"].all() and _seed_demo_records(store)):
            print("store already holds data; demo data not added")
    return 0


def _seed_demo_records(store) -> int:
    """Planning and evaluation demo records for the demo regions, where the store has none
    yet; returns how many kinds were seeded."""
    from scirocco_lab.evaluation.demo import seed_evaluation_demo
    from scirocco_lab.planning.demo import seed_planning_demo

    seeded = 0
    for seed in (seed_planning_demo, seed_evaluation_demo):
        summary = seed(store)
        if summary:
            print(f"seeded: {summary}")
            seeded += 1
    return seeded


def _cmd_store_info(args) -> int:
    import pandas as pd

    from scirocco_lab.store import assessments_frame, open_store, subjects_frame

    store = open_store(args.store, create=False)
    subjects = subjects_frame(store)
    assessments = assessments_frame(store)
    print(f"store: {store.display_url}")
    counts = pd.DataFrame(
        {
            "records": ["regions", "good practices", "assessments", "synthetic subjects"],
            "count": [
                int((subjects["kind"] == "system").sum()),
                int((subjects["kind"] == "good_practice").sum()),
                len(assessments),
                int(subjects["synthetic"].sum()) if not subjects.empty else 0,
            ],
        }
    )
    _print_frame(counts, "table")
    return 0


def _cmd_demo_seed(args) -> int:
    from scirocco_lab.demo import generate_demo
    from scirocco_lab.store import open_store, write_batch

    store = open_store(args.store)
    summary = write_batch(store, generate_demo(args.seed), replace=args.replace)
    print(f"demo data written to {store.display_url}: {summary}")
    _seed_demo_records(store)
    return 0


# --- instruments ---------------------------------------------------------------------------


def _cmd_instruments_list(args) -> int:
    import pandas as pd

    from scirocco_lab.instruments import list_instruments

    _print_frame(pd.DataFrame(list_instruments()), args.format)
    return 0


def _cmd_instruments_show(args) -> int:
    from scirocco_lab.instruments import load_instrument

    instrument = load_instrument(args.instrument, language=args.language)
    if args.format == "table":
        print(
            f"{instrument.title} (id {instrument.id}, version {instrument.version}, "
            f"{instrument.label_kind} labels, scale {instrument.scale_min}..{instrument.scale_max})"
        )
    _print_frame(instrument.levels_table(), args.format)
    return 0


# --- subjects ------------------------------------------------------------------------------


def _cmd_subjects_list(args) -> int:
    from scirocco_lab.store import open_store, subjects_frame

    kind = {"regions": "system", "practices": "good_practice"}.get(args.kind)
    _print_frame(subjects_frame(open_store(args.store, create=False), kind=kind), args.format)
    return 0


def _cmd_subjects_add(args) -> int:
    from scirocco_lab.records import SubjectRecord
    from scirocco_lab.store import add_subjects, open_store

    record = SubjectRecord(
        key=args.key,
        name=args.name,
        kind="good_practice" if args.good_practice else "system",
        country=args.country,
        owner=args.owner,
        description=args.description,
    )
    summary = add_subjects(open_store(args.store), [record])
    print("added" if summary.subjects_added else f"'{args.key}' already exists; left as it is")
    return 0


# --- files ---------------------------------------------------------------------------------


def _cmd_import(args) -> int:
    from scirocco_lab.store import open_store
    from scirocco_lab.tabular import import_ratings

    summary = import_ratings(
        open_store(args.store),
        args.file,
        layout=args.layout,
        replace=args.replace,
        sheet=args.sheet,
    )
    print(f"imported from {args.file}: {summary}")
    return 0


def _cmd_export(args) -> int:
    from scirocco_lab.store import open_store
    from scirocco_lab.tabular import export_ratings

    rows = export_ratings(
        open_store(args.store, create=False),
        args.file,
        layout=args.layout,
        subject=args.subject,
        kind=args.kind,
        mode=args.mode,
        round=args.round,
        status=None if args.status == "any" else args.status,
        include_identities=args.include_identities,
    )
    print(f"wrote {rows} row(s) to {args.file}")
    if args.include_identities:
        print("note: the file holds assessors' names; it is personal data, keep it out of git")
    return 0


# --- analysis ------------------------------------------------------------------------------


def _cmd_profile(args) -> int:
    from scirocco_lab.scoring import region_profile
    from scirocco_lab.store import get_subject, open_store, ratings_frame, resolve_instrument

    store = open_store(args.store, create=False)
    get_subject(store, args.region)
    instrument = resolve_instrument(store, args.instrument)
    ratings = ratings_frame(store, subject=args.region, instrument=instrument.id)
    _print_frame(region_profile(ratings, instrument, args.region), args.format)
    return 0


def _statistics_ratings(args):
    """Individual ratings from a file (``--file``) or from the store, plus any bad rows."""
    from scirocco_lab.store import open_store, ratings_frame

    if args.file is not None:
        from scirocco_lab.tabular import read_individual_ratings

        frame, problems = read_individual_ratings(args.file)
        return frame, problems, str(args.file)
    store = open_store(args.store, create=False)
    frame = ratings_frame(store, subject=args.region, mode="individual", round=args.round)
    return frame.assign(line=range(2, len(frame) + 2)), [], store.display_url


def _checked(compute, frame, problems, source: str, skip_bad_rows: bool, *, from_file: bool):
    """Run a statistic; with ``skip_bad_rows``, drop the rows it rejects and warn about them.

    Problems always name the original line of the file, even after rows were dropped.
    """
    from dataclasses import replace

    from scirocco_lab.errors import DataValidationError

    outcome = "nothing was computed (--skip-bad-rows computes from the good rows)"
    if problems and not skip_bad_rows:
        raise DataValidationError(problems, outcome=outcome)
    # Files name the level column "rating"; the statistics call it "level".
    field_names = {"level": "rating"} if from_file else {}
    skipped = list(problems)
    while True:
        try:
            result = compute(frame)
            break
        except DataValidationError as exc:
            located = [
                replace(
                    p,
                    source=source,
                    row=int(frame["line"].iloc[p.row - 2]),
                    field=field_names.get(p.field, p.field),
                )
                if p.row is not None and 2 <= p.row < len(frame) + 2
                else replace(p, source=source)
                for p in exc.problems
            ]
            bad = sorted({p.row - 2 for p in exc.problems if p.row is not None})
            if not skip_bad_rows or not bad:
                raise DataValidationError(located, outcome=outcome) from None
            skipped.extend(located)
            frame = frame.drop(frame.index[bad])
    for problem in skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    return result


def _cmd_consensus(args) -> int:
    from scirocco_lab.consensus import DelphiRule, consensus_table

    frame, problems, source = _statistics_ratings(args)
    delphi = (
        DelphiRule(outside_threshold=None, outside_proportion=args.outside_proportion)
        if args.outside_proportion is not None
        else DelphiRule()
    )
    table = _checked(
        lambda ratings: consensus_table(ratings, rule=args.rule, delphi=delphi),
        frame,
        problems,
        source,
        args.skip_bad_rows,
        from_file=args.file is not None,
    )
    _print_frame(table, args.format)
    return 0


def _cmd_agreement(args) -> int:
    from scirocco_lab.agreement import agreement_table

    frame, problems, source = _statistics_ratings(args)
    table = _checked(
        lambda ratings: agreement_table(ratings, by=("subject", "round")),
        frame,
        problems,
        source,
        args.skip_bad_rows,
        from_file=args.file is not None,
    )
    _print_frame(table, args.format)
    return 0


def _cmd_gaps(args) -> int:
    from scirocco_lab.gap_reporting import comparison_report_data
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    report = comparison_report_data(
        store,
        args.region,
        practice=args.practice,
        other_region=args.other_region,
        instrument=args.instrument,
    )
    if report.gaps is None:
        _print_frame(report.comparison, args.format)
        return 0
    if args.summary:
        _print_frame(report.ranking if args.practice is None else report.summary, args.format)
        return 0
    # Features are tuples; CSV and tables read better with one "; "-joined cell.
    table = report.gaps.assign(features=["; ".join(f) for f in report.gaps["features"]])
    _print_frame(table, args.format)
    return 0


def _cmd_twinning_rank(args) -> int:
    from scirocco_lab.gap_reporting import twinning_report_data
    from scirocco_lab.store import open_store

    report = twinning_report_data(
        open_store(args.store, create=False),
        args.instrument,
        receiving_region=args.receiving,
        dimensions=args.dimensions,
        include_practices=args.include_practices,
    )
    _print_frame(report.partners.head(args.top), args.format)
    return 0


def _cmd_twinning_pair(args) -> int:
    from scirocco_lab.errors import ConfigurationError
    from scirocco_lab.gap_reporting import twinning_report_data
    from scirocco_lab.store import open_store

    report = twinning_report_data(
        open_store(args.store, create=False), args.instrument, capacity=args.capacity
    )
    if report.pairing is None:
        raise ConfigurationError(report.pairing_problem)
    _print_frame(report.pairing, args.format)
    return 0


# --- reports -------------------------------------------------------------------------------


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


# --- serve ---------------------------------------------------------------------------------


def _cmd_serve(args) -> int:
    from scirocco_lab.serve import ServeSettings, capture_notebook, serve

    return serve(
        ServeSettings(
            notebook=capture_notebook(),
            host=args.host,
            port=args.port,
            store=args.store,
            subject=args.subject,
            instrument=args.instrument,
            round=args.round,
        )
    )


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
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

    store = commands.add_parser("store", help="create or describe the store")
    store_commands = store.add_subparsers(dest="store_command", required=True)
    init = store_commands.add_parser("init", help="create the store if it does not exist")
    init.add_argument(
        "--seed-demo-if-empty",
        action="store_true",
        help="add the synthetic demo data when the store holds nothing yet",
    )
    init.set_defaults(handler=_cmd_store_init)
    store_commands.add_parser("info", help="what the store holds").set_defaults(
        handler=_cmd_store_info
    )

    demo = commands.add_parser("demo", help="synthetic demo data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    seed = demo_commands.add_parser("seed", help="write the synthetic demo data to the store")
    seed.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    seed.add_argument(
        "--replace", action="store_true", help="overwrite demo assessments already in the store"
    )
    seed.set_defaults(handler=_cmd_demo_seed)

    instruments = commands.add_parser("instruments", help="list or show instruments")
    instrument_commands = instruments.add_subparsers(dest="instruments_command", required=True)
    listing = instrument_commands.add_parser("list", help="bundled and configured instruments")
    _add_format(listing)
    listing.set_defaults(handler=_cmd_instruments_list)
    show = instrument_commands.add_parser("show", help="dimensions and level labels")
    show.add_argument("instrument", help="instrument id or path of an instrument file")
    show.add_argument("--language", default=None, help="language code, e.g. en or nl")
    _add_format(show)
    show.set_defaults(handler=_cmd_instruments_show)

    subjects = commands.add_parser("subjects", help="regions and good practices")
    subject_commands = subjects.add_subparsers(dest="subjects_command", required=True)
    listing = subject_commands.add_parser("list", help="list regions and good practices")
    listing.add_argument("--kind", choices=("all", "regions", "practices"), default="all")
    _add_format(listing)
    listing.set_defaults(handler=_cmd_subjects_list)
    add = subject_commands.add_parser("add", help="add a region or good practice")
    add.add_argument("key", help="short stable key, e.g. northvale")
    add.add_argument("--name", required=True)
    add.add_argument("--country")
    add.add_argument("--good-practice", action="store_true", help="a good practice, not a region")
    add.add_argument("--owner", help="key of the region that owns the good practice")
    add.add_argument("--description")
    add.set_defaults(handler=_cmd_subjects_add)

    importing = commands.add_parser("import", help="import ratings from CSV or Excel")
    importing.add_argument("file", type=Path)
    importing.add_argument("--layout", choices=("auto", "long", "wide"), default="auto")
    importing.add_argument("--sheet", default=None, help="Excel sheet name (default: first)")
    importing.add_argument(
        "--replace", action="store_true", help="overwrite assessments that are already in the store"
    )
    importing.set_defaults(handler=_cmd_import)

    exporting = commands.add_parser("export", help="export ratings to CSV or Excel")
    exporting.add_argument("file", type=Path, help="a .csv or .xlsx path")
    exporting.add_argument("--layout", choices=("long", "wide"), default="long")
    exporting.add_argument("--subject", default=None)
    exporting.add_argument("--kind", choices=("HS", "GP"), default=None)
    exporting.add_argument("--mode", choices=("individual", "consensus"), default=None)
    exporting.add_argument("--round", type=int, default=None)
    exporting.add_argument("--status", choices=("submitted", "draft", "any"), default="submitted")
    exporting.add_argument(
        "--include-identities",
        action="store_true",
        help="add assessors' names and e-mails (personal data; default: pseudonyms only)",
    )
    exporting.set_defaults(handler=_cmd_export)

    profile = commands.add_parser("profile", help="a region's profile per dimension")
    profile.add_argument("region")
    profile.add_argument("--instrument", default="scirocco-exchange")
    _add_format(profile)
    profile.set_defaults(handler=_cmd_profile)

    for name, handler, summary in (
        ("consensus", _cmd_consensus, "Delphi consensus table per subject, round and dimension"),
        ("agreement", _cmd_agreement, "inter-rater agreement coefficients per subject and round"),
    ):
        statistics = commands.add_parser(name, help=summary, description=summary)
        source = statistics.add_mutually_exclusive_group()
        source.add_argument("--region", default=None, help="one region from the store")
        source.add_argument(
            "--file",
            type=Path,
            default=None,
            help="CSV/Excel of individual ratings: assessor, dimension (or unit), rating, "
            "optional round and subject",
        )
        statistics.add_argument("--round", type=int, default=None, help="one round (store)")
        statistics.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="compute from the good rows and list the bad ones (default: refuse the file)",
        )
        if name == "consensus":
            statistics.add_argument(
                "--rule",
                choices=("delphi-scirocco", "percent-agreement", "iqr"),
                default="delphi-scirocco",
            )
            statistics.add_argument(
                "--outside-proportion",
                type=float,
                default=None,
                metavar="P",
                help="Split when at least this share of ratings lies outside the 3-point "
                "region (default: the published count, 4 of 12)",
            )
        _add_format(statistics)
        statistics.set_defaults(handler=handler)

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
    gaps.add_argument(
        "--summary",
        action="store_true",
        help="summary indicators instead of the per-dimension table (without --practice: "
        "every good practice ranked by readiness)",
    )
    gaps.add_argument("--instrument", default="scirocco-exchange")
    _add_format(gaps)
    gaps.set_defaults(handler=_cmd_gaps)

    twinning = commands.add_parser("twinning", help="twinning partners and programme pairing")
    twinning_commands = twinning.add_subparsers(dest="twinning_command", required=True)
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
    rank.add_argument(
        "--include-practices", action="store_true", help="rank good practices as well"
    )
    rank.add_argument("--top", type=int, default=10, help="show the best N (default 10)")
    rank.add_argument("--instrument", default="scirocco-exchange")
    _add_format(rank)
    rank.set_defaults(handler=_cmd_twinning_rank)
    pair = twinning_commands.add_parser(
        "pair", help="pair every region with a transferring region (largest total complementarity)"
    )
    pair.add_argument(
        "--capacity", type=int, default=1, help="receivers each transferring region coaches"
    )
    pair.add_argument("--instrument", default="scirocco-exchange")
    _add_format(pair)
    pair.set_defaults(handler=_cmd_twinning_pair)

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
    serving = commands.add_parser(
        "serve", help="serve the assessment form to workshop participants (Voila web app)"
    )
    serving.add_argument(
        "--subject", help="region or good practice key (a link's ?subject= overrides it)"
    )
    serving.add_argument("--round", type=int, default=None, help="Delphi round (default 1)")
    serving.add_argument(
        "--instrument", default=None, help="instrument id or file (default scirocco-exchange)"
    )
    serving.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    serving.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    serving.set_defaults(handler=_cmd_serve)

    # Planning, evaluation and REFI-QDA commands live next to their code.
    from scirocco_lab.evaluation.cli import register as register_evaluation
    from scirocco_lab.evaluation.qda_cli import register as register_qda
    from scirocco_lab.planning.cli import register as register_planning

    register_planning(commands)
    register_evaluation(commands)
    register_qda(commands)
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


if __name__ == "__main__":
    raise SystemExit(main())
