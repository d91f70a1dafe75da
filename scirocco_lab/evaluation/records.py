"""Evaluation records: what the store holds about sources, codes and questionnaires.

Importers (transcripts, questionnaires, REFI-QDA projects), widgets and the demo generator all
produce an :class:`EvaluationBatch`; :func:`~scirocco_lab.evaluation.store.write_evaluation`
checks it with :func:`validate_evaluation` against what the store already holds and writes it
in one transaction. Every problem names the file, row, field and the fix.

Every record has an optional ``provenance`` (:class:`~scirocco_lab.assessment.records.Origin`: file
and row) for messages. A coded segment's ``origin`` is something else: how it was made (``manual``,
``auto`` or ``imported``), as the data model names it.

>>> import datetime as dt
>>> source = SourceRecord(
...     "nv-fg-1", "Focus group", "focus_group", dt.date(2026, 3, 4), "P01: Hello."
... )
>>> validate_evaluation(EvaluationBatch(sources=(source,)), EvaluationContext())
[]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from scirocco_lab.assessment.records import Origin
from scirocco_lab.errors import InputProblem, ProblemCollector

__all__ = [
    "ACTIVITIES",
    "SEGMENT_ORIGINS",
    "SOURCE_FORMATS",
    "CodeRecord",
    "CoderRecord",
    "EvaluationBatch",
    "EvaluationContext",
    "ItemRecord",
    "Origin",
    "ParticipantRecord",
    "QuestionnaireRecord",
    "ResponseRecord",
    "SegmentRecord",
    "SourceRecord",
    "TurnRecord",
    "validate_evaluation",
]

#: What a source or questionnaire evaluates.
ACTIVITIES = ("study_visit", "webinar", "expert_mission", "focus_group", "interview", "other")
#: The file a source came from.
SOURCE_FORMATS = ("txt", "docx", "vtt", "srt", "qdpx")
#: How a coded segment was made: by a coder, accepted from auto-coding, or imported.
SEGMENT_ORIGINS = ("manual", "auto", "imported")
MAX_KEY = 200
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class ParticipantRecord:
    """A person who speaks in a source, by pseudonym (e.g. ``FG-northvale-P03``).

    ``full_name`` and ``email`` are personal data: stored apart (``participant_identities``)
    and shown only when asked for.
    """

    pseudonym: str
    group: str | None = None  # participant group: clinician, manager, patient representative
    role: str | None = None
    organisation: str | None = None
    region: str | None = None
    full_name: str | None = None
    email: str | None = None
    synthetic: bool = False
    provenance: Origin | None = None


@dataclass(frozen=True)
class SourceRecord:
    """A transcript or document: its full plain text and what it records.

    ``guid`` is generated (uuid4) when the source is written without one.
    """

    source: str
    title: str
    activity: str
    held_on: dt.date | None
    text: str
    region: str | None = None
    programme: str | None = None
    language: str | None = "en"
    original_format: str = "txt"
    participants: tuple[str, ...] = ()
    guid: str | None = None
    synthetic: bool = False
    provenance: Origin | None = None


@dataclass(frozen=True)
class TurnRecord:
    """One speaker turn: the half-open character range ``[start_char, end_char)`` of the
    source text holding the utterance (Python str indices, Unicode code points)."""

    source: str
    turn: int
    start_char: int
    end_char: int
    speaker: str | None = None
    started_at: float | None = None  # seconds from the start of a recording (captions)
    provenance: Origin | None = None


@dataclass(frozen=True)
class CodeRecord:
    """A code of the codebook; ``parent`` is another code's key (two or more levels)."""

    code: str
    name: str
    parent: str | None = None
    description: str | None = None
    colour: str | None = None  # "#RRGGBB"
    dimensions: tuple[str, ...] = ()  # instrument dimension keys
    categories: tuple[str, ...] = ()  # evaluator-defined framework categories
    guid: str | None = None
    provenance: Origin | None = None


@dataclass(frozen=True)
class CoderRecord:
    """Someone (or something) that codes, by pseudonym or label, e.g. ``coder-A``."""

    coder: str
    guid: str | None = None
    synthetic: bool = False
    provenance: Origin | None = None


