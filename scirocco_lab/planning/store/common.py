"""What the planning store modules share: column lists, the save summary, key lookups,
the people upsert, the problem report and the steps every save takes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

from sqlalchemy import Column, Connection, Table, select

from scirocco_lab.errors import DataValidationError, InputProblem, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    DuplicatePlanningRecordError,
    MilestoneRecord,
    PlanningContext,
)
from scirocco_lab.store import Store, resolve_instrument, schema
from scirocco_lab.store.ledger import audit

__all__ = [
    "ACTION_COLUMNS",
    "ACTION_PLAN_COLUMNS",
    "ACTIVITY_COLUMNS",
    "ASSET_COLUMNS",
    "ASSIGNMENT_COLUMNS",
    "COACHING_PROGRAMME_COLUMNS",
    "COACH_COLUMNS",
    "MILESTONE_COLUMNS",
    "PROGRAMME_COLUMNS",
    "SESSION_COLUMNS",
    "STAKEHOLDER_COLUMNS",
    "TEAM_COLUMNS",
    "RecordKind",
    "SaveSummary",
    "as_tuple",
    "audit_saves",
    "check_and_clear",
    "insert_or_update",
    "insert_rows",
    "json_list",
    "key_ids",
    "milestone_rows",
    "not_found_error",
    "planning_context",
    "planning_context_of",
    "raise_problems",
    "record_of",
    "record_saver",
    "region_ids",
    "stored_row",
    "subject_key",
    "upsert_people",
]

_Record = TypeVar("_Record")

ASSET_COLUMNS = [
    "asset", "kind", "title", "description", "dimensions", "languages", "region", "url",
    "synthetic",
]  # fmt: skip
PROGRAMME_COLUMNS = [
    "programme", "title", "receiving_region", "transferring_region", "dimensions", "needs",
    "objectives", "stakeholders", "assets", "evaluation_plan", "start", "end", "status",
    "synthetic",
]  # fmt: skip
STAKEHOLDER_COLUMNS = [
    "programme", "position", "stakeholder", "role", "organisation", "synthetic",
]  # fmt: skip
ACTIVITY_COLUMNS = [
    "programme", "activity", "kind", "title", "location", "start", "end", "visiting_experts",
    "participants", "dimensions", "expected_outcomes", "status", "synthetic",
]  # fmt: skip
ACTION_PLAN_COLUMNS = [
    "plan", "title", "region", "programme", "actions", "start", "end", "synthetic",
]  # fmt: skip
ACTION_COLUMNS = [
    "plan", "plan_title", "region", "position", "dimension", "objective", "owner", "start",
    "end", "resources", "indicator", "priority", "status", "synthetic",
]  # fmt: skip
COACHING_PROGRAMME_COLUMNS = [
    "programme", "title", "region", "start", "end", "status", "midpoint_review_on",
    "midpoint_summary", "midpoint_decisions", "synthetic",
]  # fmt: skip
COACH_COLUMNS = ["programme", "coach", "role", "organisation", "cohort", "synthetic"]
TEAM_COLUMNS = ["programme", "team", "name", "kind", "description", "synthetic"]
ASSIGNMENT_COLUMNS = ["programme", "coach", "team", "role", "start", "end", "synthetic"]
MILESTONE_COLUMNS = [
    "programme", "programme_kind", "region", "milestone", "title", "due", "done_on", "status",
    "synthetic",
]  # fmt: skip
SESSION_COLUMNS = [
    "programme", "session_date", "coach", "team", "duration_minutes", "focus", "notes",
    "synthetic",
]  # fmt: skip


@dataclass(frozen=True)
class SaveSummary:
    """What one save wrote: the record kind and key, whether it replaced a stored record,
    and how many parts it has (e.g. ``(("activities", 4), ("milestones", 8))``)."""

    record: str
    key: str
    replaced: bool = False
    parts: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        parts = ", ".join(f"{count} {name}" for name, count in self.parts)
        verb = "replaced" if self.replaced else "saved"
        return f"{self.record} '{self.key}' {verb}" + (f" ({parts})" if parts else "")


# ---------------------------------------------------------------------------------------
# Shared helpers


def audit_saves(
    connection: Connection, table: str, summaries: Sequence[SaveSummary], action: str = "save"
) -> None:
    """The audit row of planning saves, in their transaction: the records' keys, how many
    were saved or replaced, and the parts written (e.g. ``milestones=8``)."""
    counts: dict[str, int] = {}
    for summary in summaries:
        verb = "replaced" if summary.replaced else "saved"
        name = f"{summary.record.replace(' ', '_')}_{verb}"
        counts[name] = counts.get(name, 0) + 1
        for part, count in summary.parts:
            counts[part.replace(" ", "_")] = counts.get(part.replace(" ", "_"), 0) + count
    audit(connection, action, table, keys=[s.key for s in summaries], counts=counts)


def json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def as_tuple(text) -> tuple[str, ...]:
    return tuple(json.loads(text)) if isinstance(text, str) and text else ()


def key_ids(connection: Connection, table: Table, *where) -> dict[str, int]:
    statement = select(table.c.key, table.c.id)
    for condition in where:
        statement = statement.where(condition)
    return {row.key: row.id for row in connection.execute(statement)}


def region_ids(connection: Connection) -> dict[str, int]:
    return key_ids(connection, schema.subjects, schema.subjects.c.kind == "system")


def planning_context_of(connection: Connection, instrument: Instrument) -> PlanningContext:
    kt = tables.kt_programmes
    regions = schema.subjects.alias("receiving")
    programmes = connection.execute(
        select(kt.c.key, regions.c.key.label("region")).join(
            regions, regions.c.id == kt.c.receiving_region_id
        )
    ).all()
    return PlanningContext(
        regions=frozenset(region_ids(connection)),
        dimensions=tuple(instrument.dimension_keys),
        assets=frozenset(key_ids(connection, tables.planning_assets)),
        programmes={row.key: row.region for row in programmes},
        coaching_programmes=frozenset(key_ids(connection, tables.coaching_programmes)),
        instrument=instrument.id,
    )


def planning_context(store: Store, instrument: str | Instrument | None = None) -> PlanningContext:
    """What validation checks against, read from the store (for forms that validate as the
    user types). ``instrument`` defaults to scirocco-exchange.

    >>> from scirocco_lab.store import open_store
    >>> planning_context(open_store("sqlite://")).dimensions[0]
    'readiness_to_change'
    """
    chosen = resolve_instrument(store, instrument)
    with store.engine.connect() as connection:
        return planning_context_of(connection, chosen)


def raise_problems(
    problems: list[InputProblem], *, source: str, key: str, exists: bool, replace: bool
) -> None:
    """Raise when anything is wrong; a stored key (without ``replace``) alone is a
    :class:`DuplicatePlanningRecordError`, which is also a DataValidationError."""
    duplicate = exists and not replace
    if duplicate:
        problems = [
            InputProblem(
                source,
                None,
                "key",
                key,
                "a record with this key is already in the store",
                "choose another key, or save with replace=True to overwrite the stored record",
            ),
            *problems,
        ]
    if duplicate and len(problems) == 1:
        raise DuplicatePlanningRecordError(problems)
    if problems:
        raise DataValidationError(problems)


def upsert_people(connection: Connection, people: Sequence, synthetic: bool) -> dict[str, int]:
    """Pseudonym -> planning_people.id; adds new people, updates the organisation and the
    identity of known ones when given (the latest record wins)."""
    people_table, identities = tables.planning_people, tables.planning_person_identities
    pseudonyms = [person.pseudonym for person in people]
    known = {
        row.pseudonym: row.id
        for row in connection.execute(
            select(people_table.c.pseudonym, people_table.c.id).where(
                people_table.c.pseudonym.in_(pseudonyms or [""])
            )
        )
    }
    now = utc_now()
    for person in people:
        person_id = known.get(person.pseudonym)
        if person_id is None:
            person_id = connection.execute(
                people_table.insert().values(
                    pseudonym=person.pseudonym,
                    organisation=person.organisation,
                    synthetic=synthetic,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            known[person.pseudonym] = person_id
        elif person.organisation is not None:
            connection.execute(
                people_table.update()
                .where(people_table.c.id == person_id)
                .values(organisation=person.organisation)
            )
        if person.full_name or person.email:
            connection.execute(identities.delete().where(identities.c.person_id == person_id))
            connection.execute(
                identities.insert().values(
                    person_id=person_id, full_name=person.full_name, email=person.email
                )
            )
    return known


def insert_or_update(connection: Connection, table: Table, key: str, existing_id, values) -> int:
    """Update the stored row in place (links to it survive) or insert a new one."""
    if existing_id is not None:
        connection.execute(table.update().where(table.c.id == existing_id).values(**values))
        return existing_id
    return connection.execute(table.insert().values(key=key, **values)).inserted_primary_key[0]


def milestone_rows(programme_id: int, milestones: Sequence[MilestoneRecord]) -> list[dict]:
    return [
        {
            "programme_id": programme_id,
            "key": milestone.key,
            "position": position,
            "title": milestone.title,
            "due_on": milestone.due,
            "done_on": milestone.done_on,
            "status": milestone.status,
        }
        for position, milestone in enumerate(milestones, start=1)
    ]


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    if rows:
        connection.execute(table.insert(), rows)


def not_found_error(what: str, key: str, known: Iterable[str], hint: str) -> NotFoundError:
    listed = ", ".join(sorted(known)) or "none yet"
    return NotFoundError(f"no {what} with key '{key}' in the store. Known: {listed}. {hint}")


@dataclass(frozen=True)
class RecordKind:
    """What saving and finding one kind of planning record needs: its name in messages
    (``what``), its table, its validation (record, context -> problems), the columns of its
    part tables that point at it (``parts``, children before the tables they refer to),
    which a replacing save empties, and the record's fields counted in the save summary."""

    what: str
    table: Table
    validate: Callable[[object, PlanningContext], list[InputProblem]]
    parts: tuple[Column, ...] = ()
    counted: tuple[str, ...] = ()

    def summary(self, record, existing_id: int | None) -> SaveSummary:
        """What saving ``record`` wrote (``existing_id``: the stored record it replaced)."""
        parts = tuple((name, len(getattr(record, name))) for name in self.counted)
        return SaveSummary(self.what, record.key, existing_id is not None, parts)


