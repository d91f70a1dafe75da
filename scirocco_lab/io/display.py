"""How numbers are shown: one rounding rule for every table, report and figure.

Python's ``round`` and ``format`` round the binary value half to even, so an IQR of 0.25 shows
as "0.2" at one decimal. Readers (and the published tables) round half up: 0.25 shows "0.3".
:func:`format_number` does that on the shortest decimal text of the value (``repr``), so 0.15,
stored as 0.1499999..., also shows "0.2", as a reader expects.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from scirocco_lab.errors import ConfigurationError

__all__ = ["format_number"]


def format_number(value: object, decimals: int = 1) -> str:
    """``value`` at ``decimals`` decimals, rounded half up (away from zero); "" when missing.

    Whole numbers (ints, and bools as 0/1 are not numbers here) show without decimals.

    >>> format_number(0.25), format_number(0.35), format_number(2.5, 0), format_number(-0.25)
    ('0.3', '0.4', '3', '-0.3')
    >>> format_number(0.15), format_number(37.5, 1), format_number(12), format_number(None)
    ('0.2', '37.5', '12', '')
    >>> format_number(float("nan")), format_number(0.4302445, 3)
    ('', '0.430')
    """
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if not isinstance(value, numbers.Real):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return ""
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if not isinstance(decimals, int) or decimals < 0:
        raise ConfigurationError(f"decimals must be a whole number >= 0, got {decimals!r}.")
    try:
        rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds: huge numbers
        return f"{number:.{decimals}f}"
    text = f"{rounded:f}"
    return "0" + text[2:] if text.startswith("-0") and rounded == 0 else text
