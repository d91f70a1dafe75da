"""CSV and Excel (.xlsx) import and export of assessments.

Two layouts, both as ``.csv`` (UTF-8) or ``.xlsx``; ``docs/data-formats.md`` documents every
column with examples.

- **long**: one row per assessor x dimension, with justification, confidence and features.
  It is lossless: export long, import into an empty store, and the ratings are identical.
- **wide**: one row per assessment, one column per dimension key holding the level or ``dk``.
  Levels only, handy for typing in a workshop.

Reading collects every parse problem of every row (missing column, level that is not a
number, bad date, empty subject, ...) and raises them together as
:class:`~scirocco_lab.errors.DataValidationError`; the semantic checks (unknown dimension,
level outside the scale, duplicates, unknown subject or assessor, incomplete submitted
assessments) are :func:`~scirocco_lab.assessment.records.validate_batch`'s, run by
:func:`~scirocco_lab.assessment.store.write_batch` inside the one transaction that writes the file.
Every problem names the file, the spreadsheet row (header = row 1), the column, the value and the
fix.

>>> import tempfile, pathlib
>>> from scirocco_lab.assessment.demo import generate_demo
>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.ratings_export import export_ratings
>>> from scirocco_lab.assessment.store import ratings_frame, write_batch
>>> demo = open_store("sqlite://")
>>> _ = write_batch(demo, generate_demo())
>>> path = pathlib.Path(tempfile.mkdtemp()) / "northvale.xlsx"
>>> export_ratings(demo, path, subject="northvale") > 0
True
>>> copy = open_store("sqlite://")
>>> print(import_ratings(copy, path))  # doctest: +ELLIPSIS
1 subject(s), ... assessor(s), ... new and 0 replaced assessment(s), ... rating(s)
>>> def levels(store):  # assessment_id is the store's own numbering
...     return ratings_frame(store, subject="northvale").drop(columns="assessment_id")
>>> levels(copy).equals(levels(demo))
True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as _replace_fields
from typing import Any

import pandas as pd

from scirocco_lab.assessment.demo import DEMO_MARK
from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    Origin,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
    assessment_key,
)
from scirocco_lab.assessment.store import ASSESSMENT_FIELDS, WriteSummary, write_batch
from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    FileFormatError,
    InputProblem,
)
from scirocco_lab.instruments import DEFAULT_INSTRUMENT, Instrument, load_instrument
from scirocco_lab.io.formulas import restore_cell
from scirocco_lab.io.tables import (
    DATA_FORMATS_DOC,
    TextTable,
    normalise_header,
    read_table,
    table_from_rows,
    whole_number,
)
from scirocco_lab.store import Store, resolve_instrument

__all__ = [
    "ASSESSMENT_COLUMNS",
    "ASSESSOR_COLUMNS",
    "DATA_NOTE_COLUMN",
    "DONT_KNOW",
    "DONT_KNOW_WORDS",
    "IDENTITY_COLUMNS",
    "LAYOUTS",
    "LONG_COLUMNS",
    "RATING_COLUMNS",
    "SUBJECT_COLUMNS",
    "check_layout",
    "import_ratings",
    "parse_ratings_table",
    "read_frame_as_batch",
    "read_ratings_file",
]

#: ``layout`` values of :func:`read_ratings_file` (export takes ``long`` or ``wide``).
LAYOUTS = ("auto", "long", "wide")
#: How a don't-know is written in a level cell (``don't know`` is read too).
DONT_KNOW = "dk"
#: Marks rows of synthetic subjects in exports; not stored on import (see the docs).
DATA_NOTE_COLUMN = "data_note"

#: Columns describing the assessment, in both layouts (``notes`` is optional).
ASSESSMENT_COLUMNS = ("subject", "kind", *ASSESSMENT_FIELDS)
#: Columns of one rating, long layout only.
RATING_COLUMNS = ("dimension", "level", "justification", "confidence", "features")
#: Optional columns that create a subject missing from the store (``subject_name`` required).
SUBJECT_COLUMNS = ("subject_name", "country", "subject_kind", "owner")
#: Optional columns that create an assessor missing from the store.
ASSESSOR_COLUMNS = ("role", "sector", "organisation")
#: Personal data: exported only with ``include_identities=True``.
IDENTITY_COLUMNS = ("assessor_name", "assessor_email")
#: Column order of a long export (``data_note`` leads when synthetic subjects are present).
LONG_COLUMNS = (
    *ASSESSMENT_COLUMNS,
    *RATING_COLUMNS,
    "notes",
    "subject_name",
    "country",
    "owner",
    *ASSESSOR_COLUMNS,
)

_REQUIRED = ("subject", "kind")
_OPTIONAL_HEAD = ("instrument", "round", "mode", "assessor", "status", "assessed_on", "notes")
# ``synthetic`` and ``assessment_id`` let a ratings_frame be read back (read_frame_as_batch).
_MARK_COLUMNS = (DATA_NOTE_COLUMN, "synthetic")
_IGNORED = ("assessment_id",)
_COMMON = (
    *_REQUIRED,
    *_OPTIONAL_HEAD,
    *SUBJECT_COLUMNS,
    *ASSESSOR_COLUMNS,
    *IDENTITY_COLUMNS,
    *_MARK_COLUMNS,
    *_IGNORED,
)
_LONG_ONLY = (*RATING_COLUMNS, "dont_know")
_READABLE_LONG = (
    *ASSESSMENT_COLUMNS,
    *RATING_COLUMNS,
    "dont_know",
    "notes",
    *SUBJECT_COLUMNS,
    *ASSESSOR_COLUMNS,
    *IDENTITY_COLUMNS,
    DATA_NOTE_COLUMN,
)
DONT_KNOW_WORDS = {"dk", "don't know", "dont know", "don\u2019t know", "do not know"}
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}
_SUBJECT_KIND_OF = {"HS": "system", "GP": "good_practice"}
# record field -> the file's column, for messages
_COLUMN_OF = {
    "name": "subject_name",
    "kind": "subject_kind",
    "full_name": "assessor_name",
    "email": "assessor_email",
}


# ---------------------------------------------------------------------------------------
# Parsing: table -> RecordBatch


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Instruments:
    """Instruments by id (bundled, on the instrument path, or kept in the store), cached;
    ``None`` for an unknown id (write_batch then reports it, with its row)."""

    def __init__(self, store: Store | None, given: Iterable[Instrument] = ()):
        self.store = store
        self.cache: dict[str, Instrument | None] = {inst.id: inst for inst in given}

    def __call__(self, instrument_id: str) -> Instrument | None:
        if instrument_id not in self.cache:
            try:
                self.cache[instrument_id] = (
                    resolve_instrument(self.store, instrument_id)
                    if self.store is not None
                    else load_instrument(instrument_id)
                )
            except Exception:
                self.cache[instrument_id] = None
            found = self.cache[instrument_id]
            if found is not None:  # loaded by path: known by its id from now on
                self.cache.setdefault(found.id, found)
        return self.cache[instrument_id]

    def found(self) -> dict[str, Instrument]:
        return {inst.id: inst for inst in self.cache.values() if inst is not None}


def _canonical_dimension(lookup: _Instruments, instrument_id: str, text: str) -> str:
    """The instrument's own key for ``text`` ("Funding" -> "funding"), else ``text``."""
    instrument = lookup(instrument_id)
    if instrument is not None:
        wanted = normalise_header(text)
        for key in instrument.dimension_keys:
            if key == text or normalise_header(key) == wanted:
                return key
    return text


