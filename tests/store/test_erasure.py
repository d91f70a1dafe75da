"""The right to erasure: ``people forget`` removes a person's identity, and with
``--ratings``/``--contributions`` their records, in one transaction."""

from sqlalchemy import func, select

from scirocco_lab.assessment.drafts import save_draft
from scirocco_lab.assessment.invitations import create_invitations
from scirocco_lab.assessment.records import AssessmentRecord, RatingRecord
from scirocco_lab.assessment.store import assessments_frame, write_batch
from scirocco_lab.cli import main
from scirocco_lab.evaluation.store import (
    participants_frame,
    segments_frame,
    source_text,
    turns_frame,
)
from scirocco_lab.store import assessors_frame, integrity_problems, open_store
from scirocco_lab.store.erasure import REMOVED_TEXT, erasure_plan, forget_person
from scirocco_lab.store.people import people_frame
from scirocco_lab.store.schema import audit_log, metadata

PARTICIPANT = "CRV-P02"  # speaks in two demo transcripts, with coded segments on her turns
ASSESSOR = "OSM-01"


def _count(store, name, **where):
    table = metadata.tables[name]
    statement = select(func.count()).select_from(table)
    for column, value in where.items():
        statement = statement.where(table.c[column] == value)
    with store.engine.connect() as connection:
        return connection.execute(statement).scalar()


def _assessor_id(store, pseudonym):
    table = metadata.tables["assessors"]
    with store.engine.connect() as connection:
        return connection.execute(
            select(table.c.id).where(table.c.pseudonym == pseudonym)
        ).scalar_one()


def test_forget_without_flags_removes_only_the_identity(demo_copy_url):
    store = open_store(demo_copy_url)
    before = len(assessments_frame(store))
    forget_person(store, ASSESSOR)
    people = assessors_frame(store, include_identities=True).set_index("pseudonym")
    assert people.loc[ASSESSOR, ["full_name", "email"]].isna().all()
    assert len(assessments_frame(store)) == before


def test_forget_ratings_removes_assessments_drafts_invitations_and_assessor(
    demo_copy_url, exchange
):
    store = open_store(demo_copy_url)
    draft = AssessmentRecord(
        "HS", "ostermark", exchange.id, round=9, assessor=ASSESSOR,
        ratings=(RatingRecord(exchange.dimension_keys[0], level=2),),
    )  # fmt: skip
    save_draft(store, draft, instrument=exchange)
    create_invitations(store, "ostermark", 9, assessors=[ASSESSOR])
    assessor_id = _assessor_id(store, ASSESSOR)
    consensus_before = (assessments_frame(store)["mode"] == "consensus").sum()
    forget_person(store, ASSESSOR, ratings=True)
    frame = assessments_frame(store)
    assert ASSESSOR not in set(frame["assessor"].dropna())
    assert (frame["mode"] == "consensus").sum() == consensus_before
    assert ASSESSOR not in set(assessors_frame(store)["pseudonym"])
    assert _count(store, "invitations", assessor_id=assessor_id) == 0
    assert _count(store, "assessment_revisions", natural_key=draft.key) == 0


def test_forget_contributions_replaces_turn_text_and_keeps_other_offsets_right(demo_copy_url):
    store = open_store(demo_copy_url)
    turns_before = turns_frame(store)
    segments_before = segments_frame(store)
    own = turns_before[turns_before["speaker"] == PARTICIPANT]
    others = turns_before[turns_before["speaker"] != PARTICIPANT]
    forget_person(store, PARTICIPANT, contributions=True)
    turns_after = turns_frame(store)
    key = ["source", "turn"]
    replaced = turns_after.merge(own[key], on=key)
    assert len(replaced) == len(own) and set(replaced["text"]) == {REMOVED_TEXT}
    kept = turns_after.merge(others[key], on=key)
    assert kept["text"].tolist() == others["text"].tolist()
    # The segments on other turns still cover exactly the text they covered.
    segments_after = segments_frame(store).set_index("guid")
    survivors = segments_before[segments_before["guid"].isin(segments_after.index)]
    assert len(survivors) < len(segments_before)
    assert segments_after.loc[survivors["guid"], "text"].tolist() == survivors["text"].tolist()
    for source in own["source"].unique():
        assert REMOVED_TEXT in source_text(store, source)


