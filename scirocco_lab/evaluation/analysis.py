"""Analysis of coded evaluation data and questionnaires: pure functions on tidy frames.

Every function takes the tidy frames of :mod:`scirocco_lab.evaluation.store` (or any frame with
the same columns) and returns a tidy :class:`pandas.DataFrame`; nothing here reads or writes
the store. Column names follow the evaluation data model:

- segments: ``segment_id, source, code, coder, start_char, end_char, text, speaker, turn,
  region, activity, participant_group`` (character offsets are half-open ``[start, end)``
  Python string indices into the source text);
- turns: ``source, turn, speaker, start_char, end_char``;
- codes (the codebook): ``code, name, parent, dimensions, path``;
- questionnaire items: ``questionnaire, item, position, wording, reverse_scored``;
  responses: ``questionnaire, respondent, group, region, item, value, label``.

Functions:

- :func:`code_frequencies`: coded segments, sources, speakers and coders per code (and group),
  optionally rolled up into parent codes.
- :func:`code_cooccurrence` and :func:`cooccurrence_matrix`: which codes are applied together,
  on overlapping text or within one turn, with counts and Jaccard coefficients.
- :func:`quotes`: representative quotes per code, speaker and source pseudonymised.
- :func:`coder_agreement`: agreement between coders per code and overall on a documented unit
  (turn or character): percent agreement, Cohen's kappa (two coders), Krippendorff's alpha.
- :func:`joint_display` and :func:`joint_display_html`: a region's maturity scores next to the
  themes and quotes coded to each dimension.
- :func:`item_distributions` and :func:`likert_summary`: questionnaire results per item and
  group, reverse-scored items reversed.

Methods, units and the worked examples the tests check: ``docs/qualitative-analysis.md``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    InputProblem,
    require_columns,
)

# The coincidence-matrix core of the hand-written, Krippendorff-2011-checked alpha; reused so
# that weighted units (character stretches) need no second implementation of the coefficient.
from scirocco_lab.stats.reliability import alpha_from_coincidences, interpret

__all__ = [
    "AGREEMENT_UNITS",
    "CODER_AGREEMENT_COLUMNS",
    "COOCCURRENCE_UNITS",
    "code_cooccurrence",
    "code_frequencies",
    "coder_agreement",
    "cooccurrence_matrix",
    "item_distributions",
    "joint_display",
    "joint_display_html",
    "likert_summary",
    "quotes",
]

COOCCURRENCE_UNITS = ("segment", "turn")
AGREEMENT_UNITS = ("turn", "segment", "character")

CODER_AGREEMENT_COLUMNS = (
    "scope",
    "code",
    "unit",
    "coders",
    "n_coders",
    "n_sources",
    "n_sources_excluded",
    "excluded_sources",
    "n_units",
    "n_units_coded",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_reading",
    "note",
)
"""Columns of :func:`coder_agreement`'s result."""

# Columns a quote may carry: a whitelist, so identity columns that a caller joined into the
# segments frame (real names, e-mails) can never reach a quote table or a report.
_QUOTE_CONTEXT = ("turn", "region", "activity", "participant_group")


# --------------------------------------------------------------------------------------------
# Codebook helpers


def _codebook(codes: pd.DataFrame) -> pd.DataFrame:
    """The codebook indexed by code key, with name, parent and path (path derived if absent)."""
    require_columns(codes, ["code"], "codes")
    book = codes.drop_duplicates("code").set_index("code", drop=False)
    parents = book["parent"] if "parent" in book else pd.Series(None, index=book.index)
    names = book["name"] if "name" in book else book["code"]
    if "path" in book:
        paths = book["path"]
    else:
        paths = pd.Series(
            {
                code: "/".join(names.get(a, a) for a in _lineage(code, parents))
                for code in book.index
            }
        )
    return pd.DataFrame(
        {
            "code": book["code"],
            "code_name": names,
            "code_path": paths,
            "parent": parents.where(parents.notna(), None),
        }
    )


def _lineage(code: str, parents: pd.Series) -> list[str]:
    """Root-first chain of ancestors ending in ``code`` (a parent cycle stops the walk)."""
    chain = [code]
    seen = {code}
    parent = parents.get(code)
    while parent is not None and not pd.isna(parent) and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return chain[::-1]


