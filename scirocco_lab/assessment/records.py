"""Plain records: what the store holds, as frozen dataclasses.

Files, forms and the demo generator all produce a :class:`RecordBatch`; the store writes a
batch in one transaction after :func:`validate_batch` has found no problem. Keeping the
validation here means a CSV row, an Excel row and a widget field are checked by the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scirocco_lab.errors import InputProblem
from scirocco_lab.instruments import Instrument

__all__ = [
    "ASSESSMENT_KINDS",
    "CONFIDENCE_LEVELS",
    "MODES",
    "STATUSES",
    "SUBJECT_KINDS",
    "AssessmentRecord",
    "AssessorRecord",
    "Origin",
    "RatingRecord",
    "RecordBatch",
    "SubjectRecord",
    "assessment_key",
    "validate_batch",
]

#: HS: a health and care system's maturity; GP: a good practice's maturity requirements.
ASSESSMENT_KINDS = ("HS", "GP")
SUBJECT_KINDS = ("system", "good_practice")
MODES = ("individual", "consensus")
STATUSES = ("draft", "submitted")
CONFIDENCE_LEVELS = ("low", "medium", "high")
MAX_TEXT = 4000  # justification, feature and note length: a paragraph, not a document


@dataclass(frozen=True)
class Origin:
    """Where a record came from, so a problem can name the file, row and column."""

    source: str
    row: int | None = None
    level_column: str = "level"


@dataclass(frozen=True)
class SubjectRecord:
    """A health and care system (region, organisation) or a good practice."""

    key: str
    name: str
    kind: str = "system"
    country: str | None = None
    owner: str | None = None  # key of the region that owns a good practice
    description: str | None = None
    synthetic: bool = False
    origin: Origin | None = None


@dataclass(frozen=True)
class AssessorRecord:
    """A stakeholder who rates. ``full_name`` and ``email`` are personal data and are
    stored apart from everything else; reports and exports show ``pseudonym``."""

    pseudonym: str
    role: str | None = None
    sector: str | None = None
    organisation: str | None = None
    home_subject: str | None = None
    full_name: str | None = None
    email: str | None = None
    synthetic: bool = False
    origin: Origin | None = None


@dataclass(frozen=True)
class RatingRecord:
    """One dimension of one assessment: a level, or an explicit don't-know."""

    dimension: str
    level: int | None = None
    dont_know: bool = False
    justification: str | None = None
    confidence: str | None = None
    features: tuple[str, ...] = ()
    origin: Origin | None = None


@dataclass(frozen=True)
class AssessmentRecord:
    """One assessment: an individual's or a workshop's consensus ratings of a subject."""

    kind: str
    subject: str
    instrument: str
    round: int = 1
    mode: str = "individual"
    assessor: str | None = None
    status: str = "submitted"
    assessed_on: dt.date | None = None
    notes: str | None = None
    ratings: tuple[RatingRecord, ...] = ()
    origin: Origin | None = None

    @property
    def key(self) -> str:
        """Natural key: one assessment per kind, subject, instrument, round and assessor
        (or one consensus)."""
        return assessment_key(
            self.kind, self.subject, self.instrument, self.round, self.mode, self.assessor
        )


def assessment_key(
    kind: str, subject: str, instrument: str, round_number: int, mode: str, assessor: str | None
) -> str:
    """The natural key that makes an assessment unique in the store.

    >>> assessment_key("HS", "northvale", "scirocco-exchange", 2, "individual", "NV-07")
    'HS|northvale|scirocco-exchange|2|individual|NV-07'
    """
    who = assessor if mode == "individual" else "-"
    return f"{kind}|{subject}|{instrument}|{round_number}|{mode}|{who}"


@dataclass(frozen=True)
class RecordBatch:
    """Records to be written together, in one transaction."""

    subjects: tuple[SubjectRecord, ...] = ()
    assessors: tuple[AssessorRecord, ...] = ()
    assessments: tuple[AssessmentRecord, ...] = ()
    source: str = "<records>"
    notes: tuple[str, ...] = field(default=())

    @property
    def rating_count(self) -> int:
        return sum(len(assessment.ratings) for assessment in self.assessments)