@dataclass
class _Head:
    """The assessment-level fields of one row."""

    row: int
    kind: str
    subject: str
    instrument: str
    round: int
    mode: str
    assessor: str | None
    status: str | None
    assessed_on: dt.date | None
    notes: str | None
    marked: bool

    @property
    def key(self) -> str:
        return assessment_key(
            self.kind, self.subject, self.instrument, self.round, self.mode, self.assessor
        )

    def record(self, ratings: Iterable[RatingRecord], origin: Origin) -> AssessmentRecord:
        """The assessment these fields head ("submitted" when the status is empty)."""
        fields = {name: getattr(self, name) for name in _HEAD_FIELDS}
        return AssessmentRecord(
            **fields, status=self.status or "submitted", ratings=tuple(ratings), origin=origin
        )


#: The fields of a row's head that an AssessmentRecord takes as they are (an empty status
#: is "submitted").
_HEAD_FIELDS = ("kind", "subject", *(f for f in ASSESSMENT_FIELDS if f != "status"), "notes")


#: Head fields a long layout's assessment takes from the first row that fills them in.
_FIRST_OF_GROUP = ("status", "assessed_on", "notes", "assessor")
#: What :meth:`_Parser._remember` keeps besides a created record's fields.
_NOT_FIELDS = ("marked", "row", "rows")