@dataclass(frozen=True)
class SegmentRecord:
    """A coded segment: ``code`` applied by ``coder`` to ``[start_char, end_char)`` of a
    source's text. ``coded_at`` (UTC) defaults to the time of writing."""

    source: str
    code: str
    coder: str
    start_char: int
    end_char: int
    origin: str = "manual"
    memo: str | None = None
    coded_at: dt.datetime | None = None
    guid: str | None = None
    provenance: Origin | None = None


@dataclass(frozen=True)
class QuestionnaireRecord:
    """A Likert evaluation form: its scale and, low to high, the scale's labels."""

    questionnaire: str
    title: str
    activity: str
    held_on: dt.date | None
    scale_min: int
    scale_max: int
    scale_labels: tuple[str, ...] = ()
    region: str | None = None
    programme: str | None = None
    synthetic: bool = False
    provenance: Origin | None = None


@dataclass(frozen=True)
class ItemRecord:
    """A question of a questionnaire, with its wording."""

    questionnaire: str
    item: str
    position: int
    wording: str
    reverse_scored: bool = False
    provenance: Origin | None = None


@dataclass(frozen=True)
class ResponseRecord:
    """One respondent's answer to one item; ``value`` None means not answered."""

    questionnaire: str
    respondent: str
    item: str
    value: float | None
    group: str | None = None
    region: str | None = None
    provenance: Origin | None = None


@dataclass(frozen=True)
class EvaluationBatch:
    """Evaluation records written together, in one transaction."""

    participants: tuple[ParticipantRecord, ...] = ()
    sources: tuple[SourceRecord, ...] = ()
    turns: tuple[TurnRecord, ...] = ()
    codes: tuple[CodeRecord, ...] = ()
    coders: tuple[CoderRecord, ...] = ()
    segments: tuple[SegmentRecord, ...] = ()
    questionnaires: tuple[QuestionnaireRecord, ...] = ()
    items: tuple[ItemRecord, ...] = ()
    responses: tuple[ResponseRecord, ...] = ()
    source: str = "<evaluation records>"
    notes: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.participants,
                self.sources,
                self.turns,
                self.codes,
                self.coders,
                self.segments,
                self.questionnaires,
                self.items,
                self.responses,
            )
        )


@dataclass(frozen=True)
class EvaluationContext:
    """What the store already holds, as far as validation needs it.

    ``source_lengths`` maps source key -> length of its text; ``*_guids`` map guid -> key;
    ``code_parents`` maps code key -> parent key; ``segment_keys`` holds
    (source, code, coder, start_char, end_char) of stored segments.
    """

    subjects: frozenset[str] = frozenset()
    dimensions: frozenset[str] | None = None  # None: do not check dimension keys
    participants: frozenset[str] = frozenset()
    source_lengths: Mapping[str, int] = field(default_factory=dict)
    source_guids: Mapping[str, str] = field(default_factory=dict)
    code_parents: Mapping[str, str | None] = field(default_factory=dict)
    code_guids: Mapping[str, str] = field(default_factory=dict)
    coders: frozenset[str] = frozenset()
    coder_guids: Mapping[str, str] = field(default_factory=dict)
    segment_guids: Mapping[str, str] = field(default_factory=dict)  # guid -> its source
    segment_keys: frozenset[tuple] = frozenset()
    questionnaires: frozenset[str] = frozenset()


class _Problems(ProblemCollector):
    """The shared collector, locating each problem by a record's provenance (file and row),
    with the batch's source as the fallback file name."""

    def __init__(self, fallback: str):
        super().__init__()
        self.fallback = fallback

    def add_at(self, provenance: Origin | None, column, value, message: str, fix: str) -> None:
        where = provenance or Origin(self.fallback)
        self.add(where.source, where.row, column, value, message, fix)


def _bad_key(value) -> bool:
    return (
        not isinstance(value, str)
        or not value.strip()
        or value != value.strip()
        or len(value) > MAX_KEY
    )


_KEY_FIX = f"use a non-empty key without surrounding spaces, at most {MAX_KEY} characters"