#: The checks of an assessment's enumerated fields, in the order they are made: field,
#: allowed values, message, fix.
_CHOICES = (
    (
        "kind",
        ASSESSMENT_KINDS,
        "unknown assessment kind",
        "use HS (health and care system) or GP (good practice requirements)",
    ),
    ("mode", MODES, "unknown mode", "use individual or consensus"),
    ("status", STATUSES, "unknown status", "use draft or submitted"),
)
#: The subject kind each assessment kind must be of: kind, subject kind, message, fix.
_SUBJECT_OF_KIND = {
    "GP": (
        "good_practice",
        "a GP assessment must be of a good practice",
        "use kind HS for a region, or name a good practice",
    ),
    "HS": (
        "system",
        "an HS assessment must be of a health and care system",
        "use kind GP for a good practice, or name a region",
    ),
}

#: The fix for an assessment that names a subject, assessor or instrument nobody knows.
_UNKNOWN_FIX = {
    "subject": "add the region or good practice first (subjects file or "
    "`scirocco-lab subjects add`), or correct the key",
    "assessor": "add the assessor (assessors file or the assessor columns) or "
    "correct the pseudonym",
    "instrument": "use a bundled instrument id or load your instrument file first",
}

#: A problem found at a record's origin: origin, column, value, message, fix.
_Add = Callable[[Origin | None, str | None, object, str, str], None]


def validate_batch(
    batch: RecordBatch,
    instruments: Mapping[str, Instrument],
    *,
    known_subjects: Mapping[str, str] | None = None,
    known_assessors: Iterable[str] = (),
    existing_assessments: Iterable[str] = (),
    replace: bool = False,
) -> list[InputProblem]:
    """Every problem in a batch, checked against its instruments and what the store holds.

    ``known_subjects`` maps subject key -> subject kind for subjects already stored;
    ``existing_assessments`` holds natural keys already stored (a duplicate unless
    ``replace``). Returns an empty list when the batch can be written.
    """
    problems: list[InputProblem] = []

    def add(origin: Origin | None, column: str | None, value, message: str, fix: str) -> None:
        # A record without an origin is reported under the batch's source.
        where = origin or Origin(batch.source)
        problems.append(InputProblem(where.source, where.row, column, value, message, fix))

    def unknown(assessment: AssessmentRecord, name: str) -> None:
        # An assessment names a subject, assessor or instrument that nobody knows.
        value = getattr(assessment, name)
        add(assessment.origin, name, value, f"unknown {name}", _UNKNOWN_FIX[name])

    subject_kinds = dict(known_subjects or {})
    for subject in batch.subjects:
        if not subject.key or not subject.name:
            add(
                subject.origin,
                "subject",
                subject.key,
                "a subject needs a key and a name",
                "fill in both",
            )
        if subject.kind not in SUBJECT_KINDS:
            add(
                subject.origin,
                "kind",
                subject.kind,
                "unknown subject kind",
                f"use one of {', '.join(SUBJECT_KINDS)}",
            )
        subject_kinds.setdefault(subject.key, subject.kind)
    for subject in batch.subjects:
        if subject.owner and subject.owner not in subject_kinds:
            add(
                subject.origin,
                "owner",
                subject.owner,
                "the owner region is not in the store or the file",
                "add the owner region first or correct its key",
            )
    assessors = set(known_assessors) | {a.pseudonym for a in batch.assessors}
    for assessor in batch.assessors:
        if not assessor.pseudonym or not assessor.pseudonym.strip():
            add(
                assessor.origin,
                "assessor",
                assessor.pseudonym,
                "an assessor needs a pseudonym",
                "give each assessor a code",
            )
    existing = set(existing_assessments)
    seen: dict[str, Origin | None] = {}
    for assessment in batch.assessments:
        origin = assessment.origin
        for name, allowed, message, fix in _CHOICES:
            if getattr(assessment, name) not in allowed:
                add(origin, name, getattr(assessment, name), message, fix)
        if not isinstance(assessment.round, int) or assessment.round < 1:
            add(
                origin,
                "round",
                assessment.round,
                "round must be 1 or more",
                "number Delphi rounds 1, 2, 3, ...",
            )
        subject_kind = subject_kinds.get(assessment.subject)
        required = _SUBJECT_OF_KIND.get(assessment.kind)
        if subject_kind is None:
            unknown(assessment, "subject")
        elif required is not None and subject_kind != required[0]:
            add(origin, "subject", assessment.subject, *required[1:])
        if assessment.mode == "individual" and not assessment.assessor:
            add(
                origin,
                "assessor",
                None,
                "an individual assessment needs an assessor",
                "fill in the assessor's pseudonym",
            )
        elif assessment.assessor and assessment.assessor not in assessors:
            unknown(assessment, "assessor")
        key = assessment.key
        if key in seen:
            first = seen[key]
            where = f" (first at row {first.row})" if first and first.row else ""
            add(origin, None, key, f"the same assessment appears twice{where}", "keep one of them")
        seen[key] = origin
        if key in existing and not replace:
            add(
                origin,
                None,
                key,
                "this assessment is already in the store",
                "remove these rows, or write with replace (CLI: import --replace) to overwrite it",
            )
        instrument = instruments.get(assessment.instrument)
        if instrument is None:
            unknown(assessment, "instrument")
            continue
        _validate_ratings(assessment, instrument, add)
    return problems


