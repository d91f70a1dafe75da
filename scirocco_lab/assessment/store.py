"""Assessments in the store: writing record batches, reading assessments and ratings.

Writes go through :func:`write_batch`, which validates a whole :class:`RecordBatch` first and
then writes it in one transaction: either every record lands or none does. Reads return tidy
pandas DataFrames that never include assessors' names or e-mail addresses (ask
:func:`assessors_frame` with ``include_identities=True`` for those).

>>> from scirocco_lab.store import open_store
>>> ratings_frame(open_store("sqlite://")).columns.tolist()[:4]   # in memory, for the example
['assessment_id', 'kind', 'subject', 'subject_name']
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass

import pandas as pd
from sqlalchemy import Connection, exists, select

from scirocco_lab.assessment import tables
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RecordBatch,
    SubjectRecord,
    validate_batch,
)
from scirocco_lab.errors import (
    DataValidationError,
    SciroccoLabError,
)
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import schema
from scirocco_lab.store.engine import Store
from scirocco_lab.store.instruments import (
    ensure_instrument,
    resolve_instrument,
    stored_instrument,
)
from scirocco_lab.store.ledger import audit
from scirocco_lab.store.people import read_frame

__all__ = [
    "ASSESSMENT_FIELDS",
    "RATINGS_READS",
    "RATING_COLUMNS",
    "WriteSummary",
    "add_assessors",
    "add_subjects",
    "assessments_frame",
    "rated_subjects",
    "ratings_frame",
    "save_assessment",
    "write_batch",
]


#: What an assessment is besides its kind and subject, in the record's order: the columns
#: of :func:`ratings_frame` and of a ratings file name them so.
ASSESSMENT_FIELDS = ("instrument", "round", "mode", "assessor", "status", "assessed_on")
RATING_COLUMNS = [
    "assessment_id",
    "kind",
    "subject",
    "subject_name",
    *ASSESSMENT_FIELDS,
    "synthetic",
    "dimension",
    "level",
    "dont_know",
    "justification",
    "confidence",
    "features",
]


@dataclass(frozen=True)
class WriteSummary:
    """What one :func:`write_batch` call wrote."""

    subjects_added: int = 0
    assessors_added: int = 0
    assessments_added: int = 0
    assessments_replaced: int = 0
    ratings_written: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """The non-zero counts by name, for the audit trail."""
        return {name: value for name, value in asdict(self).items() if value}

    def __str__(self) -> str:
        return (
            f"{self.subjects_added} subject(s), {self.assessors_added} assessor(s), "
            f"{self.assessments_added} new and {self.assessments_replaced} replaced "
            f"assessment(s), {self.ratings_written} rating(s)"
        )


def write_batch(
    store: Store,
    batch: RecordBatch,
    *,
    instruments: Mapping[str, Instrument] | None = None,
    replace: bool = False,
    guard: Callable[[Connection], None] | None = None,
    action: str = "write",
    file: str | os.PathLike[str] | None = None,
) -> WriteSummary:
    """Validate a batch against the store and write all of it in one transaction.

    Raises :class:`DataValidationError` listing every problem (file, row, column, value, fix)
    and writes nothing if any record is bad. Subjects and assessors already in the store are
    kept as they are; an assessment already in the store is an error unless ``replace``.
    ``guard`` runs first inside the same transaction (e.g. "not submitted yet?"); whatever it
    raises rolls the whole write back. The same transaction appends the audit row
    (``action``, e.g. "import", on table "assessments", with the counts and ``file``).
    """
    instruments = dict(instruments or {})
    for assessment in batch.assessments:
        if assessment.instrument not in instruments:
            # An unknown instrument is reported by validate_batch, with its row.
            with suppress(SciroccoLabError):
                instruments[assessment.instrument] = resolve_instrument(
                    store, assessment.instrument
                )
    with store.transaction() as connection:
        if guard is not None:
            guard(connection)
        subject_rows = connection.execute(
            select(schema.subjects.c.key, schema.subjects.c.kind, schema.subjects.c.id)
        ).all()
        subject_ids = {row.key: row.id for row in subject_rows}
        assessor_ids = dict(
            connection.execute(select(schema.assessors.c.pseudonym, schema.assessors.c.id)).all()
        )
        batch_keys = {assessment.key for assessment in batch.assessments}
        existing = _existing_assessments(connection, batch_keys)
        problems = validate_batch(
            batch,
            instruments,
            known_subjects={row.key: row.kind for row in subject_rows},
            known_assessors=assessor_ids,
            existing_assessments=existing,
            replace=replace,
        )
        if problems:
            raise DataValidationError(problems)
        summary = _write(connection, batch, instruments, subject_ids, assessor_ids, existing)
        if summary.counts:
            audit(
                connection, action, "assessments", keys=_audit_keys(batch), counts=summary.counts,
                file=file,
            )  # fmt: skip
    return summary


def _audit_keys(batch: RecordBatch) -> list[str]:
    """The batch's records by key (pseudonyms, never names)."""
    if batch.assessments:
        return [assessment.key for assessment in batch.assessments]
    return [s.key for s in batch.subjects] + [a.pseudonym for a in batch.assessors]