@dataclass
class _Group:
    """Rows of one assessment (long layout) as they are collected."""

    head: _Head
    ratings: list[RatingRecord] = field(default_factory=list)
    first: dict[str, tuple[object, int]] = field(default_factory=dict)


class _Parser:
    def __init__(
        self, table: TextTable, layout: str, default_instrument: str, lookup: _Instruments
    ):
        self.table = table
        self.src = table.source
        self.layout = layout
        self.default_instrument = default_instrument
        self.lookup = lookup
        self.problems: list[InputProblem] = []
        self.columns: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.subjects: dict[str, dict[str, Any]] = {}
        self.assessors: dict[str, dict[str, Any]] = {}
        self.has_identities = False
        self.missing_required = False
        self.any_marked = False

    # -- problems -------------------------------------------------------------------------

    def problem(self, row: int | None, column: str | None, value, message: str, fix: str):
        self.problems.append(InputProblem(self.src, row, column, value, message, fix))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataValidationError(self.problems)

    # -- header ---------------------------------------------------------------------------

    def read_header(self) -> list[tuple[int, str, str]]:
        """Check the header; return the wide layout's dimension columns (index, key, label)."""
        table = self.table
        for index, label in enumerate(table.header):
            if label is None:
                if any(index < len(cells) and cells[index] is not None for _, cells in table.rows):
                    self.problem(
                        table.header_row,
                        f"{_column_letter(index)} (no header)",
                        None,
                        "this column holds data but has no name",
                        "give it a column name or delete it",
                    )
                continue
            name = normalise_header(label)
            if name in self.columns:
                self.problem(
                    table.header_row,
                    label,
                    None,
                    f"the column appears twice (also column {_column_letter(self.columns[name])})",
                    "keep one of them",
                )
                continue
            self.columns[name] = index
            self.labels[name] = label
        if self.layout == "auto":
            self.layout = "long" if {"dimension", "level"} & set(self.columns) else "wide"
        required = [*_REQUIRED, *(("dimension", "level") if self.layout == "long" else ())]
        if "assessor" not in self.columns and not self._all_consensus():
            required.append("assessor")
        for name in required:
            if name not in self.columns:
                self.missing_required = True
                self.problem(
                    table.header_row,
                    name,
                    None,
                    f"required column '{name}' is missing",
                    f"add a column named '{name}' (names are case-insensitive; see "
                    f"{DATA_FORMATS_DOC})",
                )
        dimension_columns: list[tuple[int, str, str]] = []
        for name, index in self.columns.items():
            if name in _COMMON:
                continue
            if self.layout == "long":
                if name not in _LONG_ONLY:
                    self.problem(
                        table.header_row,
                        self.labels[name],
                        None,
                        "unknown column",
                        "rename it to a documented column or delete it; the long layout "
                        f"reads {', '.join(_READABLE_LONG)} "
                        f"(see {DATA_FORMATS_DOC})",
                    )
            elif name in _LONG_ONLY:
                self.problem(
                    table.header_row,
                    self.labels[name],
                    None,
                    "this column belongs to the long layout, not the wide one",
                    "use the long layout (columns dimension and level) to import "
                    "justifications, confidence and features, or delete the column",
                )
            else:
                dimension_columns.append((index, name, self.labels[name]))
        if self.layout == "wide" and not dimension_columns and not self.problems:
            self.problem(
                table.header_row,
                None,
                None,
                "no dimension columns found",
                "add one column per dimension key (e.g. readiness_to_change, funding), or "
                "use the long layout with columns dimension and level",
            )
        return dimension_columns

    def _all_consensus(self) -> bool:
        index = self.columns.get("mode")
        if index is None:
            return False
        return all(
            (cells[index] if index < len(cells) else None) is not None
            and cells[index].lower() == "consensus"
            for _, cells in self.table.rows
        )

    # -- cells ----------------------------------------------------------------------------

    def get(self, cells: list[str | None], name: str) -> str | None:
        index = self.columns.get(name)
        # An apostrophe our exports put before =, +, -, @ is not part of the text.
        return restore_cell(cells[index]) if index is not None and index < len(cells) else None

    def required(
        self, row: int, cells: list[str | None], name: str, fix: str, *, needed: bool = True
    ) -> str | None:
        """The cell of column ``name``; empty, a problem when ``needed``."""
        value = self.get(cells, name)
        if value is None and needed:
            self.problem(row, name, None, f"the {name} is empty", fix)
        return value

    def flag(self, row: int, column: str, text: str | None) -> bool | None:
        if text is None:
            return False
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.problem(row, column, text, "not a yes/no value", "use true or false (or leave empty)")
        return None

    def head(self, row: int, cells: list[str | None]) -> _Head | None:
        before = len(self.problems)
        subject = self.required(
            row, cells, "subject", "fill in the key of the region or good practice assessed"
        )
        kind_text = self.required(
            row, cells, "kind", "use HS (health and care system) or GP (good practice requirements)"
        )
        instrument = self.get(cells, "instrument") or self.default_instrument
        round_text = self.get(cells, "round")
        round_number = 1
        if round_text is not None:
            parsed = whole_number(round_text)
            if parsed is None:
                self.problem(
                    row,
                    "round",
                    round_text,
                    "the round is not a whole number",
                    "number Delphi rounds 1, 2, 3, ... (empty means 1)",
                )
            else:
                round_number = parsed
        mode = (self.get(cells, "mode") or "individual").lower()
        assessor = self.required(
            row,
            cells,
            "assessor",
            "fill in the assessor's pseudonym, or set mode to consensus",
            needed=mode == "individual",
        )
        status = self.get(cells, "status")
        date_text = self.get(cells, "assessed_on")
        assessed_on = None
        if date_text is not None:
            try:
                assessed_on = dt.datetime.fromisoformat(date_text).date()
            except ValueError:
                self.problem(
                    row,
                    "assessed_on",
                    date_text,
                    "not a date",
                    "write the date as YYYY-MM-DD, e.g. 2025-03-14 (or leave it empty)",
                )
        note = self.get(cells, DATA_NOTE_COLUMN)
        marked = bool(note and "synthetic" in note.lower())
        synthetic_text = self.get(cells, "synthetic")
        if synthetic_text is not None:
            marked = bool(self.flag(row, "synthetic", synthetic_text)) or marked
        self.any_marked = self.any_marked or marked
        if len(self.problems) > before or subject is None or kind_text is None:
            return None
        return _Head(
            row=row,
            kind=kind_text.upper(),
            subject=subject,
            instrument=instrument,
            round=round_number,
            mode=mode,
            assessor=assessor,
            status=status.lower() if status else None,
            assessed_on=assessed_on,
            notes=self.get(cells, "notes"),
            marked=marked,
        )

    def rating(
        self,
        row: int,
        dimension: str,
        level_text: str | None,
        level_column: str,
        dont_know_text: str | None = None,
        **extra: Any,
    ) -> RatingRecord | None:
        level: int | None = None
        dont_know = False
        ok = True
        if level_text is not None:
            if level_text.lower() in DONT_KNOW_WORDS:
                dont_know = True
            else:
                level = whole_number(level_text)
                if level is None:
                    ok = False
                    self.problem(
                        row,
                        level_column,
                        level_text,
                        "the level is not a whole number",
                        "use a whole number on the instrument's scale (0 to 5 for SCIROCCO), "
                        f"{DONT_KNOW} for don't know, or leave it empty if not rated yet",
                    )
        flagged = self.flag(row, "dont_know", dont_know_text)
        if flagged is None:
            ok = False
        dont_know = dont_know or bool(flagged)
        if not ok:
            return None
        return RatingRecord(
            dimension=dimension,
            level=level,
            dont_know=dont_know,
            origin=Origin(self.src, row, level_column),
            **extra,
        )

    # -- subjects and assessors created from the optional columns -------------------------

    def _remember(
        self,
        store: dict[str, dict[str, Any]],
        key: str,
        values: dict[str, Any],
        row: int,
        what: str,
    ) -> None:
        known = store.get(key)
        if known is None:
            rows = {name: row for name, value in values.items() if value is not None}
            store[key] = {**values, "row": row, "rows": rows}
            return
        for name, value in values.items():
            if name == "marked":
                known["marked"] = known["marked"] or value
            elif value is not None and known.get(name) is None:
                known[name] = value
                known["rows"][name] = row
            elif value is not None and known[name] != value:
                column = _COLUMN_OF.get(name, name)
                self.problem(
                    row,
                    column,
                    value,
                    f"{what} '{key}' has another {column} on row {known['rows'][name]} "
                    f"({known[name]!r})",
                    f"use the same {column} on every row of {what} '{key}'",
                )

    def extras(self, row: int, cells: list[str | None], head: _Head) -> None:
        name = self.get(cells, "subject_name")
        if name is not None:
            subject_kind = (self.get(cells, "subject_kind") or "").lower() or (
                _SUBJECT_KIND_OF.get(head.kind, "system")
            )
            self._remember(
                self.subjects,
                head.subject,
                {
                    "name": name,
                    "kind": subject_kind,
                    "country": self.get(cells, "country"),
                    "owner": self.get(cells, "owner"),
                    "marked": head.marked,
                },
                row,
                "subject",
            )
        if head.assessor is None:
            return
        values = {
            "role": self.get(cells, "role"),
            "sector": self.get(cells, "sector"),
            "organisation": self.get(cells, "organisation"),
            "full_name": self.get(cells, "assessor_name"),
            "email": self.get(cells, "assessor_email"),
        }
        if values["full_name"] or values["email"]:
            self.has_identities = True
        if any(value is not None for value in values.values()):
            self._remember(
                self.assessors,
                head.assessor,
                {**values, "marked": head.marked},
                row,
                "assessor",
            )

    # -- layouts --------------------------------------------------------------------------

    def parse(self) -> RecordBatch:
        dimension_columns = self.read_header()
        if self.missing_required:
            self.raise_if_any()  # without them the rows cannot be read meaningfully
        if self.layout == "long":
            assessments = self._parse_long()
        else:
            assessments = self._parse_wide(dimension_columns)
        self.raise_if_any()
        subjects = self._created(SubjectRecord, "key", self.subjects)
        assessors = self._created(AssessorRecord, "pseudonym", self.assessors)
        ratings = sum(len(a.ratings) for a in assessments)
        notes = [
            f"read {len(assessments)} assessment(s) and {ratings} rating(s) from "
            f"{self.src} ({self.layout} layout)"
        ]
        if self.any_marked:
            notes.insert(0, DEMO_MARK)
        if self.has_identities:
            notes.append(
                "the file holds assessors' names or e-mail addresses (personal data); "
                "they are stored apart and never shown in reports"
            )
        return RecordBatch(
            subjects=subjects,
            assessors=assessors,
            assessments=tuple(assessments),
            source=self.src,
            notes=tuple(notes),
        )

    def _created(self, record_type: type, key_field: str, found: dict[str, dict[str, Any]]):
        """The subjects or assessors the optional columns create (``found`` as
        :meth:`_remember` keeps them: the record's fields, ``marked`` and rows)."""
        return tuple(
            record_type(
                **{key_field: key},
                **{name: value for name, value in info.items() if name not in _NOT_FIELDS},
                synthetic=info["marked"],
                origin=Origin(self.src, info["row"], "level"),
            )
            for key, info in found.items()
        )

    def _parse_long(self) -> list[AssessmentRecord]:
        groups: dict[str, _Group] = {}
        for row, cells in self.table.rows:
            head = self.head(row, cells)
            dimension = self.required(
                row, cells, "dimension", "fill in the dimension key, e.g. readiness_to_change"
            )
            confidence = self.get(cells, "confidence")
            features = tuple(
                part.strip()
                for part in (self.get(cells, "features") or "").split(";")
                if part.strip()
            )
            rating = self.rating(
                row,
                dimension or "",
                self.get(cells, "level"),
                "level",
                self.get(cells, "dont_know"),
                justification=self.get(cells, "justification"),
                confidence=confidence.lower() if confidence else None,
                features=features,
            )
            if head is None or rating is None or dimension is None:
                continue
            rating = _replace_fields(
                rating, dimension=_canonical_dimension(self.lookup, head.instrument, dimension)
            )
            self.extras(row, cells, head)
            group = groups.get(head.key)
            if group is None:
                group = groups[head.key] = _Group(head=head)
            for name in _FIRST_OF_GROUP:
                value = getattr(head, name)
                if value is None:
                    continue
                if name not in group.first:
                    group.first[name] = (value, row)
                elif group.first[name][0] != value:
                    first_value, first_row = group.first[name]
                    self.problem(
                        row,
                        name,
                        _shown(value),
                        f"differs from row {first_row} of the same assessment "
                        f"({_shown(first_value)!r})",
                        "use one value on every row of an assessment (or leave it empty on "
                        "all rows but one)",
                    )
            group.head.marked = group.head.marked or head.marked
            group.ratings.append(rating)
        return [
            _replace_fields(
                group.head, **{name: _first(group, name) for name in _FIRST_OF_GROUP}
            ).record(group.ratings, Origin(self.src, group.head.row, "level"))
            for group in groups.values()
        ]

    def _parse_wide(self, dimension_columns: list[tuple[int, str, str]]) -> list[AssessmentRecord]:
        assessments = []
        for row, cells in self.table.rows:
            head = self.head(row, cells)
            ratings = []
            for index, name, label in dimension_columns:
                text = cells[index] if index < len(cells) else None
                if text is None:
                    continue  # empty cell: not rated (drafts only)
                key = _canonical_dimension(self.lookup, head.instrument, name) if head else name
                rating = self.rating(row, key, text, label)
                if rating is not None:
                    ratings.append(rating)
            if head is None:
                continue
            self.extras(row, cells, head)
            assessments.append(head.record(ratings, Origin(self.src, row, "level")))
        return assessments