def _validate_ratings(assessment: AssessmentRecord, instrument: Instrument, add: _Add) -> None:
    valid_keys = set(instrument.dimension_keys)
    seen_dimensions: set[str] = set()
    for rating in assessment.ratings:
        origin = rating.origin or assessment.origin
        if rating.dimension not in valid_keys:
            add(
                origin,
                # In a wide file the dimension is a column of its own.
                origin.level_column if origin and origin.level_column != "level" else "dimension",
                rating.dimension,
                f"unknown dimension for instrument '{instrument.id}'",
                f"use one of: {', '.join(instrument.dimension_keys)}",
            )
            continue
        if rating.dimension in seen_dimensions:
            add(
                origin,
                "dimension",
                rating.dimension,
                "this dimension is rated twice in one assessment",
                "keep one row",
            )
        seen_dimensions.add(rating.dimension)
        level_column = origin.level_column if origin else "level"
        if rating.dont_know and rating.level is not None:
            add(
                origin,
                level_column,
                rating.level,
                "a rating cannot be both a level and don't-know",
                "keep one",
            )
        elif rating.level is not None and not (
            instrument.scale_min <= rating.level <= instrument.scale_max
        ):
            add(
                origin,
                level_column,
                rating.level,
                f"level outside the scale {instrument.scale_min}..{instrument.scale_max}",
                f"use a whole number from {instrument.scale_min} to "
                f"{instrument.scale_max}, or dk for don't know",
            )
        if rating.confidence is not None and rating.confidence not in CONFIDENCE_LEVELS:
            add(
                origin,
                "confidence",
                rating.confidence,
                "unknown confidence",
                f"use one of {', '.join(CONFIDENCE_LEVELS)} or leave it empty",
            )
        for name, text in (
            ("justification", rating.justification),
            *(("features", feature) for feature in rating.features),
        ):
            if text is not None and len(text) > MAX_TEXT:
                add(
                    origin,
                    name,
                    f"{text[:30]}...",
                    f"text longer than {MAX_TEXT} characters ({len(text)})",
                    "shorten it or move detail to the notes",
                )
        if rating.features and assessment.kind != "GP":
            add(
                origin,
                "features",
                "; ".join(rating.features),
                "features belong to good-practice (GP) assessments",
                "leave features empty for HS assessments",
            )
    if assessment.status == "submitted":
        missing = [
            key
            for key in instrument.dimension_keys
            if not any(
                r.dimension == key and (r.level is not None or r.dont_know)
                for r in assessment.ratings
            )
        ]
        if missing:
            add(
                assessment.origin,
                "dimension",
                ", ".join(missing),
                "a submitted assessment must rate every dimension (a level or don't-know)",
                "add the missing dimensions, or import it with status draft",
            )