def _existing_assessments(connection: Connection, keys: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):  # stay under SQL parameter limits
        chunk = key_list[start : start + 500]
        rows = connection.execute(
            select(tables.assessments.c.natural_key, tables.assessments.c.id).where(
                tables.assessments.c.natural_key.in_(chunk)
            )
        ).all()
        found.update({row.natural_key: row.id for row in rows})
    return found


#: What the subjects and the assessors tables take of a record: the columns that hold the
#: record's field of that name (the first is the key), and the columns that hold the id of
#: the subject a field names.
_SUBJECT_ROW = (
    ("key", "kind", "name", "country", "description", "synthetic"),
    "owner_id",
    "owner",
)
_ASSESSOR_ROW = (
    ("pseudonym", "role", "sector", "organisation", "synthetic"),
    "home_subject_id",
    "home_subject",
)


def _insert_missing(
    connection: Connection, table, records: Iterable, ids, columns, subject_ids, now
):
    """Insert each record whose key is not in ``ids`` yet, as ``columns`` say (above);
    ``ids`` gains the new ids in turn (a good practice can name a region inserted just
    before). Returns the records inserted, with their ids."""
    fields, link_column, link_field = columns
    added = []
    for record in records:
        key = getattr(record, fields[0])
        if key in ids:
            continue
        values = {name: getattr(record, name) for name in fields}
        values[link_column] = subject_ids.get(getattr(record, link_field))
        inserted = connection.execute(table.insert().values(**values, created_at=now))
        ids[key] = inserted.inserted_primary_key[0]
        added.append((record, ids[key]))
    return added


