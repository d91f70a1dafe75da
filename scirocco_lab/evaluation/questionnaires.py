"""Likert evaluation forms from CSV or Excel, with the question wording and scale as metadata.

Layout (``docs/evaluation.md`` has examples):

- **Excel** (.xlsx): one workbook with the sheets ``responses`` (one row per respondent:
  ``respondent``, optional ``group`` and ``region``, then one column per item key),
  ``items`` (``item``, ``wording``, optional ``reverse_scored``) and ``scale`` (``value``,
  ``label``: one row per scale point, low to high).
- **CSV**: the responses file, plus an items file (``items=``; CLI ``--items``) and the scale as
  ``scale="1-5"`` with ``labels=["Strongly disagree", ..., "Strongly agree"]`` (CLI
  ``--scale 1-5 --labels "Strongly disagree,...,Strongly agree"``) or a scale CSV
  (``scale="scale.csv"``).

A value cell holds a number on the scale, a scale label (matched case-insensitively) or
nothing (not answered). Every problem is collected and raised together as
:class:`~scirocco_lab.errors.DataValidationError` naming the file, row, column, value and fix:
values off the scale or not numbers, item columns without an item, items without a column,
duplicate respondents, items without wording. :func:`import_questionnaire` writes a form in
one transaction.

>>> parse_scale("1-5")
(1, 5)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from scirocco_lab.errors import DataValidationError, FileFormatError, InputProblem
from scirocco_lab.evaluation.records import (
    EvaluationBatch,
    EvaluationContext,
    ItemRecord,
    Origin,
    QuestionnaireRecord,
    ResponseRecord,
    validate_evaluation,
)
from scirocco_lab.io.archives import check_office_file
from scirocco_lab.io.stats_files import STATS_SUFFIXES, StatsData, read_stats_file
from scirocco_lab.io.tables import normalise_header, read_table, table_from_rows, whole_number

__all__ = [
    "AGREEMENT_LABELS",
    "RESPONDENT_COLUMNS",
    "REVERSE_SCORED_NOTE",
    "Questionnaire",
    "import_questionnaire",
    "parse_scale",
    "read_questionnaire",
]

#: Columns of the responses sheet that are not items.
RESPONDENT_COLUMNS = ("respondent", "group", "region")
#: The usual 1-5 agreement labels, low to high.
AGREEMENT_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
#: Ends the variable label of a reverse-scored item in an SPSS/Stata file.
REVERSE_SCORED_NOTE = " (reverse-scored)"
_DOCS = "docs/evaluation.md"
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


class Questionnaire(NamedTuple):
    """A read form: unpack as ``questionnaire, items, responses``."""

    questionnaire: QuestionnaireRecord
    items: tuple[ItemRecord, ...]
    responses: tuple[ResponseRecord, ...]


def parse_scale(text: str) -> tuple[int, int]:
    """``"1-5"`` (or ``"0..10"``, ``"1 to 7"``) -> (1, 5); :class:`FileFormatError` otherwise."""
    match = re.fullmatch(r"\s*(-?\d+)\s*(?:-|\.\.|to|–)\s*(-?\d+)\s*", str(text))
    if not match or int(match.group(1)) >= int(match.group(2)):
        raise FileFormatError(
            f"scale {text!r} not understood. Fix: write the lowest and highest value, e.g. 1-5."
        )
    return int(match.group(1)), int(match.group(2))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "questionnaire"


def _sheets(path: Path) -> dict[str, str]:
    """The workbook's sheet names by normalised name."""
    from openpyxl import load_workbook

    check_office_file(path, "save the workbook again as Excel Workbook (.xlsx)")
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same here
        raise FileFormatError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}). Fix: open it in a "
            "spreadsheet program and save it again as Excel Workbook (.xlsx)."
        ) from exc
    try:
        return {normalise_header(name): name for name in workbook.sheetnames}
    finally:
        workbook.close()


