"""A region's maturity over time: across Delphi rounds, years and instrument generations.

:func:`longitudinal` turns every assessment occasion of one region (one instrument and round:
a Delphi round, or a later year's assessment, which the store numbers as a later round) into
one tidy frame in the dimensions of one *target* instrument, usually the newest. Occasions
made with an older generation (SCIROCCO v3) are mapped through the cross-walk; dimensions the
generations merged or split are marked, and dimensions new in the target have no earlier value.

Each occasion's ``level`` is the consensus of that round where there is one, else the median of
the round's individual ratings (as :func:`scirocco_lab.gaps.round_profile`). ``change`` is the
level's change from the region's previous occasion that has one (``previous_occasion``);
``change_ci_low`` and ``change_ci_high`` are a seeded percentile-bootstrap interval of the
change in the individual ratings' median (assessors resampled within each occasion), i.e. how
much of the change the spread of the panel could explain. Occasions with no individual ratings
(a consensus only) have no interval, and ``change_note`` says so.

Methods: ``docs/statistics.md`` ("Longitudinal view").
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from scirocco_lab.errors import ConfigurationError, NotFoundError, require_columns
from scirocco_lab.instruments import Crosswalk, Instrument, load_crosswalk, load_instrument

__all__ = ["LONGITUDINAL_COLUMNS", "longitudinal"]

LONGITUDINAL_COLUMNS = [
    "region",
    "dimension",
    "dimension_number",
    "dimension_name",
    "occasion",
    "occasion_label",
    "instrument",
    "round",
    "date",
    "year",
    "level",
    "level_source",
    "n_rated",
    "median",
    "q1",
    "q3",
    "crosswalk_relation",
    "crosswalk_note",
    "previous_occasion",
    "change",
    "change_ci_low",
    "change_ci_high",
    "change_note",
]
"""Columns of :func:`longitudinal`, one row per target dimension and occasion."""


def longitudinal(
    ratings: pd.DataFrame,
    region: str,
    instrument: Instrument,
    *,
    crosswalks: Mapping[str, Crosswalk] | None = None,
    instruments: Mapping[str, Instrument] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """One region's level per dimension of ``instrument`` at every assessment occasion.

    ``ratings`` is the tidy ratings frame of any instruments (``subject``, ``instrument``,
    ``round``, ``mode``, ``dimension``, ``level``; ``assessor``, ``dont_know`` and
    ``assessed_on`` when present). Occasions are ordered by date (the first ``assessed_on`` of
    the round), then instrument and round. Ratings made with another instrument go through
    ``crosswalks[instrument_id]`` (a cross-walk from that instrument to ``instrument``, e.g. a
    user file from :func:`~scirocco_lab.instruments.load_crosswalk`) or the bundled one.
    ``instruments`` supplies instruments the bundle does not have (e.g. from the store).

    Returns :data:`LONGITUDINAL_COLUMNS`: ``crosswalk_relation`` is "" for the target
    instrument's own occasions, else the cross-walk relation (``merged``: the mean of the
    sources; ``split``: the one source's level; ``new``: no value), explained in
    ``crosswalk_note``.

    Example:
        >>> import pandas as pd
        >>> from scirocco_lab.instruments import load_instrument
        >>> ratings = pd.DataFrame({"subject": "r", "instrument": "scirocco-exchange",
        ...     "round": [1, 1, 2, 2], "mode": "individual", "assessor": ["a", "b"] * 2,
        ...     "dimension": "funding", "level": [1.0, 2.0, 3.0, 3.0], "dont_know": False})
        >>> table = longitudinal(ratings, "r", load_instrument(), n_boot=200)
        >>> row = table[(table.dimension == "funding") & (table.occasion == 2)].iloc[0]
        >>> float(row["level"]), float(row["change"])
        (3.0, 1.5)
    """
    require_columns(ratings, ["subject", "instrument", "round", "dimension", "level"], "ratings")
    if not isinstance(instrument, Instrument):
        raise ConfigurationError(
            f"instrument must be an Instrument, got {type(instrument).__name__}. Fix: pass "
            "load_instrument('scirocco-exchange') or the store's resolve_instrument(...)."
        )
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 0:
        raise ConfigurationError(f"n_boot must be a whole number >= 0, got {n_boot!r}.")
    if not 0 < confidence < 1:
        raise ConfigurationError(f"confidence must be between 0 and 1, got {confidence!r}.")
    own = ratings[ratings["subject"] == region]
    if own.empty:
        available = sorted(map(str, pd.unique(ratings["subject"].dropna())))
        raise NotFoundError(
            f"no ratings of region '{region}'. Regions with ratings: "
            f"{', '.join(available) or 'none'}."
        )
    if "mode" not in own.columns:
        own = own.assign(mode="individual")
    occasions = _occasions(own)
    mappings = {
        instrument_id: _mapping(instrument_id, instrument, crosswalks, instruments)
        for instrument_id in pd.unique(occasions["instrument"])
    }
    rng = np.random.default_rng(seed)
    rows = []
    for occasion in occasions.itertuples():
        part = own[(own["instrument"] == occasion.instrument) & (own["round"] == occasion.round)]
        values = _occasion_values(part)
        for target in instrument.dimensions:
            relation, sources, note = mappings[occasion.instrument][target.key]
            level, source, ratings_by_assessor = _target_values(values, sources)
            rows.append(
                {
                    "region": region,
                    "dimension": target.key,
                    "dimension_number": target.number,
                    "dimension_name": target.name,
                    "occasion": occasion.occasion,
                    "occasion_label": occasion.label,
                    "instrument": occasion.instrument,
                    "round": int(occasion.round),
                    "date": occasion.date,
                    "year": occasion.year,
                    "level": level,
                    "level_source": source,
                    "n_rated": int(ratings_by_assessor.size),
                    "median": _stat(ratings_by_assessor, 50),
                    "q1": _stat(ratings_by_assessor, 25),
                    "q3": _stat(ratings_by_assessor, 75),
                    "crosswalk_relation": relation,
                    "crosswalk_note": note,
                    "individual_ratings": ratings_by_assessor,
                }
            )
    frame = pd.DataFrame(rows)
    frame = _with_changes(frame, n_boot=n_boot, confidence=confidence, rng=rng)
    return frame[LONGITUDINAL_COLUMNS].reset_index(drop=True)


def _occasions(own: pd.DataFrame) -> pd.DataFrame:
    """One row per (instrument, round) in time order, numbered from 1."""
    keys = own[["instrument", "round"]].drop_duplicates()
    if "assessed_on" in own.columns:
        dates = (
            own.assign(_date=pd.to_datetime(own["assessed_on"], errors="coerce"))
            .groupby(["instrument", "round"])["_date"]
            .min()
            .rename("date")
            .reset_index()
        )
        keys = keys.merge(dates, on=["instrument", "round"], how="left")
    else:
        keys = keys.assign(date=pd.NaT)
    keys = keys.sort_values(["date", "instrument", "round"], kind="stable", na_position="last")
    keys = keys.reset_index(drop=True)
    keys["occasion"] = np.arange(1, len(keys) + 1)
    keys["year"] = keys["date"].dt.year.astype("Int64")
    keys["date"] = keys["date"].dt.date
    keys["label"] = [
        f"{'' if pd.isna(year) else f'{year} '}{instrument} r{int(round_number)}"
        for year, instrument, round_number in zip(
            keys["year"], keys["instrument"], keys["round"], strict=True
        )
    ]
    return keys


def _mapping(
    instrument_id: str,
    target: Instrument,
    crosswalks: Mapping[str, Crosswalk] | None,
    instruments: Mapping[str, Instrument] | None,
) -> dict[str, tuple[str, tuple[str, ...], str]]:
    """Target dimension -> (relation, source keys, note) for occasions of ``instrument_id``."""
    if instrument_id == target.id:
        return {key: ("", (key,), "") for key in target.dimension_keys}
    walk = (crosswalks or {}).get(instrument_id) or load_crosswalk(instrument_id, target.id)
    if (walk.from_instrument, walk.to_instrument) == (target.id, instrument_id):
        walk = walk.reversed()
    if (walk.from_instrument, walk.to_instrument) != (instrument_id, target.id):
        raise ConfigurationError(
            f"cross-walk '{walk.id}' maps {walk.from_instrument} to {walk.to_instrument}, not "
            f"{instrument_id} to {target.id}. Fix: give the cross-walk for {instrument_id}."
        )
    source = (instruments or {}).get(instrument_id) or load_instrument(instrument_id)
    names = source.dimension_names
    out: dict[str, tuple[str, tuple[str, ...], str]] = {
        key: ("new", (), f"not in {instrument_id}") for key in target.dimension_keys
    }
    for link in walk.links:
        shown = " + ".join(names.get(k, k) for k in link.from_keys)
        for key in link.to_keys:
            if key not in out:
                continue
            if link.relation == "merged":
                note = f"mean of {instrument_id} {shown} (merged into one dimension)"
            elif link.relation == "split":
                note = f"{instrument_id} {shown}, split into several dimensions since"
            elif link.relation == "new":
                note = f"not in {instrument_id}"
            elif link.relation == "renamed":
                note = f"{instrument_id} {shown} (renamed)"
            else:
                note = f"{instrument_id} {shown}"
            out[key] = (link.relation, tuple(link.from_keys), note)
    return out


def _occasion_values(part: pd.DataFrame) -> dict[str, tuple[float, pd.Series]]:
    """Per source dimension: consensus level (NaN if none) and individual ratings."""
    is_dont_know = (
        part["dont_know"].fillna(False).astype(bool)
        if "dont_know" in part.columns
        else pd.Series(False, index=part.index)
    )
    level = pd.to_numeric(part["level"], errors="coerce").where(~is_dont_know)
    values = {}
    for dimension, rows in part.assign(_level=level).groupby("dimension", sort=False):
        consensus = rows.loc[rows["mode"] == "consensus", "_level"].dropna()
        individual = rows[(rows["mode"] == "individual") & rows["_level"].notna()]
        by_assessor = (
            individual.set_index("assessor")["_level"]
            if "assessor" in individual.columns
            else individual["_level"].reset_index(drop=True)
        )
        values[str(dimension)] = (
            float(consensus.iloc[-1]) if len(consensus) else np.nan,
            by_assessor,
        )
    return values


def _target_values(
    values: dict[str, tuple[float, pd.Series]], sources: tuple[str, ...]
) -> tuple[float, str, np.ndarray]:
    """Level, its source and the individual ratings of one target dimension."""
    if not sources:
        return np.nan, "no counterpart", np.array([])
    found = [values.get(key) for key in sources]
    consensus = [f[0] if f is not None else np.nan for f in found]
    individual = [f[1] if f is not None else pd.Series(dtype=float) for f in found]
    # A merged dimension is the mean of its sources, for each assessor who rated all of them.
    joined = pd.concat(individual, axis=1, join="inner") if len(individual) > 1 else individual[0]
    per_assessor = joined.mean(axis=1) if isinstance(joined, pd.DataFrame) else joined
    per_assessor = np.asarray(per_assessor.dropna(), dtype=float)
    if not np.isnan(consensus).any():
        return float(np.mean(consensus)), "consensus", per_assessor
    if per_assessor.size:
        return float(np.median(per_assessor)), "individual median", per_assessor
    return np.nan, "not rated", per_assessor


def _stat(values: np.ndarray, percentile: float) -> float:
    return float(np.percentile(values, percentile)) if values.size else np.nan


def _with_changes(
    frame: pd.DataFrame, *, n_boot: int, confidence: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Change from the previous occasion with a level, per dimension, and its interval."""
    frame = frame.sort_values(["dimension_number", "occasion"], kind="stable")
    changes, lows, highs, notes, previous_numbers = [], [], [], [], []
    tail = (1 - confidence) / 2 * 100
    for _, rows in frame.groupby("dimension_number", sort=False):
        previous = None
        for record in rows.itertuples():
            change = low = high = np.nan
            note = ""
            if previous is None or np.isnan(record.level):
                note = "" if previous is None else "no level at this occasion"
            else:
                change = record.level - previous.level
                before, after = previous.individual_ratings, record.individual_ratings
                if n_boot and before.size and after.size:
                    resampled_before = np.median(
                        before[rng.integers(0, before.size, (n_boot, before.size))], axis=1
                    )
                    resampled_after = np.median(
                        after[rng.integers(0, after.size, (n_boot, after.size))], axis=1
                    )
                    low, high = np.percentile(
                        resampled_after - resampled_before, [tail, 100 - tail]
                    )
                    note = (
                        f"{int(confidence * 100)} % bootstrap interval of the median's change "
                        f"(occasion {previous.occasion} to {record.occasion}, {n_boot} resamples)"
                    )
                else:
                    note = "no interval: an occasion has no individual ratings"
                if record.crosswalk_relation or previous.crosswalk_relation:
                    note += "; across instrument generations, read with care"
            previous_numbers.append(
                previous.occasion if previous is not None and not np.isnan(change) else pd.NA
            )
            changes.append(change)
            lows.append(low)
            highs.append(high)
            notes.append(note)
            if not np.isnan(record.level):
                previous = record
    frame = frame.assign(
        previous_occasion=pd.array(previous_numbers, dtype="Int64"),
        change=changes,
        change_ci_low=lows,
        change_ci_high=highs,
        change_note=notes,
    )
    return frame.sort_values(["occasion", "dimension_number"], kind="stable")
