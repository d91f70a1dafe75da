"""REDCap: the instrument as a data dictionary, a records export back as assessments.

The records files are generated here as REDCap writes them (Data Exports > CSV (raw data)):
``record_id`` first, then ``redcap_event_name`` (longitudinal projects),
``redcap_repeat_instrument`` / ``redcap_repeat_instance`` (repeating instruments), the fields
in dictionary order with raw choice codes, and ``<form>_complete`` (0, 1 or 2).
"""

import csv

import pandas as pd
import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.ratings_files import import_ratings
from scirocco_lab.assessment.redcap import (
    DICTIONARY_HEADER,
    FORM_NAME,
    REDCAP_DONT_KNOW,
    import_redcap_records,
    read_redcap_dictionary,
    write_redcap_dictionary,
)
from scirocco_lab.assessment.store import add_subjects, ratings_frame, write_batch
from scirocco_lab.cli import main
from scirocco_lab.errors import DataValidationError, FileFormatError
from scirocco_lab.store import open_store

RATING_COLUMNS = ["subject", "assessor", "round", "dimension", "level", "dont_know"]


@pytest.fixture(scope="module")
def demo():
    store = open_store("sqlite://")
    write_batch(store, generate_demo())
    return store


@pytest.fixture
def dictionary(tmp_path, exchange):
    path = tmp_path / "scirocco_dictionary.csv"
    write_redcap_dictionary(exchange, path)
    return path


def _records(demo, exchange, path, *, subject="northvale", extra_rows=True):
    """Write the subject's submitted individual HS ratings as a REDCap records export."""
    from scirocco_lab.store import assessors_frame

    ratings = ratings_frame(demo, subject=subject, mode="individual", instrument=exchange.id)
    roles = assessors_frame(demo).set_index("pseudonym")["role"]
    fields = ["subject", "kind", "instrument", "round", "assessor", "assessed_on", "role"]
    for key in exchange.dimension_keys:
        fields += [key, f"{key}_justification"]
    header = [
        "record_id",
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        *fields,
        f"{FORM_NAME}_complete",
    ]
    rows = []
    for number, ((assessor, round_), group) in enumerate(
        ratings.groupby(["assessor", "round"], sort=True), start=1
    ):
        if extra_rows:  # the base row of a record with repeating instruments: no ratings
            rows.append({"record_id": str(number), "redcap_event_name": f"round_{round_}_arm_1"})
        row = {
            "record_id": str(number),
            "redcap_event_name": f"round_{round_}_arm_1",
            "redcap_repeat_instrument": FORM_NAME,
            "redcap_repeat_instance": "1",
            "subject": subject,
            "kind": "HS",
            "instrument": exchange.id,
            "assessor": assessor,
            "role": roles[assessor],
            "assessed_on": str(group["assessed_on"].iloc[0] or ""),
            f"{FORM_NAME}_complete": "2",
        }
        for rating in group.itertuples(index=False):
            code = REDCAP_DONT_KNOW if rating.dont_know else str(int(rating.level))
            row[rating.dimension] = code
            note = rating.justification
            row[f"{rating.dimension}_justification"] = "" if pd.isna(note) else note
        rows.append(row)
        if extra_rows:  # another repeating instrument of the same project
            rows.append(
                {
                    "record_id": str(number),
                    "redcap_event_name": f"round_{round_}_arm_1",
                    "redcap_repeat_instrument": "visit_log",
                    "redcap_repeat_instance": "1",
                }
            )
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return ratings


def _fresh(demo, subject="northvale"):
    from scirocco_lab.assessment.records import SubjectRecord
    from scirocco_lab.store import subjects_frame

    store = open_store("sqlite://")
    row = subjects_frame(demo).set_index("key").loc[subject]
    add_subjects(store, [SubjectRecord(key=subject, name=row["name"], kind="system")])
    return store


