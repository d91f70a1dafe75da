"""Planning records as tidy frames (people by pseudonym unless identities are asked for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Table, func, or_, select

from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    PROGRAMME_KINDS,
)
from scirocco_lab.planning.store.common import (
    ACTION_COLUMNS,
    ACTION_PLAN_COLUMNS,
    ACTIVITY_COLUMNS,
    ASSET_COLUMNS,
    ASSIGNMENT_COLUMNS,
    COACH_COLUMNS,
    COACHING_PROGRAMME_COLUMNS,
    MILESTONE_COLUMNS,
    PROGRAMME_COLUMNS,
    SESSION_COLUMNS,
    STAKEHOLDER_COLUMNS,
    TEAM_COLUMNS,
    as_tuple,
)
from scirocco_lab.planning.store.programmes import people_select
from scirocco_lab.store import Store, schema

__all__ = [
    "action_plans_frame",
    "actions_frame",
    "activities_frame",
    "assets_frame",
    "assignments_frame",
    "coaches_frame",
    "coaching_programmes_frame",
    "has_planning_records",
    "milestones_frame",
    "programmes_frame",
    "sessions_frame",
    "stakeholders_frame",
    "teams_frame",
]


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


def _columns(names: Sequence[str], *tables: Table, **sources):
    """The select list of a frame, each column labelled with its frame name: for each name
    in ``names``, the column given in ``sources`` (a key, a region, an aggregate), else the
    first of ``tables`` that stores it, under that name or as a date ``<name>_on``."""

    def stored(name):
        if name in sources:
            return sources[name]
        for table in tables:
            for column in (name, f"{name}_on"):
                if column in table.c:
                    return table.c[column]
        raise KeyError(name)

    return [stored(name).label(name) for name in names]


def _tuples(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Stored JSON lists as tuples, in object columns."""
    for column in columns:
        frame[column] = pd.Series([as_tuple(v) for v in frame[column]], dtype=object)
    return frame


def _key_filter(statement, column, key: str | None):
    return statement if key is None else statement.where(column == key)


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
        select(*_columns(ASSET_COLUMNS, a, asset=a.c.key, region=region.c.key))
        .outerjoin(region, region.c.id == a.c.region_id)
        .order_by(a.c.key)
    )
    return _tuples(_rows_frame(store, statement, ASSET_COLUMNS), "dimensions", "languages")


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
            "dimensions": as_tuple(row.dimensions),
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
        people_select(ks, include_identities=include_identities)
        .add_columns(
            kt.c.key.label("programme"),
            ks.c.position,
            ks.c.role,
            kt.c.synthetic,
        )
        .join(kt, kt.c.id == ks.c.programme_id)
        .order_by(kt.c.key, ks.c.position)
    )
    statement = _key_filter(statement, kt.c.key, programme)
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
    selected = _columns(ACTIVITY_COLUMNS, a, kt, programme=kt.c.key, activity=a.c.key)
    statement = (
        select(*selected)
        .select_from(a)
        .join(kt, kt.c.id == a.c.programme_id)
        .join(receiving, receiving.c.id == kt.c.receiving_region_id)
        .outerjoin(transferring, transferring.c.id == kt.c.transferring_region_id)
        .order_by(kt.c.key, a.c.start_on, a.c.position)
    )
    statement = _key_filter(statement, kt.c.key, programme)
    statement = _region_filter(statement, region, receiving, transferring)
    return _tuples(_rows_frame(store, statement, ACTIVITY_COLUMNS), "dimensions")


def _plan_keys():
    """The action plans table, its region (an alias of subjects) and the frame columns
    naming both: ``plan`` and ``region`` (keys)."""
    plans, subject = tables.action_plans, schema.subjects.alias("region")
    return plans, subject, {"plan": plans.c.key, "region": subject.c.key}


def action_plans_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Action plans: plan, title, region, programme (key or None), actions (count), start
    and end (earliest start and latest end of its actions, dates or None), synthetic."""
    plans, subject, keys = _plan_keys()
    a, kt = tables.actions, tables.kt_programmes
    # An action plan's span is that of its actions: earliest start, latest end.
    spans = {"start": func.min(a.c.start_on), "end": func.max(a.c.end_on)}
    selected = _columns(
        ACTION_PLAN_COLUMNS, plans, **keys, **spans, programme=kt.c.key, actions=func.count(a.c.id)
    )
    statement = (
        select(*selected)
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
    plans, subject, keys = _plan_keys()
    a = tables.actions
    selected = _columns(
        ACTION_COLUMNS, a, plans, **keys, plan_title=plans.c.title, dimension=a.c.dimension_key
    )
    statement = (
        select(*selected)
        .select_from(a)
        .join(plans, plans.c.id == a.c.plan_id)
        .join(subject, subject.c.id == plans.c.region_id)
        .order_by(plans.c.key, a.c.position)
    )
    statement = _region_filter(_key_filter(statement, plans.c.key, plan), region, subject)
    return _rows_frame(store, statement, ACTION_COLUMNS)


def coaching_programmes_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Coaching programmes: programme, title, region, start, end, status,
    midpoint_review_on (date or None), midpoint_summary, midpoint_decisions, synthetic."""
    cp, subject = tables.coaching_programmes, schema.subjects.alias("region")
    selected = _columns(COACHING_PROGRAMME_COLUMNS, cp, programme=cp.c.key, region=subject.c.key)
    statement = select(*selected).join(subject, subject.c.id == cp.c.region_id).order_by(cp.c.key)
    statement = _region_filter(statement, region, subject)
    return _rows_frame(store, statement, COACHING_PROGRAMME_COLUMNS)