def _write(
    connection: Connection,
    batch: RecordBatch,
    instruments: Mapping[str, Instrument],
    subject_ids: dict[str, int],
    assessor_ids: dict[str, int],
    existing: dict[str, int],
) -> WriteSummary:
    now = utc_now()
    replaced = ratings_written = 0
    # Good practices name their owner region, so regions go in first.
    regions_first = sorted(batch.subjects, key=lambda s: s.kind != "system")
    subjects = _insert_missing(
        connection, schema.subjects, regions_first, subject_ids, _SUBJECT_ROW, subject_ids, now
    )
    assessors = _insert_missing(
        connection, schema.assessors, batch.assessors, assessor_ids, _ASSESSOR_ROW, subject_ids, now
    )
    for assessor, assessor_id in assessors:
        if assessor.full_name or assessor.email:
            connection.execute(
                schema.assessor_identities.insert().values(
                    assessor_id=assessor_id, full_name=assessor.full_name, email=assessor.email
                )
            )
    for instrument_id in {assessment.instrument for assessment in batch.assessments}:
        ensure_instrument(connection, instruments[instrument_id])
    rating_rows = []
    for assessment in batch.assessments:
        old_id = existing.get(assessment.key)
        if old_id is not None:
            connection.execute(
                tables.ratings.delete().where(tables.ratings.c.assessment_id == old_id)
            )
            connection.execute(tables.assessments.delete().where(tables.assessments.c.id == old_id))
            replaced += 1
        instrument = instruments[assessment.instrument]
        result = connection.execute(
            tables.assessments.insert().values(
                natural_key=assessment.key,
                kind=assessment.kind,
                subject_id=subject_ids[assessment.subject],
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                round=assessment.round,
                mode=assessment.mode,
                assessor_id=assessor_ids.get(assessment.assessor) if assessment.assessor else None,
                status=assessment.status,
                assessed_on=assessment.assessed_on,
                notes=assessment.notes,
                created_at=now,
                updated_at=now,
                submitted_at=now if assessment.status == "submitted" else None,
            )
        )
        assessment_id = result.inserted_primary_key[0]
        rating_rows.extend(
            {
                "assessment_id": assessment_id,
                "dimension_key": rating.dimension,
                "level": rating.level,
                "dont_know": rating.dont_know,
                "justification": rating.justification,
                "confidence": rating.confidence,
                "features": json.dumps(list(rating.features), ensure_ascii=False)
                if rating.features
                else None,
            }
            for rating in assessment.ratings
        )
    if rating_rows:
        connection.execute(tables.ratings.insert(), rating_rows)
        ratings_written = len(rating_rows)
    return WriteSummary(
        subjects_added=len(subjects),
        assessors_added=len(assessors),
        assessments_added=len(batch.assessments) - replaced,
        assessments_replaced=replaced,
        ratings_written=ratings_written,
    )


def save_assessment(
    store: Store,
    assessment: AssessmentRecord,
    *,
    instrument: Instrument | None = None,
    replace: bool = False,
    guard: Callable[[Connection], None] | None = None,
    action: str = "save",
) -> WriteSummary:
    """Write one assessment with its ratings (one transaction); see :func:`write_batch`."""
    instruments = {instrument.id: instrument} if instrument else None
    return write_batch(
        store,
        RecordBatch(assessments=(assessment,), source="assessment"),
        instruments=instruments,
        replace=replace,
        guard=guard,
        action=action,
    )


def add_subjects(store: Store, subjects: Iterable[SubjectRecord]) -> WriteSummary:
    """Add regions or good practices (existing keys are left as they are)."""
    return write_batch(
        store, RecordBatch(subjects=tuple(subjects), source="subjects"), action="add"
    )


def add_assessors(store: Store, assessors: Iterable[AssessorRecord]) -> WriteSummary:
    """Add assessors (existing pseudonyms are left as they are)."""
    return write_batch(
        store, RecordBatch(assessors=tuple(assessors), source="assessors"), action="add"
    )


#: The store tables a report reads for its ratings: what :func:`ratings_frame` joins, and the
#: instrument copy :func:`scirocco_lab.store.resolve_instrument` reads. Report kinds put it in
#: their declared ``reads`` (the incremental build fingerprints those tables).
RATINGS_READS = ("subjects", "assessors", "assessments", "ratings", "instruments")


def _assessment_select():
    a, s, p = tables.assessments, schema.subjects, schema.assessors
    return (
        select(
            a.c.id.label("assessment_id"),
            a.c.kind,
            s.c.key.label("subject"),
            s.c.name.label("subject_name"),
            a.c.instrument_id.label("instrument"),
            a.c.round,
            a.c.mode,
            p.c.pseudonym.label("assessor"),
            a.c.status,
            a.c.assessed_on,
            s.c.synthetic,
            a.c.notes,
        )
        .join(s, s.c.id == a.c.subject_id)
        .outerjoin(p, p.c.id == a.c.assessor_id)
    )


def _filter(statement, subject, kind, mode, round_number, status, instrument):
    """``statement`` restricted to the values given (None: any)."""
    a, s = tables.assessments, schema.subjects
    for column, value in (
        (s.c.key, subject),
        (a.c.kind, kind),
        (a.c.mode, mode),
        (a.c.round, round_number),
        (a.c.status, status),
        (a.c.instrument_id, instrument),
    ):
        if value is not None:  # None: not filtered on
            statement = statement.where(column == value)
    return statement


