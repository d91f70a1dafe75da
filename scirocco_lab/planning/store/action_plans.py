"""Saving and loading action plans and their actions."""

from __future__ import annotations

from sqlalchemy import Connection, and_, select

from scirocco_lab.errors import DataValidationError, InputProblem, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.planning import tables
from scirocco_lab.planning.records import (
    ACTION_STATUSES,
    ActionPlanRecord,
    ActionRecord,
    validate_action_plan,
)
from scirocco_lab.planning.store.common import (
    SaveSummary,
    audit_saves,
    insert_or_update,
    insert_rows,
    key_ids,
    not_found_error,
    planning_context_of,
    raise_problems,
    region_ids,
)
from scirocco_lab.store import Store, resolve_instrument, schema
from scirocco_lab.store.ledger import audit

__all__ = ["load_action_plan", "save_action_plan", "save_action_plan_in", "set_action_status"]


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
        summary = save_action_plan_in(connection, plan, chosen, replace=replace)
        audit_saves(connection, "action_plans", [summary])
        return summary


def save_action_plan_in(
    connection: Connection, plan: ActionPlanRecord, chosen: Instrument, *, replace: bool
) -> SaveSummary:
    plans = tables.action_plans
    context = planning_context_of(connection, chosen)
    existing_id = key_ids(connection, plans, plans.c.key == plan.key).get(plan.key)
    raise_problems(
        validate_action_plan(plan, context),
        source=f"action plan '{plan.key}'",
        key=plan.key,
        exists=existing_id is not None,
        replace=replace,
    )
    if existing_id is not None:
        connection.execute(tables.actions.delete().where(tables.actions.c.plan_id == existing_id))
    programme_ids = key_ids(connection, tables.kt_programmes)
    now = utc_now()
    plan_id = insert_or_update(
        connection,
        plans,
        plan.key,
        existing_id,
        {
            "title": plan.title,
            "region_id": region_ids(connection)[plan.region],
            "programme_id": programme_ids.get(plan.programme) if plan.programme else None,
            "synthetic": plan.synthetic,
            "updated_at": now,
        },
    )
    insert_rows(
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
        raise not_found_error(
            "action plan", key, key_ids(connection, plans), "See `scirocco-lab plan list`."
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
        audit(connection, "set status", "actions", keys=[f"{plan}/{position}"],
              counts={"actions": 1})  # fmt: skip
