"""The store: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) by configuration.

:mod:`~scirocco_lab.store.engine` opens it (and creates every domain's tables),
:mod:`~scirocco_lab.store.schema` holds the shared tables (subjects, assessors and their
identities, instruments) and the helpers the domains' table modules use,
:mod:`~scirocco_lab.store.people` and :mod:`~scirocco_lab.store.instruments` read them. Each
domain writes and reads its own records (for assessments: :mod:`scirocco_lab.assessment.store`).
Reads return tidy pandas DataFrames that never include personal names or e-mail addresses
unless asked for.

>>> from scirocco_lab.store import open_store, subjects_frame
>>> store = open_store("sqlite://")          # in-memory, for the example
>>> subjects_frame(store).empty
True
"""

from scirocco_lab.store import schema
from scirocco_lab.store.engine import (
    Store,
    integrity_problems,
    is_empty,
    open_store,
    set_store_title,
)
from scirocco_lab.store.instruments import resolve_instrument
from scirocco_lab.store.people import assessors_frame, get_subject, subjects_frame
from scirocco_lab.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "assessors_frame",
    "get_subject",
    "integrity_problems",
    "is_empty",
    "open_store",
    "resolve_instrument",
    "schema",
    "set_store_title",
    "subjects_frame",
]
