"""Twinning and coaching: which regions (and good practices) can help which.

In SCIROCCO twinning a *receiving region* learns from a *transferring region* that has
already made progress where the receiver wants to improve, e.g. Norrbotten (receiving) and
Scotland (transferring) on innovation management. Pure functions over tidy profile frames:
one row per region x dimension with ``subject``, ``dimension`` and ``level`` (e.g.
:func:`scirocco_lab.comparison.gaps.region_profiles`).

**Focus dimensions.** What a receiving region wants to improve: the dimensions given, or by
default its weaknesses (:func:`scirocco_lab.assessment.scoring.strengths_and_weaknesses`, the lowest
3 with ties). A region whose rated levels are all equal has no weaknesses; then every dimension is
its focus.

**Complementarity** of transferring region T for receiving region R is

    sum over R's focus dimensions d of max(0, level_T(d) - level_R(d))

the number of levels by which T is ahead of R where R wants to improve. A dimension where
either level is missing adds nothing (it cannot be shown to help). A region's complementarity
with itself is undefined (NaN): nobody twins with themselves.

**Ranking partners** (:func:`rank_partners`): highest complementarity; then best *context
fit* (for a region, how similar the rest of its profile is: 1 - mean |level_T - level_R| /
scale width over the non-focus dimensions both rated, 1 = identical; for a good practice,
the share of its non-focus requirements the receiver already meets); then highest mean level
in the focus dimensions; regions before good practices; then key.

**Programme pairing** (:func:`programme_pairing`): each receiving region gets one
transferring region, each transferring region coaches at most ``capacity`` receivers, and
the total complementarity is the largest possible. Solved exactly as an assignment problem
(:func:`scipy.optimize.linear_sum_assignment`, each transferring region's column repeated
``capacity`` times); pairing a region with itself is forbidden. The optimum can give a
region a partner other than its own best one, because that best partner does more good
elsewhere: :func:`pairing_reasons` says so for each pair.

**At scale.** Every pairwise indicator is computed at once with numpy over the regions x
dimensions level table (:func:`level_table`): the differences of every pair are one
regions x regions x dimensions array (300 regions x 12 dimensions: about 9 MB), so a
programme of hundreds of regions takes well under a second. :func:`best_partners` gives
each region's best few partners without building every region's full ranking.

>>> import pandas as pd
>>> from scirocco_lab.instruments import load_instrument
>>> exchange = load_instrument()
>>> profiles = pd.DataFrame({"subject": ["a", "a", "b", "b"],
...     "dimension": ["funding", "evaluation_methods"] * 2, "level": [1.0, 4.0, 3.0, 2.0]})
>>> complementarity_matrix(profiles, exchange, focus="all").loc["a", "b"]
np.float64(2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from scirocco_lab.assessment.scoring import strengths_and_weaknesses
from scirocco_lab.comparison.gaps import check_regions
from scirocco_lab.errors import (
    ConfigurationError,
    NotFoundError,
    require_columns,
)
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.display import format_number

__all__ = [
    "FOCUS_ALL",
    "FOCUS_WEAKNESSES",
    "SIMILAR_CONTEXT_FIT",
    "best_partners",
    "cluster_order",
    "complementarity",
    "complementarity_matrix",
    "explain_pairing",
    "focus_dimensions",
    "focus_mask",
    "level_table",
    "pairing_reasons",
    "partner_row",
    "programme_pairing",
    "rank_candidates",
    "rank_partners",
]

FOCUS_WEAKNESSES = "weaknesses"
FOCUS_ALL = "all"
#: Context fit at or above which a ``reason`` calls the rest of two profiles "similar": on a
#: 0..5 scale, differing by 1.25 levels or less on average.
SIMILAR_CONTEXT_FIT = 0.75


def level_table(profiles: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Profiles as a wide table: one row per region (``subject``), one column per dimension
    in the instrument's order. Unknown dimension keys raise :class:`InstrumentError`."""
    require_columns(
        profiles,
        ("subject", "dimension", "level"),
        "profiles",
        fix="pass profiles with columns subject, dimension, level "
        "(e.g. scirocco_lab.comparison.gaps.region_profiles)",
    )
    for key in pd.unique(profiles["dimension"]):
        instrument.dimension(str(key))  # the error names the valid keys
    table = profiles.drop_duplicates(["subject", "dimension"], keep="last").pivot(
        index="subject", columns="dimension", values="level"
    )
    table = table.reindex(columns=list(instrument.dimension_keys)).astype(float)
    table.index = table.index.astype(str)
    table.index.name = "subject"
    table.columns.name = "dimension"
    return table.sort_index()