def stored_row(connection: Connection, kind: RecordKind, key: str):
    """The stored row of a planning record by key; :class:`NotFoundError` lists the keys
    stored."""
    table = kind.table
    row = connection.execute(select(table).where(table.c.key == key)).one_or_none()
    if row is None:
        known = key_ids(connection, table)
        raise not_found_error(kind.what, key, known, "See `scirocco-lab plan list`.")
    return row


def subject_key(connection: Connection, subject_id: int) -> str:
    """The key of a region (a stored subject) by its id."""
    subjects = schema.subjects
    return connection.execute(
        select(subjects.c.key).where(subjects.c.id == subject_id)
    ).scalar_one()


def check_and_clear(
    connection: Connection, kind: RecordKind, record, chosen: Instrument, *, replace: bool
) -> int | None:
    """The first steps of every ``save_*_in``: validate ``record`` against the store (raising
    every problem, see :func:`raise_problems`) and, when it replaces a stored record, delete
    that record's parts. Returns the stored record's id, or None when the record is new."""
    table = kind.table
    existing_id = key_ids(connection, table, table.c.key == record.key).get(record.key)
    raise_problems(
        kind.validate(record, planning_context_of(connection, chosen)),
        source=f"{kind.what} '{record.key}'",
        key=record.key,
        exists=existing_id is not None,
        replace=replace,
    )
    for column in kind.parts if existing_id is not None else ():
        connection.execute(column.table.delete().where(column == existing_id))
    return existing_id


