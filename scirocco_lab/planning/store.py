"""Saving, loading and reading planning records in the store.

Every save validates the whole record against the store first (regions, dimension keys of
the instrument, catalogue assets, coaches and teams, dates, study-visit limits, duplicates)
and then writes it in one transaction: on any problem it raises
:class:`~scirocco_lab.errors.DataValidationError` listing every problem and writes nothing.
A key already in the store is refused with
:class:`~scirocco_lab.planning.records.DuplicatePlanningRecordError` unless ``replace=True``,
which replaces the record wholesale (its parts: activities, milestones, actions, coaches,
teams, assignments, sessions) while keeping links to it (an action plan's programme, a
programme's assets) intact.

Reads are tidy frames, one row per record, each with a ``synthetic`` column. Dates are
``datetime.date`` objects (object dtype), never Timestamps; keys of dimensions, languages,
assets and stakeholders are tuples. People appear by pseudonym only; ``full_name`` and
``email`` are added only by ``include_identities=True``.

>>> import datetime as dt
>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> actions_frame(store).columns[:4].tolist()
['plan', 'plan_title', 'region', 'position']
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Table, and_, func, or_, select

from scirocco_lab.errors import DataValidationError, InputProblem, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning.records import (
    ACTION_STATUSES,
    MILESTONE_STATUSES,
    PROGRAMME_KINDS,
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    AssetRecord,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    DuplicatePlanningRecordError,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    PlanningBatch,
    PlanningContext,
    StakeholderRecord,
    TeamRecord,
    validate_action_plan,
    validate_assets,
    validate_coaching_programme,
    validate_coaching_session,
    validate_midpoint_review,
    validate_programme,
)
from scirocco_lab.store import Store, resolve_instrument, schema
from scirocco_lab.store import planning_tables as tables

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
    "SaveSummary",
    "action_plans_frame",
    "actions_frame",
    "activities_frame",
    "assets_frame",
    "assignments_frame",
    "coaches_frame",
    "coaching_programmes_frame",
    "has_planning_records",
    "load_action_plan",
    "load_coaching_programme",
    "load_programme",
    "log_coaching_session",
    "milestones_frame",
    "planning_context",
    "programmes_frame",
    "record_midpoint_review",
    "save_action_plan",
    "save_asset",
    "save_assets",
    "save_coaching_programme",
    "save_planning_batch",
    "save_programme",
    "sessions_frame",
    "set_action_status",
    "set_milestone_status",
    "stakeholders_frame",
    "teams_frame",
]

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


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _tuple(text) -> tuple[str, ...]:
    return tuple(json.loads(text)) if isinstance(text, str) and text else ()


def _ids(connection: Connection, table: Table, *where) -> dict[str, int]:
    statement = select(table.c.key, table.c.id)
    for condition in where:
        statement = statement.where(condition)
    return {row.key: row.id for row in connection.execute(statement)}


def _region_ids(connection: Connection) -> dict[str, int]:
    return _ids(connection, schema.subjects, schema.subjects.c.kind == "system")


def _context(connection: Connection, instrument: Instrument) -> PlanningContext:
    kt = tables.kt_programmes
    regions = schema.subjects.alias("receiving")
    programmes = connection.execute(
        select(kt.c.key, regions.c.key.label("region")).join(
            regions, regions.c.id == kt.c.receiving_region_id
        )
    ).all()
    return PlanningContext(
        regions=frozenset(_region_ids(connection)),
        dimensions=tuple(instrument.dimension_keys),
        assets=frozenset(_ids(connection, tables.planning_assets)),
        programmes={row.key: row.region for row in programmes},
        coaching_programmes=frozenset(_ids(connection, tables.coaching_programmes)),
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
        return _context(connection, chosen)


def _raise_problems(
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


def _upsert_people(connection: Connection, people: Sequence, synthetic: bool) -> dict[str, int]:
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


def _insert_or_update(connection: Connection, table: Table, key: str, existing_id, values) -> int:
    """Update the stored row in place (links to it survive) or insert a new one."""
    if existing_id is not None:
        connection.execute(table.update().where(table.c.id == existing_id).values(**values))
        return existing_id
    return connection.execute(table.insert().values(key=key, **values)).inserted_primary_key[0]


def _milestone_rows(programme_id: int, milestones: Sequence[MilestoneRecord]) -> list[dict]:
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


def _insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    if rows:
        connection.execute(table.insert(), rows)


def _not_found(what: str, key: str, known: Iterable[str], hint: str) -> NotFoundError:
    listed = ", ".join(sorted(known)) or "none yet"
    return NotFoundError(f"no {what} with key '{key}' in the store. Known: {listed}. {hint}")


# ---------------------------------------------------------------------------------------
# Assets


def save_assets(
    store: Store,
    assets: Iterable[AssetRecord],
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> SaveSummary:
    """Add catalogue assets (all or none). A key already stored is an error unless
    ``replace``, which updates the stored asset in place (programmes that selected it keep
    it).

    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> str(save_assets(store, [AssetRecord("guide-1", "guideline", "Pooled budgets")]))
    "assets 'guide-1' saved (1 assets)"
    """
    chosen = resolve_instrument(store, instrument)
    with store.transaction() as connection:
        return _save_assets(connection, tuple(assets), chosen, replace=replace)


def _save_assets(
    connection: Connection, assets: tuple[AssetRecord, ...], chosen: Instrument, *, replace: bool
) -> SaveSummary:
    context = _context(connection, chosen)
    problems = validate_assets(assets, context)
    stored = _ids(connection, tables.planning_assets)
    clashes = [asset.key for asset in assets if asset.key in stored]
    if clashes and not replace:
        problems = [
            InputProblem(
                "asset catalogue",
                row,
                "asset",
                asset.key,
                "an asset with this key is already in the catalogue",
                "choose another key, or save with replace=True to overwrite it",
            )
            for row, asset in enumerate(assets, start=1)
            if asset.key in stored
        ] + problems
        if len(problems) == len(clashes):
            raise DuplicatePlanningRecordError(problems)
    if problems:
        raise DataValidationError(problems)
    regions = _region_ids(connection)
    now = utc_now()
    for asset in assets:
        _insert_or_update(
            connection,
            tables.planning_assets,
            asset.key,
            stored.get(asset.key),
            {
                "kind": asset.kind,
                "title": asset.title,
                "description": asset.description,
                "dimensions": _json(asset.dimensions),
                "languages": _json(asset.languages),
                "region_id": regions.get(asset.region) if asset.region else None,
                "url": asset.url,
                "synthetic": asset.synthetic,
                "updated_at": now,
            },
        )
    keys = ", ".join(asset.key for asset in assets[:3]) + (", ..." if len(assets) > 3 else "")
    return SaveSummary("assets", keys, bool(clashes), (("assets", len(assets)),))


def save_asset(
    store: Store,
    asset: AssetRecord,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> SaveSummary:
    """Add one catalogue asset; see :func:`save_assets`."""
    return save_assets(store, [asset], replace=replace, instrument=instrument)


# ---------------------------------------------------------------------------------------
# Knowledge-transfer programmes


def save_programme(
    store: Store,
    programme: KnowledgeTransferProgramme,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> SaveSummary:
    """Validate a knowledge-transfer programme against the store and write it (with its
    stakeholders, selected assets, activities and milestones) in one transaction.

    ``instrument`` (default scirocco-exchange) gives the valid dimension keys.
    """
    chosen = resolve_instrument(store, instrument)
    with store.transaction() as connection:
        return _save_programme(connection, programme, chosen, replace=replace)


def _save_programme(
    connection: Connection,
    programme: KnowledgeTransferProgramme,
    chosen: Instrument,
    *,
    replace: bool,
) -> SaveSummary:
    kt = tables.kt_programmes
    context = _context(connection, chosen)
    existing_id = _ids(connection, kt, kt.c.key == programme.key).get(programme.key)
    _raise_problems(
        validate_programme(programme, context),
        source=f"knowledge-transfer programme '{programme.key}'",
        key=programme.key,
        exists=existing_id is not None,
        replace=replace,
    )
    regions = _region_ids(connection)
    if existing_id is not None:
        for child in (
            tables.kt_stakeholders,
            tables.kt_programme_assets,
            tables.kt_activities,
            tables.kt_milestones,
        ):
            connection.execute(child.delete().where(child.c.programme_id == existing_id))
    programme_id = _insert_or_update(
        connection,
        kt,
        programme.key,
        existing_id,
        {
            "title": programme.title,
            "receiving_region_id": regions[programme.receiving_region],
            "transferring_region_id": regions.get(programme.transferring_region)
            if programme.transferring_region
            else None,
            "dimensions": _json(programme.dimensions),
            "needs": programme.needs,
            "objectives": programme.objectives,
            "evaluation_plan": programme.evaluation_plan,
            "start_on": programme.start,
            "end_on": programme.end,
            "status": programme.status,
            "synthetic": programme.synthetic,
            "updated_at": utc_now(),
        },
    )
    people = _upsert_people(connection, programme.stakeholders, programme.synthetic)
    _insert(
        connection,
        tables.kt_stakeholders,
        [
            {
                "programme_id": programme_id,
                "person_id": people[person.pseudonym],
                "position": position,
                "role": person.role,
            }
            for position, person in enumerate(programme.stakeholders, start=1)
        ],
    )
    asset_ids = _ids(connection, tables.planning_assets)
    _insert(
        connection,
        tables.kt_programme_assets,
        [
            {"programme_id": programme_id, "asset_id": asset_ids[key], "position": position}
            for position, key in enumerate(programme.assets, start=1)
        ],
    )
    _insert(
        connection,
        tables.kt_activities,
        [
            {
                "programme_id": programme_id,
                "key": activity.key,
                "position": position,
                "kind": activity.kind,
                "title": activity.title,
                "location": activity.location,
                "start_on": activity.start,
                "end_on": activity.end,
                "visiting_experts": activity.visiting_experts,
                "participants": activity.participants,
                "dimensions": _json(activity.dimensions),
                "expected_outcomes": activity.expected_outcomes,
                "status": activity.status,
            }
            for position, activity in enumerate(programme.activities, start=1)
        ],
    )
    _insert(connection, tables.kt_milestones, _milestone_rows(programme_id, programme.milestones))
    return SaveSummary(
        "knowledge-transfer programme",
        programme.key,
        existing_id is not None,
        (
            ("stakeholders", len(programme.stakeholders)),
            ("assets", len(programme.assets)),
            ("activities", len(programme.activities)),
            ("milestones", len(programme.milestones)),
        ),
    )


def _milestones_of(connection: Connection, table: Table, programme_id: int):
    rows = connection.execute(
        select(table).where(table.c.programme_id == programme_id).order_by(table.c.position)
    )
    return tuple(
        MilestoneRecord(row.key, row.title, row.due_on, row.done_on, row.status) for row in rows
    )


def load_programme(
    store: Store, key: str, *, include_identities: bool = False
) -> KnowledgeTransferProgramme:
    """A stored knowledge-transfer programme as a record (e.g. to edit and save again with
    ``replace=True``); :class:`NotFoundError` lists the stored keys. Stakeholders' names
    and e-mail addresses only with ``include_identities=True``."""
    kt = tables.kt_programmes
    with store.engine.connect() as connection:
        row = connection.execute(select(kt).where(kt.c.key == key)).one_or_none()
        if row is None:
            raise _not_found(
                "knowledge-transfer programme",
                key,
                _ids(connection, kt),
                "See `scirocco-lab plan list`.",
            )
        subjects = {
            r.id: r.key
            for r in connection.execute(select(schema.subjects.c.id, schema.subjects.c.key))
        }
        stakeholders = tuple(
            StakeholderRecord(
                pseudonym=person.pseudonym,
                role=person.role,
                organisation=person.organisation,
                full_name=person.full_name if include_identities else None,
                email=person.email if include_identities else None,
            )
            for person in connection.execute(
                _people_select(tables.kt_stakeholders, include_identities=True)
                .add_columns(tables.kt_stakeholders.c.role)
                .where(tables.kt_stakeholders.c.programme_id == row.id)
                .order_by(tables.kt_stakeholders.c.position)
            )
        )
        links = tables.kt_programme_assets
        assets = tuple(
            connection.execute(
                select(tables.planning_assets.c.key)
                .join(links, links.c.asset_id == tables.planning_assets.c.id)
                .where(links.c.programme_id == row.id)
                .order_by(links.c.position)
            ).scalars()
        )
        a = tables.kt_activities
        activities = tuple(
            ActivityRecord(
                key=r.key,
                kind=r.kind,
                title=r.title,
                start=r.start_on,
                end=r.end_on,
                location=r.location,
                visiting_experts=r.visiting_experts,
                participants=r.participants,
                dimensions=_tuple(r.dimensions),
                expected_outcomes=r.expected_outcomes,
                status=r.status,
            )
            for r in connection.execute(
                select(a).where(a.c.programme_id == row.id).order_by(a.c.position)
            )
        )
        milestones = _milestones_of(connection, tables.kt_milestones, row.id)
    return KnowledgeTransferProgramme(
        key=row.key,
        title=row.title,
        receiving_region=subjects[row.receiving_region_id],
        dimensions=_tuple(row.dimensions),
        transferring_region=subjects.get(row.transferring_region_id),
        needs=row.needs,
        objectives=row.objectives,
        stakeholders=stakeholders,
        assets=assets,
        activities=activities,
        milestones=milestones,
        evaluation_plan=row.evaluation_plan,
        start=row.start_on,
        end=row.end_on,
        status=row.status,
        synthetic=bool(row.synthetic),
    )


def _people_select(membership: Table, *, include_identities: bool):
    people, identities = tables.planning_people, tables.planning_person_identities
    statement = select(people.c.pseudonym, people.c.organisation).join(
        membership, membership.c.person_id == people.c.id
    )
    if include_identities:
        statement = statement.add_columns(identities.c.full_name, identities.c.email).outerjoin(
            identities, identities.c.person_id == people.c.id
        )
    return statement


# ---------------------------------------------------------------------------------------
# Action plans


def save_action_plan(
    store: Store,
    plan: ActionPlanRecord,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> SaveSummary:
    """Validate an action plan against the store and write it with its actions in one
    transaction (``replace=True`` replaces a stored plan and all its actions)."""
    chosen = resolve_instrument(store, instrument)
    with store.transaction() as connection:
        return _save_action_plan(connection, plan, chosen, replace=replace)


def _save_action_plan(
    connection: Connection, plan: ActionPlanRecord, chosen: Instrument, *, replace: bool
) -> SaveSummary:
    plans = tables.action_plans
    context = _context(connection, chosen)
    existing_id = _ids(connection, plans, plans.c.key == plan.key).get(plan.key)
    _raise_problems(
        validate_action_plan(plan, context),
        source=f"action plan '{plan.key}'",
        key=plan.key,
        exists=existing_id is not None,
        replace=replace,
    )
    if existing_id is not None:
        connection.execute(tables.actions.delete().where(tables.actions.c.plan_id == existing_id))
    programme_ids = _ids(connection, tables.kt_programmes)
    now = utc_now()
    plan_id = _insert_or_update(
        connection,
        plans,
        plan.key,
        existing_id,
        {
            "title": plan.title,
            "region_id": _region_ids(connection)[plan.region],
            "programme_id": programme_ids.get(plan.programme) if plan.programme else None,
            "synthetic": plan.synthetic,
            "updated_at": now,
        },
    )
    _insert(
        connection,
        tables.actions,
        [
            {
                "plan_id": plan_id,
                "position": action.position,
                "dimension_key": action.dimension,
                "objective": action.objective,
                "owner": action.owner,
                "start_on": action.start,
                "end_on": action.end,
                "resources": action.resources,
                "indicator": action.indicator,
                "priority": action.priority,
                "status": action.status,
                "updated_at": now,
            }
            for action in plan.actions
        ],
    )
    return SaveSummary(
        "action plan", plan.key, existing_id is not None, (("actions", len(plan.actions)),)
    )


def _plan_row(connection: Connection, key: str):
    plans = tables.action_plans
    row = connection.execute(select(plans).where(plans.c.key == key)).one_or_none()
    if row is None:
        raise _not_found(
            "action plan", key, _ids(connection, plans), "See `scirocco-lab plan list`."
        )
    return row


def load_action_plan(store: Store, key: str) -> ActionPlanRecord:
    """A stored action plan as a record; :class:`NotFoundError` lists the stored plans."""
    a = tables.actions
    with store.engine.connect() as connection:
        row = _plan_row(connection, key)
        region = connection.execute(
            select(schema.subjects.c.key).where(schema.subjects.c.id == row.region_id)
        ).scalar_one()
        programme = (
            connection.execute(
                select(tables.kt_programmes.c.key).where(
                    tables.kt_programmes.c.id == row.programme_id
                )
            ).scalar_one()
            if row.programme_id is not None
            else None
        )
        actions = tuple(
            ActionRecord(
                position=r.position,
                dimension=r.dimension_key,
                objective=r.objective,
                start=r.start_on,
                end=r.end_on,
                owner=r.owner,
                resources=r.resources,
                indicator=r.indicator,
                priority=r.priority,
                status=r.status,
            )
            for r in connection.execute(
                select(a).where(a.c.plan_id == row.id).order_by(a.c.position)
            )
        )
    return ActionPlanRecord(
        key=row.key,
        title=row.title,
        region=region,
        actions=actions,
        programme=programme,
        synthetic=bool(row.synthetic),
    )


def set_action_status(store: Store, plan: str, position: int, status: str) -> None:
    """Change one action's status (one small transaction).

    >>> # set_action_status(store, "ap-ostermark", 3, "done")
    """
    a = tables.actions
    with store.transaction() as connection:
        row = _plan_row(connection, plan)
        positions = list(
            connection.execute(
                select(a.c.position).where(a.c.plan_id == row.id).order_by(a.c.position)
            ).scalars()
        )
        if status not in ACTION_STATUSES:
            raise DataValidationError(
                [
                    InputProblem(
                        f"action plan '{plan}' actions",
                        position,
                        "status",
                        status,
                        "unknown status",
                        f"use one of {', '.join(ACTION_STATUSES)}",
                    )
                ]
            )
        if position not in positions:
            raise NotFoundError(
                f"action plan '{plan}' has no action {position}; its actions are numbered "
                f"{', '.join(map(str, positions)) or 'none yet'}."
            )
        connection.execute(
            a.update()
            .where(and_(a.c.plan_id == row.id, a.c.position == position))
            .values(status=status, updated_at=utc_now())
        )


# ---------------------------------------------------------------------------------------
# Several records at once


def save_planning_batch(
    store: Store,
    batch: PlanningBatch,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> tuple[SaveSummary, ...]:
    """Write every record of ``batch`` in one transaction: all of them, or (on any problem,
    reported together) none. Assets go first, so programmes can select them, and
    knowledge-transfer programmes before the action plans that refer to them."""
    chosen = resolve_instrument(store, instrument)
    steps = ([(_save_assets, batch.assets)] if batch.assets else []) + [
        (save, record)
        for save, records in (
            (_save_programme, batch.programmes),
            (_save_action_plan, batch.action_plans),
            (_save_coaching_programme, batch.coaching_programmes),
        )
        for record in records
    ]
    summaries: list[SaveSummary] = []
    problems: list[InputProblem] = []
    only_duplicates = True
    with store.transaction() as connection:
        for save, record in steps:
            # Keep going after a bad record so that every problem is reported at once; the
            # transaction is rolled back below, so nothing of the batch is written.
            try:
                summaries.append(save(connection, record, chosen, replace=replace))
            except DataValidationError as exc:
                problems.extend(exc.problems)
                only_duplicates = only_duplicates and isinstance(exc, DuplicatePlanningRecordError)
        if problems:
            raise (DuplicatePlanningRecordError if only_duplicates else DataValidationError)(
                problems
            )
    return tuple(summaries)


# ---------------------------------------------------------------------------------------
# Coaching programmes


def _coaching_row(connection: Connection, key: str):
    cp = tables.coaching_programmes
    row = connection.execute(select(cp).where(cp.c.key == key)).one_or_none()
    if row is None:
        raise _not_found(
            "coaching programme", key, _ids(connection, cp), "See `scirocco-lab plan list`."
        )
    return row


def save_coaching_programme(
    store: Store,
    programme: CoachingProgrammeRecord,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
) -> SaveSummary:
    """Validate a coaching programme and write it (cohort, teams, assignments, milestones,
    sessions, mid-point review) in one transaction."""
    chosen = resolve_instrument(store, instrument)
    with store.transaction() as connection:
        return _save_coaching_programme(connection, programme, chosen, replace=replace)


def _save_coaching_programme(
    connection: Connection, programme: CoachingProgrammeRecord, chosen: Instrument, *, replace: bool
) -> SaveSummary:
    cp = tables.coaching_programmes
    context = _context(connection, chosen)
    existing_id = _ids(connection, cp, cp.c.key == programme.key).get(programme.key)
    _raise_problems(
        validate_coaching_programme(programme, context),
        source=f"coaching programme '{programme.key}'",
        key=programme.key,
        exists=existing_id is not None,
        replace=replace,
    )
    if existing_id is not None:
        # Children first: sessions and assignments refer to coaches and teams.
        for child in (
            tables.coaching_sessions,
            tables.coaching_assignments,
            tables.coaching_milestones,
            tables.coaching_coaches,
            tables.coaching_teams,
        ):
            connection.execute(child.delete().where(child.c.programme_id == existing_id))
    review = programme.midpoint_review
    programme_id = _insert_or_update(
        connection,
        cp,
        programme.key,
        existing_id,
        {
            "title": programme.title,
            "region_id": _region_ids(connection)[programme.region],
            "start_on": programme.start,
            "end_on": programme.end,
            "status": programme.status,
            "midpoint_review_on": review.reviewed_on if review else None,
            "midpoint_summary": review.summary if review else None,
            "midpoint_decisions": review.decisions if review else None,
            "synthetic": programme.synthetic,
            "updated_at": utc_now(),
        },
    )
    people = _upsert_people(connection, programme.coaches, programme.synthetic)
    coach_ids = {}
    for position, coach in enumerate(programme.coaches, start=1):
        coach_ids[coach.pseudonym] = connection.execute(
            tables.coaching_coaches.insert().values(
                programme_id=programme_id,
                person_id=people[coach.pseudonym],
                position=position,
                role=coach.role,
                cohort=coach.cohort,
            )
        ).inserted_primary_key[0]
    team_ids = {}
    for position, team in enumerate(programme.teams, start=1):
        team_ids[team.key] = connection.execute(
            tables.coaching_teams.insert().values(
                programme_id=programme_id,
                key=team.key,
                position=position,
                name=team.name,
                kind=team.kind,
                description=team.description,
            )
        ).inserted_primary_key[0]
    _insert(
        connection,
        tables.coaching_assignments,
        [
            {
                "programme_id": programme_id,
                "coach_id": coach_ids[assignment.coach],
                "team_id": team_ids[assignment.team],
                "role": assignment.role,
                "start_on": assignment.start,
                "end_on": assignment.end,
            }
            for assignment in programme.assignments
        ],
    )
    _insert(
        connection,
        tables.coaching_milestones,
        _milestone_rows(programme_id, programme.milestones),
    )
    now = utc_now()
    _insert(
        connection,
        tables.coaching_sessions,
        [
            _session_row(programme_id, session, coach_ids, team_ids, now)
            for session in programme.sessions
        ],
    )
    return SaveSummary(
        "coaching programme",
        programme.key,
        existing_id is not None,
        (
            ("coaches", len(programme.coaches)),
            ("teams", len(programme.teams)),
            ("assignments", len(programme.assignments)),
            ("milestones", len(programme.milestones)),
            ("sessions", len(programme.sessions)),
        ),
    )


def _session_row(programme_id, session: CoachingSessionRecord, coach_ids, team_ids, now) -> dict:
    return {
        "programme_id": programme_id,
        "session_date": session.session_date,
        "coach_id": coach_ids[session.coach],
        "team_id": team_ids[session.team],
        "duration_minutes": session.duration_minutes,
        "focus": session.focus,
        "notes": session.notes,
        "logged_at": now,
    }


def _coach_and_team_ids(connection: Connection, programme_id: int):
    coaches, people = tables.coaching_coaches, tables.planning_people
    coach_ids = {
        row.pseudonym: row.id
        for row in connection.execute(
            select(people.c.pseudonym, coaches.c.id)
            .join(coaches, coaches.c.person_id == people.c.id)
            .where(coaches.c.programme_id == programme_id)
        )
    }
    team_ids = _ids(
        connection, tables.coaching_teams, tables.coaching_teams.c.programme_id == programme_id
    )
    return coach_ids, team_ids


def load_coaching_programme(
    store: Store, key: str, *, include_identities: bool = False
) -> CoachingProgrammeRecord:
    """A stored coaching programme as a record; :class:`NotFoundError` lists the stored
    keys. Coaches' names and e-mail addresses only with ``include_identities=True``."""
    coaches, teams = tables.coaching_coaches, tables.coaching_teams
    with store.engine.connect() as connection:
        row = _coaching_row(connection, key)
        region = connection.execute(
            select(schema.subjects.c.key).where(schema.subjects.c.id == row.region_id)
        ).scalar_one()
        coach_rows = connection.execute(
            _people_select(coaches, include_identities=True)
            .add_columns(coaches.c.id, coaches.c.role, coaches.c.cohort)
            .where(coaches.c.programme_id == row.id)
            .order_by(coaches.c.position)
        ).all()
        coach_records = tuple(
            CoachRecord(
                pseudonym=r.pseudonym,
                role=r.role,
                organisation=r.organisation,
                cohort=r.cohort,
                full_name=r.full_name if include_identities else None,
                email=r.email if include_identities else None,
            )
            for r in coach_rows
        )
        team_rows = connection.execute(
            select(teams).where(teams.c.programme_id == row.id).order_by(teams.c.position)
        ).all()
        coach_keys = {r.id: r.pseudonym for r in coach_rows}
        team_keys = {r.id: r.key for r in team_rows}
        a, s = tables.coaching_assignments, tables.coaching_sessions
        assignments = tuple(
            AssignmentRecord(
                coach_keys[r.coach_id], team_keys[r.team_id], r.role, r.start_on, r.end_on
            )
            for r in connection.execute(
                select(a).where(a.c.programme_id == row.id).order_by(a.c.id)
            )
        )
        sessions = tuple(
            CoachingSessionRecord(
                session_date=r.session_date,
                coach=coach_keys[r.coach_id],
                team=team_keys[r.team_id],
                duration_minutes=r.duration_minutes,
                focus=r.focus,
                notes=r.notes,
            )
            for r in connection.execute(
                select(s).where(s.c.programme_id == row.id).order_by(s.c.session_date, s.c.id)
            )
        )
        milestones = _milestones_of(connection, tables.coaching_milestones, row.id)
    review = (
        MidpointReview(row.midpoint_review_on, row.midpoint_summary, row.midpoint_decisions)
        if row.midpoint_review_on is not None
        else None
    )
    return CoachingProgrammeRecord(
        key=row.key,
        title=row.title,
        region=region,
        start=row.start_on,
        end=row.end_on,
        coaches=coach_records,
        teams=tuple(TeamRecord(r.key, r.name, r.kind, r.description) for r in team_rows),
        assignments=assignments,
        milestones=milestones,
        sessions=sessions,
        midpoint_review=review,
        status=row.status,
        synthetic=bool(row.synthetic),
    )


