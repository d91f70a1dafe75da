"""The twinning programme's data computed the way it was before it was vectorised: one
region pair at a time in pandas (the code of ``scirocco_lab.comparison.twinning`` and of
``region_profiles`` as they were), kept as the reference ``report_scale.py`` times and
compares with the package's vectorised functions.

Not part of the package: nothing imports it but the benchmark.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from scirocco_lab.assessment.scoring import region_profile
from scirocco_lab.comparison.twinning import (
    SIMILAR_CONTEXT_FIT,
    complementarity,
    focus_dimensions,
    level_table,
    partner_row,
    rank_candidates,
)
from scirocco_lab.errors import NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.display import format_number

__all__ = [
    "complementarity_matrix",
    "programme_partners",
    "rank_partners",
    "region_profiles",
    "region_reasons",
]


def region_profiles(ratings: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Every region's profile, one region at a time."""
    keys = sorted(map(str, pd.unique(ratings["subject"].dropna())))
    return pd.concat([region_profile(ratings, instrument, key) for key in keys], ignore_index=True)


def _check_region(region: str, table: pd.DataFrame, role: str) -> None:
    if region not in table.index:
        raise NotFoundError(f"no profile for {role} region '{region}'")


def complementarity_matrix(profiles: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """:func:`scirocco_lab.comparison.twinning.complementarity_matrix` as it was, for what
    the benchmark times (each receiving region's focus its weaknesses): one receiving region
    x transferring region cell at a time."""
    table = level_table(profiles, instrument)
    regions = list(table.index)
    matrix = pd.DataFrame(np.nan, index=regions, columns=regions, dtype=float)
    for receiving_region in regions:
        receiving_levels = table.loc[receiving_region]
        dimensions = focus_dimensions(receiving_levels, instrument)
        for transferring_region in regions:
            if transferring_region != receiving_region:
                matrix.loc[receiving_region, transferring_region] = complementarity(
                    receiving_levels, table.loc[transferring_region], dimensions
                )
    matrix.index.name = "receiving_region"
    matrix.columns.name = "transferring_region"
    return matrix


def _similarity(a: pd.Series, b: pd.Series, keys: Sequence[str], width: float) -> float:
    both = pd.DataFrame({"a": a.reindex(keys), "b": b.reindex(keys)}).dropna()
    if both.empty:
        return math.nan
    return float(1 - (both["a"] - both["b"]).abs().mean() / width)


def _join_ahead(ahead: pd.Series, names: Mapping[str, str]) -> str:
    return ", ".join(f"{names[key]} (+{value:g})" for key, value in ahead.items())


def rank_partners(
    profiles: pd.DataFrame, instrument: Instrument, receiving_region: str
) -> pd.DataFrame:
    """:func:`scirocco_lab.comparison.twinning.rank_partners` as it was, for what the
    benchmark times (candidate regions, focus on the receiver's weaknesses): one pair at a
    time in pandas."""
    table = level_table(profiles, instrument)
    _check_region(receiving_region, table, "receiving")
    receiving_levels = table.loc[receiving_region]
    focus = focus_dimensions(receiving_levels, instrument)
    rest = [key for key in instrument.dimension_keys if key not in focus]
    names = instrument.dimension_names
    width = float(instrument.scale_max - instrument.scale_min)
    focus_names = ", ".join(names[key] for key in focus)
    rows = []
    for candidate, levels in table.iterrows():
        if candidate == receiving_region:
            continue
        ahead = (levels[list(focus)] - receiving_levels[list(focus)]).dropna()
        ahead = ahead[ahead > 0]
        fit = _similarity(levels, receiving_levels, rest, width)
        reason = (
            f"Ahead in {_join_ahead(ahead, names)}"
            if len(ahead)
            else "Not ahead in any focus dimension"
        )
        reason += (
            f"; rest of profile similar (context fit {format_number(fit, 2)})"
            if fit >= SIMILAR_CONTEXT_FIT
            else f"; rest of profile differs (context fit {format_number(fit, 2)})"
            if not math.isnan(fit)
            else "; no other dimensions to compare"
        )
        strength = float(levels[list(focus)].mean())
        rows.append(
            partner_row(
                candidate, "region", None, float(ahead.sum()), len(ahead), strength, fit, reason
            )
        )
    return rank_candidates(rows, focus_names)


def region_reasons(profiles: pd.DataFrame, instrument: Instrument) -> Callable[[str, str], str]:
    """The reasons :func:`scirocco_lab.comparison.twinning.pairing_reasons` gave, as it was:
    ``reason(receiving, candidate)`` read from the receiving region's full
    :func:`rank_partners` ranking (for :func:`scirocco_lab.comparison.twinning.explain_pairing`)."""

    @functools.cache
    def reasons(receiving: str) -> pd.Series:
        # One full ranking per receiving region, as before (a pairing names each once).
        return rank_partners(profiles, instrument, receiving).set_index("candidate")["reason"]

    def reason(receiving: str, candidate: str) -> str:
        return reasons(receiving).get(candidate, "")

    return reason


def programme_partners(profiles: pd.DataFrame, instrument: Instrument, keys) -> pd.DataFrame:
    """Each region's best transferring region: its full ranking's first row."""
    return pd.concat(
        [
            rank_partners(profiles, instrument, key).head(1).assign(receiving_region=key)
            for key in keys
        ],
        ignore_index=True,
    )
