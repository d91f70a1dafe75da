"""Saving and loading knowledge-transfer programmes (activities, milestones, stakeholders,
assets)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Connection, Table, select

from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    ActivityRecord,
    KnowledgeTransferProgramme,
    MilestoneRecord,
    StakeholderRecord,
    validate_programme,
)
from scirocco_lab.planning.store import common
from scirocco_lab.store import Store, schema

_Person = TypeVar("_Person")

__all__ = [
    "load_programme",
    "milestones_of",
    "people_select",
    "person_record",
    "save_programme",
    "save_programme_in",
]


# ---------------------------------------------------------------------------------------
# Knowledge-transfer programmes


_PROGRAMME = common.RecordKind(
    "knowledge-transfer programme",
    tables.kt_programmes,
    validate_programme,
    tuple(
        table.c.programme_id
        for table in (
            tables.kt_stakeholders,
            tables.kt_programme_assets,
            tables.kt_activities,
            tables.kt_milestones,
        )
    ),
    counted=("stakeholders", "assets", "activities", "milestones"),
)


def save_programme_in(
    connection: Connection,
    programme: KnowledgeTransferProgramme,
    chosen: Instrument,
    *,
    replace: bool,
) -> common.SaveSummary:
    existing_id = common.check_and_clear(connection, _PROGRAMME, programme, chosen, replace=replace)
    regions = common.region_ids(connection)
    programme_id = common.insert_or_update(
        connection,
        tables.kt_programmes,
        programme.key,
        existing_id,
        {
            "title": programme.title,
            "receiving_region_id": regions[programme.receiving_region],
            "transferring_region_id": regions.get(programme.transferring_region)
            if programme.transferring_region
            else None,
            "dimensions": common.json_list(programme.dimensions),
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
    people = common.upsert_people(connection, programme.stakeholders, programme.synthetic)
    common.insert_rows(
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
    asset_ids = common.key_ids(connection, tables.planning_assets)
    common.insert_rows(
        connection,
        tables.kt_programme_assets,
        [
            {"programme_id": programme_id, "asset_id": asset_ids[key], "position": position}
            for position, key in enumerate(programme.assets, start=1)
        ],
    )
    common.insert_rows(
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
                "dimensions": common.json_list(activity.dimensions),
                "expected_outcomes": activity.expected_outcomes,
                "status": activity.status,
            }
            for position, activity in enumerate(programme.activities, start=1)
        ],
    )
    common.insert_rows(
        connection, tables.kt_milestones, common.milestone_rows(programme_id, programme.milestones)
    )
    return _PROGRAMME.summary(programme, existing_id)


save_programme = common.record_saver(
    save_programme_in,
    "kt_programmes",
    """Validate a knowledge-transfer programme against the store and write it (with its
    stakeholders, selected assets, activities and milestones) in one transaction.

    ``instrument`` (default scirocco-exchange) gives the valid dimension keys.
    """,
)


def milestones_of(connection: Connection, table: Table, programme_id: int):
    rows = connection.execute(
        select(table).where(table.c.programme_id == programme_id).order_by(table.c.position)
    )
    return tuple(common.record_of(MilestoneRecord, row, due=row.due_on) for row in rows)


def load_programme(
    store: Store, key: str, *, include_identities: bool = False
) -> KnowledgeTransferProgramme:
    """A stored knowledge-transfer programme as a record (e.g. to edit and save again with
    ``replace=True``); :class:`NotFoundError` lists the stored keys. Stakeholders' names
    and e-mail addresses only with ``include_identities=True``."""
    with store.engine.connect() as connection:
        row = common.stored_row(connection, _PROGRAMME, key)
        subjects = {
            r.id: r.key
            for r in connection.execute(select(schema.subjects.c.id, schema.subjects.c.key))
        }
        stakeholders = tuple(
            person_record(StakeholderRecord, person, include_identities=include_identities)
            for person in connection.execute(
                people_select(tables.kt_stakeholders, include_identities=True)
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
            common.record_of(
                ActivityRecord,
                r,
                start=r.start_on,
                end=r.end_on,
                dimensions=common.as_tuple(r.dimensions),
            )
            for r in connection.execute(
                select(a).where(a.c.programme_id == row.id).order_by(a.c.position)
            )
        )
        milestones = milestones_of(connection, tables.kt_milestones, row.id)
    return common.record_of(
        KnowledgeTransferProgramme,
        row,
        receiving_region=subjects[row.receiving_region_id],
        dimensions=common.as_tuple(row.dimensions),
        transferring_region=subjects.get(row.transferring_region_id),
        stakeholders=stakeholders,
        assets=assets,
        activities=activities,
        milestones=milestones,
        start=row.start_on,
        end=row.end_on,
        synthetic=bool(row.synthetic),
    )


def person_record(cls: type[_Person], row, *, include_identities: bool) -> _Person:
    """A stakeholder or coach record from a row of :func:`people_select` (with identities);
    the name and e-mail address (personal data) only with ``include_identities``."""
    if include_identities:
        return common.record_of(cls, row)
    return common.record_of(cls, row, full_name=None, email=None)


def people_select(membership: Table, *, include_identities: bool):
    people, identities = tables.planning_people, tables.planning_person_identities
    statement = select(people.c.pseudonym, people.c.organisation).join(
        membership, membership.c.person_id == people.c.id
    )
    if include_identities:
        statement = statement.add_columns(identities.c.full_name, identities.c.email).outerjoin(
            identities, identities.c.person_id == people.c.id
        )
    return statement
