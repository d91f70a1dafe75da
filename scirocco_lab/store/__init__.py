"""The store: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) by configuration.

Writes go through :func:`write_batch`, which validates a whole :class:`RecordBatch` first and
then writes it in one transaction: either every record lands or none does. Reads return tidy
pandas DataFrames that never include assessors' names or e-mail addresses (ask
:func:`assessors_frame` with ``include_identities=True`` for those).

>>> from scirocco_lab.store import open_store, subjects_frame
>>> store = open_store("sqlite://")          # in-memory, for the example
>>> subjects_frame(store).empty
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RecordBatch,
    SubjectRecord,
    validate_batch,
)
from scirocco_lab.config import store_url
from scirocco_lab.errors import (
    DataValidationError,
    NotFoundError,
    SchemaVersionError,
    SciroccoLabError,
    StoreError,
)
from scirocco_lab.instruments import (
    Instrument,
    instrument_from_mapping,
    load_instrument,
)
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import schema
from scirocco_lab.store.schema import SCHEMA_VERSION

__all__ = [
    "RATING_COLUMNS",
    "SCHEMA_VERSION",
    "Store",
    "WriteSummary",
    "add_assessors",
    "add_subjects",
    "assessments_frame",
    "assessors_frame",
    "get_subject",
    "is_empty",
    "open_store",
    "ratings_frame",
    "resolve_instrument",
    "save_assessment",
    "subjects_frame",
    "write_batch",
]


@dataclass(frozen=True)
class Store:
    """An opened store: its URL and SQLAlchemy engine."""

    url: str
    engine: Engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed at the end of the block, rolled back on any error."""
        with self.engine.begin() as connection:
            yield connection

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and reports."""
        return self.engine.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class WriteSummary:
    """What one :func:`write_batch` call wrote."""

    subjects_added: int = 0
    assessors_added: int = 0
    assessments_added: int = 0
    assessments_replaced: int = 0
    ratings_written: int = 0

    def __str__(self) -> str:
        return (
            f"{self.subjects_added} subject(s), {self.assessors_added} assessor(s), "
            f"{self.assessments_added} new and {self.assessments_replaced} replaced "
            f"assessment(s), {self.ratings_written} rating(s)"
        )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and by default create) the store at ``url``.

    ``url`` is a SQLAlchemy URL or a file path (SQLite); ``None`` uses
    ``SCIROCCO_LAB_STORE`` or the project's ``data/scirocco-lab.db``. A store written by a
    newer scirocco-lab is refused with :class:`SchemaVersionError`.
    """
    resolved = store_url(url)
    kwargs: dict = {}
    if resolved.startswith("sqlite"):
        path = resolved.split(":///", 1)[-1] if ":///" in resolved else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Wait for a concurrent writer instead of failing at once (workshops write in parallel).
        kwargs["connect_args"] = {"timeout": 30}
        if resolved in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    try:
        engine = create_engine(resolved, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(
            f"cannot use store URL '{resolved}': {exc}. Give a file path or a URL such as "
            "sqlite:///data/scirocco-lab.db or postgresql+psycopg://user@host/db."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(url=resolved, engine=engine)
    try:
        _prepare(store, create=create)
    except OperationalError as exc:
        raise StoreError(
            f"cannot open the store at {store.display_url}: {exc.orig}. Check the path or "
            "URL (option --store or environment variable SCIROCCO_LAB_STORE)."
        ) from exc
    return store


def _prepare(store: Store, *, create: bool) -> None:
    schema.register_tables()
    with store.transaction() as connection:
        tables = set(inspect(connection).get_table_names())
        if "store_meta" not in tables:
            if not create:
                raise StoreError(
                    f"{store.display_url} is not a scirocco-lab store; run "
                    "`scirocco-lab store init` to create one."
                )
            schema.metadata.create_all(connection)
            connection.execute(
                schema.store_meta.insert(),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "created_at", "value": utc_now().isoformat()},
                ],
            )
            return
        found = connection.execute(
            select(schema.store_meta.c.value).where(schema.store_meta.c.key == "schema_version")
        ).scalar_one_or_none()
        version = int(found) if found is not None else 0
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the store at {store.display_url} has schema version {version}, but this "
                f"scirocco-lab understands up to version {SCHEMA_VERSION}. Upgrade "
                "scirocco-lab (pip install -U scirocco-lab, or git pull and make) to open it."
            )
        # Tables added within a schema version (new record kinds) are created on open.
        schema.metadata.create_all(connection)