def _check_key(problems, where, column, key, seen: set, bad: str, noun: str, fix: str) -> bool:
    """Whether ``key`` is usable; a bad key, or one already ``seen`` in the batch, is a
    problem (``bad`` names the key, ``noun`` the record, ``fix`` says how to tell twins
    apart)."""
    if _bad_key(key):
        problems.add_at(where, column, key, f"bad {bad}", _KEY_FIX)
        return False
    if key in seen:
        problems.add_at(where, column, key, f"the same {noun} appears twice", fix)
    seen.add(key)
    return True


def _check_not_stored(problems, where, column, key, stored, noun: str, also: str = "") -> None:
    """A key already in the store is a problem (checked when writing without replace;
    ``also`` names what else the overwrite would replace)."""
    if key in stored:
        problems.add_at(
            where,
            column,
            key,
            f"a {noun} with this key is already in the store",
            f"choose another key, or write with replace (CLI: --replace) to overwrite it{also}",
        )


def _check_guid(problems, where, guid, owner, given: dict, stored: Mapping, noun: str) -> None:
    """A guid given twice in the batch, or stored for a record other than ``owner``, is a
    problem; ``given`` collects the batch's guids (guid -> owner)."""
    if guid is None:
        return
    stored_owner = stored.get(guid)
    if guid in given or (stored_owner is not None and stored_owner != owner):
        problems.add_at(
            where,
            "guid",
            guid,
            f"another {noun} already has this guid",
            "leave the guid empty to get a new one",
        )
    given[guid] = owner


def _check_choice(problems, where, column, value, choices: tuple, message: str) -> None:
    if value not in choices:
        problems.add_at(where, column, value, message, f"use one of {', '.join(choices)}")


def _check_named(problems, where, column, value, message: str, fix: str) -> None:
    if not value or not str(value).strip():
        problems.add_at(where, column, value, message, fix)


def validate_evaluation(
    batch: EvaluationBatch,
    context: EvaluationContext,
    *,
    replace: bool = False,
) -> list[InputProblem]:
    """Every problem in ``batch``, checked against what the store holds (``context``).

    With ``replace``, sources and questionnaires already in the store may be written again
    (they are replaced) and stored codes are updated; without it they are errors (codes,
    coders and participants already stored are then left as they are). Returns an empty
    list when the batch can be written.
    """
    problems = _Problems(batch.source)
    _check_participants(batch, context, problems)
    text_lengths = _check_sources(batch, context, problems, replace)
    _check_turns(batch, text_lengths, problems)
    code_keys = _check_codes(batch, context, problems)
    coders = _check_coders(batch, context, problems)
    _check_segments(batch, context, text_lengths, code_keys, coders, problems, replace)
    _check_questionnaires(batch, context, problems, replace)
    return problems.items


def _check_region(problems, provenance, region, context: EvaluationContext) -> None:
    if region is not None and region not in context.subjects:
        problems.add_at(
            provenance,
            "region",
            region,
            "unknown region",
            "add the region first (`scirocco-lab subjects add`) or use a region key from "
            "`scirocco-lab subjects list`",
        )


def _check_participants(batch, context, problems) -> None:
    seen: set[str] = set()
    for record in batch.participants:
        _check_key(
            problems,
            record.provenance,
            "pseudonym",
            record.pseudonym,
            seen,
            "pseudonym",
            "participant",
            "keep one, or give the second person another pseudonym",
        )
        _check_region(problems, record.provenance, record.region, context)


