"""Comparison: a region against a good practice's requirements, another region, or itself.

Pure functions: tidy DataFrames in, tidy DataFrames out, no I/O. Profiles are frames with one
row per dimension and a ``dimension`` (key) and ``level`` column, such as the output of
:func:`scirocco_lab.assessment.scoring.region_profile`. A level is NaN when nobody could rate the
dimension (don't-know) or it was left unrated.

**Readiness against requirements.** For each dimension the *requirement level* is what the
good practice needs (its GP assessment) and the *readiness level* what the region has (its HS
assessment). ``gap = readiness_level - requirement_level``; the region *meets* the requirement
when the gap is 0 or more, and is *short* by ``shortfall = requirement_level - readiness_level``
levels otherwise. When either level is missing the status is ``unknown``: an unrated dimension
is never counted as met.

**What the meetings recorded.** A twinning & coaching meeting records, per dimension, the
features the region must implement to adopt the practice, each *possible*, *difficult* or *not
feasible* there, and the adaptation needed. Given those rows (``feasibility``, see
:func:`practice_gaps`), each gap shows the least feasible feature of its dimension and why.

**Ranking good practices** (:func:`rank_practices`), most ready first: fewest dimensions with
a feature recorded as *not feasible* for the region; then fewest dimensions short; then
smallest total shortfall; then fewest unknown dimensions; then smallest largest shortfall; then
fewest dimensions with a *difficult* feature; then practice key (so the order is
reproducible). A practice the region cannot implement thus ranks below one it can, and its
``feasibility_reason`` says which feature blocks it.

>>> import pandas as pd
>>> from scirocco_lab.instruments import load_instrument
>>> exchange = load_instrument()
>>> readiness = pd.DataFrame({"dimension": ["funding", "evaluation_methods"],
...                           "level": [2.0, 4.0]})
>>> requirements = pd.DataFrame({"practice": "gp", "dimension": ["funding",
...     "evaluation_methods"], "requirement_level": [4.0, 3.0]})
>>> gaps = practice_gaps(readiness, requirements, exchange)
>>> gaps.set_index("dimension").loc[["funding", "evaluation_methods"], "status_text"].tolist()
['short by 2 levels', 'meets (1 level above)']
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scirocco_lab.assessment.scoring import (
    consensus_profile,
    individual_profile,
    region_profile,
    subject_profiles,
)
from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    InputProblem,
    InstrumentError,
    NotFoundError,
    require_columns,
)
from scirocco_lab.instruments import Crosswalk, Instrument, load_crosswalk

__all__ = [
    "FEASIBILITY_COLUMNS",
    "FEASIBILITY_LEVELS",
    "GAP_COLUMNS",
    "STATUS_MEETS",
    "STATUS_SHORT",
    "STATUS_UNKNOWN",
    "check_regions",
    "compare_across_instruments",
    "compare_over_time",
    "compare_regions",
    "gap_summary",
    "practice_gaps",
    "practice_requirements",
    "rank_practices",
    "region_profiles",
    "round_profile",
]

STATUS_MEETS = "meets"
STATUS_SHORT = "short"
STATUS_UNKNOWN = "unknown"

GAP_COLUMNS = [
    "region",
    "practice",
    "dimension",
    "dimension_number",
    "dimension_name",
    "readiness_level",
    "requirement_level",
    "gap",
    "shortfall",
    "status",
    "status_text",
    "features",
    "feasibility",
    "feasibility_text",
]

FEASIBILITY_LEVELS = ("possible", "difficult", "not feasible")
"""Feasibility a twinning meeting records for a feature, from most to least feasible."""

FEASIBILITY_COLUMNS = ["practice", "dimension", "feature", "feasibility", "adaptation"]
"""Columns of the meeting rows :func:`practice_gaps` reads (``region`` optional)."""

_NOT_DISCUSSED = "not discussed in a twinning meeting"


# ---------------------------------------------------------------------------------------
# Helpers


def _levels(n: float) -> str:
    text = f"{n:g}"
    return f"{text} level" if n == 1 else f"{text} levels"


def _dimension_frame(instrument: Instrument) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension": list(instrument.dimension_keys),
            "dimension_number": [d.number for d in instrument.dimensions],
            "dimension_name": [d.name for d in instrument.dimensions],
        }
    )


def _check_dimensions(frame: pd.DataFrame, instrument: Instrument) -> None:
    """A dimension the instrument does not know means profiles of different instruments were
    mixed up; fail loudly (the error lists the valid keys) instead of dropping it."""
    for key in pd.unique(frame["dimension"]):
        instrument.dimension(str(key))


def _single_subject(profile: pd.DataFrame, what: str) -> str | None:
    if "subject" not in profile.columns or profile.empty:
        return None
    subjects = pd.unique(profile["subject"].dropna())
    if len(subjects) > 1:
        raise DataValidationError(
            [
                InputProblem(
                    what,
                    None,
                    "subject",
                    ", ".join(map(str, subjects)),
                    "expected the profile of one region",
                    "filter the frame to one subject first",
                )
            ]
        )
    return str(subjects[0]) if len(subjects) else None


def _levels_by_dimension(
    profile: pd.DataFrame, instrument: Instrument, level: str, what: str
) -> pd.Series:
    require_columns(profile, ["dimension", level], what)
    _check_dimensions(profile, instrument)
    series = profile.drop_duplicates("dimension", keep="last").set_index("dimension")[level]
    return pd.to_numeric(series, errors="coerce").astype(float).reindex(instrument.dimension_keys)


def check_regions(chosen: Sequence, known: Sequence, unknown_are: str, known_are: str) -> None:
    """Raise :class:`NotFoundError` when a region of ``chosen`` is not in ``known``, naming
    them and every known one.

    >>> check_regions(["a", "x"], ["a", "b"], "no ratings for region(s)", "Regions with ratings")
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.NotFoundError: no ratings for region(s) x. Regions with ratings: a, b.
    """
    unknown = [region for region in chosen if region not in known]
    if unknown:
        raise NotFoundError(
            f"{unknown_are} {', '.join(map(str, unknown))}. "
            f"{known_are}: {', '.join(map(str, known)) or 'none'}."
        )


def region_profiles(
    ratings: pd.DataFrame, instrument: Instrument, regions: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every region's profile (:func:`~scirocco_lab.assessment.scoring.region_profile`) in one
    frame.

    ``regions`` defaults to every subject in ``ratings`` (in sorted order); a region with no
    ratings raises :class:`NotFoundError` naming those that have some.

    >>> from scirocco_lab.instruments import load_instrument
    >>> ratings = pd.DataFrame({"subject": ["a", "b"], "round": 1, "mode": "consensus",
    ...     "dimension": "funding", "level": [1.0, 3.0], "dont_know": False})
    >>> region_profiles(ratings, load_instrument()).groupby("subject").size().tolist()
    [12, 12]
    """
    require_columns(ratings, ["subject", "round", "dimension", "level"], "ratings")
    available = sorted(map(str, pd.unique(ratings["subject"].dropna())))
    chosen = list(regions) if regions is not None else available
    check_regions(chosen, available, "no ratings for region(s)", "Regions with ratings")
    if not chosen:
        return region_profile(ratings.iloc[0:0], instrument, "").iloc[0:0]
    return subject_profiles(ratings, instrument, chosen)