def is_empty(store: Store) -> bool:
    """True when the store holds no subjects (nothing imported yet)."""
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(schema.subjects)).scalar() == 0


# ---------------------------------------------------------------------------------------
# Instruments kept in the store


def _stored_instrument(connection: Connection, instrument_id: str) -> Instrument | None:
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
            stored = _stored_instrument(connection, str(ref))
        if stored is None:
            raise
        return stored


def _ensure_instrument(connection: Connection, instrument: Instrument) -> None:
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
        connection.execute(schema.instruments.insert().values(id=instrument.id, **values))
    elif existing != instrument.version:
        connection.execute(
            schema.instruments.update()
            .where(schema.instruments.c.id == instrument.id)
            .values(**values)
        )


# ---------------------------------------------------------------------------------------
# Writing


def write_batch(
    store: Store,
    batch: RecordBatch,
    *,
    instruments: Mapping[str, Instrument] | None = None,
    replace: bool = False,
) -> WriteSummary:
    """Validate a batch against the store and write all of it in one transaction.

    Raises :class:`DataValidationError` listing every problem (file, row, column, value, fix)
    and writes nothing if any record is bad. Subjects and assessors already in the store are
    kept as they are; an assessment already in the store is an error unless ``replace``.
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
    return summary


def _existing_assessments(connection: Connection, keys: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):  # stay under SQL parameter limits
        chunk = key_list[start : start + 500]
        rows = connection.execute(
            select(schema.assessments.c.natural_key, schema.assessments.c.id).where(
                schema.assessments.c.natural_key.in_(chunk)
            )
        ).all()
        found.update({row.natural_key: row.id for row in rows})
    return found


def _write(
    connection: Connection,
    batch: RecordBatch,
    instruments: Mapping[str, Instrument],
    subject_ids: dict[str, int],
    assessor_ids: dict[str, int],
    existing: dict[str, int],
) -> WriteSummary:
    now = utc_now()
    subjects_added = assessors_added = replaced = ratings_written = 0
    # Good practices name their owner region, so regions go in first.
    for subject in sorted(batch.subjects, key=lambda s: s.kind != "system"):
        if subject.key in subject_ids:
            continue
        result = connection.execute(
            schema.subjects.insert().values(
                key=subject.key,
                kind=subject.kind,
                name=subject.name,
                country=subject.country,
                owner_id=subject_ids.get(subject.owner) if subject.owner else None,
                description=subject.description,
                synthetic=subject.synthetic,
                created_at=now,
            )
        )
        subject_ids[subject.key] = result.inserted_primary_key[0]
        subjects_added += 1
    for assessor in batch.assessors:
        if assessor.pseudonym in assessor_ids:
            continue
        result = connection.execute(
            schema.assessors.insert().values(
                pseudonym=assessor.pseudonym,
                role=assessor.role,
                sector=assessor.sector,
                organisation=assessor.organisation,
                home_subject_id=subject_ids.get(assessor.home_subject),
                synthetic=assessor.synthetic,
                created_at=now,
            )
        )
        assessor_id = result.inserted_primary_key[0]
        assessor_ids[assessor.pseudonym] = assessor_id
        assessors_added += 1
        if assessor.full_name or assessor.email:
            connection.execute(
                schema.assessor_identities.insert().values(
                    assessor_id=assessor_id, full_name=assessor.full_name, email=assessor.email
                )
            )
    for instrument_id in {assessment.instrument for assessment in batch.assessments}:
        _ensure_instrument(connection, instruments[instrument_id])
    rating_rows = []
    for assessment in batch.assessments:
        old_id = existing.get(assessment.key)
        if old_id is not None:
            connection.execute(
                schema.ratings.delete().where(schema.ratings.c.assessment_id == old_id)
            )
            connection.execute(schema.assessments.delete().where(schema.assessments.c.id == old_id))
            replaced += 1
        instrument = instruments[assessment.instrument]
        result = connection.execute(
            schema.assessments.insert().values(
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
        connection.execute(schema.ratings.insert(), rating_rows)
        ratings_written = len(rating_rows)
    return WriteSummary(
        subjects_added=subjects_added,
        assessors_added=assessors_added,
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
) -> WriteSummary:
    """Write one assessment with its ratings (one transaction); see :func:`write_batch`."""
    instruments = {instrument.id: instrument} if instrument else None
    return write_batch(
        store,
        RecordBatch(assessments=(assessment,), source="assessment"),
        instruments=instruments,
        replace=replace,
    )


def add_subjects(store: Store, subjects: Iterable[SubjectRecord]) -> WriteSummary:
    """Add regions or good practices (existing keys are left as they are)."""
    return write_batch(store, RecordBatch(subjects=tuple(subjects), source="subjects"))


def add_assessors(store: Store, assessors: Iterable[AssessorRecord]) -> WriteSummary:
    """Add assessors (existing pseudonyms are left as they are)."""
    return write_batch(store, RecordBatch(assessors=tuple(assessors), source="assessors"))


# ---------------------------------------------------------------------------------------
# Reading: tidy frames, no personal data unless asked


def _frame(store: Store, statement) -> pd.DataFrame:
    with store.engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def subjects_frame(store: Store, kind: str | None = None) -> pd.DataFrame:
    """Regions and good practices: key, kind, name, country, owner, description, synthetic."""
    owners = schema.subjects.alias("owner")
    statement = (
        select(
            schema.subjects.c.key,
            schema.subjects.c.kind,
            schema.subjects.c.name,
            schema.subjects.c.country,
            owners.c.key.label("owner"),
            schema.subjects.c.description,
            schema.subjects.c.synthetic,
        )
        .outerjoin(owners, owners.c.id == schema.subjects.c.owner_id)
        .order_by(schema.subjects.c.kind.desc(), schema.subjects.c.key)
    )
    if kind is not None:
        statement = statement.where(schema.subjects.c.kind == kind)
    return _frame(store, statement)


def assessors_frame(store: Store, *, include_identities: bool = False) -> pd.DataFrame:
    """Assessors by pseudonym with role, sector, organisation and home subject.

    Names and e-mail addresses are personal data: only with ``include_identities=True``.
    """
    home = schema.subjects.alias("home")
    columns = [
        schema.assessors.c.pseudonym,
        schema.assessors.c.role,
        schema.assessors.c.sector,
        schema.assessors.c.organisation,
        home.c.key.label("home_subject"),
        schema.assessors.c.synthetic,
    ]
    statement = select(*columns).outerjoin(home, home.c.id == schema.assessors.c.home_subject_id)
    if include_identities:
        statement = statement.add_columns(
            schema.assessor_identities.c.full_name, schema.assessor_identities.c.email
        ).outerjoin(
            schema.assessor_identities,
            schema.assessor_identities.c.assessor_id == schema.assessors.c.id,
        )
    return _frame(store, statement.order_by(schema.assessors.c.pseudonym))


def _assessment_select():
    a, s, p = schema.assessments, schema.subjects, schema.assessors
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


def _filter(statement, *, subject, kind, mode, round_number, status, instrument):
    a, s = schema.assessments, schema.subjects
    if subject is not None:
        statement = statement.where(s.c.key == subject)
    if kind is not None:
        statement = statement.where(a.c.kind == kind)
    if mode is not None:
        statement = statement.where(a.c.mode == mode)
    if round_number is not None:
        statement = statement.where(a.c.round == round_number)
    if status is not None:
        statement = statement.where(a.c.status == status)
    if instrument is not None:
        statement = statement.where(a.c.instrument_id == instrument)
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
        _assessment_select(),
        subject=subject,
        kind=kind,
        mode=mode,
        round_number=round,
        status=status,
        instrument=instrument,
    ).order_by(schema.assessments.c.id)
    return _frame(store, statement)


RATING_COLUMNS = [
    "assessment_id",
    "kind",
    "subject",
    "subject_name",
    "instrument",
    "round",
    "mode",
    "assessor",
    "status",
    "assessed_on",
    "synthetic",
    "dimension",
    "level",
    "dont_know",
    "justification",
    "confidence",
    "features",
]


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

    >>> store = open_store("sqlite://")
    >>> ratings_frame(store).columns[:4].tolist()
    ['assessment_id', 'kind', 'subject', 'subject_name']
    """
    r = schema.ratings
    statement = _filter(
        _assessment_select()
        .add_columns(
            r.c.dimension_key.label("dimension"),
            r.c.level,
            r.c.dont_know,
            r.c.justification,
            r.c.confidence,
            r.c.features,
        )
        .join(r, r.c.assessment_id == schema.assessments.c.id),
        subject=subject,
        kind=kind,
        mode=mode,
        round_number=round,
        status=status,
        instrument=instrument,
    ).order_by(schema.assessments.c.id, r.c.dimension_key)
    frame = _frame(store, statement)
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
    return frame[RATING_COLUMNS]


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