def _check_sources(batch, context, problems, replace) -> dict[str, int]:
    lengths = dict(context.source_lengths)
    participants = set(context.participants) | {p.pseudonym for p in batch.participants}
    seen: set[str] = set()
    guids: dict[str, str] = {}
    for record in batch.sources:
        where = record.provenance
        if not _check_key(
            problems,
            where,
            "source",
            record.source,
            seen,
            "source key",
            "source",
            "give each source its own key",
        ):
            continue
        if not replace:
            _check_not_stored(
                problems,
                where,
                "source",
                record.source,
                context.source_lengths,
                "source",
                " and its coded segments",
            )
        _check_named(
            problems, where, "title", record.title, "a source needs a title", "add a title"
        )
        _check_choice(problems, where, "activity", record.activity, ACTIVITIES, "unknown activity")
        _check_choice(
            problems,
            where,
            "original_format",
            record.original_format,
            SOURCE_FORMATS,
            "unknown source format",
        )
        if record.held_on is not None and not isinstance(record.held_on, dt.date):
            problems.add_at(
                where, "held_on", record.held_on, "not a date", "give a date as YYYY-MM-DD"
            )
        if isinstance(record.text, str) and not record.text and record.original_format == "qdpx":
            # QDA tools keep sources whose text is empty (NVivo placeholders): kept as they
            # are, with nothing to code; any other empty source is a mistake.
            lengths[record.source] = 0
        elif not isinstance(record.text, str) or not record.text.strip():
            problems.add_at(
                where,
                "text",
                None,
                "the source has no text",
                "check that the file holds the transcript",
            )
        else:
            lengths[record.source] = len(record.text)
        _check_region(problems, where, record.region, context)
        for pseudonym in record.participants:
            if pseudonym not in participants:
                problems.add_at(
                    where,
                    "participants",
                    pseudonym,
                    "unknown participant",
                    "add the participant to the batch (or the store) first",
                )
        if len(set(record.participants)) != len(record.participants):
            problems.add_at(
                where,
                "participants",
                ", ".join(record.participants),
                "a participant is listed twice",
                "list each participant once",
            )
        _check_guid(
            problems, where, record.guid, record.source, guids, context.source_guids, "source"
        )
    return lengths


def _check_turns(batch, lengths: Mapping[str, int], problems) -> None:
    batch_sources = {s.source: s for s in batch.sources}
    by_source: dict[str, list[TurnRecord]] = {}
    for record in batch.turns:
        if record.source not in batch_sources:
            problems.add_at(
                record.provenance,
                "source",
                record.source,
                "turns must be written with their source",
                "put the source in the same batch as its turns",
            )
            continue
        by_source.setdefault(record.source, []).append(record)
    for source, turns in by_source.items():
        length = lengths.get(source)
        if length is None:
            continue  # the source's own problem is reported
        numbers = [t.turn for t in turns]
        if numbers != list(range(1, len(turns) + 1)):
            problems.add_at(
                turns[0].provenance,
                "turn",
                source,
                "turns must be numbered 1, 2, 3, ... in order",
                "renumber the turns",
            )
        previous_end = 0
        for record in turns:
            if not (
                isinstance(record.start_char, int)
                and isinstance(record.end_char, int)
                and 0 <= record.start_char <= record.end_char <= length
            ):
                problems.add_at(
                    record.provenance,
                    "start_char",
                    (record.start_char, record.end_char),
                    f"turn {record.turn} of '{source}' lies outside the text "
                    f"(0..{length}) or ends before it starts",
                    "rebuild the turns from the text",
                )
                continue
            if record.start_char < previous_end:
                problems.add_at(
                    record.provenance,
                    "start_char",
                    record.start_char,
                    f"turn {record.turn} of '{source}' overlaps the turn before it",
                    "turns follow each other without overlapping",
                )
            previous_end = record.end_char
            if record.started_at is not None and (
                not isinstance(record.started_at, (int, float))
                or math.isnan(record.started_at)
                or record.started_at < 0
            ):
                problems.add_at(
                    record.provenance,
                    "started_at",
                    record.started_at,
                    "a turn's start time must be seconds, 0 or more",
                    "leave it empty when unknown",
                )


