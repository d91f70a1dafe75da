"""Consensus of a stakeholder panel, per subject, round and dimension.

Takes the tidy individual-ratings frame (one row per assessor, dimension, subject and round)
and returns one row per (subject, round, dimension) with the panel's median, quartiles, the
share of ratings near the median, and a consensus label:

- :func:`delphi_table` applies the SCIROCCO Exchange Delphi rules (IJIC, doi
  10.5334/ijic.7747): *Agreement* when fewer than four of twelve ratings lie outside a 3-point
  region containing the median, otherwise *Split*; the Delphi label (the paper's "maturity
  level", column ``delphi_label``, not the agreed consensus level) is *Initial* (median 0-2),
  *Progressing* (3-4) or *Optimising* (5) under Agreement and *Uncertain* under Split.
- :func:`consensus_table` applies the same table to other common Delphi consensus rules
  (percent agreement >= 75 %, IQR <= 1) selected by name.
- :func:`round_movement` compares consecutive rounds: how median, IQR and agreement moved and
  whether the panel's answer was stable.

Every choice the paper leaves open (region around a half-integer median, threshold for other
panel sizes, quartile method, ...) is a field of :class:`DelphiRule`; the defaults reproduce the
published figures. ``docs/statistics.md`` explains each choice.

The computation is vectorised: levels are small integers, so the ratings are counted per
(group, level) with one ``np.bincount`` and every statistic is read off the cumulative counts,
exactly (1,000,000 ratings take well under a second).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    InputProblem,
    require_columns,
)

__all__ = [
    "CONSENSUS_RULES",
    "HALF_MEDIAN_AT_MEDIAN",
    "QUANTILE_METHODS",
    "DelphiRule",
    "StabilityRule",
    "consensus_table",
    "delphi_table",
    "discussion_points",
    "rating_status",
    "reject_duplicates",
    "round_movement",
    "row_problems",
]

CONSENSUS_RULES = ("delphi-scirocco", "percent-agreement", "iqr")
"""Names accepted by :func:`consensus_table`'s ``rule``."""

# numpy's continuous quantile methods as (alpha, beta) plotting-position constants (Hyndman &
# Fan 1996); numpy computes the 0-based virtual index as n*p + alpha + p*(1 - alpha - beta) - 1.
_CONTINUOUS_QUANTILES = {
    "linear": (1.0, 1.0),
    "weibull": (0.0, 0.0),
    "hazen": (0.5, 0.5),
    "median_unbiased": (1 / 3, 1 / 3),
    "normal_unbiased": (3 / 8, 3 / 8),
    "interpolated_inverted_cdf": (0.0, 1.0),
}
_DISCRETE_QUANTILES = ("lower", "higher", "midpoint", "nearest")
QUANTILE_METHODS = tuple(_CONTINUOUS_QUANTILES) + _DISCRETE_QUANTILES
"""Quartile methods accepted by :class:`DelphiRule` (same meaning as in ``numpy.quantile``)."""

HALF_MEDIAN_AT_MEDIAN = ("mean", "up", "down", "either", "none")
"""Conventions for "% at median" when the median is a half-integer (see :class:`DelphiRule`)."""

_SCIROCCO_BANDS = ((0, 2, "Initial"), (3, 4, "Progressing"), (5, 5, "Optimising"))
# Tolerance for comparing computed percentages / proportions with user thresholds, so that
# e.g. 9 of 12 = 75 % meets a 75 % threshold despite binary floating point.
_EPS = 1e-9
_MAX_PROBLEMS_PER_KIND = 50


