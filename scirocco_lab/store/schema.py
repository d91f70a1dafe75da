"""The store's tables, in SQLAlchemy Core.

Portable types only (no SQLite-specific features), so the same schema serves PostgreSQL by
URL alone. Personal data (assessors' names and e-mail addresses) lives in its own table,
``assessor_identities``, which no rating or report query joins.
"""

from __future__ import annotations

import importlib

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "HEAD_REVISION",
    "PRE_ALEMBIC_REVISION",
    "REVISIONS",
    "SCHEMA_VERSION",
    "TABLE_MODULES",
    "assessor_identities",
    "assessors",
    "audit_log",
    "created_at_column",
    "date_span_check",
    "enum_check",
    "id_column",
    "imported_files",
    "instruments",
    "key_column",
    "link_table",
    "metadata",
    "part_of",
    "person_tables",
    "record_table",
    "refers_to",
    "region_column",
    "register_tables",
    "store_meta",
    "subject_column",
    "subjects",
    "synthetic_column",
    "updated_at_column",
]

#: The store's kind of versioning: 1 was one number for every schema; 2 is the Alembic
#: revision in ``alembic_version`` (a scirocco-lab from before then refuses such a store as
#: newer than itself, instead of opening it without knowing its tables).
SCHEMA_VERSION = 2

#: The Alembic revisions in ``store/migrations/versions/``, oldest first; the last is the
#: head, which a new store is created at. A change to any table is a new revision file and
#: its id added here (tests check both agree, and that the head matches :data:`metadata`).
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD_REVISION = REVISIONS[-1]

#: The schema of the last scirocco-lab before revisions were recorded: a store from then
#: (``schema_version`` 1) is adopted at this revision by ``store upgrade``.
PRE_ALEMBIC_REVISION = "0003"

metadata = MetaData()

#: The modules whose import defines each domain's tables on :data:`metadata`. The store sits
#: below the domains, so it imports them by name when a store is opened, never at import time.
TABLE_MODULES = (
    "scirocco_lab.assessment.tables",
    "scirocco_lab.comparison.tables",
    "scirocco_lab.planning.tables",
    "scirocco_lab.evaluation.tables",
)


# The columns most tables share, written once so every table spells them alike.


def id_column() -> Column:
    """The surrogate key a table's rows are referenced by.

    >>> id_column().primary_key
    True
    """
    return Column("id", Integer, primary_key=True, autoincrement=True)


def key_column(length: int = 100) -> Column:
    """The natural key a record is known by outside the store (unique, required).

    >>> column = key_column(200)
    >>> column.name, column.type.length, column.unique, column.nullable
    ('key', 200, True, False)
    """
    return Column("key", String(length), nullable=False, unique=True)


def record_table(name: str, *elements) -> Table:
    """A table on :data:`metadata` whose rows are referenced by an :func:`id_column`, then
    ``elements`` (its other columns and constraints).

    >>> [column.name for column in subjects.columns][:3]
    ['id', 'key', 'kind']
    """
    return Table(name, metadata, id_column(), *elements)


def _reference(name: str, parent: str, ondelete, *, key: bool, required: bool, index: bool):
    reference = ForeignKey(f"{parent}.id", ondelete=ondelete)
    if key:
        return Column(name, Integer, reference, primary_key=True)
    return Column(name, Integer, reference, nullable=not required, index=index or None)


def refers_to(
    name: str, parent: str, *, key: bool = False, required: bool = False, index: bool = False
) -> Column:
    """A reference to ``parent.id`` that does not own the row (no ON DELETE): part of the
    primary key with ``key=True``, else optional unless ``required``.

    >>> column = refers_to("coder_id", "evaluation_coders", required=True)
    >>> column.nullable, next(iter(column.foreign_keys)).target_fullname
    (False, 'evaluation_coders.id')
    """
    return _reference(name, parent, None, key=key, required=required, index=index)


def subject_column(name: str, *, required: bool = False, index: bool = False) -> Column:
    """A reference to a region or good practice (``subjects.id``). Reports filter by these
    columns, one region at a time: ``index=True`` where they do.

    >>> subject_column("region_id", required=True, index=True).index
    True
    """
    return refers_to(name, "subjects", required=required, index=index)


def region_column(*, index: bool = False) -> Column:
    """``region``: a region referenced by its key (``subjects.key``), so a frame shows it
    without a join.

    >>> next(iter(region_column().foreign_keys)).target_fullname
    'subjects.key'
    """
    return Column("region", String(100), ForeignKey("subjects.key"), index=index or None)


