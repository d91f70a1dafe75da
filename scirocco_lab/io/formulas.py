"""Keeping spreadsheet programs from running text as a formula (CSV/formula injection).

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before looking) is a formula to Excel, LibreOffice and Google Sheets when a CSV
is opened, and can run commands or send data away. Exports therefore write such text with a
leading apostrophe, the spreadsheet programs' own "this is text" mark (OWASP's advice).
Numbers are numbers and are left alone; ``raw=True`` on an export keeps text exactly as stored.

>>> [neutralise_cell(v) for v in ("=1+1", "+31 6", "-x", "@SUM(A1)", "\\t=1", "plain", -3)]
["'=1+1", "'+31 6", "'-x", "'@SUM(A1)", "'\\t=1", 'plain', -3]
>>> restore_cell(neutralise_cell("=1+1")), restore_cell("'quoted")
('=1+1', "'quoted")
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "neutralise_cell", "restore_cell"]

#: First characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(text: str | None) -> str | None:
    """Undo :func:`neutralise_cell` on import, so a default export reads back as it was."""
    if text is not None and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
