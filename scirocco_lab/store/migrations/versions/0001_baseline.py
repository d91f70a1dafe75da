"""The baseline: subjects, assessors and their identities, instruments, assessments and ratings,
twinning features, the planning and evaluation records and the REFI-QDA exchange tables."""

import sqlalchemy as sa
from alembic import op

from scirocco_lab.store.ddl import (
    DATE_SPAN,
    binary,
    date,
    flag,
    identities,
    integer,
    key_column,
    link_table,
    number,
    part_of,
    record,
    reference,
    region,
    string,
    subject,
    synthetic_and,
    table,
    text,
    timestamp,
)
from scirocco_lab.store.migrate import create_index

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]

revision = "0001"
down_revision = None


def _programme_part(name: str, programme: str, *fields, checks=None, unique_name: str) -> None:
    """A part of a programme (activity, milestone, team): a key unique in the programme."""
    record(
        name,
        part_of("programme_id", programme),
        string("key", 100, required=True),
        integer("position", required=True),
        *fields,
        checks=checks,
        unique={unique_name: ("programme_id", "key")},
    )


def _milestones(name: str, programme: str) -> None:
    _programme_part(
        name,
        programme,
        string("title", 300, required=True),
        date("due_on", required=True),
        date("done_on"),
        string("status", 20, required=True),
        checks={f"{name}_status": "status IN ('planned', 'done', 'late')"},
        unique_name=f"{name}_key",
    )


