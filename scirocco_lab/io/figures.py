"""What every figure shares: the synthetic-data stamp and literal (never TeX) text.

>>> from matplotlib.figure import Figure
>>> fig = mark_synthetic(Figure())
>>> [text.get_text() for text in fig.texts]
['Synthetic demo data']
"""

from __future__ import annotations

from matplotlib.figure import Figure

__all__ = ["SYNTHETIC_NOTE", "mark_synthetic"]

SYNTHETIC_NOTE = "Synthetic demo data"


def mark_synthetic(fig: Figure, note: str = SYNTHETIC_NOTE) -> Figure:
    """Stamp a figure so it cannot be mistaken for real data once copied out of a report."""
    fig.text(
        0.99,
        0.01,
        note,
        ha="right",
        va="bottom",
        fontsize=9,
        color="#b03a2e",
        style="italic",
        alpha=0.9,
    )
    return fig
