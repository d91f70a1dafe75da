"""Writing a whole PlanningBatch (the demo data, an import) in one transaction."""

from __future__ import annotations

from scirocco_lab.errors import DataValidationError, InputProblem
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.records import (
    DuplicatePlanningRecordError,
    PlanningBatch,
)
from scirocco_lab.planning.store.action_plans import save_action_plan_in
from scirocco_lab.planning.store.assets import save_assets_in
from scirocco_lab.planning.store.coaching import save_coaching_programme_in
from scirocco_lab.planning.store.common import SaveSummary, audit_saves
from scirocco_lab.planning.store.programmes import save_programme_in
from scirocco_lab.store import Store, resolve_instrument

__all__ = ["save_planning_batch"]


# ---------------------------------------------------------------------------------------
# Several records at once


def save_planning_batch(
    store: Store,
    batch: PlanningBatch,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
    action: str = "save",
) -> tuple[SaveSummary, ...]:
    """Write every record of ``batch`` in one transaction: all of them, or (on any problem,
    reported together) none. Assets go first, so programmes can select them, and
    knowledge-transfer programmes before the action plans that refer to them."""
    chosen = resolve_instrument(store, instrument)
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
        if summaries:
            audit_saves(connection, "planning records", summaries, action)
    return tuple(summaries)
