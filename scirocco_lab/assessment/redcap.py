"""REDCap exchange: the instrument as a REDCap data dictionary, REDCap records back as ratings.

A team collects ratings in REDCap with the form this module writes
(:func:`write_redcap_dictionary`; upload it in REDCap under Project Setup > Data Dictionary):
one **radio** field per dimension, named with the dimension key, its choices the level texts
(``0, No recognised need | 1, ... | 99, Don't know``), one **notes** field per justification
(``<key>_justification``), and the fields of the assessment (subject, kind, round, assessor,
date; optionally subject_name, role, sector and organisation, which create a subject or an
assessor the store does not have yet). The records export (Data Exports > CSV / Microsoft
Excel (raw data), one row per record, with ``record_id``, ``redcap_event_name`` and
``redcap_repeat_instrument`` /
``redcap_repeat_instance`` when the project uses them) is read with the **same dictionary**
(:func:`import_redcap_records`): each record row with ratings becomes one individual
assessment, validated and written like a ratings file.

>>> import tempfile, pathlib
>>> from scirocco_lab.instruments import load_instrument
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> fields = write_redcap_dictionary(load_instrument("scirocco-exchange"), folder / "dict.csv")
>>> dictionary = read_redcap_dictionary(folder / "dict.csv")
>>> dictionary.dimension_fields[0].name, dictionary.dimension_fields[0].choices[0]
('readiness_to_change', ('0', 'No recognised need to change'))
>>> dictionary.dont_know_code
'99'
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scirocco_lab.assessment.ratings_files import (
    ASSESSMENT_COLUMNS,
    DONT_KNOW,
    DONT_KNOW_WORDS,
    RATING_COLUMNS,
    parse_ratings_table,
)
from scirocco_lab.assessment.records import RecordBatch
from scirocco_lab.assessment.store import WriteSummary, write_batch
from scirocco_lab.errors import DataValidationError, FileFormatError, InputProblem
from scirocco_lab.instruments import DEFAULT_INSTRUMENT, Instrument, load_instrument
from scirocco_lab.io.files import write_atomically
from scirocco_lab.io.tables import TextTable, normalise_header, read_table

__all__ = [
    "DICTIONARY_HEADER",
    "FORM_NAME",
    "REDCAP_DONT_KNOW",
    "RedcapDictionary",
    "RedcapField",
    "import_redcap_records",
    "read_redcap_dictionary",
    "read_redcap_records",
    "write_redcap_dictionary",
]

#: REDCap's data dictionary columns, exactly as REDCap writes and expects them.
DICTIONARY_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
#: The REDCap instrument (form) the dictionary defines.
FORM_NAME = "scirocco_assessment"
#: The choice code of don't-know in every dimension field.
REDCAP_DONT_KNOW = "99"
_JUSTIFICATION = "_justification"
_DOC = "docs/redcap.md"
_HEADER_OF = {
    "name": DICTIONARY_HEADER[0],
    "type": DICTIONARY_HEADER[3],
    "choices": DICTIONARY_HEADER[5],
}
_KIND_CHOICES = (("HS", "Health and social care system"), ("GP", "Good practice"))


@dataclass(frozen=True)
class RedcapField:
    """One field of a data dictionary: name, form, type, label, choices (code, text) and the
    row of the dictionary file it came from."""

    name: str
    form: str
    field_type: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    annotation: str = ""
    row: int | None = None


@dataclass(frozen=True)
class RedcapDictionary:
    """A read data dictionary with the fields that carry ratings."""

    source: str
    instrument: str
    fields: tuple[RedcapField, ...]
    dimension_fields: tuple[RedcapField, ...]
    justification_fields: dict[str, str]  # dimension key -> notes field name
    forms: frozenset[str]

    @property
    def dont_know_code(self) -> str | None:
        """The code of the don't-know choice (the same in every dimension field)."""
        for field in self.dimension_fields:
            for code, text in field.choices:
                if text.strip().casefold() in DONT_KNOW_WORDS:
                    return code
        return None