def _columns(table) -> dict[str, int]:
    return {
        normalise_header(name): index for index, name in enumerate(table.header) if name is not None
    }


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _read_items(table, problems: list[InputProblem]) -> list[ItemRecord]:
    columns = _columns(table)
    for required in ("item", "wording"):
        if required not in columns:
            problems.append(
                InputProblem(
                    table.source,
                    table.header_row,
                    required,
                    None,
                    "column is missing",
                    "the items need the columns item, wording and optionally reverse_scored",
                )
            )
    if problems:
        return []
    items: list[ItemRecord] = []
    for number, row in table.rows:
        key = _cell(row, columns["item"])
        wording = _cell(row, columns["wording"])
        flag = (_cell(row, columns.get("reverse_scored")) or "").strip().lower()
        if flag not in _TRUE | _FALSE:
            problems.append(
                InputProblem(
                    table.source,
                    number,
                    "reverse_scored",
                    flag,
                    "not yes or no",
                    "write yes (the item is worded negatively) or no, or leave it empty",
                )
            )
        if key is None:
            problems.append(
                InputProblem(table.source, number, "item", None, "empty item key", "name it")
            )
            continue
        # Wording and duplicates are checked with the whole batch (validate_evaluation).
        items.append(
            ItemRecord(
                questionnaire="",
                item=key,
                position=len(items) + 1,
                wording=wording or "",
                reverse_scored=flag in _TRUE,
                provenance=Origin(table.source, number),
            )
        )
    return items


def _read_scale_table(table, problems: list[InputProblem]):
    columns = _columns(table)
    if "value" not in columns:
        problems.append(
            InputProblem(
                table.source,
                table.header_row,
                "value",
                None,
                "column is missing",
                "the scale needs the columns value and label, one row per scale point",
            )
        )
        return None
    points: list[tuple[int, str | None, int]] = []
    for number, row in table.rows:
        raw = _cell(row, columns["value"])
        value = whole_number(raw)
        if value is None:
            problems.append(
                InputProblem(
                    table.source,
                    number,
                    "value",
                    raw,
                    "a scale value must be a whole number",
                    "number the scale points, e.g. 1 to 5",
                )
            )
            continue
        points.append((value, _cell(row, columns.get("label")), number))
    points.sort()
    values = [value for value, _, _ in points]
    if values and values != list(range(values[0], values[0] + len(values))):
        problems.append(
            InputProblem(
                table.source,
                None,
                "value",
                ", ".join(map(str, values)),
                "the scale values must be consecutive whole numbers, each once",
                "list every scale point once, e.g. 1, 2, 3, 4, 5",
            )
        )
        return None
    if len(values) < 2:
        problems.append(
            InputProblem(
                table.source,
                None,
                "value",
                None,
                "a scale needs at least two points",
                "list every scale point, low to high",
            )
        )
        return None
    labels = tuple(label or "" for _, label, _ in points)
    return values[0], values[-1], labels if any(labels) else ()


def _number(text: str | None, labels: dict[str, int]) -> float | str | None:
    """A cell as a value: float, None (empty) or the text when it is not a value."""
    if text is None:
        return None
    if text.strip().casefold() in labels:
        return float(labels[text.strip().casefold()])
    try:
        value = float(text.replace(",", ".")) if re.fullmatch(r"-?\d+([.,]\d+)?", text) else None
    except ValueError:
        value = None
    return text if value is None else value