def record_saver(
    save_in: Callable[..., SaveSummary | tuple[SaveSummary, ...]], audit_table: str, doc: str
):
    """The public ``save_*`` function of one record kind, named after ``save_in`` without its
    ``_in``: it resolves ``instrument`` (default scirocco-exchange), runs ``save_in(connection,
    record, instrument, replace=...)`` in one transaction and writes the audit row of what it
    saved (on ``audit_table``, named ``action``) there. The record kinds differ only in
    ``save_in``, so their public functions share this body; ``doc`` is the docstring.
    """

    def save(
        store: Store,
        record,
        *,
        replace: bool = False,
        instrument: str | Instrument | None = None,
        action: str = "save",
    ) -> SaveSummary | tuple[SaveSummary, ...]:
        chosen = resolve_instrument(store, instrument)
        with store.transaction() as connection:
            saved = save_in(connection, record, chosen, replace=replace)
            summaries = saved if isinstance(saved, tuple) else (saved,)
            if summaries:
                audit_saves(connection, audit_table, summaries, action)
            return saved

    save.__name__ = save.__qualname__ = save_in.__name__.removesuffix("_in")
    save.__module__ = save_in.__module__
    save.__doc__ = doc
    return save


def record_of(cls: type[_Record], row, **values) -> _Record:
    """A record of the dataclass ``cls`` from a stored row: each field from ``values`` when
    given there (a renamed or converted column, a part read separately), else from the row's
    column of the same name.

    >>> from collections import namedtuple
    >>> row = namedtuple("Row", "key title due_on done_on status")("m1", "Go", None, None, "late")
    >>> record_of(MilestoneRecord, row, due=row.due_on)
    MilestoneRecord(key='m1', title='Go', due=None, done_on=None, status='late')
    """
    columns = row._asdict()
    return cls(
        **{f.name: values[f.name] if f.name in values else columns[f.name] for f in fields(cls)}
    )
