"""The store's own records of its writes: the audit trail and the imported files' hashes.

Every write appends one :data:`~scirocco_lab.store.schema.audit_log` row in the same
transaction as the write itself (so a rolled-back write leaves no audit row either). The trail
holds pseudonyms and record keys only, never names or e-mail addresses.

>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> with store.transaction() as connection:
...     audit(connection, "import", "evaluation_sources", keys=["fg-1"], counts={"turns": 3},
...           file="fg.txt", who="coder-A")
>>> audit_frame(store)[["who", "action", "table", "keys", "counts", "file"]].values.tolist()
[['coder-A', 'import', 'evaluation_sources', 'fg-1', 'turns=3', 'fg.txt']]
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, delete, select

from scirocco_lab.errors import DuplicateRecordError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store.engine import Store
from scirocco_lab.store.schema import audit_log, imported_files

__all__ = [
    "ACTOR_ENV",
    "SHOWN_KEYS",
    "audit",
    "audit_frame",
    "check_reimport",
    "current_actor",
    "file_digest",
    "forget_import",
    "previous_import",
    "record_file_import",
    "record_import",
]

#: Environment variable naming who writes (a facilitator's name for a workshop), instead of
#: the operating-system user.
ACTOR_ENV = "SCIROCCO_LAB_ACTOR"


def current_actor() -> str:
    """Who is writing: ``SCIROCCO_LAB_ACTOR``, else the OS user name."""
    given = os.environ.get(ACTOR_ENV, "").strip()
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (some containers)
        return "unknown"


def audit(
    connection: Connection,
    action: str,
    table: str,
    *,
    keys: Iterable[str] = (),
    counts: Mapping[str, int] | None = None,
    file: str | os.PathLike[str] | None = None,
    who: str | None = None,
) -> None:
    """Append one audit row inside the caller's transaction."""
    connection.execute(
        audit_log.insert().values(
            at=utc_now(),
            who=who or current_actor(),
            action=action,
            table_name=table,
            keys=json.dumps(sorted({str(k) for k in keys})),
            counts=json.dumps(dict(counts or {}), sort_keys=True),
            file=None if file is None else str(file),
        )
    )


#: How many record keys an audit listing shows per row before "... (N keys)".
SHOWN_KEYS = 5


def _shown_keys(keys: list[str], all_keys: bool) -> str:
    if all_keys or len(keys) <= SHOWN_KEYS:
        return "; ".join(keys)
    return "; ".join(keys[:SHOWN_KEYS]) + f"; ... ({len(keys)} keys)"


def audit_frame(
    store: Store, *, since: dt.datetime | dt.date | None = None, all_keys: bool = False
) -> pd.DataFrame:
    """The audit trail, oldest first: at, who, action, table, keys ("a; b"), counts, file.

    A row's keys are shortened to the first few and their number (a ratings import lists
    every assessment), unless ``all_keys``.
    """
    statement = select(audit_log).order_by(audit_log.c.id)
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        statement = statement.where(audit_log.c.at >= since)
    with store.engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame(
        [
            {
                "at": row.at,
                "who": row.who,
                "action": row.action,
                "table": row.table_name,
                "keys": _shown_keys(json.loads(row.keys or "[]"), all_keys),
                "counts": ", ".join(f"{k}={v}" for k, v in json.loads(row.counts or "{}").items()),
                "file": row.file,
            }
            for row in rows
        ],
        columns=["at", "who", "action", "table", "keys", "counts", "file"],
    )


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's content (the same file under another name has the same one)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def previous_import(connection: Connection, kind: str, digest: str):
    """The earlier import of the same content (``record``, ``file_name``, ``imported_at``)."""
    return connection.execute(
        select(imported_files).where(
            imported_files.c.kind == kind, imported_files.c.sha256 == digest
        )
    ).first()


def forget_import(connection: Connection, kind: str, digest: str) -> None:
    connection.execute(
        delete(imported_files).where(
            imported_files.c.kind == kind, imported_files.c.sha256 == digest
        )
    )


def record_import(
    connection: Connection, kind: str, digest: str, record: str, path: str | os.PathLike[str]
) -> None:
    """Remember that ``path`` (content ``digest``) was imported as ``record``."""
    forget_import(connection, kind, digest)
    connection.execute(
        imported_files.insert().values(
            kind=kind,
            sha256=digest,
            record=record,
            file_name=Path(path).name,
            imported_at=utc_now(),
        )
    )


def check_reimport(
    store: Store, kind: str, path: str | os.PathLike[str], *, replace: bool, noun: str
) -> tuple[str | None, str | None]:
    """Before importing the file at ``path``: its content digest, and the record an earlier
    import of the same content made (``None`` when none did; both ``None`` when ``path`` is no
    file). Without ``replace``, such a re-import is refused with
    :class:`~scirocco_lab.errors.DuplicateRecordError` naming the earlier ``noun``."""
    if not Path(path).is_file():
        return None, None
    digest = file_digest(path)
    with store.engine.connect() as connection:
        earlier = previous_import(connection, kind, digest)
    if earlier is None:
        return digest, None
    if not replace:
        raise DuplicateRecordError(
            f"{path}: this file was already imported (same content as '{earlier.file_name}', "
            f"imported {earlier.imported_at:%Y-%m-%d %H:%M} as {noun} '{earlier.record}'). "
            "Nothing was written. Fix: pass --replace (replace=True) to import it again in "
            "its place."
        )
    return digest, earlier.record


def record_file_import(
    connection: Connection,
    kind: str,
    digest: str | None,
    record: str,
    path: str | os.PathLike[str],
    *,
    table: str,
    counts: Mapping[str, int],
) -> None:
    """In the import's own transaction: remember the file's content (``digest`` from
    :func:`check_reimport`, ``None`` for no file) and append the import's audit row."""
    if digest is not None:
        record_import(connection, kind, digest, record, path)
    audit(connection, "import", table, keys=[record], counts=counts, file=path)
