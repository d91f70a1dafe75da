"""The right to erasure: forget an assessor or an evaluation participant by pseudonym.

:func:`erasure_plan` says what would go (rows per table, by pseudonym only, never a name or
an e-mail address); :func:`forget_person` removes it, all in one transaction that also
appends the audit row ("erase", with the counts). Without ``ratings``/``contributions`` only
the identity (full name, e-mail) goes and the pseudonymised records stay. With them:

- an assessor (``ratings=True``): their individual assessments and ratings, drafts included
  (with their draft revisions), their invitations, and the assessor row itself;
- a participant (``contributions=True``): their transcript turns keep their place but their
  text becomes :data:`REMOVED_TEXT` (the source text is one string the turns index into, so
  the offsets of later turns and coded segments are shifted to stay right), the coded
  segments on those turns, their questionnaire answers, their links to sources and the
  participant row itself.

Consensus assessments are a group's result, not one person's: they stay (an assessor id a
consensus row may carry is cleared). Dependents are deleted before the rows they reference, so
foreign keys stay on and are never bypassed. The tables are taken from the shared
:data:`~scirocco_lab.store.schema.metadata` by name, because the store sits below the domains.

>>> from scirocco_lab.assessment.demo import generate_demo
>>> from scirocco_lab.assessment.store import write_batch
>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> _ = write_batch(store, generate_demo())
>>> print(erasure_plan(store, "BRV-01", ratings=True))
BRV-01 (assessor): assessor_identities 1, assessments 1, ratings 12, assessors 1
>>> _ = forget_person(store, "BRV-01", ratings=True)
>>> erasure_plan(store, "BRV-01")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
scirocco_lab.errors.NotFoundError: no assessor or participant with pseudonym 'BRV-01' ...
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass

from sqlalchemy import Connection, Table, bindparam, delete, func, or_, select, update

from scirocco_lab.errors import NotFoundError
from scirocco_lab.store.engine import Store
from scirocco_lab.store.ledger import audit
from scirocco_lab.store.schema import metadata, register_tables

__all__ = [
    "PAUSE_ENV",
    "REMOVED_SPEAKER",
    "REMOVED_TEXT",
    "ErasurePlan",
    "erasure_plan",
    "forget_person",
]

#: What a removed participant's turn reads afterwards.
REMOVED_TEXT = "[removed at the participant's request]"
#: The speaker label of a removed turn (the pseudonym goes too).
REMOVED_SPEAKER = "removed participant"

#: Tests only: seconds to sleep inside the erasure transaction, after the first deletions, so
#: a kill -9 lands mid-transaction. Unset in normal use.
PAUSE_ENV = "SCIROCCO_LAB_TEST_ERASURE_PAUSE"

_CHUNK = 500  # stay under SQL parameter limits


@dataclass(frozen=True)
class ErasurePlan:
    """What :func:`forget_person` removes (or removed): rows per table, in deletion order.

    ``counts`` pairs a table name with its row count; for ``evaluation_turns`` the rows keep
    their place and only their text and speaker are replaced.
    """

    pseudonym: str
    roles: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)

    def __str__(self) -> str:
        listed = ", ".join(f"{table} {count}" for table, count in self.counts if count)
        return f"{self.pseudonym} ({' and '.join(self.roles)}): {listed or 'nothing stored'}"


def _t(name: str) -> Table:
    return metadata.tables[name]


def _person_id(connection: Connection, table: str, pseudonym: str) -> int | None:
    people = _t(table)
    return connection.execute(
        select(people.c.id).where(people.c.pseudonym == pseudonym)
    ).scalar_one_or_none()


def _count(connection: Connection, table: Table, condition) -> int:
    statement = select(func.count()).select_from(table).where(condition)
    return int(connection.execute(statement).scalar())


def _chunks(values: list) -> list[list]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _in(column, values: list):
    """``column IN values`` for any number of values (chunked under parameter limits)."""
    if not values:
        return column.in_([])
    return or_(*(column.in_(chunk) for chunk in _chunks(values)))


def _resolve(connection: Connection, pseudonym: str, ratings: bool, contributions: bool):
    assessor_id = _person_id(connection, "assessors", pseudonym)
    participant_id = _person_id(connection, "evaluation_participants", pseudonym)
    if assessor_id is None and participant_id is None:
        raise NotFoundError(
            f"no assessor or participant with pseudonym '{pseudonym}' in the store. List them "
            "with `scirocco-lab people list`."
        )
    if ratings and assessor_id is None:
        raise NotFoundError(
            f"'{pseudonym}' is a participant, not an assessor; --ratings removes an assessor's "
            "ratings. Fix: use --contributions to remove a participant's turns and answers."
        )
    if contributions and participant_id is None:
        raise NotFoundError(
            f"'{pseudonym}' is an assessor, not a participant; --contributions removes a "
            "participant's turns and answers. Fix: use --ratings to remove an assessor's ratings."
        )
    return assessor_id, participant_id


def _assessor_counts(connection: Connection, assessor_id: int, ratings: bool) -> list:
    counts = [
        (
            "assessor_identities",
            _count(
                connection,
                _t("assessor_identities"),
                _t("assessor_identities").c.assessor_id == assessor_id,
            ),
        )
    ]
    if not ratings:
        return counts
    _, own = _own_assessments(connection, assessor_id)
    keys = _natural_keys(connection, own)
    revisions = _t("assessment_revisions")
    counts += [
        ("assessments", len(own)),
        ("ratings", _count(connection, _t("ratings"), _in(_t("ratings").c.assessment_id, own))),
        ("assessment_revisions", _count(connection, revisions, _in(revisions.c.natural_key, keys))),
        (
            "invitations",
            _count(connection, _t("invitations"), _t("invitations").c.assessor_id == assessor_id),
        ),
        ("assessors", 1),
    ]
    return counts


def _own_assessments(connection: Connection, assessor_id: int) -> tuple[Table, list[int]]:
    assessments = _t("assessments")
    own = connection.execute(
        select(assessments.c.id)
        .where(assessments.c.assessor_id == assessor_id, assessments.c.mode == "individual")
        .order_by(assessments.c.id)
    ).scalars()
    return assessments, list(own)


def _natural_keys(connection: Connection, ids: list[int]) -> list[str]:
    assessments = _t("assessments")
    return list(
        connection.execute(
            select(assessments.c.natural_key).where(_in(assessments.c.id, ids))
        ).scalars()
    )


@dataclass(frozen=True)
class _SourceChange:
    """What erasing a participant changes in one source: its new text, each turn's and
    each kept segment's new offsets, and the segments to delete."""

    source_id: int
    text: str
    removed_turns: tuple[int, ...]
    turn_offsets: tuple[tuple[int, int, int], ...]  # (turn, start, end), changed ones only
    segment_offsets: tuple[tuple[int, int, int], ...]  # (id, start, end), changed ones only
    deleted_segments: tuple[int, ...]


