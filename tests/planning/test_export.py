"""Action-plan export: the formatted workbook and the CSV file."""

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from scirocco_lab.assessment.demo import DEMO_MARK
from scirocco_lab.errors import ConfigurationError, DataValidationError, WriteError
from scirocco_lab.planning import export
from scirocco_lab.planning.export import write_action_plan
from scirocco_lab.planning.store import ACTION_COLUMNS

D = dt.date


def actions(*, synthetic=True, plans=("ap-1",)):
    rows = []
    for plan in plans:
        for position, (dimension, status, priority) in enumerate(
            [
                ("funding", "done", "high"),
                ("funding", "planned", "low"),
                ("digital_infrastructure", "delayed", "medium"),
            ],
            start=1,
        ):
            rows.append(
                {
                    "plan": plan,
                    "plan_title": "Ostermark action plan",
                    "region": "ostermark",
                    "position": position,
                    "dimension": dimension,
                    "objective": f"Objective {position}, with a comma",
                    "owner": '=HYPERLINK("x")' if position == 3 else "Finance director",
                    "start": D(2026, 4, position),
                    "end": D(2026, 9, position),
                    "resources": None,
                    "indicator": "Business case approved",
                    "priority": priority,
                    "status": status,
                    "synthetic": synthetic,
                }
            )
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def header_row(sheet):
    return next(row for row in range(1, 6) if sheet.cell(row=row, column=1).value == "No.")


def test_workbook_has_a_formatted_frozen_header(tmp_path):
    path = write_action_plan(actions(synthetic=False), tmp_path / "plan.xlsx")
    sheet = load_workbook(path)["Action plan"]
    row = header_row(sheet)
    header = [cell.value for cell in sheet[row]]
    assert header[:4] == ["No.", "Dimension", "Objective", "Owner"]
    assert all(cell.font.b for cell in sheet[row])
    assert sheet.cell(row=row, column=1).fill.fgColor.rgb.endswith("1F4E79")
    assert sheet.freeze_panes == f"A{row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{row}:")
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_workbook_keeps_dates_as_iso_formatted_dates(tmp_path):
    path = write_action_plan(actions(), tmp_path / "plan.xlsx")
    sheet = load_workbook(path)["Action plan"]
    start = sheet.cell(row=header_row(sheet) + 1, column=5)
    assert start.value == dt.datetime(2026, 4, 1)
    assert start.number_format == "yyyy-mm-dd"


def test_synthetic_workbook_has_title_and_banner(tmp_path):
    path = write_action_plan(actions(), tmp_path / "plan.xlsx")
    sheet = load_workbook(path)["Action plan"]
    assert sheet["A1"].value == "Ostermark action plan"
    assert sheet["A2"].value.startswith(DEMO_MARK)
    assert load_workbook(path)["Summary"]["A2"].value == DEMO_MARK


def test_real_workbook_has_no_banner(tmp_path):
    path = write_action_plan(actions(synthetic=False), tmp_path / "plan.xlsx", plan_title="Mine")
    sheet = load_workbook(path)["Action plan"]
    assert sheet["A1"].value == "Mine"
    assert sheet["A2"].value == "No."


def test_status_and_priority_are_coloured_and_validated(tmp_path):
    path = write_action_plan(actions(), tmp_path / "plan.xlsx")
    sheet = load_workbook(path)["Action plan"]
    first = header_row(sheet) + 1
    status = sheet.cell(row=first, column=10)
    assert status.value == "done"
    assert status.fill.fgColor.rgb.endswith(export._STATUS_FILLS["done"])
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"high,medium,low"' in lists
    assert '"planned,in_progress,done,delayed,cancelled"' in lists


def test_workbook_shows_dimension_names_and_keeps_formulas_as_text(tmp_path):
    path = write_action_plan(
        actions(), tmp_path / "plan.xlsx", dimension_names={"funding": "Funding"}
    )
    sheet = load_workbook(path)["Action plan"]
    first = header_row(sheet) + 1
    assert sheet.cell(row=first, column=2).value == "Funding"
    owner = sheet.cell(row=first + 2, column=4)
    assert owner.data_type == "s"


def test_summary_counts_actions_by_dimension_and_status(tmp_path):
    path = write_action_plan(actions(), tmp_path / "plan.xlsx")
    rows = list(load_workbook(path)["Summary"].iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "Dimension")
    funding = next(row for row in rows if row[0] == "funding")
    assert dict(zip(header[1:], funding[1:], strict=True)) == {
        "planned": 1,
        "in_progress": 0,
        "done": 1,
        "delayed": 0,
        "cancelled": 0,
        "total": 2,
    }


def test_several_plans_get_plan_and_region_columns(tmp_path):
    path = write_action_plan(actions(plans=("ap-1", "ap-2")), tmp_path / "plans.xlsx")
    sheet = load_workbook(path)["Action plan"]
    assert [cell.value for cell in sheet[header_row_named(sheet, "Plan")]][:3] == [
        "Plan",
        "Region",
        "No.",
    ]


def header_row_named(sheet, first):
    return next(row for row in range(1, 6) if sheet.cell(row=row, column=1).value == first)


def test_csv_round_trips(tmp_path):
    frame = actions(synthetic=False)
    path = write_action_plan(frame, tmp_path / "plan.csv")
    back = pd.read_csv(path, keep_default_na=False)
    assert list(back.columns) == list(export.CSV_COLUMNS)
    assert back["objective"].tolist() == frame["objective"].tolist()
    assert back["start"].tolist() == [d.isoformat() for d in frame["start"]]
    assert back["position"].tolist() == [1, 2, 3]


def test_csv_marks_synthetic_rows(tmp_path):
    path = write_action_plan(actions(), tmp_path / "plan.csv")
    back = pd.read_csv(path)
    assert back.columns[0] == "data_note"
    assert (back["data_note"] == DEMO_MARK).all()


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match=r"\.xlsx"):
        write_action_plan(actions(), tmp_path / "plan.ods")
    assert list(tmp_path.iterdir()) == []


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(DataValidationError, match="status"):
        write_action_plan(actions().drop(columns=["status"]), tmp_path / "plan.csv")


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", broken)
    with pytest.raises(WriteError, match=r"plan\.xlsx: cannot be written \(disk full\)"):
        write_action_plan(actions(), tmp_path / "plan.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = write_action_plan(actions(), tmp_path / "plan.csv")
    before = path.read_bytes()

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export, "_cell_text", broken)
    with pytest.raises(WriteError):
        write_action_plan(actions(synthetic=False), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_like_text_is_neutralised_by_default(tmp_path, suffix):
    path = write_action_plan(actions(), tmp_path / f"plan{suffix}")
    if suffix == ".csv":
        owners = pd.read_csv(path, keep_default_na=False)["owner"].tolist()
    else:
        owners = [c.value for row in load_workbook(path)["Action plan"].iter_rows() for c in row]
    assert '\'=HYPERLINK("x")' in owners
    assert '=HYPERLINK("x")' not in owners


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_raw_values_keep_formula_like_text(tmp_path, suffix):
    path = write_action_plan(actions(), tmp_path / f"plan{suffix}", raw_values=True)
    if suffix == ".csv":
        owners = pd.read_csv(path, keep_default_na=False)["owner"].tolist()
    else:
        owners = [c.value for row in load_workbook(path)["Action plan"].iter_rows() for c in row]
    assert '=HYPERLINK("x")' in owners
