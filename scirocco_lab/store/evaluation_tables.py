"""Evaluation tables (sources, turns, participants, codebook, coded segments, questionnaires).

Portable SQLAlchemy Core types only, registered on :data:`scirocco_lab.store.schema.metadata`
so :func:`~scirocco_lab.store.open_store` creates them. Regions are referenced by the
subject key (``subjects.key`` is unique), so a frame needs no join to show them.

Participants' real names live only in ``participant_identities``; no frame joins it unless
``include_identities=True`` is asked (see :mod:`scirocco_lab.evaluation.store`).
Tuples (a code's dimensions and categories, a questionnaire's scale labels) are stored as JSON
text, like a rating's features.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scirocco_lab.store.schema import metadata

__all__ = [
    "coded_segments",
    "evaluation_coders",
    "evaluation_codes",
    "evaluation_participants",
    "evaluation_source_participants",
    "evaluation_sources",
    "evaluation_turns",
    "participant_identities",
    "questionnaire_items",
    "questionnaire_responses",
    "questionnaires",
]

_KEY = 200  # keys, pseudonyms, item keys
_GUID = 64  # a uuid string is 36; some tools write braces or prefixes

evaluation_participants = Table(
    "evaluation_participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pseudonym", String(_KEY), nullable=False, unique=True),
    # "group" is an SQL keyword; the frame shows this column as ``group``.
    Column("participant_group", String(200)),
    Column("role", String(200)),
    Column("organisation", String(300)),
    Column("region", String(100), ForeignKey("subjects.key")),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

participant_identities = Table(
    "participant_identities",
    metadata,
    Column(
        "participant_id",
        Integer,
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("full_name", String(300)),
    Column("email", String(300)),
)

evaluation_sources = Table(
    "evaluation_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(_KEY), nullable=False, unique=True),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("activity", String(20), nullable=False),
    Column("region", String(100), ForeignKey("subjects.key")),
    Column("programme", String(_KEY)),
    Column("held_on", Date),
    Column("language", String(20)),
    Column("original_format", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "activity IN ('study_visit', 'webinar', 'expert_mission', 'focus_group', "
        "'interview', 'other')",
        name="evaluation_source_activity",
    ),
)

evaluation_source_participants = Table(
    "evaluation_source_participants",
    metadata,
    Column(
        "source_id",
        Integer,
        ForeignKey("evaluation_sources.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "participant_id",
        Integer,
        ForeignKey("evaluation_participants.id"),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False),
)

evaluation_turns = Table(
    "evaluation_turns",
    metadata,
    Column(
        "source_id",
        Integer,
        ForeignKey("evaluation_sources.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("turn", Integer, primary_key=True),
    # A participant's pseudonym or a label such as "Facilitator"; never a real name.
    Column("speaker", String(_KEY)),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("started_at", Float),
    CheckConstraint("start_char >= 0 AND end_char >= start_char", name="evaluation_turn_range"),
)

evaluation_codes = Table(
    "evaluation_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(_KEY), nullable=False, unique=True),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("parent_id", Integer, ForeignKey("evaluation_codes.id")),
    Column("description", Text),
    Column("colour", String(7)),
    Column("dimensions", Text),  # JSON list of instrument dimension keys
    Column("categories", Text),  # JSON list of evaluator-defined framework categories
    Column("position", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

evaluation_coders = Table(
    "evaluation_coders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(_KEY), nullable=False, unique=True),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column("synthetic", Boolean, nullable=False, default=False),
)

coded_segments = Table(
    "coded_segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column(
        "source_id",
        Integer,
        ForeignKey("evaluation_sources.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "code_id",
        Integer,
        ForeignKey("evaluation_codes.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("coder_id", Integer, ForeignKey("evaluation_coders.id"), nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("coded_at", DateTime(timezone=True), nullable=False),
    Column("origin", String(10), nullable=False),
    Column("memo", Text),
    CheckConstraint("start_char >= 0 AND end_char > start_char", name="coded_segment_range"),
    CheckConstraint("origin IN ('manual', 'auto', 'imported')", name="coded_segment_origin"),
)

questionnaires = Table(
    "questionnaires",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(_KEY), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("activity", String(20), nullable=False),
    Column("region", String(100), ForeignKey("subjects.key")),
    Column("programme", String(_KEY)),
    Column("held_on", Date),
    Column("scale_min", Integer, nullable=False),
    Column("scale_max", Integer, nullable=False),
    Column("scale_labels", Text),  # JSON list, low -> high
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("scale_max > scale_min", name="questionnaire_scale"),
)

questionnaire_items = Table(
    "questionnaire_items",
    metadata,
    Column(
        "questionnaire_id",
        Integer,
        ForeignKey("questionnaires.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("item", String(_KEY), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("wording", Text, nullable=False),
    Column("reverse_scored", Boolean, nullable=False, default=False),
)

questionnaire_responses = Table(
    "questionnaire_responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "questionnaire_id",
        Integer,
        ForeignKey("questionnaires.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("respondent", String(_KEY), nullable=False),
    Column("respondent_group", String(200)),
    Column("region", String(100), ForeignKey("subjects.key")),
    Column("item", String(_KEY), nullable=False),
    Column("value", Float),  # NULL: not answered
    UniqueConstraint("questionnaire_id", "respondent", "item", name="questionnaire_response_key"),
)