def _check_codes(batch, context, problems) -> set[str]:
    parents = dict(context.code_parents)
    seen: set[str] = set()
    guids: dict[str, str] = {}
    for record in batch.codes:
        where = record.provenance
        if not _check_key(
            problems, where, "code", record.code, seen, "code key", "code", "keep one of them"
        ):
            continue
        parents[record.code] = record.parent
        _check_named(problems, where, "name", record.name, "a code needs a name", "add a name")
        if record.colour is not None and not _COLOUR.match(str(record.colour)):
            problems.add_at(
                where,
                "colour",
                record.colour,
                "a colour must be written #RRGGBB",
                "use a hex colour such as #1f77b4, or leave it empty",
            )
        if context.dimensions is not None:
            for key in record.dimensions:
                if key not in context.dimensions:
                    problems.add_at(
                        where,
                        "dimensions",
                        key,
                        "unknown dimension key",
                        f"use one of: {', '.join(sorted(context.dimensions))}",
                    )
        for category in record.categories:
            if not isinstance(category, str) or not category.strip():
                problems.add_at(
                    where,
                    "categories",
                    category,
                    "an empty framework category",
                    "remove it or name it",
                )
        _check_guid(problems, where, record.guid, record.code, guids, context.code_guids, "code")
    for record in batch.codes:
        if record.parent is None or _bad_key(record.code):
            continue
        if record.parent not in parents:
            problems.add_at(
                record.provenance,
                "parent",
                record.parent,
                f"the parent of code '{record.code}' is not in the codebook",
                "add the parent code or correct its key",
            )
            continue
        # Follow the parents up: a code may not be its own ancestor.
        visited = {record.code}
        parent = record.parent
        while parent is not None:
            if parent in visited:
                problems.add_at(
                    record.provenance,
                    "parent",
                    record.parent,
                    f"code '{record.code}' would be its own ancestor",
                    "break the cycle of parents",
                )
                break
            visited.add(parent)
            parent = parents.get(parent)
    return set(parents)


def _check_coders(batch, context, problems) -> set[str]:
    seen: set[str] = set()
    guids: dict[str, str] = {}
    for record in batch.coders:
        where = record.provenance
        if _check_key(
            problems, where, "coder", record.coder, seen, "coder name", "coder", "keep one of them"
        ):
            _check_guid(
                problems, where, record.guid, record.coder, guids, context.coder_guids, "coder"
            )
    return set(context.coders) | seen


def _check_segments(batch, context, lengths, code_keys, coders, problems, replace) -> None:
    replaced = {s.source for s in batch.sources} if replace else set()
    seen: set[tuple] = set()
    guids: dict[str, None] = {}
    # A replaced source's segments are deleted first, so their guids are free again.
    taken = {g: source for g, source in context.segment_guids.items() if source not in replaced}
    for record in batch.segments:
        where = record.provenance
        length = lengths.get(record.source)
        if length is None:
            if record.source not in {s.source for s in batch.sources}:
                problems.add_at(
                    where,
                    "source",
                    record.source,
                    "unknown source",
                    "import the source first or correct its key",
                )
        elif not (
            isinstance(record.start_char, int)
            and isinstance(record.end_char, int)
            and 0 <= record.start_char < record.end_char <= length
        ):
            problems.add_at(
                where,
                "start_char",
                (record.start_char, record.end_char),
                f"the segment must lie inside the text of '{record.source}' (0..{length}) "
                "and start before it ends",
                "select a non-empty range of the text",
            )
        if record.code not in code_keys:
            problems.add_at(
                where,
                "code",
                record.code,
                "unknown code",
                "add the code to the codebook first or correct its key",
            )
        if record.coder not in coders:
            problems.add_at(
                where,
                "coder",
                record.coder,
                "unknown coder",
                "add the coder first (a CoderRecord) or correct the name",
            )
        _check_choice(
            problems, where, "origin", record.origin, SEGMENT_ORIGINS, "unknown segment origin"
        )
        if record.coded_at is not None and not isinstance(record.coded_at, dt.datetime):
            problems.add_at(
                where, "coded_at", record.coded_at, "not a date and time", "give a datetime"
            )
        key = (record.source, record.code, record.coder, record.start_char, record.end_char)
        if key in seen or (key in context.segment_keys and record.source not in replaced):
            problems.add_at(
                where,
                "code",
                record.code,
                f"coder '{record.coder}' already applied this code to characters "
                f"{record.start_char}..{record.end_char} of '{record.source}'",
                "drop the duplicate",
            )
        seen.add(key)
        # No owner: a guid stored on any segment not being replaced is taken.
        _check_guid(problems, where, record.guid, None, guids, taken, "segment")


