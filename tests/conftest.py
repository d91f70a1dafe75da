"""Fixtures shared by the whole suite: the bundled instrument and one demo store per session.

Tests that write build their own small store (usually ``open_store("sqlite://")`` with a few
generated records), so the session-wide demo store is only ever read.
"""

import itertools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.evaluation.demo import seed_evaluation_demo
from scirocco_lab.instruments import load_instrument
from scirocco_lab.planning.demo import seed_planning_demo
from scirocco_lab.store import open_store


@pytest.fixture(scope="session")
def exchange():
    """The default instrument, SCIROCCO Exchange (12 dimensions, levels 0..5)."""
    return load_instrument("scirocco-exchange")


def placeholder_dimension(path: Path) -> Path:
    """Rewrite the first sheet of the workbook at ``path`` as streaming writers (Apache POI
    SXSSF) leave it: a ``<dimension ref="A1"/>`` size they never filled in."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        items = {name: source.read(name) for name in source.namelist()}
    sheet_xml = items["xl/worksheets/sheet1.xml"].decode()
    items["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', sheet_xml
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items.items():
            target.writestr(name, data)
    return path


@pytest.fixture(scope="session")
def with_placeholder_dimension():
    """:func:`placeholder_dimension`, for tests of large workbooks from streaming writers."""
    return placeholder_dimension


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory):
    """A file store holding the whole synthetic demo: ratings, planning and evaluation records.

    Built once per session; tests read it and never write to it.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    store = open_store(url)
    write_batch(store, generate_demo())
    seed_planning_demo(store)
    seed_evaluation_demo(store)
    store.engine.dispose()
    return url


# ---------------------------------------------------------------------------------------
# Both store backends. Tests of the store, imports, capture and reports take `store_url` (a
# fresh, empty store URL) or `new_store_url` (a factory of them) and run once on SQLite and
# once on a real PostgreSQL server, which scripts/postgres-test-cluster.sh starts once per
# session (installing Debian's postgresql if needed) and stops at the end. No mocks.

BACKENDS = ("sqlite", "postgresql")
_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: its folder and the URL of its first database."""

    folder: str
    url: str

    def new_database(self, name: str = "store") -> str:
        """An empty store URL: a new schema of the cluster's database, first on the URL's
        search_path (a schema is created in milliseconds, a database in seconds)."""
        import psycopg
        from sqlalchemy.engine import make_url

        base = make_url(self.url)
        schema = f"t{next(_DATABASE_NUMBERS)}_{re.sub(r'[^a-z0-9_]', '_', name.lower())}"[:60]
        with psycopg.connect(
            host=base.host,
            port=base.port,
            user=base.username,
            dbname=base.database,
            autocommit=True,
        ) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)


_DATABASE_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL cluster for the whole session, on 127.0.0.1, stopped at the end."""
    script = _ROOT / "scripts" / "postgres-test-cluster.sh"
    started = subprocess.run(
        ["bash", str(script), "start"], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"could not start PostgreSQL: {started.stderr}", pytrace=False)
    folder, url = started.stdout.split()
    try:
        yield PostgresServer(folder, url)
    finally:
        subprocess.run(["bash", str(script), "stop", folder], check=False)


@pytest.fixture(params=BACKENDS)
def new_store_url(request, tmp_path):
    """A factory of fresh, empty store URLs on this test's backend: ``new_store_url("a")``."""
    if request.param == "sqlite":
        return lambda name="store": f"sqlite:///{tmp_path / name}.db"
    return request.getfixturevalue("postgres_server").new_database


@pytest.fixture
def store_url(new_store_url):
    """A fresh, empty store URL on this test's backend (SQLite file or PostgreSQL database)."""
    return new_store_url()


# ---------------------------------------------------------------------------------------
# A small store for report builds.

HOSTILE_NAME = '<script>alert("x")</script> Vale'


def _seeded_store(path: Path | str, *, synthetic: bool) -> str:
    """Seed a store at a file path (SQLite) or a store URL; return its URL."""
    exchange = load_instrument()
    levels = [1, 2, 3, 4, 5, 2, 3, 1, 0, 4, 3, 2]

    def ratings(shift):
        return tuple(
            RatingRecord(
                key, level=max(0, min(5, level + shift)), justification="<b>bold</b> & claims"
            )
            for key, level in zip(exchange.dimension_keys, levels, strict=True)
        )

    batch = RecordBatch(
        subjects=(
            SubjectRecord("vale", HOSTILE_NAME, country="Testland", synthetic=synthetic),
            SubjectRecord("empty", "Empty Region", country="Testland", synthetic=synthetic),
        ),
        assessors=tuple(
            AssessorRecord(f"V-{n}", role="clinician", full_name=f"Secret Person {n}")
            for n in range(3)
        ),
        assessments=(
            *(
                AssessmentRecord(
                    "HS", "vale", exchange.id, assessor=f"V-{n}", ratings=ratings(n - 1)
                )
                for n in range(3)
            ),
            AssessmentRecord("HS", "vale", exchange.id, mode="consensus", ratings=ratings(0)),
        ),
    )
    url = path if isinstance(path, str) else f"sqlite:///{path}"
    write_batch(open_store(url), batch)
    return url


@pytest.fixture(scope="session")
def seeded_store():
    """``seeded_store(path_or_url, synthetic=...)``: seed a small store for report builds
    (a file path means SQLite) and return its URL: region "vale" (a hostile display name,
    three assessors named "Secret Person N" and a consensus, justifications with HTML) and
    region "empty" (no assessments)."""
    return _seeded_store


