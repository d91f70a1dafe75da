"""Planning tables (knowledge-transfer programmes, assets, action plans, coaching).

Registered on :data:`scirocco_lab.store.schema.metadata` (``open_store`` imports this module
through :data:`~scirocco_lab.store.schema.TABLE_MODULES` and creates them).
Portable types only; lists of keys (dimensions, languages) are JSON text, as
``ratings.features``. Dates are ``Date`` columns named ``*_on`` / ``start_on`` / ``end_on``.

People (stakeholders of knowledge-transfer programmes, coaches) are stored once by pseudonym
in ``planning_people``; their names and e-mail addresses live apart in
``planning_person_identities``, which no frame joins unless identities are asked for.

Every table name starts with ``planning_``, ``kt_``, ``action`` or ``coaching_``; natural
keys are unique (globally for assets, programmes and plans; per parent for their parts).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scirocco_lab.planning.records import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ACTIVITY_KINDS,
    ACTIVITY_STATUSES,
    ASSET_KINDS,
    ASSIGNMENT_ROLES,
    MILESTONE_STATUSES,
    PROGRAMME_STATUSES,
    TEAM_KINDS,
)
from scirocco_lab.store.schema import (
    date_span_check,
    enum_check,
    key_column,
    link_table,
    part_of,
    person_tables,
    record_table,
    refers_to,
    subject_column,
    synthetic_column,
    updated_at_column,
)

__all__ = [
    "action_plans",
    "actions",
    "coaching_assignments",
    "coaching_coaches",
    "coaching_milestones",
    "coaching_programmes",
    "coaching_sessions",
    "coaching_teams",
    "kt_activities",
    "kt_milestones",
    "kt_programme_assets",
    "kt_programmes",
    "kt_stakeholders",
    "planning_assets",
    "planning_people",
    "planning_person_identities",
]


# The enum lists are the records' own, defined once.
planning_people, planning_person_identities = person_tables(
    "planning_people",
    "planning_person_identities",
    "person_id",
    Column("organisation", String(300)),
)

planning_assets = record_table(
    "planning_assets",
    key_column(),
    Column("kind", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("description", Text),
    Column("dimensions", Text, nullable=False, default="[]"),  # JSON list of dimension keys
    Column("languages", Text, nullable=False, default="[]"),  # JSON list of ISO 639 codes
    subject_column("region_id"),
    Column("url", String(1000)),
    synthetic_column(),
    updated_at_column(),
    enum_check("kind", ASSET_KINDS, "planning_asset_kind"),
)

kt_programmes = record_table(
    "kt_programmes",
    key_column(),
    Column("title", String(300), nullable=False),
    # Indexed, like every region column reports filter by: one region's report reads its rows.
    subject_column("receiving_region_id", required=True, index=True),
    subject_column("transferring_region_id", index=True),
    Column("dimensions", Text, nullable=False),  # JSON list of dimension keys
    Column("needs", Text),
    Column("objectives", Text),
    Column("evaluation_plan", Text),
    Column("start_on", Date),
    Column("end_on", Date),
    Column("status", String(20), nullable=False),
    synthetic_column(),
    updated_at_column(),
    enum_check("status", PROGRAMME_STATUSES, "kt_programme_status"),
    date_span_check("kt_programme_span"),
    CheckConstraint(
        "transferring_region_id IS NULL OR transferring_region_id <> receiving_region_id",
        name="kt_programme_not_self",
    ),
)


# A part of a programme (an activity, a milestone, a team) is gone with it, listed by
# position and known by a key unique within the programme.


def _in_programme(programme: str) -> tuple[Column, Column, Column]:
    """A programme part's first columns: its programme, its key and its position there."""
    return (
        part_of("programme_id", programme),
        Column("key", String(100), nullable=False),
        Column("position", Integer, nullable=False),
    )


def _key_in_programme(name: str) -> UniqueConstraint:
    return UniqueConstraint("programme_id", "key", name=name)


kt_stakeholders = link_table(
    "kt_stakeholders",
    ("programme_id", "kt_programmes"),
    ("person_id", "planning_people"),
    Column("role", String(200)),
)

kt_programme_assets = link_table(
    "kt_programme_assets", ("programme_id", "kt_programmes"), ("asset_id", "planning_assets")
)

