"""Drafts and submission of assessments, built on the public store API.

A draft is an assessment with status ``draft``; saving it replaces the stored draft (one
:func:`~scirocco_lab.assessment.store.write_batch` transaction). Submitting checks that every
dimension has a level or an explicit don't-know and writes the assessment with status ``submitted``.
A submitted assessment is locked: any later save or submit raises :class:`AssessmentLockedError` and
leaves the store unchanged.

Every save bumps the assessment's draft revision; a form passes the revision it last read
or wrote, and a save from a stale form (a second tab of the same participant) is refused
with :class:`DraftConflictError` instead of silently overwriting the newer draft. The
revision bump, the "already submitted?" check and the write are one transaction (and, for
an SQLite file, also run under one write lock beside the store), so tabs and kernels cannot
interleave a check and a write.

>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.store import add_subjects, add_assessors
>>> from scirocco_lab.assessment.records import SubjectRecord, AssessorRecord, RatingRecord
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> _ = add_assessors(store, [AssessorRecord("NV-01")])
>>> target = FormTarget("HS", "northvale", "scirocco-exchange", round=1)
>>> draft = build_assessment(target, "NV-01", {"funding": RatingRecord("funding", level=2)})
>>> saved = save_draft(store, draft, expected_revision=0)
>>> saved.status, saved.revision
('draft', 1)
>>> save_draft(store, draft, expected_revision=0)
Traceback (most recent call last):
...
scirocco_lab.errors.DraftConflictError: this assessment was changed in another tab or window ...
>>> load_assessment(store, target, "NV-01").ratings[0].level
2
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from scirocco_lab.assessment import tables as assessment_tables
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    Origin,
    RatingRecord,
    assessment_key,
)
from scirocco_lab.assessment.store import assessments_frame, save_assessment
from scirocco_lab.errors import (
    AssessmentLockedError,
    DataValidationError,
    DraftConflictError,
    InputProblem,
)
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import Store, resolve_instrument

__all__ = [
    "AssessmentLockedError",
    "DraftConflictError",
    "FormTarget",
    "SavedAssessment",
    "assessment_ratings",
    "build_assessment",
    "describe_problem",
    "load_assessment",
    "missing_dimensions",
    "save_draft",
    "stored_revision",
    "stored_status",
    "submit_assessment",
    "write_lock",
]


@dataclass(frozen=True)
class FormTarget:
    """What is being assessed: kind (HS/GP), subject, instrument, round and mode.

    >>> FormTarget("HS", "northvale", "scirocco-exchange", round=2).key_for("NV-07")
    'HS|northvale|scirocco-exchange|2|individual|NV-07'
    """

    kind: str
    subject: str
    instrument: str
    round: int = 1
    mode: str = "individual"

    def key_for(self, assessor: str | None) -> str:
        """The store's natural key of this target's assessment by ``assessor``."""
        return assessment_key(
            self.kind, self.subject, self.instrument, self.round, self.mode, assessor
        )


@dataclass(frozen=True)
class SavedAssessment:
    """What a save or submit wrote: the status now in the store and how many ratings."""

    key: str
    status: str
    ratings: int
    revision: int = 0


def build_assessment(
    target: FormTarget,
    assessor: str | None,
    answers: Mapping[str, RatingRecord],
    *,
    status: str = "draft",
    instrument: Instrument | None = None,
    notes: str | None = None,
) -> AssessmentRecord:
    """An :class:`AssessmentRecord` from the form's answers, in the instrument's order.

    Each rating gets an origin naming its dimension, so a validation problem says which
    dimension is wrong. Empty answers (no level, no don't-know, no text) are left out.

    >>> target = FormTarget("HS", "northvale", "scirocco-exchange")
    >>> record = build_assessment(target, "NV-01", {"funding": RatingRecord("funding", level=3)})
    >>> record.key, record.ratings[0].level
    ('HS|northvale|scirocco-exchange|1|individual|NV-01', 3)
    """
    order = {key: i for i, key in enumerate(instrument.dimension_keys)} if instrument else {}
    names = instrument.dimension_names if instrument else {}
    ratings = tuple(
        replace(rating, origin=Origin(names.get(key, key), level_column="level"))
        for key, rating in sorted(answers.items(), key=lambda item: order.get(item[0], 999))
        if not _is_empty(rating)
    )
    return AssessmentRecord(
        **asdict(target),  # kind, subject, instrument, round and mode
        assessor=assessor if target.mode == "individual" else None,
        status=status,
        notes=notes,
        ratings=ratings,
        origin=Origin("assessment form"),
    )


def _is_empty(rating: RatingRecord) -> bool:
    return (
        rating.level is None
        and not rating.dont_know
        and not (rating.justification or "").strip()
        and rating.confidence is None
        and not rating.features
    )


def missing_dimensions(record: AssessmentRecord, instrument: Instrument) -> tuple[str, ...]:
    """Dimension keys with neither a level nor an explicit don't-know, in instrument order.

    >>> from scirocco_lab.instruments import load_instrument
    >>> exchange = load_instrument("scirocco-exchange")
    >>> target = FormTarget("HS", "northvale", exchange.id)
    >>> len(missing_dimensions(build_assessment(target, "NV-01", {}), exchange))
    12
    """
    answered = {r.dimension for r in record.ratings if r.level is not None or r.dont_know}
    return tuple(key for key in instrument.dimension_keys if key not in answered)


def describe_problem(problem: InputProblem) -> str:
    """One validation problem as a sentence for a form (no file or row jargon).

    >>> describe_problem(InputProblem("Funding", None, "level", 9, "level outside the scale",
    ...                               "use 0 to 5"))
    'Funding — level: level outside the scale (you entered 9). Fix: use 0 to 5.'
    """
    where = problem.source
    if problem.field:
        where += f" — {problem.field}"
    value = problem.value
    shown = ""
    if value is not None and problem.field not in ("dimension", None):
        shown = (
            f" (you entered {value!r})" if not isinstance(value, int) else f" (you entered {value})"
        )
    return f"{where}: {problem.message}{shown}. Fix: {problem.fix}."


# --- reading ---------------------------------------------------------------------------------


def stored_status(store: Store, target: FormTarget, assessor: str | None) -> str | None:
    """``"draft"``, ``"submitted"`` or ``None`` (nothing stored yet) for this assessment."""
    frame = _stored_rows(store, target, assessor)
    return None if frame.empty else str(frame["status"].iloc[0])


def stored_revision(store: Store, target: FormTarget, assessor: str | None) -> int:
    """The assessment's draft revision (0 before its first save); a form passes it back
    as ``expected_revision`` when it saves."""
    table = assessment_tables.assessment_revisions
    with store.engine.connect() as connection:
        found = connection.execute(
            select(table.c.revision).where(table.c.natural_key == target.key_for(assessor))
        ).scalar_one_or_none()
    return int(found or 0)


def _stored_rows(store: Store, target: FormTarget, assessor: str | None) -> pd.DataFrame:
    frame = assessments_frame(
        store,
        subject=target.subject,
        kind=target.kind,
        mode=target.mode,
        round=target.round,
        instrument=target.instrument,
    )
    if target.mode == "individual":
        frame = frame[frame["assessor"] == assessor]
    return frame


def load_assessment(
    store: Store, target: FormTarget, assessor: str | None
) -> AssessmentRecord | None:
    """The stored assessment (draft or submitted) with its ratings, or ``None``."""
    frame = _stored_rows(store, target, assessor)
    if frame.empty:
        return None
    status = str(frame["status"].iloc[0])
    if target.mode == "individual":
        frame = frame[frame["assessor"] == assessor]
    ratings = assessment_ratings(store, int(frame["assessment_id"].iloc[0]))
    return build_assessment(target, assessor, {r.dimension: r for r in ratings}, status=status)


def assessment_ratings(store: Store, assessment_id: int) -> tuple[RatingRecord, ...]:
    """The ratings of one stored assessment (by ``assessment_id`` of ``assessments_frame``).

    Read here rather than through ``ratings_frame`` because that frame's ``features``
    column breaks when some ratings of a frame have features and others none (pandas 3
    turns the None into NaN); see docs/capture.md.
    """
    table = assessment_tables.ratings
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table)
            .where(table.c.assessment_id == assessment_id)
            .order_by(table.c.dimension_key)
        ).all()
    return tuple(
        RatingRecord(
            dimension=row.dimension_key,
            level=row.level,
            dont_know=bool(row.dont_know),
            justification=row.justification,
            confidence=row.confidence,
            features=tuple(json.loads(row.features)) if row.features else (),
        )
        for row in rows
    )


# --- writing ---------------------------------------------------------------------------------

_MEMORY_LOCK = threading.Lock()


@contextmanager
def write_lock(store: Store) -> Iterator[None]:
    """Serialise check-then-write sequences on one store across threads and processes.

    For an SQLite file the lock is ``<store file>.capture.lock`` (``flock``), which every Voilà
    kernel on the machine shares; an in-memory store uses a process lock. The guard itself is
    the transaction (:func:`_guard`): the lock only spares SQLite's writers the busy waits of
    a read lock upgraded to a write lock. Other databases take no lock here: their row locks
    and unique keys serialise the submits (see docs/capture.md).
    """
    if store.engine.dialect.name != "sqlite":
        yield
        return
    database = store.engine.url.database
    if not database or database == ":memory:":
        with _MEMORY_LOCK:
            yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".capture.lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _guard(
    record: AssessmentRecord, expected_revision: int | None, revisions: list[int]
) -> Callable[[Connection], None]:
    """The checks that run inside the write's transaction, before it writes.

    The revision row is bumped first with a compare-and-set UPDATE: that statement takes the
    database's write lock (SQLite) or the row lock (PostgreSQL), so the status read after it
    cannot be overtaken by another tab's submit before this transaction commits.
    """
    key = record.key

    def check(connection: Connection) -> None:
        table = assessment_tables.assessment_revisions
        current = connection.execute(
            select(table.c.revision).where(table.c.natural_key == key).with_for_update()
        ).scalar_one_or_none()
        now = utc_now()
        overtaken = False
        if current is None:
            try:
                with connection.begin_nested():
                    connection.execute(
                        table.insert().values(natural_key=key, revision=1, updated_at=now)
                    )
            except IntegrityError:
                # Another session wrote this assessment's first revision in the meantime; the
                # status read below sees what it committed (a submit locks, a draft conflicts).
                overtaken = True
            current = 0
        else:
            bumped = connection.execute(
                update(table)
                .where(table.c.natural_key == key, table.c.revision == current)
                .values(revision=current + 1, updated_at=now)
            ).rowcount
            overtaken = bumped != 1
        status = connection.execute(
            select(assessment_tables.assessments.c.status).where(
                assessment_tables.assessments.c.natural_key == key
            )
        ).scalar_one_or_none()
        if status == "submitted":
            who = f" by {record.assessor}" if record.assessor else ""
            raise AssessmentLockedError(
                f"this assessment{who} of '{record.subject}' (round {record.round}) was "
                "already submitted and is locked; nothing was changed. Ask the facilitator if "
                "it must be corrected."
            )
        if overtaken or (expected_revision is not None and int(current) != int(expected_revision)):
            raise _conflict(record)
        revisions.append(int(current) + 1)

    return check


def _conflict(record: AssessmentRecord) -> DraftConflictError:
    return DraftConflictError(
        "this assessment was changed in another tab or window since this page last saved; "
        "this change was NOT saved. Fix: close the other tab, then reload this page to "
        "continue with the newest version."
    )


def _save(
    store: Store,
    record: AssessmentRecord,
    instrument: Instrument,
    expected_revision: int | None,
    action: str,
) -> SavedAssessment:
    """Replace the stored assessment with ``record`` (status set) under the write lock,
    if its revision is still ``expected_revision``."""
    revisions: list[int] = []
    with write_lock(store):
        save_assessment(
            store,
            record,
            instrument=instrument,
            replace=True,
            guard=_guard(record, expected_revision, revisions),
            action=action,
        )
    return SavedAssessment(record.key, record.status, len(record.ratings), revisions[-1])


def save_draft(
    store: Store,
    record: AssessmentRecord,
    *,
    instrument: Instrument | None = None,
    expected_revision: int | None = None,
) -> SavedAssessment:
    """Save ``record`` as a draft, replacing the stored draft; returns the new revision.

    Raises :class:`AssessmentLockedError` if it was already submitted,
    :class:`DraftConflictError` if ``expected_revision`` is given and the stored draft has
    moved on since, and :class:`DataValidationError` for bad input (level outside the scale,
    text too long, unknown assessor); the store is unchanged in every case.
    """
    draft = replace(record, status="draft")
    instrument = instrument or resolve_instrument(store, record.instrument)
    return _save(store, draft, instrument, expected_revision, "save draft")


def submit_assessment(
    store: Store,
    record: AssessmentRecord,
    *,
    instrument: Instrument | None = None,
    expected_revision: int | None = None,
) -> SavedAssessment:
    """Submit ``record``: every dimension rated or don't-know, then stored as submitted.

    Raises :class:`DataValidationError` naming each unanswered dimension (nothing written),
    :class:`AssessmentLockedError` if it was already submitted and
    :class:`DraftConflictError` for a stale ``expected_revision``.
    """
    submitted = replace(record, status="submitted")
    instrument = instrument or resolve_instrument(store, record.instrument)
    missing = missing_dimensions(submitted, instrument)
    if missing:
        names = instrument.dimension_names
        raise DataValidationError(
            [
                InputProblem(
                    names[key],
                    None,
                    None,
                    None,
                    "not answered yet",
                    "choose a level, or tick 'Don't know'",
                )
                for key in missing
            ]
        )
    # A workshop's consensus is recorded by the same submit as a person's ratings.
    action = "record consensus" if submitted.mode == "consensus" else "submit"
    return _save(store, submitted, instrument, expected_revision, action)