def _check_region(region: str, table: pd.DataFrame, role: str) -> None:
    if region not in table.index:
        raise NotFoundError(
            f"no profile for {role} region '{region}'. "
            f"Regions with profiles: {', '.join(table.index) or 'none'}."
        )


def focus_dimensions(
    levels: pd.Series,
    instrument: Instrument,
    dimensions: Sequence[str] | None = None,
    *,
    count: int = 3,
) -> tuple[str, ...]:
    """The dimensions a receiving region wants to improve, in the instrument's order.

    ``levels`` is the region's level per dimension key. ``dimensions`` are checked against
    the instrument (:class:`InstrumentError` names the valid keys); without them, the
    region's weaknesses (lowest ``count`` levels, ties kept), or every dimension when its
    rated levels are all equal.

    >>> from scirocco_lab.instruments import load_instrument
    >>> exchange = load_instrument()
    >>> levels = pd.Series(3.0, index=exchange.dimension_keys)
    >>> levels["funding"] = 1.0
    >>> focus_dimensions(levels, exchange, count=1)
    ('funding',)
    """
    if dimensions is not None:
        if not dimensions:
            raise ConfigurationError(
                "no focus dimensions given; name at least one, or leave them out to use the "
                f"region's weakest. Dimensions: {', '.join(instrument.dimension_keys)}"
            )
        chosen = {instrument.dimension(key).key for key in dimensions}
        return tuple(key for key in instrument.dimension_keys if key in chosen)
    profile = pd.DataFrame(
        {
            "dimension": list(instrument.dimension_keys),
            "dimension_name": [d.name for d in instrument.dimensions],
            "level": levels.reindex(instrument.dimension_keys).astype(float).to_numpy(),
        }
    )
    weaknesses = strengths_and_weaknesses(profile, count=count)
    weak = set(weaknesses.loc[weaknesses["position"] == "weakness", "dimension"])
    if not weak:
        return tuple(instrument.dimension_keys)
    return tuple(key for key in instrument.dimension_keys if key in weak)


def complementarity(
    receiving_levels: pd.Series, transferring_levels: pd.Series, dimensions: Sequence[str]
) -> float:
    """Sum over ``dimensions`` of max(0, transferring level - receiving level).

    A dimension where either level is missing adds 0.

    >>> complementarity(pd.Series({"a": 1.0, "b": 4.0}), pd.Series({"a": 3.0, "b": 2.0}),
    ...                 ["a", "b"])
    2.0
    """
    keys = list(dimensions)
    ahead = transferring_levels.reindex(keys).astype(float) - receiving_levels.reindex(keys).astype(
        float
    )
    return float(ahead.clip(lower=0).sum(skipna=True))


def cluster_order(profiles: pd.DataFrame, instrument: Instrument) -> list[str]:
    """Region keys ordered so that regions with similar profiles sit together: the leaves of
    an average-linkage clustering of their levels (a missing level counts as the scale's
    middle). A heatmap in this order shows groups of regions that can help each other.

    >>> profiles = pd.DataFrame({"subject": list("abc"), "dimension": "funding",
    ...                          "level": [1.0, 5.0, 1.5]})
    >>> from scirocco_lab.instruments import load_instrument
    >>> cluster_order(profiles, load_instrument())
    ['b', 'a', 'c']
    """
    from scipy.cluster.hierarchy import leaves_list, linkage

    table = level_table(profiles, instrument)
    if len(table) < 3:
        return list(table.index)
    middle = (instrument.scale_min + instrument.scale_max) / 2
    values = table.fillna(middle).to_numpy(dtype=float)
    return [table.index[i] for i in leaves_list(linkage(values, method="average"))]


