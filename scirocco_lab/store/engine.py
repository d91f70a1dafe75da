"""Opening a store: the engine, the schema revision check and the tables every domain
registers.

>>> store = open_store("sqlite://")
>>> is_empty(store)
True
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

from scirocco_lab.config import store_url
from scirocco_lab.errors import (
    SchemaVersionError,
    StoreError,
    StoreUpgradeRequiredError,
)
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import schema
from scirocco_lab.store.schema import HEAD_REVISION, REVISIONS, SCHEMA_VERSION

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "Store",
    "integrity_problems",
    "is_empty",
    "open_store",
    "set_store_title",
    "sqlite_file",
    "store_error",
    "store_revision",
]

#: How long a write waits for another writer's lock before giving up (workshops write in
#: parallel); ``SCIROCCO_LAB_BUSY_TIMEOUT`` overrides it (tests use a short one).
BUSY_TIMEOUT_SECONDS = float(os.environ.get("SCIROCCO_LAB_BUSY_TIMEOUT", "30"))


@dataclass(frozen=True)
class Store:
    """An opened store: its URL and SQLAlchemy engine."""

    url: str
    engine: Engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed at the end of the block, rolled back on any error."""
        with self.engine.begin() as connection:
            yield connection

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def label(self) -> str:
        """How reports name the store: its configured title (``store init --title``), else
        the SQLite file's name or the database and host, never a full path or a password.

        >>> open_store("sqlite://").label
        'in-memory store'
        """
        with self.engine.connect() as connection:
            title = connection.execute(
                select(schema.store_meta.c.value).where(schema.store_meta.c.key == "title")
            ).scalar_one_or_none()
        if title:
            return title
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return PurePath(url.database).name if url.database else "in-memory store"
        return f"{url.database} on {url.host}" if url.host else str(url.database)


