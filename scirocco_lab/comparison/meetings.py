"""Twinning & coaching meeting notes: per dimension, the features the receiving system must
implement (feature name, already partially implemented, feasibility, adaptation needed).

A meeting is identified by the pair of assessments it compares, by their natural keys
(:func:`~scirocco_lab.assessment.records.assessment_key`), not by row ids:
``write_batch(replace=True)`` re-inserts an assessment under a new id, and the notes must survive
that. Saving a meeting replaces all its rows in one transaction.

>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> TwinningFeature("funding", "Multi-year budget line", feasibility="difficult").feasibility
'difficult'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    Table,
    delete,
    select,
)

from scirocco_lab.assessment.records import MAX_TEXT, assessment_key
from scirocco_lab.assessment.store import assessments_frame
from scirocco_lab.comparison import tables as comparison_tables
from scirocco_lab.errors import DataValidationError, InputProblem, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import Store
from scirocco_lab.store.ledger import audit

__all__ = [
    "FEASIBILITY",
    "TwinningFeature",
    "load_twinning_features",
    "meeting_feasibility",
    "save_twinning_features",
    "stored_assessment_keys",
    "twinning_feature_problems",
    "twinning_features_frame",
    "twinning_features_table",
]

#: How feasible implementing a feature is in the receiving system (None: not discussed yet).
FEASIBILITY = ("possible", "difficult", "not feasible")
MAX_FEATURE_NAME = 300

twinning_features_table: Table = comparison_tables.twinning_features


@dataclass(frozen=True)
class TwinningFeature:
    """One feature the receiving system must implement in one dimension."""

    dimension: str
    feature: str
    partially_implemented: bool = False
    feasibility: str | None = None
    adaptation: str | None = None


def stored_assessment_keys(store: Store) -> dict[str, dict]:
    """Natural key -> assessment row (kind, subject, round, mode, assessor, status, ...)."""
    frame = assessments_frame(store)
    return {
        assessment_key(
            row["kind"],
            row["subject"],
            row["instrument"],
            int(row["round"]),
            row["mode"],
            None if pd.isna(row["assessor"]) else row["assessor"],
        ): row
        for row in frame.to_dict("records")
    }


def twinning_feature_problems(
    features: Iterable[TwinningFeature], instrument: Instrument
) -> list[InputProblem]:
    """Every problem in the meeting's rows (empty name, unknown dimension or feasibility,
    text too long); an empty list when they can be saved.

    >>> from scirocco_lab.instruments import load_instrument
    >>> exchange = load_instrument("scirocco-exchange")
    >>> [p.message for p in twinning_feature_problems([TwinningFeature("funding", " ")],
    ...                                               exchange)]
    ['a feature needs a name']
    """
    problems: list[InputProblem] = []
    names = instrument.dimension_names
    for feature in features:
        where = names.get(feature.dimension, feature.dimension)
        if feature.dimension not in names:
            problems.append(
                InputProblem(
                    "twinning meeting",
                    None,
                    "dimension",
                    feature.dimension,
                    f"unknown dimension for instrument '{instrument.id}'",
                    f"use one of: {', '.join(instrument.dimension_keys)}",
                )
            )
        if not feature.feature.strip():
            problems.append(
                InputProblem(
                    where,
                    None,
                    "feature",
                    None,
                    "a feature needs a name",
                    "name the feature or remove the row",
                )
            )
        elif len(feature.feature) > MAX_FEATURE_NAME:
            problems.append(
                InputProblem(
                    where,
                    None,
                    "feature",
                    f"{feature.feature[:30]}...",
                    f"feature name longer than {MAX_FEATURE_NAME} characters",
                    "give a short name and put the detail under adaptation",
                )
            )
        if feature.feasibility is not None and feature.feasibility not in FEASIBILITY:
            problems.append(
                InputProblem(
                    where,
                    None,
                    "feasibility",
                    feature.feasibility,
                    "unknown feasibility",
                    f"use one of {', '.join(FEASIBILITY)} or leave it empty",
                )
            )
        if feature.adaptation and len(feature.adaptation) > MAX_TEXT:
            problems.append(
                InputProblem(
                    where,
                    None,
                    "adaptation",
                    f"{feature.adaptation[:30]}...",
                    f"text longer than {MAX_TEXT} characters ({len(feature.adaptation)})",
                    "shorten it",
                )
            )
    return problems


def save_twinning_features(
    store: Store,
    receiving: str,
    reference: str,
    features: Iterable[TwinningFeature],
    instrument: Instrument,
) -> int:
    """Replace the meeting's rows (receiving x reference assessment) in one transaction.

    Both assessments must be in the store; bad rows raise :class:`DataValidationError` and
    nothing is written. Returns the number of rows saved.
    """
    features = tuple(features)
    known = stored_assessment_keys(store)
    for role, key in (("receiving", receiving), ("reference", reference)):
        if key not in known:
            raise NotFoundError(
                f"the {role} assessment '{key}' is not in the store. Pick an assessment from "
                "the list (the meeting compares two stored assessments)."
            )
    problems = twinning_feature_problems(features, instrument)
    if problems:
        raise DataValidationError(problems)
    table = twinning_features_table
    now = utc_now()
    positions: dict[str, int] = {}
    rows = []
    for feature in features:
        positions[feature.dimension] = positions.get(feature.dimension, 0) + 1
        rows.append(
            {
                "receiving_assessment": receiving,
                "reference_assessment": reference,
                "dimension_key": feature.dimension,
                "position": positions[feature.dimension],
                "feature": feature.feature.strip(),
                "partially_implemented": bool(feature.partially_implemented),
                "feasibility": feature.feasibility,
                "adaptation": (feature.adaptation or "").strip() or None,
                "updated_at": now,
            }
        )
    with store.transaction() as connection:
        connection.execute(
            delete(table).where(
                (table.c.receiving_assessment == receiving)
                & (table.c.reference_assessment == reference)
            )
        )
        if rows:
            connection.execute(table.insert(), rows)
        audit(connection, "save", "twinning_features", keys=[receiving, reference],
              counts={"features": len(rows)})  # fmt: skip
    return len(rows)


def load_twinning_features(
    store: Store, receiving: str, reference: str
) -> tuple[TwinningFeature, ...]:
    """The meeting's rows in the order they were saved (empty if never saved)."""
    table = twinning_features_table
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table)
            .where(
                (table.c.receiving_assessment == receiving)
                & (table.c.reference_assessment == reference)
            )
            .order_by(table.c.id)
        ).all()
    return tuple(
        TwinningFeature(
            row.dimension_key,
            row.feature,
            bool(row.partially_implemented),
            row.feasibility,
            row.adaptation,
        )
        for row in rows
    )


