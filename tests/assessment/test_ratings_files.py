"""CSV and Excel import/export of assessments (scirocco_lab.assessment.ratings_files)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import openpyxl
import pandas as pd
import pytest
import yaml

from scirocco_lab.assessment.ratings_export import export_ratings
from scirocco_lab.assessment.ratings_files import (
    import_ratings,
    read_frame_as_batch,
    read_ratings_file,
)
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.store import (
    RATING_COLUMNS,
    add_assessors,
    add_subjects,
    assessments_frame,
    ratings_frame,
    write_batch,
)
from scirocco_lab.errors import ConfigurationError, DataValidationError, FileFormatError
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import assessors_frame, open_store, subjects_frame

INSTRUMENT = "scirocco-exchange"
KEYS = load_instrument(INSTRUMENT).dimension_keys
MARK = "Synthetic demo data"
HEADER = "subject,kind,assessor,dimension,level\n"
#: The ratings frame's columns but the id and a rating's texts: what a levels-only file keeps.
LEVELS_ONLY = [
    column
    for column in RATING_COLUMNS
    if column not in ("assessment_id", "justification", "confidence", "features")
]


# ---------------------------------------------------------------------------------------
# Fixtures: a small store built in the test


def _subjects(synthetic: bool = False) -> list[SubjectRecord]:
    return [
        SubjectRecord("northvale", "Northvale", country="Calmaria", synthetic=synthetic),
        SubjectRecord(
            "tele-rehab",
            "Tele-rehabilitation at home",
            kind="good_practice",
            owner="northvale",
            synthetic=synthetic,
        ),
    ]


def _assessors() -> list[AssessorRecord]:
    return [
        AssessorRecord(
            "NV-01",
            role="nurse",
            sector="health",
            organisation="Northvale Hospital",
            full_name="Ada Quillfeather",
            email="ada.quillfeather@example.org",
        ),
        AssessorRecord("NV-02", role="social worker", sector="social care"),
    ]


def _full(levels: list, **extra) -> tuple[RatingRecord, ...]:
    return tuple(
        RatingRecord(
            key,
            level=None if level == "dk" else level,
            dont_know=level == "dk",
            **extra.get(key, {}),
        )
        for key, level in zip(KEYS, levels, strict=True)
    )


def _assessments() -> tuple[AssessmentRecord, ...]:
    first = {
        KEYS[0]: {
            "justification": 'Plan "agreed", but, not yet funded;\nsee minutes',
            "confidence": "high",
        },
        KEYS[1]: {"justification": "=SUM(A1:A3) is what the board said", "confidence": "low"},
    }
    northvale = partial(AssessmentRecord, "HS", "northvale", INSTRUMENT)
    return (
        northvale(
            1,
            "individual",
            "NV-01",
            "submitted",
            dt.date(2025, 3, 14),
            notes="Delphi round 1",
            ratings=_full([2, 3, "dk", 1, 0, 5, 4, 2, 2, 3, 1, 2], **first),
        ),
        northvale(1, "individual", "NV-02", ratings=_full([1, 2, 2, 1, 1, 4, 3, "dk", 2, 2, 1, 3])),
        northvale(
            1,
            "consensus",
            None,
            "submitted",
            dt.date(2025, 4, 2),
            ratings=_full([2, 2, 2, 1, 1, 4, 3, 2, 2, 2, 1, 2]),
        ),
        northvale(
            2,
            "individual",
            "NV-01",
            "draft",
            ratings=(RatingRecord(KEYS[0], level=3), RatingRecord(KEYS[1])),
        ),
        AssessmentRecord(
            "GP",
            "tele-rehab",
            INSTRUMENT,
            1,
            "consensus",
            None,
            ratings=_full(
                [3, 3, 4, 3, 2, 3, 2, 4, 3, 2, 3, 3],
                **{KEYS[2]: {"features": ("video consultation", "shared care plan")}},
            ),
        ),
    )


def _store(new_store_url, name: str = "s", *, synthetic: bool = False, seed: bool = True):
    store = open_store(new_store_url(name))
    add_subjects(store, _subjects(synthetic))
    add_assessors(store, _assessors())
    if seed:
        write_batch(store, RecordBatch(assessments=_assessments(), source="test"))
    return store


@pytest.fixture
def store(new_store_url):
    """Subjects, assessors (one with a name and e-mail) and five assessments (SQLite and
    PostgreSQL)."""
    return _store(new_store_url)


@pytest.fixture
def target(new_store_url):
    """An empty store with the same subjects and assessors, to import into."""
    return _store(new_store_url, "target", seed=False)


def _ratings(store, columns=None) -> pd.DataFrame:
    """All ratings, drafts and GP included, without the store's internal ids."""
    frame = ratings_frame(store, kind=None, status=None).drop(columns="assessment_id")
    return frame[columns] if columns else frame


