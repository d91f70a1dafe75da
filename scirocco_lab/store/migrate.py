"""Schema migrations with Alembic: the store's revision, ``store upgrade`` and its backup.

The revisions live in ``scirocco_lab/store/migrations/versions/`` (package data, no
alembic.ini); :data:`~scirocco_lab.store.schema.REVISIONS` lists them in order. A new store is
created at the head revision; an older one is refused by
:func:`~scirocco_lab.store.engine.open_store` until :func:`upgrade_store` migrates it in
place, after a backup. A store made before revisions were recorded (``schema_version`` 1
only) is adopted: the tables and indexes it lacks up to
:data:`~scirocco_lab.store.schema.PRE_ALEMBIC_REVISION` are created, then it migrates as any.

>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> upgrade_store("sqlite://", store=store).changed
False
>>> schema_differences(store)
[]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic import command, op
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, inspect, select, update

from scirocco_lab.errors import StoreError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.files import write_atomically
from scirocco_lab.store import schema
from scirocco_lab.store.engine import (
    BUSY_TIMEOUT_SECONDS,
    Store,
    integrity_problems,
    open_store,
    sqlite_file,
    store_revision,
)

__all__ = [
    "MIGRATIONS",
    "UpgradeResult",
    "backup_sqlite",
    "create_index",
    "create_table",
    "migration_config",
    "migration_script",
    "schema_differences",
    "upgrade_store",
]

#: Alembic's script folder, inside the package.
MIGRATIONS = Path(__file__).parent / "migrations"

#: What a store made before revisions were recorded is called in messages and backup names.
UNVERSIONED = "unversioned"


@dataclass(frozen=True)
class UpgradeResult:
    """What :func:`upgrade_store` did: the revision before (``None``: made before revisions
    were recorded) and after, and the backup written (``None``: none was made)."""

    url: str
    from_revision: str | None
    to_revision: str
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def migration_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store's migrations, built in code (no alembic.ini);
    ``connection`` is what the migrations run on."""
    config = Config()
    # ConfigParser interpolates '%': a folder name with one must not break the lookup.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    config.attributes["adopting"] = False
    return config


def migration_script() -> ScriptDirectory:
    """The revisions shipped with this scirocco-lab, as Alembic reads them."""
    return ScriptDirectory.from_config(migration_config())


def _adopting() -> bool:
    return bool(op.get_context().config.attributes.get("adopting"))


def create_table(name: str, *elements, **options) -> None:
    """``op.create_table`` for the revisions up to the pre-Alembic schema: when adopting a
    store made before revisions were recorded, a table it already has is kept as it is."""
    if _adopting() and inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *elements, **options)


def create_index(name: str, table: str, columns: Sequence[str], **options) -> None:
    """``op.create_index``, likewise kept when an adopted store already has the index."""
    if _adopting() and name in {i["name"] for i in inspect(op.get_bind()).get_indexes(table)}:
        return
    op.create_index(name, table, list(columns), **options)


def schema_differences(store: Store) -> list[str]:
    """How the store's tables differ from this scirocco-lab's schema (Alembic's autogenerate
    comparison); empty when they match.

    >>> from scirocco_lab.store import open_store
    >>> schema_differences(open_store("sqlite://"))
    []
    """
    schema.register_tables()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [_describe(diff) for diff in compare_metadata(context, schema.metadata)]


def _describe(diff) -> str:
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(item) for item in diff)
    kind, *rest = diff
    names = []
    for item in rest:
        name = getattr(item, "name", None)
        table = getattr(getattr(item, "table", None), "name", None)
        if name is not None:
            names.append(f"{table}.{name}" if table and table != name else str(name))
        elif isinstance(item, str):
            names.append(item)
    return f"{kind.replace('_', ' ')}: {', '.join(names)}"


