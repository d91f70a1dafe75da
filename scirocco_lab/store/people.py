"""Subjects (regions, good practices) and assessors as tidy frames; assessors by pseudonym,
their names and e-mails only when asked for."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import literal, select, union_all

from scirocco_lab.errors import (
    NotFoundError,
)
from scirocco_lab.store import schema
from scirocco_lab.store.engine import Store

__all__ = [
    "assessors_frame",
    "columns_of",
    "get_subject",
    "people_frame",
    "read_frame",
    "subjects_frame",
]


def columns_of(table, *names: str) -> list:
    """``table``'s columns ``names``, in that order, for a select.

    >>> [column.name for column in columns_of(schema.subjects, "key", "name")]
    ['key', 'name']
    """
    return [table.c[name] for name in names]


def read_frame(store: Store, statement) -> pd.DataFrame:
    with store.engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def subjects_frame(store: Store, kind: str | None = None) -> pd.DataFrame:
    """Regions and good practices: key, kind, name, country, owner, description, synthetic."""
    owners = schema.subjects.alias("owner")
    statement = (
        select(
            *columns_of(schema.subjects, "key", "kind", "name", "country"),
            owners.c.key.label("owner"),
            *columns_of(schema.subjects, "description", "synthetic"),
        )
        .outerjoin(owners, owners.c.id == schema.subjects.c.owner_id)
        .order_by(schema.subjects.c.kind.desc(), schema.subjects.c.key)
    )
    if kind is not None:
        statement = statement.where(schema.subjects.c.kind == kind)
    return read_frame(store, statement)


def assessors_frame(store: Store, *, include_identities: bool = False) -> pd.DataFrame:
    """Assessors by pseudonym with role, sector, organisation and home subject.

    Names and e-mail addresses are personal data: only with ``include_identities=True``.
    """
    home = schema.subjects.alias("home")
    statement = select(
        *columns_of(schema.assessors, "pseudonym", "role", "sector", "organisation"),
        home.c.key.label("home_subject"),
        schema.assessors.c.synthetic,
    ).outerjoin(home, home.c.id == schema.assessors.c.home_subject_id)
    if include_identities:
        statement = statement.add_columns(
            schema.assessor_identities.c.full_name, schema.assessor_identities.c.email
        ).outerjoin(
            schema.assessor_identities,
            schema.assessor_identities.c.assessor_id == schema.assessors.c.id,
        )
    return read_frame(store, statement.order_by(schema.assessors.c.pseudonym))


def get_subject(store: Store, key: str) -> dict:
    """One subject as a dict; :class:`NotFoundError` lists the keys that exist."""
    frame = subjects_frame(store)
    match = frame[frame["key"] == key]
    if match.empty:
        known = ", ".join(frame["key"].tolist()) or "none yet"
        raise NotFoundError(
            f"no region or good practice with key '{key}' in the store. Known keys: {known}."
        )
    return match.iloc[0].to_dict()


def people_frame(store: Store) -> pd.DataFrame:
    """Everyone the store knows by pseudonym: pseudonym, kind (assessor or participant) and
    whether an identity (name, e-mail) is stored for them, never the identity itself.

    >>> from scirocco_lab.store import open_store
    >>> people_frame(open_store("sqlite://")).columns.tolist()
    ['pseudonym', 'kind', 'identity_stored']
    """
    schema.register_tables()
    parts = []
    for kind, people_name, identities_name, column in (
        ("assessor", "assessors", "assessor_identities", "assessor_id"),
        ("participant", "evaluation_participants", "participant_identities", "participant_id"),
    ):
        people = schema.metadata.tables[people_name]
        identities = schema.metadata.tables[identities_name]
        parts.append(
            select(
                people.c.pseudonym,
                literal(kind).label("kind"),
                identities.c[column].is_not(None).label("identity_stored"),
            ).outerjoin(identities, identities.c[column] == people.c.id)
        )
    statement = union_all(*parts)
    frame = read_frame(store, statement)
    frame["identity_stored"] = frame["identity_stored"].astype(bool)
    return frame.sort_values(["pseudonym", "kind"], ignore_index=True)