def log_coaching_session(store: Store, programme: str, session: CoachingSessionRecord) -> None:
    """Add one session to a coaching programme's log (one small transaction). The coach
    and team must belong to the programme and the date lie within it; the same coach, team
    and date twice is a :class:`DuplicatePlanningRecordError`."""
    s = tables.coaching_sessions
    with store.transaction() as connection:
        row = _coaching_row(connection, programme)
        coach_ids, team_ids = _coach_and_team_ids(connection, row.id)
        problems = validate_coaching_session(
            session,
            programme=programme,
            coaches=coach_ids,
            teams=team_ids,
            start=row.start_on,
            end=row.end_on,
        )
        if problems:
            raise DataValidationError(problems)
        logged = connection.execute(
            select(func.count())
            .select_from(s)
            .where(
                s.c.programme_id == row.id,
                s.c.session_date == session.session_date,
                s.c.coach_id == coach_ids[session.coach],
                s.c.team_id == team_ids[session.team],
            )
        ).scalar()
        if logged:
            raise DuplicatePlanningRecordError(
                [
                    InputProblem(
                        f"coaching programme '{programme}' sessions",
                        None,
                        "session_date",
                        session.session_date.isoformat(),
                        f"a session of {session.coach} with {session.team} on this date is "
                        "already logged",
                        "correct the date, or leave the logged session as it is",
                    )
                ]
            )
        connection.execute(
            s.insert().values(_session_row(row.id, session, coach_ids, team_ids, utc_now()))
        )