# ---------------------------------------------------------------------------------------
# Requirements of good practices


def _ordered_features(groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Union of several feature lists, the most often named first (then first named)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for features in groups:
        for feature in features or ():
            counts[feature] += 1
            first_seen.setdefault(feature, len(first_seen))
    return tuple(sorted(counts, key=lambda f: (-counts[f], first_seen[f])))


def practice_requirements(
    ratings: pd.DataFrame, instrument: Instrument, practice: str | None = None
) -> pd.DataFrame:
    """Good practices' requirement profiles from their GP ratings, one row per dimension.

    ``requirement_level`` is the consensus level where the practice has a consensus
    assessment, else the median of the latest individual ratings (``requirement_source``
    says which). ``features`` are those the consensus names for the dimension, or without a
    consensus every feature an individual assessor named, most often named first.
    ``practice=None`` gives every practice in ``ratings``.

    >>> from scirocco_lab.instruments import load_instrument
    >>> gp = pd.DataFrame({"subject": "gp", "round": 1, "mode": "consensus",
    ...     "dimension": "funding", "level": [4.0], "dont_know": False,
    ...     "features": [("Pooled budget",)]})
    >>> row = practice_requirements(gp, load_instrument()).set_index("dimension").loc["funding"]
    >>> (float(row.requirement_level), row.features)
    (4.0, ('Pooled budget',))
    """
    require_columns(ratings, ["subject", "round", "dimension", "level"], "GP ratings")
    available = sorted(map(str, pd.unique(ratings["subject"].dropna())))
    if practice is not None and practice not in available:
        raise NotFoundError(
            f"no requirement ratings for good practice '{practice}'. "
            f"Good practices with ratings: {', '.join(available) or 'none'}."
        )
    chosen = [practice] if practice is not None else available
    has_mode = "mode" in ratings.columns
    has_features = "features" in ratings.columns
    frames = []
    for key in chosen:
        own = ratings[ratings["subject"] == key]
        if not has_mode:
            own = own.assign(mode="individual")
        profile = region_profile(own, instrument, key)
        sources = dict(zip(profile["dimension"], profile["level_source"], strict=True))
        features: dict[str, tuple[str, ...]] = {}
        if has_features:
            # Features come from the same assessment as the level: the consensus when the
            # level is the consensus, else the latest round of individual assessments.
            by_mode = {
                mode: part[part["round"] == part["round"].max()]
                for mode, part in own.groupby("mode")
            }
            for dimension in instrument.dimension_keys:
                mode = "consensus" if sources[dimension] == "consensus" else "individual"
                source = by_mode.get(mode, own.iloc[0:0])
                features[dimension] = _ordered_features(
                    source.loc[source["dimension"] == dimension, "features"].tolist()
                )
        frames.append(
            pd.DataFrame(
                {
                    "practice": key,
                    "dimension": profile["dimension"],
                    "dimension_number": profile["dimension_number"],
                    "dimension_name": profile["dimension_name"],
                    "requirement_level": profile["level"].astype(float),
                    "requirement_source": profile["level_source"],
                    "features": [features.get(d, ()) for d in profile["dimension"]],
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=[
                "practice",
                "dimension",
                "dimension_number",
                "dimension_name",
                "requirement_level",
                "requirement_source",
                "features",
            ]
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------
# Region against good practice


def _status_text(status: str, gap: float, readiness: float, requirement: float) -> str:
    if status == STATUS_UNKNOWN:
        if np.isnan(readiness) and np.isnan(requirement):
            return "unknown: neither the region nor the practice has a level"
        if np.isnan(readiness):
            return "unknown: the region has no level (don't know or not rated)"
        return "unknown: the practice's requirement is not rated"
    if status == STATUS_SHORT:
        return f"short by {_levels(-gap)}"
    return "meets" if gap == 0 else f"meets ({_levels(gap)} above)"


def _feasibility_by_dimension(
    feasibility: pd.DataFrame | None, region: str | None, instrument: Instrument
) -> dict[tuple[str, str], tuple[str, str]]:
    """(practice, dimension) -> (least feasible level, its text) from the meeting rows."""
    if feasibility is None or len(feasibility) == 0:
        return {}
    require_columns(feasibility, FEASIBILITY_COLUMNS, "twinning meeting features")
    rows = feasibility
    if "region" in rows.columns and region is not None:
        rows = rows[rows["region"] == region]
    bad = [v for v in pd.unique(rows["feasibility"].dropna()) if v not in FEASIBILITY_LEVELS]
    if bad:
        raise DataValidationError(
            [
                InputProblem(
                    "twinning meeting features",
                    None,
                    "feasibility",
                    value,
                    "unknown feasibility",
                    f"use one of {', '.join(FEASIBILITY_LEVELS)} or leave it empty",
                )
                for value in bad
            ]
        )
    _check_dimensions(rows, instrument)
    rank = {level: position for position, level in enumerate(FEASIBILITY_LEVELS)}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for (practice, dimension), group in rows.groupby(["practice", "dimension"], sort=False):
        rated = group[group["feasibility"].notna()]
        if rated.empty:
            continue
        worst = max(rated["feasibility"], key=rank.__getitem__)
        parts = []
        for record in rated[rated["feasibility"] == worst].itertuples():
            text = str(record.feature)
            if isinstance(record.adaptation, str) and record.adaptation.strip():
                text += f" (adaptation: {record.adaptation.strip()})"
            parts.append(text)
        out[(str(practice), str(dimension))] = (worst, f"{worst}: {'; '.join(parts)}")
    return out


def practice_gaps(
    readiness: pd.DataFrame,
    requirements: pd.DataFrame,
    instrument: Instrument,
    *,
    feasibility: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per dimension and practice: readiness, requirement, gap, shortfall, status, features.

    ``readiness`` is one region's profile (``dimension``, ``level``; e.g. from
    :func:`~scirocco_lab.assessment.scoring.region_profile`). ``requirements`` has ``dimension`` and
    ``requirement_level`` (and optionally ``practice`` and ``features``) for one or more
    practices, e.g. from :func:`practice_requirements`. ``status`` is ``meets``, ``short`` or
    ``unknown``; ``status_text`` says it in words ("short by 2 levels").

    ``feasibility`` (optional) holds the twinning meetings' feature rows (columns
    :data:`FEASIBILITY_COLUMNS`, plus ``region`` to keep only this region's meetings). Each
    gap then shows, in ``feasibility``, the least feasible level recorded for its dimension
    ("possible", "difficult", "not feasible"; None when not discussed) and, in
    ``feasibility_text``, which features are at that level and the adaptation they need.

    >>> from scirocco_lab.instruments import load_instrument
    >>> meeting = pd.DataFrame({"practice": "gp", "dimension": "funding",
    ...     "feature": ["Pooled budget"], "feasibility": ["not feasible"],
    ...     "adaptation": ["needs a law change"]})
    >>> gaps = practice_gaps(pd.DataFrame({"dimension": ["funding"], "level": [2.0]}),
    ...     pd.DataFrame({"practice": "gp", "dimension": ["funding"], "requirement_level": [3.0]}),
    ...     load_instrument(), feasibility=meeting)
    >>> gaps.set_index("dimension").loc["funding", "feasibility_text"]
    'not feasible: Pooled budget (adaptation: needs a law change)'
    """
    region = _single_subject(readiness, "readiness profile")
    readiness_levels = _levels_by_dimension(readiness, instrument, "level", "readiness profile")
    require_columns(requirements, ["dimension", "requirement_level"], "requirements")
    _check_dimensions(requirements, instrument)
    if "practice" not in requirements.columns:
        requirements = requirements.assign(practice=None)
    parts = []
    for practice, group in requirements.groupby("practice", sort=False, dropna=False):
        indexed = group.drop_duplicates("dimension", keep="last").set_index("dimension")
        frame = _dimension_frame(instrument)
        frame.insert(0, "practice", None if pd.isna(practice) else practice)
        frame.insert(0, "region", region)
        frame["readiness_level"] = readiness_levels.to_numpy()
        frame["requirement_level"] = (
            pd.to_numeric(indexed["requirement_level"], errors="coerce")
            .astype(float)
            .reindex(instrument.dimension_keys)
            .to_numpy()
        )
        if "features" in indexed.columns:
            features = indexed["features"].reindex(instrument.dimension_keys)
            frame["features"] = [tuple(f) if isinstance(f, (tuple, list)) else () for f in features]
        else:
            frame["features"] = [()] * len(frame)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["gap"] = out["readiness_level"] - out["requirement_level"]
    out["shortfall"] = (out["requirement_level"] - out["readiness_level"]).clip(lower=0)
    out["status"] = np.where(
        out["gap"].isna(),
        STATUS_UNKNOWN,
        np.where(out["gap"] < 0, STATUS_SHORT, STATUS_MEETS),
    )
    out["status_text"] = [
        _status_text(status, gap, readiness, requirement)
        for status, gap, readiness, requirement in zip(
            out["status"],
            out["gap"],
            out["readiness_level"],
            out["requirement_level"],
            strict=True,
        )
    ]
    recorded = _feasibility_by_dimension(feasibility, region, instrument)
    found = [
        recorded.get((str(practice), str(dimension)))
        for practice, dimension in zip(out["practice"], out["dimension"], strict=True)
    ]
    out["feasibility"] = [None if f is None else f[0] for f in found]
    out["feasibility_text"] = [_NOT_DISCUSSED if f is None else f[1] for f in found]
    return out[GAP_COLUMNS]


def _verdict(short: int, unknown: int, total: float, infeasible: int = 0) -> str:
    if short == 0 and unknown == 0:
        text = "ready: meets every requirement"
    elif short == 0:
        text = f"meets every rated requirement; {unknown} unknown"
    else:
        text = f"short in {short} dimension{'s' if short != 1 else ''} by {_levels(total)} in total"
        text = f"{text}; {unknown} unknown" if unknown else text
    if infeasible:
        text += f"; a required feature is not feasible in {infeasible} dimension" + (
            "s" if infeasible != 1 else ""
        )
    return text


def gap_summary(gaps: pd.DataFrame) -> pd.DataFrame:
    """Summary indicators, one row per region x practice of a :func:`practice_gaps` frame.

    Columns: region, practice, dimensions_met, dimensions_short, dimensions_unknown,
    total_shortfall, largest_shortfall, largest_shortfall_dimensions (names, joined by
    ", "), dimensions_infeasible and dimensions_difficult (dimensions whose least feasible
    recorded feature is "not feasible" / "difficult"), feasibility_reason (the blocking
    features by dimension, "" when none), verdict. Unknown dimensions count neither as met nor
    as short.
    """
    rows = []
    for (region, practice), group in gaps.groupby(["region", "practice"], sort=False, dropna=False):
        short = group[group["status"] == STATUS_SHORT]
        total = float(short["shortfall"].sum())
        largest = float(short["shortfall"].max()) if not short.empty else 0.0
        unknown = int((group["status"] == STATUS_UNKNOWN).sum())
        feasible = group["feasibility"] if "feasibility" in group else pd.Series(dtype=object)
        blocked = group[feasible == "not feasible"]
        reason = "; ".join(
            f"{name}: {text}"
            for name, text in zip(
                blocked["dimension_name"], blocked["feasibility_text"], strict=True
            )
        )
        rows.append(
            {
                "region": None if pd.isna(region) else region,
                "practice": None if pd.isna(practice) else practice,
                "dimensions_met": int((group["status"] == STATUS_MEETS).sum()),
                "dimensions_short": len(short),
                "dimensions_unknown": unknown,
                "total_shortfall": total,
                "largest_shortfall": largest,
                "largest_shortfall_dimensions": ", ".join(
                    short.loc[short["shortfall"] == largest, "dimension_name"]
                )
                if not short.empty
                else "",
                "dimensions_infeasible": len(blocked),
                "dimensions_difficult": int((feasible == "difficult").sum()),
                "feasibility_reason": reason,
                "verdict": _verdict(len(short), unknown, total, len(blocked)),
            }
        )
    return pd.DataFrame(rows)


def rank_practices(
    readiness: pd.DataFrame,
    requirements: pd.DataFrame,
    instrument: Instrument,
    *,
    feasibility: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Good practices ranked by how ready the region is to adopt each (``rank`` 1 = most).

    The :func:`gap_summary` of every practice in ``requirements``, sorted by: fewest
    dimensions with a feature the region's twinning meetings found *not feasible*
    (``feasibility``, as in :func:`practice_gaps`), fewest dimensions short, smallest total
    shortfall, fewest unknown dimensions, smallest largest shortfall, fewest *difficult*
    dimensions, practice key. Practices tied on all six indicators share a rank; the
    ``feasibility_reason`` column says what makes a practice infeasible.

    >>> from scirocco_lab.instruments import load_instrument
    >>> readiness = pd.DataFrame({"dimension": ["funding"], "level": [2.0]})
    >>> requirements = pd.DataFrame({"practice": ["hard", "easy"], "dimension": "funding",
    ...                              "requirement_level": [4.0, 1.0]})
    >>> rank_practices(readiness, requirements, load_instrument())["practice"].tolist()
    ['easy', 'hard']
    """
    summary = gap_summary(
        practice_gaps(readiness, requirements, instrument, feasibility=feasibility)
    )
    keys = [
        "dimensions_infeasible",
        "dimensions_short",
        "total_shortfall",
        "dimensions_unknown",
        "largest_shortfall",
        "dimensions_difficult",
    ]
    summary = summary.sort_values([*keys, "practice"], kind="stable").reset_index(drop=True)
    ranks, previous = [], None
    for position, indicators in enumerate(summary[keys].itertuples(index=False, name=None)):
        ranks.append(ranks[-1] if indicators == previous else position + 1)
        previous = indicators
    summary.insert(0, "rank", ranks)
    return summary


# ---------------------------------------------------------------------------------------
# Region against region, and against itself over time


def _comparison_word(difference: float, label: str, other_label: str) -> str:
    if np.isnan(difference):
        return "unknown"
    if difference == 0:
        return "equal"
    ahead = other_label if difference > 0 else label
    return f"{ahead} ahead by {_levels(abs(difference))}"


def compare_regions(
    profile: pd.DataFrame, other_profile: pd.DataFrame, instrument: Instrument
) -> pd.DataFrame:
    """Two regions' profiles side by side, per dimension.

    ``difference = other_level - region_level`` (positive: the other region is ahead);
    ``comparison`` says it in words, ``unknown`` when either level is missing.

    >>> from scirocco_lab.instruments import load_instrument
    >>> a = pd.DataFrame({"subject": "a", "dimension": ["funding"], "level": [1.0]})
    >>> b = pd.DataFrame({"subject": "b", "dimension": ["funding"], "level": [3.0]})
    >>> compare_regions(a, b, load_instrument()).iloc[4]["comparison"]
    'b ahead by 2 levels'
    """
    region = _single_subject(profile, "profile") or "region"
    other = _single_subject(other_profile, "other profile") or "other region"
    out = _dimension_frame(instrument)
    out.insert(0, "other_region", other)
    out.insert(0, "region", region)
    out["region_level"] = _levels_by_dimension(profile, instrument, "level", "profile").to_numpy()
    out["other_level"] = _levels_by_dimension(
        other_profile, instrument, "level", "other profile"
    ).to_numpy()
    out["difference"] = out["other_level"] - out["region_level"]
    out["comparison"] = [_comparison_word(d, region, other) for d in out["difference"]]
    return out


def _to_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _resolve_round(own: pd.DataFrame, when, region: str, rounds: list[int]) -> int:
    """A round number, or a date: the last round with an assessment on or before it."""
    if isinstance(when, (int, np.integer)) and not isinstance(when, bool):
        if int(when) not in rounds:
            raise NotFoundError(
                f"region '{region}' has no round {when}; rounds: {', '.join(map(str, rounds))}."
            )
        return int(when)
    if "assessed_on" not in own.columns:
        raise ConfigurationError(
            "a date was given but the ratings have no 'assessed_on' column; "
            "pass round numbers instead"
        )
    try:
        cutoff = _to_date(when)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            f"'{when}' is neither a round number nor a date (use YYYY-MM-DD)"
        ) from exc
    dates = own.assign(_date=[_to_date(v) for v in own["assessed_on"]])
    before = dates[dates["_date"] <= cutoff]
    if before.empty:
        first = min(dates["_date"])
        raise NotFoundError(
            f"region '{region}' has no assessment on or before {cutoff}; the first is {first}."
        )
    return int(before["round"].max())


def round_profile(
    ratings: pd.DataFrame, instrument: Instrument, region: str, round: int
) -> pd.DataFrame:
    """A region's profile in one round: the consensus of that round where there is one, else
    the median of that round's individual ratings (columns dimension, ..., level,
    level_source)."""
    own = ratings[ratings["subject"] == region]
    individual = individual_profile(own, instrument, round=round)
    consensus = (
        consensus_profile(own, instrument, round=round)
        if "mode" in own.columns
        else pd.DataFrame(columns=["dimension", "consensus_level"])
    )
    out = _dimension_frame(instrument).assign(subject=region, round=round)
    out = out.merge(individual[["dimension", "median"]], on="dimension", how="left").merge(
        consensus[["dimension", "consensus_level"]], on="dimension", how="left"
    )
    has_consensus = out["consensus_level"].notna()
    out["level"] = out["consensus_level"].where(has_consensus, out["median"]).astype(float)
    out["level_source"] = np.where(
        has_consensus,
        "consensus",
        np.where(out["median"].notna(), "individual median", "not rated"),
    )
    return out[["subject", "round", "dimension", "dimension_number", "dimension_name", "level",
                "level_source"]]  # fmt: skip


def compare_over_time(
    ratings: pd.DataFrame,
    instrument: Instrument,
    region: str,
    *,
    earlier: int | str | dt.date | None = None,
    later: int | str | dt.date | None = None,
) -> pd.DataFrame:
    """A region against itself: its profile in an earlier and a later round.

    ``earlier`` and ``later`` are round numbers or dates (``"2025-03-01"``: the last round
    with an assessment of the region on or before that day); by default the first and the
    last round. Each round's level is its consensus, else its individual median
    (:func:`round_profile`). Only ratings made with ``instrument`` are used; to compare
    assessments made with two generations of the instrument use
    :func:`compare_across_instruments`. ``change = later_level - earlier_level``.

    >>> from scirocco_lab.instruments import load_instrument
    >>> ratings = pd.DataFrame({"subject": "a", "round": [1, 2], "mode": "consensus",
    ...     "dimension": "funding", "level": [1.0, 3.0], "dont_know": False})
    >>> compare_over_time(ratings, load_instrument(), "a").iloc[4]["direction"]
    'improved'
    """
    require_columns(ratings, ["subject", "round", "dimension", "level"], "ratings")
    own = ratings[ratings["subject"] == region]
    if "instrument" in own.columns:
        own = own[own["instrument"] == instrument.id]
    if own.empty:
        available = sorted(map(str, pd.unique(ratings["subject"].dropna())))
        raise NotFoundError(
            f"no ratings of region '{region}' with instrument '{instrument.id}'. "
            f"Regions with ratings: {', '.join(available) or 'none'}."
        )
    rounds = sorted(int(r) for r in pd.unique(own["round"]))
    earlier_round = rounds[0] if earlier is None else _resolve_round(own, earlier, region, rounds)
    later_round = rounds[-1] if later is None else _resolve_round(own, later, region, rounds)
    if earlier_round == later_round:
        raise ConfigurationError(
            f"both ends of the comparison are round {earlier_round} of '{region}'; rounds "
            f"recorded: {', '.join(map(str, rounds))}. Give two different rounds or dates."
        )
    before = round_profile(own, instrument, region, earlier_round)
    after = round_profile(own, instrument, region, later_round)
    out = before[["subject", "dimension", "dimension_number", "dimension_name"]].rename(
        columns={"subject": "region"}
    )
    out["earlier_round"] = earlier_round
    out["later_round"] = later_round
    out["earlier_level"] = before["level"].to_numpy()
    out["later_level"] = after["level"].to_numpy()
    out["change"] = out["later_level"] - out["earlier_level"]
    out["direction"] = np.where(
        out["change"].isna(),
        "unknown",
        np.where(out["change"] > 0, "improved", np.where(out["change"] < 0, "declined", "same")),
    )
    return out


# ---------------------------------------------------------------------------------------
# Across instrument generations


def compare_across_instruments(
    from_profile: pd.DataFrame,
    from_instrument: Instrument,
    to_profile: pd.DataFrame,
    to_instrument: Instrument,
    *,
    crosswalk: Crosswalk | None = None,
) -> pd.DataFrame:
    """Compare profiles made with two instruments through their cross-walk.

    Typically a region's older profile (``from``, e.g. SCIROCCO v3) against its newer one
    (``to``, SCIROCCO Exchange). One or more rows per cross-walk link:

    - ``same``/``renamed``: one row, compared directly.
    - ``merged`` (several ``from`` dimensions became one): one row per source dimension, and a
      row comparing against the *mean* of the sources (NaN if any source is unrated), all
      flagged ``caution=True``: neither source alone measured what the merged dimension does.
    - ``split``: the mirror image (one row per target and one against the targets' mean).
    - ``new``/``dropped``: one row with ``comparable=False`` and ``comparison`` "no
      counterpart": the dimension exists in only one instrument.

    ``change = to_level - from_level``. The default cross-walk is the bundled one
    (:func:`~scirocco_lab.instruments.load_crosswalk`).

    >>> from scirocco_lab.instruments import load_instrument
    >>> v3, exchange = load_instrument("scirocco-v3"), load_instrument()
    >>> old = pd.DataFrame({"dimension": list(v3.dimension_keys), "level": 2.0})
    >>> new = pd.DataFrame({"dimension": list(exchange.dimension_keys), "level": 3.0})
    >>> table = compare_across_instruments(old, v3, new, exchange)
    >>> table.loc[table.to_dimension == "process_coordination", "comparison"].item()
    'no counterpart (new in scirocco-exchange)'
    """
    if crosswalk is None:
        crosswalk = load_crosswalk(from_instrument.id, to_instrument.id)
    if (crosswalk.from_instrument, crosswalk.to_instrument) == (
        to_instrument.id,
        from_instrument.id,
    ):
        crosswalk = crosswalk.reversed()
    if (crosswalk.from_instrument, crosswalk.to_instrument) != (
        from_instrument.id,
        to_instrument.id,
    ):
        raise InstrumentError(
            f"cross-walk '{crosswalk.id}' maps {crosswalk.from_instrument} to "
            f"{crosswalk.to_instrument}, not {from_instrument.id} to {to_instrument.id}"
        )
    from_levels = _levels_by_dimension(from_profile, from_instrument, "level", "from profile")
    to_levels = _levels_by_dimension(to_profile, to_instrument, "level", "to profile")
    from_names, to_names = from_instrument.dimension_names, to_instrument.dimension_names
    from_subject = _single_subject(from_profile, "from profile")
    to_subject = _single_subject(to_profile, "to profile")

    def row(relation, from_keys, to_keys, from_level, to_level, comparable, caution, comparison):
        return {
            "relation": relation,
            "from_dimension": " + ".join(from_keys) if from_keys else None,
            "from_dimension_name": " + ".join(from_names[k] for k in from_keys) or None,
            "to_dimension": " + ".join(to_keys) if to_keys else None,
            "to_dimension_name": " + ".join(to_names[k] for k in to_keys) or None,
            "from_level": from_level,
            "to_level": to_level,
            "comparable": comparable,
            "caution": caution,
            "comparison": comparison,
        }

    def mean(levels: pd.Series, keys) -> float:
        return float(levels[list(keys)].mean(skipna=False))

    rows = []
    for link in crosswalk.links:
        for key in link.from_keys:
            from_instrument.dimension(key)
        for key in link.to_keys:
            to_instrument.dimension(key)
        relation, sources, targets = link.relation, link.from_keys, link.to_keys
        if not link.comparable:
            # Only one side has the dimension: new in the ``to`` instrument, or dropped from it.
            word = "new in" if not sources else "dropped from"
            text = f"no counterpart ({word} {to_instrument.id})"
            rows.append(
                row(
                    relation,
                    sources,
                    targets,
                    mean(from_levels, sources) if sources else np.nan,
                    mean(to_levels, targets) if targets else np.nan,
                    False,
                    False,
                    text,
                )
            )
        elif len(sources) == 1 and len(targets) == 1:
            rows.append(
                row(
                    relation,
                    sources,
                    targets,
                    float(from_levels[sources[0]]),
                    float(to_levels[targets[0]]),
                    True,
                    False,
                    "compared" if relation == "same" else f"compared ({relation})",
                )
            )
        elif len(targets) == 1:  # merged: several sources, one target
            target_level = float(to_levels[targets[0]])
            for key in sources:
                rows.append(
                    row(relation, (key,), targets, float(from_levels[key]), target_level,
                        True, True,
                        f"with caution: one of {len(sources)} merged source dimensions")
                )  # fmt: skip
            rows.append(
                row(relation, sources, targets, mean(from_levels, sources), target_level,
                    True, True, "with caution: mean of the merged source dimensions")
            )  # fmt: skip
        else:  # split (or many-to-many): one source level against each target
            source_level = mean(from_levels, sources)
            for key in targets:
                rows.append(
                    row(relation, sources, (key,), source_level, float(to_levels[key]),
                        True, True,
                        f"with caution: one of {len(targets)} dimensions split from the source")
                )  # fmt: skip
            rows.append(
                row(relation, sources, targets, source_level, mean(to_levels, targets),
                    True, True, "with caution: mean of the split dimensions")
            )  # fmt: skip
    out = pd.DataFrame(rows)
    out.insert(0, "to_instrument", to_instrument.id)
    out.insert(0, "from_instrument", from_instrument.id)
    out.insert(0, "to_subject", to_subject)
    out.insert(0, "from_subject", from_subject)
    out["change"] = out["to_level"] - out["from_level"]
    out.loc[~out["comparable"], "change"] = np.nan
    return out
