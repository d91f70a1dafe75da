"""Audit ledger (issue 12): the audit trail, the imported-files ledger and the index of
assessments by subject."""

import sqlalchemy as sa
from alembic import op

from scirocco_lab.store.migrate import create_index, create_table

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("table_name", sa.String(length=100), nullable=False),
        sa.Column("keys", sa.Text(), nullable=True),
        sa.Column("counts", sa.Text(), nullable=True),
        sa.Column("file", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    create_table(
        "imported_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "sha256", name="uq_imported_files_kind_sha256"),
    )
    create_index("ix_assessments_subject_id", "assessments", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_assessments_subject_id", table_name="assessments")

    op.drop_table("imported_files")
    op.drop_table("audit_log")
