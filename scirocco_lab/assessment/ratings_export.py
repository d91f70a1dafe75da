"""Export of assessments to CSV, Excel (.xlsx), SPSS (.sav) or Stata (.dta), in the long or
wide layout of :mod:`~scirocco_lab.assessment.ratings_files` (``docs/data-formats.md``).

SPSS and Stata files carry a variable label per column and don't-know as a labelled missing
value. The long layout has one ``level`` column for every dimension, so its value labels can
only be shared (don't know); the wide layout labels each dimension's column with the
dimension's name and its levels with the level texts.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd

from scirocco_lab.assessment.demo import DEMO_MARK
from scirocco_lab.assessment.ratings_files import (
    ASSESSMENT_COLUMNS,
    ASSESSOR_COLUMNS,
    DATA_NOTE_COLUMN,
    DONT_KNOW,
    IDENTITY_COLUMNS,
    RATING_COLUMNS,
    check_layout,
)
from scirocco_lab.assessment.store import assessments_frame, ratings_frame
from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.files import write_atomically
from scirocco_lab.io.formulas import neutralise_cell
from scirocco_lab.io.stats_files import STATS_SUFFIXES, StatsVariable, write_stats_file
from scirocco_lab.io.tables import DATA_FORMATS_DOC
from scirocco_lab.store import Store, assessors_frame, resolve_instrument, subjects_frame

__all__ = ["COLUMN_LABELS", "export_ratings"]

#: Variable labels of the columns of a .sav/.dta export (dimension columns: their names).
COLUMN_LABELS = {
    DATA_NOTE_COLUMN: "Data note (synthetic demo data is marked)",
    "subject": "Region or good practice (key)",
    "kind": "Assessment kind: HS (health and social care system) or GP (good practice)",
    "instrument": "Instrument id",
    "round": "Assessment round",
    "mode": "individual or consensus",
    "assessor": "Assessor pseudonym",
    "status": "submitted or draft",
    "assessed_on": "Date of the assessment",
    "dimension": "Dimension key (see the instrument)",
    "level": "Maturity level",
    "justification": "Justification",
    "confidence": "Confidence",
    "features": "Good-practice features (semicolon-separated)",
    "notes": "Notes on the assessment",
    "subject_name": "Name of the region or practice",
    "country": "Country",
    "owner": "Region owning the good practice",
    "role": "Assessor's role",
    "sector": "Assessor's sector",
    "organisation": "Assessor's organisation",
    "assessor_name": "Assessor's name (personal data)",
    "assessor_email": "Assessor's e-mail (personal data)",
}


def _none(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _level_cell(level: Any, dont_know: bool) -> int | str | None:
    if dont_know:
        return DONT_KNOW
    level = _none(level)
    return None if level is None else int(level)


def _export_table(
    store: Store, frame: pd.DataFrame, layout: str, include_identities: bool
) -> tuple[list[str], list[list[Any]], bool]:
    subjects = subjects_frame(store).set_index("key")
    assessors = assessors_frame(store, include_identities=include_identities).set_index("pseudonym")
    notes = assessments_frame(store).set_index("assessment_id")["notes"].to_dict()
    synthetic = bool(len(frame)) and bool(frame["synthetic"].astype(bool).any())

    def subject_cells(key: str) -> list[Any]:
        info = subjects.loc[key]
        return [info["name"], _none(info["country"]), _none(info["owner"])]

    def assessor_cells(pseudonym: Any) -> list[Any]:
        width = 3 + (2 if include_identities else 0)
        pseudonym = _none(pseudonym)
        if pseudonym is None or pseudonym not in assessors.index:
            return [None] * width
        info = assessors.loc[pseudonym]
        cells = [_none(info["role"]), _none(info["sector"]), _none(info["organisation"])]
        if include_identities:
            cells += [_none(info["full_name"]), _none(info["email"])]
        return cells

    def head_cells(row: Any) -> list[Any]:
        return [
            row.subject,
            row.kind,
            row.instrument,
            int(row.round),
            row.mode,
            _none(row.assessor),
            row.status,
            _none(row.assessed_on),
        ]

    tail = ["subject_name", "country", "owner", *ASSESSOR_COLUMNS]
    if include_identities:
        tail += list(IDENTITY_COLUMNS)
    rows: list[list[Any]] = []
    if layout == "long":
        header = [*ASSESSMENT_COLUMNS, *RATING_COLUMNS, "notes", *tail]
        for row in frame.itertuples(index=False):
            rows.append(
                [
                    *head_cells(row),
                    row.dimension,
                    _level_cell(row.level, bool(row.dont_know)),
                    _none(row.justification),
                    _none(row.confidence),
                    "; ".join(row.features) or None,
                    notes.get(int(row.assessment_id)),
                    *subject_cells(row.subject),
                    *assessor_cells(row.assessor),
                ]
            )
            rows[-1].insert(0, DEMO_MARK if row.synthetic else None)
    else:
        dimensions: list[str] = []
        for instrument_id in dict.fromkeys(frame["instrument"]):
            try:
                keys = resolve_instrument(store, instrument_id).dimension_keys
            except Exception:
                keys = ()
            dimensions.extend(key for key in keys if key not in dimensions)
        dimensions.extend(key for key in dict.fromkeys(frame["dimension"]) if key not in dimensions)
        header = [*ASSESSMENT_COLUMNS, *dimensions, "notes", *tail]
        for assessment_id, ratings in frame.groupby("assessment_id", sort=False):
            first = next(ratings.itertuples(index=False))
            levels = {
                r.dimension: _level_cell(r.level, bool(r.dont_know))
                for r in ratings.itertuples(index=False)
            }
            rows.append(
                [
                    *head_cells(first),
                    *(levels.get(key) for key in dimensions),
                    notes.get(int(assessment_id)),
                    *subject_cells(first.subject),
                    *assessor_cells(first.assessor),
                ]
            )
            rows[-1].insert(0, DEMO_MARK if first.synthetic else None)
    header.insert(0, DATA_NOTE_COLUMN)
    if not synthetic:  # the data_note column only appears when there is something to note
        header = header[1:]
        rows = [row[1:] for row in rows]
    return header, rows, synthetic


def _stats_variables(
    store: Store, frame: pd.DataFrame, header: list[str]
) -> dict[str, StatsVariable]:
    """Labels of a .sav/.dta export: columns, then each dimension's name and level texts."""
    variables = {
        name: StatsVariable(label, dont_know=name == "level")
        for name, label in COLUMN_LABELS.items()
    }
    for instrument_id in dict.fromkeys(frame["instrument"]):
        try:
            instrument = resolve_instrument(store, instrument_id)
        except Exception:
            continue
        for dimension in instrument.dimensions:
            if dimension.key in header and dimension.key not in variables:
                variables[dimension.key] = StatsVariable(
                    dimension.name,
                    tuple((level.number, level.label) for level in dimension.levels if level.label),
                    dont_know=True,
                )
    return variables