def _snapshot(store) -> tuple[pd.DataFrame, ...]:
    return _ratings(store), subjects_frame(store), assessors_frame(store)


def _assert_unchanged(store, before) -> None:
    for old, new in zip(before, _snapshot(store), strict=True):
        pd.testing.assert_frame_equal(old, new)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _eastmoor_file(tmp_path, level_of=lambda key: 2):
    """A file whose columns create the region Eastmoor (Calmaria) and its assessor EM-01."""
    rows = "".join(
        f"eastmoor,Eastmoor,Calmaria,HS,EM-01,nurse,{key},{level_of(key)}\n" for key in KEYS
    )
    header = "subject,subject_name,country,kind,assessor,role,dimension,level\n"
    return _write(tmp_path, "new.csv", header + rows)


def _complete_csv(level_of=lambda key: 3, assessor: str = "NV-02", round_number: int = 3) -> str:
    rows = "".join(
        f"northvale,HS,{assessor},{round_number},{key},{level_of(key)}\n" for key in KEYS
    )
    return "subject,kind,assessor,round,dimension,level\n" + rows


# ---------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("prepared", [True, False], ids=["records-present", "empty-store"])
def test_long_csv_round_trip_gives_identical_ratings(store, tmp_path, new_store_url, prepared):
    path = tmp_path / "ratings.csv"
    written = export_ratings(store, path, status=None)
    copy = (
        _store(new_store_url, "copy", seed=False) if prepared else open_store(new_store_url("copy"))
    )
    import_ratings(copy, path)
    assert written == len(_ratings(store))
    pd.testing.assert_frame_equal(_ratings(copy), _ratings(store))


def test_long_csv_round_trip_keeps_assessment_notes(store, tmp_path):
    path = tmp_path / "ratings.csv"
    export_ratings(store, path, status=None)
    copy = open_store(str(tmp_path / "copy.db"))
    import_ratings(copy, path)
    stored = assessments_frame(copy, round=1, mode="individual")
    assert stored.set_index("assessor").loc["NV-01", "notes"] == "Delphi round 1"


def test_wide_csv_round_trip_gives_identical_levels(store, tmp_path):
    path = tmp_path / "ratings.csv"
    written = export_ratings(store, path, layout="wide")
    copy = open_store(str(tmp_path / "copy.db"))
    import_ratings(copy, path)
    assert written == 4  # the submitted assessments: one row each
    expected = ratings_frame(store, kind=None).drop(columns="assessment_id")[LEVELS_ONLY]
    pd.testing.assert_frame_equal(_ratings(copy, LEVELS_ONLY), expected)


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_xlsx_round_trip_gives_identical_ratings(store, tmp_path, layout):
    path = tmp_path / "ratings.xlsx"
    export_ratings(store, path, layout=layout)
    copy = open_store(str(tmp_path / "copy.db"))
    import_ratings(copy, path)
    columns = None if layout == "long" else LEVELS_ONLY
    expected = ratings_frame(store, kind=None).drop(columns="assessment_id")
    pd.testing.assert_frame_equal(_ratings(copy, columns), expected[columns or expected.columns])


