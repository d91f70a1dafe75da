"""Baseline: the store as it was before the web-app capture tables and the audit ledger:
subjects, assessors and their identities, instruments, assessments and ratings, twinning
features, the planning and evaluation records and the REFI-QDA exchange tables.

Revision 0001 (the first).
"""

import sqlalchemy as sa
from alembic import op

from scirocco_lab.store.migrate import create_index, create_table

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "evaluation_coders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("name"),
    )
    create_table(
        "evaluation_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("dimensions", sa.Text(), nullable=True),
        sa.Column("categories", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["evaluation_codes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "instruments",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create_table(
        "planning_people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pseudonym"),
    )
    create_table(
        "qda_projects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("origin", sa.String(length=500), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("creating_user", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("attributes", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create_table(
        "store_meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    create_table(
        "subjects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('system', 'good_practice')", name="subject_kind"),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "twinning_features",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("receiving_assessment", sa.String(length=700), nullable=False),
        sa.Column("reference_assessment", sa.String(length=700), nullable=False),
        sa.Column("dimension_key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(length=300), nullable=False),
        sa.Column("partially_implemented", sa.Boolean(), nullable=False),
        sa.Column("feasibility", sa.String(length=20), nullable=True),
        sa.Column("adaptation", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "feasibility IS NULL OR feasibility IN ('possible', 'difficult', 'not feasible')",
            name="twinning_feasibility",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index(
        "ix_twinning_features_receiving_assessment", "twinning_features", ["receiving_assessment"]
    )

    create_table(
        "assessors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("sector", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("home_subject_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_subject_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pseudonym"),
    )
    create_table(
        "coaching_programmes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("midpoint_review_on", sa.Date(), nullable=True),
        sa.Column("midpoint_summary", sa.Text(), nullable=True),
        sa.Column("midpoint_decisions", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'completed', 'cancelled')",
            name="coaching_programme_status",
        ),
        sa.CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on",
            name="coaching_programme_span",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "evaluation_participants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(length=200), nullable=False),
        sa.Column("participant_group", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region"],
            ["subjects.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pseudonym"),
    )
    create_table(
        "evaluation_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("activity", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("original_format", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "activity IN ('study_visit', 'webinar', 'expert_mission', 'focus_group', "
            "'interview', 'other')",
            name="evaluation_source_activity",
        ),
        sa.ForeignKeyConstraint(
            ["region"],
            ["subjects.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "kt_programmes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("receiving_region_id", sa.Integer(), nullable=False),
        sa.Column("transferring_region_id", sa.Integer(), nullable=True),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("objectives", sa.Text(), nullable=True),
        sa.Column("evaluation_plan", sa.Text(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'completed', 'cancelled')", name="kt_programme_status"
        ),
        sa.CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on", name="kt_programme_span"
        ),
        sa.CheckConstraint(
            "transferring_region_id IS NULL OR transferring_region_id <> receiving_region_id",
            name="kt_programme_not_self",
        ),
        sa.ForeignKeyConstraint(
            ["receiving_region_id"],
            ["subjects.id"],
        ),
        sa.ForeignKeyConstraint(
            ["transferring_region_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "planning_assets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('tool', 'guideline', 'good_practice', 'training', 'expert')",
            name="planning_asset_kind",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "planning_person_identities",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["planning_people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id"),
    )
    create_table(
        "qda_element_extras",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["qda_projects.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("kind", "guid"),
    )
    create_table(
        "qda_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["qda_projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "path", name="qda_file_path"),
    )
    create_index("ix_qda_files_project_id", "qda_files", ["project_id"])

    create_table(
        "qda_parts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["qda_projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index("ix_qda_parts_project_id", "qda_parts", ["project_id"])

    create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("activity", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("scale_labels", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("scale_max > scale_min", name="questionnaire_scale"),
        sa.ForeignKeyConstraint(
            ["region"],
            ["subjects.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "action_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["kt_programmes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table(
        "assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("natural_key", sa.String(length=700), nullable=False),
        sa.Column("kind", sa.String(length=2), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=100), nullable=False),
        sa.Column("instrument_version", sa.String(length=50), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('HS', 'GP')", name="assessment_kind"),
        sa.CheckConstraint("mode IN ('individual', 'consensus')", name="assessment_mode"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="assessment_status"),
        sa.CheckConstraint("round >= 1", name="assessment_round"),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["assessors.id"],
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("natural_key"),
    )
    create_table(
        "assessor_identities",
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessor_id"),
    )
    create_table(
        "coaching_coaches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("cohort", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["planning_people.id"],
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["coaching_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "person_id", name="coaching_coach_once"),
    )
    create_table(
        "coaching_milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'late')", name="coaching_milestones_status"
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["coaching_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key", name="coaching_milestones_key"),
    )
    create_table(
        "coaching_teams",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('team', 'neighbourhood')", name="coaching_team_kind"),
        sa.ForeignKeyConstraint(["programme_id"], ["coaching_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key", name="coaching_team_key"),
    )
    create_table(
        "coded_segments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guid", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.CheckConstraint("origin IN ('manual', 'auto', 'imported')", name="coded_segment_origin"),
        sa.CheckConstraint("start_char >= 0 AND end_char > start_char", name="coded_segment_range"),
        sa.ForeignKeyConstraint(["code_id"], ["evaluation_codes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["evaluation_coders.id"],
        ),
        sa.ForeignKeyConstraint(["source_id"], ["evaluation_sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guid"),
    )
    create_index("ix_coded_segments_code_id", "coded_segments", ["code_id"])
    create_index("ix_coded_segments_source_id", "coded_segments", ["source_id"])

    create_table(
        "evaluation_source_participants",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["evaluation_participants.id"],
        ),
        sa.ForeignKeyConstraint(["source_id"], ["evaluation_sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", "participant_id"),
    )
    create_table(
        "evaluation_turns",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=True),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "start_char >= 0 AND end_char >= start_char", name="evaluation_turn_range"
        ),
        sa.ForeignKeyConstraint(["source_id"], ["evaluation_sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", "turn"),
    )
    create_table(
        "kt_activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("visiting_experts", sa.Integer(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("expected_outcomes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "kind <> 'study_visit' OR visiting_experts IS NULL OR visiting_experts <= 5",
            name="kt_study_visit_experts",
        ),
        sa.CheckConstraint(
            "kind IN ('expert_mission', 'event', 'capacity_building', 'study_visit', "
            "'staff_exchange')",
            name="kt_activity_kind",
        ),
        sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="kt_activity_status"),
        sa.CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on", name="kt_activity_span"
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["kt_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key", name="kt_activity_key"),
    )
    create_table(
        "kt_milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'done', 'late')", name="kt_milestones_status"),
        sa.ForeignKeyConstraint(["programme_id"], ["kt_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_id", "key", name="kt_milestones_key"),
    )
    create_table(
        "kt_programme_assets",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["planning_assets.id"],
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["kt_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_id", "asset_id"),
    )
    create_table(
        "kt_stakeholders",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["planning_people.id"],
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["kt_programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_id", "person_id"),
    )
    create_table(
        "participant_identities",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["evaluation_participants.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    create_table(
        "questionnaire_items",
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("reverse_scored", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaires.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("questionnaire_id", "item"),
    )
    create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=200), nullable=False),
        sa.Column("respondent_group", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["questionnaire_id"], ["questionnaires.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["region"],
            ["subjects.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "questionnaire_id", "respondent", "item", name="questionnaire_response_key"
        ),
    )
    create_index(
        "ix_questionnaire_responses_questionnaire_id",
        "questionnaire_responses",
        ["questionnaire_id"],
    )

    create_table(
        "actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dimension_key", sa.String(length=100), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("indicator", sa.Text(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("priority IN ('high', 'medium', 'low')", name="action_priority"),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'delayed', 'cancelled')",
            name="action_status",
        ),
        sa.CheckConstraint("position >= 1", name="action_position_positive"),
        sa.CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on", name="action_span"
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "position", name="action_position"),
    )
    create_table(
        "coaching_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint("role IN ('lead', 'co-coach')", name="coaching_assignment_role"),
        sa.CheckConstraint(
            "start_on IS NULL OR end_on IS NULL OR end_on >= start_on",
            name="coaching_assignment_span",
        ),
        sa.ForeignKeyConstraint(["coach_id"], ["coaching_coaches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["coaching_programmes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["coaching_teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coach_id", "team_id", name="coaching_assignment_once"),
    )
    create_table(
        "coaching_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("focus", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name="coaching_session_duration"),
        sa.ForeignKeyConstraint(["coach_id"], ["coaching_coaches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["coaching_programmes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["coaching_teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "programme_id", "session_date", "coach_id", "team_id", name="coaching_session_once"
        ),
    )
    create_table(
        "ratings",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("dimension_key", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("dont_know", sa.Boolean(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("confidence", sa.String(length=6), nullable=True),
        sa.Column("features", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence IN ('low', 'medium', 'high')",
            name="rating_confidence",
        ),
        sa.CheckConstraint(
            "NOT (dont_know AND level IS NOT NULL)", name="rating_level_or_dont_know"
        ),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "dimension_key"),
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