kt_activities = record_table(
    "kt_activities",
    *_in_programme("kt_programmes"),
    Column("kind", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("location", String(300)),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("visiting_experts", Integer),
    Column("participants", Integer),
    Column("dimensions", Text, nullable=False, default="[]"),
    Column("expected_outcomes", Text),
    Column("status", String(20), nullable=False),
    _key_in_programme("kt_activity_key"),
    enum_check("kind", ACTIVITY_KINDS, "kt_activity_kind"),
    enum_check("status", ACTIVITY_STATUSES, "kt_activity_status"),
    date_span_check("kt_activity_span"),
    # The day limit of a study visit needs date arithmetic, which is not portable SQL;
    # planning.records checks it before every write.
    CheckConstraint(
        "kind <> 'study_visit' OR visiting_experts IS NULL OR visiting_experts <= 5",
        name="kt_study_visit_experts",
    ),
)


def _milestone_table(name: str, parent: str) -> Table:
    return record_table(
        name,
        *_in_programme(parent),
        Column("title", String(300), nullable=False),
        Column("due_on", Date, nullable=False),
        Column("done_on", Date),
        Column("status", String(20), nullable=False),
        _key_in_programme(f"{name}_key"),
        enum_check("status", MILESTONE_STATUSES, f"{name}_status"),
    )


kt_milestones = _milestone_table("kt_milestones", "kt_programmes")

action_plans = record_table(
    "action_plans",
    key_column(),
    Column("title", String(300), nullable=False),
    subject_column("region_id", required=True, index=True),
    refers_to("programme_id", "kt_programmes"),
    synthetic_column(),
    updated_at_column(),
)

actions = record_table(
    "actions",
    part_of("plan_id", "action_plans"),
    Column("position", Integer, nullable=False),
    Column("dimension_key", String(100), nullable=False),
    Column("objective", Text, nullable=False),
    Column("owner", String(300)),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("resources", Text),
    Column("indicator", Text),
    Column("priority", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    updated_at_column(),
    UniqueConstraint("plan_id", "position", name="action_position"),
    CheckConstraint("position >= 1", name="action_position_positive"),
    enum_check("priority", ACTION_PRIORITIES, "action_priority"),
    enum_check("status", ACTION_STATUSES, "action_status"),
    date_span_check("action_span"),
)

coaching_programmes = record_table(
    "coaching_programmes",
    key_column(),
    Column("title", String(300), nullable=False),
    subject_column("region_id", required=True, index=True),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("midpoint_review_on", Date),
    Column("midpoint_summary", Text),
    Column("midpoint_decisions", Text),
    synthetic_column(),
    updated_at_column(),
    enum_check("status", PROGRAMME_STATUSES, "coaching_programme_status"),
    date_span_check("coaching_programme_span"),
)

coaching_coaches = record_table(
    "coaching_coaches",
    part_of("programme_id", "coaching_programmes"),
    refers_to("person_id", "planning_people", required=True),
    Column("position", Integer, nullable=False),
    Column("role", String(200)),
    Column("cohort", String(100)),
    UniqueConstraint("programme_id", "person_id", name="coaching_coach_once"),
)

coaching_teams = record_table(
    "coaching_teams",
    *_in_programme("coaching_programmes"),
    Column("name", String(300), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("description", Text),
    _key_in_programme("coaching_team_key"),
    enum_check("kind", TEAM_KINDS, "coaching_team_kind"),
)

coaching_assignments = record_table(
    "coaching_assignments",
    part_of("programme_id", "coaching_programmes"),
    part_of("coach_id", "coaching_coaches"),
    part_of("team_id", "coaching_teams"),
    Column("role", String(20), nullable=False),
    Column("start_on", Date),
    Column("end_on", Date),
    UniqueConstraint("coach_id", "team_id", name="coaching_assignment_once"),
    enum_check("role", ASSIGNMENT_ROLES, "coaching_assignment_role"),
    date_span_check("coaching_assignment_span"),
)

coaching_milestones = _milestone_table("coaching_milestones", "coaching_programmes")

coaching_sessions = record_table(
    "coaching_sessions",
    part_of("programme_id", "coaching_programmes"),
    Column("session_date", Date, nullable=False),
    part_of("coach_id", "coaching_coaches"),
    part_of("team_id", "coaching_teams"),
    Column("duration_minutes", Integer, nullable=False),
    Column("focus", String(300)),
    Column("notes", Text),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "programme_id", "session_date", "coach_id", "team_id", name="coaching_session_once"
    ),
    CheckConstraint("duration_minutes > 0", name="coaching_session_duration"),
)