def set_store_title(store: Store, title: str) -> None:
    """Name the store in reports (its :attr:`Store.label`); an empty title removes it.

    >>> store = open_store("sqlite://")
    >>> set_store_title(store, "Basque evaluation 2026")
    >>> store.label
    'Basque evaluation 2026'
    """
    meta = schema.store_meta
    with store.transaction() as connection:
        connection.execute(meta.delete().where(meta.c.key == "title"))
        if title.strip():
            connection.execute(meta.insert(), [{"key": "title", "value": title.strip()}])


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def open_store(url: str | None = None, *, create: bool = True, any_revision: bool = False) -> Store:
    """Open (and by default create) the store at ``url``.

    ``url`` is a SQLAlchemy URL or a file path (SQLite); ``None`` uses
    ``SCIROCCO_LAB_STORE`` or the project's ``data/scirocco-lab.db``. A new store is created
    at the head schema revision. A store written by a newer scirocco-lab is refused with
    :class:`SchemaVersionError`, one at an older revision with
    :class:`StoreUpgradeRequiredError` (``store upgrade`` migrates it) unless
    ``any_revision`` (for ``store check`` and ``store upgrade`` only).
    """
    resolved = store_url(url)
    kwargs: dict = {}
    if resolved.startswith("sqlite"):
        file = sqlite_file(resolved)
        if file is not None:
            _check_sqlite_file(file, create=create)
        # Wait for a concurrent writer instead of failing at once (workshops write in parallel).
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_SECONDS}
        if resolved in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    elif resolved.startswith("postgresql"):
        # Commands, notebook kernels and workshop sessions each open short-lived stores: close
        # every connection when its transaction ends, so none idles on the team's server.
        kwargs["poolclass"] = NullPool
    try:
        engine = create_engine(resolved, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(
            f"cannot use store URL '{resolved}': {exc}. Give a file path or a URL such as "
            "sqlite:///data/scirocco-lab.db or postgresql+psycopg://user@host/db."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(url=resolved, engine=engine)
    try:
        _prepare(store, create=create, any_revision=any_revision)
        if engine.dialect.name == "sqlite" and sqlite_file(resolved) is not None:
            problems = integrity_problems(store, quick=True)
            if problems:
                raise StoreError(_damaged(store.display_url, problems[0]))
    except SQLAlchemyError as exc:
        engine.dispose()
        raise store_error(store.display_url, exc) from exc
    return store


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; ``None`` for an in-memory database or another kind."""
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0]
    path = path.removeprefix("file:")  # an SQLite URI filename (uri=true)
    return None if path in ("", ":memory:") else Path(path)


_FIX_PATH = "Check the path (option --store or environment variable SCIROCCO_LAB_STORE)."


def _check_sqlite_file(file: Path, *, create: bool) -> None:
    if file.is_dir():
        raise StoreError(f"{file}: is a folder, not a store file. {_FIX_PATH}")
    if not file.exists():
        if not create:  # reading never creates a store (SQLite would make an empty file)
            raise StoreError(
                f"{file}: no store there. {_FIX_PATH} To start a new store run "
                "`scirocco-lab store init`."
            )
        file.parent.mkdir(parents=True, exist_ok=True)
        return
    with file.open("rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise StoreError(
            f"{file}: not a scirocco-lab store (not an SQLite database file). {_FIX_PATH}"
        )


def _damaged(where: str, detail: str) -> str:
    return (
        f"the store {where} is damaged ({detail}). Nothing was changed. Fix: restore it from "
        "a backup, or run `sqlite3 FILE .recover | sqlite3 NEW.db` and check with "
        "`scirocco-lab --store NEW.db store check`."
    )


def store_error(where: str, exc: SQLAlchemyError) -> StoreError:
    """One clear :class:`StoreError` for a database failure: what, which store, what to do."""
    detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"the store {where} is busy: another program has held its write lock for longer "
            f"than the {BUSY_TIMEOUT_SECONDS} s wait ({detail}). Nothing was written. Fix: "
            "wait for the other import or workshop save to finish (or close it), then run the "
            "command again."
        )
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return StoreError(
            f"the store {where} cannot be written ({detail}). Nothing was written. Fix: make "
            "the file and its folder writable (the folder holds the -wal and -shm files), or "
            "copy the store somewhere writable."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return StoreError(_damaged(where, detail))
    return StoreError(f"the store {where} failed: {detail}. {_FIX_PATH}")


def integrity_problems(store: Store, *, quick: bool = False) -> list[str]:
    """SQLite's integrity check (and foreign-key check) of the store; empty when healthy.

    >>> integrity_problems(open_store("sqlite://"))
    []
    """
    if store.engine.dialect.name != "sqlite":
        return []
    pragma = "quick_check" if quick else "integrity_check"
    with store.engine.connect() as connection:
        rows = [str(row[0]) for row in connection.exec_driver_sql(f"PRAGMA {pragma}")]
        problems = [row for row in rows if row != "ok"]
        if not quick:
            problems += [
                f"row {row[1]} of table {row[0]} points to a missing row of {row[2]}"
                for row in connection.exec_driver_sql("PRAGMA foreign_key_check")
            ]
    return problems


# Alembic's own version table, as Alembic creates it (a new store is stamped without
# loading the migration scripts, which opening a store never needs).
_alembic_version = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def store_revision(store: Store) -> str | None:
    """The store's schema revision; ``None`` for a store made before revisions were recorded.

    >>> store_revision(open_store("sqlite://")) == HEAD_REVISION
    True
    """
    with store.engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(select(_alembic_version.c.version_num)).scalar_one_or_none()


def _prepare(store: Store, *, create: bool, any_revision: bool) -> None:
    schema.register_tables()
    with store.transaction() as connection:
        tables = set(inspect(connection).get_table_names())
        if "store_meta" not in tables:
            if not create:
                raise StoreError(
                    f"{store.display_url} is not a scirocco-lab store; run "
                    "`scirocco-lab store init` to create one."
                )
            schema.metadata.create_all(connection)
            _alembic_version.create(connection)
            connection.execute(_alembic_version.insert(), [{"version_num": HEAD_REVISION}])
            connection.execute(
                schema.store_meta.insert(),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "created_at", "value": utc_now().isoformat()},
                ],
            )
            return
        found = connection.execute(
            select(schema.store_meta.c.value).where(schema.store_meta.c.key == "schema_version")
        ).scalar_one_or_none()
        version = int(found) if found is not None and found.isdigit() else 0
        revision = _revision(connection) if "alembic_version" in tables else None
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the store at {store.display_url} has schema version {version}, but this "
                f"scirocco-lab understands up to version {SCHEMA_VERSION}. Upgrade "
                "scirocco-lab (pip install -U scirocco-lab, or git pull and make) to open it."
            )
        if revision is not None and revision not in REVISIONS:
            raise SchemaVersionError(
                f"the store at {store.display_url} is at schema revision {revision}, which "
                f"this scirocco-lab does not know (its newest is {HEAD_REVISION}): a newer "
                "scirocco-lab wrote it. Upgrade scirocco-lab (pip install -U scirocco-lab, or "
                "git pull and make) to open it."
            )
        if revision != HEAD_REVISION and not any_revision:
            at = (
                f"at schema revision {revision}"
                if revision
                else "from before schema revisions were recorded"
            )
            raise StoreUpgradeRequiredError(
                f"the store at {store.display_url} is {at}, older than this scirocco-lab's "
                f"{HEAD_REVISION}. Nothing was read or changed. Fix: run `scirocco-lab --store "
                f"{_quoted(store)} store upgrade` (it backs the store up first), then run "
                "the command again."
            )


def _quoted(store: Store) -> str:
    file = sqlite_file(store.url)
    text = str(file) if file is not None else store.display_url
    return shlex.quote(text)


def is_empty(store: Store) -> bool:
    """True when the store holds no subjects (nothing imported yet)."""
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(schema.subjects)).scalar() == 0
