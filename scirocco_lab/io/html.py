"""HTML fragments for reports and served pages; every piece of user text is escaped here.

One rule for missing values everywhere: ``None``, NaN, ``pd.NA`` and ``NaT`` show as an empty
cell, never as "nan" or "<NA>".

>>> escape_text("<b>"), escape_text(float("nan")), escape_text(pd.NA), escape_text(pd.NaT)
('&lt;b&gt;', '', '', '')
>>> table = table_html(pd.DataFrame({"name": ["<i>x</i>"], "level": [2.5]}))
>>> table.split("<tbody>")[1]
'<tr><td class="sl-text">&lt;i&gt;x&lt;/i&gt;</td><td>2.5</td></tr></tbody></table>'
"""

from __future__ import annotations

import base64
import html
import io
import numbers
from collections.abc import Iterable

import pandas as pd

from scirocco_lab.io.display import format_number
from scirocco_lab.io.figures import SYNTHETIC_NOTE

__all__ = ["banner_html", "escape_text", "figure_html", "is_missing", "table_html"]


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``NaT``; False for any other value (lists included).

    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing(("a",))
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: pd.isna answers element-wise
        return False


def escape_text(value: object) -> str:
    """Any value as HTML-escaped text; missing values (see :func:`is_missing`) as ""."""
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def banner_html(title: str, *, synthetic: bool, lines: Iterable[str] = ()) -> str:
    """Report heading; a visible red banner when the data is synthetic demo data."""
    parts = [f"<h1>{escape_text(title)}</h1>"]
    if synthetic:
        parts.append(
            f'<div class="sl-banner">{escape_text(SYNTHETIC_NOTE)}: every region, person and '
            "rating in this report is invented for demonstration. Do not cite it.</div>"
        )
    parts.extend(f'<p class="sl-meta">{escape_text(line)}</p>' for line in lines)
    return "\n".join(parts)


def table_html(
    frame: pd.DataFrame, *, columns: dict[str, str] | None = None, decimals: int = 1
) -> str:
    """An escaped HTML table: ``columns`` maps frame columns to headings, in order.

    Floats show at ``decimals`` decimals, rounded half up (:func:`format_number`: an IQR of
    0.25 shows 0.3 at one decimal).
    """
    columns = columns or {c: c for c in frame.columns}
    head = "".join(f"<th>{escape_text(label)}</th>" for label in columns.values())
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            numeric = isinstance(value, numbers.Number) and not isinstance(value, bool)
            if isinstance(value, float) and not pd.isna(value):
                value = format_number(value, decimals)
            cells.append(
                f"<td>{escape_text(value)}</td>"
                if numeric
                else f'<td class="sl-text">{escape_text(value)}</td>'
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="sl-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def figure_html(fig, *, alt: str, dpi: int = 110) -> str:
    """A figure as an embedded PNG <img> (self-contained, no files beside the report)."""
    buffer = io.BytesIO()
    # zlib level 3 instead of PIL's 6: measured on the report figures, smaller and faster.
    fig.savefig(
        buffer, format="png", dpi=dpi, bbox_inches="tight", pil_kwargs={"compress_level": 3}
    )
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<img alt="{escape_text(alt)}" src="data:image/png;base64,{encoded}" '
        'style="max-width:100%"/>'
    )