def _choices(pairs: Sequence[tuple[object, str]]) -> str:
    # REDCap splits choices on "|" and a choice on its first comma.
    return " | ".join(f"{code}, {text.replace('|', '/')}" for code, text in pairs)


def _row(name: str, field_type: str, label: str, **cells: str) -> list[str]:
    row = dict.fromkeys(DICTIONARY_HEADER, "")
    row.update(
        {
            "Variable / Field Name": name,
            "Form Name": FORM_NAME,
            "Field Type": field_type,
            "Field Label": label,
        }
    )
    names = {
        "section": "Section Header",
        "choices": "Choices, Calculations, OR Slider Labels",
        "note": "Field Note",
        "validation": "Text Validation Type OR Show Slider Number",
        "minimum": "Text Validation Min",
        "required": "Required Field?",
        "annotation": "Field Annotation",
    }
    for key, value in cells.items():
        row[names[key]] = value
    return [row[column] for column in DICTIONARY_HEADER]


def write_redcap_dictionary(instrument: Instrument, path: str | os.PathLike[str]) -> int:
    """Write ``instrument`` as a REDCap data dictionary CSV; return the number of fields."""
    rows = [
        _row("record_id", "text", "Record ID"),
        _row("subject", "text", "Region or good practice (key, e.g. northvale)", required="y"),
        _row("kind", "radio", "Assessment kind", choices=_choices(_KIND_CHOICES), required="y"),
        _row(
            "instrument",
            "text",
            "Instrument",
            annotation=f"@DEFAULT='{instrument.id}' @HIDDEN",
        ),
        _row("round", "text", "Assessment round", validation="integer", minimum="1"),
        _row("assessor", "text", "Assessor pseudonym (never a name)", required="y"),
        _row("assessed_on", "text", "Date of the assessment", validation="date_ymd"),
        # Optional: they create the subject or the assessor when the store lacks them.
        _row("subject_name", "text", "Name of the region or practice (if new to the store)"),
        _row("role", "text", "Assessor's role (e.g. clinician, manager)"),
        _row("sector", "text", "Assessor's sector (e.g. health, social care)"),
        _row("organisation", "text", "Assessor's organisation"),
    ]
    for dimension in instrument.dimensions:
        levels = [
            (level.number, level.label or f"Level {level.number}") for level in dimension.levels
        ]
        rows.append(
            _row(
                dimension.key,
                "radio",
                f"{dimension.number}. {dimension.name}",
                section=f"{dimension.number}. {dimension.name}",
                choices=_choices([*levels, (REDCAP_DONT_KNOW, "Don't know")]),
                note=dimension.objective,
            )
        )
        rows.append(
            _row(dimension.key + _JUSTIFICATION, "notes", f"Why this level for {dimension.name}?")
        )

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(DICTIONARY_HEADER)
            writer.writerows(rows)

    write_atomically(Path(path), write)
    return len(rows)


def _parse_choices(text: str | None) -> tuple[tuple[str, str], ...] | None:
    if not text:
        return ()
    pairs = []
    for part in text.split("|"):
        code, comma, label = part.strip().partition(",")
        if not comma or not code.strip():
            return None
        pairs.append((code.strip(), label.strip()))
    return tuple(pairs)


def _dictionary_column(columns: dict[str, int], prefix: str) -> int | None:
    return next((index for name, index in columns.items() if name.startswith(prefix)), None)