def record_midpoint_review(store: Store, programme: str, review: MidpointReview) -> None:
    """Record (or overwrite) a coaching programme's mid-point review: its date within the
    programme, a summary and the decisions taken (one small transaction)."""
    cp = tables.coaching_programmes
    with store.transaction() as connection:
        row = _coaching_row(connection, programme)
        problems = validate_midpoint_review(
            review, programme=programme, start=row.start_on, end=row.end_on
        )
        if problems:
            raise DataValidationError(problems)
        connection.execute(
            cp.update()
            .where(cp.c.id == row.id)
            .values(
                midpoint_review_on=review.reviewed_on,
                midpoint_summary=review.summary,
                midpoint_decisions=review.decisions,
                updated_at=utc_now(),
            )
        )


def set_milestone_status(
    store: Store,
    programme: str,
    milestone: str,
    status: str,
    *,
    done_on: dt.date | None = None,
) -> None:
    """Mark a milestone of a knowledge-transfer or coaching programme planned, done (on
    ``done_on``, default today) or late (one small transaction)."""
    if status not in MILESTONE_STATUSES:
        raise DataValidationError(
            [
                InputProblem(
                    f"programme '{programme}' milestones",
                    None,
                    "status",
                    status,
                    "unknown milestone status",
                    f"use one of {', '.join(MILESTONE_STATUSES)}",
                )
            ]
        )
    if status == "done" and done_on is None:
        done_on = dt.date.today()
    with store.transaction() as connection:
        found = [
            (table, programme_id)
            for parent, table in (
                (tables.kt_programmes, tables.kt_milestones),
                (tables.coaching_programmes, tables.coaching_milestones),
            )
            if (programme_id := _ids(connection, parent, parent.c.key == programme).get(programme))
        ]
        if not found:
            known = set(_ids(connection, tables.kt_programmes)) | set(
                _ids(connection, tables.coaching_programmes)
            )
            raise _not_found("programme", programme, known, "See `scirocco-lab plan list`.")
        # Keys are shared by both kinds of programme (validation refuses a clash).
        table, programme_id = found[0]
        milestones = _ids(connection, table, table.c.programme_id == programme_id)
        if milestone not in milestones:
            raise _not_found(
                f"milestone of programme '{programme}'", milestone, milestones, "Check the key."
            )
        connection.execute(
            table.update()
            .where(table.c.id == milestones[milestone])
            .values(status=status, done_on=done_on if status == "done" else None)
        )


