"""Action plans to a formatted Excel workbook or a CSV file.

:func:`write_action_plan` takes an :func:`~scirocco_lab.planning.store.actions_frame` (one
plan, or several) and writes, by the file's suffix:

- ``.xlsx``: sheet "Action plan" with a title row, a synthetic-data banner row when the
  actions are synthetic, then a bold, filled, frozen header row with an auto-filter; dates in
  ISO format (yyyy-mm-dd); priority and status cells coloured by value and restricted to the
  allowed values by data validation (so edits in Excel stay valid); sized columns with
  wrapped long texts. Sheet "Summary": the number of actions by dimension and status, and by
  priority.
- ``.csv``: one row per action with the frame's column names (dimension keys, ISO dates);
  when any action is synthetic a leading ``data_note`` column holds
  :data:`~scirocco_lab.assessment.demo.DEMO_MARK` on the synthetic rows, as ratings exports do.

Files are written to a temporary file next to the target and renamed at the end, so a
failure never leaves a half-written file.

>>> import datetime as dt, pathlib, tempfile
>>> import pandas as pd
>>> actions = pd.DataFrame({"plan": ["ap-1"], "plan_title": ["Funding plan"],
...     "region": ["ostermark"], "position": [1], "dimension": ["funding"],
...     "objective": ["Model a pooled budget"], "owner": ["Finance director"],
...     "start": [dt.date(2026, 5, 4)], "end": [dt.date(2026, 9, 30)], "resources": [None],
...     "indicator": [None], "priority": ["high"], "status": ["planned"], "synthetic": [True]})
>>> path = write_action_plan(actions, pathlib.Path(tempfile.mkdtemp()) / "plan.csv")
>>> path.read_text(encoding="utf-8").splitlines()[0][:24]
'data_note,plan,region,po'
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from scirocco_lab.assessment.demo import DEMO_MARK
from scirocco_lab.errors import ConfigurationError, require_columns
from scirocco_lab.io.files import write_atomically
from scirocco_lab.io.formulas import neutralise_cell
from scirocco_lab.planning.records import ACTION_PRIORITIES, ACTION_STATUSES

__all__ = ["CSV_COLUMNS", "DATA_NOTE_COLUMN", "write_action_plan"]

# The column that marks synthetic rows in a CSV export (as in
# scirocco_lab.assessment.ratings_files).
DATA_NOTE_COLUMN = "data_note"
#: Columns of the CSV export, in order (after ``data_note`` when there is one).
CSV_COLUMNS = (
    "plan", "region", "position", "dimension", "objective", "owner", "start", "end",
    "resources", "indicator", "priority", "status",
)  # fmt: skip

_REQUIRED = ("position", "dimension", "objective", "start", "end", "priority", "status")
# Workbook columns: (frame column, heading, width); plan and region only for several plans.
_SHEET_COLUMNS = (
    ("plan", "Plan", 20),
    ("region", "Region", 16),
    ("position", "No.", 6),
    ("dimension", "Dimension", 24),
    ("objective", "Objective", 48),
    ("owner", "Owner", 24),
    ("start", "Start", 12),
    ("end", "End", 12),
    ("resources", "Resources", 30),
    ("indicator", "Indicator", 34),
    ("priority", "Priority", 10),
    ("status", "Status", 13),
)
_HEADER_FILL = "1F4E79"
_BANNER_FILL = "FCE4D6"
_PRIORITY_FILLS = {"high": "F8CBAD", "medium": "FFE699", "low": "E2EFDA"}
_STATUS_FILLS = {
    "planned": "DDEBF7",
    "in_progress": "FFF2CC",
    "done": "C6EFCE",
    "delayed": "FFC7CE",
    "cancelled": "D9D9D9",
}


def _is_synthetic(actions: pd.DataFrame) -> bool:
    return "synthetic" in actions and bool(actions["synthetic"].astype(bool).any())


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(actions: pd.DataFrame, path: Path, marks: list[bool], raw_values: bool) -> None:
    columns = [column for column in CSV_COLUMNS if column in actions]
    synthetic = any(marks)

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(([DATA_NOTE_COLUMN] if synthetic else []) + columns)
            for mark, (_, row) in zip(marks, actions.iterrows(), strict=True):
                cells = [_cell_text(row[column]) for column in columns]
                if not raw_values:
                    cells = [neutralise_cell(cell) for cell in cells]
                writer.writerow(([DEMO_MARK if mark else ""] if synthetic else []) + cells)

    write_atomically(path, write)


def _title(actions: pd.DataFrame, plan_title: str | None) -> str:
    if plan_title:
        return plan_title
    titles = actions["plan_title"].dropna().unique() if "plan_title" in actions else []
    regions = actions["region"].dropna().unique() if "region" in actions else []
    if len(titles) == 1:
        title = str(titles[0])
        # Name the region unless the title already does (demo titles name it).
        if len(regions) == 1 and str(regions[0]).replace("-", " ") not in title.lower():
            title += f" ({regions[0]})"
        return title
    return "Action plans"


def _write_xlsx(
    actions: pd.DataFrame,
    path: Path,
    title: str,
    synthetic: bool,
    dimension_names: Mapping[str, str],
    raw_values: bool,
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    several = "plan" in actions and actions["plan"].nunique() > 1
    layout = [
        (column, heading, width)
        for column, heading, width in _SHEET_COLUMNS
        if column in actions and (several or column not in ("plan", "region"))
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    last_letter = get_column_letter(len(layout))
    sheet.append([title if raw_values else neutralise_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last_letter}1")
    if synthetic:
        sheet.append(
            [f"{DEMO_MARK}: invented regions, people and actions. Do not use as evidence."]
        )
        banner = sheet.cell(row=2, column=1)
        banner.font = Font(bold=True, color="9C0006")
        banner.fill = PatternFill("solid", fgColor=_BANNER_FILL)
        sheet.merge_cells(f"A2:{last_letter}2")
    header_row = sheet.max_row + 1
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for index, (_, heading, width) in enumerate(layout, start=1):
        cell = sheet.cell(row=header_row, column=index, value=heading)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    fills = {"priority": _PRIORITY_FILLS, "status": _STATUS_FILLS}
    for row_number, (_, row) in enumerate(actions.iterrows(), start=header_row + 1):
        for index, (column, _, _) in enumerate(layout, start=1):
            value = row[column]
            if value is None or (isinstance(value, float) and pd.isna(value)):
                value = None
            elif column == "dimension":
                value = dimension_names.get(value, value)
            elif column == "position":
                value = int(value)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if not raw_values:
                    value = neutralise_cell(value)
            cell = sheet.cell(row=row_number, column=index, value=value)
            cell.alignment = wrap if column in ("objective", "resources", "indicator") else top
            if isinstance(value, str):
                cell.data_type = "s"  # "=..." typed by a user stays text, never a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if column in fills and value in fills[column]:
                cell.fill = PatternFill("solid", fgColor=fills[column][value])
    last_row = max(sheet.max_row, header_row)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{last_letter}{last_row}"
    for column, allowed in (("priority", ACTION_PRIORITIES), ("status", ACTION_STATUSES)):
        position = next((i for i, (c, _, _) in enumerate(layout, start=1) if c == column), None)
        if position is None:
            continue
        letter = get_column_letter(position)
        validation = DataValidation(
            type="list",
            formula1=f'"{",".join(allowed)}"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle=f"Unknown {column}",
            error=f"Use one of: {', '.join(allowed)}",
        )
        validation.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 1)}")
        sheet.add_data_validation(validation)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _summary_sheet(workbook, actions, title, synthetic, dimension_names)
    write_atomically(path, workbook.save)


def _summary_sheet(workbook, actions, title, synthetic, dimension_names) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet = workbook.create_sheet("Summary")
    bold = Font(bold=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    sheet.append([f"{title}: actions by dimension and status"])
    sheet["A1"].font = Font(bold=True, size=14)
    if synthetic:
        sheet.append([DEMO_MARK])
        sheet["A2"].font = Font(bold=True, color="9C0006")
    sheet.append([])

    def table(rows_by: str, columns: tuple[str, ...], label: str) -> None:
        counts = (
            pd.crosstab(actions[rows_by], actions["status"])
            if len(actions)
            else pd.DataFrame(columns=list(columns))
        )
        counts = counts.reindex(columns=list(columns), fill_value=0)
        order = list(dict.fromkeys(actions[rows_by])) if len(actions) else []
        if rows_by == "priority":
            order = [p for p in ACTION_PRIORITIES if p in order]
        sheet.append([label, *columns, "total"])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = header_font, header_fill
        for key in order:
            values = [int(counts.loc[key, status]) for status in columns]
            name = dimension_names.get(key, key) if rows_by == "dimension" else key
            sheet.append([name, *values, sum(values)])
        totals = [int(counts[status].sum()) for status in columns]
        sheet.append(["Total", *totals, sum(totals)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.append([])

    table("dimension", ACTION_STATUSES, "Dimension")
    table("priority", ACTION_STATUSES, "Priority")
    sheet.column_dimensions["A"].width = 30
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 12


def write_action_plan(
    actions_frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    plan_title: str | None = None,
    synthetic: bool | None = None,
    dimension_names: Mapping[str, str] | None = None,
    raw_values: bool = False,
) -> Path:
    """Write actions to ``path`` (.xlsx workbook or .csv by suffix) and return the path.

    ``plan_title`` heads the workbook (default: the plan's title and region from the frame).
    ``synthetic`` adds the synthetic-data banner and the ``data_note`` column; by default it
    is taken from the frame's ``synthetic`` column. ``dimension_names`` (key -> name, e.g.
    ``instrument.dimension_names``) shows names instead of keys in the workbook; the CSV
    always keeps keys so that it can be read back. Text beginning with ``=``, ``+``, ``-``
    or ``@`` (or tab/CR) is prefixed with an apostrophe so that no spreadsheet program runs it
    as a formula; ``raw_values=True`` writes text exactly as stored.
    """
    require_columns(actions_frame, _REQUIRED, "actions frame")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ConfigurationError(
            f"{target}: cannot write an action plan to '{suffix or '(no suffix)'}'. Fix: end "
            "the file name with .xlsx (formatted workbook) or .csv."
        )
    actions = actions_frame.reset_index(drop=True)
    if "plan" in actions and "position" in actions:
        actions = actions.sort_values(["plan", "position"], kind="stable").reset_index(drop=True)
    marked = _is_synthetic(actions) if synthetic is None else bool(synthetic)
    if suffix == ".csv":
        # Row by row from the frame; synthetic=True marks every row, False none.
        if synthetic is None and "synthetic" in actions:
            marks = actions["synthetic"].astype(bool).tolist()
        else:
            marks = [marked] * len(actions)
        _write_csv(actions, target, marks, raw_values)
    else:
        _write_xlsx(
            actions,
            target,
            _title(actions, plan_title),
            marked,
            dimension_names or {},
            raw_values,
        )
    return target
