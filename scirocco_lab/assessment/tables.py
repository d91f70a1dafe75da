"""Assessment tables: assessments (one per assessor, round and subject, or a consensus) and
their ratings, one per dimension. Registered on :data:`scirocco_lab.store.schema.metadata`."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from scirocco_lab.store.schema import (
    created_at_column,
    metadata,
    part_of,
    record_table,
    refers_to,
    subject_column,
    updated_at_column,
)

__all__ = ["assessment_revisions", "assessments", "invitations", "ratings"]

assessments = record_table(
    "assessments",
    # kind|subject|instrument|round|mode|assessor: one assessment per person (or one
    # consensus) per round; a plain unique column works the same in SQLite and PostgreSQL.
    Column("natural_key", String(700), nullable=False, unique=True),
    Column("kind", String(2), nullable=False),
    # Indexed: reports load one region's assessments (time proportional to that region).
    subject_column("subject_id", required=True, index=True),
    Column("instrument_id", String(100), ForeignKey("instruments.id"), nullable=False),
    Column("instrument_version", String(50), nullable=False),
    Column("round", Integer, nullable=False, default=1),
    Column("mode", String(12), nullable=False),
    refers_to("assessor_id", "assessors"),
    Column("status", String(10), nullable=False),
    Column("assessed_on", Date),
    Column("notes", Text),
    created_at_column(),
    updated_at_column(),
    Column("submitted_at", DateTime(timezone=True)),
    CheckConstraint("kind IN ('HS', 'GP')", name="assessment_kind"),
    CheckConstraint("mode IN ('individual', 'consensus')", name="assessment_mode"),
    CheckConstraint("status IN ('draft', 'submitted')", name="assessment_status"),
    CheckConstraint("round >= 1", name="assessment_round"),
    # Reports read the submitted assessments of one kind and instrument (the few GP among
    # many HS; which subjects have ratings, when planning the batch).
    Index("assessment_kind_instrument", "kind", "instrument_id", "status"),
)

ratings = Table(
    "ratings",
    metadata,
    part_of("assessment_id", "assessments", key=True),
    Column("dimension_key", String(100), primary_key=True),
    Column("level", Integer),
    Column("dont_know", Boolean, nullable=False, default=False),
    Column("justification", Text),
    Column("confidence", String(6)),
    # Features a good practice needs in this dimension: a JSON list of short names.
    Column("features", Text),
    CheckConstraint("NOT (dont_know AND level IS NOT NULL)", name="rating_level_or_dont_know"),
    CheckConstraint(
        "confidence IS NULL OR confidence IN ('low', 'medium', 'high')", name="rating_confidence"
    ),
)

# Features the receiving system must implement, recorded in a twinning & coaching meeting.
# Keyed by the two assessments' natural keys, which survive an assessment being replaced.


# --- web-app capture tables (issue 11): invitations and draft revisions --------------------

# One personal sign-in link per participant, subject and round. Only the SHA-256 of the token
# is kept (the token itself is shown once, when created); ``token_prefix`` (its first six
# characters) names a link in listings and logs without being enough to sign in.
invitations = record_table(
    "invitations",
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("token_prefix", String(12), nullable=False),
    subject_column("subject_id", required=True),
    Column("round", Integer, nullable=False),
    refers_to("assessor_id", "assessors", required=True),
    created_at_column(),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("first_used_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    CheckConstraint("round >= 1", name="invitation_round"),
    Index("invitation_scope", "subject_id", "round", "assessor_id"),
)

# The revision of each assessment's draft, bumped by every save: a form remembers the
# revision it last read or wrote, so a second tab saving over it is detected, not silent.
# Keyed by the natural key, which survives the assessment row being replaced on each save.
assessment_revisions = Table(
    "assessment_revisions",
    metadata,
    Column("natural_key", String(700), primary_key=True),
    Column("revision", Integer, nullable=False),
    updated_at_column(),
)
# --- end of web-app capture tables ------------------------------------------------------------