def focus_mask(table: pd.DataFrame, *, count: int = 3) -> np.ndarray:
    """Every region's default focus at once: a regions x dimensions boolean array, True where
    the dimension is one of the region's weaknesses (:func:`focus_dimensions` without
    ``dimensions``, row for row), or everywhere when the region has none.

    ``table`` is a :func:`level_table`.

    >>> t = pd.DataFrame([[1.0, 3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 2.0]], index=["a", "b"])
    >>> focus_mask(t, count=1).tolist()
    [[True, False, False, False], [True, True, True, True]]
    """
    values = table.to_numpy(dtype=float)
    rated = ~np.isnan(values)
    n = rated.sum(axis=1)
    ordered = np.sort(values, axis=1)  # NaN last
    rows = np.arange(len(values))
    k = np.clip(np.minimum(count, n) - 1, 0, None)
    top = np.clip(n - 1, 0, None)
    lowest_cut = ordered[rows, k][:, None]  # the count-th lowest level (ties kept)
    highest_cut = ordered[rows, np.clip(top - k, 0, None)][:, None]  # the count-th highest
    varied = (n > 0) & (ordered[rows, 0] != ordered[rows, top])
    weak = rated & (values <= lowest_cut)
    # As strengths_and_weaknesses: strengths must lie above every weakness, and weaknesses
    # below every remaining strength (none left: no weaknesses either).
    strong = rated & (values >= highest_cut) & (values > lowest_cut)
    strongest_floor = np.where(strong, values, np.inf).min(axis=1, keepdims=True)
    weak &= values < strongest_floor
    weak &= varied[:, None] & strong.any(axis=1, keepdims=True)
    none = ~weak.any(axis=1)
    weak[none] = True
    return weak


