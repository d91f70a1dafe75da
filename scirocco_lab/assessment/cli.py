"""Assessment commands: instruments, subjects, ratings files (``import``, ``export``),
``profile``, ``consensus`` (``--movement``), ``agreement``, ``subgroups`` and
``longitudinal``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scirocco_lab.cli.output import (
    add_file_option,
    add_flag,
    add_format,
    add_group,
    add_raw_values,
    keywords,
    print_frame,
)

__all__ = ["register"]


def _cmd_instruments_list(args) -> int:
    import pandas as pd

    from scirocco_lab.instruments import list_instruments

    print_frame(pd.DataFrame(list_instruments()), args.format)
    return 0


def _cmd_instruments_show(args) -> int:
    from scirocco_lab.instruments import load_instrument

    instrument = load_instrument(args.instrument, language=args.language)
    if args.format == "table":
        print(
            f"{instrument.title} (id {instrument.id}, version {instrument.version}, "
            f"{instrument.label_kind} labels, scale {instrument.scale_min}..{instrument.scale_max})"
        )
    print_frame(instrument.levels_table(), args.format)
    return 0


def _cmd_instruments_redcap(args) -> int:
    from scirocco_lab.assessment.redcap import write_redcap_dictionary
    from scirocco_lab.instruments import load_instrument

    instrument = load_instrument(args.instrument, language=args.language)
    fields = write_redcap_dictionary(instrument, args.file)
    print(
        f"wrote the REDCap data dictionary of {instrument.id} ({fields} fields) to {args.file}; "
        "upload it in REDCap under Project Setup > Data Dictionary"
    )
    return 0


def _cmd_subjects_list(args) -> int:
    from scirocco_lab.store import open_store, subjects_frame

    kind = {"regions": "system", "practices": "good_practice"}.get(args.kind)
    print_frame(subjects_frame(open_store(args.store, create=False), kind=kind), args.format)
    return 0


def _cmd_subjects_add(args) -> int:
    from scirocco_lab.assessment.records import SubjectRecord
    from scirocco_lab.assessment.store import add_subjects
    from scirocco_lab.store import open_store

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


def _cmd_import(args) -> int:
    from scirocco_lab.assessment.ratings_files import import_ratings
    from scirocco_lab.store import open_store

    if args.redcap_dictionary is not None:
        from scirocco_lab.assessment.redcap import import_redcap_records

        summary = import_redcap_records(
            open_store(args.store), args.file, args.redcap_dictionary, replace=args.replace
        )
        print(f"imported REDCap records from {args.file}: {summary}")
        return 0
    summary = import_ratings(
        open_store(args.store), args.file, **keywords(args, "layout", "replace", "sheet")
    )
    print(f"imported from {args.file}: {summary}")
    return 0


def _cmd_export(args) -> int:
    from scirocco_lab.assessment.ratings_export import export_ratings
    from scirocco_lab.store import open_store

    rows = export_ratings(
        open_store(args.store, create=False),
        args.file,
        status=None if args.status == "any" else args.status,
        **keywords(
            args, "layout", "subject", "kind", "mode", "round", "include_identities", "raw_values"
        ),
    )
    print(f"wrote {rows} row(s) to {args.file}")
    if args.include_identities:
        print("note: the file holds assessors' names; it is personal data, keep it out of git")
    return 0


def _cmd_profile(args) -> int:
    from scirocco_lab.assessment.scoring import region_profile
    from scirocco_lab.assessment.store import ratings_frame
    from scirocco_lab.store import get_subject, open_store, resolve_instrument

    store = open_store(args.store, create=False)
    get_subject(store, args.region)
    instrument = resolve_instrument(store, args.instrument)
    ratings = ratings_frame(store, subject=args.region, instrument=instrument.id)
    print_frame(region_profile(ratings, instrument, args.region), args.format)
    return 0


def _statistics_ratings(args):
    """Individual ratings from a file (``--file``) or from the store, plus any bad rows."""
    from scirocco_lab.assessment.store import ratings_frame
    from scirocco_lab.store import open_store

    if args.file is not None:
        from scirocco_lab.assessment.individual_ratings import read_individual_ratings

        frame, problems = read_individual_ratings(args.file)
        return frame, problems, str(args.file)
    store = open_store(args.store, create=False)
    # One instrument at a time: an earlier generation's round 1 is another panel's answers.
    frame = ratings_frame(
        store, subject=args.region, mode="individual", round=args.round, instrument=args.instrument
    )
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


def _number(kind, text: str, message: str):
    """``kind(text)`` (int or float), or an argparse usage error saying ``message``."""
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None


def _whole_number(minimum: int):
    """An argparse type: a whole number >= minimum, with a one-line message otherwise."""

    def convert(text: str) -> int:
        value = _number(int, text, f"'{text}' is not a whole number (give e.g. {max(minimum, 1)})")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
        return value

    return convert


def _share(text: str) -> float:
    """An argparse type: a share in (0, 1], with a one-line message otherwise."""
    value = _number(float, text, f"'{text}' is not a number; give a share such as 0.33 (4 of 12)")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share in (0, 1]; e.g. 0.33")
    return value


def _cmd_consensus(args) -> int:
    from scirocco_lab.assessment.consensus import DelphiRule, consensus_table, round_movement

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
    if args.movement:
        # Round-to-round movement of the same table: median, IQR and agreement per dimension.
        table = round_movement(table)
        if table.empty:
            print("one round only: no movement to show", file=sys.stderr)
    if args.out is not None:
        from scirocco_lab.assessment.consensus_export import export_consensus_table

        export_consensus_table(table, args.out)
        print(f"wrote {len(table)} row(s) to {args.out}")
        return 0
    print_frame(table, args.format, empty=_nothing_rated(args))
    return 0


def _nothing_rated(args) -> str:
    where = f"in {args.file}" if args.file is not None else f"for region '{args.region}'"
    round_text = f" in round {args.round}" if args.round is not None else ""
    return f"no individual ratings {where}{round_text}: nothing to compute"


def _cmd_agreement(args) -> int:
    from scirocco_lab.assessment.agreement import ALPHA_METRICS, COEFFICIENTS, agreement_table

    frame, problems, source = _statistics_ratings(args)
    coefficients = tuple(args.coefficient or COEFFICIENTS)
    metrics = tuple(args.metric or ALPHA_METRICS)
    if args.metric and not args.coefficient:
        coefficients = ("krippendorff_alpha",)  # a metric names an alpha variant
    table = _checked(
        lambda ratings: agreement_table(
            ratings, by=("subject", "round"), coefficients=coefficients, alpha_metrics=metrics
        ),
        frame,
        problems,
        source,
        args.skip_bad_rows,
        from_file=args.file is not None,
    )
    print_frame(table, args.format, empty=_nothing_rated(args))
    return 0


def _cmd_subgroups(args) -> int:
    import pandas as pd

    from scirocco_lab.assessment.agreement import subgroup_comparison
    from scirocco_lab.errors import ConfigurationError

    frame, problems, source = _statistics_ratings(args)
    if args.file is not None:
        if args.assessors is None:
            raise ConfigurationError(
                "subgroups --file needs --assessors FILE: a table with an assessor column and "
                f"the attribute column '{args.attribute}'."
            )
        assessors = _assessor_table(args.assessors)
    else:
        if args.assessors is not None:
            raise ConfigurationError(
                "--assessors goes with --file; from the store the assessors' attributes "
                "(role, sector, organisation, home_subject) are read from the store."
            )
        from scirocco_lab.store import assessors_frame, open_store

        assessors = assessors_frame(open_store(args.store, create=False))
    p_adjust = None if args.p_adjust == "none" else args.p_adjust
    table = _checked(
        lambda ratings: subgroup_comparison(
            ratings,
            attribute=args.attribute,
            by=("subject", "round"),
            p_adjust=p_adjust,
            assessors=assessors,
        ),
        frame,
        problems,
        source,
        args.skip_bad_rows,
        from_file=args.file is not None,
    )
    print_frame(pd.DataFrame(table), args.format)
    return 0


def _assessor_table(path: Path):
    """An assessor-attributes file as a frame keyed by ``pseudonym`` (read leniently)."""
    import pandas as pd

    from scirocco_lab.errors import DataValidationError, InputProblem
    from scirocco_lab.io.tables import normalise_header, read_table

    table = read_table(path, None)
    header = [normalise_header(h or "") for h in table.header]
    names = {"assessor", "rater", "pseudonym"}
    key = next((i for i, h in enumerate(header) if h in names), None)
    if key is None:
        raise DataValidationError(
            [
                InputProblem(
                    table.source,
                    1,
                    "header",
                    None,
                    "no assessor column",
                    "name one column assessor (or pseudonym) and one per attribute",
                )
            ]
        )
    width = len(header)
    cells = [(list(cells) + [None] * width)[:width] for _, cells in table.rows]
    frame = pd.DataFrame(cells, columns=header)
    return frame.rename(columns={header[key]: "pseudonym"})


def _cmd_longitudinal(args) -> int:
    from scirocco_lab.assessment.report import region_history
    from scirocco_lab.instruments import load_crosswalk
    from scirocco_lab.store import open_store, resolve_instrument

    store = open_store(args.store, create=False)
    target = resolve_instrument(store, args.instrument)
    crosswalks = {}
    if args.crosswalk is not None:
        walk = load_crosswalk(args.crosswalk, target)
        crosswalks[walk.from_instrument] = walk
    table = region_history(
        store, args.region, target, crosswalks=crosswalks, n_boot=args.n_boot, seed=args.seed
    )
    print_frame(table, args.format)
    return 0


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    instrument_commands = add_group(commands, "instruments", help="list or show instruments")
    listing = instrument_commands.add_parser("list", help="bundled and configured instruments")
    add_format(listing)
    listing.set_defaults(handler=_cmd_instruments_list)
    show = instrument_commands.add_parser("show", help="dimensions and level labels")
    show.add_argument("instrument", help="instrument id or path of an instrument file")
    show.add_argument("--language", default=None, help="language code, e.g. en or nl")
    add_format(show)
    show.set_defaults(handler=_cmd_instruments_show)
    redcap = instrument_commands.add_parser(
        "redcap-dictionary", help="the instrument as a REDCap data dictionary CSV"
    )
    redcap.add_argument("instrument", help="instrument id or path of an instrument file")
    redcap.add_argument("file", type=Path, help="the .csv to write")
    redcap.add_argument("--language", default=None, help="language code, e.g. en or nl")
    redcap.set_defaults(handler=_cmd_instruments_redcap)

    subject_commands = add_group(commands, "subjects", help="regions and good practices")
    listing = subject_commands.add_parser("list", help="list regions and good practices")
    listing.add_argument("--kind", choices=("all", "regions", "practices"), default="all")
    add_format(listing)
    listing.set_defaults(handler=_cmd_subjects_list)
    add = subject_commands.add_parser("add", help="add a region or good practice")
    add.add_argument("key", help="short stable key, e.g. northvale")
    add.add_argument("--name", required=True)
    add.add_argument("--country")
    add_flag(add, "--good-practice", "a good practice, not a region")
    add.add_argument("--owner", help="key of the region that owns the good practice")
    add.add_argument("--description")
    add.set_defaults(handler=_cmd_subjects_add)

    importing = commands.add_parser(
        "import", help="import ratings from CSV, Excel, SPSS (.sav) or Stata (.dta)"
    )
    importing.add_argument("file", type=Path)
    importing.add_argument("--layout", choices=("auto", "long", "wide"), default="auto")
    importing.add_argument("--sheet", default=None, help="Excel sheet name (default: first)")
    add_file_option(
        importing,
        "--redcap-dictionary",
        "FILE is a REDCap records export (raw data); this is its data dictionary",
        metavar="DICT.csv",
    )
    add_flag(importing, "--replace", "overwrite assessments that are already in the store")
    importing.set_defaults(handler=_cmd_import)

    exporting = commands.add_parser(
        "export", help="export ratings to CSV, Excel, SPSS (.sav) or Stata (.dta)"
    )
    exporting.add_argument("file", type=Path, help="a .csv, .xlsx, .sav or .dta path")
    exporting.add_argument("--layout", choices=("long", "wide"), default="long")
    exporting.add_argument("--subject", default=None)
    exporting.add_argument("--kind", choices=("HS", "GP"), default=None)
    exporting.add_argument("--mode", choices=("individual", "consensus"), default=None)
    exporting.add_argument("--round", type=int, default=None)
    exporting.add_argument("--status", choices=("submitted", "draft", "any"), default="submitted")
    add_flag(
        exporting,
        "--include-identities",
        "add assessors' names and e-mails (personal data; default: pseudonyms only)",
    )
    add_raw_values(exporting)
    exporting.set_defaults(handler=_cmd_export)

    profile = commands.add_parser("profile", help="a region's profile per dimension")
    profile.add_argument("region")
    profile.add_argument("--instrument", default="scirocco-exchange")
    add_format(profile)
    profile.set_defaults(handler=_cmd_profile)

    for name, handler, summary in (
        ("consensus", _cmd_consensus, "Delphi consensus table per subject, round and dimension"),
        ("agreement", _cmd_agreement, "inter-rater agreement coefficients per subject and round"),
        (
            "subgroups",
            _cmd_subgroups,
            "compare ratings between groups of assessors (Kruskal-Wallis / Mann-Whitney)",
        ),
    ):
        statistics = commands.add_parser(name, help=summary, description=summary)
        source = statistics.add_mutually_exclusive_group()
        source.add_argument("--region", default=None, help="one region from the store")
        add_file_option(
            source,
            "--file",
            "CSV/Excel of individual ratings: assessor, dimension (or unit), rating, "
            "optional round and subject",
        )
        statistics.add_argument(
            "--round", type=_whole_number(1), default=None, help="one round (store)"
        )
        statistics.add_argument(
            "--instrument",
            default="scirocco-exchange",
            help="ratings made with this instrument (store; default scirocco-exchange)",
        )
        add_flag(
            statistics,
            "--skip-bad-rows",
            "compute from the good rows and list the bad ones (default: refuse the file)",
        )
        if name == "consensus":
            statistics.add_argument(
                "--rule",
                choices=("delphi-scirocco", "percent-agreement", "iqr"),
                default="delphi-scirocco",
            )
            add_flag(
                statistics,
                "--movement",
                "print the round-to-round movement of median, IQR and agreement instead",
            )
            statistics.add_argument(
                "--outside-proportion",
                type=_share,
                default=None,
                metavar="P",
                help="Split when at least this share of ratings lies outside the 3-point "
                "region (default: the published count, 4 of 12)",
            )
            add_file_option(
                statistics,
                "--out",
                "write the table to a .csv, SPSS .sav or Stata .dta file (labelled)",
            )
        if name == "agreement":
            # The names only (numpy): the agreement module imports scipy and pandas.
            from scirocco_lab.stats.reliability import ALPHA_METRICS, COEFFICIENTS

            statistics.add_argument(
                "--coefficient",
                action="append",
                choices=COEFFICIENTS,
                help="only this coefficient (repeat for several; default: all)",
            )
            statistics.add_argument(
                "--metric",
                action="append",
                choices=ALPHA_METRICS,
                help="only this level of measurement for Krippendorff's alpha (repeat for "
                "several; alone it selects alpha)",
            )
        if name == "subgroups":
            statistics.add_argument(
                "--attribute",
                required=True,
                help="assessor attribute to group by, e.g. role, sector, organisation",
            )
            add_file_option(
                statistics,
                "--assessors",
                "with --file: CSV/Excel of assessors (assessor column plus attributes)",
            )
            statistics.add_argument(
                "--p-adjust",
                choices=("holm", "bonferroni", "fdr_bh", "none"),
                default="holm",
                help="multiplicity adjustment across dimensions (default holm)",
            )
        add_format(statistics)
        statistics.set_defaults(handler=handler)

    history = commands.add_parser(
        "longitudinal",
        help="a region's maturity per dimension over rounds, years and instrument generations",
    )
    history.add_argument("region", help="key of the region")
    history.add_argument(
        "--instrument", default="scirocco-exchange", help="the instrument to show it on"
    )
    add_file_option(
        history,
        "--crosswalk",
        "your own cross-walk file from an earlier instrument (default: the bundled one)",
    )
    history.add_argument(
        "--n-boot", type=_whole_number(0), default=1000, help="bootstrap resamples (default 1000)"
    )
    history.add_argument("--seed", type=_whole_number(0), default=0, help="bootstrap seed")
    add_format(history)
    history.set_defaults(handler=_cmd_longitudinal)