def _first(group: _Group, name: str):
    found = group.first.get(name)
    return found[0] if found else None


def _shown(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def check_layout(layout: str, allowed: Sequence[str]) -> None:
    if layout not in allowed:
        raise ConfigurationError(f"unknown layout '{layout}'. Use one of: {', '.join(allowed)}.")


def _default_instrument(instrument: str | Instrument | None, lookup: _Instruments) -> str:
    if isinstance(instrument, Instrument):
        return instrument.id
    if instrument is None:
        return DEFAULT_INSTRUMENT
    found = lookup(instrument)  # an id, or the path of an instrument file
    return found.id if found is not None else instrument


#: Columns only a REDCap records export has (its data dictionary says what the others mean).
_REDCAP_COLUMNS = ("record_id", "redcap_event_name", "redcap_repeat_instrument")


def _refuse_redcap_records(table: TextTable) -> None:
    names = {normalise_header(label) for label in table.header if label is not None}
    if names & set(_REDCAP_COLUMNS):
        raise FileFormatError(
            f"{table.source}: this is a REDCap records export (column record_id), and its "
            "data dictionary is missing: it says which field is which dimension and what each "
            "choice code means. Fix: give the REDCap data dictionary CSV too "
            "(scirocco-lab import FILE --redcap-dictionary DICTIONARY.csv; see "
            "docs/redcap.md)."
        )


def parse_ratings_table(
    table: TextTable,
    *,
    layout: str = "auto",
    instrument: str | Instrument | None = None,
    store: Store | None = None,
) -> tuple[RecordBatch, dict[str, Instrument]]:
    """Parse a text table in the long or wide layout; the batch and the instruments it uses.

    For importers that build the table themselves (REDCap records): problems name the
    table's own source and row numbers.
    """
    return _parse_table(table, layout, instrument, store, redcap_check=False)


def _parse_table(
    table: TextTable,
    layout: str,
    instrument: str | Instrument | None,
    store: Store | None,
    *,
    redcap_check: bool = True,
) -> tuple[RecordBatch, dict[str, Instrument]]:
    check_layout(layout, LAYOUTS)
    if redcap_check:
        _refuse_redcap_records(table)
    lookup = _Instruments(store, [instrument] if isinstance(instrument, Instrument) else ())
    default = _default_instrument(instrument, lookup)
    batch = _Parser(table, layout, default, lookup).parse()
    return batch, lookup.found()


def read_ratings_file(
    path: str | os.PathLike[str],
    *,
    layout: str = "auto",
    sheet: str | int | None = None,
    instrument: str | Instrument | None = None,
) -> RecordBatch:
    """Read a long or wide .csv/.xlsx file into a :class:`RecordBatch` (nothing is written).

    ``layout="auto"`` reads the long layout when the file has a ``dimension`` or ``level``
    column, else the wide one. ``sheet`` picks an .xlsx sheet by name or 0-based number (default:
    the first). ``instrument`` (an id, the path of an instrument file, or an
    :class:`~scirocco_lab.instruments.Instrument`) is used for rows without an ``instrument``
    cell; the default is ``scirocco-exchange``.

    Every parse problem of every row is raised together as
    :class:`~scirocco_lab.errors.DataValidationError`; a file that cannot be read as a table
    raises :class:`FileFormatError`. The semantic checks happen when the batch is written
    (:func:`import_ratings` or :func:`~scirocco_lab.assessment.store.write_batch`).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "round1.csv"
    >>> _ = path.write_text("subject,kind,assessor,dimension,level\\n"
    ...                     "northvale,HS,NV-01,funding,3\\n"
    ...                     "northvale,HS,NV-01,readiness_to_change,dk\\n", encoding="utf-8")
    >>> batch = read_ratings_file(path)
    >>> [(r.dimension, r.level, r.dont_know) for r in batch.assessments[0].ratings]
    [('funding', 3, False), ('readiness_to_change', None, True)]
    >>> _ = path.write_text("subject,kind,assessor,dimension,level\\n"
    ...                     "northvale,HS,NV-01,funding,three\\n", encoding="utf-8")
    >>> read_ratings_file(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.DataValidationError: 1 problem(s) found; nothing was written:
      - ...round1.csv, row 2, column 'level': the level is not a whole number (value 'three'). ...
    """
    return _parse_table(read_table(path, sheet), layout, instrument, None)[0]


def read_frame_as_batch(
    frame: pd.DataFrame,
    *,
    source: str = "<data frame>",
    layout: str = "auto",
    instrument: str | Instrument | None = None,
) -> RecordBatch:
    """Read a DataFrame in the long or wide layout, as if it were a file.

    Row numbers in problems are those the frame would have in a spreadsheet (header = row 1).
    A :func:`~scirocco_lab.assessment.store.ratings_frame` reads back as it is (its ``synthetic``
    column marks subjects created from ``subject_name``; ``assessment_id`` is ignored).

    >>> frame = pd.DataFrame({"subject": ["northvale"], "kind": ["HS"], "assessor": ["NV-01"],
    ...                       "funding": [4], "capacity_building": ["dk"]})
    >>> batch = read_frame_as_batch(frame, source="workshop sheet")
    >>> [(r.dimension, r.level, r.dont_know) for r in batch.assessments[0].ratings]
    [('funding', 4, False), ('capacity_building', None, True)]
    """
    if not isinstance(frame, pd.DataFrame):
        raise ConfigurationError(
            f"{source}: expected a pandas DataFrame, got {type(frame).__name__}."
        )
    if frame.empty:
        raise FileFormatError(f"{source}: the data frame has no rows.")
    raw_rows = [list(frame.columns), *frame.astype(object).itertuples(index=False, name=None)]
    table = table_from_rows(source, raw_rows, source)
    return _parse_table(table, layout, instrument, None)[0]


def import_ratings(
    store: Store,
    path: str | os.PathLike[str],
    *,
    layout: str = "auto",
    replace: bool = False,
    sheet: str | int | None = None,
    instrument: str | Instrument | None = None,
) -> WriteSummary:
    """Read a file and write it to the store in one transaction: all of it or nothing.

    Problems (parse and semantic) raise :class:`~scirocco_lab.errors.DataValidationError`
    naming file, row, column, value and fix, and the store is left unchanged. An assessment
    already in the store is a problem unless ``replace=True``, which overwrites it. Subjects
    and assessors missing from the store are created from the optional columns (see
    ``docs/data-formats.md``); existing ones are never changed.

    >>> import tempfile, pathlib
    >>> from scirocco_lab.store import open_store
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "consensus.csv"
    >>> keys = load_instrument("scirocco-exchange").dimension_keys
    >>> _ = path.write_text(
    ...     "subject,subject_name,kind,mode,dimension,level\\n"
    ...     + "".join(f"eastmoor,Eastmoor,HS,consensus,{key},2\\n" for key in keys),
    ...     encoding="utf-8")
    >>> print(import_ratings(open_store("sqlite://"), path))
    1 subject(s), 0 assessor(s), 1 new and 0 replaced assessment(s), 12 rating(s)
    """
    check_layout(layout, LAYOUTS)
    batch, instruments = _parse_table(read_table(path, sheet), layout, instrument, store)
    return write_batch(
        store, batch, instruments=instruments, replace=replace, action="import", file=path
    )