def test_xlsx_export_has_bold_frozen_header_and_keeps_formula_like_text(store, tmp_path):
    path = tmp_path / "ratings.xlsx"
    export_ratings(store, path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["subject", "kind", "instrument", "round", "mode"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("northvale")
    column = header.index("justification") + 1
    texts = [row[0] for row in sheet.iter_rows(min_col=column, max_col=column, values_only=True)]
    assert "'=SUM(A1:A3) is what the board said" in texts
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def _csv_justifications(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return set(frame["justification"])


def test_csv_export_neutralises_formula_like_text_by_default(store, tmp_path):
    path = tmp_path / "ratings.csv"
    export_ratings(store, path)
    texts = _csv_justifications(path)
    assert "'=SUM(A1:A3) is what the board said" in texts
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)


def test_csv_export_with_raw_values_keeps_text_as_stored(store, tmp_path):
    path = tmp_path / "ratings.csv"
    export_ratings(store, path, raw_values=True)
    assert "=SUM(A1:A3) is what the board said" in _csv_justifications(path)


def test_xlsx_export_with_raw_values_keeps_text_as_stored(store, tmp_path):
    path = tmp_path / "ratings.xlsx"
    export_ratings(store, path, raw_values=True)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    texts = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "=SUM(A1:A3) is what the board said" in texts


def test_export_filters_select_rows(store, tmp_path):
    path = tmp_path / "consensus.csv"
    written = export_ratings(store, path, kind="HS", mode="consensus")
    assert written == len(KEYS)
    frame = pd.read_csv(path)
    assert set(frame["mode"]) == {"consensus"} and set(frame["kind"]) == {"HS"}


def test_export_refuses_unknown_suffix(store, tmp_path):
    with pytest.raises(ConfigurationError, match=r"\.csv, \.xlsx, \.sav \(SPSS\) or \.dta"):
        export_ratings(store, tmp_path / "ratings.json")


def test_read_frame_as_batch_reads_a_ratings_frame_back(store, target):
    batch = read_frame_as_batch(ratings_frame(store, kind=None, status=None), source="frame")
    write_batch(target, batch)
    pd.testing.assert_frame_equal(_ratings(target), _ratings(store))


# ---------------------------------------------------------------------------------------
# Reading conveniences


def test_headers_are_case_insensitive_and_bom_and_semicolons_are_tolerated(tmp_path):
    path = tmp_path / "excel-export.csv"
    text = " Subject ;KIND;Assessor;Dimension;Level\nnorthvale;hs;NV-01;Funding;Don't know\n"
    path.write_bytes(text.encode("utf-8-sig"))
    (assessment,) = read_ratings_file(path).assessments
    assert (assessment.kind, assessment.subject, assessment.round) == ("HS", "northvale", 1)
    (rating,) = assessment.ratings
    assert (rating.dimension, rating.level, rating.dont_know) == ("funding", None, True)


def test_wide_layout_is_detected_and_dimension_headers_map_to_keys(tmp_path):
    header = ",".join(key.replace("_", " ").title() for key in KEYS)
    path = _write(
        tmp_path,
        "wide.csv",
        f"subject,kind,assessor,{header}\nnorthvale,HS,NV-01,{','.join(['2'] * 11)},dk\n",
    )
    (assessment,) = read_ratings_file(path).assessments
    assert [r.dimension for r in assessment.ratings] == list(KEYS)
    assert assessment.ratings[-1].dont_know
    assert assessment.ratings[-1].origin.level_column == "Capacity Building"


def test_empty_level_with_dont_know_column_is_dont_know(tmp_path):
    path = _write(
        tmp_path,
        "dk.csv",
        "subject,kind,assessor,dimension,level,dont_know\nnorthvale,HS,NV-01,funding,,yes\n",
    )
    (rating,) = read_ratings_file(path).assessments[0].ratings
    assert rating.dont_know and rating.level is None


def test_subjects_and_assessors_are_created_from_optional_columns(tmp_path):
    store = open_store(str(tmp_path / "new.db"))
    summary = import_ratings(store, _eastmoor_file(tmp_path))
    assert (summary.subjects_added, summary.assessors_added) == (1, 1)
    assert subjects_frame(store).loc[0, ["key", "kind", "country"]].tolist() == [
        "eastmoor",
        "system",
        "Calmaria",
    ]
    assert assessors_frame(store).loc[0, "role"] == "nurse"


# ---------------------------------------------------------------------------------------
# Bad files write nothing


def test_out_of_range_level_names_file_row_column_value_and_fix(store, tmp_path):
    before = _snapshot(store)
    path = _write(tmp_path, "round3.csv", _complete_csv(lambda k: 7 if k == "funding" else 3))
    with pytest.raises(DataValidationError) as caught:
        import_ratings(store, path)
    (problem,) = caught.value.problems
    row = 2 + KEYS.index("funding")
    assert (problem.row, problem.field, problem.value) == (row, "level", 7)
    message = str(caught.value)
    assert f"round3.csv, row {row}, column 'level'" in message
    assert "(value 7)" in message and "Fix: use a whole number from 0 to 5" in message
    _assert_unchanged(store, before)


def test_unknown_dimension_writes_nothing(store, tmp_path):
    before = _snapshot(store)
    text = _complete_csv().replace("funding", "fundng")
    with pytest.raises(DataValidationError, match="unknown dimension") as caught:
        import_ratings(store, _write(tmp_path, "typo.csv", text))
    assert caught.value.problems[0].value == "fundng"
    _assert_unchanged(store, before)


def test_non_numeric_levels_of_all_rows_are_reported_together(store, tmp_path):
    before = _snapshot(store)
    text = _complete_csv(lambda k: {"funding": "three", "capacity_building": "2.5"}.get(k, 1))
    with pytest.raises(DataValidationError) as caught:
        import_ratings(store, _write(tmp_path, "words.csv", text))
    problems = caught.value.problems
    assert [(p.row, p.field, p.value) for p in problems] == [
        (2 + KEYS.index("funding"), "level", "three"),
        (2 + KEYS.index("capacity_building"), "level", "2.5"),
    ]
    _assert_unchanged(store, before)


def test_duplicate_rows_write_nothing(store, tmp_path):
    before = _snapshot(store)
    text = _complete_csv() + "northvale,HS,NV-02,3,funding,4\n"
    with pytest.raises(DataValidationError, match="rated twice") as caught:
        import_ratings(store, _write(tmp_path, "twice.csv", text))
    assert caught.value.problems[0].row == len(KEYS) + 2
    _assert_unchanged(store, before)


def test_a_bad_row_also_stops_new_subjects_and_assessors(tmp_path):
    store = open_store(str(tmp_path / "new.db"))
    with pytest.raises(DataValidationError):
        import_ratings(store, _eastmoor_file(tmp_path, lambda key: 9 if key == "funding" else 2))
    assert subjects_frame(store).empty and assessors_frame(store).empty


def test_assessment_already_in_store_is_refused(store, tmp_path):
    before = _snapshot(store)
    text = _complete_csv(assessor="NV-01", round_number=1)
    with pytest.raises(DataValidationError, match="already in the store") as caught:
        import_ratings(store, _write(tmp_path, "again.csv", text))
    assert caught.value.problems[0].row == 2
    _assert_unchanged(store, before)


def test_replace_overwrites_an_assessment_already_in_store(store, tmp_path):
    text = _complete_csv(lambda k: 5, assessor="NV-01", round_number=1)
    summary = import_ratings(store, _write(tmp_path, "again.csv", text), replace=True)
    assert (summary.assessments_added, summary.assessments_replaced) == (0, 1)
    mine = ratings_frame(store, mode="individual", round=1)
    assert mine[mine["assessor"] == "NV-01"]["level"].tolist() == [5.0] * len(KEYS)


def test_missing_required_column_writes_nothing(store, tmp_path):
    before = _snapshot(store)
    path = _write(
        tmp_path, "nolevel.csv", "subject,kind,assessor,dimension\nnorthvale,HS,NV-02,funding\n"
    )
    with pytest.raises(DataValidationError) as caught:
        import_ratings(store, path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.field) == (1, "level")
    assert "required column 'level' is missing" in str(caught.value)
    _assert_unchanged(store, before)


def test_parse_problems_of_every_row_are_collected(tmp_path):
    path = _write(
        tmp_path,
        "messy.csv",
        "subject,kind,assessor,dimension,level,assessed_on\n"
        "northvale,HS,NV-01,funding,3,14/03/2025\n"
        ",HS,NV-01,funding,3,\n"
        "northvale,HS,,funding,3,\n",
    )
    with pytest.raises(DataValidationError) as caught:
        read_ratings_file(path)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "assessed_on"),
        (3, "subject"),
        (4, "assessor"),
    ]


