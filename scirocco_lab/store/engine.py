"""Opening a store: the engine, the schema version check and the tables every domain
registers.

>>> store = open_store("sqlite://")
>>> is_empty(store)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

from scirocco_lab.config import store_url
from scirocco_lab.errors import (
    SchemaVersionError,
    StoreError,
)
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import schema
from scirocco_lab.store.schema import SCHEMA_VERSION

__all__ = ["Store", "is_empty", "open_store"]


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
        """The URL with any password hidden, for messages and reports."""
        return self.engine.url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and by default create) the store at ``url``.

    ``url`` is a SQLAlchemy URL or a file path (SQLite); ``None`` uses
    ``SCIROCCO_LAB_STORE`` or the project's ``data/scirocco-lab.db``. A store written by a
    newer scirocco-lab is refused with :class:`SchemaVersionError`.
    """
    resolved = store_url(url)
    kwargs: dict = {}
    if resolved.startswith("sqlite"):
        path = resolved.split(":///", 1)[-1] if ":///" in resolved else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Wait for a concurrent writer instead of failing at once (workshops write in parallel).
        kwargs["connect_args"] = {"timeout": 30}
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
        _prepare(store, create=create)
    except OperationalError as exc:
        raise StoreError(
            f"cannot open the store at {store.display_url}: {exc.orig}. Check the path or "
            "URL (option --store or environment variable SCIROCCO_LAB_STORE)."
        ) from exc
    return store


def _prepare(store: Store, *, create: bool) -> None:
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
        version = int(found) if found is not None else 0
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the store at {store.display_url} has schema version {version}, but this "
                f"scirocco-lab understands up to version {SCHEMA_VERSION}. Upgrade "
                "scirocco-lab (pip install -U scirocco-lab, or git pull and make) to open it."
            )
        # Tables added within a schema version (new record kinds) are created on open.
        schema.metadata.create_all(connection)


def is_empty(store: Store) -> bool:
    """True when the store holds no subjects (nothing imported yet)."""
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(schema.subjects)).scalar() == 0
