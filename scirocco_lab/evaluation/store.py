"""Evaluation data in the store: one-transaction writes and tidy frames.

Writes go through :func:`write_evaluation`: the whole :class:`EvaluationBatch` is validated
against what the store holds, then written in one transaction; on any problem nothing is
written. :func:`add_segments`, :func:`remove_segments` and :func:`save_codes` are the small
writes a coding widget needs.

Reads return tidy pandas DataFrames (one row per record, the columns listed in the
``*_COLUMNS`` constants). Dates (``held_on``) are ``datetime.date`` objects (object dtype);
``coded_at`` is a timezone-aware UTC pandas Timestamp. Tuples (participants, dimensions,
categories, scale labels) are Python tuples. Participants' real names appear only in
``participants_frame(store, include_identities=True)``.

>>> import datetime as dt
>>> from scirocco_lab.evaluation.records import SourceRecord
>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> batch = EvaluationBatch(
...     sources=(SourceRecord("fg-1", "Focus group", "focus_group", dt.date(2026, 3, 4),
...                           "P01: The visit was useful."),),
...     codes=(CodeRecord("usefulness", "Usefulness"),),
...     coders=(CoderRecord("coder-A"),),
... )
>>> print(write_evaluation(store, batch))
1 source(s), 1 code(s), 1 coder(s)
>>> ids = add_segments(store, [SegmentRecord("fg-1", "usefulness", "coder-A", 5, 26)])
>>> segments_frame(store)["text"].tolist()
['The visit was useful.']
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

import pandas as pd
from sqlalchemy import Connection, func, select, update

from scirocco_lab.errors import DataValidationError, NotFoundError, SciroccoLabError
from scirocco_lab.evaluation import tables as t
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    EvaluationContext,
    SegmentRecord,
    validate_evaluation,
)
from scirocco_lab.instruments import DEFAULT_INSTRUMENT, Instrument, load_instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import Store, resolve_instrument, schema
from scirocco_lab.store.ledger import audit, record_file_import

__all__ = [
    "CODER_COLUMNS",
    "CODE_COLUMNS",
    "IDENTITY_COLUMNS",
    "ITEM_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "QUESTIONNAIRE_COLUMNS",
    "RESPONSE_COLUMNS",
    "SEGMENT_COLUMNS",
    "SOURCE_COLUMNS",
    "TURN_COLUMNS",
    "EvaluationSummary",
    "add_coders",
    "add_segments",
    "coders_frame",
    "codes_frame",
    "dimension_keys",
    "evaluation_counts",
    "participants_frame",
    "questionnaire_items_frame",
    "questionnaires_frame",
    "remove_segments",
    "responses_frame",
    "save_codes",
    "segments_frame",
    "source_text",
    "sources_frame",
    "turns_frame",
    "write_evaluation",
    "write_evaluation_in",
    "write_file_import",
]

PARTICIPANT_COLUMNS = ["pseudonym", "group", "role", "organisation", "region", "synthetic"]
IDENTITY_COLUMNS = ["full_name", "email"]
SOURCE_COLUMNS = [
    "source",
    "guid",
    "title",
    "activity",
    "region",
    "programme",
    "held_on",
    "language",
    "original_format",
    "participants",
    "text_length",
    "synthetic",
]
TURN_COLUMNS = ["source", "turn", "speaker", "start_char", "end_char", "started_at", "text"]
CODE_COLUMNS = [
    "code",
    "guid",
    "name",
    "parent",
    "description",
    "colour",
    "dimensions",
    "categories",
    "path",
]
CODER_COLUMNS = ["coder", "guid", "synthetic"]
SEGMENT_COLUMNS = [
    "segment_id",
    "guid",
    "source",
    "code",
    "coder",
    "start_char",
    "end_char",
    "text",
    "coded_at",
    "origin",
    "memo",
    "turn",
    "speaker",
    "region",
    "activity",
    "participant_group",
]
QUESTIONNAIRE_COLUMNS = [
    "questionnaire",
    "title",
    "activity",
    "region",
    "programme",
    "held_on",
    "scale_min",
    "scale_max",
    "scale_labels",
    "synthetic",
]
ITEM_COLUMNS = ["questionnaire", "item", "position", "wording", "reverse_scored"]
RESPONSE_COLUMNS = ["questionnaire", "respondent", "group", "region", "item", "value", "label"]

_CHUNK = 500  # stay under SQL parameter limits in IN (...) lists
# Fields kept in the columns of the same names, in both the records and the tables.
_DESCRIBED = ("title", "activity", "region", "programme", "held_on")
_SOURCE_FIELDS = (*_DESCRIBED, "language", "original_format", "text", "synthetic")
_QUESTIONNAIRE_FIELDS = (*_DESCRIBED, "scale_min", "scale_max", "synthetic")


@dataclass(frozen=True)
class EvaluationSummary:
    """What one write wrote; ``segment_ids`` are the new segments' ids, in batch order."""

    participants_added: int = 0
    sources_added: int = 0
    sources_replaced: int = 0
    turns_written: int = 0
    codes_added: int = 0
    codes_updated: int = 0
    coders_added: int = 0
    segments_added: int = 0
    questionnaires_added: int = 0
    questionnaires_replaced: int = 0
    responses_written: int = 0
    segment_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """The non-zero counts by name, for the audit trail."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "segment_ids" and getattr(self, f.name)
        }

    def __str__(self) -> str:
        parts = [
            (self.participants_added, "participant(s)"),
            (self.sources_added, "source(s)"),
            (self.sources_replaced, "replaced source(s)"),
            (self.turns_written, "turn(s)"),
            (self.codes_added, "code(s)"),
            (self.codes_updated, "updated code(s)"),
            (self.coders_added, "coder(s)"),
            (self.segments_added, "coded segment(s)"),
            (self.questionnaires_added, "questionnaire(s)"),
            (self.questionnaires_replaced, "replaced questionnaire(s)"),
            (self.responses_written, "response(s)"),
        ]
        shown = [f"{count} {what}" for count, what in parts if count]
        return ", ".join(shown) or "nothing new"


def _new_guid() -> str:
    return str(uuid.uuid4())


def _dumps(values: Sequence[str]) -> str | None:
    return json.dumps(list(values), ensure_ascii=False) if values else None


def _loads(text) -> tuple[str, ...]:
    return tuple(json.loads(text)) if isinstance(text, str) and text else ()


def _chunks(values: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _fields(record, *names: str) -> dict:
    """The record's fields ``names``, for the columns of the same names."""
    return {name: getattr(record, name) for name in names}