def _touches(start: int, end: int, turn_start: int, turn_end: int) -> bool:
    """Whether a segment covers any of a removed turn's text (or straddles an empty turn)."""
    return start < max(turn_end, turn_start + 1) and end > turn_start


class _Offsets:
    """Offsets around the removed turns of one source (sorted, not overlapping)."""

    def __init__(self, removed: list) -> None:
        self.removed = removed
        self.ends = [row.end_char for row in removed]
        self.shifts = [len(REMOVED_TEXT) - (row.end_char - row.start_char) for row in removed]
        self.cumulative = [0]
        for shift in self.shifts:
            self.cumulative.append(self.cumulative[-1] + shift)

    def shift(self, start: int, exclude: int | None = None) -> int:
        """How far a row starting at ``start`` moves: the change in length of every removed
        turn ending at or before it (the removed turn ``exclude`` itself aside)."""
        total = self.cumulative[bisect.bisect_right(self.ends, start)]
        if exclude is not None and self.ends[exclude] <= start:
            total -= self.shifts[exclude]
        return total

    def touched(self, start: int, end: int) -> bool:
        """Whether a segment ``[start, end)`` covers any removed turn's text."""
        index = max(0, bisect.bisect_right(self.ends, start) - 1)
        while index < len(self.removed) and self.removed[index].start_char < end:
            turn = self.removed[index]
            if _touches(start, end, turn.start_char, turn.end_char):
                return True
            index += 1
        return False