def test_forget_contributions_removes_the_segments_on_their_turns(demo_copy_url):
    store = open_store(demo_copy_url)
    forget_person(store, PARTICIPANT, contributions=True)
    turns = turns_frame(store)
    removed = turns[turns["text"] == REMOVED_TEXT]
    segments = segments_frame(store)
    for turn in removed.itertuples():
        on_turn = segments[
            (segments["source"] == turn.source)
            & (segments["start_char"] < turn.end_char)
            & (segments["end_char"] > turn.start_char)
        ]
        assert on_turn.empty
    assert PARTICIPANT not in set(participants_frame(store)["pseudonym"])
    assert PARTICIPANT not in set(turns["speaker"].dropna())


def test_forget_keeps_foreign_keys_on_and_the_store_healthy(demo_copy_url):
    store = open_store(demo_copy_url)
    forget_person(store, PARTICIPANT, contributions=True)
    forget_person(store, ASSESSOR, ratings=True)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert integrity_problems(store) == []


def test_forget_appends_one_erase_audit_row_without_identities(demo_copy_url, new_audit_rows):
    store = open_store(demo_copy_url)
    identity = participants_frame(store, include_identities=True).set_index("pseudonym")
    name, email = identity.loc[PARTICIPANT, ["full_name", "email"]]
    with new_audit_rows(store) as rows:
        plan = forget_person(store, PARTICIPANT, contributions=True)
    assert [(row["action"], row["table_name"]) for row in rows] == [
        ("erase", "evaluation_participants")
    ]
    assert rows[0]["counts"] == plan.as_dict()
    assert rows[0]["keys"] == [PARTICIPANT]
    with store.engine.connect() as connection:
        everything = " ".join(str(v) for row in connection.execute(select(audit_log)) for v in row)
    assert name not in everything and email not in everything


def test_a_flag_for_the_other_role_is_refused_before_anything_goes(demo_copy_url, capsys):
    status = main(
        ["--store", demo_copy_url, "people", "forget", ASSESSOR, "--contributions", "--yes"]
    )
    assert status == 2
    assert "--ratings" in capsys.readouterr().err
    store = open_store(demo_copy_url)
    assert (
        assessors_frame(store, include_identities=True)
        .set_index("pseudonym")
        .loc[ASSESSOR, "full_name"]
    )


def test_cli_unknown_pseudonym_exits_2_naming_it_and_how_to_list(demo_copy_url, capsys):
    status = main(["--store", demo_copy_url, "people", "forget", "NOBODY-9", "--yes"])
    err = capsys.readouterr().err
    assert status == 2
    assert "'NOBODY-9'" in err and "people list" in err


def test_cli_without_yes_on_a_non_terminal_refuses_and_removes_nothing(
    demo_copy_url, capsys, monkeypatch
):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    status = main(["--store", demo_copy_url, "people", "forget", PARTICIPANT, "--contributions"])
    captured = capsys.readouterr()
    assert status == 2
    assert "--yes" in captured.err
    turns = turns_frame(open_store(demo_copy_url))
    assert f"evaluation_turns: {(turns['speaker'] == PARTICIPANT).sum()}" in captured.out
    assert PARTICIPANT in set(participants_frame(open_store(demo_copy_url))["pseudonym"])