@pytest.fixture
def new_audit_rows():
    """``with new_audit_rows(store) as rows:`` collects the audit rows the block appended
    (as dicts with parsed keys and counts) into ``rows`` when the block ends."""
    import contextlib
    import json

    from sqlalchemy import func, select

    from scirocco_lab.store.schema import audit_log

    @contextlib.contextmanager
    def collect(store):
        with store.engine.connect() as connection:
            start = connection.execute(select(func.max(audit_log.c.id))).scalar() or 0
        rows: list[dict] = []
        yield rows
        with store.engine.connect() as connection:
            found = connection.execute(
                select(audit_log).where(audit_log.c.id > start).order_by(audit_log.c.id)
            ).all()
        rows.extend(
            {
                **row._asdict(),
                "keys": json.loads(row.keys or "[]"),
                "counts": json.loads(row.counts or "{}"),
            }
            for row in found
        )

    return collect


@pytest.fixture
def demo_copy_url(demo_store_url, tmp_path):
    """A copy of the session's demo store that the test may write to."""
    import shutil

    from sqlalchemy.engine import make_url

    copy = tmp_path / "demo-copy.db"
    shutil.copy(make_url(demo_store_url).database, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def kill_while_writing():
    """Run a command that writes to an SQLite store file and SIGKILL it while it holds the
    store's write lock, i.e. inside its write transaction (``delay`` seconds after the lock
    is first seen). Returns True when the kill landed (the command had not finished).

    A probe connection tries ``BEGIN IMMEDIATE`` without waiting: "database is locked" means
    another connection is in the middle of a write transaction.
    """
    import signal
    import sqlite3
    import subprocess
    import time

    def run(command, store_file, *, delay=0.0, timeout=120.0):
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        probe = sqlite3.connect(store_file, timeout=0, isolation_level=None)
        deadline = time.monotonic() + timeout
        try:
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                    probe.execute("ROLLBACK")
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(delay)
                    process.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.0005)
        finally:
            probe.close()
            if process.poll() is None and time.monotonic() >= deadline:
                process.kill()
            _, err = process.communicate()
        assert process.returncode in (0, -signal.SIGKILL), err
        return process.returncode == -signal.SIGKILL

    return run


@pytest.fixture
def table_counts():
    """Every table's row count in an SQLite store file, after checking that SQLite finds the
    file intact (what a store must be after any crash)."""
    import sqlite3
    from contextlib import closing

    def counts(store_file):
        with closing(sqlite3.connect(store_file)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            return {
                t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
            }

    return counts


@pytest.fixture
def two_regions_store():
    """A fresh in-memory store with two regions and nothing else: northvale and ostermark
    (the pair the planning tests twin)."""
    store = open_store("sqlite://")
    regions = (SubjectRecord("northvale", "Northvale"), SubjectRecord("ostermark", "Ostermark"))
    write_batch(store, RecordBatch(subjects=regions))
    return store


@pytest.fixture(scope="session")
def focus_group_batch():
    """A builder of a batch holding one focus group, by default held on 4 March 2026:
    ``focus_group_batch(text, participants, title=..., key="fg-1", held_on=...,
    source_fields={...}, **parts)`` gives the participants (ParticipantRecords), the source
    (spoken by them, in their order; ``source_fields`` such as region go to its
    SourceRecord) and the other parts of the batch given as keywords (turns, codes, coders,
    segments, ...)."""
    import datetime as dt

    from scirocco_lab.evaluation.records import EvaluationBatch, SourceRecord

    def build(
        text,
        participants,
        *,
        title="Focus group",
        key="fg-1",
        held_on=dt.date(2026, 3, 4),
        source_fields=None,
        **parts,
    ):
        source = SourceRecord(
            key,
            title,
            "focus_group",
            held_on,
            text,
            participants=tuple(person.pseudonym for person in participants),
            **(source_fields or {}),
        )
        return EvaluationBatch(participants=tuple(participants), sources=(source,), **parts)

    return build


@pytest.fixture(scope="session")
def write_two_speaker_focus_group(focus_group_batch):
    """A writer of one focus group 'fg' in which participants A and B (B with a stored
    identity) speak: ``write(store, said, spans, title=...)`` runs the utterances of
    ``said`` ((speaker, words) pairs) together as the text, one turn each, and codes the
    ranges ``spans(turns)`` gives ((start, end) pairs) with code 'c' by 'coder'."""
    from scirocco_lab.evaluation.records import (
        CodeRecord,
        CoderRecord,
        ParticipantRecord,
        SegmentRecord,
        TurnRecord,
    )
    from scirocco_lab.evaluation.store import write_evaluation

    def write(store, said, spans, *, title="FG", b_name="Bea Secret"):
        turns, start = [], 0
        for number, (speaker, words) in enumerate(said, start=1):
            turns.append(TurnRecord("fg", number, start, start + len(words), speaker=speaker))
            start += len(words)
        batch = focus_group_batch(
            "".join(words for _, words in said),
            (ParticipantRecord("A"), ParticipantRecord("B", full_name=b_name)),
            title=title,
            key="fg",
            held_on=None,
            turns=tuple(turns),
            codes=(CodeRecord("c", "Code"),),
            coders=(CoderRecord("coder"),),
            segments=tuple(
                SegmentRecord("fg", "c", "coder", start, end) for start, end in spans(turns)
            ),
        )
        write_evaluation(store, batch)

    return write
