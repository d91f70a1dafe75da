"""Schema migrations: revisions, `store upgrade` (backup first, data intact), refusals."""

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from scirocco_lab.cli import main
from scirocco_lab.errors import SchemaVersionError, StoreError, StoreUpgradeRequiredError
from scirocco_lab.store import open_store
from scirocco_lab.store.engine import store_revision
from scirocco_lab.store.migrate import (
    migration_config,
    migration_script,
    schema_differences,
    upgrade_store,
)
from scirocco_lab.store.schema import HEAD_REVISION, PRE_ALEMBIC_REVISION, REVISIONS

PREDECESSOR = migration_script().get_revision(HEAD_REVISION).down_revision
# The revision before the audit ledger: a table named audit_log is in the way of its upgrade.
BEFORE_LEDGER = "0002"

ROWS = {
    "subjects": [
        "INSERT INTO subjects (id, key, kind, name, synthetic, created_at) "
        "VALUES (1, 'basque', 'system', 'Basque Country', FALSE, '2026-03-01 10:00:00')",
    ],
    "assessors": [
        "INSERT INTO assessors (id, pseudonym, role, synthetic, created_at) "
        "VALUES (1, 'A-01', 'nurse', FALSE, '2026-03-01 10:00:00')",
    ],
    "assessor_identities": [
        "INSERT INTO assessor_identities VALUES (1, 'Ane Etxeberria', 'ane@example.org')",
    ],
    "instruments": [
        "INSERT INTO instruments VALUES ('scirocco-exchange', '1', 'SCIROCCO Exchange', '{}', "
        "'2026-03-01 10:00:00')",
    ],
    "assessments": [
        "INSERT INTO assessments (id, natural_key, kind, subject_id, instrument_id, "
        "instrument_version, round, mode, assessor_id, status, created_at, updated_at) VALUES "
        "(1, 'basque|A-01|1', 'HS', 1, 'scirocco-exchange', '1', 1, 'individual', 1, "
        "'submitted', '2026-03-01 10:00:00', '2026-03-01 10:00:00')",
    ],
    "ratings": [
        f"INSERT INTO ratings (assessment_id, dimension_key, level, dont_know) VALUES "
        f"(1, 'dimension-{n}', {n % 6}, FALSE)"
        for n in range(12)
    ],
}


def url_of(where):
    """A store URL for an SQLite file path (a URL is kept as it is)."""
    return where if "://" in str(where) else f"sqlite:///{where}"


def alembic_to(where, revision):
    """An empty store (SQLite file or PostgreSQL database) migrated by Alembic to
    ``revision``, as an older scirocco-lab would have made it (``schema_version`` 2)."""
    engine = create_engine(url_of(where), poolclass=NullPool)
    with engine.begin() as connection:
        command.upgrade(migration_config(connection), revision)
        connection.exec_driver_sql("INSERT INTO store_meta VALUES ('schema_version', '2')")
    engine.dispose()


def fill(where):
    """The rows of :data:`ROWS`, through plain SQL; returns every table's rows."""
    engine = create_engine(url_of(where), poolclass=NullPool)
    with engine.begin() as connection:
        for statements in ROWS.values():
            for statement in statements:
                connection.exec_driver_sql(statement)
    engine.dispose()
    return contents(where)


def contents(where):
    engine = create_engine(url_of(where), poolclass=NullPool)
    with engine.connect() as connection:
        found = {
            table: [
                tuple(row)
                for row in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2")
            ]
            for table in ROWS
        }
    engine.dispose()
    return found


def names_in(where):
    """Tables and indexes of a store on either backend."""
    engine = create_engine(url_of(where), poolclass=NullPool)
    with engine.connect() as connection:
        inspector = inspect(connection)
        found = set()
        for table in inspector.get_table_names():
            found.add(table)
            found.update(index["name"] for index in inspector.get_indexes(table))
    engine.dispose()
    return found


