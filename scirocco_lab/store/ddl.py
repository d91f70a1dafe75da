"""The building blocks the baseline revision (``store/migrations/versions/0001_baseline.py``)
is written with; the later revisions are in the form Alembic's autogenerate gives them.

A revision states the schema as it was when it was written, so these are frozen: they never
read the live tables (:mod:`~scirocco_lab.store.schema` and the domains' ``tables`` modules
change; history must not), and a change to one of them would change every store made since.
A new revision that needs something else adds a new function.

Each column is a :class:`Field`; :func:`table` turns fields into ``op.create_table`` with the
constraints in the order Alembic's autogenerate wrote them when the revisions were made
(checks as given, foreign keys by column, the primary key, unique columns by name, then the
named unique constraints), so the DDL is what it was.

>>> field = part_of("source_id", "evaluation_sources")
>>> field.column().nullable, field.references, field.ondelete
(False, 'evaluation_sources.id', 'CASCADE')
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from scirocco_lab.store.migrate import create_table

__all__ = [
    "DATE_SPAN",
    "Field",
    "binary",
    "date",
    "flag",
    "identities",
    "integer",
    "key_column",
    "link_table",
    "number",
    "part_of",
    "record",
    "reference",
    "region",
    "string",
    "subject",
    "surrogate_key",
    "synthetic_and",
    "table",
    "text",
    "timestamp",
]


@dataclass(frozen=True)
class Field:
    """One column of a revision's table and the constraints :func:`table` makes of it: the
    primary key (``key``), a foreign key to ``references`` ("table.column"), a UNIQUE."""

    name: str
    type: sa.types.TypeEngine
    required: bool = False
    key: bool = False
    autoincrement: bool = False
    references: str | None = None
    ondelete: str | None = None
    unique: bool = False

    def column(self) -> sa.Column:
        """The column as ``op.create_table`` takes it (its constraints apart)."""
        if self.autoincrement:
            return sa.Column(self.name, self.type, autoincrement=True, nullable=False)
        return sa.Column(self.name, self.type, nullable=not (self.required or self.key))


def string(
    name: str, length: int, *, required: bool = False, key: bool = False, unique: bool = False
) -> Field:
    return Field(name, sa.String(length=length), required=required, key=key, unique=unique)


def text(name: str, *, required: bool = False) -> Field:
    return Field(name, sa.Text(), required=required)


def integer(name: str, *, required: bool = False, key: bool = False) -> Field:
    return Field(name, sa.Integer(), required=required, key=key)


def number(name: str) -> Field:
    """An optional floating-point number."""
    return Field(name, sa.Float())


def flag(name: str) -> Field:
    """A required true/false."""
    return Field(name, sa.Boolean(), required=True)


def date(name: str, *, required: bool = False) -> Field:
    return Field(name, sa.Date(), required=required)


def timestamp(name: str, *, required: bool = False) -> Field:
    """A date and time with its time zone."""
    return Field(name, sa.DateTime(timezone=True), required=required)


def binary(name: str) -> Field:
    """Required bytes."""
    return Field(name, sa.LargeBinary(), required=True)


def surrogate_key() -> Field:
    """``id``, the integer key a table's rows are referenced by."""
    return Field("id", sa.Integer(), key=True, autoincrement=True)


def key_column(length: int = 100) -> Field:
    """``key``, the unique natural key a record is known by."""
    return string("key", length, required=True, unique=True)


def reference(
    name: str,
    target: str,
    type_: sa.types.TypeEngine | None = None,
    *,
    required: bool = False,
    key: bool = False,
    ondelete: str | None = None,
) -> Field:
    """A foreign key to ``target`` ("table.column"; an integer unless ``type_`` says)."""
    return Field(
        name,
        sa.Integer() if type_ is None else type_,
        required=required,
        key=key,
        references=target,
        ondelete=ondelete,
    )


def subject(name: str, *, required: bool = False) -> Field:
    """A reference to a region or good practice (``subjects.id``)."""
    return reference(name, "subjects.id", required=required)


def region() -> Field:
    """``region``: a region by its key (``subjects.key``)."""
    return reference("region", "subjects.key", sa.String(length=100))


def part_of(name: str, parent: str, *, key: bool = False) -> Field:
    """A required reference to ``parent.id``, deleted with it (ON DELETE CASCADE)."""
    return reference(name, f"{parent}.id", required=True, key=key, ondelete="CASCADE")


def synthetic_and(stamp: str) -> tuple[Field, Field]:
    """``synthetic`` (demo data) and the required time stamp ``stamp``, as records end."""
    return flag("synthetic"), timestamp(stamp, required=True)


#: The condition that ``end_on`` is not before ``start_on`` (either may be empty).
DATE_SPAN = "start_on IS NULL OR end_on IS NULL OR end_on >= start_on"


def table(
    name: str,
    *fields: Field,
    checks: dict[str, str] | None = None,
    unique: dict[str, tuple[str, ...]] | None = None,
) -> None:
    """Create the table ``name`` (kept as it is when adopting an older store) from
    ``fields``, the ``checks`` (name: condition) and the ``unique`` constraints (name:
    columns)."""
    by_name = sorted(fields, key=lambda field: field.name)
    # In autogenerate's order: the DDL lists a table's constraints as they were made, the
    # primary key first.
    constraints = [
        *(sa.CheckConstraint(condition, name=key) for key, condition in (checks or {}).items()),
        *(
            sa.ForeignKeyConstraint([f.name], [f.references], ondelete=f.ondelete)
            for f in by_name
            if f.references is not None
        ),
        sa.PrimaryKeyConstraint(*(f.name for f in fields if f.key)),
        *(sa.UniqueConstraint(f.name) for f in by_name if f.unique),
        *(sa.UniqueConstraint(*on, name=key) for key, on in (unique or {}).items()),
    ]
    create_table(name, *(f.column() for f in fields), *constraints)


def record(name: str, *fields: Field, **constraints) -> None:
    """:func:`table` for records referenced by a :func:`surrogate_key`: ``id`` first."""
    table(name, surrogate_key(), *fields, **constraints)


def link_table(name: str, owner: tuple[str, str], member: tuple[str, str], *fields: Field) -> None:
    """Members listed in order under an owner: ``owner`` and ``member`` are (column, table)
    pairs, their columns the key; a link goes with its owner."""
    table(
        name,
        part_of(*owner, key=True),
        reference(member[0], f"{member[1]}.id", key=True),
        integer("position", required=True),
        *fields,
    )


def identities(name: str, person_column: str, people: str) -> None:
    """A people table's identities (full name and e-mail), kept apart and deleted with the
    person."""
    table(
        name,
        part_of(person_column, people, key=True),
        string("full_name", 300),
        string("email", 300),
    )
