"""Saving, loading and reading planning records in the store (one module per record kind).

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

from scirocco_lab.planning.store.action_plans import (
    load_action_plan,
    save_action_plan,
    set_action_status,
)
from scirocco_lab.planning.store.assets import (
    save_asset,
    save_assets,
)
from scirocco_lab.planning.store.batches import (
    save_planning_batch,
)
from scirocco_lab.planning.store.coaching import (
    load_coaching_programme,
    log_coaching_session,
    record_midpoint_review,
    save_coaching_programme,
    set_milestone_status,
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
    SaveSummary,
    planning_context,
)
from scirocco_lab.planning.store.frames import (
    action_plans_frame,
    actions_frame,
    activities_frame,
    assets_frame,
    assignments_frame,
    coaches_frame,
    coaching_programmes_frame,
    has_planning_records,
    milestones_frame,
    programmes_frame,
    sessions_frame,
    stakeholders_frame,
    teams_frame,
)
from scirocco_lab.planning.store.programmes import (
    load_programme,
    save_programme,
)

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
