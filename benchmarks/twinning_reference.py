"""The twinning programme's data computed the way it was before it was vectorised: one
region pair at a time in pandas (the code of ``scirocco_lab.comparison.twinning`` and of
``region_profiles`` as they were), kept as the reference ``report_scale.py`` times and
compares with the package's vectorised functions.

Not part of the package: nothing imports it but the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scirocco_lab.assessment.scoring import region_profile
from scirocco_lab.comparison.twinning import (
    FOCUS_ALL,
    FOCUS_WEAKNESSES,
    SIMILAR_CONTEXT_FIT,
    complementarity,
    focus_dimensions,
    level_table,
)
from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.display import format_number

__all__ = [
    "complementarity_matrix",
    "pairing_reasons",
    "programme_partners",
    "rank_partners",
    "region_profiles",
]


def region_profiles(ratings: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Every region's profile, one region at a time."""
    keys = sorted(map(str, pd.unique(ratings["subject"].dropna())))
    return pd.concat([region_profile(ratings, instrument, key) for key in keys], ignore_index=True)


def _check_region(region: str, table: pd.DataFrame, role: str) -> None:
    if region not in table.index:
        raise NotFoundError(f"no profile for {role} region '{region}'")


def complementarity_matrix(
    profiles: pd.DataFrame,
    instrument: Instrument,
    *,
    focus: str = FOCUS_WEAKNESSES,
    count: int = 3,
) -> pd.DataFrame:
    """Complementarity of every transferring region (columns) for every receiving region
    (rows); the diagonal is NaN.

    ``focus="weaknesses"`` (default) restricts each row to that receiving region's focus
    dimensions (:func:`focus_dimensions`); ``focus="all"`` uses every dimension.
    """
    if focus not in (FOCUS_WEAKNESSES, FOCUS_ALL):
        raise ConfigurationError(
            f"focus must be '{FOCUS_WEAKNESSES}' or '{FOCUS_ALL}', not {focus!r}"
        )
    table = level_table(profiles, instrument)
    regions = list(table.index)
    matrix = pd.DataFrame(np.nan, index=regions, columns=regions, dtype=float)
    for receiving_region in regions:
        receiving_levels = table.loc[receiving_region]
        dimensions = (
            instrument.dimension_keys
            if focus == FOCUS_ALL
            else focus_dimensions(receiving_levels, instrument, count=count)
        )
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
    profiles: pd.DataFrame,
    instrument: Instrument,
    receiving_region: str,
    *,
    dimensions: Sequence[str] | None = None,
    requirements: pd.DataFrame | None = None,
    practice_owners: Mapping[str, str] | None = None,
    count: int = 3,
) -> pd.DataFrame:
    """Candidate transferring regions (and good practices) for one receiving region, best
    first.

    ``dimensions`` are the receiver's focus (default: its weaknesses). ``requirements``
    (optional, e.g. :func:`scirocco_lab.comparison.gaps.practice_requirements`) adds good practices
    as candidates, judged on their requirement levels: a practice that needs a dimension at level 4
    embodies know-how at that level. ``practice_owners`` maps practice key to owner region;
    practices the receiving region owns are left out.

    Columns: rank, candidate, candidate_kind (region / good practice), owner,
    focus_dimensions, complementarity, dimensions_ahead, strength_in_focus (mean level, or
    requirement, in the focus dimensions), context_fit, reason. The ranking rule is in the
    module docstring.

    >>> from scirocco_lab.instruments import load_instrument
    >>> profiles = pd.DataFrame({"subject": ["r", "r", "t", "t"],
    ...     "dimension": ["funding", "evaluation_methods"] * 2, "level": [1.0, 3.0, 4.0, 3.0]})
    >>> rank_partners(profiles, load_instrument(), "r", dimensions=["funding"]).iloc[0]["reason"]
    'Ahead in Funding (+3); rest of profile similar (context fit 1.00)'
    """
    table = level_table(profiles, instrument)
    _check_region(receiving_region, table, "receiving")
    receiving_levels = table.loc[receiving_region]
    focus = focus_dimensions(receiving_levels, instrument, dimensions, count=count)
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
        rows.append(
            {
                "candidate": candidate,
                "candidate_kind": "region",
                "owner": None,
                "complementarity": float(ahead.sum()),
                "dimensions_ahead": len(ahead),
                "strength_in_focus": float(levels[list(focus)].mean()),
                "context_fit": fit,
                "reason": reason,
            }
        )
    if requirements is not None and not requirements.empty:
        owners = dict(practice_owners or {})
        for practice, group in requirements.groupby("practice", sort=True):
            if owners.get(practice) == receiving_region:
                continue
            for key in pd.unique(group["dimension"]):
                instrument.dimension(str(key))
            required = (
                group.drop_duplicates("dimension", keep="last")
                .set_index("dimension")["requirement_level"]
                .astype(float)
                .reindex(instrument.dimension_keys)
            )
            ahead = (required[list(focus)] - receiving_levels[list(focus)]).dropna()
            ahead = ahead[ahead > 0]
            both = pd.DataFrame(
                {"required": required[rest], "ready": receiving_levels[rest]}
            ).dropna()
            fit = float((both["ready"] >= both["required"]).mean()) if len(both) else math.nan
            owner = owners.get(practice)
            reason = (
                f"Requires {_join_ahead(ahead, names)} above your levels"
                if len(ahead)
                else "Requires no more than you have in the focus dimensions"
            )
            if len(both):
                met = int((both["ready"] >= both["required"]).sum())
                reason += f"; you already meet {met} of {len(both)} other requirements"
            if owner:
                reason += f"; owner: {owner}"
            rows.append(
                {
                    "candidate": str(practice),
                    "candidate_kind": "good practice",
                    "owner": owner,
                    "complementarity": float(ahead.sum()),
                    "dimensions_ahead": len(ahead),
                    "strength_in_focus": float(required[list(focus)].mean()),
                    "context_fit": fit,
                    "reason": reason,
                }
            )
    columns = [
        "rank",
        "candidate",
        "candidate_kind",
        "owner",
        "focus_dimensions",
        "complementarity",
        "dimensions_ahead",
        "strength_in_focus",
        "context_fit",
        "reason",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    out["focus_dimensions"] = focus_names
    out["_kind_order"] = (out["candidate_kind"] != "region").astype(int)
    out["_fit"] = out["context_fit"].fillna(-1.0)  # unknown fit ranks below any known fit
    out = out.sort_values(
        ["complementarity", "_fit", "strength_in_focus", "_kind_order", "candidate"],
        ascending=[False, False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[columns]


def pairing_reasons(
    pairing: pd.DataFrame,
    matrix: pd.DataFrame,
    profiles: pd.DataFrame,
    instrument: Instrument,
    *,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each pair of a :func:`programme_pairing` with why, and whether it is the best partner.

    Adds ``best_partner`` (the receiving region's highest-complementarity transferring region
    in ``matrix``; the paired one when it is as good), ``best_complementarity``,
    ``best_partner_paired_with`` (whom the best partner coaches instead, "" when it is the
    pair's own) and ``reason``: what the paired region is ahead in and, when the optimum
    gave the best partner to others, that it did ("Northvale is ahead in Funding (+3) but is
    paired with Ostermark"). ``names`` maps keys to display names.

    >>> from scirocco_lab.instruments import load_instrument
    >>> profiles = pd.DataFrame({"subject": list("aabbcc"),
    ...     "dimension": ["funding", "evaluation_methods"] * 3,
    ...     "level": [1.0, 1.0, 4.0, 4.0, 1.0, 2.0]})
    >>> exchange = load_instrument()
    >>> m = complementarity_matrix(profiles, exchange, focus="all")
    >>> pairs = pairing_reasons(programme_pairing(m), m, profiles, exchange).set_index(
    ...     "receiving_region")
    >>> pairs.loc["a", ["transferring_region", "best_partner", "best_partner_paired_with"]].tolist()
    ['c', 'b', 'c']
    >>> pairs.loc["a", "reason"].split(" (the")[0]
    'b is ahead in Funding (+3), Evaluation Methods (+3) but is paired with c'
    """
    names = dict(names or {})

    def name(key: object) -> str:
        return str(names.get(key, key))

    coached_by: dict[object, list[object]] = {}
    for receiving, transferring in zip(
        pairing["receiving_region"], pairing["transferring_region"], strict=True
    ):
        coached_by.setdefault(transferring, []).append(receiving)
    rows = []
    for record in pairing.to_dict("records"):
        receiving, paired = record["receiving_region"], record["transferring_region"]
        row = matrix.loc[receiving].drop(labels=[receiving], errors="ignore").astype(float)
        row = row.fillna(0.0)
        best = row.idxmax() if len(row) else paired
        if paired in row.index and row[paired] >= row[best]:
            best = paired  # ties go to the pair's own partner: nothing was given up
        candidates = rank_partners(profiles, instrument, receiving).set_index("candidate")
        own_reason = candidates["reason"].get(paired, "")
        if best == paired:
            reason = f"Best partner: {own_reason}"
            taken_by = ""
        else:
            others = [r for r in coached_by.get(best, []) if r != receiving]
            taken_by = ", ".join(name(r) for r in others)
            best_ahead = candidates["reason"].get(best, "").split(";")[0]
            best_ahead = best_ahead.removeprefix("Ahead in ")
            reason = (
                f"{name(best)} is ahead in {best_ahead} but is paired with {taken_by} "
                f"(the programme's largest total complementarity); {name(paired)}: {own_reason}"
            )
        rows.append(
            {
                **record,
                "best_partner": best,
                "best_complementarity": float(row.get(best, math.nan)),
                "best_partner_paired_with": taken_by,
                "reason": reason,
            }
        )
    columns = [
        *pairing.columns,
        "best_partner",
        "best_complementarity",
        "best_partner_paired_with",
        "reason",
    ]
    return pd.DataFrame(rows, columns=columns)


def programme_partners(profiles: pd.DataFrame, instrument: Instrument, keys) -> pd.DataFrame:
    """Each region's best transferring region: its full ranking's first row."""
    return pd.concat(
        [
            rank_partners(profiles, instrument, key).head(1).assign(receiving_region=key)
            for key in keys
        ],
        ignore_index=True,
    )