def upgrade() -> None:
    record(
        "evaluation_coders",
        string("name", 200, required=True, unique=True),
        string("guid", 64, required=True, unique=True),
        flag("synthetic"),
    )
    record(
        "evaluation_codes",
        key_column(200),
        string("guid", 64, required=True, unique=True),
        string("name", 300, required=True),
        reference("parent_id", "evaluation_codes.id"),
        text("description"),
        string("colour", 7),
        text("dimensions"),
        text("categories"),
        integer("position", required=True),
        timestamp("created_at", required=True),
    )
    table(
        "instruments",
        string("id", 100, key=True),
        string("version", 50, required=True),
        string("title", 300, required=True),
        text("definition", required=True),
        timestamp("stored_at", required=True),
    )
    record(
        "planning_people",
        string("pseudonym", 100, required=True, unique=True),
        string("organisation", 300),
        *synthetic_and("created_at"),
    )
    record(
        "qda_projects",
        string("kind", 10, required=True),
        string("name", 500),
        string("origin", 500),
        string("file_name", 500, required=True),
        string("region", 100),
        string("creating_user", 64),
        timestamp("created_at"),
        text("description"),
        text("attributes"),
        timestamp("imported_at", required=True),
    )
    table(
        "store_meta",
        string("key", 100, key=True),
        text("value", required=True),
    )
    record(
        "subjects",
        key_column(),
        string("kind", 20, required=True),
        string("name", 300, required=True),
        string("country", 100),
        subject("owner_id"),
        text("description"),
        *synthetic_and("created_at"),
        checks={"subject_kind": "kind IN ('system', 'good_practice')"},
    )
    record(
        "twinning_features",
        string("receiving_assessment", 700, required=True),
        string("reference_assessment", 700, required=True),
        string("dimension_key", 100, required=True),
        integer("position", required=True),
        string("feature", 300, required=True),
        flag("partially_implemented"),
        string("feasibility", 20),
        text("adaptation"),
        timestamp("updated_at", required=True),
        checks={
            "twinning_feasibility": (
                "feasibility IS NULL OR feasibility IN ('possible', 'difficult', 'not feasible')"
            )
        },
    )
    create_index(
        "ix_twinning_features_receiving_assessment", "twinning_features", ["receiving_assessment"]
    )

    record(
        "assessors",
        string("pseudonym", 100, required=True, unique=True),
        string("role", 200),
        string("sector", 200),
        string("organisation", 300),
        subject("home_subject_id"),
        *synthetic_and("created_at"),
    )
    record(
        "coaching_programmes",
        key_column(),
        string("title", 300, required=True),
        subject("region_id", required=True),
        date("start_on", required=True),
        date("end_on", required=True),
        string("status", 20, required=True),
        date("midpoint_review_on"),
        text("midpoint_summary"),
        text("midpoint_decisions"),
        *synthetic_and("updated_at"),
        checks={
            "coaching_programme_status": (
                "status IN ('draft', 'active', 'completed', 'cancelled')"
            ),
            "coaching_programme_span": DATE_SPAN,
        },
    )
    record(
        "evaluation_participants",
        string("pseudonym", 200, required=True, unique=True),
        string("participant_group", 200),
        string("role", 200),
        string("organisation", 300),
        region(),
        *synthetic_and("created_at"),
    )
    record(
        "evaluation_sources",
        key_column(200),
        string("guid", 64, required=True, unique=True),
        string("title", 500, required=True),
        string("activity", 20, required=True),
        region(),
        string("programme", 200),
        date("held_on"),
        string("language", 20),
        string("original_format", 10, required=True),
        text("text", required=True),
        *synthetic_and("created_at"),
        checks={
            "evaluation_source_activity": (
                "activity IN ('study_visit', 'webinar', 'expert_mission', 'focus_group', "
                "'interview', 'other')"
            )
        },
    )
    record(
        "kt_programmes",
        key_column(),
        string("title", 300, required=True),
        subject("receiving_region_id", required=True),
        subject("transferring_region_id"),
        text("dimensions", required=True),
        text("needs"),
        text("objectives"),
        text("evaluation_plan"),
        date("start_on"),
        date("end_on"),
        string("status", 20, required=True),
        *synthetic_and("updated_at"),
        checks={
            "kt_programme_status": "status IN ('draft', 'active', 'completed', 'cancelled')",
            "kt_programme_span": DATE_SPAN,
            "kt_programme_not_self": (
                "transferring_region_id IS NULL OR transferring_region_id <> receiving_region_id"
            ),
        },
    )
    record(
        "planning_assets",
        key_column(),
        string("kind", 20, required=True),
        string("title", 300, required=True),
        text("description"),
        text("dimensions", required=True),
        text("languages", required=True),
        subject("region_id"),
        string("url", 1000),
        *synthetic_and("updated_at"),
        checks={
            "planning_asset_kind": (
                "kind IN ('tool', 'guideline', 'good_practice', 'training', 'expert')"
            )
        },
    )
    identities("planning_person_identities", "person_id", "planning_people")
    table(
        "qda_element_extras",
        string("kind", 20, key=True),
        string("guid", 64, key=True),
        reference("project_id", "qda_projects.id", ondelete="SET NULL"),
        text("data", required=True),
    )
    record(
        "qda_files",
        part_of("project_id", "qda_projects"),
        string("path", 1000, required=True),
        binary("data"),
        unique={"qda_file_path": ("project_id", "path")},
    )
    create_index("ix_qda_files_project_id", "qda_files", ["project_id"])

    record(
        "qda_parts",
        part_of("project_id", "qda_projects"),
        string("section", 20, required=True),
        integer("position", required=True),
        string("guid", 64),
        string("kind", 30),
        text("content", required=True),
    )
    create_index("ix_qda_parts_project_id", "qda_parts", ["project_id"])

    record(
        "questionnaires",
        key_column(200),
        string("title", 500, required=True),
        string("activity", 20, required=True),
        region(),
        string("programme", 200),
        date("held_on"),
        integer("scale_min", required=True),
        integer("scale_max", required=True),
        text("scale_labels"),
        *synthetic_and("created_at"),
        checks={"questionnaire_scale": "scale_max > scale_min"},
    )
    record(
        "action_plans",
        key_column(),
        string("title", 300, required=True),
        subject("region_id", required=True),
        reference("programme_id", "kt_programmes.id"),
        *synthetic_and("updated_at"),
    )
    record(
        "assessments",
        string("natural_key", 700, required=True, unique=True),
        string("kind", 2, required=True),
        subject("subject_id", required=True),
        reference("instrument_id", "instruments.id", sa.String(length=100), required=True),
        string("instrument_version", 50, required=True),
        integer("round", required=True),
        string("mode", 12, required=True),
        reference("assessor_id", "assessors.id"),
        string("status", 10, required=True),
        date("assessed_on"),
        text("notes"),
        timestamp("created_at", required=True),
        timestamp("updated_at", required=True),
        timestamp("submitted_at"),
        checks={
            "assessment_kind": "kind IN ('HS', 'GP')",
            "assessment_mode": "mode IN ('individual', 'consensus')",
            "assessment_status": "status IN ('draft', 'submitted')",
            "assessment_round": "round >= 1",
        },
    )
    identities("assessor_identities", "assessor_id", "assessors")
    record(
        "coaching_coaches",
        part_of("programme_id", "coaching_programmes"),
        reference("person_id", "planning_people.id", required=True),
        integer("position", required=True),
        string("role", 200),
        string("cohort", 100),
        unique={"coaching_coach_once": ("programme_id", "person_id")},
    )
    _milestones("coaching_milestones", "coaching_programmes")
    _programme_part(
        "coaching_teams",
        "coaching_programmes",
        string("name", 300, required=True),
        string("kind", 20, required=True),
        text("description"),
        checks={"coaching_team_kind": "kind IN ('team', 'neighbourhood')"},
        unique_name="coaching_team_key",
    )
    record(
        "coded_segments",
        string("guid", 64, required=True, unique=True),
        part_of("source_id", "evaluation_sources"),
        part_of("code_id", "evaluation_codes"),
        reference("coder_id", "evaluation_coders.id", required=True),
        integer("start_char", required=True),
        integer("end_char", required=True),
        timestamp("coded_at", required=True),
        string("origin", 10, required=True),
        text("memo"),
        checks={
            "coded_segment_origin": "origin IN ('manual', 'auto', 'imported')",
            "coded_segment_range": "start_char >= 0 AND end_char > start_char",
        },
    )
    create_index("ix_coded_segments_code_id", "coded_segments", ["code_id"])
    create_index("ix_coded_segments_source_id", "coded_segments", ["source_id"])

    link_table(
        "evaluation_source_participants",
        ("source_id", "evaluation_sources"),
        ("participant_id", "evaluation_participants"),
    )
    table(
        "evaluation_turns",
        part_of("source_id", "evaluation_sources", key=True),
        integer("turn", key=True),
        string("speaker", 200),
        integer("start_char", required=True),
        integer("end_char", required=True),
        number("started_at"),
        checks={"evaluation_turn_range": "start_char >= 0 AND end_char >= start_char"},
    )
    _programme_part(
        "kt_activities",
        "kt_programmes",
        string("kind", 20, required=True),
        string("title", 300, required=True),
        string("location", 300),
        date("start_on", required=True),
        date("end_on", required=True),
        integer("visiting_experts"),
        integer("participants"),
        text("dimensions", required=True),
        text("expected_outcomes"),
        string("status", 20, required=True),
        checks={
            "kt_study_visit_experts": (
                "kind <> 'study_visit' OR visiting_experts IS NULL OR visiting_experts <= 5"
            ),
            "kt_activity_kind": (
                "kind IN ('expert_mission', 'event', 'capacity_building', 'study_visit', "
                "'staff_exchange')"
            ),
            "kt_activity_status": "status IN ('planned', 'done', 'cancelled')",
            "kt_activity_span": DATE_SPAN,
        },
        unique_name="kt_activity_key",
    )
    _milestones("kt_milestones", "kt_programmes")
    link_table(
        "kt_programme_assets",
        ("programme_id", "kt_programmes"),
        ("asset_id", "planning_assets"),
    )
    link_table(
        "kt_stakeholders",
        ("programme_id", "kt_programmes"),
        ("person_id", "planning_people"),
        string("role", 200),
    )
    identities("participant_identities", "participant_id", "evaluation_participants")
    table(
        "questionnaire_items",
        part_of("questionnaire_id", "questionnaires", key=True),
        string("item", 200, key=True),
        integer("position", required=True),
        text("wording", required=True),
        flag("reverse_scored"),
    )
    record(
        "questionnaire_responses",
        part_of("questionnaire_id", "questionnaires"),
        string("respondent", 200, required=True),
        string("respondent_group", 200),
        region(),
        string("item", 200, required=True),
        number("value"),
        unique={"questionnaire_response_key": ("questionnaire_id", "respondent", "item")},
    )
    create_index(
        "ix_questionnaire_responses_questionnaire_id",
        "questionnaire_responses",
        ["questionnaire_id"],
    )

    record(
        "actions",
        part_of("plan_id", "action_plans"),
        integer("position", required=True),
        string("dimension_key", 100, required=True),
        text("objective", required=True),
        string("owner", 300),
        date("start_on", required=True),
        date("end_on", required=True),
        text("resources"),
        text("indicator"),
        string("priority", 10, required=True),
        string("status", 20, required=True),
        timestamp("updated_at", required=True),
        checks={
            "action_priority": "priority IN ('high', 'medium', 'low')",
            "action_status": (
                "status IN ('planned', 'in_progress', 'done', 'delayed', 'cancelled')"
            ),
            "action_position_positive": "position >= 1",
            "action_span": DATE_SPAN,
        },
        unique={"action_position": ("plan_id", "position")},
    )
    record(
        "coaching_assignments",
        part_of("programme_id", "coaching_programmes"),
        part_of("coach_id", "coaching_coaches"),
        part_of("team_id", "coaching_teams"),
        string("role", 20, required=True),
        date("start_on"),
        date("end_on"),
        checks={
            "coaching_assignment_role": "role IN ('lead', 'co-coach')",
            "coaching_assignment_span": DATE_SPAN,
        },
        unique={"coaching_assignment_once": ("coach_id", "team_id")},
    )
    record(
        "coaching_sessions",
        part_of("programme_id", "coaching_programmes"),
        date("session_date", required=True),
        part_of("coach_id", "coaching_coaches"),
        part_of("team_id", "coaching_teams"),
        integer("duration_minutes", required=True),
        string("focus", 300),
        text("notes"),
        timestamp("logged_at", required=True),
        checks={"coaching_session_duration": "duration_minutes > 0"},
        unique={"coaching_session_once": ("programme_id", "session_date", "coach_id", "team_id")},
    )
    table(
        "ratings",
        part_of("assessment_id", "assessments", key=True),
        string("dimension_key", 100, key=True),
        integer("level"),
        flag("dont_know"),
        text("justification"),
        string("confidence", 6),
        text("features"),
        checks={
            "rating_confidence": "confidence IS NULL OR confidence IN ('low', 'medium', 'high')",
            "rating_level_or_dont_know": "NOT (dont_know AND level IS NOT NULL)",
        },
    )


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_table("coaching_sessions")
    op.drop_table("coaching_assignments")
    op.drop_table("actions")
    op.drop_index(
        "ix_questionnaire_responses_questionnaire_id", table_name="questionnaire_responses"
    )

    op.drop_table("questionnaire_responses")
    op.drop_table("questionnaire_items")
    op.drop_table("participant_identities")
    op.drop_table("kt_stakeholders")
    op.drop_table("kt_programme_assets")
    op.drop_table("kt_milestones")
    op.drop_table("kt_activities")
    op.drop_table("evaluation_turns")
    op.drop_table("evaluation_source_participants")
    op.drop_index("ix_coded_segments_source_id", table_name="coded_segments")
    op.drop_index("ix_coded_segments_code_id", table_name="coded_segments")

    op.drop_table("coded_segments")
    op.drop_table("coaching_teams")
    op.drop_table("coaching_milestones")
    op.drop_table("coaching_coaches")
    op.drop_table("assessor_identities")
    op.drop_table("assessments")
    op.drop_table("action_plans")
    op.drop_table("questionnaires")
    op.drop_index("ix_qda_parts_project_id", table_name="qda_parts")

    op.drop_table("qda_parts")
    op.drop_index("ix_qda_files_project_id", table_name="qda_files")

    op.drop_table("qda_files")
    op.drop_table("qda_element_extras")
    op.drop_table("planning_person_identities")
    op.drop_table("planning_assets")
    op.drop_table("kt_programmes")
    op.drop_table("evaluation_sources")
    op.drop_table("evaluation_participants")
    op.drop_table("coaching_programmes")
    op.drop_table("assessors")
    op.drop_index("ix_twinning_features_receiving_assessment", table_name="twinning_features")

    op.drop_table("twinning_features")
    op.drop_table("subjects")
    op.drop_table("store_meta")
    op.drop_table("qda_projects")
    op.drop_table("planning_people")
    op.drop_table("instruments")
    op.drop_table("evaluation_codes")
    op.drop_table("evaluation_coders")