def _insert(connection: Connection, table, **values) -> int:
    """Insert one row; returns its new id."""
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def _insert_rows(connection: Connection, table, rows: list[dict]) -> None:
    if rows:  # an executemany of no rows is an error
        connection.execute(table.insert(), rows)


# ---------------------------------------------------------------------------------------
# Writing


def _dimension_keys(store: Store, instrument: str | Instrument | None) -> frozenset[str]:
    """Dimension keys a code may link to: the given instrument's, or by default those of
    the bundled default instrument and of every instrument kept in the store."""
    if instrument is not None:
        return frozenset(resolve_instrument(store, instrument).dimension_keys)
    keys = set(load_instrument(DEFAULT_INSTRUMENT).dimension_keys)
    with store.engine.connect() as connection:
        stored = connection.execute(select(schema.instruments.c.id)).scalars().all()
    for instrument_id in stored:
        try:
            keys.update(resolve_instrument(store, instrument_id).dimension_keys)
        except SciroccoLabError:  # an unreadable stored copy adds no keys
            continue
    return frozenset(keys)


def _context(
    connection: Connection, batch: EvaluationBatch, dimensions: frozenset[str]
) -> EvaluationContext:
    sources = t.evaluation_sources
    source_rows = connection.execute(
        select(sources.c.key, sources.c.guid, func.length(sources.c.text))
    ).all()
    codes = t.evaluation_codes
    parent = codes.alias("parent")
    code_rows = connection.execute(
        select(codes.c.key, codes.c.guid, parent.c.key).outerjoin(
            parent, parent.c.id == codes.c.parent_id
        )
    ).all()
    coder_rows = connection.execute(
        select(t.evaluation_coders.c.name, t.evaluation_coders.c.guid)
    ).all()
    segment_guids: dict[str, str] = {}  # guid -> key of the source the segment is on
    wanted = sorted({s.guid for s in batch.segments if s.guid is not None})
    for chunk in _chunks(wanted):
        segment_guids.update(
            connection.execute(
                select(t.coded_segments.c.guid, sources.c.key)
                .join(sources, sources.c.id == t.coded_segments.c.source_id)
                .where(t.coded_segments.c.guid.in_(chunk))
            ).all()
        )
    segment_keys: set[tuple] = set()
    segment_sources = sorted({s.source for s in batch.segments})
    for chunk in _chunks(segment_sources):
        rows = connection.execute(
            _segment_select()
            .where(sources.c.key.in_(chunk))
            .with_only_columns(
                sources.c.key,
                codes.c.key,
                t.evaluation_coders.c.name,
                t.coded_segments.c.start_char,
                t.coded_segments.c.end_char,
            )
        ).all()
        segment_keys.update(tuple(row) for row in rows)
    return EvaluationContext(
        subjects=frozenset(connection.execute(select(schema.subjects.c.key)).scalars()),
        dimensions=dimensions,
        participants=frozenset(
            connection.execute(select(t.evaluation_participants.c.pseudonym)).scalars()
        ),
        source_lengths={row[0]: int(row[2]) for row in source_rows},
        source_guids={row[1]: row[0] for row in source_rows},
        code_parents={row[0]: row[2] for row in code_rows},
        code_guids={row[1]: row[0] for row in code_rows},
        coders=frozenset(row[0] for row in coder_rows),
        coder_guids={row[1]: row[0] for row in coder_rows},
        segment_guids=segment_guids,
        segment_keys=frozenset(segment_keys),
        questionnaires=frozenset(connection.execute(select(t.questionnaires.c.key)).scalars()),
    )


