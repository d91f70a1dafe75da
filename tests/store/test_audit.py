"""Every write appends exactly one audit row, in its own transaction, without identities."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from scirocco_lab.assessment.drafts import save_draft, submit_assessment
from scirocco_lab.assessment.invitations import create_invitations, revoke_invitations
from scirocco_lab.assessment.ratings_files import import_ratings
from scirocco_lab.assessment.records import AssessmentRecord, RatingRecord, RecordBatch
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.cli import main
from scirocco_lab.comparison.meetings import (
    TwinningFeature,
    save_twinning_features,
    stored_assessment_keys,
)
from scirocco_lab.errors import DataValidationError
from scirocco_lab.evaluation.records import SegmentRecord
from scirocco_lab.evaluation.refi_qda import import_qdpx
from scirocco_lab.evaluation.store import add_segments, remove_segments, segments_frame
from scirocco_lab.planning.records import AssetRecord
from scirocco_lab.planning.store import save_assets, set_action_status
from scirocco_lab.store import open_store
from scirocco_lab.store.schema import audit_log

QDPX = Path(__file__).parents[1] / "data" / "refi-qda" / "atlas-small-project.qdpx"


def _one(rows):
    assert len(rows) == 1, rows
    return rows[0]


def _ratings(exchange, level=2):
    return tuple(RatingRecord(key, level=level) for key in exchange.dimension_keys)


def test_ratings_import_leaves_one_import_row_with_counts_and_file(
    tmp_path, store_url, exchange, new_audit_rows
):
    store = open_store(store_url)
    path = tmp_path / "ratings.csv"
    path.write_text(
        "subject,subject_name,kind,mode,assessor,assessor_name,assessor_email,dimension,level\n"
        + "".join(
            f"eastmoor,Eastmoor,HS,individual,EM-01,Secret Name,secret@example.org,{key},2\n"
            for key in exchange.dimension_keys
        ),
        encoding="utf-8",
    )
    with new_audit_rows(store) as rows:
        import_ratings(store, path)
    row = _one(rows)
    assert (row["action"], row["table_name"], row["file"]) == ("import", "assessments", str(path))
    assert row["counts"] == {
        "subjects_added": 1,
        "assessors_added": 1,
        "assessments_added": 1,
        "ratings_written": 12,
    }
    with store.engine.connect() as connection:
        everything = " ".join(str(v) for r in connection.execute(select(audit_log)) for v in r)
    assert "Secret Name" not in everything and "secret@example.org" not in everything


def test_a_refused_write_leaves_no_audit_row(demo_copy_url, exchange, new_audit_rows):
    store = open_store(demo_copy_url)
    bad = AssessmentRecord("HS", "nowhere", exchange.id, assessor="OSM-01", ratings=())
    with new_audit_rows(store) as rows, pytest.raises(DataValidationError):
        write_batch(store, RecordBatch(assessments=(bad,)))
    assert rows == []


def test_capture_save_draft_leaves_one_save_row(demo_copy_url, exchange, new_audit_rows):
    store = open_store(demo_copy_url)
    draft = AssessmentRecord(
        "HS", "ostermark", exchange.id, round=7, assessor="OSM-01", ratings=_ratings(exchange)
    )
    with new_audit_rows(store) as rows:
        save_draft(store, draft, instrument=exchange)
    row = _one(rows)
    assert (row["action"], row["table_name"], row["keys"]) == (
        "save draft",
        "assessments",
        [draft.key],
    )
    assert row["counts"] == {"assessments_added": 1, "ratings_written": 12}


def test_capture_submit_leaves_one_submit_row(demo_copy_url, exchange, new_audit_rows):
    store = open_store(demo_copy_url)
    record = AssessmentRecord(
        "HS", "ostermark", exchange.id, round=7, assessor="OSM-01", ratings=_ratings(exchange)
    )
    save_draft(store, record, instrument=exchange)
    with new_audit_rows(store) as rows:
        submit_assessment(store, record, instrument=exchange)
    row = _one(rows)
    assert (row["action"], row["counts"]) == (
        "submit",
        {"assessments_replaced": 1, "ratings_written": 12},
    )


def test_consensus_record_leaves_one_record_consensus_row(demo_copy_url, exchange, new_audit_rows):
    store = open_store(demo_copy_url)
    record = AssessmentRecord(
        "HS", "ostermark", exchange.id, round=7, mode="consensus", ratings=_ratings(exchange, 3)
    )
    with new_audit_rows(store) as rows:
        submit_assessment(store, record, instrument=exchange)
    row = _one(rows)
    assert (row["action"], row["keys"]) == ("record consensus", [record.key])


def test_planning_save_leaves_one_save_row(store_url, new_audit_rows):
    store = open_store(store_url)
    with new_audit_rows(store) as rows:
        save_assets(store, [AssetRecord("guide-1", "guideline", "Pooled budgets")])
    row = _one(rows)
    assert (row["action"], row["table_name"], row["keys"]) == (
        "save",
        "planning_assets",
        ["guide-1"],
    )
    assert row["counts"]["assets_saved"] == 1


def test_action_status_leaves_one_set_status_row(demo_copy_url, new_audit_rows):
    store = open_store(demo_copy_url)
    with new_audit_rows(store) as rows:
        set_action_status(store, "ap-ostermark-2026", 1, "done")
    row = _one(rows)
    assert (row["action"], row["table_name"], row["keys"]) == (
        "set status",
        "actions",
        ["ap-ostermark-2026/1"],
    )


def test_qda_import_leaves_one_import_row(store_url, new_audit_rows):
    store = open_store(store_url)
    with new_audit_rows(store) as rows:
        summary = import_qdpx(store, QDPX)
    row = _one(rows)
    assert (row["action"], row["table_name"], row["file"]) == (
        "import",
        "qda_projects",
        QDPX.name,
    )
    assert row["counts"] == {
        "codes_added": summary.codes,
        "coders_added": summary.coders,
        "files": 0,
        "kept_parts": 0,
    }


def test_coded_segments_add_and_remove_leave_one_row_each(demo_copy_url, new_audit_rows):
    store = open_store(demo_copy_url)
    first = segments_frame(store).iloc[0]
    segment = SegmentRecord(first["source"], first["code"], "coder-C", 0, 5)
    with new_audit_rows(store) as added:
        (segment_id,) = add_segments(store, [segment])
    with new_audit_rows(store) as removed:
        remove_segments(store, [segment_id])
    assert (_one(added)["action"], _one(added)["counts"]) == ("add", {"segments_added": 1})
    assert (_one(removed)["action"], _one(removed)["keys"]) == ("remove", [str(segment_id)])


def test_invitations_create_and_revoke_leave_one_row_each(demo_copy_url, new_audit_rows):
    store = open_store(demo_copy_url)
    with new_audit_rows(store) as created:
        (issued,) = create_invitations(store, "ostermark", 5, assessors=["OSM-01"])
    with new_audit_rows(store) as revoked:
        revoke_invitations(store, ids=[issued.invitation_id])
    assert (_one(created)["action"], _one(created)["counts"]) == ("create", {"invitations": 1})
    assert issued.token not in str(_one(created))
    assert (_one(revoked)["action"], _one(revoked)["counts"]) == ("revoke", {"invitations": 1})


def test_twinning_features_save_leaves_one_row(demo_copy_url, exchange, new_audit_rows):
    store = open_store(demo_copy_url)
    keys = stored_assessment_keys(store)
    receiving = next(k for k, r in keys.items() if r["kind"] == "HS")
    reference = next(k for k, r in keys.items() if r["kind"] == "GP")
    with new_audit_rows(store) as rows:
        save_twinning_features(
            store, receiving, reference, [TwinningFeature("funding", "Pooled budget")], exchange
        )
    assert _one(rows)["counts"] == {"features": 1}


def test_store_init_leaves_one_init_row_and_a_second_init_none(tmp_path, capsys):
    path = tmp_path / "new.db"
    assert main(["--store", str(path), "store", "init"]) == 0
    assert main(["--store", str(path), "store", "init"]) == 0
    with open_store(str(path)).engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.action, audit_log.c.table_name)).all()
    assert [tuple(row) for row in rows] == [("init", "store_meta")]


def test_seed_demo_leaves_one_seed_row_per_kind_of_record(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["--store", str(path), "store", "init", "--seed-demo-if-empty"]) == 0
    with open_store(str(path)).engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.action, audit_log.c.table_name)).all()
    assert [tuple(row) for row in rows] == [
        ("init", "store_meta"),
        ("seed demo", "assessments"),
        ("seed demo", "planning records"),
        ("seed demo", "evaluation_sources"),
    ]


def test_audit_actor_is_the_given_name(monkeypatch, new_audit_rows):
    monkeypatch.setenv("SCIROCCO_LAB_ACTOR", "facilitator-2")
    store = open_store("sqlite://")
    with new_audit_rows(store) as rows:
        save_assets(store, [AssetRecord("guide-1", "guideline", "Pooled budgets")])
    assert _one(rows)["who"] == "facilitator-2"
    assert _one(rows)["at"].date() <= dt.datetime.now(dt.UTC).date()
