"""Questionnaire import: Excel and CSV layouts, scale metadata, validation."""

import datetime as dt
import math

import openpyxl
import pytest

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.errors import DataValidationError, DuplicateRecordError, FileFormatError
from scirocco_lab.evaluation.questionnaires import (
    AGREEMENT_LABELS,
    import_questionnaire,
    parse_scale,
    read_questionnaire,
)
from scirocco_lab.evaluation.store import (
    questionnaire_items_frame,
    questionnaires_frame,
    responses_frame,
)
from scirocco_lab.store import open_store

ITEMS_CSV = (
    "item,wording,reverse_scored\n"
    "useful,The visit was useful.,no\n"
    "packed,The programme was too packed.,yes\n"
)


@pytest.fixture
def store():
    store = open_store("sqlite://")
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    return store


def workbook(path, responses, *, items=None, scale=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "responses"
    for row in responses:
        sheet.append(row)
    item_sheet = book.create_sheet("items")
    for row in items or [
        ("item", "wording", "reverse_scored"),
        ("useful", "The visit was useful.", None),
        ("packed", "The programme was too packed.", "yes"),
    ]:
        item_sheet.append(row)
    if scale:
        scale_sheet = book.create_sheet("scale")
        scale_sheet.append(("value", "label"))
        for value, label in enumerate(AGREEMENT_LABELS, start=1):
            scale_sheet.append((value, label))
    book.save(path)
    return path


GOOD = [
    ("respondent", "group", "useful", "packed"),
    ("R01", "clinician", 5, 2),
    ("R02", "manager", 4, None),
    ("R03", "manager", "Agree", 1),
]


def test_excel_workbook_gives_scale_items_and_tidy_responses(tmp_path):
    form, items, responses = read_questionnaire(workbook(tmp_path / "visit.xlsx", GOOD))
    assert (form.scale_min, form.scale_max, form.scale_labels) == (1, 5, AGREEMENT_LABELS)
    assert [(i.item, i.position, i.reverse_scored) for i in items] == [
        ("useful", 1, False),
        ("packed", 2, True),
    ]
    assert len(responses) == 6
    assert responses[3].value is None  # R02 left "packed" empty
    assert responses[4].value == 4.0  # "Agree" read as its scale value


def test_csv_with_items_file_and_scale_text(tmp_path):
    (tmp_path / "items.csv").write_text(ITEMS_CSV, encoding="utf-8")
    (tmp_path / "form.csv").write_text(
        "respondent,group,region,useful,packed\nR01,clinician,northvale,5,1\n", encoding="utf-8"
    )
    form, _, responses = read_questionnaire(
        tmp_path / "form.csv",
        items=tmp_path / "items.csv",
        scale="1-5",
        labels="Strongly disagree,Disagree,Neutral,Agree,Strongly agree",
    )
    assert form.questionnaire == "form"
    assert form.scale_labels[2] == "Neutral"
    assert [r.value for r in responses] == [5.0, 1.0]
    assert responses[0].region == "northvale"


def test_csv_with_scale_csv(tmp_path):
    (tmp_path / "items.csv").write_text(ITEMS_CSV, encoding="utf-8")
    (tmp_path / "scale.csv").write_text("value,label\n0,No\n1,Partly\n2,Yes\n", encoding="utf-8")
    (tmp_path / "form.csv").write_text("respondent,useful,packed\nR1,2,yes\n", encoding="utf-8")
    form, _, responses = read_questionnaire(
        tmp_path / "form.csv", items=tmp_path / "items.csv", scale=tmp_path / "scale.csv"
    )
    assert (form.scale_min, form.scale_max) == (0, 2)
    assert [r.value for r in responses] == [2.0, 2.0]


def test_value_outside_the_scale_names_row_column_and_value(tmp_path):
    path = workbook(tmp_path / "v.xlsx", [*GOOD, ("R04", "clinician", 7, 3)])
    with pytest.raises(DataValidationError) as error:
        read_questionnaire(path)
    message = str(error.value)
    assert "row 5, column 'useful'" in message and "outside the scale 1..5" in message


def test_text_value_is_refused_with_the_fix(tmp_path):
    path = workbook(tmp_path / "t.xlsx", [*GOOD, ("R04", "clinician", "maybe", 3)])
    with pytest.raises(DataValidationError, match=r"row 5, column 'useful'.*'maybe'.*1 to 5"):
        read_questionnaire(path)


def test_unknown_item_column_is_refused(tmp_path):
    rows = [("respondent", "useful", "packed", "extra"), ("R01", 4, 2, 3)]
    with pytest.raises(DataValidationError, match="column 'extra': column is not an item"):
        read_questionnaire(workbook(tmp_path / "u.xlsx", rows))


def test_duplicate_respondent_is_refused(tmp_path):
    path = workbook(tmp_path / "d.xlsx", [*GOOD, ("R01", "manager", 3, 3)])
    with pytest.raises(DataValidationError, match=r"row 5.*already has a row \(row 2\)"):
        read_questionnaire(path)


def test_missing_wording_is_refused(tmp_path):
    items = [("item", "wording"), ("useful", "The visit was useful."), ("packed", None)]
    path = workbook(tmp_path / "w.xlsx", GOOD, items=items)
    with pytest.raises(DataValidationError, match="item 'packed' has no wording"):
        read_questionnaire(path)


def test_csv_without_items_or_scale_says_what_to_add(tmp_path):
    (tmp_path / "form.csv").write_text("respondent,useful\nR1,3\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="--items"):
        read_questionnaire(tmp_path / "form.csv")
    (tmp_path / "items.csv").write_text(ITEMS_CSV, encoding="utf-8")
    with pytest.raises(FileFormatError, match="--scale"):
        read_questionnaire(tmp_path / "form.csv", items=tmp_path / "items.csv")


def test_wrong_number_of_labels_is_refused(tmp_path):
    (tmp_path / "items.csv").write_text("item,wording\nuseful,Useful.\n", encoding="utf-8")
    (tmp_path / "form.csv").write_text("respondent,useful\nR1,3\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="3 label"):
        read_questionnaire(
            tmp_path / "form.csv", items=tmp_path / "items.csv", scale="1-5", labels="a,b,c"
        )


def test_parse_scale_refuses_reversed_ends():
    assert parse_scale("0..10") == (0, 10)
    with pytest.raises(FileFormatError, match="1-5"):
        parse_scale("5-1")


def test_import_questionnaire_stores_tidy_responses_with_labels(store, tmp_path):
    import_questionnaire(
        store,
        workbook(tmp_path / "visit.xlsx", GOOD),
        region="northvale",
        held_on=dt.date(2026, 3, 5),
    )
    responses = responses_frame(store, questionnaire="visit")
    assert len(responses) == 6
    assert responses["region"].unique().tolist() == ["northvale"]
    first = responses.iloc[0]
    assert (first["respondent"], first["item"], first["value"], first["label"]) == (
        "R01",
        "useful",
        5.0,
        "Strongly agree",
    )
    assert math.isnan(responses.set_index(["respondent", "item"]).loc[("R02", "packed"), "value"])
    assert questionnaire_items_frame(store)["wording"].iloc[0] == "The visit was useful."
    assert questionnaires_frame(store)["held_on"].iloc[0] == dt.date(2026, 3, 5)


def test_import_with_unknown_region_writes_nothing(store, tmp_path):
    with pytest.raises(DataValidationError, match="unknown region"):
        import_questionnaire(store, workbook(tmp_path / "v.xlsx", GOOD), region="atlantis")
    assert questionnaires_frame(store).empty


def test_importing_twice_needs_replace(store, tmp_path):
    path = workbook(tmp_path / "v.xlsx", GOOD)
    import_questionnaire(store, path, region="northvale")
    with pytest.raises(DuplicateRecordError, match="already imported"):
        import_questionnaire(store, path, region="northvale")
    with pytest.raises(DuplicateRecordError, match="already imported"):
        import_questionnaire(store, path, region="northvale", questionnaire="other-key")
    import_questionnaire(store, path, region="northvale", replace=True)
    assert len(responses_frame(store)) == 6
