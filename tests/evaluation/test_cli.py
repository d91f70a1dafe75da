"""`scirocco-lab transcripts|questionnaires|codes` commands."""

import pytest

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.cli import main
from scirocco_lab.evaluation.demo import write_demo_transcripts
from scirocco_lab.evaluation.store import participants_frame, sources_frame
from scirocco_lab.store import open_store


@pytest.fixture
def store_url(new_store_url):
    """Each import command runs on SQLite and on PostgreSQL."""
    url = new_store_url()
    add_subjects(open_store(url), [SubjectRecord("northvale", "Northvale")])
    return url


def test_transcripts_import_prints_key_turns_and_participants(store_url, tmp_path, capsys):
    path = tmp_path / "fg.txt"
    path.write_text("Facilitator: Hello.\nAda Lind: It was useful.\nBo Berg: Yes.\n", "utf-8")
    code = main(
        [
            "--store", store_url, "transcripts", "import", str(path), "--region", "northvale",
            "--activity", "focus_group", "--date", "2026-03-04", "--programme", "kt-x",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "'northvale-fg-20260304': 3 turns, 2 participants" in out
    assert "Ada Lind" not in out
    assert sources_frame(open_store(store_url))["programme"].tolist() == ["kt-x"]


def test_transcripts_import_with_speaker_map(store_url, tmp_path):
    paths = write_demo_transcripts(tmp_path)
    code = main(
        [
            "--store", store_url, "transcripts", "import", str(paths["srt"]), "--region",
            "northvale", "--activity", "expert_mission", "--date", "2026-05-05",
            "--speaker-map", str(paths["speaker_map"]), "--source", "debrief",
        ]
    )  # fmt: skip
    assert code == 0
    pseudonyms = participants_frame(open_store(store_url))["pseudonym"].tolist()
    assert pseudonyms and all(p.startswith("CRV-P") for p in pseudonyms)


def test_transcripts_import_error_exits_2_with_the_reason(store_url, tmp_path, capsys):
    path = tmp_path / "bad.vtt"
    path.write_text("no header\n", "utf-8")
    code = main(
        [
            "--store", store_url, "transcripts", "import", str(path), "--region", "northvale",
            "--activity", "webinar", "--date", "2026-03-04",
        ]
    )  # fmt: skip
    assert code == 2
    assert "WEBVTT" in capsys.readouterr().err


def test_bad_date_is_refused_by_the_parser(store_url, tmp_path):
    with pytest.raises(SystemExit):
        main(
            [
                "--store", store_url, "transcripts", "import", str(tmp_path / "x.txt"),
                "--region", "northvale", "--activity", "webinar", "--date", "4 March",
            ]
        )  # fmt: skip


def test_transcripts_and_codes_list_after_demo_seed(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/demo.db"
    assert main(["--store", url, "store", "init", "--seed-demo-if-empty"]) == 0
    capsys.readouterr()
    assert main(["--store", url, "transcripts", "list", "--format", "csv"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("source,guid,title")
    assert "corvalla-fg-study-visit" in listing
    assert main(["--store", url, "codes", "list"]) == 0
    assert "Barriers/Funding and resources" in capsys.readouterr().out
    assert main(["--store", url, "questionnaires", "list", "--format", "json"]) == 0
    assert '"respondents"' in capsys.readouterr().out
    assert main(["--store", url, "transcripts", "show", "corvalla-fg-study-visit"]) == 0
    assert capsys.readouterr().out.startswith("Facilitator: ")


def test_questionnaires_import_csv(store_url, tmp_path, capsys):
    (tmp_path / "items.csv").write_text("item,wording\nuseful,Useful.\nclear,Clear.\n", "utf-8")
    (tmp_path / "sat.csv").write_text(
        "respondent,group,useful,clear\nR1,clinician,4,5\nR2,manager,3,\n", "utf-8"
    )
    code = main(
        [
            "--store", store_url, "questionnaires", "import", str(tmp_path / "sat.csv"),
            "--items", str(tmp_path / "items.csv"), "--scale", "1-5", "--labels",
            "Strongly disagree,Disagree,Neutral,Agree,Strongly agree", "--region", "northvale",
            "--activity", "study_visit", "--date", "2026-03-05",
        ]
    )  # fmt: skip
    assert code == 0
    assert "'sat': 2 items, 2 respondents, 4 answers, scale 1-5" in capsys.readouterr().out


def test_questionnaires_import_bad_value_exits_2(store_url, tmp_path, capsys):
    (tmp_path / "items.csv").write_text("item,wording\nuseful,Useful.\n", "utf-8")
    (tmp_path / "sat.csv").write_text("respondent,useful\nR1,9\n", "utf-8")
    code = main(
        [
            "--store", store_url, "questionnaires", "import", str(tmp_path / "sat.csv"),
            "--items", str(tmp_path / "items.csv"), "--scale", "1-5", "--region", "northvale",
            "--activity", "study_visit", "--date", "2026-03-05",
        ]
    )  # fmt: skip
    assert code == 2
    assert "row 2, column 'useful'" in capsys.readouterr().err
