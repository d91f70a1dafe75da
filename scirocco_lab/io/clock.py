"""The one clock every record and report reads: timezone-aware UTC.

>>> utc_now().tzinfo is not None
True
>>> utc_now(whole_seconds=True).microsecond
0
"""

from __future__ import annotations

import datetime as dt

__all__ = ["utc_now"]


def utc_now(*, whole_seconds: bool = False) -> dt.datetime:
    """Now, in UTC; ``whole_seconds`` drops the microseconds (for text a person reads)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=0) if whole_seconds else now
