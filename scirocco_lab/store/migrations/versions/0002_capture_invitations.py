"""Web-app capture (issue 11): personal invitations and the draft revision counter."""

import sqlalchemy as sa
from alembic import op

from scirocco_lab.store.migrate import create_index, create_table

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    create_table(
        "assessment_revisions",
        sa.Column("natural_key", sa.String(length=700), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("natural_key"),
    )
    create_table(
        "invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=12), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("round >= 1", name="invitation_round"),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["assessors.id"],
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    create_index("invitation_scope", "invitations", ["subject_id", "round", "assessor_id"])


def downgrade() -> None:
    op.drop_index("invitation_scope", table_name="invitations")

    op.drop_table("invitations")
    op.drop_table("assessment_revisions")
