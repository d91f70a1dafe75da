"""Delphi/consensus tables (:func:`~scirocco_lab.assessment.consensus.consensus_table`) to CSV,
SPSS (.sav) or Stata (.dta), each column with a variable label saying what the statistic is.

>>> import tempfile, pathlib
>>> import pandas as pd
>>> from scirocco_lab.assessment.consensus import consensus_table
>>> ratings = pd.DataFrame({"subject": "northvale", "round": 1, "dimension": "funding",
...                         "assessor": ["A", "B", "C"], "level": [2, 3, 3],
...                         "dont_know": False})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "delphi.dta"
>>> export_consensus_table(consensus_table(ratings), path)
1
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from scirocco_lab.errors import ConfigurationError
from scirocco_lab.io.files import write_atomically
from scirocco_lab.io.stats_files import STATS_SUFFIXES, StatsVariable, write_stats_file

__all__ = ["CONSENSUS_LABELS", "export_consensus_table"]

#: Variable labels of the consensus table's columns.
CONSENSUS_LABELS = {
    "subject": "Region or good practice (key)",
    "round": "Assessment round",
    "dimension": "Dimension key",
    "n_rated": "Number of assessors who gave a level",
    "n_dont_know": "Number of don't-know answers",
    "n_missing": "Number of assessors with no answer",
    "median": "Median level",
    "q1": "First quartile",
    "q3": "Third quartile",
    "iqr": "Interquartile range",
    "pct_at_median": "Percent of levels at the median",
    "pct_in_agreement": "Percent of levels inside the agreement region",
    "pct_at_mode": "Percent of levels at the mode",
    "n_outside": "Number of levels outside the agreement region",
    "region_low": "Agreement region: lowest level",
    "region_high": "Agreement region: highest level",
    "distribution": "Agreement or Split (the rule's consensus criterion)",
    "maturity_level": "Consensus maturity label",
    "rule": "Consensus rule",
}


def _cell(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def export_consensus_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> int:
    """Write a consensus table to .csv, .sav or .dta (by suffix); return the rows written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        write_atomically(target, lambda temporary: table.to_csv(temporary, index=False))
        return len(table)
    if suffix not in STATS_SUFFIXES:
        raise ConfigurationError(
            f"{target}: cannot write a consensus table to '{suffix or '(no suffix)'}'. Fix: end "
            "the file name with .csv, .sav (SPSS) or .dta (Stata)."
        )
    header = [str(name) for name in table.columns]
    rows = [[_cell(v) for v in row] for row in table.astype(object).itertuples(index=False)]
    variables = {
        name: StatsVariable(label) for name, label in CONSENSUS_LABELS.items() if name in header
    }
    write_stats_file(target, header, rows, variables, file_label="scirocco-lab consensus table")
    return len(rows)