def _source_changes(connection: Connection, pseudonym: str) -> list[_SourceChange]:
    """Per source the participant speaks in, the changes (read once, computed here, so a
    long transcript costs one pass, not one query per turn)."""
    sources, turns, segments = (
        _t("evaluation_sources"),
        _t("evaluation_turns"),
        _t("coded_segments"),
    )
    source_ids = list(
        connection.execute(
            select(turns.c.source_id).where(turns.c.speaker == pseudonym).distinct()
        ).scalars()
    )
    changes = []
    for source_id in sorted(source_ids):
        text = connection.execute(
            select(sources.c.text).where(sources.c.id == source_id)
        ).scalar_one()
        all_turns = connection.execute(
            select(turns.c.turn, turns.c.start_char, turns.c.end_char, turns.c.speaker)
            .where(turns.c.source_id == source_id)
            .order_by(turns.c.start_char, turns.c.turn)
        ).all()
        removed = [row for row in all_turns if row.speaker == pseudonym]
        offsets = _Offsets(removed)
        pieces, position = [], 0
        for row in removed:
            pieces += [text[position : row.start_char], REMOVED_TEXT]
            position = row.end_char
        pieces.append(text[position:])
        removed_numbers = {row.turn: index for index, row in enumerate(removed)}
        turn_offsets = []
        for row in all_turns:
            index = removed_numbers.get(row.turn)
            shift = offsets.shift(row.start_char, index)
            if index is not None:
                start = row.start_char + shift
                turn_offsets.append((row.turn, start, start + len(REMOVED_TEXT)))
            elif shift:
                turn_offsets.append((row.turn, row.start_char + shift, row.end_char + shift))
        deleted, segment_offsets = [], []
        for segment in connection.execute(
            select(segments.c.id, segments.c.start_char, segments.c.end_char).where(
                segments.c.source_id == source_id
            )
        ):
            if offsets.touched(segment.start_char, segment.end_char):
                deleted.append(segment.id)
            elif shift := offsets.shift(segment.start_char):
                segment_offsets.append(
                    (segment.id, segment.start_char + shift, segment.end_char + shift)
                )
        changes.append(
            _SourceChange(
                source_id,
                "".join(pieces),
                tuple(removed_numbers),
                tuple(turn_offsets),
                tuple(segment_offsets),
                tuple(deleted),
            )
        )
    return changes


def _participant_counts(
    connection: Connection, participant_id: int, pseudonym: str, contributions: bool
) -> list:
    identities = _t("participant_identities")
    counts = [
        (
            "participant_identities",
            _count(connection, identities, identities.c.participant_id == participant_id),
        )
    ]
    if not contributions:
        return counts
    changes = _source_changes(connection, pseudonym)
    links = _t("evaluation_source_participants")
    responses = _t("questionnaire_responses")
    counts += [
        ("coded_segments", sum(len(change.deleted_segments) for change in changes)),
        ("evaluation_turns", sum(len(change.removed_turns) for change in changes)),
        (
            "evaluation_source_participants",
            _count(connection, links, links.c.participant_id == participant_id),
        ),
        (
            "questionnaire_responses",
            _count(connection, responses, responses.c.respondent == pseudonym),
        ),
        ("evaluation_participants", 1),
    ]
    return counts


def _plan(connection: Connection, pseudonym: str, ratings: bool, contributions: bool):
    assessor_id, participant_id = _resolve(connection, pseudonym, ratings, contributions)
    roles: list[str] = []
    counts: list = []
    if assessor_id is not None:
        roles.append("assessor")
        counts += _assessor_counts(connection, assessor_id, ratings)
    if participant_id is not None:
        roles.append("participant")
        counts += _participant_counts(connection, participant_id, pseudonym, contributions)
    plan = ErasurePlan(pseudonym, tuple(roles), tuple(counts))
    return plan, assessor_id, participant_id


def erasure_plan(
    store: Store, pseudonym: str, *, ratings: bool = False, contributions: bool = False
) -> ErasurePlan:
    """What :func:`forget_person` would remove, without removing anything.

    Raises :class:`NotFoundError` for an unknown pseudonym, or a flag that does not fit the
    person's role (``ratings`` for an assessor, ``contributions`` for a participant).
    """
    register_tables()
    with store.engine.connect() as connection:
        return _plan(connection, pseudonym, ratings, contributions)[0]