def write_evaluation(
    store: Store,
    batch: EvaluationBatch,
    *,
    replace: bool = False,
    instrument: str | Instrument | None = None,
    action: str = "write",
) -> EvaluationSummary:
    """Validate ``batch`` against the store and write all of it in one transaction.

    Raises :class:`~scirocco_lab.errors.DataValidationError` listing every problem and writes
    nothing if any record is bad. Participants and coders already in the store are kept as
    they are. A source or questionnaire already in the store is an error unless
    ``replace``: then it is replaced, with its turns and coded segments (or items and
    responses). Codes already stored are kept, or updated with ``replace``. Code dimensions
    are checked against ``instrument`` (default: the bundled instrument and those in the
    store). The same transaction appends the audit row (``action``, with the counts).

    >>> from scirocco_lab.store import open_store
    >>> print(write_evaluation(open_store("sqlite://"), EvaluationBatch()))
    nothing new
    """
    dimensions = _dimension_keys(store, instrument)
    with store.transaction() as connection:
        summary = write_evaluation_in(connection, batch, dimensions=dimensions, replace=replace)
        if summary.counts:
            audit(connection, action, _main_table(batch), keys=_batch_keys(batch),
                  counts=summary.counts)  # fmt: skip
        return summary


def _main_table(batch: EvaluationBatch) -> str:
    for records, table in (
        (batch.sources, "evaluation_sources"),
        (batch.questionnaires, "questionnaires"),
        (batch.segments, "coded_segments"),
        (batch.codes, "evaluation_codes"),
        (batch.coders, "evaluation_coders"),
    ):
        if records:
            return table
    return "evaluation_participants"


def _batch_keys(batch: EvaluationBatch) -> list[str]:
    """The batch's records by key (pseudonyms and record keys, never names)."""
    keys = [
        *(record.source for record in batch.sources),
        *(record.questionnaire for record in batch.questionnaires),
        *{segment.source for segment in batch.segments},
        *(record.code for record in batch.codes),
        *(record.coder for record in batch.coders),
    ]
    return keys or [participant.pseudonym for participant in batch.participants]


def write_evaluation_in(
    connection: Connection,
    batch: EvaluationBatch,
    *,
    dimensions: frozenset[str],
    replace: bool = False,
) -> EvaluationSummary:
    """:func:`write_evaluation` inside a transaction the caller holds (``store.transaction()``),
    so other rows can be written in the same one; ``dimensions`` from
    :func:`dimension_keys`. Raises :class:`DataValidationError` (the caller's transaction is
    then rolled back)."""
    context = _context(connection, batch, dimensions)
    problems = validate_evaluation(batch, context, replace=replace)
    if problems:
        raise DataValidationError(problems)
    return _write(connection, batch, replace=replace)


def write_file_import(
    store: Store,
    batch: EvaluationBatch,
    *,
    kind: str,
    digest: str | None,
    record: str,
    path,
    table: str,
    counts: dict[str, int],
    replace: bool = False,
) -> EvaluationSummary:
    """Write what an import read from the file at ``path`` (a transcript, a questionnaire)
    and, in the same transaction, remember the file (``digest`` from
    :func:`~scirocco_lab.store.ledger.check_reimport`) and append the audit row naming
    ``record`` with ``counts``; on any problem nothing is written."""
    dimensions = _dimension_keys(store, None)
    with store.transaction() as connection:
        summary = write_evaluation_in(connection, batch, dimensions=dimensions, replace=replace)
        record_file_import(connection, kind, digest, record, path, table=table, counts=counts)
    return summary


def dimension_keys(store: Store, instrument: str | Instrument | None = None) -> frozenset[str]:
    """The dimension keys codes may link to: ``instrument``'s, or by default those of the
    bundled default instrument and of every instrument kept in the store."""
    return _dimension_keys(store, instrument)


