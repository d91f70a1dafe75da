"""Comparison tables: the features a receiving system must implement, recorded in twinning
meetings. Registered on :data:`scirocco_lab.store.schema.metadata`."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Integer,
    String,
    Text,
)

from scirocco_lab.store.schema import record_table, updated_at_column

__all__ = ["twinning_features"]

twinning_features = record_table(
    "twinning_features",
    Column("receiving_assessment", String(700), nullable=False, index=True),
    Column("reference_assessment", String(700), nullable=False),
    Column("dimension_key", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("feature", String(300), nullable=False),
    Column("partially_implemented", Boolean, nullable=False, default=False),
    Column("feasibility", String(20)),
    Column("adaptation", Text),
    updated_at_column(),
    CheckConstraint(
        "feasibility IS NULL OR feasibility IN ('possible', 'difficult', 'not feasible')",
        name="twinning_feasibility",
    ),
)
