"""`scirocco-lab transcripts ...`, `codes ...`, `questionnaires ...` and `qda ...` commands.

>>> from scirocco_lab.cli import build_parser
>>> args = build_parser().parse_args(["codes", "list", "--format", "csv"])
>>> args.format
'csv'
"""

from __future__ import annotations

from pathlib import Path

from scirocco_lab.cli.output import (
    add_command,
    add_file_option,
    add_flag,
    add_format,
    add_group,
    date_argument,
    keywords,
    print_frame,
)
from scirocco_lab.errors import ConfigurationError
from scirocco_lab.evaluation.records import ACTIVITIES

__all__ = ["register"]


def _cmd_transcripts_import(args) -> int:
    from scirocco_lab.evaluation.transcripts import import_transcript
    from scirocco_lab.store import open_store

    source, turns, participants = import_transcript(
        open_store(args.store),
        args.file,
        held_on=args.date,
        **keywords(
            args, "region", "activity", "title", "source", "programme", "language", "speaker_map"
        ),
        replace=args.replace,
    )
    print(
        f"imported {args.file} as source '{source.source}': {len(turns)} turns, "
        f"{len(source.participants)} participants ({', '.join(source.participants) or 'none'})"
    )
    if participants:
        print("speaker names are stored apart; the text and reports show the pseudonyms")
    return 0


def _cmd_transcripts_list(args) -> int:
    from scirocco_lab.evaluation.store import sources_frame
    from scirocco_lab.store import open_store

    frame = sources_frame(
        open_store(args.store, create=False), region=args.region, activity=args.activity
    )
    if args.format == "table":
        frame = frame.drop(columns=["guid"]).assign(
            participants=[len(p) for p in frame["participants"]]
        )
    print_frame(frame, args.format)
    return 0


def _cmd_transcripts_show(args) -> int:
    from scirocco_lab.evaluation.store import source_text
    from scirocco_lab.store import open_store

    print(source_text(open_store(args.store, create=False), args.source))
    return 0


def _cmd_questionnaires_import(args) -> int:
    from scirocco_lab.evaluation.questionnaires import import_questionnaire
    from scirocco_lab.store import open_store

    form, items, responses = import_questionnaire(
        open_store(args.store),
        args.file,
        questionnaire=args.key,
        held_on=args.date,
        **keywords(args, "items", "scale", "labels", "title", "activity", "region", "programme"),
        replace=args.replace,
    )
    respondents = len({response.respondent for response in responses})
    print(
        f"imported {args.file} as questionnaire '{form.questionnaire}': {len(items)} items, "
        f"{respondents} respondents, {len(responses)} answers, scale "
        f"{form.scale_min}-{form.scale_max}"
    )
    return 0


def _cmd_questionnaires_export(args) -> int:
    from scirocco_lab.evaluation.questionnaire_export import export_questionnaire
    from scirocco_lab.store import open_store

    rows = export_questionnaire(open_store(args.store, create=False), args.questionnaire, args.file)
    print(f"wrote {rows} respondent(s) of '{args.questionnaire}' to {args.file}")
    return 0


def _cmd_questionnaires_list(args) -> int:
    from scirocco_lab.evaluation.store import questionnaires_frame, responses_frame
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    frame = questionnaires_frame(store, region=args.region)
    responses = responses_frame(store)
    counts = responses.groupby("questionnaire")["respondent"].nunique()
    frame = frame.assign(respondents=[int(counts.get(key, 0)) for key in frame["questionnaire"]])
    print_frame(frame, args.format)
    return 0


def _cmd_codes_list(args) -> int:
    from scirocco_lab.evaluation.store import codes_frame, segments_frame
    from scirocco_lab.store import open_store

    store = open_store(args.store, create=False)
    frame = codes_frame(store)
    counts = segments_frame(store).groupby("code").size()
    frame = frame.assign(segments=[int(counts.get(key, 0)) for key in frame["code"]])
    if args.format == "table":
        frame = frame[["path", "code", "dimensions", "categories", "segments"]]
    print_frame(
        frame,
        args.format,
        empty="no codes in the store yet (import a codebook with "
        "`scirocco-lab qda import FILE.qdc`, or code a transcript)",
    )
    return 0


# REFI-QDA exchange: the format follows the file's suffix; both commands print what was
# read or written (sources, codes, coded segments, coders, and the parts kept for export).

_QDA_SUFFIXES = (".qdpx", ".qdc")


def _qda_kind(file: str) -> str:
    suffix = Path(file).suffix.lower()
    if suffix not in _QDA_SUFFIXES:
        raise ConfigurationError(
            f"{file}: unknown suffix '{suffix or '(none)'}'. Fix: give a REFI-QDA project "
            "(.qdpx) or codebook (.qdc) file."
        )
    return suffix[1:]


def _cmd_qda_import(args) -> int:
    from scirocco_lab.evaluation.refi_qda import import_qdc, import_qdpx
    from scirocco_lab.store import open_store

    kind = _qda_kind(args.file)
    store = open_store(args.store)
    if kind == "qdc":
        if args.region or args.activity:
            raise ConfigurationError(
                "--region and --activity apply to project sources; a .qdc holds only codes. "
                "Fix: leave them out."
            )
        summary = import_qdc(store, args.file, replace=args.replace)
    else:
        summary = import_qdpx(store, args.file, **keywords(args, "region", "activity", "replace"))
    print(summary)
    for warning in summary.warnings:
        print(f"warning: {warning}")
    return 0


def _cmd_qda_export(args) -> int:
    from scirocco_lab.evaluation.refi_qda import export_qdc, export_qdpx
    from scirocco_lab.store import open_store

    kind = _qda_kind(args.file)
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