def revision_of(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchall()


def table_names(path):
    """The tables (and, in ``sqlite_master``, their indexes) of an SQLite file."""
    with sqlite3.connect(path) as connection:
        return {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master")
            if not row[0].startswith("sqlite_autoindex")
        }


def run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def older_store(tmp_path):
    """A store at the head's predecessor revision, holding a region's ratings."""
    path = tmp_path / "older.db"
    alembic_to(path, PREDECESSOR)
    return path, fill(path)


def test_the_listed_revisions_are_the_shipped_chain():
    script = migration_script()
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert chain == list(REVISIONS)
    assert script.get_current_head() == HEAD_REVISION
    assert PRE_ALEMBIC_REVISION in REVISIONS


def test_the_head_revision_builds_exactly_the_schema_of_the_tables(store_url):
    # Nobody adds a table, column or index without a migration.
    alembic_to(store_url, "head")
    store = open_store(store_url, create=False)
    assert store_revision(store) == HEAD_REVISION
    assert schema_differences(store) == []


def test_the_head_revision_writes_the_same_sqlite_ddl_as_the_tables(tmp_path):
    # Alembic's comparison does not see CHECK constraints or ON DELETE: the DDL text does.
    alembic_to(tmp_path / "migrated.db", "head")
    open_store(str(tmp_path / "created.db")).engine.dispose()

    def ddl(path):
        with closing(sqlite3.connect(path)) as connection:
            rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
            return {
                name: sorted(line.strip(" ,") for line in sql.splitlines()) for name, sql in rows
            }

    assert ddl(tmp_path / "migrated.db") == ddl(tmp_path / "created.db")


def test_the_predecessor_upgrades_in_place_on_either_backend(store_url):
    alembic_to(store_url, PREDECESSOR)
    before = fill(store_url)
    if store_url.startswith("postgresql"):
        with pytest.raises(StoreError, match=r"pg_dump.*--no-backup"):
            upgrade_store(store_url)
        result = upgrade_store(store_url, backup=False)
    else:
        result = upgrade_store(store_url)
        assert result.backup is not None and result.backup.exists()
    assert (result.from_revision, result.to_revision) == (PREDECESSOR, HEAD_REVISION)
    assert contents(store_url) == before
    store = open_store(store_url, create=False)
    assert store_revision(store) == HEAD_REVISION and schema_differences(store) == []


def test_a_new_store_is_stamped_at_the_head_revision(store_url):
    store = open_store(store_url)
    assert store_revision(store) == HEAD_REVISION
    assert schema_differences(store) == []
    # The stamp is Alembic's own: Alembic reads it and finds nothing to do.
    engine = create_engine(store_url, poolclass=NullPool)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD_REVISION
    engine.dispose()


def test_the_predecessor_revision_lacks_what_the_head_adds(older_store):
    path, _ = older_store
    assert revision_of(path) == [(PREDECESSOR,)]
    assert schema_differences(open_store(str(path), create=False, any_revision=True)) != []


def test_store_upgrade_migrates_the_predecessor_with_its_data_intact(older_store):
    path, before = older_store
    done = subprocess.run(
        [sys.executable, "-m", "scirocco_lab", "store", "upgrade", "--store", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"from revision {PREDECESSOR} to {HEAD_REVISION}" in done.stdout
    assert contents(path) == before
    assert revision_of(path) == [(HEAD_REVISION,)]
    assert schema_differences(open_store(str(path), create=False)) == []
    backups = list(path.parent.glob(f"older.backup-{PREDECESSOR}-*.sqlite"))
    assert len(backups) == 1 and str(backups[0]) in done.stdout
    assert backups[0].stat().st_mode & 0o777 == 0o600  # it holds identities too
    assert contents(backups[0]) == before
    assert revision_of(backups[0]) == [(PREDECESSOR,)]
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_an_older_store_is_refused_naming_store_upgrade(capsys, older_store):
    path, before = older_store
    status, out, err = run(capsys, "--store", str(path), "subjects", "list")
    assert status == 2 and out == ""
    assert "Traceback" not in err
    assert f"revision {PREDECESSOR}" in err and "store upgrade" in err and str(path) in err
    assert contents(path) == before and revision_of(path) == [(PREDECESSOR,)]


def test_store_check_reports_an_older_revision_and_the_head(capsys, older_store, tmp_path):
    path, _ = older_store
    status, out, _ = run(capsys, "--store", str(path), "store", "check")
    assert status == 0 and f"schema revision: {PREDECESSOR}, older" in out
    upgrade_store(str(path))
    status, out, _ = run(capsys, "--store", str(path), "store", "check")
    assert status == 0 and f"schema revision: {HEAD_REVISION} (the newest" in out


def test_store_check_finds_a_table_changed_outside_scirocco_lab(capsys, tmp_path):
    path = tmp_path / "s.db"
    open_store(str(path)).engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    status, out, _ = run(capsys, "--store", str(path), "store", "check")
    assert status == 2 and "notes" in out


def test_a_store_from_before_revisions_is_adopted(capsys, tmp_path):
    # What the last scirocco-lab without revisions made: schema_version 1, no alembic_version,
    # and (opened by an older one still) some tables missing, which it created on open.
    path = tmp_path / "old.db"
    alembic_to(path, "0002")
    before = fill(path)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE alembic_version")
        connection.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    status, _, err = run(capsys, "--store", str(path), "subjects", "list")
    assert status == 2 and "before schema revisions were recorded" in err
    status, out, _ = run(capsys, "--store", str(path), "store", "upgrade")
    assert status == 0 and "from revision unversioned" in out
    assert list(tmp_path.glob("old.backup-unversioned-*.sqlite"))
    assert contents(path) == before and revision_of(path) == [(HEAD_REVISION,)]
    assert {"audit_log", "imported_files"} <= table_names(path)
    assert schema_differences(open_store(str(path), create=False)) == []


def test_a_failing_upgrade_leaves_the_store_as_it_was(store_url):
    alembic_to(store_url, BEFORE_LEDGER)
    before = fill(store_url)
    engine = create_engine(store_url, poolclass=NullPool)
    with engine.begin() as connection:  # in the way of what the head revision adds
        connection.exec_driver_sql("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)")
    engine.dispose()
    names = names_in(store_url)
    with pytest.raises(Exception, match="audit_log"):
        upgrade_store(store_url, backup=False)
    assert names_in(store_url) == names
    assert contents(store_url) == before
    assert store_revision(open_store(store_url, create=False, any_revision=True)) == BEFORE_LEDGER


def test_a_failing_upgrade_is_one_clear_message(capsys, tmp_path):
    path = tmp_path / "older.db"
    alembic_to(path, BEFORE_LEDGER)
    fill(path)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)")
    status, _, err = run(capsys, "--store", str(path), "store", "upgrade")
    assert status == 2 and "Traceback" not in err and "audit_log" in err
    assert revision_of(path) == [(BEFORE_LEDGER,)]


def test_a_store_at_an_unknown_revision_is_refused_as_newer(tmp_path):
    path = tmp_path / "newer.db"
    open_store(str(path)).engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaVersionError, match=r"revision 9999.*Upgrade scirocco-lab"):
        open_store(str(path), create=False)
    with pytest.raises(SchemaVersionError):
        upgrade_store(str(path))


def test_upgrading_a_store_at_the_head_changes_nothing(tmp_path):
    path = tmp_path / "s.db"
    open_store(str(path)).engine.dispose()
    result = upgrade_store(str(path))
    assert not result.changed and result.backup is None
    assert list(tmp_path.glob("*.backup-*")) == []


def test_every_revision_downgrades_to_an_empty_database(tmp_path):
    path = tmp_path / "s.db"
    alembic_to(path, "head")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM store_meta")
        command.downgrade(migration_config(connection), "base")
    engine.dispose()
    assert table_names(path) == {"alembic_version"}


def test_open_store_refuses_an_older_store_with_its_own_error(older_store):
    path, _ = older_store
    with pytest.raises(StoreUpgradeRequiredError, match="store upgrade"):
        open_store(str(path), create=False)