def _forget_assessor(connection: Connection, assessor_id: int, ratings: bool) -> None:
    identities = _t("assessor_identities")
    connection.execute(delete(identities).where(identities.c.assessor_id == assessor_id))
    if not ratings:
        return
    assessments, own = _own_assessments(connection, assessor_id)
    keys = _natural_keys(connection, own)
    revisions, rating_rows = _t("assessment_revisions"), _t("ratings")
    for chunk in _chunks(own):
        connection.execute(delete(rating_rows).where(rating_rows.c.assessment_id.in_(chunk)))
    _pause_for_tests()
    for chunk in _chunks(keys):
        connection.execute(delete(revisions).where(revisions.c.natural_key.in_(chunk)))
    for chunk in _chunks(own):
        connection.execute(delete(assessments).where(assessments.c.id.in_(chunk)))
    # A consensus row naming the assessor (e.g. as its recorder) stays, without the name.
    connection.execute(
        update(assessments).where(assessments.c.assessor_id == assessor_id).values(assessor_id=None)
    )
    invitations = _t("invitations")
    connection.execute(delete(invitations).where(invitations.c.assessor_id == assessor_id))
    people = _t("assessors")
    connection.execute(delete(people).where(people.c.id == assessor_id))


def _apply(connection: Connection, change: _SourceChange) -> None:
    sources, turns, segments = (
        _t("evaluation_sources"),
        _t("evaluation_turns"),
        _t("coded_segments"),
    )
    for chunk in _chunks(list(change.deleted_segments)):
        connection.execute(delete(segments).where(segments.c.id.in_(chunk)))
    connection.execute(
        update(sources).where(sources.c.id == change.source_id).values(text=change.text)
    )
    # Each row goes straight to its final offsets (one executemany per table).
    if change.turn_offsets:
        connection.execute(
            update(turns)
            .where(turns.c.source_id == change.source_id, turns.c.turn == bindparam("t_turn"))
            .values(start_char=bindparam("t_start"), end_char=bindparam("t_end")),
            [{"t_turn": t, "t_start": a, "t_end": b} for t, a, b in change.turn_offsets],
        )
    connection.execute(
        update(turns)
        .where(turns.c.source_id == change.source_id, turns.c.turn.in_(change.removed_turns))
        .values(speaker=REMOVED_SPEAKER)
    )
    if change.segment_offsets:
        connection.execute(
            update(segments)
            .where(segments.c.id == bindparam("s_id"))
            .values(start_char=bindparam("s_start"), end_char=bindparam("s_end")),
            [{"s_id": i, "s_start": a, "s_end": b} for i, a, b in change.segment_offsets],
        )


def _forget_participant(
    connection: Connection, participant_id: int, pseudonym: str, contributions: bool
) -> None:
    identities = _t("participant_identities")
    connection.execute(delete(identities).where(identities.c.participant_id == participant_id))
    if not contributions:
        return
    for number, change in enumerate(_source_changes(connection, pseudonym)):
        _apply(connection, change)
        if number == 0:
            _pause_for_tests()
    links, responses = _t("evaluation_source_participants"), _t("questionnaire_responses")
    connection.execute(delete(links).where(links.c.participant_id == participant_id))
    connection.execute(delete(responses).where(responses.c.respondent == pseudonym))
    people = _t("evaluation_participants")
    connection.execute(delete(people).where(people.c.id == participant_id))


def _pause_for_tests() -> None:
    # Lets a kill -9 test land inside the transaction; the variable is never set in use.
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        import time

        time.sleep(float(seconds))


def forget_person(
    store: Store, pseudonym: str, *, ratings: bool = False, contributions: bool = False
) -> ErasurePlan:
    """Remove a person's identity (and with ``ratings``/``contributions`` their records) in
    one transaction, with its audit row; returns what was removed.

    Raises :class:`NotFoundError` (nothing removed) like :func:`erasure_plan`.
    """
    register_tables()
    with store.transaction() as connection:
        plan, assessor_id, participant_id = _plan(connection, pseudonym, ratings, contributions)
        if assessor_id is not None:
            _forget_assessor(connection, assessor_id, ratings)
        if participant_id is not None:
            _forget_participant(connection, participant_id, pseudonym, contributions)
        audit(
            connection,
            "erase",
            "assessors" if assessor_id is not None else "evaluation_participants",
            keys=[pseudonym],
            counts=plan.as_dict(),
        )
    return plan
