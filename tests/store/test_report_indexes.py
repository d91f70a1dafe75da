"""The store indexes the columns reports filter by, so one region's data loads in time
proportional to that region (checked with SQLite's query plans)."""

from __future__ import annotations

import sqlite3

import pytest

from scirocco_lab.store import open_store

# (table, filter) the report data functions and the batch planning query.
REPORT_FILTERS = [
    ("assessments", "subject_id = 1"),
    ("assessments", "kind = 'GP' AND instrument_id = 'x' AND status = 'submitted'"),
    ("kt_programmes", "receiving_region_id = 1"),
    ("kt_programmes", "transferring_region_id = 1"),
    ("coaching_programmes", "region_id = 1"),
    ("action_plans", "region_id = 1"),
    ("evaluation_sources", "region = 'x'"),
    ("questionnaires", "region = 'x'"),
]


@pytest.mark.parametrize(("table", "condition"), REPORT_FILTERS)
def test_a_report_filter_is_answered_from_an_index(tmp_path, table, condition):
    open_store(f"sqlite:///{tmp_path / 'store.db'}").engine.dispose()
    with sqlite3.connect(tmp_path / "store.db") as connection:
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE {condition}"
        ).fetchall()
    assert "USING INDEX" in str(plan), plan