def backup_sqlite(file: Path, revision: str | None) -> Path:
    """Copy the SQLite store ``file`` (with its write-ahead log) to
    ``<name>.backup-<revision>-<UTC time>.sqlite`` beside it, with SQLite's backup API; the
    copy is one self-contained file and is written whole or not at all."""
    stamp = utc_now(whole_seconds=True).strftime("%Y%m%dT%H%M%SZ")
    target = file.with_name(f"{file.stem}.backup-{revision or UNVERSIONED}-{stamp}.sqlite")
    number = 2
    while target.exists():  # two upgrades in one second never overwrite a backup
        target = file.with_name(f"{file.stem}.backup-{revision or UNVERSIONED}-{stamp}-{number}")
        target = target.with_suffix(".sqlite")
        number += 1

    def copy(temporary: Path) -> None:
        source = sqlite3.connect(file, timeout=BUSY_TIMEOUT_SECONDS)
        copy_to = sqlite3.connect(temporary)
        try:
            source.backup(copy_to)
            copy_to.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        finally:
            copy_to.close()
            source.close()

    write_atomically(target, copy)
    return target


def _migration_engine(url: str):
    """An engine for migrating an SQLite file in one real transaction: pysqlite's own
    transaction handling would commit before each CREATE or ALTER; foreign keys stay off
    while batch mode copies tables (they are checked before the commit)."""
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediately(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_store(
    url: str | None = None, *, backup: bool = True, store: Store | None = None
) -> UpgradeResult:
    """Migrate the store at ``url`` to the head revision in place, after a backup.

    A SQLite file is backed up first (:func:`backup_sqlite`); another database (PostgreSQL)
    is not: its dump is the user's job, and ``backup=False`` says it was made. A damaged
    store is refused, and so is one newer than this scirocco-lab. Every revision runs in one
    transaction: a failure leaves the store as it was.
    """
    store = store or open_store(url, create=False, any_revision=True)
    before = store_revision(store)
    if before == schema.HEAD_REVISION:
        return UpgradeResult(store.display_url, before, before)
    problems = integrity_problems(store)
    if problems:
        raise StoreError(
            f"the store {store.display_url} is damaged ({problems[0]}); it was not upgraded. "
            "Fix: restore it from a backup, or recover it (`sqlite3 FILE .recover`) first."
        )
    file = sqlite_file(store.url) if store.engine.dialect.name == "sqlite" else None
    copy = None
    if backup and file is not None:
        copy = backup_sqlite(file, before)
    elif backup and store.engine.dialect.name != "sqlite":
        raise StoreError(
            f"the store {store.display_url} is a {store.engine.dialect.name} database, which "
            "`store upgrade` cannot back up itself. Fix: make a dump first (for PostgreSQL: "
            "pg_dump --format=custom --file=before-upgrade.dump DATABASE), then run "
            "`scirocco-lab store upgrade --no-backup`."
        )
    engine = _migration_engine(store.url) if file is not None else store.engine
    try:
        with engine.connect() as connection, connection.begin():
            config = migration_config(connection)
            if before is None:
                config.attributes["adopting"] = True
                command.upgrade(config, schema.PRE_ALEMBIC_REVISION)
                config.attributes["adopting"] = False
            command.upgrade(config, "head")
            _record_schema_version(connection)
            if file is not None:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"upgrading {store.display_url} left {len(broken)} row(s) pointing to "
                        "missing rows; nothing was changed. Fix: report this as a bug, with "
                        "the backup."
                    )
    finally:
        if engine is not store.engine:
            engine.dispose()
            store.engine.dispose()
    return UpgradeResult(store.display_url, before, schema.HEAD_REVISION, copy)


def _record_schema_version(connection: Connection) -> None:
    meta = schema.store_meta
    value = str(schema.SCHEMA_VERSION)
    found = connection.execute(
        select(meta.c.value).where(meta.c.key == "schema_version")
    ).scalar_one_or_none()
    if found is None:
        connection.execute(meta.insert(), [{"key": "schema_version", "value": value}])
    else:
        connection.execute(update(meta).where(meta.c.key == "schema_version").values(value=value))