def read_questionnaire(
    path: str | Path,
    *,
    items: str | Path | None = None,
    scale: str | Path | tuple[int, int] | None = None,
    labels: Sequence[str] | str | None = None,
    questionnaire: str | None = None,
    title: str | None = None,
    activity: str = "study_visit",
    region: str | None = None,
    programme: str | None = None,
    held_on: dt.date | None = None,
    synthetic: bool = False,
) -> Questionnaire:
    """Read a Likert form (see the module docs for the layout) into records; writes nothing.

    ``items`` and ``scale`` override the workbook's sheets; a CSV needs both. ``labels`` (a
    sequence, or one comma-separated string) name the scale points low to high. The key
    defaults to the file name. Every problem is raised together as
    :class:`DataValidationError`.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "items.csv").write_text("item,wording\\nuseful,The visit was useful.\\n")
    >>> _ = (folder / "visit.csv").write_text("respondent,group,useful\\nR1,clinician,4\\n")
    >>> form, items, responses = read_questionnaire(
    ...     folder / "visit.csv", items=folder / "items.csv", scale="1-5"
    ... )
    >>> form.questionnaire, responses[0].value
    ('visit', 4.0)
    """
    path = Path(path)
    problems: list[InputProblem] = []
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    sheets = _sheets(path) if excel and path.exists() else {}
    # An SPSS/Stata file carries its items (variable labels) and scale (value labels).
    stats = (
        read_stats_file(path)
        if path.suffix.lower() in STATS_SUFFIXES and path.exists() and path.is_file()
        else None
    )
    if stats is not None:
        responses_table = table_from_rows(stats.source, stats.rows, stats.source)
        title = title or stats.file_label
    elif excel and sheets:
        responses_sheet = sheets.get("responses") or next(iter(sheets.values()))
        responses_table = read_table(path, responses_sheet)
    else:
        responses_table = read_table(path, None)
    # Items
    if items is not None:
        items_table = read_table(items, None)
    elif "items" in sheets:
        items_table = read_table(path, sheets["items"])
    elif stats is not None:
        items_table = _stats_items_table(stats)
    else:
        raise FileFormatError(
            f"{path}: no items with the question wording. Fix: add a sheet 'items' (columns "
            "item, wording, reverse_scored) to the workbook, or give an items CSV (--items "
            f"items.csv); see {_DOCS}."
        )
    item_records = _read_items(items_table, problems)
    # Scale
    scale_labels: tuple[str, ...] = ()
    if isinstance(scale, tuple):
        low, high = scale
    elif isinstance(scale, str) and not scale.lower().endswith((".csv", ".xlsx")):
        low, high = parse_scale(scale)
    elif scale is not None or "scale" in sheets or _stats_scale_rows(stats):
        if scale is not None:
            scale_table = read_table(scale, None)
        elif "scale" in sheets:
            scale_table = read_table(path, sheets["scale"])
        else:
            scale_table = table_from_rows(
                f"{path} (value labels)", _stats_scale_rows(stats), str(path)
            )
        read = _read_scale_table(scale_table, problems)
        if read is None:
            raise DataValidationError(problems)
        low, high, scale_labels = read
    else:
        raise FileFormatError(
            f"{path}: no scale. Fix: add a sheet 'scale' (columns value, label) to the "
            "workbook, value labels to the items of an SPSS/Stata file, or give the scale "
            "(--scale 1-5, with --labels for its labels)."
        )
    if labels is not None:
        scale_labels = tuple(
            part.strip() for part in (labels.split(",") if isinstance(labels, str) else labels)
        )
    key = questionnaire or _slug(path.stem)
    where = Origin(responses_table.source)
    form = QuestionnaireRecord(
        questionnaire=key,
        title=title or path.stem.replace("_", " ").replace("-", " "),
        activity=activity,
        held_on=held_on,
        scale_min=low,
        scale_max=high,
        scale_labels=scale_labels,
        region=region,
        programme=programme,
        synthetic=synthetic,
        provenance=where,
    )
    item_records = [
        ItemRecord(key, i.item, i.position, i.wording, i.reverse_scored, provenance=i.provenance)
        for i in item_records
    ]
    responses = _read_responses(
        responses_table, form, item_records, problems, items_source=items_table.source
    )
    # The record rules (scale range, wording, duplicate items, labels per scale point);
    # regions are checked against the store when the form is written.
    regions = {form.region, *(response.region for response in responses)} - {None}
    problems += validate_evaluation(
        EvaluationBatch(
            questionnaires=(form,),
            items=tuple(item_records),
            responses=tuple(responses),
            source=str(path),
        ),
        EvaluationContext(subjects=frozenset(regions)),
    )
    if problems:
        raise DataValidationError(problems)
    return Questionnaire(form, tuple(item_records), tuple(responses))


def _stats_items_table(stats: StatsData):
    """The items of an SPSS/Stata file as an items table: variable name, label as wording."""
    rows: list[list[str | None]] = [["item", "wording", "reverse_scored"]]
    for name in stats.rows[0]:
        if normalise_header(name) in RESPONDENT_COLUMNS:
            continue
        wording = stats.labels.get(name) or None
        reverse = bool(wording) and wording.endswith(REVERSE_SCORED_NOTE)
        if reverse:
            wording = wording[: -len(REVERSE_SCORED_NOTE)]
        rows.append([name, wording, "yes" if reverse else "no"])
    return table_from_rows(f"{stats.source} (variable labels)", rows, stats.source)


def _stats_scale_rows(stats: StatsData | None) -> list[list[object]]:
    """The scale of an SPSS/Stata file from its items' value labels (value, label), or []."""
    if stats is None:
        return []
    points: dict[int, str] = {}
    for name, labels in stats.value_labels.items():
        if normalise_header(name) in RESPONDENT_COLUMNS:
            continue
        for value, text in labels.items():
            if isinstance(value, (int, float)) and float(value).is_integer():
                # A label that only repeats the number stands for a point without a label.
                points.setdefault(int(value), "" if text == str(int(value)) else text)
    if not points:
        return []
    return [["value", "label"], *([value, points[value]] for value in sorted(points))]


