"""Alembic's environment for the store, run by :mod:`scirocco_lab.store.migrate`.

No alembic.ini: the configuration is built in code and the connection to migrate is handed
over in ``config.attributes["connection"]`` (the store's own, inside its transaction).
"""

from alembic import context

from scirocco_lab.errors import StoreError
from scirocco_lab.store import schema

__all__: list[str] = []

if context.is_offline_mode():
    raise StoreError("scirocco-lab migrations run on a store, not offline (no --sql)")

schema.register_tables()
context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=schema.metadata,
    # SQLite changes a column or constraint only by copying the table: batch mode does it.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
