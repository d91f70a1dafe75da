"""Evaluation tables (sources, turns, participants, codebook, coded segments, questionnaires).

Portable SQLAlchemy Core types only, registered on :data:`scirocco_lab.store.schema.metadata`
so :func:`~scirocco_lab.store.open_store` creates them. Regions are referenced by the
subject key (``subjects.key`` is unique), so a frame needs no join to show them.

Participants' real names live only in ``participant_identities``; no frame joins it unless
``include_identities=True`` is asked (see :mod:`scirocco_lab.evaluation.store`).
Tuples (a code's dimensions and categories, a questionnaire's scale labels) are stored as JSON
text, like a rating's features.

REFI-QDA exchange tables keep the parts of imported projects the workbench does not use, so an
export gives them back (see docs/refi-qda.md): an imported .qdpx or .qdc is one
``qda_projects`` row; ``qda_parts`` holds project-level items verbatim as XML (Variables, Cases,
Notes, Links, Graphs, NoteRefs, non-text sources) and code sets, in file order; ``qda_files``
the files of the .qdpx zip the workbench does not read (PDFs, pictures, audio, rich text), as
bytes; ``qda_element_extras`` per code, source, selection, coding or user (by guid) the
attributes and child elements the evaluation tables do not hold, as JSON.
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
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scirocco_lab.store.schema import (
    created_at_column,
    key_column,
    link_table,
    metadata,
    part_of,
    person_tables,
    record_table,
    refers_to,
    region_column,
    synthetic_column,
)

__all__ = [
    "coded_segments",
    "evaluation_coders",
    "evaluation_codes",
    "evaluation_participants",
    "evaluation_source_participants",
    "evaluation_sources",
    "evaluation_turns",
    "participant_identities",
    "qda_element_extras",
    "qda_files",
    "qda_parts",
    "qda_projects",
    "questionnaire_items",
    "questionnaire_responses",
    "questionnaires",
]

_KEY = 200  # keys, pseudonyms, item keys
_GUID = 64  # a uuid string is 36; some tools write braces or prefixes

evaluation_participants, participant_identities = person_tables(
    "evaluation_participants",
    "participant_identities",
    "participant_id",
    # "group" is an SQL keyword; the frame shows this column as ``group``.
    Column("participant_group", String(200)),
    Column("role", String(200)),
    Column("organisation", String(300)),
    region_column(),
    pseudonym_length=_KEY,
)

evaluation_sources = record_table(
    "evaluation_sources",
    key_column(_KEY),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("activity", String(20), nullable=False),
    region_column(index=True),
    Column("programme", String(_KEY)),
    Column("held_on", Date),
    Column("language", String(20)),
    Column("original_format", String(10), nullable=False),
    Column("text", Text, nullable=False),
    synthetic_column(),
    created_at_column(),
    CheckConstraint(
        "activity IN ('study_visit', 'webinar', 'expert_mission', 'focus_group', "
        "'interview', 'other')",
        name="evaluation_source_activity",
    ),
)

evaluation_source_participants = link_table(
    "evaluation_source_participants",
    ("source_id", "evaluation_sources"),
    ("participant_id", "evaluation_participants"),
)

evaluation_turns = Table(
    "evaluation_turns",
    metadata,
    part_of("source_id", "evaluation_sources", key=True),
    Column("turn", Integer, primary_key=True),
    # A participant's pseudonym or a label such as "Facilitator"; never a real name.
    Column("speaker", String(_KEY)),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("started_at", Float),
    CheckConstraint("start_char >= 0 AND end_char >= start_char", name="evaluation_turn_range"),
)

evaluation_codes = record_table(
    "evaluation_codes",
    key_column(_KEY),
    Column("guid", String(_GUID), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    refers_to("parent_id", "evaluation_codes"),
    Column("description", Text),
    Column("colour", String(7)),
    Column("dimensions", Text),  # JSON list of instrument dimension keys
    Column("categories", Text),  # JSON list of evaluator-defined framework categories
    Column("position", Integer, nullable=False, default=0),
    created_at_column(),
)

evaluation_coders = record_table(
    "evaluation_coders",
    Column("name", String(_KEY), nullable=False, unique=True),
    Column("guid", String(_GUID), nullable=False, unique=True),
    synthetic_column(),
)

coded_segments = record_table(
    "coded_segments",
    Column("guid", String(_GUID), nullable=False, unique=True),
    part_of("source_id", "evaluation_sources", index=True),
    part_of("code_id", "evaluation_codes", index=True),
    refers_to("coder_id", "evaluation_coders", required=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("coded_at", DateTime(timezone=True), nullable=False),
    Column("origin", String(10), nullable=False),
    Column("memo", Text),
    CheckConstraint("start_char >= 0 AND end_char > start_char", name="coded_segment_range"),
    CheckConstraint("origin IN ('manual', 'auto', 'imported')", name="coded_segment_origin"),
)

questionnaires = record_table(
    "questionnaires",
    key_column(_KEY),
    Column("title", String(500), nullable=False),
    Column("activity", String(20), nullable=False),
    region_column(index=True),
    Column("programme", String(_KEY)),
    Column("held_on", Date),
    Column("scale_min", Integer, nullable=False),
    Column("scale_max", Integer, nullable=False),
    Column("scale_labels", Text),  # JSON list, low -> high
    synthetic_column(),
    created_at_column(),
    CheckConstraint("scale_max > scale_min", name="questionnaire_scale"),
)

questionnaire_items = Table(
    "questionnaire_items",
    metadata,
    part_of("questionnaire_id", "questionnaires", key=True),
    Column("item", String(_KEY), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("wording", Text, nullable=False),
    Column("reverse_scored", Boolean, nullable=False, default=False),
)

questionnaire_responses = record_table(
    "questionnaire_responses",
    part_of("questionnaire_id", "questionnaires", index=True),
    Column("respondent", String(_KEY), nullable=False),
    Column("respondent_group", String(200)),
    region_column(),
    Column("item", String(_KEY), nullable=False),
    Column("value", Float),  # NULL: not answered
    UniqueConstraint("questionnaire_id", "respondent", "item", name="questionnaire_response_key"),
)


# --- REFI-QDA exchange: parts of imported projects kept for the next export ------------


qda_projects = record_table(
    "qda_projects",
    Column("kind", String(10), nullable=False),  # qdpx | qdc
    Column("name", String(500)),
    Column("origin", String(500)),  # the software that wrote the file
    Column("file_name", String(500), nullable=False),
    Column("region", String(100)),  # the --region the import was given, if any
    Column("creating_user", String(_GUID)),
    Column("created_at", DateTime(timezone=True)),
    Column("description", Text),
    Column("attributes", Text),  # JSON [[name, value], ...]: other Project attributes
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

qda_parts = record_table(
    "qda_parts",
    part_of("project_id", "qda_projects", index=True),
    # Variables, Cases, Notes, Links, Graphs, NoteRef (XML), Sources (XML of a non-text
    # source) or Sets (JSON of a code set the workbench does not interpret).
    Column("section", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("guid", String(_GUID)),
    Column("kind", String(30)),  # element name, e.g. PDFSource
    Column("content", Text, nullable=False),
)

qda_files = record_table(
    "qda_files",
    part_of("project_id", "qda_projects", index=True),
    Column("path", String(1000), nullable=False),  # zip member, e.g. sources/<guid>.pdf
    Column("data", LargeBinary, nullable=False),
    UniqueConstraint("project_id", "path", name="qda_file_path"),
)

qda_element_extras = Table(
    "qda_element_extras",
    metadata,
    Column("kind", String(20), primary_key=True),  # user | code | source | selection | coding
    Column("guid", String(_GUID), primary_key=True),  # lower case, without braces
    Column("project_id", Integer, ForeignKey("qda_projects.id", ondelete="SET NULL")),
    Column("data", Text, nullable=False),  # JSON object
)
