"""Writing a whole PlanningBatch (the demo data, an import) in one transaction."""

from __future__ import annotations

from sqlalchemy import Connection

from scirocco_lab.errors import DataValidationError, InputProblem
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.records import (
    DuplicatePlanningRecordError,
    PlanningBatch,
)
from scirocco_lab.planning.store.action_plans import save_action_plan_in
from scirocco_lab.planning.store.assets import save_assets_in
from scirocco_lab.planning.store.coaching import save_coaching_programme_in
from scirocco_lab.planning.store.common import SaveSummary, record_saver
from scirocco_lab.planning.store.programmes import save_programme_in

__all__ = ["save_planning_batch", "save_planning_batch_in"]


# ---------------------------------------------------------------------------------------
# Several records at once


def save_planning_batch_in(
    connection: Connection, batch: PlanningBatch, chosen: Instrument, *, replace: bool
) -> tuple[SaveSummary, ...]:
    steps = ([(save_assets_in, batch.assets)] if batch.assets else []) + [
        (save, record)
        for save, records in (
            (save_programme_in, batch.programmes),
            (save_action_plan_in, batch.action_plans),
            (save_coaching_programme_in, batch.coaching_programmes),
        )
        for record in records
    ]
    summaries: list[SaveSummary] = []
    problems: list[InputProblem] = []
    only_duplicates = True
    for save, record in steps:
        # Keep going after a bad record so that every problem is reported at once; the
        # transaction is rolled back, so nothing of the batch is written.
        try:
            summaries.append(save(connection, record, chosen, replace=replace))
        except DataValidationError as exc:
            problems.extend(exc.problems)
            only_duplicates = only_duplicates and isinstance(exc, DuplicatePlanningRecordError)
    if problems:
        raise (DuplicatePlanningRecordError if only_duplicates else DataValidationError)(problems)
    return tuple(summaries)


save_planning_batch = record_saver(
    save_planning_batch_in,
    "planning records",
    """Write every record of ``batch`` in one transaction: all of them, or (on any problem,
    reported together) none. Assets go first, so programmes can select them, and
    knowledge-transfer programmes before the action plans that refer to them.""",
)