def test_dictionary_has_redcap_headers_radio_fields_and_justification_notes(dictionary, exchange):
    with dictionary.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == DICTIONARY_HEADER
    fields = {row[0]: row for row in rows[1:]}
    assert rows[1][0] == "record_id"
    funding = exchange.dimension("funding")
    radio = fields["funding"]
    assert radio[3] == "radio" and funding.name in radio[4]
    choices = radio[5].split(" | ")
    assert choices[1] == f"1, {funding.levels[1].label}"
    assert choices[-1] == f"{REDCAP_DONT_KNOW}, Don't know"
    assert fields["funding_justification"][3] == "notes"


def test_records_round_trip_into_a_fresh_store(demo, dictionary, exchange, tmp_path):
    records = tmp_path / "records.csv"
    expected = _records(demo, exchange, records)
    store = _fresh(demo)
    summary = import_redcap_records(store, records, dictionary)
    got = ratings_frame(store, subject="northvale", mode="individual", instrument=exchange.id)
    assert summary.ratings_written == len(expected) > 0
    columns = [*RATING_COLUMNS, "justification", "status"]
    order = ["assessor", "round", "dimension"]
    assert (
        got[columns]
        .sort_values(order)
        .reset_index(drop=True)
        .equals(expected[columns].sort_values(order).reset_index(drop=True))
    )


def test_records_without_the_dictionary_name_the_missing_dictionary(demo, exchange, tmp_path):
    records = tmp_path / "records.csv"
    _records(demo, exchange, records)
    with pytest.raises(FileFormatError, match=r"REDCap records export.*data dictionary"):
        import_ratings(_fresh(demo), records)


def test_cli_without_dictionary_exits_2_naming_it(demo, exchange, tmp_path, capsys):
    records = tmp_path / "records.csv"
    _records(demo, exchange, records)
    status = main(["--store", str(tmp_path / "s.db"), "import", str(records)])
    err = capsys.readouterr().err
    assert status == 2 and "--redcap-dictionary" in err and "not a whole number" not in err


def test_a_code_outside_the_choices_names_record_row_and_field(
    demo, dictionary, exchange, tmp_path
):
    records = tmp_path / "records.csv"
    _records(demo, exchange, records, extra_rows=False)
    text = records.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = next(csv.reader([text[1]]))
    cells[header.index("funding")] = "7"
    buffer = tmp_path / "bad.csv"
    with buffer.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([header, cells])
    store = _fresh(demo)
    with pytest.raises(DataValidationError, match=r"row 2, column 'funding'.*not a choice"):
        import_redcap_records(store, buffer, dictionary)
    assert ratings_frame(store).empty


def test_an_incomplete_form_imports_as_a_draft(demo, dictionary, exchange, tmp_path):
    records = tmp_path / "records.csv"
    _records(demo, exchange, records, extra_rows=False)
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace(",2\n", ",1\n").replace(",2\r\n", ",1\r\n"), "utf-8")
    store = _fresh(demo)
    import_redcap_records(store, records, dictionary)
    assert set(ratings_frame(store, status=None)["status"]) == {"draft"}


def test_a_csv_that_is_not_a_dictionary_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "dict.csv"
    path.write_text("name,type\nfunding,radio\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"not a REDCap data dictionary.*Variable / Field"):
        read_redcap_dictionary(path)


def test_cli_writes_the_dictionary_and_imports_records_with_it(demo, exchange, tmp_path, capsys):
    dictionary = tmp_path / "dict.csv"
    assert main(["instruments", "redcap-dictionary", exchange.id, str(dictionary)]) == 0
    records = tmp_path / "records.csv"
    expected = _records(demo, exchange, records)
    url = "sqlite:///" + str(tmp_path / "team.db")
    _fresh_store = open_store(url)
    from scirocco_lab.assessment.records import SubjectRecord

    add_subjects(_fresh_store, [SubjectRecord(key="northvale", name="Northvale", kind="system")])
    args = ["--store", url, "import", str(records), "--redcap-dictionary", str(dictionary)]
    assert main(args) == 0
    assert f"{len(expected)} rating(s)" in capsys.readouterr().out