def assessments_frame(
    store: Store,
    *,
    subject: str | None = None,
    kind: str | None = None,
    mode: str | None = None,
    round: int | None = None,
    status: str | None = None,
    instrument: str | None = None,
) -> pd.DataFrame:
    """One row per assessment (no ratings), filtered by any of the keyword arguments."""
    statement = _filter(
        _assessment_select(), subject, kind, mode, round, status, instrument
    ).order_by(tables.assessments.c.id)
    return read_frame(store, statement)


def ratings_frame(
    store: Store,
    *,
    subject: str | None = None,
    kind: str | None = "HS",
    mode: str | None = None,
    round: int | None = None,
    status: str | None = "submitted",
    instrument: str | None = None,
) -> pd.DataFrame:
    """Tidy ratings: one row per assessment x dimension.

    ``level`` is a float (NaN when don't-know or not yet rated), ``dont_know`` a bool and
    ``features`` a tuple of strings. By default only submitted HS assessments.

    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> ratings_frame(store).columns[:4].tolist()
    ['assessment_id', 'kind', 'subject', 'subject_name']
    """
    r = tables.ratings
    with_ratings = (
        _assessment_select()
        .add_columns(
            r.c.dimension_key.label("dimension"),
            r.c.level,
            r.c.dont_know,
            r.c.justification,
            r.c.confidence,
            r.c.features,
        )
        .join(r, r.c.assessment_id == tables.assessments.c.id)
    )
    statement = _filter(with_ratings, subject, kind, mode, round, status, instrument).order_by(
        tables.assessments.c.id, r.c.dimension_key
    )
    frame = read_frame(store, statement)
    if frame.empty:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in RATING_COLUMNS})
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce").astype(float)
    frame["dont_know"] = frame["dont_know"].astype(bool)
    frame["round"] = frame["round"].astype(int)
    # Empty cells come back as None or NaN depending on the column's other values.
    frame["features"] = [
        tuple(json.loads(text)) if isinstance(text, str) and text else ()
        for text in frame["features"]
    ]
    return _in_dimension_order(store, frame)[RATING_COLUMNS]


def rated_subjects(
    store: Store,
    *,
    kind: str = "HS",
    instrument: str | None = None,
    status: str | None = "submitted",
) -> tuple[str, ...]:
    """Keys of the subjects with at least one rating in an assessment of ``kind`` (and
    ``instrument``, ``status``), sorted: the subjects :func:`ratings_frame` would return,
    asked of the store in one query without reading a rating.

    >>> from scirocco_lab.store import open_store
    >>> rated_subjects(open_store("sqlite://"))
    ()
    """
    a, s, r = tables.assessments, schema.subjects, tables.ratings
    rated = (
        select(s.c.key)
        .distinct()
        .select_from(a.join(s, s.c.id == a.c.subject_id))
        .where(exists().where(r.c.assessment_id == a.c.id))
    )
    # Any subject, mode and round.
    statement = _filter(rated, None, kind, None, None, status, instrument).order_by(s.c.key)
    with store.engine.connect() as connection:
        return tuple(connection.execute(statement).scalars())


def _in_dimension_order(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """Each assessment's ratings in its instrument's dimension order (the query sorts by key)."""
    position: dict[tuple[str, str], int] = {}
    # The store's own copy of each instrument (a millisecond; parsing the file takes 100 ms).
    with store.engine.connect() as connection:
        for instrument_id in pd.unique(frame["instrument"]):
            instrument = stored_instrument(connection, str(instrument_id))
            if instrument is None:
                continue  # not kept in the store: its dimensions keep the key order
            for index, key in enumerate(instrument.dimension_keys):
                position[(instrument_id, key)] = index
    order = [
        position.get((instrument_id, key), len(position))
        for instrument_id, key in zip(frame["instrument"], frame["dimension"], strict=True)
    ]
    ordered = frame.assign(_order=order).sort_values(["assessment_id", "_order"], kind="stable")
    return ordered.drop(columns="_order").reset_index(drop=True)