def _safe_rows(rows: list[list[Any]], raw_values: bool) -> list[list[Any]]:
    return rows if raw_values else [[neutralise_cell(v) for v in row] for row in rows]


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    "" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row
                )

    write_atomically(path, write)


def _write_xlsx(
    path: Path, header: list[str], rows: list[list[Any]], about: list[tuple[str, str]]
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ratings"
    bold = Font(bold=True)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = bold
    widths = [len(name) for name in header]
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text such as "=..." stays text, never a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            shown = 10 if isinstance(value, dt.date) else len(str(value or ""))
            widths[column - 1] = max(widths[column - 1], min(shown, 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(width + 2, 50))
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    info = workbook.create_sheet("About")
    for label, text in about:
        info.append([label, text])
        info.cell(row=info.max_row, column=1).font = bold
        info.cell(row=info.max_row, column=2).data_type = "s"
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    write_atomically(path, workbook.save)


def export_ratings(
    store: Store,
    path: str | os.PathLike[str],
    *,
    layout: str = "long",
    subject: str | None = None,
    kind: str | None = None,
    mode: str | None = None,
    round: int | None = None,  # the domain's word, as in ratings_frame
    status: str | None = "submitted",
    include_identities: bool = False,
    instrument: str | None = None,
    raw_values: bool = False,
) -> int:
    """Write ratings to a .csv, .xlsx, .sav or .dta file (by suffix); return the number of rows.

    ``layout`` is ``long`` (lossless: one row per assessor x dimension) or ``wide`` (one row
    per assessment, levels only). The filters select as
    :func:`~scirocco_lab.assessment.store.ratings_frame` does, except that ``kind=None`` exports
    both HS and GP; ``status=None`` exports drafts too. Assessors appear by pseudonym only;
    ``include_identities=True`` adds the personal-data columns ``assessor_name`` and
    ``assessor_email`` and must be asked for explicitly. Rows of synthetic subjects carry
    ``Synthetic demo data`` in a leading ``data_note`` column (and an .xlsx export says so on its
    "About" sheet). Assessments without any rating are not exported. Text cells beginning with
    ``=``, ``+``, ``-``, ``@`` (or tab/CR) get a leading apostrophe so a spreadsheet program
    never runs them as formulas; ``raw_values=True`` writes them exactly as stored.

    >>> import tempfile, pathlib
    >>> from scirocco_lab.assessment.demo import generate_demo
    >>> from scirocco_lab.store import open_store
    >>> from scirocco_lab.assessment.store import write_batch
    >>> store = open_store("sqlite://")
    >>> _ = write_batch(store, generate_demo())
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "consensus.csv"
    >>> export_ratings(store, path, layout="wide", kind="HS", mode="consensus") > 0
    True
    >>> path.read_text(encoding="utf-8").splitlines()[0][:40]
    'data_note,subject,kind,instrument,round,'
    """
    check_layout(layout, ("long", "wide"))
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx", *STATS_SUFFIXES):
        raise ConfigurationError(
            f"{target}: cannot export to '{suffix or '(no suffix)'}'. Fix: end the file name "
            "with .csv, .xlsx, .sav (SPSS) or .dta (Stata)."
        )
    if subject is not None:
        known = sorted(subjects_frame(store)["key"])
        if subject not in known:
            raise NotFoundError(
                f"no subject '{subject}' in the store; nothing was written. Known subjects: "
                f"{', '.join(known) or '(none yet)'}."
            )
    frame = ratings_frame(
        store,
        subject=subject,
        kind=kind,
        mode=mode,
        round=round,
        status=status,
        instrument=instrument,
    )
    header, rows, synthetic = _export_table(store, frame, layout, include_identities)
    rows = _safe_rows(rows, raw_values)
    if suffix == ".csv":
        _write_csv(target, header, rows)
        return len(rows)
    if suffix in STATS_SUFFIXES:
        write_stats_file(
            target,
            header,
            rows,
            _stats_variables(store, frame, header),
            file_label="scirocco-lab ratings" + (f" ({DEMO_MARK})" if synthetic else ""),
        )
        return len(rows)
    selection = ", ".join(
        f"{name}={value}"
        for name, value in (
            ("subject", subject),
            ("kind", kind),
            ("mode", mode),
            ("round", round),
            ("status", status),
            ("instrument", instrument),
        )
        if value is not None
    )
    about = [("scirocco-lab", "ratings export")]
    if synthetic:
        about.append(
            (
                "Data note",
                f"{DEMO_MARK}: the rows marked in column {DATA_NOTE_COLUMN} are about invented "
                "regions, practices and people. Do not use them as evidence.",
            )
        )
    about += [
        (
            "Layout",
            "long: one row per assessor x dimension"
            if layout == "long"
            else "wide: one row per assessment, one column per dimension (levels only)",
        ),
        ("Rows", str(len(rows))),
        ("Selection", selection or "everything"),
        (
            "Assessors",
            "names and e-mail addresses included: PERSONAL DATA, do not share"
            if include_identities
            else "pseudonyms only",
        ),
        (
            "Cells",
            "text exactly as stored (raw values)"
            if raw_values
            else "text beginning with = + - @ is prefixed with ' so it is never a formula",
        ),
        ("Exported at", utc_now(whole_seconds=True).isoformat()),
        (
            "Format",
            f"{DATA_FORMATS_DOC} in scirocco-lab; re-import with import_ratings() or "
            "`scirocco-lab import`",
        ),
    ]
    _write_xlsx(target, header, rows, about)
    return len(rows)