def read_redcap_dictionary(
    path: str | os.PathLike[str], *, instrument: str | Instrument | None = None
) -> RedcapDictionary:
    """Read a REDCap data dictionary CSV (REDCap's column headers) and find the rating fields.

    Dimension fields are radio fields named with a dimension key of the instrument (the
    ``instrument`` field's ``@DEFAULT``, else ``instrument``, else the default instrument).
    """
    table = read_table(path, None)
    source = table.source
    columns = {normalise_header(label): index for index, label in enumerate(table.header) if label}
    where = {
        "name": _dictionary_column(columns, "variable"),
        "form": _dictionary_column(columns, "form"),
        "type": _dictionary_column(columns, "field_type"),
        "label": _dictionary_column(columns, "field_label"),
        "choices": _dictionary_column(columns, "choices"),
        "annotation": _dictionary_column(columns, "field_annotation"),
    }
    missing = [name for name in ("name", "type", "choices") if where[name] is None]
    if missing:
        raise FileFormatError(
            f"{source}: not a REDCap data dictionary (no column "
            f"{', '.join(repr(_HEADER_OF[name]) for name in missing)}). "
            "Fix: download it in REDCap (Project Setup > Data Dictionary > Download the current "
            f"Data Dictionary), or write one with `scirocco-lab instruments redcap-dictionary`; "
            f"see {_DOC}."
        )

    def cell(cells, name) -> str:
        index = where[name]
        return (cells[index] if index is not None and index < len(cells) else None) or ""

    problems: list[InputProblem] = []
    fields = []
    for number, cells in table.rows:
        name = cell(cells, "name")
        if not name:
            continue
        choices = _parse_choices(cell(cells, "choices"))
        field_type = cell(cells, "type").lower()
        if choices is None and field_type in ("radio", "dropdown", "checkbox"):
            problems.append(
                InputProblem(
                    source,
                    number,
                    DICTIONARY_HEADER[5],
                    cell(cells, "choices"),
                    "choices not in REDCap's form 'code, text | code, text'",
                    "write each choice as its code, a comma and its text, separated by |",
                )
            )
            continue
        fields.append(
            RedcapField(
                name=name,
                form=cell(cells, "form"),
                field_type=field_type,
                label=cell(cells, "label"),
                choices=choices or (),
                annotation=cell(cells, "annotation"),
                row=number,
            )
        )
    if problems:
        raise DataValidationError(problems)
    if isinstance(instrument, Instrument):
        model = instrument
    else:
        default = next(
            (
                match.group(1)
                for field in fields
                if field.name == "instrument"
                for match in [re.search(r"@DEFAULT\s*=\s*['\"]([^'\"]+)['\"]", field.annotation)]
                if match
            ),
            None,
        )
        model = load_instrument(instrument or default or DEFAULT_INSTRUMENT)
    keys = set(model.dimension_keys)
    dimension_fields = tuple(f for f in fields if f.name in keys and f.field_type == "radio")
    if not dimension_fields:
        raise FileFormatError(
            f"{source}: no radio field is named after a dimension of {model.id} "
            f"({', '.join(model.dimension_keys[:3])}, ...). Fix: use the dictionary "
            f"`scirocco-lab instruments redcap-dictionary {model.id}` wrote; see {_DOC}."
        )
    names = {f.name for f in fields}
    justification = {
        f.name: f.name + _JUSTIFICATION
        for f in dimension_fields
        if f.name + _JUSTIFICATION in names
    }
    return RedcapDictionary(
        source=source,
        instrument=model.id,
        fields=tuple(fields),
        dimension_fields=dimension_fields,
        justification_fields=justification,
        forms=frozenset(f.form for f in dimension_fields if f.form),
    )


# The long layout's columns this mapping fills: the assessment's, one rating's first three,
# then the four describing the subject and assessor (read from the record's extra fields).
_LONG_HEADER = [
    *ASSESSMENT_COLUMNS,
    *RATING_COLUMNS[:3],
    "subject_name",
    "role",
    "sector",
    "organisation",
]


