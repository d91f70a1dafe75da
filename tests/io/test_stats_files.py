"""SPSS (.sav) and Stata (.dta) exchange: ratings, questionnaires and consensus tables."""

import pyreadstat
import pytest

from scirocco_lab.assessment.consensus import consensus_table
from scirocco_lab.assessment.consensus_export import export_consensus_table
from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.ratings_export import export_ratings
from scirocco_lab.assessment.ratings_files import import_ratings
from scirocco_lab.assessment.store import ratings_frame, write_batch
from scirocco_lab.cli import main
from scirocco_lab.errors import ConfigurationError, DataValidationError, FileFormatError
from scirocco_lab.evaluation.questionnaire_export import export_questionnaire
from scirocco_lab.evaluation.questionnaires import import_questionnaire
from scirocco_lab.evaluation.store import (
    questionnaire_items_frame,
    questionnaires_frame,
    responses_frame,
)
from scirocco_lab.io.stats_files import SPSS_DONT_KNOW, variable_name, write_stats_file
from scirocco_lab.io.tables import read_table
from scirocco_lab.store import open_store

SUFFIXES = (".sav", ".dta")


@pytest.fixture(scope="module")
def demo(demo_store_url):
    return open_store(demo_store_url, create=False)


def _all_ratings(store):
    return ratings_frame(store, kind=None, status=None).drop(columns="assessment_id")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_long_ratings_round_trip_into_a_fresh_store_is_identical(demo, tmp_path, suffix):
    path = tmp_path / f"ratings{suffix}"
    rows = export_ratings(demo, path, status=None)
    copy = open_store("sqlite://")
    summary = import_ratings(copy, path)
    assert rows == summary.ratings_written == len(_all_ratings(demo))
    assert _all_ratings(copy).equals(_all_ratings(demo))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_wide_ratings_round_trip_keeps_every_level(demo, tmp_path, suffix, exchange):
    path = tmp_path / f"wide{suffix}"
    # One instrument: scirocco-v3 has a dimension key too long for a Stata variable name.
    export_ratings(demo, path, layout="wide", status=None, instrument=exchange.id)
    copy = open_store("sqlite://")
    import_ratings(copy, path)
    levels = ["subject", "kind", "assessor", "round", "dimension", "level", "dont_know"]
    mine = _all_ratings(demo)
    mine = mine[mine["instrument"] == exchange.id].reset_index(drop=True)
    assert _all_ratings(copy)[levels].equals(mine[levels])


def test_wide_sav_labels_dimensions_levels_and_dont_know(demo, tmp_path, exchange):
    path = tmp_path / "wide.sav"
    export_ratings(demo, path, layout="wide", subject="northvale")
    _, meta = pyreadstat.read_sav(path, user_missing=True)
    funding = exchange.dimension("funding")
    assert meta.column_names_to_labels["funding"] == funding.name
    labels = meta.variable_value_labels["funding"]
    assert labels[float(funding.levels[1].number)] == funding.levels[1].label
    assert labels[SPSS_DONT_KNOW] == "don't know"
    assert meta.missing_ranges["funding"] == [{"lo": SPSS_DONT_KNOW, "hi": SPSS_DONT_KNOW}]


def test_long_dta_stores_dont_know_as_labelled_missing_a(demo, tmp_path):
    path = tmp_path / "long.dta"
    export_ratings(demo, path, subject="northvale", status=None)
    frame, meta = pyreadstat.read_dta(path, user_missing=True)
    assert meta.missing_user_values["level"] == ["a"]
    assert meta.variable_value_labels["level"]["a"] == "don't know"
    dont_know = int(ratings_frame(demo, subject="northvale", status=None)["dont_know"].sum())
    assert dont_know > 0 and int((frame["level"] == "a").sum()) == dont_know
    assert meta.column_names_to_labels["level"] == "Maturity level"


def test_stata_refuses_a_dimension_key_longer_than_32_characters(tmp_path):
    with pytest.raises(
        ConfigurationError, match=r"standardisation_and_simplification.*32 characters"
    ):
        write_stats_file(tmp_path / "x.dta", ["standardisation_and_simplification"], [[1]])
    assert not (tmp_path / "x.dta").exists()