#: Two rows that disagree on one value: the file, its text, the problem and its column.
CONFLICTS = {
    "assessment field": (
        "mixed.csv",
        "subject,kind,assessor,status,dimension,level\n"
        "northvale,HS,NV-01,draft,funding,3\n"
        "northvale,HS,NV-01,submitted,capacity_building,3\n",
        "differs from row 2",
        "status",
    ),
    "subject column": (
        "names.csv",
        "subject,subject_name,kind,assessor,dimension,level\n"
        "eastmoor,Eastmoor,HS,EM-01,funding,2\n"
        "eastmoor,East Moor,HS,EM-01,capacity_building,2\n",
        "another subject_name on row 2",
        "subject_name",
    ),
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_conflicting_values_across_rows_are_reported_at_the_later_row(tmp_path, case):
    name, text, match, column = CONFLICTS[case]
    with pytest.raises(DataValidationError, match=match) as caught:
        read_ratings_file(_write(tmp_path, name, text))
    assert (caught.value.problems[0].row, caught.value.problems[0].field) == (3, column)


def test_unknown_column_is_reported(tmp_path):
    path = _write(
        tmp_path,
        "extra.csv",
        HEADER.strip() + ",justifcation\nnorthvale,HS,NV-01,funding,3,typo in the header\n",
    )
    with pytest.raises(DataValidationError, match="unknown column") as caught:
        read_ratings_file(path)
    assert caught.value.problems[0].field == "justifcation"


def test_empty_file_is_a_clear_error_naming_the_file(store, tmp_path):
    before = _snapshot(store)
    with pytest.raises(FileFormatError, match=r"empty\.csv: the file is empty"):
        import_ratings(store, _write(tmp_path, "empty.csv", ""))
    _assert_unchanged(store, before)


def test_header_only_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileFormatError, match="no data rows"):
        read_ratings_file(_write(tmp_path, "header.csv", HEADER))