def _ids(connection: Connection, table, key_column, keys: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = connection.execute(select(key_column, table.c.id).where(key_column.in_(chunk)))
        found.update({row[0]: row[1] for row in rows})
    return found


def _write(connection: Connection, batch: EvaluationBatch, *, replace: bool) -> EvaluationSummary:
    now = utc_now()
    counts: dict[str, int] = {}
    participant_ids = _write_participants(connection, batch, now, counts)
    code_ids = _write_codes(connection, batch, now, counts, replace=replace)
    coder_ids = _write_coders(connection, batch, counts)
    source_ids = _write_sources(connection, batch, now, counts, participant_ids)
    segment_ids = _write_segments(connection, batch, now, source_ids, code_ids, coder_ids)
    _write_questionnaires(connection, batch, now, counts)
    return EvaluationSummary(
        participants_added=counts.get("participants", 0),
        sources_added=counts.get("sources", 0),
        sources_replaced=counts.get("sources_replaced", 0),
        turns_written=len(batch.turns),
        codes_added=counts.get("codes", 0),
        codes_updated=counts.get("codes_updated", 0),
        coders_added=counts.get("coders", 0),
        segments_added=len(segment_ids),
        questionnaires_added=counts.get("questionnaires", 0),
        questionnaires_replaced=counts.get("questionnaires_replaced", 0),
        responses_written=len(batch.responses),
        segment_ids=tuple(segment_ids),
    )


def _write_participants(connection, batch, now, counts) -> dict[str, int]:
    table = t.evaluation_participants
    wanted = {p.pseudonym for p in batch.participants}
    for source in batch.sources:
        wanted.update(source.participants)
    ids = _ids(connection, table, table.c.pseudonym, wanted)
    new = [record for record in batch.participants if record.pseudonym not in ids]
    for record in new:
        ids[record.pseudonym] = _insert(
            connection,
            table,
            participant_group=record.group,
            created_at=now,
            **_fields(record, "pseudonym", "role", "organisation", "region", "synthetic"),
        )
        if record.full_name or record.email:
            _insert(
                connection,
                t.participant_identities,
                participant_id=ids[record.pseudonym],
                **_fields(record, "full_name", "email"),
            )
    counts["participants"] = len(new)
    return ids


def _write_codes(connection, batch, now, counts, *, replace: bool) -> dict[str, int]:
    table = t.evaluation_codes
    wanted = {c.code for c in batch.codes} | {c.parent for c in batch.codes if c.parent}
    wanted |= {s.code for s in batch.segments}
    ids = _ids(connection, table, table.c.key, wanted)
    stored = set(ids)
    added = updated = 0
    next_position = (
        connection.execute(select(func.coalesce(func.max(table.c.position), 0))).scalar() or 0
    )
    written: list[CodeRecord] = []
    for record in batch.codes:
        values = {
            **_fields(record, "name", "description", "colour"),
            "dimensions": _dumps(record.dimensions),
            "categories": _dumps(record.categories),
        }
        if record.code in stored:
            if not replace:
                continue
            if record.guid is not None:
                values["guid"] = record.guid
            connection.execute(update(table).where(table.c.id == ids[record.code]).values(values))
            updated += 1
        else:
            next_position += 1
            ids[record.code] = _insert(
                connection,
                table,
                key=record.code,
                guid=record.guid or _new_guid(),
                position=next_position,
                created_at=now,
                **values,
            )
            added += 1
        written.append(record)
    # Parents last: a child may come before its parent in the batch.
    for record in written:
        connection.execute(
            update(table)
            .where(table.c.id == ids[record.code])
            .values(parent_id=ids[record.parent] if record.parent else None)
        )
    counts["codes"], counts["codes_updated"] = added, updated
    return ids


def _write_coders(connection, batch, counts) -> dict[str, int]:
    table = t.evaluation_coders
    wanted = {c.coder for c in batch.coders} | {s.coder for s in batch.segments}
    ids = _ids(connection, table, table.c.name, wanted)
    new = [record for record in batch.coders if record.coder not in ids]
    for record in new:
        guid = record.guid or _new_guid()
        ids[record.coder] = _insert(
            connection, table, name=record.coder, guid=guid, synthetic=record.synthetic
        )
    counts["coders"] = len(new)
    return ids


def _delete_sources(connection, source_ids: Sequence[int]) -> None:
    # Children first, explicitly: do not rely on ON DELETE CASCADE being enforced.
    for chunk in _chunks(list(source_ids)):
        for table in (t.coded_segments, t.evaluation_turns, t.evaluation_source_participants):
            connection.execute(table.delete().where(table.c.source_id.in_(chunk)))
        connection.execute(
            t.evaluation_sources.delete().where(t.evaluation_sources.c.id.in_(chunk))
        )


def _write_sources(connection, batch, now, counts, participant_ids) -> dict[str, int]:
    table = t.evaluation_sources
    keys = {s.source for s in batch.sources} | {s.source for s in batch.segments}
    ids = _ids(connection, table, table.c.key, keys)
    existing = {s.source: ids[s.source] for s in batch.sources if s.source in ids}
    old_guids = {}
    if existing:
        for chunk in _chunks(list(existing.values())):
            old_guids.update(
                dict(
                    connection.execute(
                        select(table.c.id, table.c.guid).where(table.c.id.in_(chunk))
                    ).all()
                )
            )
        _delete_sources(connection, list(existing.values()))
    for record in batch.sources:
        # A replaced source keeps its guid unless a new one is given (lossless round trips).
        guid = record.guid or old_guids.get(existing.get(record.source)) or _new_guid()
        ids[record.source] = _insert(
            connection,
            table,
            key=record.source,
            guid=guid,
            created_at=now,
            **_fields(record, *_SOURCE_FIELDS),
        )
        links = [
            {
                "source_id": ids[record.source],
                "participant_id": participant_ids[pseudonym],
                "position": position,
            }
            for position, pseudonym in enumerate(record.participants, start=1)
        ]
        _insert_rows(connection, t.evaluation_source_participants, links)
    turn_rows = [
        {
            "source_id": ids[turn.source],
            "started_at": None if turn.started_at is None else float(turn.started_at),
            **_fields(turn, "turn", "speaker", "start_char", "end_char"),
        }
        for turn in batch.turns
    ]
    _insert_rows(connection, t.evaluation_turns, turn_rows)
    counts["sources"] = len(batch.sources) - len(existing)
    counts["sources_replaced"] = len(existing)
    return ids


def _write_segments(connection, batch, now, source_ids, code_ids, coder_ids) -> list[int]:
    new_ids = []
    # One insert per segment: the caller gets every new segment_id, portably.
    for record in batch.segments:
        coded_at = record.coded_at or now
        if coded_at.tzinfo is not None:
            coded_at = coded_at.astimezone(dt.UTC)
        segment_id = _insert(
            connection,
            t.coded_segments,
            guid=record.guid or _new_guid(),
            source_id=source_ids[record.source],
            code_id=code_ids[record.code],
            coder_id=coder_ids[record.coder],
            coded_at=coded_at,
            **_fields(record, "start_char", "end_char", "origin", "memo"),
        )
        new_ids.append(segment_id)
    return new_ids


def _write_questionnaires(connection, batch, now, counts) -> None:
    table = t.questionnaires
    ids = _ids(connection, table, table.c.key, {q.questionnaire for q in batch.questionnaires})
    for old_id in ids.values():
        for child in (t.questionnaire_responses, t.questionnaire_items):
            connection.execute(child.delete().where(child.c.questionnaire_id == old_id))
        connection.execute(table.delete().where(table.c.id == old_id))
    new_ids: dict[str, int] = {}
    for record in batch.questionnaires:
        new_ids[record.questionnaire] = _insert(
            connection,
            table,
            key=record.questionnaire,
            scale_labels=_dumps(record.scale_labels),
            created_at=now,
            **_fields(record, *_QUESTIONNAIRE_FIELDS),
        )
    items = [
        {
            "questionnaire_id": new_ids[item.questionnaire],
            "reverse_scored": bool(item.reverse_scored),
            **_fields(item, "item", "position", "wording"),
        }
        for item in batch.items
    ]
    _insert_rows(connection, t.questionnaire_items, items)
    responses = [
        {
            "questionnaire_id": new_ids[response.questionnaire],
            "respondent_group": response.group,
            "value": _float_or_none(response.value),
            **_fields(response, "respondent", "region", "item"),
        }
        for response in batch.responses
    ]
    _insert_rows(connection, t.questionnaire_responses, responses)
    counts["questionnaires"] = len(batch.questionnaires) - len(ids)
    counts["questionnaires_replaced"] = len(ids)


def _float_or_none(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def add_segments(store: Store, segments: Iterable[SegmentRecord]) -> list[int]:
    """Add coded segments (one transaction); returns their new ``segment_id`` values.

    Unknown source, code or coder, a range outside the text, or the same coder applying the
    same code to the same range twice: :class:`DataValidationError`, nothing written.
    """
    summary = write_evaluation(
        store, EvaluationBatch(segments=tuple(segments), source="coded segments"), action="add"
    )
    return list(summary.segment_ids)


def remove_segments(store: Store, segment_ids: Iterable[int]) -> int:
    """Remove coded segments by id (one transaction); returns how many were removed.

    An id that is not in the store raises :class:`NotFoundError` and nothing is removed.
    """
    wanted = sorted({int(i) for i in segment_ids})
    table = t.coded_segments
    with store.transaction() as connection:
        found: set[int] = set()
        for chunk in _chunks(wanted):
            found.update(
                connection.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()
            )
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(
                f"no coded segment with id {', '.join(map(str, missing))}; nothing was "
                "removed. Take the ids from segments_frame(store)['segment_id']."
            )
        for chunk in _chunks(wanted):
            connection.execute(table.delete().where(table.c.id.in_(chunk)))
        audit(connection, "remove", "coded_segments", keys=map(str, wanted),
              counts={"segments_removed": len(wanted)})  # fmt: skip
    return len(wanted)


def save_codes(
    store: Store, codes: Iterable[CodeRecord], *, instrument: str | Instrument | None = None
) -> EvaluationSummary:
    """Add codes and update those already in the store (by key), in one transaction.

    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> print(save_codes(store, [CodeRecord("barriers", "Barriers"),
    ...                          CodeRecord("funding-gap", "Funding gap", parent="barriers")]))
    2 code(s)
    >>> codes_frame(store)["path"].tolist()
    ['Barriers', 'Barriers/Funding gap']
    """
    return write_evaluation(
        store,
        EvaluationBatch(codes=tuple(codes), source="codebook"),
        replace=True,
        instrument=instrument,
        action="save",
    )


def add_coders(store: Store, coders: Iterable[str | CoderRecord]) -> EvaluationSummary:
    """Add coders by name (those already stored are left as they are)."""
    records = tuple(c if isinstance(c, CoderRecord) else CoderRecord(c) for c in coders)
    return write_evaluation(store, EvaluationBatch(coders=records, source="coders"), action="add")


# ---------------------------------------------------------------------------------------
# Reading


def _rows(store: Store, statement) -> list:
    with store.engine.connect() as connection:
        return connection.execute(statement).all()


def _described_rows(store: Store, table, before: Sequence, after: Sequence, **filters) -> list:
    """The rows of sources or questionnaires, by date then key: key, ``before``, the
    describing columns (title .. held_on), ``after``, synthetic; where each filter given
    (column name = value, None: no filter) holds."""
    statement = select(
        table.c.key, *before, *(table.c[name] for name in _DESCRIBED), *after, table.c.synthetic
    ).order_by(table.c.held_on, table.c.key)
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(table.c[name] == value)
    return _rows(store, statement)


def _frame(rows, columns: Sequence[str]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.DataFrame([tuple(row) for row in rows], columns=list(columns))


def participants_frame(store: Store, *, include_identities: bool = False) -> pd.DataFrame:
    """Participants by pseudonym: pseudonym, group, role, organisation, region, synthetic.

    Real names and e-mail addresses are personal data: the columns ``full_name`` and
    ``email`` are added only with ``include_identities=True``.
    """
    p = t.evaluation_participants
    columns = [
        p.c.pseudonym,
        p.c.participant_group,
        p.c.role,
        p.c.organisation,
        p.c.region,
        p.c.synthetic,
    ]
    names = list(PARTICIPANT_COLUMNS)
    statement = select(*columns)
    if include_identities:
        i = t.participant_identities
        statement = statement.add_columns(i.c.full_name, i.c.email).outerjoin(
            i, i.c.participant_id == p.c.id
        )
        names += IDENTITY_COLUMNS
    frame = _frame(_rows(store, statement.order_by(p.c.pseudonym)), names)
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def _source_participants(store: Store) -> dict[str, tuple[str, ...]]:
    link, s, p = t.evaluation_source_participants, t.evaluation_sources, t.evaluation_participants
    rows = _rows(
        store,
        select(s.c.key, p.c.pseudonym)
        .join(link, link.c.source_id == s.c.id)
        .join(p, p.c.id == link.c.participant_id)
        .order_by(s.c.key, link.c.position),
    )
    found: dict[str, list[str]] = {}
    for key, pseudonym in rows:
        found.setdefault(key, []).append(pseudonym)
    return {key: tuple(values) for key, values in found.items()}


def sources_frame(
    store: Store, *, region: str | None = None, activity: str | None = None
) -> pd.DataFrame:
    """One row per source, without its text (see :func:`source_text`): source, guid, title,
    activity, region, programme, held_on (``datetime.date``), language, original_format,
    participants (tuple of pseudonyms), text_length (characters), synthetic."""
    s = t.evaluation_sources
    rows = _described_rows(
        store,
        s,
        (s.c.guid,),
        (s.c.language, s.c.original_format, s.c.key.label("participants"), func.length(s.c.text)),
        region=region,
        activity=activity,
    )
    frame = _frame(rows, SOURCE_COLUMNS)
    links = _source_participants(store)
    frame["participants"] = [links.get(key, ()) for key in frame["source"]]
    frame["text_length"] = frame["text_length"].astype(int)
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def source_text(store: Store, source: str) -> str:
    """The full plain text of one source; :class:`NotFoundError` lists the keys that exist."""
    s = t.evaluation_sources
    text = _rows(store, select(s.c.text).where(s.c.key == source))
    if not text:
        known = _rows(store, select(s.c.key).order_by(s.c.key).limit(20))
        listed = ", ".join(row[0] for row in known) or "none yet"
        raise NotFoundError(
            f"no source '{source}' in the store. Known sources: {listed} "
            "(`scirocco-lab transcripts list`)."
        )
    return text[0][0]


def _texts(store: Store, sources: Iterable[str] | None) -> dict[str, str]:
    s = t.evaluation_sources
    statement = select(s.c.key, s.c.text)
    if sources is not None:
        wanted = sorted(set(sources))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted):
            found.update(dict(_rows(store, statement.where(s.c.key.in_(chunk)))))
        return found
    return dict(_rows(store, statement))


def turns_frame(store: Store, *, source: str | None = None) -> pd.DataFrame:
    """Speaker turns: source, turn (1..n), speaker (pseudonym, a label or None), start_char,
    end_char (half-open offsets into the source text), started_at (seconds, NaN when
    unknown), text (the utterance)."""
    s, turns = t.evaluation_sources, t.evaluation_turns
    statement = (
        select(
            s.c.key,
            turns.c.turn,
            turns.c.speaker,
            turns.c.start_char,
            turns.c.end_char,
            turns.c.started_at,
        )
        .join(s, s.c.id == turns.c.source_id)
        .order_by(s.c.held_on, s.c.key, turns.c.turn)
    )
    if source is not None:
        statement = statement.where(s.c.key == source)
    rows = _rows(store, statement)
    texts = _texts(store, {row[0] for row in rows})
    frame = _frame(
        [(*row, texts[row[0]][row[3] : row[4]]) for row in rows],
        TURN_COLUMNS,
    )
    frame["started_at"] = pd.to_numeric(frame["started_at"], errors="coerce").astype(float)
    for column in ("turn", "start_char", "end_char"):
        frame[column] = frame[column].astype(int)
    return frame


def codes_frame(store: Store) -> pd.DataFrame:
    """The codebook, parents before their children: code, guid, name, parent (key or None),
    description, colour, dimensions (tuple of dimension keys), categories (tuple), path
    (the names from the top, "Parent/Child")."""
    codes = t.evaluation_codes
    parent = codes.alias("parent")
    rows = _rows(
        store,
        select(
            codes.c.key,
            codes.c.guid,
            codes.c.name,
            parent.c.key,
            codes.c.description,
            codes.c.colour,
            codes.c.dimensions,
            codes.c.categories,
            codes.c.position,
        )
        .outerjoin(parent, parent.c.id == codes.c.parent_id)
        .order_by(codes.c.position, codes.c.key),
    )
    by_key = {row[0]: row for row in rows}
    children: dict[str | None, list] = {}
    for row in rows:
        # A parent that is missing cannot happen through the API; treat it as a top code.
        children.setdefault(row[3] if row[3] in by_key else None, []).append(row)
    ordered: list[tuple] = []

    def visit(row, path: str) -> None:
        ordered.append((*row[:6], _loads(row[6]), _loads(row[7]), path))
        for child in children.get(row[0], []):
            visit(child, f"{path}/{child[2]}")

    for top in children.get(None, []):
        visit(top, top[2])
    return _frame(ordered, CODE_COLUMNS)


def coders_frame(store: Store) -> pd.DataFrame:
    """Coders: coder, guid, synthetic."""
    c = t.evaluation_coders
    frame = _frame(
        _rows(store, select(c.c.name, c.c.guid, c.c.synthetic).order_by(c.c.name)), CODER_COLUMNS
    )
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def _segment_select():
    seg, s = t.coded_segments, t.evaluation_sources
    codes, coders = t.evaluation_codes, t.evaluation_coders
    return (
        select(
            seg.c.id,
            seg.c.guid,
            s.c.key,
            codes.c.key,
            coders.c.name,
            seg.c.start_char,
            seg.c.end_char,
            seg.c.coded_at,
            seg.c.origin,
            seg.c.memo,
            s.c.region,
            s.c.activity,
        )
        .join(s, s.c.id == seg.c.source_id)
        .join(codes, codes.c.id == seg.c.code_id)
        .join(coders, coders.c.id == seg.c.coder_id)
    )


def segments_frame(
    store: Store,
    *,
    source: str | None = None,
    coder: str | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """Coded segments with their excerpt and context.

    Columns: segment_id, guid, source, code, coder, start_char, end_char, text (the excerpt),
    coded_at (UTC Timestamp), origin, memo, and derived: turn (the turn the segment starts
    in; a segment starting between two utterances, e.g. on a speaker label, belongs to the
    next turn; ``<NA>`` without turns), speaker, region and activity of the source,
    participant_group (the speaker's group, None when the speaker is not a participant).
    """
    seg, s = t.coded_segments, t.evaluation_sources
    statement = _segment_select().order_by(s.c.key, seg.c.start_char, seg.c.end_char, seg.c.id)
    if source is not None:
        statement = statement.where(s.c.key == source)
    if coder is not None:
        statement = statement.where(t.evaluation_coders.c.name == coder)
    if code is not None:
        statement = statement.where(t.evaluation_codes.c.key == code)
    rows = _rows(store, statement)
    if not rows:
        return _frame([], SEGMENT_COLUMNS)
    sources = {row[2] for row in rows}
    texts = _texts(store, sources)
    turns = turns_frame(store, source=next(iter(sources)) if len(sources) == 1 else None)
    by_source = {key: group for key, group in turns.groupby("source", sort=False)}
    groups = dict(
        _rows(
            store,
            select(
                t.evaluation_participants.c.pseudonym,
                t.evaluation_participants.c.participant_group,
            ),
        )
    )
    records = []
    for row in rows:
        (segment_id, guid, key, code_key, coder_name, start, end, coded_at, origin, memo,
         region, activity) = row  # fmt: skip
        turn = speaker = None
        source_turns = by_source.get(key)
        if source_turns is not None:
            ends = source_turns["end_char"].tolist()
            index = bisect.bisect_right(ends, start)
            if index < len(ends):
                turn = int(source_turns["turn"].iloc[index])
                speaker = source_turns["speaker"].iloc[index]
        records.append(
            (
                segment_id,
                guid,
                key,
                code_key,
                coder_name,
                start,
                end,
                texts[key][start:end],
                coded_at,
                origin,
                memo,
                turn,
                speaker,
                region,
                activity,
                groups.get(speaker) if speaker is not None else None,
            )
        )
    frame = _frame(records, SEGMENT_COLUMNS)
    frame["coded_at"] = pd.to_datetime(frame["coded_at"], utc=True)
    frame["turn"] = frame["turn"].astype("Int64")
    for column in ("segment_id", "start_char", "end_char"):
        frame[column] = frame[column].astype(int)
    return frame


def questionnaires_frame(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Questionnaires: questionnaire, title, activity, region, programme, held_on
    (``datetime.date``), scale_min, scale_max, scale_labels (tuple, low -> high), synthetic."""
    q = t.questionnaires
    rows = _described_rows(
        store, q, (), (q.c.scale_min, q.c.scale_max, q.c.scale_labels), region=region
    )
    frame = _frame(rows, QUESTIONNAIRE_COLUMNS)
    frame["scale_labels"] = [_loads(text) for text in frame["scale_labels"]]
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


def questionnaire_items_frame(store: Store, *, questionnaire: str | None = None) -> pd.DataFrame:
    """Questionnaire items in order: questionnaire, item, position, wording, reverse_scored."""
    q, i = t.questionnaires, t.questionnaire_items
    statement = (
        select(q.c.key, i.c.item, i.c.position, i.c.wording, i.c.reverse_scored)
        .join(q, q.c.id == i.c.questionnaire_id)
        .order_by(q.c.key, i.c.position, i.c.item)
    )
    if questionnaire is not None:
        statement = statement.where(q.c.key == questionnaire)
    frame = _frame(_rows(store, statement), ITEM_COLUMNS)
    frame["reverse_scored"] = frame["reverse_scored"].astype(bool)
    return frame


def responses_frame(
    store: Store, *, questionnaire: str | None = None, region: str | None = None
) -> pd.DataFrame:
    """Tidy responses, one row per respondent x item: questionnaire, respondent, group,
    region (the respondent's, else the questionnaire's), item, value (float, NaN when not
    answered), label (the scale label of a whole value, else None)."""
    q, i, r = t.questionnaires, t.questionnaire_items, t.questionnaire_responses
    region_column = func.coalesce(r.c.region, q.c.region)
    statement = (
        select(
            q.c.key,
            r.c.respondent,
            r.c.respondent_group,
            region_column,
            r.c.item,
            r.c.value,
            q.c.scale_min,
            q.c.scale_labels,
        )
        .join(q, q.c.id == r.c.questionnaire_id)
        .outerjoin(i, (i.c.questionnaire_id == r.c.questionnaire_id) & (i.c.item == r.c.item))
        .order_by(q.c.key, r.c.respondent, i.c.position, r.c.item)
    )
    if questionnaire is not None:
        statement = statement.where(q.c.key == questionnaire)
    if region is not None:
        statement = statement.where(region_column == region)
    rows = []
    labels_of: dict[str, tuple[str, ...]] = {}
    for row in _rows(store, statement):
        labels = labels_of.setdefault(row[7] or "", _loads(row[7]))
        value = None if row[5] is None else float(row[5])
        label = None
        if value is not None and labels and value.is_integer():
            index = int(value) - row[6]
            label = labels[index] if 0 <= index < len(labels) else None
        rows.append((*row[:5], value, label))
    frame = _frame(rows, RESPONSE_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame


def evaluation_counts(store: Store) -> dict[str, int]:
    """How many evaluation records of each kind the store holds.

    >>> from scirocco_lab.store import open_store
    >>> evaluation_counts(open_store("sqlite://"))["sources"]
    0
    """
    tables = {
        "participants": t.evaluation_participants,
        "sources": t.evaluation_sources,
        "turns": t.evaluation_turns,
        "codes": t.evaluation_codes,
        "coders": t.evaluation_coders,
        "segments": t.coded_segments,
        "questionnaires": t.questionnaires,
        "responses": t.questionnaire_responses,
    }
    with store.engine.connect() as connection:
        return {
            name: int(connection.execute(select(func.count()).select_from(table)).scalar())
            for name, table in tables.items()
        }
