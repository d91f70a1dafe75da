"""Report indexes (issue 15): the columns one region's reports, and the planning of the batch,
filter by."""

from alembic import op

from scirocco_lab.store.migrate import create_index

__all__ = ["down_revision", "downgrade", "revision", "upgrade"]

revision = "0004"
down_revision = "0003"

# (index, table, columns), as the tables modules declare them.
INDEXES = (
    ("assessment_kind_instrument", "assessments", ("kind", "instrument_id", "status")),
    ("ix_kt_programmes_receiving_region_id", "kt_programmes", ("receiving_region_id",)),
    ("ix_kt_programmes_transferring_region_id", "kt_programmes", ("transferring_region_id",)),
    ("ix_coaching_programmes_region_id", "coaching_programmes", ("region_id",)),
    ("ix_action_plans_region_id", "action_plans", ("region_id",)),
    ("ix_evaluation_sources_region", "evaluation_sources", ("region",)),
    ("ix_questionnaires_region", "questionnaires", ("region",)),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
