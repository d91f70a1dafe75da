"""Searching the capacity-building asset catalogue (seed 001, step 4).

Pure functions over :func:`scirocco_lab.planning.store.assets_frame` (or any frame with the
same columns).

>>> import pandas as pd
>>> assets = pd.DataFrame({"asset": ["a", "b"], "kind": ["tool", "expert"],
...     "title": ["Pooled budget calculator", "Finance lead"],
...     "description": ["Spreadsheet model", None], "dimensions": [("funding",), ("funding",)],
...     "languages": [("en",), ("en", "it")], "region": [None, "thornmere"], "url": [None, None],
...     "synthetic": [False, False]})
>>> search_assets(assets, text="budget").asset.tolist()
['a']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scirocco_lab.errors import ConfigurationError, require_columns
from scirocco_lab.planning.records import ASSET_KINDS

__all__ = ["search_assets"]

_COLUMNS = ("asset", "kind", "title", "description", "dimensions", "languages", "region")


def _one_or_many(value: str | Sequence[str] | None) -> set[str] | None:
    if value is None:
        return None
    return {value} if isinstance(value, str) else set(value)


def search_assets(
    assets_frame: pd.DataFrame,
    *,
    text: str | None = None,
    dimension: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
    language: str | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    """The assets that match every given criterion, in the frame's order (index reset).

    ``text``: every word must occur (case-insensitive) in the title, description or kind
    ("good practice" finds kind good_practice). ``dimension``: a dimension key, or several
    (an asset tagged with any of them matches). ``kind``: one of
    :data:`~scirocco_lab.planning.records.ASSET_KINDS` or several; an unknown kind is a
    :class:`~scirocco_lab.errors.ConfigurationError`. ``language``: an ISO 639 code such as
    "en". ``region``: the owner region's key.

    >>> import pandas as pd
    >>> assets = pd.DataFrame({"asset": ["a"], "kind": ["good_practice"], "title": ["Hub"],
    ...     "description": [None], "dimensions": [("process_coordination",)],
    ...     "languages": [("en",)], "region": ["eastholm-lakes"]})
    >>> len(search_assets(assets, text="GOOD practice", dimension="process_coordination"))
    1
    """
    require_columns(assets_frame, _COLUMNS, "assets frame")
    kinds = _one_or_many(kind)
    unknown = sorted(kinds - set(ASSET_KINDS)) if kinds else []
    if unknown:
        raise ConfigurationError(
            f"unknown asset kind {', '.join(unknown)}; use one of {', '.join(ASSET_KINDS)}"
        )
    keep = pd.Series(True, index=assets_frame.index)
    if text is not None and text.strip():
        haystack = (
            assets_frame["title"].fillna("").astype(str)
            + " "
            + assets_frame["description"].fillna("").astype(str)
            + " "
            + assets_frame["kind"].fillna("").astype(str).str.replace("_", " ")
            + " "
            + assets_frame["kind"].fillna("").astype(str)
        ).str.casefold()
        for word in text.casefold().split():
            keep &= haystack.str.contains(word, regex=False)
    dimensions = _one_or_many(dimension)
    if dimensions is not None:
        keep &= assets_frame["dimensions"].map(lambda tags: bool(set(tags or ()) & dimensions))
    if kinds is not None:
        keep &= assets_frame["kind"].isin(kinds)
    if language is not None:
        wanted = language.strip().lower()
        keep &= assets_frame["languages"].map(lambda codes: wanted in (codes or ()))
    if region is not None:
        keep &= assets_frame["region"] == region
    return assets_frame[keep.astype(bool)].reset_index(drop=True)