def coaches_frame(
    store: Store, *, programme: str | None = None, include_identities: bool = False
) -> pd.DataFrame:
    """The cohort: programme, coach (pseudonym), role, organisation, cohort, synthetic
    (+ full_name, email only with ``include_identities=True``: personal data)."""
    cp, coaches = tables.coaching_programmes, tables.coaching_coaches
    statement = (
        people_select(coaches, include_identities=include_identities)
        .add_columns(cp.c.key.label("programme"), coaches.c.role, coaches.c.cohort, cp.c.synthetic)
        .join(cp, cp.c.id == coaches.c.programme_id)
        .order_by(cp.c.key, coaches.c.position)
    )
    statement = _key_filter(statement, cp.c.key, programme)
    columns = list(COACH_COLUMNS) + (["full_name", "email"] if include_identities else [])
    with store.engine.connect() as connection:
        rows = [{**row._mapping, "coach": row.pseudonym} for row in connection.execute(statement)]
    return _frame(rows, columns)


def teams_frame(store: Store, *, programme: str | None = None) -> pd.DataFrame:
    """Teams and neighbourhoods: programme, team, name, kind, description, synthetic."""
    cp, teams = tables.coaching_programmes, tables.coaching_teams
    selected = _columns(TEAM_COLUMNS, teams, cp, programme=cp.c.key, team=teams.c.key)
    statement = (
        select(*selected)
        .join(cp, cp.c.id == teams.c.programme_id)
        .order_by(cp.c.key, teams.c.position)
    )
    statement = _key_filter(statement, cp.c.key, programme)
    return _rows_frame(store, statement, TEAM_COLUMNS)


def _coaching_parts_select(table: Table, names: Sequence[str]):
    cp, coaches, teams = tables.coaching_programmes, tables.coaching_coaches, tables.coaching_teams
    people = tables.planning_people
    keys = {"programme": cp.c.key, "coach": people.c.pseudonym, "team": teams.c.key}
    return (
        select(*_columns(names, table, cp, **keys))
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
    statement = _coaching_parts_select(a, ASSIGNMENT_COLUMNS).order_by(
        tables.coaching_programmes.c.key, a.c.id
    )
    statement = _key_filter(statement, tables.coaching_programmes.c.key, programme)
    return _rows_frame(store, statement, ASSIGNMENT_COLUMNS)


def sessions_frame(store: Store, *, programme: str | None = None) -> pd.DataFrame:
    """The coaching session log: programme, session_date (date), coach, team,
    duration_minutes (int), focus, notes, synthetic; by programme and date."""
    s = tables.coaching_sessions
    statement = _coaching_parts_select(s, SESSION_COLUMNS).order_by(
        tables.coaching_programmes.c.key, s.c.session_date, s.c.id
    )
    statement = _key_filter(statement, tables.coaching_programmes.c.key, programme)
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
    kt, cp, subject = tables.kt_programmes, tables.coaching_programmes, schema.subjects

    # Each kind's select gives every column but the kind, and the position to sort by.
    names = [name for name in MILESTONE_COLUMNS if name != "programme_kind"] + ["position"]

    def milestones_of(programmes, milestones, region_table):
        keys = {
            "programme": programmes.c.key,
            "region": region_table.c.key,
            "milestone": milestones.c.key,
        }
        return (
            select(*_columns(names, milestones, programmes, **keys))
            .select_from(milestones)
            .join(programmes, programmes.c.id == milestones.c.programme_id)
        )

    kt_statement = (
        milestones_of(kt, tables.kt_milestones, receiving)
        .join(receiving, receiving.c.id == kt.c.receiving_region_id)
        .outerjoin(transferring, transferring.c.id == kt.c.transferring_region_id)
    )
    coaching_statement = milestones_of(cp, tables.coaching_milestones, subject).join(
        subject, subject.c.id == cp.c.region_id
    )
    kt_statement = _key_filter(kt_statement, kt.c.key, programme)
    coaching_statement = _key_filter(coaching_statement, cp.c.key, programme)
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
