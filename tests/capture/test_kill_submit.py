"""kill -9 in the middle of capture submits (what a crashing Voila kernel does): the store
opens, SQLite's integrity check passes, and each submit happened wholly or not at all: an
assessment is the saved draft (its ratings and revision) or the submitted one, never a mix;
the capture lock is not left held."""

import subprocess
import sys
import textwrap

import pytest

from scirocco_lab.assessment.drafts import FormTarget, build_assessment, save_draft
from scirocco_lab.assessment.records import AssessorRecord, RatingRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store

pytestmark = pytest.mark.slow

EXCHANGE = load_instrument()
KEYS = EXCHANGE.dimension_keys
TARGET = FormTarget("HS", "northvale", EXCHANGE.id)
CODES = [f"NV-{n:03d}" for n in range(80)]
DRAFTED = 5  # dimensions answered in each saved draft

# The participants' kernels, as one process: each submits its completed form in turn.
SUBMITTER = textwrap.dedent(
    """
    import sys
    from scirocco_lab.assessment.drafts import FormTarget, build_assessment, submit_assessment
    from scirocco_lab.assessment.records import RatingRecord
    from scirocco_lab.instruments import load_instrument
    from scirocco_lab.store import open_store

    store = open_store(sys.argv[1], create=False)
    exchange = load_instrument()
    target = FormTarget("HS", "northvale", exchange.id)
    for code in sys.argv[2:]:
        answers = {k: RatingRecord(k, level=3, justification="x" * 400)
                   for k in exchange.dimension_keys}
        record = build_assessment(target, code, answers, instrument=exchange)
        submit_assessment(store, record, instrument=exchange)
    """
)


@pytest.fixture
def drafted_store(tmp_path):
    """A store where every participant has saved a draft of the first dimensions."""
    path = tmp_path / "store.db"
    store = open_store(str(path))
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    add_assessors(store, [AssessorRecord(code) for code in CODES])
    for code in CODES:
        answers = {k: RatingRecord(k, level=2) for k in KEYS[:DRAFTED]}
        save_draft(store, build_assessment(TARGET, code, answers, instrument=EXCHANGE))
    store.engine.dispose()
    return path


def states(path):
    """(status, ratings, revision) of each participant's assessment."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT a.natural_key, a.status, count(r.dimension_key), v.revision "
            "FROM assessments a LEFT JOIN ratings r ON r.assessment_id = a.id "
            "JOIN assessment_revisions v ON v.natural_key = a.natural_key "
            "GROUP BY a.id"
        ).fetchall()
    return {key: (status, ratings, revision) for key, status, ratings, revision in rows}


@pytest.mark.parametrize("delay", [0.0, 0.002], ids=["at-first-write", "2ms-in"])
def test_kill_during_submits_leaves_each_submit_whole_or_undone(
    drafted_store, kill_while_writing, table_counts, delay
):
    before = table_counts(drafted_store)
    command = [sys.executable, "-c", SUBMITTER, str(drafted_store), *CODES]
    assert kill_while_writing(command, drafted_store, delay=delay)
    after_kill = table_counts(drafted_store)  # integrity and foreign keys checked
    found = states(drafted_store)
    assert len(found) == len(CODES) == before["assessments"] == after_kill["assessments"]
    assert set(found.values()) <= {("draft", DRAFTED, 1), ("submitted", len(KEYS), 2)}
    submitted = [key for key, state in found.items() if state[0] == "submitted"]
    assert len(submitted) < len(CODES)  # killed before the end
    assert after_kill["ratings"] == before["ratings"] + len(submitted) * (len(KEYS) - DRAFTED)
    # The killed kernel's lock died with it: the others still submit.
    rest = [code for code in CODES if TARGET.key_for(code) not in submitted]
    subprocess.run([sys.executable, "-c", SUBMITTER, str(drafted_store), *rest], check=True)
    assert set(states(drafted_store).values()) == {("submitted", len(KEYS), 2)}
