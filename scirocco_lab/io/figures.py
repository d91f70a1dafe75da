"""What every figure shares: the synthetic-data stamp and literal (never TeX) text.

Matplotlib reads any text holding an even number of ``$`` as mathtext, so a region named
``A$B$C`` renders as math or fails the whole figure (``ParseFatalException``). Every plot
function ends with :func:`finish_figure` (or :func:`literal_figure`), which escapes each
``$`` in the figure's titles, labels, legends, annotations and fixed tick labels, so user
text is shown as typed.

>>> from matplotlib.figure import Figure
>>> fig = mark_synthetic(Figure())
>>> [text.get_text() for text in fig.texts]
['Synthetic demo data']
>>> literal("cost $5 to $10")
'cost \\\\$5 to \\\\$10'
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, Formatter, FuncFormatter

__all__ = ["SYNTHETIC_NOTE", "finish_figure", "literal", "literal_figure", "mark_synthetic"]

SYNTHETIC_NOTE = "Synthetic demo data"


def literal(text: object) -> str:
    """``text`` as matplotlib shows it literally: every ``$`` escaped (``\\$`` shows ``$``)."""
    return str(text).replace("$", r"\$")


class _LiteralLabels(FuncFormatter):
    """Tick labels given as text (``set_ticklabels``), shown literally."""

    def __init__(self, inner: Formatter):
        super().__init__(lambda x, pos=None: literal(inner(x, pos)))


def _literal_labels(formatter: Formatter) -> Formatter:
    # Only labels given as text: numeric formatters may use mathtext on purpose (10^3).
    if isinstance(formatter, (FixedFormatter, FuncFormatter)) and not isinstance(
        formatter, _LiteralLabels
    ):
        return _LiteralLabels(formatter)
    return formatter


def literal_figure(fig: Figure) -> Figure:
    """Escape ``$`` in every text of ``fig`` once, so no user text is parsed as TeX.

    Call it once, when the figure is complete (escaping twice would show the backslashes).

    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> ax.set_yticks([0]); ax.set_yticklabels(["$x$ region"]); _ = ax.set_title("$a$")
    ... # doctest: +ELLIPSIS
    [...]
    >>> fig = literal_figure(fig)
    >>> ax.get_title(), ax.yaxis.get_major_formatter()(0, 0)
    ('\\\\$a\\\\$', '\\\\$x\\\\$ region')
    >>> fig.savefig(__import__("io").BytesIO(), format="png")  # renders, no ParseFatalException
    """
    tick_texts: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(_literal_labels(axis.get_major_formatter()))
            axis.set_minor_formatter(_literal_labels(axis.get_minor_formatter()))
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                tick_texts.update(id(label) for label in (tick.label1, tick.label2))
    for text in fig.findobj(Text):
        if id(text) not in tick_texts and "$" in text.get_text():
            text.set_text(literal(text.get_text()))
    return fig


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


def finish_figure(
    fig: Figure,
    title: str | None = None,
    *,
    synthetic: bool = False,
    ax: Axes | None = None,
    fontsize: float = 11,
    pad: float | None = None,
    layout: bool | tuple[float, float, float, float] = True,
) -> Figure:
    """End a plot function: the title (over ``ax``, else over the whole figure), the synthetic
    stamp, literal text (:func:`literal_figure`) and the tight layout (``layout`` may be the
    ``rect`` to fit in, or False to keep the layout as drawn).

    >>> fig = Figure()
    >>> fig = finish_figure(fig, "Northvale $1", synthetic=True, ax=fig.add_subplot())
    >>> fig.axes[0].get_title(), fig.texts[0].get_text()
    ('Northvale \\\\$1', 'Synthetic demo data')
    """
    if title:
        if ax is None:
            fig.suptitle(title, fontsize=fontsize)
        else:
            ax.set_title(title, fontsize=fontsize, **({} if pad is None else {"pad": pad}))
    if synthetic:
        mark_synthetic(fig)
    literal_figure(fig)
    if layout is True:
        fig.tight_layout()
    elif layout:
        fig.tight_layout(rect=layout)
    return fig