def test_sav_file_reads_as_the_same_row_numbered_table_as_csv(tmp_path):
    write_stats_file(tmp_path / "t.sav", ["subject", "level"], [["northvale", 3], ["x", None]])
    (tmp_path / "t.csv").write_text("subject,level\nnorthvale,3\nx,\n", encoding="utf-8")
    sav, csv = read_table(tmp_path / "t.sav", None), read_table(tmp_path / "t.csv", None)
    assert (sav.header, sav.rows) == (csv.header, csv.rows)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_bad_level_in_a_stats_file_gets_the_csv_message(tmp_path, suffix):
    path = tmp_path / f"bad{suffix}"
    write_stats_file(
        path,
        ["subject", "kind", "assessor", "dimension", "level"],
        [["northvale", "HS", "NV-01", "funding", "three"]],
    )
    with pytest.raises(DataValidationError, match=r"row 2, column 'level'.*not a whole number"):
        import_ratings(open_store("sqlite://"), path)


def test_a_damaged_sav_file_is_named_with_the_fix(tmp_path):
    path = tmp_path / "broken.sav"
    path.write_bytes(b"not really spss")
    with pytest.raises(FileFormatError, match=r"broken\.sav: not a readable SPSS file.*Fix"):
        read_table(path, None)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_questionnaire_round_trip_keeps_wording_scale_and_answers(demo, tmp_path, suffix):
    form = questionnaires_frame(demo).iloc[0]
    key = form["questionnaire"]
    path = tmp_path / f"form{suffix}"
    export_questionnaire(demo, key, path)
    copy = open_store("sqlite://")
    write_batch(copy, generate_demo())  # the regions
    import_questionnaire(
        copy,
        path,
        questionnaire=key,
        activity=form["activity"],
        region=form["region"],
        held_on=form["held_on"],
    )
    again = questionnaires_frame(copy).iloc[0]
    for column in ("title", "scale_min", "scale_max", "scale_labels"):
        assert again[column] == form[column]
    items = questionnaire_items_frame(demo, questionnaire=key)
    items["item"] = items["item"].map(variable_name)  # the only change: variable names
    assert questionnaire_items_frame(copy).equals(items)
    answers = responses_frame(demo, questionnaire=key)
    answers["item"] = answers["item"].map(variable_name)
    assert responses_frame(copy).equals(answers)


def test_questionnaire_stats_file_without_value_labels_asks_for_the_scale(tmp_path):
    path = tmp_path / "plain.sav"
    write_stats_file(path, ["respondent", "useful"], [["R1", 4]])
    with pytest.raises(FileFormatError, match=r"no scale.*value labels"):
        import_questionnaire(open_store("sqlite://"), path, region="northvale")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_consensus_table_reads_back_with_its_values_and_labels(demo, tmp_path, suffix, exchange):
    ratings = ratings_frame(demo, subject="northvale", mode="individual", instrument=exchange.id)
    table = consensus_table(ratings)
    path = tmp_path / f"delphi{suffix}"
    export_consensus_table(table, path)
    reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
    back, meta = reader(path)
    assert list(back.columns) == list(table.columns) and len(back) == len(table)
    assert back["median"].tolist() == table["median"].tolist()
    assert back["distribution"].tolist() == table["distribution"].fillna("").tolist()
    assert meta.column_names_to_labels["iqr"] == "Interquartile range"


def test_cli_export_and_import_choose_the_format_by_suffix(demo_store_url, tmp_path, capsys):
    path = tmp_path / "northvale.dta"
    status = main(["--store", demo_store_url, "export", str(path), "--subject", "northvale"])
    assert status == 0 and "row(s)" in capsys.readouterr().out
    fresh = str(tmp_path / "fresh.db")
    assert main(["--store", fresh, "import", str(path)]) == 0
    assert "imported" in capsys.readouterr().out
    out = tmp_path / "delphi.sav"
    args = ["--store", demo_store_url, "consensus", "--region", "northvale", "--out", str(out)]
    assert main(args) == 0 and out.exists()


def test_cli_import_of_a_damaged_dta_exits_2_with_one_message(tmp_path, capsys):
    path = tmp_path / "broken.dta"
    path.write_bytes(b"\x00garbage")
    status = main(["--store", str(tmp_path / "s.db"), "import", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and "broken.dta: not a readable Stata file" in err
    assert "Traceback" not in err