def _ancestor_map(codes: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """code -> its ancestors (nearest first), from the codebook's parent column."""
    book = _codebook(codes)
    parents = book["parent"]
    return {code: tuple(_lineage(code, parents)[-2::-1]) for code in book.index}


def _dimension_keys(value: object) -> tuple[str, ...]:
    """A codes frame's ``dimensions`` cell as a tuple (tuples, lists or "a; b" strings)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[;,|]", value) if part.strip())
    return tuple(str(part) for part in value)


def _grouped(frame: pd.DataFrame, keys: list[str], **aggregates) -> pd.DataFrame:
    """One row per group of ``keys``, in the order groups first appear, a missing key value
    being a group of its own; ``aggregates`` as for ``DataFrame.agg`` (name=(column, how))."""
    return frame.groupby(keys, sort=False, dropna=False).agg(**aggregates).reset_index()


def _count_missing(scores: pd.Series) -> int:
    return int(scores.isna().sum())


# A code's counts: segments, and the sources, speakers and coders they come from.
_CODE_COUNTS = {
    "n_segments": ("source", "size"),
    "n_sources": ("source", "nunique"),
    "n_speakers": ("speaker", "nunique"),
    "n_coders": ("coder", "nunique"),
}
# An item's description and how many answered it, for every per-item questionnaire table.
_ITEM_COUNTS = {
    "position": ("position", "first"),
    "wording": ("wording", "first"),
    "reverse_scored": ("reverse_scored", "first"),
    "n": ("score", "count"),
    "n_missing": ("score", _count_missing),
}


def _check_by(frame: pd.DataFrame, by: str | Sequence[str] | None, source: str) -> list[str]:
    columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(frame, columns, source)
    return columns


# --------------------------------------------------------------------------------------------
# Frequencies


def code_frequencies(
    segments: pd.DataFrame,
    *,
    by: str | None = None,
    codes: pd.DataFrame | None = None,
    include_descendants: bool = False,
) -> pd.DataFrame:
    """Per code (and per value of ``by``): how many segments, sources, speakers and coders.

    ``by`` is a column of the segments frame: ``"source"``, ``"region"``, ``"activity"``,
    ``"participant_group"``, ``"speaker"``, ``"coder"``, ... or None for one row per code.
    Missing group values (a segment whose speaker has no group) form their own group (NaN).

    Counts: ``n_segments`` coded segments (rows: two coders coding the same passage count
    twice); ``n_sources``, ``n_speakers`` (non-missing speakers) and ``n_coders`` distinct
    values among those segments.

    With ``codes`` (the codebook) the result gains ``code_name``, ``code_path`` and ``parent``,
    is ordered by path, and, when ``by`` is None, lists every codebook code (zero counts
    included). ``include_descendants=True`` (needs ``codes``) rolls child codes up: a code's
    counts cover its own segments and those of all its descendants (a passage coded with both
    a parent and its child counts twice for the parent). Without ``codes`` rows are ordered by
    ``n_segments`` (descending) then code.

    Columns: ``code``, [``code_name``, ``code_path``, ``parent``], [``by``], ``n_segments``,
    ``n_sources``, ``n_speakers``, ``n_coders``.

    Example:
        >>> import pandas as pd
        >>> segments = pd.DataFrame({"source": ["s1", "s1", "s2"], "code": ["a", "b", "a"],
        ...     "coder": "c1", "speaker": ["P1", "P2", "P1"]})
        >>> code_frequencies(segments)[["code", "n_segments", "n_sources"]].to_numpy().tolist()
        [['a', 2, 2], ['b', 1, 1]]
    """
    if include_descendants and codes is None:
        raise ConfigurationError(
            "include_descendants=True needs the codebook. Fix: pass codes=codes_frame(store)."
        )
    by_columns = _check_by(segments, by, "segments")
    require_columns(segments, ["source", "code", "coder", "speaker"], "segments")
    frame = segments[list(dict.fromkeys(["source", "code", "coder", "speaker", *by_columns]))]
    if include_descendants:
        ancestors = _ancestor_map(codes)
        frame = frame.assign(
            code=[(code, *ancestors.get(code, ())) for code in frame["code"]]
        ).explode("code")
    keys = ["code", *by_columns]
    counts = _grouped(frame, keys, **_CODE_COUNTS)
    count_columns = list(_CODE_COUNTS)
    if codes is None:
        counts = counts.assign(_total=counts.groupby("code")["n_segments"].transform("sum"))
        counts = counts.sort_values(
            [*by_columns, "_total", "code"],
            ascending=[True] * len(by_columns) + [False, True],
            kind="stable",
        ).drop(columns="_total")
        return counts[[*keys, *count_columns]].reset_index(drop=True)

    book = _codebook(codes).reset_index(drop=True)
    if by_columns:
        out = counts.merge(book, on="code", how="left")
    else:
        out = book.merge(counts, on="code", how="outer")
    for column in count_columns:
        out[column] = out[column].fillna(0).astype(np.int64)
    out["code_path"] = out["code_path"].fillna(out["code"])
    out = out.sort_values([*by_columns, "code_path", "code"], kind="stable")
    return out[
        ["code", "code_name", "code_path", "parent", *by_columns, *count_columns]
    ].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Interval machinery shared by co-occurrence and agreement


def _elementary_intervals(
    group: np.ndarray, column: np.ndarray, start: np.ndarray, end: np.ndarray, n_columns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut each group's text at every segment boundary; coverage per piece and column.

    ``group``, ``column``, ``start``, ``end`` describe intervals (one per segment); ``column``
    is what coverage is counted for (a code, a coder). Returns (piece_group, piece_length,
    coverage) where coverage[i, c] is how many intervals of column c cover piece i. Pieces are
    sorted by group then position; the last piece of each group has length 0 and no coverage,
    so consecutive rows of different groups are never both covered.
    """
    if start.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros((0, n_columns), dtype=np.int64)
    span = int(max(end.max(), start.max())) + 1
    start_key = group.astype(np.int64) * span + start
    end_key = group.astype(np.int64) * span + end
    boundaries = np.unique(np.concatenate([start_key, end_key]))
    n_pieces = boundaries.size
    flat = np.concatenate(
        [
            np.searchsorted(boundaries, start_key) * n_columns + column,
            np.searchsorted(boundaries, end_key) * n_columns + column,
        ]
    )
    weights = np.concatenate([np.ones(start.size), -np.ones(end.size)])
    events = np.bincount(flat, weights=weights, minlength=n_pieces * n_columns)
    # Every interval closes inside its group, so one running sum over all groups is exact.
    coverage = np.rint(np.cumsum(events.reshape(n_pieces, n_columns), axis=0)).astype(np.int64)
    piece_group = boundaries // span
    position = boundaries % span
    length = np.zeros(n_pieces, dtype=np.int64)
    same = piece_group[1:] == piece_group[:-1]
    length[:-1] = np.where(same, position[1:] - position[:-1], 0)
    return piece_group, length, coverage


def _segment_turn_pairs(
    segments: pd.DataFrame, turns: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """(segment row, turn row) for every turn a segment overlaps, and the sorted turns.

    Overlap is of half-open ranges: segment [s, e) and turn [ts, te) overlap when s < te and
    e > ts. Turns of one source must not overlap each other (true of transcripts).
    """
    require_columns(turns, ["source", "turn", "start_char", "end_char"], "turns")
    turns = turns.sort_values(["source", "start_char"], kind="stable").reset_index(drop=True)
    sources = pd.Index(pd.unique(pd.concat([turns["source"], segments["source"]])))
    span = (
        int(
            max(
                turns["end_char"].max() if len(turns) else 0,
                segments["end_char"].max() if len(segments) else 0,
            )
        )
        + 1
    )
    turn_offset = sources.get_indexer(turns["source"]).astype(np.int64) * span
    segment_offset = sources.get_indexer(segments["source"]).astype(np.int64) * span
    turn_start = turn_offset + turns["start_char"].to_numpy(np.int64)
    turn_end = turn_offset + turns["end_char"].to_numpy(np.int64)
    first = np.searchsorted(
        turn_end, segment_offset + segments["start_char"].to_numpy(np.int64), "right"
    )
    stop = np.searchsorted(
        turn_start, segment_offset + segments["end_char"].to_numpy(np.int64), "left"
    )
    n_turns = np.maximum(stop - first, 0)
    segment_rows = np.repeat(np.arange(len(segments)), n_turns)
    starts = np.repeat(first, n_turns)
    within = np.arange(segment_rows.size) - np.repeat(np.cumsum(n_turns) - n_turns, n_turns)
    return segment_rows, starts + within, turns


# --------------------------------------------------------------------------------------------
# Co-occurrence


def code_cooccurrence(
    segments: pd.DataFrame,
    *,
    unit: str = "segment",
    turns: pd.DataFrame | None = None,
    same_coder: bool = False,
) -> pd.DataFrame:
    """Which codes are applied together: one row per pair of codes that co-occur.

    ``unit="segment"``: two codes co-occur where their segments cover overlapping characters of
    the same source. The text each code covers is the union of its segments (so two coders
    coding the same passage do not double-count); ``count`` is the number of separate stretches
    of text covered by both codes, and ``jaccard`` the characters covered by both divided by the
    characters covered by either. With ``same_coder=True`` only segments of the same coder are
    compared (counts and characters are then summed over coders).

    ``unit="turn"``: two codes co-occur in a turn when each has a segment overlapping that turn
    (``turns`` is the turns frame); without ``turns`` the segments' own ``turn`` column (the
    turn a segment starts in) is used. ``count`` is the number of turns with both codes and
    ``jaccard`` = count / turns with either. With ``same_coder=True`` the units are
    (turn, coder) pairs.

    Columns: ``code_a``, ``code_b`` (code_a < code_b, each pair once), ``unit``, ``count``,
    ``jaccard``; only pairs with count > 0, ordered by count (descending) then codes.

    Example:
        >>> import pandas as pd
        >>> segments = pd.DataFrame({"source": "s1", "code": ["a", "b", "c"], "coder": "x",
        ...     "start_char": [0, 5, 30], "end_char": [10, 20, 40]})
        >>> code_cooccurrence(segments)[["code_a", "code_b", "count", "jaccard"]].values.tolist()
        [['a', 'b', 1, 0.25]]
    """
    if unit not in COOCCURRENCE_UNITS:
        raise ConfigurationError(
            f"unit={unit!r} is not supported. Fix: use one of {', '.join(COOCCURRENCE_UNITS)}."
        )
    require_columns(segments, ["source", "code", "coder", "start_char", "end_char"], "segments")
    code_index = pd.Index(sorted(pd.unique(segments["code"].dropna())))
    n_codes = code_index.size
    columns = ["code_a", "code_b", "unit", "count", "jaccard"]
    if n_codes < 2:
        return pd.DataFrame(columns=columns).astype({"count": np.int64, "jaccard": float})
    code_numbers = code_index.get_indexer(segments["code"])
    keep = code_numbers >= 0
    segments = segments[keep]
    code_numbers = code_numbers[keep]

    if unit == "segment":
        group_columns = ["source", "coder"] if same_coder else ["source"]
        group = segments.groupby(group_columns, sort=False).ngroup().to_numpy()
        _, length, coverage = _elementary_intervals(
            group,
            code_numbers,
            segments["start_char"].to_numpy(np.int64),
            segments["end_char"].to_numpy(np.int64),
            n_codes,
        )
        covered = (coverage > 0).astype(float)
        # A stretch covered by both codes starts at piece i when both cover i but not i - 1.
        previous = np.vstack([np.zeros((1, n_codes)), covered[:-1]])
        continuing = covered * previous
        both_counts = covered.T @ covered - continuing.T @ continuing
        shared = (covered * length[:, None]).T @ covered
        either = np.diag(shared)[:, None] + np.diag(shared)[None, :] - shared
    else:
        if turns is not None:
            segment_rows, turn_rows, _ = _segment_turn_pairs(segments, turns)
            unit_keys = pd.DataFrame({"turn_row": turn_rows})
            if same_coder:
                unit_keys["coder"] = segments["coder"].to_numpy()[segment_rows]
            unit_numbers = unit_keys.groupby(list(unit_keys.columns), sort=False).ngroup()
            unit_numbers = unit_numbers.to_numpy()
            unit_codes = code_numbers[segment_rows]
        else:
            require_columns(segments, ["turn"], "segments")
            # Segments of sources without turns (turn missing) belong to no unit.
            has_turn = segments["turn"].notna().to_numpy()
            segments, code_numbers = segments[has_turn], code_numbers[has_turn]
            key_columns = ["source", "turn", *(["coder"] if same_coder else [])]
            unit_numbers = segments.groupby(key_columns, sort=False).ngroup().to_numpy()
            unit_codes = code_numbers
        n_units = int(unit_numbers.max()) + 1 if unit_numbers.size else 0
        incidence = np.zeros((n_units, n_codes))
        incidence[unit_numbers, unit_codes] = 1.0
        both_counts = incidence.T @ incidence
        shared = both_counts
        either = np.diag(shared)[:, None] + np.diag(shared)[None, :] - shared

    rows, cols = np.triu_indices(n_codes, k=1)
    counts = np.rint(both_counts[rows, cols]).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = shared[rows, cols] / either[rows, cols]
    present = counts > 0
    out = pd.DataFrame(
        {
            "code_a": code_index[rows[present]],
            "code_b": code_index[cols[present]],
            "unit": unit,
            "count": counts[present],
            "jaccard": jaccard[present].astype(float),
        }
    )
    out = out.sort_values(["count", "code_a", "code_b"], ascending=[False, True, True])
    return out.reset_index(drop=True)[columns]


def cooccurrence_matrix(
    pairs: pd.DataFrame, *, value: str = "count", codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Square, symmetric code x code matrix of :func:`code_cooccurrence` pairs (for a heatmap).

    ``value`` is ``"count"`` or ``"jaccard"``. Rows and columns are ``codes`` in the order
    given (default: every code in ``pairs``, sorted); pairs that never co-occur are 0, the
    diagonal is NaN (a code with itself is not a co-occurrence).

    Example:
        >>> import pandas as pd
        >>> pairs = pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "count": [3],
        ...     "jaccard": [0.5]})
        >>> cooccurrence_matrix(pairs).to_numpy().tolist()
        [[nan, 3.0], [3.0, nan]]
    """
    require_columns(pairs, ["code_a", "code_b", value], "pairs")
    if codes is None:
        codes = sorted(set(pairs["code_a"]) | set(pairs["code_b"]))
    index = pd.Index(list(codes), name="code")
    matrix = pd.DataFrame(0.0, index=index, columns=index.rename(None))
    for a, b, v in zip(pairs["code_a"], pairs["code_b"], pairs[value], strict=True):
        if a in index and b in index:
            matrix.loc[a, b] = v
            matrix.loc[b, a] = v
    values = matrix.to_numpy(copy=True)
    np.fill_diagonal(values, np.nan)
    return pd.DataFrame(values, index=matrix.index, columns=matrix.columns)


# --------------------------------------------------------------------------------------------
# Quotes


def _clean(text: object) -> str:
    return " ".join(str(text).split()) if text is not None and not pd.isna(text) else ""


def _shorten(text: str, max_length: int | None) -> str:
    if max_length is None or len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut[max_length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _passages(segments: pd.DataFrame, key: str) -> pd.DataFrame:
    """Group overlapping segments of one ``key`` value and source into passages.

    One row per passage: the representative (longest) segment's columns plus ``n_coders``
    (distinct coders who coded any of it) and ``coders`` (sorted tuple).
    """
    ordered = segments.sort_values([key, "source", "start_char", "end_char"], kind="stable")
    ordered = ordered.reset_index(drop=True)
    reach = ordered.groupby([key, "source"], sort=False)["end_char"].cummax()
    previous_reach = reach.groupby([ordered[key], ordered["source"]], sort=False).shift()
    new = previous_reach.isna() | (ordered["start_char"] >= previous_reach)
    ordered["_passage"] = np.cumsum(new.to_numpy())
    ordered["_length"] = ordered["quote"].str.len()
    # Sorted distinct coders per passage, split at passage boundaries (a per-group lambda is
    # about 50x slower on thousands of passages).
    pairs = ordered.loc[ordered["coder"].notna(), ["_passage", "coder"]].drop_duplicates()
    pairs = pairs.sort_values(["_passage", "coder"], kind="stable")
    passage_ids = pairs["_passage"].to_numpy()
    cuts = np.flatnonzero(np.diff(passage_ids)) + 1
    coders = pd.Series(
        [tuple(part) for part in np.split(pairs["coder"].to_numpy(dtype=object), cuts)]
        if len(pairs)
        else [],
        index=pd.unique(passage_ids),
        dtype=object,
    )
    sort_columns = ["_passage", "_length", "start_char"]
    ascending = [True, False, True]
    if "segment_id" in ordered:
        sort_columns.append("segment_id")
        ascending.append(True)
    best = ordered.sort_values(sort_columns, ascending=ascending, kind="stable")
    best = best.drop_duplicates("_passage").set_index("_passage")
    best["coders"] = coders.reindex(best.index)
    best["coders"] = best["coders"].map(lambda c: c if isinstance(c, tuple) else ())
    best["n_coders"] = best["coders"].map(len)
    return best.reset_index(drop=True)


def _ranked(passages: pd.DataFrame, key: str) -> pd.DataFrame:
    """Most-agreed first, then longest, then by source and position (deterministic)."""
    return passages.sort_values(
        [key, "n_coders", "_length", "source", "start_char"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )


def quotes(
    segments: pd.DataFrame,
    *,
    code: str | Sequence[str] | None = None,
    per_code: int = 3,
    min_length: int = 30,
    max_length: int | None = 400,
    codes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Representative quotes per code, attributed by pseudonym and source key only.

    For each code (or only ``code``, a key or a list of keys), overlapping segments of that code
    in one source (several coders coding the same passage) are merged into one passage, so a
    passage is quoted once. Passages are ranked by how many coders coded them (most agreed
    first), then by length (longest first), then by source and position, and the first
    ``per_code`` are returned. The quote is the passage's longest segment text with whitespace
    normalised, cut at a word boundary after ``max_length`` characters (None: never cut);
    segments shorter than ``min_length`` characters are skipped.

    Only pseudonymous columns are passed through (a whitelist): speaker pseudonym, source key,
    coders' labels and ``turn``, ``region``, ``activity``, ``participant_group`` when present.
    Identity columns a caller may have joined in never reach the result.

    Columns: ``code``, [``code_name``, ``code_path`` with ``codes``], ``rank`` (1..per_code),
    ``quote``, ``speaker``, ``source``, [context columns], ``n_coders``, ``coders`` (tuple),
    ``segment_id``, ``start_char``, ``end_char``.

    Example:
        >>> import pandas as pd
        >>> segments = pd.DataFrame({"segment_id": [1, 2], "source": "fg-1", "code": "trust",
        ...     "coder": ["ana", "ben"], "start_char": [0, 2], "end_char": [40, 30],
        ...     "speaker": "FG-P01",
        ...     "text": ["We trusted the visitors from day one.", "trusted the visitors"]})
        >>> quotes(segments, min_length=10)[["code", "quote", "n_coders"]].values.tolist()
        [['trust', 'We trusted the visitors from day one.', 2]]
    """
    if per_code < 1:
        raise ConfigurationError(f"per_code must be at least 1, got {per_code!r}.")
    require_columns(
        segments,
        ["source", "code", "coder", "start_char", "end_char", "text", "speaker"],
        "segments",
    )
    keep = ["source", "code", "coder", "start_char", "end_char", "speaker"]
    keep += [c for c in ("segment_id", *_QUOTE_CONTEXT) if c in segments.columns]
    frame = segments[keep].copy()
    frame["quote"] = segments["text"].map(_clean)
    if code is not None:
        wanted = [code] if isinstance(code, str) else list(code)
        frame = frame[frame["code"].isin(wanted)]
    frame = frame[frame["quote"].str.len() >= min_length]
    context = [c for c in _QUOTE_CONTEXT if c in frame.columns]
    columns = ["code", "rank", "quote", "speaker", "source", *context, "n_coders", "coders"]
    columns += ["segment_id", "start_char", "end_char"]
    if frame.empty:
        out = pd.DataFrame(columns=columns)
    else:
        out = _ranked(_passages(frame, "code"), "code")
        out = out.groupby("code", sort=False).head(per_code).copy()
        out["rank"] = out.groupby("code", sort=False).cumcount() + 1
        out["quote"] = out["quote"].map(lambda text: _shorten(text, max_length))
        if "segment_id" not in out:
            out["segment_id"] = None
        out = out[columns]
    if codes is not None:
        book = _codebook(codes).reset_index(drop=True)[["code", "code_name", "code_path"]]
        out = out.merge(book, on="code", how="left")
        out["code_path"] = out["code_path"].fillna(out["code"])
        out = out.sort_values(["code_path", "rank"], kind="stable")
        columns = ["code", "code_name", "code_path", *columns[1:]]
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Coder agreement


def _binary_statistics(weights_by_yes: np.ndarray, mask_weights: np.ndarray | None) -> dict:
    """Percent agreement, Cohen's kappa and nominal alpha of binary, complete coding data.

    ``weights_by_yes[m]``: how many units (weighted) exactly m of the k coders marked;
    ``mask_weights`` (k == 2 only): units by pattern 0 = neither, 1 = first coder only,
    2 = second only, 3 = both.
    """
    k = weights_by_yes.size - 1
    m = np.arange(k + 1, dtype=float)
    total = float(weights_by_yes.sum())
    result = {"percent_agreement": np.nan, "cohen_kappa": np.nan, "krippendorff_alpha": np.nan}
    if total <= 0 or k < 2:
        return result
    pairs = k * (k - 1) / 2
    agreeing = (m * (m - 1) / 2 + (k - m) * (k - m - 1) / 2) / pairs
    result["percent_agreement"] = float(np.sum(weights_by_yes * agreeing) / total)
    # Krippendorff's coincidence matrix for binary values, every unit rated by all k coders:
    # each unit adds its ordered pairs of values from different coders, weighted 1 / (k - 1).
    o_11 = np.sum(weights_by_yes * m * (m - 1)) / (k - 1)
    o_00 = np.sum(weights_by_yes * (k - m) * (k - m - 1)) / (k - 1)
    o_01 = np.sum(weights_by_yes * m * (k - m)) / (k - 1)
    coincidences = np.array([[[o_00, o_01], [o_01, o_11]]])
    alpha = alpha_from_coincidences(coincidences, np.array([0.0, 1.0]), "nominal")[0]
    result["krippendorff_alpha"] = float(alpha)
    if mask_weights is not None:
        table = np.array([[mask_weights[0], mask_weights[2]], [mask_weights[1], mask_weights[3]]])
        observed = (table[0, 0] + table[1, 1]) / total
        expected = float(table.sum(axis=1) @ table.sum(axis=0)) / total**2
        if expected < 1:
            result["cohen_kappa"] = float((observed - expected) / (1 - expected))
    return result


def _lengths_from(
    source_lengths: Mapping[str, int] | pd.DataFrame | None, turns: pd.DataFrame | None
) -> dict[str, int]:
    if isinstance(source_lengths, pd.DataFrame):
        require_columns(source_lengths, ["source", "text_length"], "source_lengths")
        return dict(
            zip(source_lengths["source"], source_lengths["text_length"].astype(int), strict=True)
        )
    if source_lengths is not None:
        return {key: int(value) for key, value in source_lengths.items()}
    if turns is not None:
        require_columns(turns, ["source", "end_char"], "turns")
        return turns.groupby("source")["end_char"].max().astype(int).to_dict()
    raise ConfigurationError(
        "unit='character' needs each source's length. Fix: pass "
        "source_lengths=sources_frame(store) (its text_length column) or a "
        "{source: length} mapping, or turns=turns_frame(store)."
    )


def _coded_passages(segments: pd.DataFrame) -> pd.DataFrame:
    """The passages any of ``segments`` cover: overlapping segments (of any code and coder)
    merged, one row per passage with source, turn (1..n per source), start_char, end_char."""
    if segments.empty:
        return pd.DataFrame(columns=["source", "turn", "start_char", "end_char"])
    ordered = segments.sort_values(["source", "start_char"], kind="stable")
    ends = ordered["end_char"].astype(np.int64)
    # A passage starts where a segment begins at or after every earlier segment's end.
    reach = ends.groupby(ordered["source"], sort=False).cummax()
    previous_reach = reach.groupby(ordered["source"], sort=False).shift()
    starts_passage = previous_reach.isna() | (ordered["start_char"] >= previous_reach)
    passage = starts_passage.astype(int).groupby(ordered["source"], sort=False).cumsum()
    grouped = pd.DataFrame(
        {
            "source": ordered["source"],
            "turn": passage,
            "start_char": ordered["start_char"].astype(np.int64),
            "end_char": ends,
        }
    ).groupby(["source", "turn"], sort=False)
    return grouped.agg(start_char=("start_char", "min"), end_char=("end_char", "max")).reset_index()


def coder_agreement(
    segments: pd.DataFrame,
    *,
    unit: str = "turn",
    turns: pd.DataFrame | None = None,
    source_lengths: Mapping[str, int] | pd.DataFrame | None = None,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Agreement between coders, per code and overall, on a documented unit.

    Which sources: a source is compared only when every compared coder coded it (has at least
    one segment there, of any code); the others are listed in ``excluded_sources`` (also in
    ``result.attrs["excluded_sources"]``). ``coders`` defaults to every coder in ``segments``;
    ``codes`` to every code the compared coders used.

    Units, for each code C (each unit gets a yes/no from every coder, so no data are missing):

    - ``unit="turn"`` (needs ``turns``): every turn of every compared source is a unit; a coder
      applied C to a turn if any of their C segments overlaps it (half-open character ranges).
      Text outside turns is not a unit.
    - ``unit="segment"``: every coded passage of every compared source is a unit: the
      segments of the compared coders (any code) with overlapping ranges merged into one
      passage. A coder applied C to a passage if any of their C segments overlaps it. Uncoded
      text is not a unit, so agreement is about how the coded passages were coded.
    - ``unit="character"`` (needs ``source_lengths``: ``sources_frame`` with ``text_length``, or
      a mapping; falls back to the turns' last end): every character position of every compared
      source is a unit; a coder applied C to a character if one of their C segments covers it.
      Computed on the stretches between segment boundaries, weighted by their length.

    Per code: ``percent_agreement`` (0-1: the share of agreeing coder pairs per unit, averaged
    over units; for two coders the share of units they agree on), ``cohen_kappa`` (exactly two
    coders, else NaN), ``krippendorff_alpha`` (nominal; :mod:`scirocco_lab.stats.reliability`'s
    coincidence-matrix formula) and its ``alpha_reading`` (Krippendorff 2004 bands). The
    ``overall`` row pools the yes/no decisions of all codes (n_units = units x codes). A code
    no coder applied in the compared sources has alpha and kappa NaN (no variation).

    Columns: :data:`CODER_AGREEMENT_COLUMNS`; ``scope`` is ``"code"`` or ``"overall"`` (code
    None), ``coders`` a sorted tuple.

    Example:
        >>> import pandas as pd
        >>> turns = pd.DataFrame({"source": "s", "turn": [1, 2, 3, 4],
        ...     "start_char": [0, 10, 20, 30], "end_char": [10, 20, 30, 40]})
        >>> segments = pd.DataFrame({"source": "s", "code": "c", "coder": ["a", "a", "b"],
        ...     "start_char": [0, 22, 2], "end_char": [5, 25, 8]})
        >>> result = coder_agreement(segments, turns=turns)
        >>> result.loc[0, ["n_units", "percent_agreement", "cohen_kappa"]].tolist()
        [4.0, 0.75, 0.5]
    """
    if unit not in AGREEMENT_UNITS:
        raise ConfigurationError(
            f"unit={unit!r} is not supported. Fix: use one of {', '.join(AGREEMENT_UNITS)}."
        )
    require_columns(segments, ["source", "code", "coder", "start_char", "end_char"], "segments")
    if unit == "turn" and turns is None:
        raise ConfigurationError(
            "unit='turn' needs the turns of the sources (turns without codes are units too). "
            "Fix: pass turns=turns_frame(store), or use unit='character'."
        )
    present_coders = sorted(pd.unique(segments["coder"].dropna()))
    if coders is None:
        coders = present_coders
    else:
        coders = sorted(dict.fromkeys(coders))
        unknown = [c for c in coders if c not in present_coders]
        if unknown:
            raise ConfigurationError(
                f"Coder(s) {', '.join(map(repr, unknown))} have no coded segments. Fix: choose "
                f"from {', '.join(map(repr, present_coders)) or 'none'}."
            )
    if len(coders) < 2:
        raise ConfigurationError(
            f"Coder agreement needs at least two coders; found {len(coders)} "
            f"({', '.join(map(repr, coders)) or 'none'}). Fix: code some sources twice."
        )
    k = len(coders)
    frame = segments[segments["coder"].isin(coders)]
    coded_by = frame.groupby("source")["coder"].nunique()
    included = sorted(coded_by.index[coded_by == k])
    excluded = tuple(sorted(set(segments["source"]) - set(included)))
    frame = frame[frame["source"].isin(included)]
    code_keys = sorted(pd.unique(frame["code"].dropna())) if codes is None else list(codes)
    frame = frame[frame["code"].isin(code_keys)].reset_index(drop=True)
    code_index = pd.Index(code_keys)
    coder_index = pd.Index(coders)
    notes = []

    if unit == "character":
        lengths = _lengths_from(source_lengths, turns)
        missing = [s for s in included if s not in lengths]
        if missing:
            raise ConfigurationError(
                f"No text length for source(s) {', '.join(map(repr, missing))}. Fix: include "
                "them in source_lengths."
            )
        n_units = int(sum(lengths[s] for s in included))
        source_length = frame["source"].map(lengths).to_numpy(np.int64)
        start = np.clip(frame["start_char"].to_numpy(np.int64), 0, source_length)
        end = np.clip(frame["end_char"].to_numpy(np.int64), 0, source_length)
        group_frame = pd.DataFrame({"source": frame["source"], "code": frame["code"]})
        group = group_frame.groupby(["source", "code"], sort=False).ngroup().to_numpy()
        group_code = np.zeros(int(group.max()) + 1 if group.size else 0, dtype=np.int64)
        group_code[group] = code_index.get_indexer(frame["code"])
        piece_group, length, coverage = _elementary_intervals(
            group, coder_index.get_indexer(frame["coder"]), start, end, k
        )
        yes = coverage > 0
        piece_code = group_code[piece_group] if piece_group.size else piece_group
        weight = length
    else:
        if unit == "segment":
            turns = _coded_passages(frame)
        segment_rows, turn_rows, sorted_turns = _segment_turn_pairs(frame, turns)
        unit_turns = sorted_turns[sorted_turns["source"].isin(included)]
        n_units = len(unit_turns)
        empty = [s for s in included if s not in set(unit_turns["source"])]
        if empty:
            notes.append(f"no turns for {', '.join(empty)}")
        triples = pd.DataFrame(
            {
                "turn_row": turn_rows,
                "code": code_index.get_indexer(frame["code"].to_numpy()[segment_rows]),
                "coder": coder_index.get_indexer(frame["coder"].to_numpy()[segment_rows]),
            }
        ).drop_duplicates()
        cells = triples.groupby(["turn_row", "code"], sort=False).ngroup().to_numpy()
        n_cells = int(cells.max()) + 1 if cells.size else 0
        yes = np.zeros((n_cells, k), dtype=bool)
        yes[cells, triples["coder"].to_numpy()] = True
        piece_code = np.zeros(n_cells, dtype=np.int64)
        piece_code[cells] = triples["code"].to_numpy()
        weight = np.ones(n_cells, dtype=np.int64)

    # Units some coder marked, by code and number of coders marking; the rest are all "no".
    marked = yes.sum(axis=1)
    used = marked > 0
    n_codes = code_index.size
    by_yes = np.zeros((n_codes, k + 1))
    np.add.at(by_yes, (piece_code[used], marked[used]), weight[used])
    by_yes[:, 0] = n_units - by_yes[:, 1:].sum(axis=1)
    by_mask = None
    if k == 2:
        pattern = yes[:, 0] * 1 + yes[:, 1] * 2
        by_mask = np.zeros((n_codes, 4))
        np.add.at(by_mask, (piece_code[used], pattern[used]), weight[used])
        by_mask[:, 0] = n_units - by_mask[:, 1:].sum(axis=1)

    common = {
        "unit": unit,
        "coders": tuple(coders),
        "n_coders": k,
        "n_sources": len(included),
        "n_sources_excluded": len(excluded),
        "excluded_sources": excluded,
    }
    note = "; ".join(notes)
    rows = []
    scopes = [("code", code, i) for i, code in enumerate(code_keys)] + [("overall", None, None)]
    for scope, code, i in scopes:
        if i is None:
            weights, masks = by_yes.sum(axis=0), None if by_mask is None else by_mask.sum(axis=0)
            units = n_units * n_codes
        else:
            weights, masks = by_yes[i], None if by_mask is None else by_mask[i]
            units = n_units
        stats = _binary_statistics(weights, masks)
        row_note = note
        if not np.isfinite(stats["krippendorff_alpha"]) and units:
            row_note = "; ".join(filter(None, [note, "not estimable: no variation"]))
        rows.append(
            {
                "scope": scope,
                "code": code,
                **common,
                "n_units": int(units),
                "n_units_coded": round(float(weights[1:].sum())),
                **stats,
                "alpha_reading": interpret("krippendorff_alpha", stats["krippendorff_alpha"]),
                "note": row_note or None,
            }
        )
    out = pd.DataFrame(rows, columns=list(CODER_AGREEMENT_COLUMNS))
    out.attrs["excluded_sources"] = excluded
    out.attrs["unit"] = unit
    return out


# --------------------------------------------------------------------------------------------
# Joint display


def _format_level(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):g}"


def joint_display(
    profile: pd.DataFrame,
    segments: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    dimensions: Sequence[str] | None = None,
    quotes_per_dimension: int = 2,
    region: str | None = None,
    instrument=None,
    inherit_dimensions: bool = True,
    min_length: int = 30,
    max_length: int | None = 300,
) -> pd.DataFrame:
    """For one region, per maturity dimension: its score, the themes and quotes coded to it.

    ``profile`` is one region's :func:`scirocco_lab.assessment.scoring.region_profile` (columns
    ``subject, dimension, dimension_number, dimension_name, level, level_source,
    consensus_level, delphi_label, distribution``). ``segments`` are used for that region
    only: rows whose ``region`` equals the profile's subject (or ``region``). A code is a theme
    of a dimension when the dimension is in its ``dimensions`` (with ``inherit_dimensions``, also
    when it is in an ancestor's). ``instrument`` (optional) adds ``level_label``, the
    instrument's wording of the level (integer levels only).

    Quotes (up to ``quotes_per_dimension``) come from the dimension's theme codes: the
    best-ranked passage (see :func:`quotes`) of each theme in turn, most-coded theme first, then
    the next best passages; a passage coded with two themes appears once. Each quote is
    ``“text” (speaker, source)`` with the speaker's pseudonym.

    One row per dimension, in the profile's order. Columns: ``subject``, ``dimension``,
    ``dimension_number``, ``dimension_name``, ``level``, ``level_source``, ``level_label``,
    ``consensus_level``, ``delphi_label``, ``distribution``, ``n_themes`` (themes with
    segments), ``n_segments``, ``themes`` ("Name (n); ..." by count), ``theme_codes`` (tuple),
    ``quotes`` (tuple of strings).

    Example:
        >>> import pandas as pd
        >>> profile = pd.DataFrame({"subject": "nv", "dimension": ["funding"],
        ...     "dimension_number": [5], "dimension_name": ["Funding"], "level": [2.0],
        ...     "delphi_label": ["Initial"]})
        >>> codes = pd.DataFrame({"code": ["money"], "name": ["Money worries"],
        ...     "parent": [None], "dimensions": [("funding",)]})
        >>> segments = pd.DataFrame({"source": "fg", "code": "money", "coder": "a",
        ...     "start_char": 0, "end_char": 40, "speaker": "P1", "region": "nv",
        ...     "text": ["The budget ends next year and nobody plans for it."]})
        >>> row = joint_display(profile, segments, codes).iloc[0]
        >>> (row.themes, len(row.quotes))
        ('Money worries (1)', 1)
    """
    require_columns(profile, ["dimension"], "profile")
    require_columns(codes, ["code", "dimensions"], "codes")
    require_columns(
        segments,
        ["source", "code", "coder", "start_char", "end_char", "text", "speaker"],
        "segments",
    )
    if region is None and "subject" in profile:
        subjects = pd.unique(profile["subject"].dropna())
        if len(subjects) > 1:
            raise ConfigurationError(
                f"The profile holds {len(subjects)} regions ({', '.join(map(str, subjects))}). "
                "Fix: pass one region's profile (region_profile(ratings, instrument, region))."
            )
        region = subjects[0] if len(subjects) else None
    if region is not None and "region" in segments:
        segments = segments[segments["region"] == region]
    rows = profile if dimensions is None else profile[profile["dimension"].isin(dimensions)]

    book = _codebook(codes)
    own = {
        code: _dimension_keys(value)
        for code, value in zip(codes["code"], codes["dimensions"], strict=True)
    }
    linked: dict[str, set[str]] = {}
    ancestors = _ancestor_map(codes)
    for code, keys in own.items():
        inherited = [a for a in ancestors.get(code, ())] if inherit_dimensions else []
        for key in (*keys, *(k for a in inherited for k in own.get(a, ()))):
            linked.setdefault(key, set()).add(code)
    counts = segments.groupby("code").size()

    frame = segments[["source", "code", "coder", "start_char", "end_char", "speaker"]].copy()
    frame["quote"] = segments["text"].map(_clean)
    frame = frame[frame["quote"].str.len() >= min_length]

    out_rows = []
    for _, row in rows.iterrows():
        dimension = row["dimension"]
        theme_codes = sorted(linked.get(dimension, ()), key=lambda c: (-counts.get(c, 0), c))
        theme_codes = [c for c in theme_codes if counts.get(c, 0) > 0]
        themes = "; ".join(f"{book.at[c, 'code_name']} ({int(counts[c])})" for c in theme_codes)
        chosen = _dimension_quotes(frame, theme_codes, quotes_per_dimension)
        label = None
        level = row.get("level")
        rated = level is not None and not pd.isna(level)
        if instrument is not None and rated and float(level).is_integer():
            label = instrument.dimension(dimension).level(int(level)).display_label
        out_rows.append(
            {
                "subject": row.get("subject", region),
                "dimension": dimension,
                "dimension_number": row.get("dimension_number"),
                "dimension_name": row.get("dimension_name", dimension),
                "level": level,
                "level_source": row.get("level_source"),
                "level_label": label,
                "consensus_level": row.get("consensus_level"),
                "delphi_label": row.get("delphi_label"),
                "distribution": row.get("distribution"),
                "n_themes": len(theme_codes),
                "n_segments": int(sum(counts.get(c, 0) for c in theme_codes)),
                "themes": themes,
                "theme_codes": tuple(theme_codes),
                "quotes": tuple(
                    f"“{_shorten(q.quote, max_length)}” ({_speaker_label(q.speaker)}, {q.source})"
                    for q in chosen.itertuples()
                ),
            }
        )
    return pd.DataFrame(out_rows)


def _speaker_label(speaker: object) -> str:
    return "unknown speaker" if speaker is None or pd.isna(speaker) else str(speaker)


def _dimension_quotes(frame: pd.DataFrame, theme_codes: list[str], count: int) -> pd.DataFrame:
    """Best passage of each theme in turn, then the next best, no passage twice."""
    part = frame[frame["code"].isin(theme_codes)]
    if part.empty or count < 1:
        return part.iloc[0:0]
    # Passages per theme (for the ranking within a theme), then dropped when they overlap a
    # passage already chosen for another theme of this dimension.
    ranked = _ranked(_passages(part, "code"), "code")
    ranked["_within"] = ranked.groupby("code", sort=False).cumcount()
    ranked["_theme"] = ranked["code"].map({c: i for i, c in enumerate(theme_codes)})
    ranked = ranked.sort_values(["_within", "_theme"], kind="stable")
    chosen: list[pd.Series] = []
    for _, candidate in ranked.iterrows():
        overlaps = any(
            c["source"] == candidate["source"]
            and c["start_char"] < candidate["end_char"]
            and candidate["start_char"] < c["end_char"]
            for c in chosen
        )
        if not overlaps:
            chosen.append(candidate)
        if len(chosen) == count:
            break
    return pd.DataFrame(chosen)


def joint_display_html(frame: pd.DataFrame, *, caption: str | None = None) -> str:
    """An escaped HTML table of a :func:`joint_display`: score, themes and quotes per dimension.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"dimension_name": ["Funding <b>"], "level": [2.0],
        ...     "delphi_label": ["Initial"], "themes": ["Money (1)"],
        ...     "quotes": [("“Budget ends” (P1, fg)",)]})
        >>> "Funding &lt;b&gt;" in joint_display_html(frame)
        True
    """

    def e(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return html.escape(str(value), quote=True)

    body = []
    for _, row in frame.iterrows():
        level = _format_level(row.get("level"))
        score = f"<b>{e(level)}</b>" if level else "<i>not rated</i>"
        source = row.get("level_source")
        if level and isinstance(source, str) and source:
            score += f' <span class="sl-meta">({e(source)})</span>'
        details = [row.get("level_label"), row.get("delphi_label")]
        details = [d for d in details if d is not None and not pd.isna(d)]
        if details:
            score += "".join(f'<br><span class="sl-meta">{e(d)}</span>' for d in details)
        themes = row.get("themes") or ""
        theme_cell = e(themes) if themes else '<span class="sl-meta">no coded themes</span>'
        quote_items = "".join(f"<li>{e(q)}</li>" for q in (row.get("quotes") or ()))
        quote_cell = f"<ul>{quote_items}</ul>" if quote_items else ""
        body.append(
            f'<tr><td class="sl-text">{e(row.get("dimension_name", row.get("dimension")))}</td>'
            f"<td>{score}</td><td class='sl-text'>{theme_cell}</td>"
            f"<td class='sl-text'>{quote_cell}</td></tr>"
        )
    head = "".join(
        f"<th>{label}</th>" for label in ("Dimension", "Score", "Themes", "Representative quotes")
    )
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return (
        f'<table class="sl-table sl-joint-display">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# --------------------------------------------------------------------------------------------
# Questionnaires


def _scales(
    responses: pd.DataFrame, scale: pd.DataFrame | Sequence | None
) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """questionnaire -> (scale_min, scale_max, labels low->high)."""
    questionnaires = list(pd.unique(responses["questionnaire"]))
    if isinstance(scale, pd.DataFrame):
        require_columns(scale, ["questionnaire", "scale_min", "scale_max"], "scale")
        found = {}
        for _, row in scale.iterrows():
            low, high = int(row["scale_min"]), int(row["scale_max"])
            labels = row.get("scale_labels")
            found[row["questionnaire"]] = (low, high, _labels(labels, low, high))
        missing = [q for q in questionnaires if q not in found]
        if missing:
            raise ConfigurationError(
                f"No scale for questionnaire(s) {', '.join(map(repr, missing))}. Fix: pass "
                "scale=questionnaires_frame(store) including them."
            )
        return found
    if scale is not None:
        low, high = int(scale[0]), int(scale[1])
        labels = _labels(scale[2] if len(scale) > 2 else None, low, high)
        return dict.fromkeys(questionnaires, (low, high, labels))
    found = {}
    for questionnaire, part in responses.groupby("questionnaire", sort=False):
        values = part["value"].dropna()
        if values.empty:
            raise ConfigurationError(
                f"Questionnaire {questionnaire!r} has no answers to infer its scale from. "
                "Fix: pass scale=questionnaires_frame(store)."
            )
        low, high = int(values.min()), int(values.max())
        named = {}
        if "label" in part:
            for value, label in zip(part["value"], part["label"], strict=True):
                if not pd.isna(value) and label is not None and not pd.isna(label):
                    named.setdefault(int(value), str(label))
        found[questionnaire] = (
            low,
            high,
            tuple(named.get(v, str(v)) for v in range(low, high + 1)),
        )
    return found


def _labels(labels: object, low: int, high: int) -> tuple[str, ...]:
    if labels is None or (isinstance(labels, float) and math.isnan(labels)) or not len(labels):
        return tuple(str(v) for v in range(low, high + 1))
    labels = tuple(str(label) for label in labels)
    if len(labels) != high - low + 1:
        raise ConfigurationError(
            f"The scale {low}..{high} has {high - low + 1} points but {len(labels)} labels "
            f"({', '.join(labels)}). Fix: give one label per scale point, low to high."
        )
    return labels


def _scored(
    responses: pd.DataFrame,
    items: pd.DataFrame,
    scale: pd.DataFrame | Sequence | None,
    by: list[str],
    reverse: bool,
) -> tuple[pd.DataFrame, dict[str, tuple[int, int, tuple[str, ...]]]]:
    """Responses joined to their item metadata, with ``score`` (reversed where needed)."""
    require_columns(responses, ["questionnaire", "item", "value", *by], "responses")
    require_columns(items, ["questionnaire", "item", "wording"], "items")
    scales = _scales(responses, scale)
    meta = items[
        [
            c
            for c in ("questionnaire", "item", "position", "wording", "reverse_scored")
            if c in items
        ]
    ].drop_duplicates(["questionnaire", "item"])
    if "position" not in meta:
        meta = meta.assign(position=meta.groupby("questionnaire").cumcount() + 1)
    if "reverse_scored" not in meta:
        meta = meta.assign(reverse_scored=False)
    merged = responses.merge(meta, on=["questionnaire", "item"], how="left", indicator=True)
    problems = []

    def add_problems(rows: pd.Series, field: str, message, fix: str) -> None:
        """A problem for each row of ``rows`` (a mask), on the row's ``field``; ``message``
        says it for a row's position."""
        for position in np.flatnonzero(rows.to_numpy()):
            value = merged.iloc[position][field]
            problems.append(
                InputProblem("responses", int(position) + 2, field, value, message(position), fix)
            )

    values = pd.to_numeric(merged["value"], errors="coerce")
    lows = merged["questionnaire"].map(lambda q: scales[q][0])
    highs = merged["questionnaire"].map(lambda q: scales[q][1])
    add_problems(
        merged["_merge"] == "left_only",
        "item",
        lambda at: f"item is not in questionnaire {merged['questionnaire'].iloc[at]!r}'s items",
        "add the item to the questionnaire or correct the key",
    )
    bad = values.notna() & ((values != np.round(values)) | (values < lows) | (values > highs))
    bad |= values.isna() & merged["value"].notna() & (merged["value"].astype(str).str.strip() != "")
    add_problems(
        bad,
        "value",
        lambda at: f"not a whole number on the scale {lows.iloc[at]}..{highs.iloc[at]}",
        "correct the answer or leave it empty for a missing answer",
    )
    if problems:
        raise DataValidationError(problems, outcome="nothing was computed")
    reversed_ = merged["reverse_scored"].fillna(False).astype(bool)
    if not reverse:
        reversed_ = pd.Series(False, index=merged.index)
    merged["reverse_scored"] = merged["reverse_scored"].fillna(False).astype(bool)
    merged["score"] = np.where(reversed_, lows + highs - values, values)
    return merged.drop(columns="_merge"), scales


def item_distributions(
    responses: pd.DataFrame,
    items: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    scale: pd.DataFrame | Sequence | None = None,
    reverse: bool = True,
) -> pd.DataFrame:
    """Per item (x group) x scale point: how many respondents chose it, and what percentage.

    ``responses`` is the tidy responses frame (``questionnaire, respondent, item, value``; NaN
    for a missing answer), ``items`` the items frame (``questionnaire, item, position,
    wording, reverse_scored``). ``by`` is a responses column (``"group"``, ``"region"``) or a
    list of them. ``scale``: the questionnaires frame (``scale_min, scale_max, scale_labels``
    per questionnaire), a ``(min, max)`` or ``(min, max, labels)`` tuple, or None to infer it
    from the answers and their ``label`` column (extremes nobody chose are then missed).

    Reverse-scored items are reversed (``value`` becomes ``min + max - value``) so that every
    item points the same way; ``label`` is the scale label of the scored value. Answers that
    are not whole numbers on the scale raise :class:`DataValidationError`.

    Every scale point appears for every item and group (count 0 included). ``percent`` is
    0-100 of the ``n`` non-missing answers of the item and group (NaN when n is 0).

    Columns: ``questionnaire``, ``item``, ``position``, ``wording``, ``reverse_scored``,
    [``by``], ``value`` (int), ``label``, ``count``, ``percent``, ``n``, ``n_missing``.

    Example:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"questionnaire": "q", "item": ["useful", "waste"],
        ...     "position": [1, 2], "wording": ["Useful", "A waste of time"],
        ...     "reverse_scored": [False, True]})
        >>> responses = pd.DataFrame({"questionnaire": "q", "respondent": ["r1", "r1"],
        ...     "item": ["useful", "waste"], "value": [3.0, 1.0]})
        >>> table = item_distributions(responses, items, scale=(1, 3))
        >>> table[table["count"] > 0][["item", "value"]].values.tolist()
        [['useful', 3], ['waste', 3]]
    """
    by_columns = _check_by(responses, by, "responses")
    scored, scales = _scored(responses, items, scale, by_columns, reverse)
    keys = ["questionnaire", "item", *by_columns]
    meta_columns = ["position", "wording", "reverse_scored"]
    groups = _grouped(scored, keys, **_ITEM_COUNTS)
    points = pd.DataFrame(
        [
            {"questionnaire": q, "value": v, "label": labels[v - low]}
            for q, (low, high, labels) in scales.items()
            for v in range(low, high + 1)
        ]
    )
    full = groups.merge(points, on="questionnaire", how="left")
    counts = (
        scored[scored["score"].notna()]
        .assign(value=lambda f: f["score"].astype(int))
        .groupby([*keys, "value"], dropna=False)
        .size()
        .rename("count")
        .reset_index()
    )
    full = full.merge(counts, on=[*keys, "value"], how="left")
    full["count"] = full["count"].fillna(0).astype(np.int64)
    full["value"] = full["value"].astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        full["percent"] = np.where(full["n"] > 0, 100 * full["count"] / full["n"], np.nan)
    full = full.sort_values(
        ["questionnaire", "position", "item", *by_columns, "value"], kind="stable"
    )
    columns = [*keys[:2], *meta_columns, *by_columns, "value", "label", "count", "percent"]
    return full[[*columns, "n", "n_missing"]].reset_index(drop=True)


def likert_summary(
    responses: pd.DataFrame,
    items: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    scale: pd.DataFrame | Sequence | None = None,
    box: int = 2,
    reverse: bool = True,
) -> pd.DataFrame:
    """Per item (x group): n, median, mean and the share agreeing, neutral and disagreeing.

    Same inputs, scoring and reversal as :func:`item_distributions`. ``pct_agree`` is the
    percentage of non-missing answers in the top ``box`` scale points (top two by default),
    ``pct_disagree`` in the bottom ``box``, ``pct_neutral`` at the midpoint of an odd scale
    (NaN for even scales). Percentages are 0-100.

    Columns: ``questionnaire``, ``item``, ``position``, ``wording``, ``reverse_scored``,
    [``by``], ``n``, ``n_missing``, ``median``, ``mean``, ``pct_agree``, ``pct_neutral``,
    ``pct_disagree``.

    Example:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"questionnaire": "q", "item": ["useful"], "position": [1],
        ...     "wording": ["Useful"], "reverse_scored": [False]})
        >>> responses = pd.DataFrame({"questionnaire": "q", "respondent": list("abcd"),
        ...     "item": "useful", "value": [5.0, 4.0, 3.0, 1.0]})
        >>> summary = likert_summary(responses, items, scale=(1, 5))
        >>> summary.loc[0, ["n", "median", "pct_agree", "pct_disagree"]].tolist()
        [4.0, 3.5, 50.0, 25.0]
    """
    by_columns = _check_by(responses, by, "responses")
    scored, scales = _scored(responses, items, scale, by_columns, reverse)
    for questionnaire, (low, high, _) in scales.items():
        if box < 1 or 2 * box > high - low + 1:
            raise ConfigurationError(
                f"box={box} does not fit questionnaire {questionnaire!r}'s {high - low + 1}-point "
                "scale. Fix: use a box of at most half the scale points (e.g. 1 or 2)."
            )
    low = scored["questionnaire"].map(lambda q: scales[q][0])
    high = scored["questionnaire"].map(lambda q: scales[q][1])
    score = scored["score"]
    answered = score.notna()
    scored = scored.assign(
        _agree=(score > high - box).astype(float).where(answered),
        _disagree=(score < low + box).astype(float).where(answered),
        _neutral=(score == (low + high) / 2)
        .astype(float)
        .where(answered & ((high - low) % 2 == 0)),
    )
    keys = ["questionnaire", "item", *by_columns]
    summary = _grouped(
        scored,
        keys,
        **_ITEM_COUNTS,
        median=("score", "median"),
        mean=("score", "mean"),
        pct_agree=("_agree", "mean"),
        pct_neutral=("_neutral", "mean"),
        pct_disagree=("_disagree", "mean"),
    )
    for column in ("pct_agree", "pct_neutral", "pct_disagree"):
        summary[column] = summary[column].astype(float) * 100
    summary = summary.sort_values(["questionnaire", "position", "item", *by_columns], kind="stable")
    columns = [*keys[:2], "position", "wording", "reverse_scored", *by_columns, "n", "n_missing"]
    columns += ["median", "mean", "pct_agree", "pct_neutral", "pct_disagree"]
    return summary[columns].reset_index(drop=True)