def twinning_features_frame(store: Store) -> pd.DataFrame:
    """Every saved meeting row: receiving and reference assessment keys, dimension,
    position, feature, partially_implemented, feasibility, adaptation, updated_at."""
    table = twinning_features_table
    with store.engine.connect() as connection:
        result = connection.execute(
            select(table).order_by(table.c.receiving_assessment, table.c.id)
        )
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return frame.drop(columns=["id"]).rename(columns={"dimension_key": "dimension"})


def meeting_feasibility(store: Store) -> pd.DataFrame:
    """Every meeting row by subject, as :func:`scirocco_lab.comparison.gaps.practice_gaps`
    reads them.

    Columns: region (the receiving assessment's subject), practice (the reference
    assessment's subject: a good practice, or a region), dimension, feature,
    partially_implemented, feasibility, adaptation. Rows whose assessments are no longer in
    the store are left out.

    >>> from scirocco_lab.store import open_store
    >>> meeting_feasibility(open_store("sqlite://")).columns.tolist()[:3]
    ['region', 'practice', 'dimension']
    """
    columns = [
        "region",
        "practice",
        "dimension",
        "feature",
        "partially_implemented",
        "feasibility",
        "adaptation",
    ]
    rows = twinning_features_frame(store)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    subject = {key: row["subject"] for key, row in stored_assessment_keys(store).items()}
    rows = rows.assign(
        region=rows["receiving_assessment"].map(subject),
        practice=rows["reference_assessment"].map(subject),
    )
    rows = rows[rows["region"].notna() & rows["practice"].notna()]
    return rows[columns].reset_index(drop=True)