def _check_questionnaires(batch, context, problems, replace) -> None:
    # Items and responses are written with their questionnaire, so the batch has them all.
    scales: dict[str, tuple[int, int]] = {}
    items: dict[str, set[str]] = {}
    seen: set[str] = set()
    for record in batch.questionnaires:
        where = record.provenance
        if not _check_key(
            problems,
            where,
            "questionnaire",
            record.questionnaire,
            seen,
            "questionnaire key",
            "questionnaire",
            "give each questionnaire its own key",
        ):
            continue
        if not replace:
            _check_not_stored(
                problems,
                where,
                "questionnaire",
                record.questionnaire,
                context.questionnaires,
                "questionnaire",
            )
        _check_named(
            problems, where, "title", record.title, "a questionnaire needs a title", "add a title"
        )
        _check_choice(problems, where, "activity", record.activity, ACTIVITIES, "unknown activity")
        _check_region(problems, where, record.region, context)
        good_scale = (
            isinstance(record.scale_min, int)
            and isinstance(record.scale_max, int)
            and record.scale_min < record.scale_max
        )
        if not good_scale:
            problems.add_at(
                where,
                "scale",
                f"{record.scale_min}-{record.scale_max}",
                "the scale needs whole-number ends, the lower one first",
                "write the scale as e.g. 1-5",
            )
        elif record.scale_labels and len(record.scale_labels) != (
            record.scale_max - record.scale_min + 1
        ):
            problems.add_at(
                where,
                "labels",
                ", ".join(record.scale_labels),
                f"{len(record.scale_labels)} label(s) for a "
                f"{record.scale_min}-{record.scale_max} scale",
                f"give one label per scale point ({record.scale_max - record.scale_min + 1}), "
                "low to high, or none",
            )
        if good_scale:
            scales[record.questionnaire] = (record.scale_min, record.scale_max)
        items[record.questionnaire] = set()
    seen_items: set[tuple[str, str]] = set()
    for record in batch.items:
        where = record.provenance
        if record.questionnaire not in seen:
            problems.add_at(
                where,
                "questionnaire",
                record.questionnaire,
                "items must be written with their questionnaire",
                "put the questionnaire in the same batch as its items",
            )
            continue
        if _bad_key(record.item):
            problems.add_at(where, "item", record.item, "bad item key", _KEY_FIX)
            continue
        if (record.questionnaire, record.item) in seen_items:
            problems.add_at(
                where, "item", record.item, "the same item appears twice", "keep one of them"
            )
        seen_items.add((record.questionnaire, record.item))
        items[record.questionnaire].add(record.item)
        if not isinstance(record.wording, str) or not record.wording.strip():
            problems.add_at(
                where,
                "wording",
                record.wording,
                f"item '{record.item}' has no wording",
                "add the question as the respondents read it",
            )
    seen_responses: dict[tuple[str, str, str], Origin | None] = {}
    for record in batch.responses:
        where = record.provenance
        scale = scales.get(record.questionnaire)
        if scale is None:
            if record.questionnaire not in seen:
                problems.add_at(
                    where,
                    "questionnaire",
                    record.questionnaire,
                    "responses must be written with their questionnaire",
                    "put the questionnaire in the same batch as its responses",
                )
            continue
        if _bad_key(record.respondent):
            problems.add_at(
                where, "respondent", record.respondent, "bad respondent pseudonym", _KEY_FIX
            )
        if record.item not in items.get(record.questionnaire, set()):
            problems.add_at(
                where,
                "item",
                record.item,
                "unknown item",
                "add the item (with its wording) or correct the column name",
            )
        value = record.value
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                problems.add_at(where, record.item, value, "not a number", "give a scale value")
            elif not (scale[0] <= value <= scale[1]):
                problems.add_at(
                    where,
                    record.item,
                    value,
                    f"value outside the scale {scale[0]}..{scale[1]}",
                    f"use a value from {scale[0]} to {scale[1]}, or leave it empty",
                )
        _check_region(problems, where, record.region, context)
        key = (record.questionnaire, record.respondent, record.item)
        if key in seen_responses:
            first = seen_responses[key]
            at = f" (first at row {first.row})" if first and first.row else ""
            problems.add_at(
                where,
                "respondent",
                record.respondent,
                f"this respondent answered item '{record.item}' twice{at}",
                "give each respondent one row (or a distinct pseudonym)",
            )
        seen_responses[key] = where
