"""Region profiles: what the individual ratings and the consensus say, per dimension.

All functions take the tidy ratings frame of :func:`scirocco_lab.store.ratings_frame` (or any
frame with the same columns) and an :class:`~scirocco_lab.instruments.Instrument`, and return
tidy DataFrames in the instrument's dimension order.

>>> import pandas as pd
>>> from scirocco_lab.instruments import load_instrument
>>> ratings = pd.DataFrame({
...     "subject": "northvale", "round": 1, "mode": "individual",
...     "assessor": ["A", "B", "C"], "dimension": "funding",
...     "level": [2.0, 3.0, float("nan")], "dont_know": [False, False, True]})
>>> row = individual_profile(ratings, load_instrument()).set_index("dimension").loc["funding"]
>>> (int(row["n_rated"]), int(row["n_dont_know"]), float(row["median"]))
(2, 1, 2.5)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scirocco_lab.assessment.consensus import DelphiRule, delphi_table
from scirocco_lab.errors import require_columns
from scirocco_lab.instruments import Instrument

__all__ = [
    "PROFILE_COLUMNS",
    "RATING_STATISTICS",
    "consensus_profile",
    "individual_profile",
    "region_profile",
    "strengths_and_weaknesses",
    "subject_profiles",
]

#: The statistics of a dimension's individual ratings, in both profiles.
RATING_STATISTICS = [
    "n_rated",
    "n_dont_know",
    "median",
    "q1",
    "q3",
    "iqr",
    "distribution",
    "delphi_label",
]
PROFILE_COLUMNS = [
    "subject",
    "round",
    "dimension",
    "dimension_number",
    "dimension_name",
    *RATING_STATISTICS,
]


def _dimension_frame(instrument: Instrument) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension": list(instrument.dimension_keys),
            "dimension_number": [d.number for d in instrument.dimensions],
            "dimension_name": [d.name for d in instrument.dimensions],
        }
    )


def _latest_round(ratings: pd.DataFrame) -> pd.DataFrame:
    if ratings.empty:
        return ratings
    last = ratings.groupby("subject")["round"].transform("max")
    return ratings[ratings["round"] == last]


def individual_profile(
    ratings: pd.DataFrame,
    instrument: Instrument,
    *,
    round: int | str = "latest",
) -> pd.DataFrame:
    """Per subject and dimension: n rated, n don't-know, median, quartiles and IQR.

    Uses individual assessments only (``mode`` column, when present). ``round`` is a round
    number, ``"latest"`` (each subject's last round, the default) or ``"all"`` (one row per
    round). The statistics are those of :func:`scirocco_lab.assessment.consensus.delphi_table`
    (linear quartiles), so a profile and the consensus table never disagree; its Delphi
    ``distribution`` and ``delphi_label`` come along. Every dimension of the instrument appears,
    with ``n_rated`` 0 and NaN statistics when nobody rated it.
    """
    require_columns(ratings, ["subject", "round", "dimension", "level"], "ratings")
    frame = ratings
    if "mode" in frame.columns:
        frame = frame[frame["mode"] == "individual"]
    if round == "latest":
        frame = _latest_round(frame)
    elif round != "all":
        frame = frame[frame["round"] == int(round)]
    keys = ["subject", "round", "dimension"]
    if frame.empty:
        stats = pd.DataFrame(columns=[*keys, *PROFILE_COLUMNS[5:]])
    else:
        stats = delphi_table(
            frame,
            rule=DelphiRule(scale=(instrument.scale_min, instrument.scale_max)),
            dont_know="dont_know" if "dont_know" in frame.columns else None,
            rater="assessor" if "assessor" in frame.columns else None,
        )
    # Every dimension of the instrument, rated or not, in the instrument's order.
    combos = frame[["subject", "round"]].drop_duplicates()
    full = combos.merge(_dimension_frame(instrument), how="cross")
    out = full.merge(stats[[*keys, *PROFILE_COLUMNS[5:]]], on=keys, how="left")
    out["n_rated"] = out["n_rated"].fillna(0).astype(int)
    out["n_dont_know"] = out["n_dont_know"].fillna(0).astype(int)
    out = out.sort_values(["subject", "round", "dimension_number"], kind="stable")
    return out[PROFILE_COLUMNS].reset_index(drop=True)


def consensus_profile(
    ratings: pd.DataFrame,
    instrument: Instrument,
    *,
    round: int | str = "latest",
) -> pd.DataFrame:
    """Per subject and dimension: the level agreed in the consensus assessment.

    Columns: subject, round, dimension, dimension_number, dimension_name, consensus_level
    (NaN for don't-know), dont_know, justification.
    """
    require_columns(ratings, ["subject", "round", "mode", "dimension", "level"], "ratings")
    frame = ratings[ratings["mode"] == "consensus"]
    if round == "latest":
        frame = _latest_round(frame)
    elif round != "all":
        frame = frame[frame["round"] == int(round)]
    columns = ["subject", "round", "dimension", "level"]
    extra = [c for c in ("dont_know", "justification") if c in frame.columns]
    frame = frame[columns + extra].rename(columns={"level": "consensus_level"})
    out = _dimension_frame(instrument).merge(frame, on="dimension", how="inner")
    out = out.sort_values(["subject", "round", "dimension_number"], kind="stable")
    ordered = [
        "subject",
        "round",
        "dimension",
        "dimension_number",
        "dimension_name",
        "consensus_level",
        *extra,
    ]
    return out[ordered].reset_index(drop=True)


def region_profile(ratings: pd.DataFrame, instrument: Instrument, subject: str) -> pd.DataFrame:
    """One region's profile: the latest individual statistics next to the consensus level.

    One row per dimension with ``consensus_level`` (NaN when no consensus exists yet) and a
    ``level`` column that is the consensus where there is one, else the individual median.

    >>> from scirocco_lab.instruments import load_instrument
    >>> region_profile(pd.DataFrame(columns=["subject", "round", "mode", "dimension",
    ...     "level", "dont_know"]), load_instrument(), "x").shape[0]
    12
    """
    return subject_profiles(ratings, instrument, [subject])


def subject_profiles(
    ratings: pd.DataFrame, instrument: Instrument, subjects: Sequence[str]
) -> pd.DataFrame:
    """:func:`region_profile` of several subjects in one frame, in the order given, computed
    in one pass (the statistics are grouped by subject, so each subject's rows are those
    :func:`region_profile` gives it alone).

    >>> from scirocco_lab.instruments import load_instrument
    >>> ratings = pd.DataFrame({"subject": ["a", "b"], "round": 1, "mode": "consensus",
    ...     "dimension": "funding", "level": [1.0, 3.0], "dont_know": False})
    >>> subject_profiles(ratings, load_instrument(), ["b", "a"])["subject"].unique().tolist()
    ['b', 'a']
    """
    chosen = list(subjects)
    own = ratings[ratings["subject"].isin(chosen)]
    individual = individual_profile(own, instrument)
    consensus = consensus_profile(own, instrument)
    base = pd.DataFrame({"subject": chosen}).merge(_dimension_frame(instrument), how="cross")
    out = base.merge(
        individual.drop(columns=["dimension_number", "dimension_name"]).rename(
            columns={"round": "individual_round"}
        ),
        on=["subject", "dimension"],
        how="left",
    ).merge(
        consensus[["subject", "dimension", "round", "consensus_level"]].rename(
            columns={"round": "consensus_round"}
        ),
        on=["subject", "dimension"],
        how="left",
    )
    out["n_rated"] = out["n_rated"].fillna(0).astype(int)
    out["n_dont_know"] = out["n_dont_know"].fillna(0).astype(int)
    out["level"] = out["consensus_level"].where(out["consensus_level"].notna(), out["median"])
    out["level_source"] = np.where(
        out["consensus_level"].notna(),
        "consensus",
        np.where(out["median"].notna(), "individual median", "not rated"),
    )
    columns = [
        "subject",
        "dimension",
        "dimension_number",
        "dimension_name",
        "level",
        "level_source",
        "consensus_level",
        "consensus_round",
        "individual_round",
        *RATING_STATISTICS,
    ]
    return out[columns]


def strengths_and_weaknesses(
    profile: pd.DataFrame,
    *,
    level: str = "level",
    tie_breakers: tuple[str, ...] = ("median",),
    count: int = 3,
) -> pd.DataFrame:
    """The dimensions a profile rates highest (strengths) and lowest (weaknesses).

    Dimensions are ordered by ``level``, then by each column in ``tie_breakers`` (by default
    the individual median, so of two dimensions agreed at level 3 the one stakeholders rated
    higher ranks higher). The top ``count`` are strengths and the bottom ``count``
    weaknesses; a dimension that ties exactly with the last one taken is kept too, so there
    can be more than ``count``. A dimension is never both, dimensions without a level are
    left out, and a profile whose levels are all equal has neither. Columns: position
    ("strength"/"weakness"), dimension, dimension_name, level, rank (1 = most extreme).

    >>> p = pd.DataFrame({"dimension": list("abcd"), "dimension_name": list("ABCD"),
    ...                   "level": [4, 1, 3, 2]})
    >>> strengths_and_weaknesses(p, count=1)[["position", "dimension"]].values.tolist()
    [['strength', 'a'], ['weakness', 'b']]
    """
    columns = ["position", "dimension", "dimension_name", "level", "rank"]
    rated = profile[profile[level].notna()]
    if rated.empty or rated[level].nunique() < 2:
        return pd.DataFrame(columns=columns)
    keys = [level, *(c for c in tie_breakers if c in rated.columns and c != level)]
    sort_values = rated[keys].astype(float).fillna(-np.inf)
    ordered = rated.assign(_key=list(map(tuple, sort_values.to_numpy())))

    def pick(descending: bool) -> pd.DataFrame:
        ranked = ordered.sort_values(keys, ascending=not descending, kind="stable")
        cut = ranked["_key"].iloc[min(count, len(ranked)) - 1]
        keep = ranked["_key"] >= cut if descending else ranked["_key"] <= cut
        return ranked[keep.to_numpy()]

    strengths, weaknesses = pick(True), pick(False)
    # With few distinct levels the two ends can meet: a dimension counts only at the end it
    # is strictly closer to, judged on the level alone.
    strengths = strengths[strengths[level] > weaknesses[level].max()]
    weaknesses = weaknesses[weaknesses[level] < strengths[level].min()]
    parts = [
        pd.DataFrame(
            {
                "position": position,
                "dimension": part["dimension"].to_numpy(),
                "dimension_name": part["dimension_name"].to_numpy(),
                "level": part[level].astype(float).to_numpy(),
                "rank": np.arange(1, len(part) + 1),
            }
        )
        for position, part in (("strength", strengths), ("weakness", weaknesses))
    ]
    return pd.concat(parts, ignore_index=True)[columns]