def _check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ConfigurationError(
            f"{name}={value!r} is not supported. Fix: use one of {', '.join(map(repr, allowed))}."
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_count(name: str, value: object, fix: str = "") -> None:
    if not _is_int(value) or value < 1:
        raise ConfigurationError(f"{name} must be a whole number >= 1, got {value!r}.{fix}")


@dataclass(frozen=True)
class DelphiRule:
    """Parameters of the SCIROCCO Delphi consensus rule; defaults reproduce the paper.

    Region and outside count
        ``region_width`` (3): number of scale points in the agreement region. With
        ``region_placement="centred"`` (default) the region is median-1..median+1;
        ``"best"`` takes, among all ``region_width``-point windows containing the median, the one
        holding most ratings (a literal reading of "a 3-point region containing the median").
        ``scale_end`` decides what happens when the region runs past the scale: ``"clip"``
        (default, median 5 -> region 4..5) or ``"shift"`` (median 5 -> region 3..5).
    Split threshold (exactly one is active)
        ``outside_threshold`` (4): Split when at least this many ratings lie outside the region,
        as published for a 12-person panel. ``outside_proportion``: Split when at least this share
        of the *rated* (non-don't-know) answers lies outside, e.g. ``4/12`` for other panel sizes;
        set it together with ``outside_threshold=None``.
    Half-integer medians (even number of ratings)
        ``half_median_level`` ("up"): median 2.5 maps to level 3 (Progressing), as the paper
        reported. ``half_median_region`` ("up"): the region is centred on the median rounded up
        (2.5 -> 2..4); "down" centres it on 2 (1..3); "widen" spans both neighbours (1..4).
        ``half_median_at_median`` ("mean"): "% at median" is the mean of the shares at the two
        neighbouring levels (each rating at 2 or 3 counts one half for median 2.5), the
        convention that reproduces the paper's Table 4; "up" (ratings at the rounded-up median),
        "down", "either" (both neighbouring levels in full) or "none" (0 %) are the alternatives.
    Other
        ``quantile_method`` ("linear", numpy's default): how q1 and q3 are interpolated.
        ``min_rated`` (1): groups with fewer rated answers get no distribution or maturity label.
        ``scale`` ((0, 5)): the rating scale; levels outside it are rejected.
        ``level_bands``: (low, high, label) median bands for Agreement; ``split_level``: the label
        under Split.

    Example:
        >>> DelphiRule().outside_threshold
        4
        >>> rule = DelphiRule(outside_threshold=None, outside_proportion=4 / 12)
        >>> rule.outside_proportion
        0.3333333333333333
        >>> DelphiRule().half_median_at_median  # the paper's Table 4 convention
        'mean'
    """

    region_width: int = 3
    region_placement: Literal["centred", "best"] = "centred"
    scale_end: Literal["clip", "shift"] = "clip"
    outside_threshold: int | None = 4
    outside_proportion: float | None = None
    half_median_level: Literal["up", "down"] = "up"
    half_median_region: Literal["up", "down", "widen"] = "up"
    half_median_at_median: Literal["mean", "up", "down", "either", "none"] = "mean"
    quantile_method: str = "linear"
    min_rated: int = 1
    scale: tuple[int, int] = (0, 5)
    level_bands: tuple[tuple[int, int, str], ...] = _SCIROCCO_BANDS
    split_level: str = "Uncertain"

    def __post_init__(self) -> None:
        _check_choice("half_median_level", self.half_median_level, ("up", "down"))
        _check_choice("half_median_region", self.half_median_region, ("up", "down", "widen"))
        _check_choice(
            "half_median_at_median",
            self.half_median_at_median,
            HALF_MEDIAN_AT_MEDIAN,
        )
        _check_choice("region_placement", self.region_placement, ("centred", "best"))
        _check_choice("scale_end", self.scale_end, ("clip", "shift"))
        _check_choice("quantile_method", self.quantile_method, QUANTILE_METHODS)
        if (self.outside_threshold is None) == (self.outside_proportion is None):
            raise ConfigurationError(
                "DelphiRule needs exactly one of outside_threshold (a count) and "
                "outside_proportion (a share of rated answers). Fix: e.g. "
                "DelphiRule(outside_threshold=None, outside_proportion=4/12)."
            )
        if self.outside_threshold is not None:
            _check_count(
                "outside_threshold", self.outside_threshold, " Fix: pass e.g. outside_threshold=4."
            )
        if self.outside_proportion is not None and not 0 < self.outside_proportion <= 1:
            raise ConfigurationError(
                f"outside_proportion must be in (0, 1], got {self.outside_proportion!r}. "
                "Fix: pass a share such as 4/12."
            )
        _check_count("region_width", self.region_width)
        if self.region_placement == "centred" and self.region_width % 2 == 0:
            raise ConfigurationError(
                f"region_width={self.region_width} cannot be centred on a median. Fix: use an "
                "odd width, or region_placement='best' for even widths."
            )
        _check_count("min_rated", self.min_rated)
        low, high = self.scale
        if not (_is_int(low) and _is_int(high) and low < high):
            raise ConfigurationError(
                f"scale must be two whole numbers (low, high) with low < high, got {self.scale!r}."
            )
        for band in self.level_bands:
            if len(band) != 3 or not (_is_int(band[0]) and _is_int(band[1])) or band[0] > band[1]:
                raise ConfigurationError(
                    "level_bands entries must be (low, high, label) with low <= high, "
                    f"got {band!r}."
                )


@dataclass(frozen=True)
class StabilityRule:
    """When a dimension counts as *stable* between two consecutive Delphi rounds.

    Stable when the % in agreement changed by at most ``max_agreement_change`` percentage points
    (15, the stability criterion of Scheibe, Skutsch & Schofer 1975) and, if required, the median
    and the Delphi label did not change.

    Example:
        >>> StabilityRule().max_agreement_change
        15.0
    """

    max_agreement_change: float = 15.0
    require_same_median: bool = True
    require_same_level: bool = True

    def __post_init__(self) -> None:
        if not self.max_agreement_change >= 0:
            raise ConfigurationError(
                f"max_agreement_change must be >= 0 percentage points, got "
                f"{self.max_agreement_change!r}."
            )


def delphi_table(
    ratings: pd.DataFrame,
    *,
    rule: DelphiRule = DelphiRule(),
    by: Sequence[str] = ("subject", "round"),
    item: str = "dimension",
    rating: str = "level",
    dont_know: str | None = "dont_know",
    rater: str | None = "assessor",
) -> pd.DataFrame:
    """Apply the SCIROCCO Delphi consensus rule to every (subject, round, dimension).

    ``ratings`` is the tidy individual-ratings frame. A row whose ``dont_know`` is True is not
    rated but counted in ``n_dont_know``; a NaN level with ``dont_know`` False is counted in
    ``n_missing``. Without a ``dont_know`` column (or with ``dont_know=None``) every NaN level is
    a don't-know. ``rater`` is only used to reject duplicate ratings (``None`` skips the check).

    Returns one row per group with columns: the ``by`` columns, ``item``, ``n_rated``,
    ``n_dont_know``, ``n_missing``, ``median``, ``q1``, ``q3``, ``iqr``, ``pct_at_median``,
    ``pct_in_agreement``, ``pct_at_mode`` (percentages 0-100 of rated answers), ``n_outside``,
    ``region_low``, ``region_high`` (the agreement region used), ``distribution``
    ("Agreement"/"Split"), ``delphi_label`` and ``rule``. Groups are sorted by the ``by``
    columns; dimensions keep their order of first appearance (category order if categorical).

    Example:
        >>> import pandas as pd
        >>> levels = [3, 3, 3, 3, 3, 4, 4, 2, 2, 3, 1, 5]
        >>> ratings = pd.DataFrame({
        ...     "subject": "Region A", "round": 1, "dimension": "funding",
        ...     "assessor": [f"a{i}" for i in range(12)], "level": levels, "dont_know": False})
        >>> row = delphi_table(ratings).iloc[0]
        >>> row["median"], row["n_outside"], row["distribution"], row["delphi_label"]
        (np.float64(3.0), np.int64(2), 'Agreement', 'Progressing')
    """
    return consensus_table(
        ratings,
        rule="delphi-scirocco",
        delphi=rule,
        by=by,
        item=item,
        rating=rating,
        dont_know=dont_know,
        rater=rater,
    )


def consensus_table(
    ratings: pd.DataFrame,
    *,
    rule: str = "delphi-scirocco",
    delphi: DelphiRule = DelphiRule(),
    min_percent: float = 75.0,
    agreement_on: Literal["region", "mode"] = "region",
    max_iqr: float = 1.0,
    by: Sequence[str] = ("subject", "round"),
    item: str = "dimension",
    rating: str = "level",
    dont_know: str | None = "dont_know",
    rater: str | None = "assessor",
) -> pd.DataFrame:
    """Consensus table under a consensus rule chosen by name; same columns as :func:`delphi_table`.

    Rules (``distribution`` is "Agreement" when the rule's consensus criterion is met):

    - ``"delphi-scirocco"``: the SCIROCCO Delphi rule with parameters ``delphi``.
    - ``"percent-agreement"``: Agreement when at least ``min_percent`` % (default 75, the median
      threshold across Delphi studies, Diamond et al. 2014) of rated answers agree; with
      ``agreement_on="region"`` (default) agreeing means inside the agreement region
      (``pct_in_agreement``), with ``"mode"`` it means at the most frequent level
      (``pct_at_mode``).
    - ``"iqr"``: Agreement when the interquartile range is at most ``max_iqr`` (default 1).

    Whatever the rule, the descriptive columns (median, quartiles, region, % at median) and the
    Delphi label bands follow ``delphi``; Split always maps to ``delphi.split_level``.

    Example:
        >>> import pandas as pd
        >>> ratings = pd.DataFrame({
        ...     "subject": "R", "round": 1, "dimension": "funding",
        ...     "assessor": list("abcdefgh"), "level": [2, 2, 2, 2, 2, 3, 4, 5],
        ...     "dont_know": False})
        >>> consensus_table(ratings, rule="percent-agreement")["distribution"].iloc[0]
        'Agreement'
        >>> consensus_table(ratings, rule="iqr")["iqr"].iloc[0]
        np.float64(1.25)
    """
    _check_choice("rule", rule, CONSENSUS_RULES)
    _check_choice("agreement_on", agreement_on, ("region", "mode"))
    if not 0 < min_percent <= 100:
        raise ConfigurationError(
            f"min_percent must be in (0, 100], got {min_percent!r}. Fix: e.g. min_percent=75."
        )
    if not max_iqr >= 0:
        raise ConfigurationError(f"max_iqr must be >= 0, got {max_iqr!r}. Fix: e.g. max_iqr=1.")
    if not isinstance(delphi, DelphiRule):
        raise ConfigurationError(
            f"delphi must be a DelphiRule, got {type(delphi).__name__}. "
            "Fix: delphi=DelphiRule(...)."
        )

    prepared = _prepare_counts(
        ratings,
        by=tuple(by),
        item=item,
        rating=rating,
        dont_know=dont_know,
        rater=rater,
        scale=delphi.scale,
    )
    stats = _summarise_counts(prepared.counts, delphi)
    n_rated = stats["n_rated"]

    if rule == "delphi-scirocco":
        if delphi.outside_threshold is not None:
            split = stats["n_outside"] >= delphi.outside_threshold
        else:
            split = stats["n_outside"] >= delphi.outside_proportion * n_rated - _EPS
    elif rule == "percent-agreement":
        agreeing = stats["pct_in_agreement"] if agreement_on == "region" else stats["pct_at_mode"]
        split = ~(agreeing >= min_percent - _EPS)
    else:
        split = ~(stats["iqr"] <= max_iqr + _EPS)

    labelled = n_rated >= delphi.min_rated
    distribution = np.where(split, "Split", "Agreement").astype(object)
    distribution[~labelled] = None
    maturity = _delphi_labels(stats["median"], split, delphi)
    maturity[~labelled] = None

    table = prepared.keys.copy()
    table["n_rated"] = n_rated
    table["n_dont_know"] = prepared.n_dont_know
    table["n_missing"] = prepared.n_missing
    for column in (
        "median",
        "q1",
        "q3",
        "iqr",
        "pct_at_median",
        "pct_in_agreement",
        "pct_at_mode",
        "n_outside",
        "region_low",
        "region_high",
    ):
        table[column] = stats[column]
    table["distribution"] = pd.array(distribution, dtype="str")
    table["delphi_label"] = pd.array(maturity, dtype="str")
    table["rule"] = rule
    return table


def round_movement(
    table: pd.DataFrame,
    *,
    stability: StabilityRule = StabilityRule(),
    by: Sequence[str] = ("subject",),
    item: str = "dimension",
    round_column: str = "round",
) -> pd.DataFrame:
    """How each dimension's consensus moved between consecutive rounds.

    ``table`` is the output of :func:`delphi_table` or :func:`consensus_table` (with a round
    column). For every subject and dimension, each pair of consecutive rounds present gives one
    row: ``round_from``, ``round_to``, then ``<x>_from``, ``<x>_to`` and ``<x>_change`` for
    ``median``, ``iqr`` and ``pct_in_agreement`` (change in percentage points),
    ``distribution_from/_to``, ``delphi_label_from/_to``, ``direction`` and ``stable``.

    ``direction`` is "converging" when the IQR did not widen and the % in agreement did not fall
    (and at least one of them improved), "diverging" in the opposite case, "unchanged" when
    neither moved, otherwise "mixed" (missing when a round had no ratings). ``stable`` follows
    ``stability`` (see :class:`StabilityRule`).

    Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({
        ...     "subject": "R", "round": [1, 2], "dimension": "funding",
        ...     "median": [3.0, 3.0], "iqr": [2.0, 1.0], "pct_in_agreement": [66.7, 75.0],
        ...     "distribution": ["Agreement", "Agreement"],
        ...     "delphi_label": ["Progressing", "Progressing"]})
        >>> moved = round_movement(table).iloc[0]
        >>> moved["direction"], bool(moved["stable"])
        ('converging', True)
    """
    if not isinstance(stability, StabilityRule):
        raise ConfigurationError(
            f"stability must be a StabilityRule, got {type(stability).__name__}."
        )
    keys = [*by, item]
    measured = ["median", "iqr", "pct_in_agreement"]
    labels = ["distribution", "delphi_label"]
    require_columns(table, [*keys, round_column, *measured, *labels], "consensus table")

    # Dimensions keep their order (of first appearance, or category order), so the instrument's
    # order survives; sorting by the key itself would make it alphabetical.
    item_codes = (
        table[item].cat.codes.to_numpy()
        if isinstance(table[item].dtype, pd.CategoricalDtype)
        else pd.factorize(table[item], sort=False)[0]
    )
    ordered = (
        table.assign(_item_order=item_codes)
        .sort_values([*by, "_item_order", round_column], kind="stable")
        .drop(columns="_item_order")
        .reset_index(drop=True)
    )
    following = ordered.groupby(keys, sort=False, dropna=False)[
        [round_column, *measured, *labels]
    ].shift(-1)
    has_next = following[round_column].notna().to_numpy()
    current = ordered.loc[has_next]
    after = following.loc[has_next]

    moved = current[keys].reset_index(drop=True)
    moved["round_from"] = current[round_column].to_numpy()
    moved["round_to"] = after[round_column].to_numpy().astype(current[round_column].dtype)
    for column in measured:
        before_values = current[column].to_numpy(dtype=float)
        after_values = after[column].to_numpy(dtype=float)
        moved[f"{column}_from"] = before_values
        moved[f"{column}_to"] = after_values
        moved[f"{column}_change"] = after_values - before_values
    for column in labels:
        moved[f"{column}_from"] = current[column].to_numpy()
        moved[f"{column}_to"] = after[column].to_numpy()

    iqr_change = moved["iqr_change"].to_numpy()
    agreement_change = moved["pct_in_agreement_change"].to_numpy()
    known = ~(np.isnan(iqr_change) | np.isnan(agreement_change))
    narrower_or_same = iqr_change <= _EPS
    wider_or_same = iqr_change >= -_EPS
    agree_more_or_same = agreement_change >= -_EPS
    agree_less_or_same = agreement_change <= _EPS
    unchanged = narrower_or_same & wider_or_same & agree_more_or_same & agree_less_or_same
    direction = np.select(
        [
            ~known,
            unchanged,
            narrower_or_same & agree_more_or_same,
            wider_or_same & agree_less_or_same,
        ],
        [None, "unchanged", "converging", "diverging"],
        default="mixed",
    ).astype(object)
    moved["direction"] = pd.array(direction, dtype="str")

    stable = np.abs(agreement_change) <= stability.max_agreement_change + _EPS
    if stability.require_same_median:
        stable &= moved["median_from"].to_numpy() == moved["median_to"].to_numpy()
    if stability.require_same_level:
        level_from = moved["delphi_label_from"]
        level_to = moved["delphi_label_to"]
        stable &= (level_from.notna() & level_to.notna() & (level_from == level_to)).to_numpy(
            dtype=bool
        )
    moved["stable"] = stable
    return moved


# --------------------------------------------------------------------------------------------
# Validation and counting


@dataclass(frozen=True)
class _PreparedCounts:
    keys: pd.DataFrame  # one row per group: the by columns and the item column
    counts: np.ndarray  # (groups, scale points) rated answers per level
    n_dont_know: np.ndarray
    n_missing: np.ndarray


def _prepare_counts(
    ratings: pd.DataFrame,
    *,
    by: tuple[str, ...],
    item: str,
    rating: str,
    dont_know: str | None,
    rater: str | None,
    scale: tuple[int, int],
) -> _PreparedCounts:
    if not isinstance(ratings, pd.DataFrame):
        raise ConfigurationError(
            f"ratings must be a pandas DataFrame, got {type(ratings).__name__}. "
            "Fix: pass the tidy individual-ratings frame (one row per rating)."
        )
    if len(set(by)) != len(by) or item in by:
        raise ConfigurationError(
            f"by={by!r} and item={item!r} must name distinct columns. Fix: list each column once."
        )
    wanted = [*by, item, rating] + ([rater] if rater is not None else [])
    require_columns(ratings, wanted, "ratings")

    levels, is_dont_know, is_missing = rating_status(ratings, rating=rating, dont_know=dont_know)
    low, high = scale
    rated = ~(is_dont_know | is_missing)
    bad_level = rated & ((levels != np.round(levels)) | (levels < low) | (levels > high))
    problems = row_problems(
        ratings,
        bad_level,
        field=rating,
        message=f"level is not a whole number on the {low}..{high} scale",
        fix=(
            f"use a whole number from {low} to {high}, mark the answer as don't-know, or set "
            "DelphiRule(scale=...) for another scale"
        ),
    )

    code_columns = []
    for column in (*by, item):
        values = ratings[column]
        # Groups are listed sorted by subject/round; dimensions keep the instrument's order,
        # which the frame carries as the order of first appearance (or as category order).
        keep_order = column == item and not isinstance(values.dtype, pd.CategoricalDtype)
        codes, uniques = pd.factorize(values, sort=not keep_order)
        problems += row_problems(
            ratings,
            codes < 0,
            field=column,
            message="value is missing",
            fix=f"fill in {column!r} for every rating or drop the row",
        )
        code_columns.append((codes, uniques))
    if problems:
        raise DataValidationError(problems)

    group, group_keys = _combine_codes(code_columns)
    keys = pd.DataFrame(
        {
            column: uniques.take(codes)
            for column, (codes, uniques) in zip((*by, item), group_keys, strict=True)
        }
    )
    n_groups = len(keys)

    if rater is not None:
        rater_codes, rater_uniques = pd.factorize(ratings[rater])
        problems = row_problems(
            ratings,
            rater_codes < 0,
            field=rater,
            message="assessor is missing",
            fix="fill in the assessor pseudonym, or pass rater=None to skip the duplicate check",
        )
        if problems:
            raise DataValidationError(problems)
        reject_duplicates(ratings, group, rater_codes, len(rater_uniques), rater, [*by, item])

    points = high - low + 1
    level_index = levels[rated].astype(np.int64) - low
    counts = np.bincount(group[rated] * points + level_index, minlength=n_groups * points).reshape(
        n_groups, points
    )
    n_dont_know = np.bincount(group[is_dont_know], minlength=n_groups)
    n_missing = np.bincount(group[is_missing], minlength=n_groups)
    return _PreparedCounts(keys=keys, counts=counts, n_dont_know=n_dont_know, n_missing=n_missing)


def rating_status(
    ratings: pd.DataFrame, *, rating: str, dont_know: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Levels as floats plus masks (don't-know, missing); shared with the agreement module."""
    raw = ratings[rating]
    levels = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    unreadable = np.isnan(levels) & raw.notna().to_numpy()
    problems = row_problems(
        ratings,
        unreadable | np.isinf(levels),
        field=rating,
        message="level is not a number",
        fix="enter the level as a number, or leave it empty and mark the answer as don't-know",
    )
    has_flag = dont_know is not None and dont_know in ratings.columns
    if has_flag:
        flag = ratings[dont_know]
        if pd.api.types.is_bool_dtype(flag.dtype):
            is_dont_know = flag.fillna(False).to_numpy(dtype=bool)
        else:
            numeric = pd.to_numeric(flag, errors="coerce")
            not_flag = flag.notna().to_numpy() & ~numeric.isin([0, 1]).to_numpy()
            problems += row_problems(
                ratings,
                not_flag,
                field=dont_know,
                message="don't-know flag is not True/False",
                fix="use True/False (or 1/0)",
            )
            is_dont_know = (numeric == 1).to_numpy(dtype=bool)
    if problems:
        raise DataValidationError(problems)
    if has_flag:
        # An explicit don't-know wins over any level that may have been kept with it.
        is_missing = np.isnan(levels) & ~is_dont_know
    else:
        # Without the flag the data cannot tell an unanswered item from a don't-know, and the
        # store writes don't-know as NaN: count every NaN as don't-know.
        is_dont_know = np.isnan(levels)
        is_missing = np.zeros(len(levels), dtype=bool)
    return levels, is_dont_know, is_missing


def _combine_codes(
    code_columns: list[tuple[np.ndarray, pd.Index]],
) -> tuple[np.ndarray, list[tuple[np.ndarray, pd.Index]]]:
    """Dense group number per row (lexicographic over the columns) and each group's key codes."""
    sizes = [max(len(uniques), 1) for _, uniques in code_columns]
    n_rows = len(code_columns[0][0])
    if math.prod(sizes) <= max(4 * n_rows, 1 << 20):
        combined = np.ravel_multi_index([codes for codes, _ in code_columns], sizes)
        present = np.bincount(combined, minlength=math.prod(sizes)) > 0
        group_codes = np.flatnonzero(present)
        dense = np.cumsum(present) - 1
        group = dense[combined]
        unravelled = np.unravel_index(group_codes, sizes)
    else:
        # Too many key combinations for a dense table: sort the observed ones instead.
        stacked = np.column_stack([codes for codes, _ in code_columns])
        unique_rows, group = np.unique(stacked, axis=0, return_inverse=True)
        group = group.ravel()
        unravelled = tuple(unique_rows[:, i] for i in range(unique_rows.shape[1]))
    group_keys = [
        (np.asarray(codes), uniques)
        for codes, (_, uniques) in zip(unravelled, code_columns, strict=True)
    ]
    return group.astype(np.int64), group_keys


def reject_duplicates(
    ratings: pd.DataFrame,
    group: np.ndarray,
    rater_codes: np.ndarray,
    n_raters: int,
    rater: str,
    key_columns: list[str],
) -> None:
    combined = group * max(n_raters, 1) + rater_codes
    order = np.argsort(combined, kind="stable")
    repeated = np.flatnonzero(np.diff(combined[order]) == 0)
    if repeated.size == 0:
        return
    duplicate = np.zeros(len(combined), dtype=bool)
    duplicate[order[repeated + 1]] = True
    raise DataValidationError(
        row_problems(
            ratings,
            duplicate,
            field=rater,
            message=f"the same assessor rated the same {'/'.join(key_columns)} twice",
            fix=(
                "keep one rating per assessor, dimension, subject and round (several rounds? "
                "include the round column in `by`)"
            ),
        )
    )


def row_problems(
    ratings: pd.DataFrame, mask: np.ndarray, *, field: str, message: str, fix: str
) -> list[InputProblem]:
    """InputProblems for the flagged rows (row numbers as a spreadsheet shows them)."""
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return []
    column = ratings[field]
    problems = [
        InputProblem(
            source="ratings",
            row=int(position) + 2,  # header is row 1
            field=field,
            value=column.iloc[position],
            message=message,
            fix=fix,
        )
        for position in positions[:_MAX_PROBLEMS_PER_KIND]
    ]
    if positions.size > _MAX_PROBLEMS_PER_KIND:
        problems.append(
            InputProblem(
                source="ratings",
                row=None,
                field=field,
                value=None,
                message=f"{positions.size - _MAX_PROBLEMS_PER_KIND} more rows with this problem",
                fix=fix,
            )
        )
    return problems


# --------------------------------------------------------------------------------------------
# Statistics from counts


def _summarise_counts(counts: np.ndarray, rule: DelphiRule) -> dict[str, np.ndarray]:
    """Every per-group statistic from the (groups x scale points) count matrix."""
    low = rule.scale[0]
    n_groups = counts.shape[0]
    cum = np.cumsum(counts, axis=1)
    n_rated = cum[:, -1]
    empty = n_rated == 0
    safe_n = np.where(empty, 1, n_rated)
    # cum_padded[:, j] = number of ratings with level index < j, so any window count is a
    # difference of two columns.
    cum_padded = np.concatenate([np.zeros((n_groups, 1), dtype=cum.dtype), cum], axis=1)

    below = _order_statistic(cum, (n_rated - 1) // 2)
    above = _order_statistic(cum, n_rated // 2)
    median = (below + above) / 2 + low
    median_floor = np.floor(median)
    median_ceil = np.ceil(median)

    region_low, region_high = _agreement_region(median, cum_padded, rule)
    in_region = _window_count(cum_padded, region_low - low, region_high - low)

    # "% at median" counts the levels in [first, last]; for an integer median every choice is
    # [median, median]. For a half-integer median "none" gives the empty window [ceil, floor].
    if rule.half_median_at_median == "mean":
        # The paper's Table 4: mean of the shares at the two neighbouring levels, i.e. each
        # rating at floor or ceil counts one half (an integer median counts its level in full).
        at_floor = _window_count(cum_padded, median_floor - low, median_floor - low)
        at_ceil = _window_count(cum_padded, median_ceil - low, median_ceil - low)
        at_median = (at_floor + at_ceil) / 2
    else:
        first, last = {
            "up": (median_ceil, median_ceil),
            "down": (median_floor, median_floor),
            "either": (median_floor, median_ceil),
            "none": (median_ceil, median_floor),
        }[rule.half_median_at_median]
        at_median = _window_count(cum_padded, first - low, last - low)
    q1 = _quantile(cum, n_rated, 0.25, rule.quantile_method) + low
    q3 = _quantile(cum, n_rated, 0.75, rule.quantile_method) + low

    def percent(count: np.ndarray) -> np.ndarray:
        return np.where(empty, np.nan, 100.0 * count / safe_n)

    def or_nan(values: np.ndarray) -> np.ndarray:
        return np.where(empty, np.nan, values)

    return {
        "n_rated": n_rated,
        "median": or_nan(median),
        "q1": or_nan(q1),
        "q3": or_nan(q3),
        "iqr": or_nan(q3 - q1),
        "pct_at_median": percent(at_median),
        "pct_in_agreement": percent(in_region),
        "pct_at_mode": percent(counts.max(axis=1)),
        "n_outside": n_rated - in_region,
        "region_low": or_nan(region_low),
        "region_high": or_nan(region_high),
    }


def _agreement_region(
    median: np.ndarray, cum_padded: np.ndarray, rule: DelphiRule
) -> tuple[np.ndarray, np.ndarray]:
    """Low and high scale points of each group's agreement region (within the scale)."""
    low = rule.scale[0]
    width = rule.region_width
    median_floor = np.floor(median)
    median_ceil = np.ceil(median)
    if rule.region_placement == "centred":
        half_width = (width - 1) // 2
        centre = {"up": median_ceil, "down": median_floor, "widen": median_ceil}[
            rule.half_median_region
        ]
        start = centre - half_width
        stop = centre + half_width
        if rule.half_median_region == "widen":
            start = median_floor - half_width
    else:
        # Among the windows of `width` points that contain the median, keep the one holding
        # most ratings; ties go to the window centred closest to the median, then to the side
        # half_median_region names.
        prefer_upper = rule.half_median_region != "down"
        first_start = median_ceil - width + 1
        best_start = np.full_like(median, np.nan)
        best_count = np.full(median.shape, -1, dtype=np.int64)
        best_distance = np.full_like(median, np.inf)
        for offset in range(width):
            candidate = first_start + offset
            valid = candidate <= median_floor
            lo, hi = _inside_scale(candidate, candidate + width - 1, rule)
            count = _window_count(cum_padded, lo - low, hi - low)
            distance = np.abs(candidate + (width - 1) / 2 - median)
            tie = (count == best_count) & (
                (distance < best_distance - _EPS)
                | ((np.abs(distance - best_distance) <= _EPS) & prefer_upper)
            )
            better = valid & ((count > best_count) | tie)
            best_start = np.where(better, candidate, best_start)
            best_count = np.where(better, count, best_count)
            best_distance = np.where(better, distance, best_distance)
        start = best_start
        stop = best_start + width - 1
    return _inside_scale(start, stop, rule)


def _inside_scale(
    start: np.ndarray, stop: np.ndarray, rule: DelphiRule
) -> tuple[np.ndarray, np.ndarray]:
    low, high = rule.scale
    if rule.scale_end == "shift":
        # Slide the window back inside the scale, keeping its width where the scale allows.
        start, stop = start - np.maximum(stop - high, 0), stop - np.maximum(stop - high, 0)
        start, stop = start + np.maximum(low - start, 0), stop + np.maximum(low - start, 0)
    return np.clip(start, low, high), np.clip(stop, low, high)


def _window_count(cum_padded: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Ratings with level index in [first, last] per group (indices outside are clipped)."""
    points = cum_padded.shape[1] - 1
    first = np.nan_to_num(np.asarray(first, dtype=float), nan=0.0)
    last = np.nan_to_num(np.asarray(last, dtype=float), nan=-1.0)
    first = np.clip(first, 0, points).astype(np.int64)
    stop = np.clip(last + 1, 0, points).astype(np.int64)
    stop = np.maximum(stop, first)
    rows = np.arange(cum_padded.shape[0])
    return cum_padded[rows, stop] - cum_padded[rows, first]


def _order_statistic(cum: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The index-th smallest rating (0-based level index) of each group from cumulative counts."""
    # The k-th smallest value is the number of levels whose cumulative count is <= k.
    return (cum <= np.asarray(index)[:, None]).sum(axis=1).astype(float)


def _quantile(cum: np.ndarray, n: np.ndarray, probability: float, method: str) -> np.ndarray:
    """numpy.quantile(..., method=method) of each group's ratings, from cumulative counts."""
    n_float = n.astype(float)
    last = np.maximum(n_float - 1, 0)
    if method in _CONTINUOUS_QUANTILES:
        alpha, beta = _CONTINUOUS_QUANTILES[method]
        virtual = n_float * probability + alpha + probability * (1 - alpha - beta) - 1
        virtual = np.clip(virtual, 0, last)
        lower = np.floor(virtual)
        upper = np.minimum(lower + 1, last)
        gamma = virtual - lower
    else:
        virtual = last * probability
        if method == "lower":
            lower = upper = np.floor(virtual)
        elif method == "higher":
            lower = upper = np.ceil(virtual)
        elif method == "nearest":
            lower = upper = np.around(virtual)  # numpy rounds half to even here too
        else:  # midpoint
            lower, upper = np.floor(virtual), np.ceil(virtual)
        gamma = np.where(lower == upper, 0.0, 0.5)
    below = _order_statistic(cum, lower.astype(np.int64))
    above = _order_statistic(cum, upper.astype(np.int64))
    return below + gamma * (above - below)


def _delphi_labels(median: np.ndarray, split: np.ndarray, rule: DelphiRule) -> np.ndarray:
    point = np.where(np.isnan(median), np.nan, _level_point(median, rule))
    levels = np.full(median.shape, None, dtype=object)
    for band_low, band_high, label in rule.level_bands:
        levels[(point >= band_low) & (point <= band_high)] = label
    levels[split] = rule.split_level
    levels[np.isnan(median)] = None
    return levels


def _level_point(median: np.ndarray, rule: DelphiRule) -> np.ndarray:
    return np.ceil(median) if rule.half_median_level == "up" else np.floor(median)


def discussion_points(
    table: pd.DataFrame,
    *,
    consensus: pd.DataFrame | None = None,
    dont_know_share: float = 0.25,
    item: str = "dimension",
) -> pd.DataFrame:
    """Dimensions a workshop should discuss, each with the plain-language reason.

    ``table`` is one round of :func:`delphi_table` (or :func:`consensus_table`). A dimension is
    listed when the panel is split (``distribution`` "Split"), when at least
    ``dont_know_share`` of the answers were don't-know, or, given ``consensus`` (columns
    ``item`` and ``consensus_level``), when the agreed level lies outside the individual
    ratings' interquartile range. Returns columns ``item`` and ``reason`` (one row per
    reason, so a dimension can appear more than once).

    Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"dimension": ["funding"], "distribution": ["Split"],
        ...     "n_rated": [12], "n_outside": [5], "n_dont_know": [0], "q1": [1.0], "q3": [4.0]})
        >>> discussion_points(table)["reason"].tolist()
        ['split panel: 5 of 12 ratings lie outside the agreement region']
    """
    rows: list[dict[str, object]] = []
    agreed = consensus.set_index(item)["consensus_level"] if consensus is not None else pd.Series()
    for record in table.to_dict("records"):
        key, n_rated = record[item], int(record["n_rated"])
        answered = n_rated + int(record["n_dont_know"])
        if record["distribution"] == "Split":
            rows.append(
                {
                    item: key,
                    "reason": (
                        f"split panel: {int(record['n_outside'])} of {n_rated} ratings lie outside "
                        "the agreement region"
                    ),
                }
            )
        if answered and record["n_dont_know"] / answered >= dont_know_share:
            rows.append(
                {
                    item: key,
                    "reason": (
                        f"{int(record['n_dont_know'])} of {answered} stakeholders could not "
                        "judge it (don't know)"
                    ),
                }
            )
        level = agreed.get(key)
        if (
            level is not None
            and pd.notna(level)
            and n_rated
            and not (record["q1"] <= level <= record["q3"])
        ):
            rows.append(
                {
                    item: key,
                    "reason": (
                        f"agreed level {level:g} lies outside the individual ratings' "
                        f"interquartile range {record['q1']:g}-{record['q3']:g}"
                    ),
                }
            )
    return pd.DataFrame(rows, columns=[item, "reason"])
