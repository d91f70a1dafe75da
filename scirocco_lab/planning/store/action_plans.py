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
from scirocco_lab.planning.store import common
from scirocco_lab.store import Store
from scirocco_lab.store.ledger import audit

__all__ = ["load_action_plan", "save_action_plan", "save_action_plan_in", "set_action_status"]


# ---------------------------------------------------------------------------------------
# Action plans

_ACTION_PLAN = common.RecordKind(
    "action plan",
    tables.action_plans,
    validate_action_plan,
    parts=(tables.actions.c.plan_id,),
    counted=("actions",),
)


def save_action_plan_in(
    connection: Connection, plan: ActionPlanRecord, chosen: Instrument, *, replace: bool
) -> common.SaveSummary:
    existing_id = common.check_and_clear(connection, _ACTION_PLAN, plan, chosen, replace=replace)
    programme_ids = common.key_ids(connection, tables.kt_programmes)
    now = utc_now()
    plan_id = common.insert_or_update(
        connection,
        tables.action_plans,
        plan.key,
        existing_id,
        {
            "title": plan.title,
            "region_id": common.region_ids(connection)[plan.region],
            "programme_id": programme_ids.get(plan.programme) if plan.programme else None,
            "synthetic": plan.synthetic,
            "updated_at": now,
        },
    )
    common.insert_rows(
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
    return _ACTION_PLAN.summary(plan, existing_id)


save_action_plan = common.record_saver(
    save_action_plan_in,
    "action_plans",
    """Validate an action plan against the store and write it with its actions in one
    transaction (``replace=True`` replaces a stored plan and all its actions).""",
)


def load_action_plan(store: Store, key: str) -> ActionPlanRecord:
    """A stored action plan as a record; :class:`NotFoundError` lists the stored plans."""
    a = tables.actions
    with store.engine.connect() as connection:
        row = common.stored_row(connection, _ACTION_PLAN, key)
        region = common.subject_key(connection, row.region_id)
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
            common.record_of(
                ActionRecord, r, dimension=r.dimension_key, start=r.start_on, end=r.end_on
            )
            for r in connection.execute(
                select(a).where(a.c.plan_id == row.id).order_by(a.c.position)
            )
        )
    return common.record_of(
        ActionPlanRecord,
        row,
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
        row = common.stored_row(connection, _ACTION_PLAN, plan)
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