def test_cli_shows_counts_by_pseudonym_only_then_asks(demo_copy_url, capsys, monkeypatch):
    store = open_store(demo_copy_url)
    name = (
        participants_frame(store, include_identities=True)
        .set_index("pseudonym")
        .loc[PARTICIPANT, "full_name"]
    )
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    status = main(["--store", demo_copy_url, "people", "forget", PARTICIPANT, "--contributions"])
    out = capsys.readouterr().out
    assert status == 0 and "nothing removed" in out
    assert "coded_segments:" in out and name not in out
    assert PARTICIPANT in set(participants_frame(store)["pseudonym"])


def test_cli_people_list_shows_no_identities(demo_copy_url, capsys):
    store = open_store(demo_copy_url)
    names = set(assessors_frame(store, include_identities=True)["full_name"].dropna())
    assert main(["--store", demo_copy_url, "people", "list", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert ASSESSOR in out and PARTICIPANT in out
    assert not any(name in out for name in names)


def test_plan_counts_match_what_forget_removes(demo_copy_url):
    store = open_store(demo_copy_url)
    segments = len(segments_frame(store))
    plan = erasure_plan(store, PARTICIPANT, contributions=True)
    forget_person(store, PARTICIPANT, contributions=True)
    assert len(segments_frame(store)) == segments - plan.as_dict()["coded_segments"]


def _tiny_spans(turns):
    b_second = turns[3]
    return [
        (0, 5),  # "Hello": before, kept as is
        (6, 13),  # "all.xSh": across a removed turn
        (turns[2].start_char, turns[2].end_char),  # A's "Short."
        (b_second.start_char + 2, b_second.start_char + 6),
        (turns[4].start_char, turns[4].end_char),  # A's "End."
    ]


TINY_SAID = [
    ("A", "Hello all."),
    ("B", "x"),
    ("A", "Short."),
    ("B", "A long answer " * 6),
    ("A", "End."),
]


def test_offsets_shift_around_turns_shorter_and_longer_than_the_placeholder(
    store_url, write_two_speaker_focus_group
):
    store = open_store(store_url)  # SQLite and PostgreSQL
    write_two_speaker_focus_group(store, TINY_SAID, _tiny_spans)
    forget_person(store, "B", contributions=True)
    turns = turns_frame(store)
    assert turns["text"].tolist() == ["Hello all.", REMOVED_TEXT, "Short.", REMOVED_TEXT, "End."]
    assert source_text(store, "fg") == "".join(turns["text"])
    segments = segments_frame(store)
    assert segments["text"].tolist() == ["Hello", "Short.", "End."]


def test_forget_ratings_on_both_backends_keeps_the_consensus(store_url, exchange):
    from scirocco_lab.assessment.records import AssessorRecord, RecordBatch, SubjectRecord

    store = open_store(store_url)  # SQLite and PostgreSQL
    ratings = tuple(RatingRecord(key, level=2) for key in exchange.dimension_keys)
    write_batch(
        store,
        RecordBatch(
            subjects=(SubjectRecord("vale", "Vale"),),
            assessors=(AssessorRecord("V-1", full_name="Val Secret"), AssessorRecord("V-2")),
            assessments=(
                AssessmentRecord("HS", "vale", exchange.id, assessor="V-1", ratings=ratings),
                AssessmentRecord("HS", "vale", exchange.id, assessor="V-2", ratings=ratings),
                AssessmentRecord("HS", "vale", exchange.id, mode="consensus", ratings=ratings),
            ),
        ),
    )
    create_invitations(store, "vale", 2, assessors=["V-1"])
    people = people_frame(store).set_index("pseudonym")["identity_stored"].to_dict()
    assert people == {"V-1": True, "V-2": False}
    plan = forget_person(store, "V-1", ratings=True)
    assert plan.as_dict()["ratings"] == 12 and plan.as_dict()["invitations"] == 1
    frame = assessments_frame(store)
    assert sorted(frame["assessor"].fillna("-")) == ["-", "V-2"]
    assert assessors_frame(store)["pseudonym"].tolist() == ["V-2"]