def read_redcap_records(
    path: str | os.PathLike[str], dictionary: RedcapDictionary
) -> tuple[RecordBatch, dict[str, Instrument]]:
    """Read a REDCap records export (raw codes) into assessments, one per record row.

    Rows of other repeating instruments, and rows without any rating, are skipped. The status
    is ``submitted`` when the form's ``<form>_complete`` is 2 (Complete), else ``draft``;
    the round comes from ``round``, else from the event name (``round_2_arm_1``), else 1; the
    assessor from ``assessor``, else the record id.
    """
    table = read_table(path, None)
    source = table.source
    columns = {normalise_header(label): index for index, label in enumerate(table.header) if label}
    if "record_id" not in columns:
        raise FileFormatError(
            f"{source}: no record_id column, so not a REDCap records export. Fix: export the "
            "records from REDCap (Data Exports > CSV / Microsoft Excel (raw data))."
        )
    if not any(f.name in columns for f in dictionary.dimension_fields):
        raise FileFormatError(
            f"{source}: none of the dimension fields of {dictionary.source} is a column "
            f"(e.g. {dictionary.dimension_fields[0].name}). Fix: export the records of the "
            "project that uses this dictionary, as raw data (codes, not labels)."
        )

    def get(cells, name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    problems: list[InputProblem] = []
    rows: list[tuple[int, list[str | None]]] = []
    complete = [f"{form}_complete" for form in sorted(dictionary.forms)]
    for number, cells in table.rows:
        repeat = get(cells, "redcap_repeat_instrument")
        if repeat and dictionary.forms and repeat not in dictionary.forms:
            continue  # another instrument's repeating row
        rated = [f for f in dictionary.dimension_fields if get(cells, f.name) is not None]
        if not rated:
            continue
        event = get(cells, "redcap_event_name") or ""
        round_text = get(cells, "round")
        if round_text is None:
            match = re.search(r"(\d+)", event)
            round_text = match.group(1) if match else "1"
        status_code = next((get(cells, c) for c in complete if get(cells, c) is not None), None)
        status = "submitted" if status_code in (None, "2") else "draft"
        head = [
            get(cells, "subject"),
            get(cells, "kind"),
            get(cells, "instrument") or dictionary.instrument,
            round_text,
            "individual",
            get(cells, "assessor") or get(cells, "record_id"),
            status,
            get(cells, "assessed_on"),
        ]
        for field in dictionary.dimension_fields:
            code = get(cells, field.name)
            codes = [c for c, _ in field.choices]
            if code is not None and code not in codes:
                problems.append(
                    InputProblem(
                        source,
                        number,
                        field.name,
                        code,
                        f"not a choice of field '{field.name}' in {dictionary.source}",
                        f"use one of the codes {', '.join(codes)} (export raw data, not labels)",
                    )
                )
                continue
            level = DONT_KNOW if code is not None and code == dictionary.dont_know_code else code
            note = dictionary.justification_fields.get(field.name)
            justification = get(cells, note) if note else None
            if level is None and justification is None:
                continue  # not rated (a draft); a submitted form missing it is reported
            extras = [get(cells, name) for name in _LONG_HEADER[-4:]]
            rows.append((number, [*head, field.name, level, justification, *extras]))
    if problems:
        raise DataValidationError(problems)
    if not rows:
        raise FileFormatError(
            f"{source}: no record holds a rating. Fix: export the records with the "
            f"{', '.join(sorted(dictionary.forms)) or 'assessment'} form's fields."
        )
    long_table = TextTable(
        source=f"{source} (REDCap records)",
        header_row=table.header_row,
        header=list(_LONG_HEADER),
        rows=rows,
    )
    return parse_ratings_table(long_table, layout="long", instrument=dictionary.instrument)


def import_redcap_records(
    store,
    path: str | os.PathLike[str],
    dictionary: str | os.PathLike[str] | RedcapDictionary,
    *,
    replace: bool = False,
) -> WriteSummary:
    """Read a REDCap records export with its data dictionary and write it in one transaction."""
    if not isinstance(dictionary, RedcapDictionary):
        dictionary = read_redcap_dictionary(dictionary)
    batch, instruments = read_redcap_records(path, dictionary)
    return write_batch(store, batch, instruments=instruments, replace=replace)
