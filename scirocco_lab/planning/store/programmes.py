"""Saving and loading knowledge-transfer programmes (activities, milestones, stakeholders,
assets)."""

from __future__ import annotations

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
from scirocco_lab.planning.store.common import (
    SaveSummary,
    as_tuple,
    audit_saves,
    insert_or_update,
    insert_rows,
    json_list,
    key_ids,
    milestone_rows,
    not_found_error,
    planning_context_of,
    raise_problems,
    region_ids,
    upsert_people,
)
from scirocco_lab.store import Store, resolve_instrument, schema

__all__ = [
    "load_programme",
    "milestones_of",
    "people_select",
    "save_programme",
    "save_programme_in",
]


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
        summary = save_programme_in(connection, programme, chosen, replace=replace)
        audit_saves(connection, "kt_programmes", [summary])
        return summary


def save_programme_in(
    connection: Connection,
    programme: KnowledgeTransferProgramme,
    chosen: Instrument,
    *,
    replace: bool,
) -> SaveSummary:
    kt = tables.kt_programmes
    context = planning_context_of(connection, chosen)
    existing_id = key_ids(connection, kt, kt.c.key == programme.key).get(programme.key)
    raise_problems(
        validate_programme(programme, context),
        source=f"knowledge-transfer programme '{programme.key}'",
        key=programme.key,
        exists=existing_id is not None,
        replace=replace,
    )
    regions = region_ids(connection)
    if existing_id is not None:
        for child in (
            tables.kt_stakeholders,
            tables.kt_programme_assets,
            tables.kt_activities,
            tables.kt_milestones,
        ):
            connection.execute(child.delete().where(child.c.programme_id == existing_id))
    programme_id = insert_or_update(
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
            "dimensions": json_list(programme.dimensions),
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
    people = upsert_people(connection, programme.stakeholders, programme.synthetic)
    insert_rows(
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
    asset_ids = key_ids(connection, tables.planning_assets)
    insert_rows(
        connection,
        tables.kt_programme_assets,
        [
            {"programme_id": programme_id, "asset_id": asset_ids[key], "position": position}
            for position, key in enumerate(programme.assets, start=1)
        ],
    )
    insert_rows(
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
                "dimensions": json_list(activity.dimensions),
                "expected_outcomes": activity.expected_outcomes,
                "status": activity.status,
            }
            for position, activity in enumerate(programme.activities, start=1)
        ],
    )
    insert_rows(
        connection, tables.kt_milestones, milestone_rows(programme_id, programme.milestones)
    )
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


def milestones_of(connection: Connection, table: Table, programme_id: int):
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
            raise not_found_error(
                "knowledge-transfer programme",
                key,
                key_ids(connection, kt),
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
            ActivityRecord(
                key=r.key,
                kind=r.kind,
                title=r.title,
                start=r.start_on,
                end=r.end_on,
                location=r.location,
                visiting_experts=r.visiting_experts,
                participants=r.participants,
                dimensions=as_tuple(r.dimensions),
                expected_outcomes=r.expected_outcomes,
                status=r.status,
            )
            for r in connection.execute(
                select(a).where(a.c.programme_id == row.id).order_by(a.c.position)
            )
        )
        milestones = milestones_of(connection, tables.kt_milestones, row.id)
    return KnowledgeTransferProgramme(
        key=row.key,
        title=row.title,
        receiving_region=subjects[row.receiving_region_id],
        dimensions=as_tuple(row.dimensions),
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