def part_of(name: str, parent: str, *, key: bool = False, index: bool = False) -> Column:
    """A reference to ``parent.id`` for rows that belong to it and go with it (ON DELETE
    CASCADE): part of the primary key with ``key=True``, else required.

    >>> column = part_of("source_id", "evaluation_sources", key=True)
    >>> column.primary_key, next(iter(column.foreign_keys)).ondelete
    (True, 'CASCADE')
    """
    return _reference(name, parent, "CASCADE", key=key, required=True, index=index)


def link_table(name: str, owner: tuple[str, str], member: tuple[str, str], *elements) -> Table:
    """Members listed in order under an owner: ``owner`` and ``member`` are (column, table)
    pairs, their two columns the key; a link goes with its owner (ON DELETE CASCADE).

    >>> from scirocco_lab.planning.tables import kt_programme_assets
    >>> [column.name for column in kt_programme_assets.columns]
    ['programme_id', 'asset_id', 'position']
    """
    return Table(
        name,
        metadata,
        part_of(*owner, key=True),
        refers_to(*member, key=True),
        Column("position", Integer, nullable=False),
        *elements,
    )


def synthetic_column() -> Column:
    """True for the demo data (reports mark it as synthetic)."""
    return Column("synthetic", Boolean, nullable=False, default=False)


def created_at_column() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False)


def updated_at_column() -> Column:
    return Column("updated_at", DateTime(timezone=True), nullable=False)


def register_tables() -> None:
    """Import every domain's tables module, so :data:`metadata` knows every table."""
    for module in TABLE_MODULES:
        importlib.import_module(module)


def enum_check(
    column: str, values: tuple[str, ...], name: str, *, nullable: bool = False
) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (the enum lists live with the records).

    >>> str(enum_check("status", ("draft", "done"), "x").sqltext)
    "status IN ('draft', 'done')"
    """
    listed = ", ".join(f"'{value}'" for value in values)
    condition = f"{column} IN ({listed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name)


def date_span_check(name: str) -> CheckConstraint:
    """A CHECK that ``end_on`` is not before ``start_on`` (either may be empty)."""
    return CheckConstraint("start_on IS NULL OR end_on IS NULL OR end_on >= start_on", name=name)


def person_tables(
    name: str,
    identities_name: str,
    person_column: str,
    *columns: Column,
    pseudonym_length: int = 100,
) -> tuple[Table, Table]:
    """People by pseudonym (``name``, with ``columns``) and, apart, their identities.

    The identities table (``identities_name``: full name and e-mail, keyed by
    ``person_column``) is deleted with the person and joined by no frame unless identities
    are asked for; every report and export works from the pseudonym table alone.
    """
    people = record_table(
        name,
        Column("pseudonym", String(pseudonym_length), nullable=False, unique=True),
        *columns,
        synthetic_column(),
        created_at_column(),
    )
    identities = Table(
        identities_name,
        metadata,
        part_of(person_column, name, key=True),
        Column("full_name", String(300)),
        Column("email", String(300)),
    )
    return people, identities


store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# What every write did, as REDCap keeps it: who (an OS user or a name the facilitator gave),
# when, which action on which table, the record keys and counts, and from which file. Keys are
# pseudonyms and record keys, never names or e-mail addresses.
audit_log = record_table(
    "audit_log",
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("table_name", String(100), nullable=False),
    Column("keys", Text),  # JSON list of record keys
    Column("counts", Text),  # JSON object: what was written, e.g. {"turns": 40}
    Column("file", Text),
)

# The files imported, by content hash, so that importing the same file again is recognised.
imported_files = record_table(
    "imported_files",
    Column("kind", String(50), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("record", String(200), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "sha256", name="uq_imported_files_kind_sha256"),
)

instruments = Table(
    "instruments",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("version", String(50), nullable=False),
    Column("title", String(300), nullable=False),
    # The instrument as stored JSON, so the store stays readable without the original file.
    Column("definition", Text, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

subjects = record_table(
    "subjects",
    key_column(),
    Column("kind", String(20), nullable=False),
    Column("name", String(300), nullable=False),
    Column("country", String(100)),
    refers_to("owner_id", "subjects"),
    Column("description", Text),
    synthetic_column(),
    created_at_column(),
    CheckConstraint("kind IN ('system', 'good_practice')", name="subject_kind"),
)

assessors, assessor_identities = person_tables(
    "assessors",
    "assessor_identities",
    "assessor_id",
    Column("role", String(200)),
    Column("sector", String(200)),
    Column("organisation", String(300)),
    subject_column("home_subject_id"),
)