def _read_responses(table, form, items, problems, *, items_source: str) -> list[ResponseRecord]:
    columns = _columns(table)
    source = table.source
    if "respondent" not in columns:
        problems.append(
            InputProblem(
                source,
                table.header_row,
                "respondent",
                None,
                "column is missing",
                "add a respondent column with a pseudonym (or number) per respondent",
            )
        )
        return []
    by_key = {normalise_header(item.item): item for item in items}
    item_columns: list[tuple[int, str, ItemRecord]] = []
    for index, name in enumerate(table.header):
        if name is None or normalise_header(name) in RESPONDENT_COLUMNS:
            continue
        item = by_key.get(normalise_header(name))
        if item is None:
            known = ", ".join(item.item for item in items) or "none"
            problems.append(
                InputProblem(
                    source,
                    table.header_row,
                    name,
                    None,
                    f"column is not an item of {items_source}",
                    f"add the item (with its wording) to the items, or correct the column "
                    f"name (items: {known})",
                )
            )
            continue
        item_columns.append((index, name, item))
    answered = {item.item for _, _, item in item_columns}
    for item in items:
        if item.item not in answered:
            problems.append(
                InputProblem(
                    source,
                    table.header_row,
                    item.item,
                    None,
                    "item has no column in the responses",
                    "add the column, or remove the item from the items",
                )
            )
    label_values = {
        label.casefold(): form.scale_min + position
        for position, label in enumerate(form.scale_labels)
        if label
    }
    seen: dict[str, int] = {}
    responses: list[ResponseRecord] = []
    for number, row in table.rows:
        respondent = _cell(row, columns["respondent"])
        if respondent is None:
            problems.append(
                InputProblem(
                    source,
                    number,
                    "respondent",
                    None,
                    "no respondent",
                    "give every row a respondent pseudonym or number",
                )
            )
            continue
        if respondent in seen:
            problems.append(
                InputProblem(
                    source,
                    number,
                    "respondent",
                    respondent,
                    f"this respondent already has a row (row {seen[respondent]})",
                    "keep one row per respondent, or give them distinct pseudonyms",
                )
            )
            continue
        seen[respondent] = number
        group = _cell(row, columns.get("group"))
        region = _cell(row, columns.get("region"))
        for index, name, item in item_columns:
            value = _number(_cell(row, index), label_values)
            if isinstance(value, str):
                problems.append(
                    InputProblem(
                        source,
                        number,
                        name,
                        value,
                        "not a scale value",
                        f"write a number from {form.scale_min} to {form.scale_max}"
                        + (", a scale label" if label_values else "")
                        + ", or leave the cell empty when not answered",
                    )
                )
                continue
            responses.append(
                ResponseRecord(
                    form.questionnaire,
                    respondent,
                    item.item,
                    value,
                    group=group,
                    region=region,
                    provenance=Origin(source, number),
                )
            )
    return responses


def import_questionnaire(
    store,
    path: str | Path,
    *,
    questionnaire: str | None = None,
    replace: bool = False,
    **options,
) -> Questionnaire:
    """Read a form (:func:`read_questionnaire`, which takes the other keyword ``options``:
    items, scale, labels, title, activity, region, programme, held_on) and write it in one
    transaction.

    Values off the scale, unknown regions and a questionnaire key already in the store
    (unless ``replace``) are reported with the rest; nothing is written then.
    """
    from scirocco_lab.evaluation.store import write_file_import
    from scirocco_lab.store.ledger import check_reimport

    digest, earlier = check_reimport(
        store, "questionnaire", path, replace=replace, noun="questionnaire"
    )
    if questionnaire is None:
        questionnaire = earlier  # --replace: the same file replaces what it made before
    form = read_questionnaire(path, questionnaire=questionnaire, **options)
    batch = EvaluationBatch(
        questionnaires=(form.questionnaire,),
        items=form.items,
        responses=form.responses,
        source=str(path),
    )
    write_file_import(
        store,
        batch,
        kind="questionnaire",
        digest=digest,
        record=form.questionnaire.questionnaire,
        path=path,
        table="questionnaires",
        counts={"items": len(form.items), "responses": len(form.responses)},
        replace=replace,
    )
    return form