def test_corrupt_xlsx_is_a_clear_error_naming_the_file(store, tmp_path):
    before = _snapshot(store)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(FileFormatError, match=r"broken\.xlsx: not a readable \.xlsx"):
        import_ratings(store, path)
    _assert_unchanged(store, before)


def test_binary_file_named_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "really.csv"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(FileFormatError, match=r"really\.csv: not a UTF-8"):
        read_ratings_file(path)


BAD_FILES = {
    "range.csv": _complete_csv(lambda k: -1),
    "dimension.csv": _complete_csv().replace("evaluation_methods", "evaluation"),
    "words.csv": _complete_csv(lambda k: "high"),
    "twice.csv": _complete_csv() + "northvale,HS,NV-02,3,funding,4\n",
    "again.csv": _complete_csv(assessor="NV-01", round_number=1),
    "columns.csv": "subject,kind,dimension,level\nnorthvale,HS,funding,3\n",
    "who.csv": _complete_csv(assessor="NV-99"),
    "date.csv": HEADER.strip() + ",assessed_on\nnorthvale,HS,NV-02,funding,3,yesterday\n",
    "wide.csv": f"subject,kind,assessor,{','.join(KEYS)}\nnorthvale,HS,NV-02,"
    + ",".join(["4"] * (len(KEYS) - 1))
    + ",6\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_problem_names_the_file_and_the_row(store, tmp_path, name):
    with pytest.raises(DataValidationError) as caught:
        import_ratings(store, _write(tmp_path, name, BAD_FILES[name]))
    for problem in caught.value.problems:
        assert problem.row is not None
        assert f"{name}, row {problem.row}" in str(problem)
        assert f"{name}, row {problem.row}" in str(caught.value)


def test_xlsx_problems_name_the_sheet_and_the_spreadsheet_row(store, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Workshop"
    workbook.active.append(["subject", "kind", "assessor", "dimension", "level"])
    for key in KEYS:
        workbook.active.append(["northvale", "HS", "NV-02", key, 8 if key == "funding" else 2])
    workbook.save(tmp_path / "workshop.xlsx")
    with pytest.raises(DataValidationError) as caught:
        import_ratings(store, tmp_path / "workshop.xlsx", sheet="workshop")
    assert (
        f"workshop.xlsx (sheet 'Workshop'), row {2 + KEYS.index('funding')}, column 'level'"
        in str(caught.value)
    )


# ---------------------------------------------------------------------------------------
# Personal data and the synthetic mark


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_uses_pseudonyms_only_by_default(store, tmp_path, suffix):
    path = tmp_path / f"ratings.{suffix}"
    export_ratings(store, path, status=None)
    frame = pd.read_csv(path) if suffix == "csv" else pd.read_excel(path)
    assert "NV-01" in set(frame["assessor"])
    assert not {"assessor_name", "assessor_email"} & set(frame.columns)
    text = frame.to_csv()
    assert "Quillfeather" not in text and "example.org" not in text


def test_export_includes_identities_only_when_asked(store, tmp_path):
    path = tmp_path / "ratings.csv"
    export_ratings(store, path, include_identities=True)
    frame = pd.read_csv(path)
    assert "Ada Quillfeather" in set(frame["assessor_name"])
    assert "ada.quillfeather@example.org" in set(frame["assessor_email"])


def test_csv_export_of_synthetic_subjects_carries_the_mark(tmp_path, new_store_url):
    store = _store(new_store_url, "demo", synthetic=True)
    path = tmp_path / "demo.csv"
    export_ratings(store, path)
    frame = pd.read_csv(path)
    assert frame.columns[0] == "data_note"
    assert set(frame["data_note"]) == {MARK}


def test_xlsx_export_of_synthetic_subjects_has_an_about_sheet(tmp_path, new_store_url):
    store = _store(new_store_url, "demo", synthetic=True)
    path = tmp_path / "demo.xlsx"
    export_ratings(store, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Ratings", "About"]
    about = " ".join(str(c.value) for row in workbook["About"].iter_rows() for c in row)
    assert MARK in about
    assert workbook["Ratings"]["A1"].value == "data_note"


def test_export_of_real_subjects_has_no_data_note(store, tmp_path):
    path = tmp_path / "real.csv"
    export_ratings(store, path)
    assert "data_note" not in pd.read_csv(path).columns
    assert MARK not in path.read_text(encoding="utf-8")


def test_import_keeps_the_synthetic_mark_on_records_it_creates(tmp_path, new_store_url):
    store = _store(new_store_url, "demo", synthetic=True)
    path = tmp_path / "demo.csv"
    export_ratings(store, path)
    copy = open_store(str(tmp_path / "copy.db"))
    batch = read_ratings_file(path)
    assert batch.notes[0] == MARK
    import_ratings(copy, path)
    assert subjects_frame(copy)["synthetic"].all()
    assert assessors_frame(copy)["synthetic"].all()
    assert ratings_frame(copy)["synthetic"].all()


def test_an_instrument_file_serves_rows_without_an_instrument_cell(tmp_path):
    mapping = load_instrument(INSTRUMENT).to_mapping()
    mapping.update(id="mini", title="Two dimensions", dimensions=mapping["dimensions"][:2])
    instrument_file = tmp_path / "mini.yaml"
    instrument_file.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    store = open_store(str(tmp_path / "mini.db"))
    path = _write(
        tmp_path,
        "mini.csv",
        "subject,subject_name,kind,mode,dimension,level\n"
        "eastmoor,Eastmoor,HS,consensus,Readiness to change,2\n"
        "eastmoor,Eastmoor,HS,consensus,structure_and_governance,dk\n",
    )
    import_ratings(store, path, instrument=str(instrument_file))
    frame = ratings_frame(store)
    assert set(frame["instrument"]) == {"mini"}
    assert frame["dimension"].tolist() == ["readiness_to_change", "structure_and_governance"]


@pytest.mark.parametrize("written", ["1e0", "3.0000001", "2.5", "3.0"])
def test_level_not_written_as_an_integer_is_refused_with_row_and_column(tmp_path, written):
    path = tmp_path / "round1.csv"
    path.write_text(
        HEADER + f"northvale,HS,a1,funding,2\nnorthvale,HS,a1,capacity_building,{written}\n"
    )
    with pytest.raises(DataValidationError) as caught:
        read_ratings_file(path, instrument=INSTRUMENT)
    [problem] = caught.value.problems
    assert (problem.row, problem.field, problem.value) == (3, "level", written)


def test_level_in_wide_layout_not_written_as_an_integer_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("subject,kind,assessor,funding\nnorthvale,HS,a1,1e0\n")
    with pytest.raises(DataValidationError) as caught:
        read_ratings_file(path, instrument=INSTRUMENT)
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (2, "funding")