# ---------------------------------------------------------------------------------------
# Frames


def _rows_frame(store: Store, statement, columns: Sequence[str]) -> pd.DataFrame:
    with store.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(statement)]
    return _frame(rows, columns)


def _frame(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    # Object columns throughout, then real bools: nullable ints stay ints (not floats with
    # NaN) and dates stay datetime.date.
    frame = pd.DataFrame(
        {column: pd.Series([row[column] for row in rows], dtype=object) for column in columns}
    )
    if "synthetic" in frame:
        frame["synthetic"] = frame["synthetic"].astype(bool)
    if "position" in frame:
        frame["position"] = frame["position"].astype(int)
    return frame


def _region_filter(statement, region: str | None, *aliases):
    if region is None:
        return statement
    return statement.where(or_(*(alias.c.key == region for alias in aliases)))


def has_planning_records(store: Store) -> bool:
    """True when the store holds any asset, programme or action plan."""
    with store.engine.connect() as connection:
        return any(
            connection.execute(select(func.count()).select_from(table)).scalar()
            for table in (
                tables.planning_assets,
                tables.kt_programmes,
                tables.action_plans,
                tables.coaching_programmes,
            )
        )


def assets_frame(store: Store) -> pd.DataFrame:
    """The asset catalogue: asset, kind, title, description, dimensions (tuple), languages
    (tuple), region (key or None), url, synthetic; ordered by asset key."""
    a, region = tables.planning_assets, schema.subjects.alias("region")
    statement = (
        select(
            a.c.key.label("asset"),
            a.c.kind,
            a.c.title,
            a.c.description,
            a.c.dimensions,
            a.c.languages,
            region.c.key.label("region"),
            a.c.url,
            a.c.synthetic,
        )
        .outerjoin(region, region.c.id == a.c.region_id)
        .order_by(a.c.key)
    )
    frame = _rows_frame(store, statement, ASSET_COLUMNS)
    frame["dimensions"] = pd.Series([_tuple(v) for v in frame["dimensions"]], dtype=object)
    frame["languages"] = pd.Series([_tuple(v) for v in frame["languages"]], dtype=object)
    return frame


def _region_aliases():
    return schema.subjects.alias("receiving"), schema.subjects.alias("transferring")


def _programme_base():
    kt = tables.kt_programmes
    receiving, transferring = _region_aliases()
    statement = (
        select(kt)
        .add_columns(
            receiving.c.key.label("receiving_region"),
            transferring.c.key.label("transferring_region"),
        )
        .join(receiving, receiving.c.id == kt.c.receiving_region_id)
        .outerjoin(transferring, transferring.c.id == kt.c.transferring_region_id)
    )
    return statement, receiving, transferring


def programmes_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Knowledge-transfer programmes, one row each: programme, title, receiving_region,
    transferring_region, dimensions (tuple), needs, objectives, stakeholders (tuple of
    "pseudonym (role)"), assets (tuple of keys), evaluation_plan, start, end (dates or None),
    status, synthetic. ``region`` keeps programmes it receives or transfers in."""
    statement, receiving, transferring = _programme_base()
    statement = _region_filter(statement, region, receiving, transferring)
    kt = tables.kt_programmes
    with store.engine.connect() as connection:
        programmes = connection.execute(statement.order_by(kt.c.key)).all()
        ks, people = tables.kt_stakeholders, tables.planning_people
        stakeholders: dict[int, list[str]] = {}
        for row in connection.execute(
            select(ks.c.programme_id, ks.c.role, people.c.pseudonym)
            .join(people, people.c.id == ks.c.person_id)
            .order_by(ks.c.programme_id, ks.c.position)
        ):
            label = f"{row.pseudonym} ({row.role})" if row.role else row.pseudonym
            stakeholders.setdefault(row.programme_id, []).append(label)
        links, a = tables.kt_programme_assets, tables.planning_assets
        assets: dict[int, list[str]] = {}
        for row in connection.execute(
            select(links.c.programme_id, a.c.key)
            .join(a, a.c.id == links.c.asset_id)
            .order_by(links.c.programme_id, links.c.position)
        ):
            assets.setdefault(row.programme_id, []).append(row.key)
    rows = [
        {
            "programme": row.key,
            "title": row.title,
            "receiving_region": row.receiving_region,
            "transferring_region": row.transferring_region,
            "dimensions": _tuple(row.dimensions),
            "needs": row.needs,
            "objectives": row.objectives,
            "stakeholders": tuple(stakeholders.get(row.id, ())),
            "assets": tuple(assets.get(row.id, ())),
            "evaluation_plan": row.evaluation_plan,
            "start": row.start_on,
            "end": row.end_on,
            "status": row.status,
            "synthetic": row.synthetic,
        }
        for row in programmes
    ]
    return _frame(rows, PROGRAMME_COLUMNS)


def stakeholders_frame(
    store: Store, *, programme: str | None = None, include_identities: bool = False
) -> pd.DataFrame:
    """Stakeholders of knowledge-transfer programmes: programme, position, stakeholder
    (pseudonym), role, organisation, synthetic (+ full_name, email only with
    ``include_identities=True``: personal data)."""
    kt, ks = tables.kt_programmes, tables.kt_stakeholders
    statement = (
        _people_select(ks, include_identities=include_identities)
        .add_columns(
            kt.c.key.label("programme"),
            ks.c.position,
            ks.c.role,
            kt.c.synthetic,
        )
        .join(kt, kt.c.id == ks.c.programme_id)
        .order_by(kt.c.key, ks.c.position)
    )
    if programme is not None:
        statement = statement.where(kt.c.key == programme)
    columns = list(STAKEHOLDER_COLUMNS) + (["full_name", "email"] if include_identities else [])
    with store.engine.connect() as connection:
        rows = [
            {**row._mapping, "stakeholder": row.pseudonym} for row in connection.execute(statement)
        ]
    return _frame(rows, columns)


def activities_frame(
    store: Store, *, programme: str | None = None, region: str | None = None
) -> pd.DataFrame:
    """Activities of knowledge-transfer programmes: programme, activity, kind, title,
    location, start, end (dates), visiting_experts and participants (int or None),
    dimensions (tuple), expected_outcomes, status, synthetic; by programme, start date.
    ``region`` keeps programmes it receives or transfers in."""
    receiving, transferring = _region_aliases()
    a, kt = tables.kt_activities, tables.kt_programmes
    statement = (
        select(
            kt.c.key.label("programme"),
            a.c.key.label("activity"),
            a.c.kind,
            a.c.title,
            a.c.location,
            a.c.start_on.label("start"),
            a.c.end_on.label("end"),
            a.c.visiting_experts,
            a.c.participants,
            a.c.dimensions,
            a.c.expected_outcomes,
            a.c.status,
            kt.c.synthetic,
        )
        .select_from(a)
        .join(kt, kt.c.id == a.c.programme_id)
        .join(receiving, receiving.c.id == kt.c.receiving_region_id)
        .outerjoin(transferring, transferring.c.id == kt.c.transferring_region_id)
        .order_by(kt.c.key, a.c.start_on, a.c.position)
    )
    if programme is not None:
        statement = statement.where(kt.c.key == programme)
    statement = _region_filter(statement, region, receiving, transferring)
    frame = _rows_frame(store, statement, ACTIVITY_COLUMNS)
    frame["dimensions"] = pd.Series([_tuple(v) for v in frame["dimensions"]], dtype=object)
    return frame


def action_plans_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Action plans: plan, title, region, programme (key or None), actions (count), start
    and end (earliest start and latest end of its actions, dates or None), synthetic."""
    plans, a, kt = tables.action_plans, tables.actions, tables.kt_programmes
    subject = schema.subjects.alias("region")
    statement = (
        select(
            plans.c.key.label("plan"),
            plans.c.title,
            subject.c.key.label("region"),
            kt.c.key.label("programme"),
            func.count(a.c.id).label("actions"),
            func.min(a.c.start_on).label("start"),
            func.max(a.c.end_on).label("end"),
            plans.c.synthetic,
        )
        .join(subject, subject.c.id == plans.c.region_id)
        .outerjoin(kt, kt.c.id == plans.c.programme_id)
        .outerjoin(a, a.c.plan_id == plans.c.id)
        .group_by(
            plans.c.id, plans.c.key, plans.c.title, subject.c.key, kt.c.key, plans.c.synthetic
        )
        .order_by(plans.c.key)
    )
    statement = _region_filter(statement, region, subject)
    frame = _rows_frame(store, statement, ACTION_PLAN_COLUMNS)
    # min/max of a Date come back as text from SQLite aggregates.
    for column in ("start", "end"):
        frame[column] = pd.Series([_as_date(v) for v in frame[column]], dtype=object)
    frame["actions"] = frame["actions"].astype(int)
    return frame


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def actions_frame(
    store: Store, *, plan: str | None = None, region: str | None = None
) -> pd.DataFrame:
    """Actions, one row each: plan, plan_title, region, position (1..n), dimension,
    objective, owner, start, end (dates), resources, indicator, priority, status, synthetic;
    ordered by plan and position."""
    plans, a = tables.action_plans, tables.actions
    subject = schema.subjects.alias("region")
    statement = (
        select(
            plans.c.key.label("plan"),
            plans.c.title.label("plan_title"),
            subject.c.key.label("region"),
            a.c.position,
            a.c.dimension_key.label("dimension"),
            a.c.objective,
            a.c.owner,
            a.c.start_on.label("start"),
            a.c.end_on.label("end"),
            a.c.resources,
            a.c.indicator,
            a.c.priority,
            a.c.status,
            plans.c.synthetic,
        )
        .select_from(a)
        .join(plans, plans.c.id == a.c.plan_id)
        .join(subject, subject.c.id == plans.c.region_id)
        .order_by(plans.c.key, a.c.position)
    )
    if plan is not None:
        statement = statement.where(plans.c.key == plan)
    statement = _region_filter(statement, region, subject)
    return _rows_frame(store, statement, ACTION_COLUMNS)


def coaching_programmes_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Coaching programmes: programme, title, region, start, end, status,
    midpoint_review_on (date or None), midpoint_summary, midpoint_decisions, synthetic."""
    cp, subject = tables.coaching_programmes, schema.subjects.alias("region")
    statement = (
        select(
            cp.c.key.label("programme"),
            cp.c.title,
            subject.c.key.label("region"),
            cp.c.start_on.label("start"),
            cp.c.end_on.label("end"),
            cp.c.status,
            cp.c.midpoint_review_on,
            cp.c.midpoint_summary,
            cp.c.midpoint_decisions,
            cp.c.synthetic,
        )
        .join(subject, subject.c.id == cp.c.region_id)
        .order_by(cp.c.key)
    )
    statement = _region_filter(statement, region, subject)
    return _rows_frame(store, statement, COACHING_PROGRAMME_COLUMNS)


def coaches_frame(
    store: Store, *, programme: str | None = None, include_identities: bool = False
) -> pd.DataFrame:
    """The cohort: programme, coach (pseudonym), role, organisation, cohort, synthetic
    (+ full_name, email only with ``include_identities=True``: personal data)."""
    cp, coaches = tables.coaching_programmes, tables.coaching_coaches
    statement = (
        _people_select(coaches, include_identities=include_identities)
        .add_columns(cp.c.key.label("programme"), coaches.c.role, coaches.c.cohort, cp.c.synthetic)
        .join(cp, cp.c.id == coaches.c.programme_id)
        .order_by(cp.c.key, coaches.c.position)
    )
    if programme is not None:
        statement = statement.where(cp.c.key == programme)
    columns = list(COACH_COLUMNS) + (["full_name", "email"] if include_identities else [])
    with store.engine.connect() as connection:
        rows = [{**row._mapping, "coach": row.pseudonym} for row in connection.execute(statement)]
    return _frame(rows, columns)


def teams_frame(store: Store, *, programme: str | None = None) -> pd.DataFrame:
    """Teams and neighbourhoods: programme, team, name, kind, description, synthetic."""
    cp, teams = tables.coaching_programmes, tables.coaching_teams
    statement = (
        select(
            cp.c.key.label("programme"),
            teams.c.key.label("team"),
            teams.c.name,
            teams.c.kind,
            teams.c.description,
            cp.c.synthetic,
        )
        .join(cp, cp.c.id == teams.c.programme_id)
        .order_by(cp.c.key, teams.c.position)
    )
    if programme is not None:
        statement = statement.where(cp.c.key == programme)
    return _rows_frame(store, statement, TEAM_COLUMNS)


def _coaching_parts_select(table: Table, *columns):
    cp, coaches, teams = tables.coaching_programmes, tables.coaching_coaches, tables.coaching_teams
    people = tables.planning_people
    return (
        select(
            cp.c.key.label("programme"),
            people.c.pseudonym.label("coach"),
            teams.c.key.label("team"),
            *columns,
            cp.c.synthetic,
        )
        .select_from(table)
        .join(cp, cp.c.id == table.c.programme_id)
        .join(coaches, coaches.c.id == table.c.coach_id)
        .join(people, people.c.id == coaches.c.person_id)
        .join(teams, teams.c.id == table.c.team_id)
    )


def assignments_frame(store: Store, *, programme: str | None = None) -> pd.DataFrame:
    """Coach-team assignments: programme, coach, team, role (lead|co-coach), start, end
    (dates or None), synthetic."""
    a = tables.coaching_assignments
    statement = _coaching_parts_select(
        a, a.c.role, a.c.start_on.label("start"), a.c.end_on.label("end")
    ).order_by(tables.coaching_programmes.c.key, a.c.id)
    if programme is not None:
        statement = statement.where(tables.coaching_programmes.c.key == programme)
    return _rows_frame(store, statement, ASSIGNMENT_COLUMNS)


def sessions_frame(store: Store, *, programme: str | None = None) -> pd.DataFrame:
    """The coaching session log: programme, session_date (date), coach, team,
    duration_minutes (int), focus, notes, synthetic; by programme and date."""
    s = tables.coaching_sessions
    statement = _coaching_parts_select(
        s, s.c.session_date, s.c.duration_minutes, s.c.focus, s.c.notes
    ).order_by(tables.coaching_programmes.c.key, s.c.session_date, s.c.id)
    if programme is not None:
        statement = statement.where(tables.coaching_programmes.c.key == programme)
    frame = _rows_frame(store, statement, SESSION_COLUMNS)
    frame["duration_minutes"] = frame["duration_minutes"].astype(int)
    return frame


def milestones_frame(
    store: Store, *, programme: str | None = None, region: str | None = None
) -> pd.DataFrame:
    """Milestones of both programme kinds: programme, programme_kind (knowledge_transfer |
    coaching), region (receiving region, or the coaching programme's region), milestone,
    title, due, done_on (dates), status, synthetic; by programme and due date. ``region``
    also matches a knowledge-transfer programme's transferring region."""
    receiving, transferring = _region_aliases()
    kt, km = tables.kt_programmes, tables.kt_milestones
    kt_statement = (
        select(
            kt.c.key.label("programme"),
            receiving.c.key.label("region"),
            km.c.key.label("milestone"),
            km.c.title,
            km.c.due_on.label("due"),
            km.c.done_on,
            km.c.status,
            kt.c.synthetic,
            km.c.position,
        )
        .select_from(km)
        .join(kt, kt.c.id == km.c.programme_id)
        .join(receiving, receiving.c.id == kt.c.receiving_region_id)
        .outerjoin(transferring, transferring.c.id == kt.c.transferring_region_id)
    )
    cp, cm, subject = tables.coaching_programmes, tables.coaching_milestones, schema.subjects
    coaching_statement = (
        select(
            cp.c.key.label("programme"),
            subject.c.key.label("region"),
            cm.c.key.label("milestone"),
            cm.c.title,
            cm.c.due_on.label("due"),
            cm.c.done_on,
            cm.c.status,
            cp.c.synthetic,
            cm.c.position,
        )
        .select_from(cm)
        .join(cp, cp.c.id == cm.c.programme_id)
        .join(subject, subject.c.id == cp.c.region_id)
    )
    if programme is not None:
        kt_statement = kt_statement.where(kt.c.key == programme)
        coaching_statement = coaching_statement.where(cp.c.key == programme)
    kt_statement = _region_filter(kt_statement, region, receiving, transferring)
    coaching_statement = _region_filter(coaching_statement, region, subject)
    rows = []
    with store.engine.connect() as connection:
        for kind, statement in zip(
            PROGRAMME_KINDS, (kt_statement, coaching_statement), strict=True
        ):
            rows += [
                {**row._mapping, "programme_kind": kind} for row in connection.execute(statement)
            ]
    rows.sort(
        key=lambda row: (row["programme"], row["programme_kind"], row["due"], row["position"])
    )
    return _frame(rows, MILESTONE_COLUMNS)