def _pair_indicators(
    receivers: np.ndarray, candidates: np.ndarray, focus: np.ndarray, width: float
) -> dict[str, np.ndarray]:
    """Indicators of every receiver (rows) x candidate (columns) pair, by broadcasting over
    a receivers x candidates x dimensions array of level differences."""
    diff = candidates[None, :, :] - receivers[:, None, :]
    in_focus = focus[:, None, :]
    ahead = in_focus & (diff > 0)  # NaN compares False: a missing level adds nothing
    shown = in_focus & ~np.isnan(candidates)[None, :, :]
    shown_count = shown.sum(axis=2)
    rest = ~in_focus & ~np.isnan(diff)
    rest_count = rest.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        strength = np.where(shown, candidates[None, :, :], 0.0).sum(axis=2) / shown_count
        distance = np.where(rest, np.abs(diff), 0.0).sum(axis=2) / rest_count
    return {
        "ahead": ahead,
        "diff": diff,
        "complementarity": np.where(ahead, diff, 0.0).sum(axis=2),
        "dimensions_ahead": ahead.sum(axis=2),
        "strength_in_focus": np.where(shown_count > 0, strength, np.nan),
        "context_fit": np.where(rest_count > 0, 1 - distance / width, np.nan),
    }


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
    dimensions (:func:`focus_dimensions`); ``focus="all"`` uses every dimension. All pairs
    are computed at once (:func:`focus_mask` and broadcasting).
    """
    if focus not in (FOCUS_WEAKNESSES, FOCUS_ALL):
        raise ConfigurationError(
            f"focus must be '{FOCUS_WEAKNESSES}' or '{FOCUS_ALL}', not {focus!r}"
        )
    table = level_table(profiles, instrument)
    values = table.to_numpy(dtype=float)
    mask = (
        np.ones(values.shape, dtype=bool) if focus == FOCUS_ALL else focus_mask(table, count=count)
    )
    diff = values[None, :, :] - values[:, None, :]
    result = np.where(mask[:, None, :] & (diff > 0), diff, 0.0).sum(axis=2)
    np.fill_diagonal(result, np.nan)
    matrix = pd.DataFrame(result, index=list(table.index), columns=list(table.index))
    matrix.index.name = "receiving_region"
    matrix.columns.name = "transferring_region"
    return matrix


def _join_ahead(ahead: Mapping[str, float], names: Mapping[str, str]) -> str:
    return ", ".join(f"{names[key]} (+{value:g})" for key, value in ahead.items())


def _region_reason(
    keys: Sequence[str],
    names: Mapping[str, str],
    ahead: np.ndarray,
    diff: np.ndarray,
    fit: float,
) -> str:
    """Why a region is a candidate: the focus dimensions it is ahead in and its context fit
    (``ahead`` and ``diff`` per dimension, in the instrument's order)."""
    leads = {key: float(diff[i]) for i, key in enumerate(keys) if ahead[i]}
    reason = (
        f"Ahead in {_join_ahead(leads, names)}" if leads else "Not ahead in any focus dimension"
    )
    if math.isnan(fit):
        return reason + "; no other dimensions to compare"
    word = "similar" if fit >= SIMILAR_CONTEXT_FIT else "differs"
    return reason + f"; rest of profile {word} (context fit {format_number(fit, 2)})"


_PARTNER_COLUMNS = [
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


def partner_row(
    candidate: str,
    kind: str,
    owner: str | None,
    complementarity: float,
    dimensions_ahead: int,
    strength_in_focus: float,
    context_fit: float,
    reason: str,
) -> dict:
    """One candidate's row of :func:`rank_partners` before it is ranked
    (:func:`rank_candidates` adds ``rank`` and ``focus_dimensions``).

    >>> partner_row("b", "region", None, 2.0, 1, 4.0, 0.9, "Ahead in Funding (+2)")["reason"]
    'Ahead in Funding (+2)'
    """
    return {
        "candidate": candidate,
        "candidate_kind": kind,
        "owner": owner,
        "complementarity": complementarity,
        "dimensions_ahead": dimensions_ahead,
        "strength_in_focus": strength_in_focus,
        "context_fit": context_fit,
        "reason": reason,
    }


def _region_rows(
    table: pd.DataFrame,
    instrument: Instrument,
    receiver: int,
    candidates: Sequence[int],
    indicators: Mapping[str, np.ndarray],
    row: int = 0,
) -> list[dict]:
    """Partner rows of the candidate regions (positions in ``table``) for one receiver
    (``row`` of ``indicators``)."""
    keys, names = list(instrument.dimension_keys), instrument.dimension_names
    rows = []
    for j in candidates:
        fit = float(indicators["context_fit"][row, j])
        reason = _region_reason(
            keys, names, indicators["ahead"][row, j], indicators["diff"][row, j], fit
        )
        rows.append(
            partner_row(
                table.index[j],
                "region",
                None,
                float(indicators["complementarity"][row, j]),
                int(indicators["dimensions_ahead"][row, j]),
                float(indicators["strength_in_focus"][row, j]),
                fit,
                reason,
            )
        )
    return rows


def rank_candidates(rows: list[dict], focus_names: str) -> pd.DataFrame:
    """Partner rows (regions' and good practices') ranked by the module's ranking rule, with
    ``rank`` and ``focus_dimensions`` added: :func:`rank_partners`' result.

    >>> rows = [{"candidate": c, "candidate_kind": "region", "owner": None,
    ...          "complementarity": v, "dimensions_ahead": 1, "strength_in_focus": 3.0,
    ...          "context_fit": 0.5, "reason": ""} for c, v in (("a", 1.0), ("b", 2.0))]
    >>> rank_candidates(rows, "Funding")[["rank", "candidate"]].values.tolist()
    [[1, 'b'], [2, 'a']]
    """
    if not rows:
        return pd.DataFrame(columns=_PARTNER_COLUMNS)
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
    return out[_PARTNER_COLUMNS]


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
    focus_names = ", ".join(names[key] for key in focus)
    receiver = table.index.get_loc(receiving_region)
    values = table.to_numpy(dtype=float)
    mask = np.array([[key in focus for key in instrument.dimension_keys]])
    width = float(instrument.scale_max - instrument.scale_min)
    indicators = _pair_indicators(values[[receiver]], values, mask, width)
    others = [j for j in range(len(table)) if j != receiver]
    rows = _region_rows(table, instrument, receiver, others, indicators)
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
            strength = float(required[list(focus)].mean())
            rows.append(
                partner_row(
                    str(practice),
                    "good practice",
                    owner,
                    float(ahead.sum()),
                    len(ahead),
                    strength,
                    fit,
                    reason,
                )
            )
    return rank_candidates(rows, focus_names)


def best_partners(
    profiles: pd.DataFrame,
    instrument: Instrument,
    *,
    top: int = 1,
    count: int = 3,
) -> pd.DataFrame:
    """Every region's ``top`` best transferring regions, as :func:`rank_partners` ranks them
    (regions only, focus on each region's weaknesses), in one pass over all pairs.

    The rows of ``rank_partners(profiles, instrument, key).head(top)`` for every region key
    in sorted order, with a ``receiving_region`` column added.

    >>> from scirocco_lab.instruments import load_instrument
    >>> profiles = pd.DataFrame({"subject": list("aabbcc"),
    ...     "dimension": ["funding", "evaluation_methods"] * 3,
    ...     "level": [1.0, 3.0, 4.0, 3.0, 2.0, 1.0]})
    >>> best = best_partners(profiles, load_instrument())
    >>> best[["receiving_region", "candidate"]].values.tolist()
    [['a', 'b'], ['b', 'a'], ['c', 'b']]
    """
    table = level_table(profiles, instrument)
    columns = [*_PARTNER_COLUMNS, "receiving_region"]
    if len(table) < 2 or top < 1:
        return pd.DataFrame(columns=columns)
    values = table.to_numpy(dtype=float)
    mask = focus_mask(table, count=count)
    width = float(instrument.scale_max - instrument.scale_min)
    indicators = _pair_indicators(values, values, mask, width)
    names = instrument.dimension_names
    keys = list(instrument.dimension_keys)
    complementarity_ = indicators["complementarity"]
    fit = np.nan_to_num(indicators["context_fit"], nan=-1.0)
    # Descending strength with NaN last, as sort_values puts missing values last.
    strength = np.nan_to_num(-indicators["strength_in_focus"], nan=np.inf)
    position = np.arange(len(table))  # the table is sorted by key: position orders keys
    rows = []
    for i in range(len(table)):
        # The ranking rule of rank_partners, on arrays: one lexsort per receiving region.
        order = np.lexsort((position, strength[i], -fit[i], -complementarity_[i]))
        chosen = [j for j in order if j != i][:top]
        focus_names = ", ".join(names[key] for key, on in zip(keys, mask[i], strict=True) if on)
        for rank, row in enumerate(_region_rows(table, instrument, i, chosen, indicators, i), 1):
            rows.append(
                {
                    **row,
                    "rank": rank,
                    "focus_dimensions": focus_names,
                    "receiving_region": table.index[i],
                }
            )
    return pd.DataFrame(rows)[columns]


def programme_pairing(
    matrix: pd.DataFrame,
    *,
    capacity: int = 1,
    receiving_regions: Sequence[str] | None = None,
    transferring_regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The pairing of a whole twinning programme with the largest total complementarity.

    ``matrix`` is a :func:`complementarity_matrix` (rows receiving, columns transferring).
    Every receiving region (default: every row) gets exactly one transferring region
    (default: every column) other than itself; each transferring region coaches at most
    ``capacity`` receivers. NaN off the diagonal counts as 0.

    Returns one row per receiving region: receiving_region, transferring_region,
    complementarity, coach_load (receivers that transferring region coaches). Raises
    :class:`ConfigurationError` when no such pairing exists, saying how to fix it.

    >>> m = pd.DataFrame([[np.nan, 3.0], [1.0, np.nan]], index=["a", "b"], columns=["a", "b"])
    >>> programme_pairing(m)[["receiving_region", "transferring_region"]].values.tolist()
    [['a', 'b'], ['b', 'a']]
    """
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 1:
        raise ConfigurationError(
            f"capacity must be a whole number of receivers per transferring region, 1 or "
            f"more (got {capacity!r})"
        )
    receivers = list(matrix.index) if receiving_regions is None else list(receiving_regions)
    coaches = list(matrix.columns) if transferring_regions is None else list(transferring_regions)
    for role, chosen, known in (
        ("receiving", receivers, matrix.index),
        ("transferring", coaches, matrix.columns),
    ):
        check_regions(chosen, known, f"unknown {role} region(s):", "Regions in the matrix")
    if not receivers:
        raise ConfigurationError("no receiving regions to pair")
    if len(receivers) > capacity * len(coaches):
        needed = math.ceil(len(receivers) / max(len(coaches), 1))
        raise ConfigurationError(
            f"{len(receivers)} receiving regions but only {len(coaches)} transferring "
            f"region(s) coaching up to {capacity} each ({capacity * len(coaches)} places). "
            f"Raise the capacity to at least {needed}, add transferring regions, or pair "
            "fewer receiving regions."
        )
    values = matrix.loc[receivers, coaches].astype(float).fillna(0.0).to_numpy()
    forbidden = np.array([[r == c for c in coaches] for r in receivers])
    # A forbidden cell costs more than any feasible assignment could gain, so the solver
    # picks one only when no pairing without it exists, which is then reported as an error.
    largest = float(np.abs(values).max()) if values.size else 0.0
    forbidden_cost = 1.0 + 2.0 * len(receivers) * (largest + 1.0)
    cost = np.where(forbidden, forbidden_cost, -values)
    # Capacity: each transferring region appears as ``capacity`` identical columns (places).
    places = np.repeat(np.arange(len(coaches)), capacity)
    rows, columns = linear_sum_assignment(cost[:, places])
    chosen_coaches = places[columns]
    if forbidden[rows, chosen_coaches].any():
        stuck = [receivers[r] for r, c in zip(rows, chosen_coaches, strict=True) if forbidden[r, c]]
        raise ConfigurationError(
            f"no pairing avoids pairing {', '.join(stuck)} with itself: with capacity "
            f"{capacity} the other transferring regions have too few places. Add "
            "transferring regions, raise the capacity, or drop a receiving region."
        )
    pairs = pd.DataFrame(
        {
            "receiving_region": [receivers[r] for r in rows],
            "transferring_region": [coaches[c] for c in chosen_coaches],
            "complementarity": values[rows, chosen_coaches],
        }
    )
    pairs["coach_load"] = pairs.groupby("transferring_region")["receiving_region"].transform("size")
    order = {region: position for position, region in enumerate(receivers)}
    pairs = pairs.sort_values("receiving_region", key=lambda s: s.map(order), kind="stable")
    return pairs.reset_index(drop=True)


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
    table = level_table(profiles, instrument)
    width = float(instrument.scale_max - instrument.scale_min)
    values = table.to_numpy(dtype=float)
    # Every pair's indicators at once; the reasons of the pairs asked for are read from them.
    indicators = _pair_indicators(values, values, focus_mask(table), width)
    keys, dimension_names = list(instrument.dimension_keys), instrument.dimension_names

    def region_reason(receiving: object, candidate: object) -> str:
        if candidate == receiving or receiving not in table.index or candidate not in table.index:
            return ""
        i, j = table.index.get_loc(receiving), table.index.get_loc(candidate)
        fit = float(indicators["context_fit"][i, j])
        return _region_reason(
            keys, dimension_names, indicators["ahead"][i, j], indicators["diff"][i, j], fit
        )

    return explain_pairing(pairing, matrix, region_reason, names=names)


def explain_pairing(
    pairing: pd.DataFrame,
    matrix: pd.DataFrame,
    region_reason: Callable[[object, object], str],
    *,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`pairing_reasons` with the reason why one region is a candidate for another
    given as ``region_reason(receiving, candidate)`` ("" for none).

    >>> m = pd.DataFrame([[np.nan, 3.0], [1.0, np.nan]], index=["a", "b"], columns=["a", "b"])
    >>> explain_pairing(programme_pairing(m), m, lambda r, c: f"{c} helps {r}")["reason"].tolist()
    ['Best partner: b helps a', 'Best partner: a helps b']
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
        own_reason = region_reason(receiving, paired)
        if best == paired:
            reason = f"Best partner: {own_reason}"
            taken_by = ""
        else:
            others = [r for r in coached_by.get(best, []) if r != receiving]
            taken_by = ", ".join(name(r) for r in others)
            best_ahead = region_reason(receiving, best).split(";")[0]
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
