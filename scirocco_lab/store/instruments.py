"""Instruments kept in the store: every instrument the store has assessments for is stored
with them, so the store stays readable without the original file."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from scirocco_lab.errors import (
    SciroccoLabError,
)
from scirocco_lab.instruments import Instrument, instrument_from_mapping, load_instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import schema
from scirocco_lab.store.engine import Store

__all__ = ["ensure_instrument", "resolve_instrument", "stored_instrument"]


def stored_instrument(connection: Connection, instrument_id: str) -> Instrument | None:
    row = connection.execute(
        select(schema.instruments.c.definition).where(schema.instruments.c.id == instrument_id)
    ).scalar_one_or_none()
    if row is None:
        return None
    return instrument_from_mapping(json.loads(row), origin=f"store instrument '{instrument_id}'")


def resolve_instrument(store: Store, ref: str | Instrument | None = None) -> Instrument:
    """An instrument by object, bundled id or path, or the copy kept in the store.

    The store keeps a copy of every instrument it has assessments for, so a store made with
    your own instrument file stays readable without that file.
    """
    if isinstance(ref, Instrument):
        return ref
    ref = ref or "scirocco-exchange"
    try:
        return load_instrument(ref)
    except SciroccoLabError:
        with store.engine.connect() as connection:
            stored = stored_instrument(connection, str(ref))
        if stored is None:
            raise
        return stored


def ensure_instrument(connection: Connection, instrument: Instrument) -> None:
    existing = connection.execute(
        select(schema.instruments.c.version).where(schema.instruments.c.id == instrument.id)
    ).scalar_one_or_none()
    values = {
        "version": instrument.version,
        "title": instrument.title,
        "definition": json.dumps(instrument.to_mapping(), ensure_ascii=False),
        "stored_at": utc_now(),
    }
    if existing is None:
        try:
            with connection.begin_nested():
                connection.execute(schema.instruments.insert().values(id=instrument.id, **values))
            return
        except IntegrityError:
            # A concurrent writer (another workshop participant) stored it first: read its copy.
            existing = connection.execute(
                select(schema.instruments.c.version).where(schema.instruments.c.id == instrument.id)
            ).scalar_one()
    if existing != instrument.version:
        connection.execute(
            schema.instruments.update()
            .where(schema.instruments.c.id == instrument.id)
            .values(**values)
        )
