"""Incremental report builds: fingerprints decide which reports a build runs."""

import json

import pytest

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
)
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.cli import main
from scirocco_lab.cli.commands import build_parser
from scirocco_lab.instruments import load_instrument
from scirocco_lab.reports.fingerprint import store_snapshot
from scirocco_lab.store import open_store

# A demo region without planning or evaluation records: a new assessment of it concerns
# exactly its profile, its comparison and the twinning programme.
REGION = "valmorra"


def manifest(out):
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text("utf-8"))["reports"]}


def built_paths(capsys):
    printed = capsys.readouterr().out
    return {
        line.split()[1].split("/reports/", 1)[1]
        for line in printed.splitlines()
        if line.startswith(("ok ", "FAILED"))
    }


def add_assessment(url, region=REGION):
    exchange = load_instrument()
    ratings = tuple(RatingRecord(key, level=2) for key in exchange.dimension_keys)
    record = AssessmentRecord("HS", region, exchange.id, assessor="NEW-1", round=3, ratings=ratings)
    write_batch(
        open_store(url), RecordBatch(assessors=(AssessorRecord("NEW-1"),), assessments=(record,))
    )


@pytest.fixture
def built_demo(tmp_path, capsys, demo_url, build):
    url = demo_url
    out = tmp_path / "reports"
    assert build(url, out) == 0
    capsys.readouterr()
    return url, out


def test_new_assessment_changes_only_its_subjects_digests(tmp_path, demo_url):
    url = demo_url
    before = store_snapshot(open_store(url))
    add_assessment(url)
    after = store_snapshot(open_store(url))
    changed = {
        table: sorted(
            k
            for k in after.by_subject[table]
            if after.by_subject[table][k] != before.by_subject[table].get(k)
        )
        for table in ("assessments", "ratings", "assessors")
    }
    assert changed == {"assessments": [REGION], "ratings": [REGION], "assessors": [REGION]}
    assert after.revision != before.revision


@pytest.mark.slow
def test_rebuild_with_nothing_changed_builds_nothing(built_demo, capsys, build):
    url, out = built_demo
    before = {path: (out / path).stat().st_mtime_ns for path in manifest(out)}
    assert build(url, out) == 0
    assert "up to date" in capsys.readouterr().out
    assert {path: (out / path).stat().st_mtime_ns for path in manifest(out)} == before


@pytest.mark.slow
def test_one_new_assessment_rebuilds_exactly_the_reports_that_read_it(built_demo, capsys, build):
    url, out = built_demo
    comparison = f"comparisons/{REGION}.html"
    add_assessment(url)
    assert build(url, out) == 0
    assert built_paths(capsys) == {f"regions/{REGION}.html", comparison, "twinning/programme.html"}
    assert all(entry["stale"] is None for entry in manifest(out).values())


@pytest.mark.slow
def test_force_rebuilds_every_report(built_demo, capsys, build):
    url, out = built_demo
    assert build(url, out, "--force") == 0
    assert built_paths(capsys) == set(manifest(out))


@pytest.mark.slow
def test_region_build_includes_the_programme_wide_reports_that_show_it(
    tmp_path, capsys, demo_url, build
):
    url = demo_url
    out = tmp_path / "reports"
    assert build(url, out, "--region", REGION) == 0
    paths = built_paths(capsys)
    assert f"regions/{REGION}.html" in paths and "twinning/programme.html" in paths
    assert not any(p.startswith("regions/") and REGION not in p for p in paths)


@pytest.mark.slow
def test_index_shows_when_and_from_which_revision_each_report_was_built(built_demo):
    url, out = built_demo
    revision = store_snapshot(open_store(url)).revision
    index = (out / "index.html").read_text("utf-8")
    entries = manifest(out)
    assert index.count(f"data revision {revision}") == len(entries)
    assert all(entry["built_at"][:10] in index for entry in entries.values())


def plant_old_report(out, path):
    """A report an earlier version wrote under another name, listed in the manifest."""
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    old = dict(data["reports"][0], path=path, title="An earlier name")
    data["reports"].append(old)
    (out / "manifest.json").write_text(json.dumps(data), "utf-8")
    (out / path).write_text("<html>old</html>", "utf-8")
    (out / path).with_suffix(".pdf").write_bytes(b"%PDF-old")


@pytest.mark.slow
def test_a_whole_batch_build_removes_reports_it_no_longer_plans(built_demo, build):
    url, out = built_demo
    plant_old_report(out, "comparisons/northvale--x.html")
    (out / "comparisons" / "notes.html").write_text("mine", "utf-8")  # not in the manifest
    assert build(url, out, "--force") == 0
    assert not (out / "comparisons" / "northvale--x.html").exists()
    assert not (out / "comparisons" / "northvale--x.pdf").exists()
    assert "comparisons/northvale--x.html" not in manifest(out)
    assert (out / "comparisons" / "notes.html").read_text("utf-8") == "mine"


@pytest.mark.slow
def test_a_region_build_keeps_reports_it_did_not_plan(built_demo, build):
    url, out = built_demo
    plant_old_report(out, "comparisons/northvale--x.html")
    assert build(url, out, "--region", REGION) == 0
    assert (out / "comparisons" / "northvale--x.html").exists()


def test_region_flag_takes_several_keys():
    args = build_parser().parse_args(["reports", "build", "--region", "a", "b", "--region", "c"])
    assert args.region == ["a", "b", "c"]


@pytest.mark.slow
def test_stale_reports_are_named_with_the_data_that_changed(built_demo, build):
    url, out = built_demo
    add_assessment(url)
    # A partial build of another region: valmorra's reports are not rebuilt, only marked.
    assert build(url, out, "--region", "brisca-valley") == 0
    entry = manifest(out)[f"regions/{REGION}.html"]
    assert entry["stale"] == "data changed since it was built: assessments, assessors, ratings"
    assert "stale: data changed" in (out / "index.html").read_text("utf-8")


def test_assessments_are_indexed_by_subject_also_in_a_store_made_before_the_index(
    tmp_path, demo_url
):
    import sqlite3

    from alembic import command
    from sqlalchemy import create_engine

    from scirocco_lab.store.migrate import migration_config, upgrade_store

    url = demo_url
    engine = create_engine(url)
    with engine.begin() as connection:  # back to the revision before the index
        command.downgrade(migration_config(connection), "0002")
    engine.dispose()
    upgrade_store(url, backup=False)
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM assessments WHERE subject_id = 1"
        ).fetchall()
    assert "ix_assessments_subject_id" in str(plan)


def test_reports_name_the_store_by_its_file_name_not_its_path(tmp_path, demo_url):
    url = demo_url
    assert open_store(url).label == "demo.db"


def test_a_store_title_set_at_init_names_it_in_reports(tmp_path, capsys, demo_url):
    url = demo_url
    assert main(["--store", url, "store", "init", "--title", "Programme 2026"]) == 0
    assert "reports name it: Programme 2026" in capsys.readouterr().out
    assert open_store(url).label == "Programme 2026"