def _register_qda(commands) -> None:
    """`qda import|export`: REFI-QDA projects (.qdpx) and codebooks (.qdc), by suffix."""
    qda_commands = add_group(
        commands, "qda", help="exchange with NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA)"
    )
    reading = qda_commands.add_parser(
        "import", help="import a REFI-QDA project (.qdpx) or codebook (.qdc)"
    )
    reading.add_argument("file", help="a .qdpx project or .qdc codebook")
    reading.add_argument("--region", default=None, help="region key of every imported source")
    reading.add_argument(
        "--activity", default=None, choices=ACTIVITIES, help="activity of every imported source"
    )
    add_flag(
        reading,
        "--replace",
        "replace sources (with their coded segments) and codes already in the store",
    )
    reading.set_defaults(handler=_cmd_qda_import)
    writing = qda_commands.add_parser(
        "export", help="export the store as a REFI-QDA project (.qdpx) or codebook (.qdc)"
    )
    writing.add_argument("file", help="the .qdpx or .qdc file to write")
    writing.add_argument("--region", default=None, help="only the sources of this region")
    add_flag(
        writing,
        "--include-identities",
        "also write participants' real names and e-mail addresses (personal data)",
    )
    writing.set_defaults(handler=_cmd_qda_export)


def _add_held(parser, what: str) -> None:
    """Region, activity and date of an imported transcript or questionnaire (all required)."""
    parser.add_argument("--region", required=True, help=what)
    parser.add_argument("--activity", required=True, choices=ACTIVITIES)
    parser.add_argument("--date", required=True, type=date_argument, help="YYYY-MM-DD")


def register(commands) -> None:
    """Add the evaluation commands to the top-level sub-parsers."""

    transcript_commands = add_group(
        commands,
        "transcripts",
        help="focus-group and interview transcripts (.txt, .docx, .vtt, .srt)",
    )
    importing = add_command(
        transcript_commands,
        "import",
        _cmd_transcripts_import,
        help="import a transcript with its speaker turns, pseudonymised",
        description="Speakers are replaced by pseudonyms (from --speaker-map, else SOURCE-P01, "
        "...); their names are stored apart and never shown in reports. Names mentioned inside "
        "what people say are not detected. See docs/evaluation.md.",
    )
    importing.add_argument("file", type=Path, help="a .txt (UTF-8), .docx, .vtt or .srt file")
    _add_held(importing, "region key, e.g. corvalla")
    importing.add_argument("--title", default=None, help="default: the file name")
    importing.add_argument(
        "--source", default=None, help="source key (default: REGION-ACTIVITY-DATE)"
    )
    importing.add_argument("--programme", default=None, help="knowledge-transfer programme key")
    importing.add_argument("--language", default="en", help="language code (default en)")
    add_file_option(
        importing,
        "--speaker-map",
        "CSV with columns name, pseudonym, group, role, organisation",
        metavar="CSV",
    )
    add_flag(importing, "--replace", "replace a source with the same key")
    listing = add_command(
        transcript_commands, "list", _cmd_transcripts_list, help="list the transcripts in the store"
    )
    listing.add_argument("--region", default=None)
    listing.add_argument("--activity", default=None, choices=ACTIVITIES)
    add_format(listing)
    show = add_command(
        transcript_commands, "show", _cmd_transcripts_show, help="print a transcript's stored text"
    )
    show.add_argument("source", help="source key (see transcripts list)")

    questionnaire_commands = add_group(
        commands, "questionnaires", help="Likert evaluation forms (CSV or Excel)"
    )
    importing = add_command(
        questionnaire_commands,
        "import",
        _cmd_questionnaires_import,
        help="import a questionnaire's responses with its items and scale",
        description="An .xlsx workbook with sheets responses, items and scale, a responses "
        "CSV with --items and --scale (and --labels), or an SPSS .sav / Stata .dta file whose "
        "variable labels are the wording and value labels the scale. See docs/evaluation.md.",
    )
    importing.add_argument("file", type=Path, help="responses: .csv, .xlsx, .sav or .dta")
    add_file_option(importing, "--items", "items CSV: item, wording, reverse_scored")
    importing.add_argument(
        "--scale", default=None, help="e.g. 1-5, or a scale CSV with columns value, label"
    )
    importing.add_argument(
        "--labels",
        default=None,
        help='scale labels low to high, comma-separated: "Strongly disagree,...,Strongly agree"',
    )
    _add_held(importing, "region key")
    importing.add_argument("--key", default=None, help="questionnaire key (default: file name)")
    importing.add_argument("--title", default=None, help="default: the file name")
    importing.add_argument("--programme", default=None, help="knowledge-transfer programme key")
    add_flag(importing, "--replace", "replace a questionnaire with the same key")
    exporting = add_command(
        questionnaire_commands,
        "export",
        _cmd_questionnaires_export,
        help="one questionnaire to SPSS (.sav) or Stata (.dta) with wording and scale",
    )
    exporting.add_argument("questionnaire", help="questionnaire key (questionnaires list)")
    exporting.add_argument("file", type=Path, help="a .sav or .dta path")
    listing = add_command(
        questionnaire_commands, "list", _cmd_questionnaires_list, help="list the questionnaires"
    )
    listing.add_argument("--region", default=None)
    add_format(listing)

    code_commands = add_group(commands, "codes", help="the codebook of the qualitative analysis")
    listing = add_command(
        code_commands, "list", _cmd_codes_list, help="codes with their paths and segment counts"
    )
    add_format(listing)
    _register_qda(commands)
