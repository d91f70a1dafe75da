"""Figures for evaluation data: diverging Likert bars, code frequencies, co-occurrence heatmap.

Like :mod:`scirocco_lab.assessment.plots`, figures are built on :class:`matplotlib.figure.Figure`
(no pyplot state) and returned, never shown or saved; ``synthetic=True`` stamps the demo-data mark
(:func:`scirocco_lab.io.figures.mark_synthetic`). Inputs are the tidy frames of
:mod:`scirocco_lab.evaluation.analysis`.

>>> import pandas as pd
>>> frequencies = pd.DataFrame({"code": ["trust", "money"], "n_segments": [5, 2]})
>>> fig = code_frequency_chart(frequencies)
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['trust', 'money']
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from scirocco_lab.errors import ConfigurationError, require_columns
from scirocco_lab.io.figures import finish_figure

__all__ = ["code_frequency_chart", "cooccurrence_heatmap", "diverging_likert_chart"]

_NEUTRAL_COLOUR = "#c8c8c8"
_BAR_COLOUR = "#2b7bba"


def _empty_figure(message: str, *, title: str | None, synthetic: bool) -> Figure:
    """A small figure saying there is nothing to draw (reports keep their layout)."""
    fig = Figure(figsize=(6.0, 1.6))
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color="#555")
    return finish_figure(fig, title, synthetic=synthetic, ax=ax, layout=False)


def _likert_colours(values: Sequence[int], midpoint: float) -> list[str]:
    """Brown-to-teal diverging colours (colour-blind safe), grey for the neutral midpoint."""
    cmap = colormaps["BrBG"]
    low, high = min(values), max(values)
    colours = []
    for value in values:
        if value == midpoint:
            colours.append(_NEUTRAL_COLOUR)
            continue
        # Map the distance from the midpoint to 0.1..0.4 (negative) or 0.6..0.9 (positive),
        # keeping the palette's pale centre for the neutral grey.
        if value < midpoint:
            share = (midpoint - value) / max(midpoint - low, 1e-9)
            colours.append(_hex(cmap(0.45 - 0.35 * share)))
        else:
            share = (value - midpoint) / max(high - midpoint, 1e-9)
            colours.append(_hex(cmap(0.55 + 0.35 * share)))
    return colours


def _hex(rgba: tuple[float, float, float, float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgba[:3])


def _bar_label(row: pd.Series, by: list[str], wrap: int) -> str:
    wording = str(row["wording"]) if pd.notna(row.get("wording")) else str(row["item"])
    if bool(row.get("reverse_scored", False)):
        wording += " (reverse-scored)"
    text = textwrap.fill(wording, wrap, break_on_hyphens=False)
    if by:
        group = ", ".join("–" if pd.isna(row[c]) else str(row[c]) for c in by)
        text += f"\n[{group}]"
    return text


def diverging_likert_chart(
    distributions: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    title: str | None = None,
    synthetic: bool = False,
    wrap: int = 45,
    show_percent: bool = True,
) -> Figure:
    """Diverging stacked bars of Likert answers, centred on the neutral midpoint.

    ``distributions`` is :func:`~scirocco_lab.evaluation.analysis.item_distributions` output
    (computed with the same ``by``). One horizontal bar per item (x group), items in
    questionnaire order from the top; one bar segment per scale point, its width the
    percentage of answers. Points below the midpoint extend left of 0 (the most negative
    outermost), points above extend right, and the neutral point of an odd scale is centred on
    0 (half on each side). The legend lists the scale labels low to high; wording is wrapped
    after ``wrap`` characters and reverse-scored items say so; ``n`` is printed at the right.
    ``show_percent`` writes percentages of 10 % or more inside their segment.

    All items must share one scale (same points); otherwise :class:`ConfigurationError`.

    Example:
        >>> import pandas as pd
        >>> distributions = pd.DataFrame({"questionnaire": "q", "item": "useful",
        ...     "wording": "The visit was useful", "reverse_scored": False,
        ...     "value": [1, 2, 3], "label": ["No", "Unsure", "Yes"],
        ...     "percent": [20.0, 30.0, 50.0], "count": [2, 3, 5], "n": 10})
        >>> fig = diverging_likert_chart(distributions)
        >>> len(fig.axes[0].patches)
        3
    """
    by_columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(
        distributions, ["item", "value", "label", "percent", *by_columns], "distributions"
    )
    if distributions.empty:
        return _empty_figure("No questionnaire answers.", title=title, synthetic=synthetic)
    frame = distributions.copy()
    frame["value"] = frame["value"].astype(int)
    if "wording" not in frame:
        frame["wording"] = frame["item"]
    bar_keys = [c for c in ("questionnaire", "item") if c in frame] + by_columns
    points = sorted(pd.unique(frame["value"]))
    per_bar = frame.groupby(bar_keys, sort=False, dropna=False)["value"].agg(
        lambda v: tuple(sorted(set(v)))
    )
    if any(values != tuple(points) for values in per_bar):
        raise ConfigurationError(
            "The items do not share one scale (different scale points). Fix: draw one chart "
            "per questionnaire, or filter the distributions to items on the same scale."
        )
    labels = frame.drop_duplicates("value").set_index("value")["label"].reindex(points)
    midpoint = (points[0] + points[-1]) / 2
    colours = _likert_colours(points, midpoint)

    # Bars in order of first appearance (item_distributions sorts by questionnaire position).
    bar_number = frame.groupby(bar_keys, sort=False, dropna=False).ngroup().to_numpy()
    bars = frame.assign(_bar=bar_number).drop_duplicates("_bar").sort_values("_bar")
    bars = bars.reset_index(drop=True)
    widths = np.zeros((len(bars), len(points)))
    widths[bar_number, np.searchsorted(points, frame["value"].to_numpy())] = (
        frame["percent"].astype(float).fillna(0.0).to_numpy()
    )
    neutral = np.array([p == midpoint for p in points])
    negative = np.array([p < midpoint for p in points])
    half_neutral = widths[:, neutral].sum(axis=1) / 2
    lefts = np.zeros_like(widths)
    for column, point in enumerate(points):
        if point == midpoint:
            lefts[:, column] = -half_neutral
        elif point < midpoint:
            # Stack outward: everything between this point and the midpoint lies to its right.
            closer = negative & (np.array(points) > point)
            lefts[:, column] = -half_neutral - widths[:, closer].sum(axis=1) - widths[:, column]
        else:
            closer = (np.array(points) > midpoint) & (np.array(points) < point)
            lefts[:, column] = half_neutral + widths[:, closer].sum(axis=1)

    n_bars = len(bars)
    lines = sum(_bar_label(row, by_columns, wrap).count("\n") + 1 for _, row in bars.iterrows())
    fig = Figure(figsize=(9.5, 0.3 * lines + 0.25 * n_bars + 2.2))
    ax = fig.add_subplot()
    y = np.arange(n_bars)
    for column, point in enumerate(points):
        ax.barh(
            y,
            widths[:, column],
            left=lefts[:, column],
            height=0.7,
            color=colours[column],
            edgecolor="white",
            linewidth=0.6,
            label=str(labels.loc[point]),
        )
        if show_percent:
            for row in range(n_bars):
                width = widths[row, column]
                if width >= 10:
                    ax.text(
                        lefts[row, column] + width / 2,
                        row,
                        f"{width:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="#222",
                    )
    extent = max(float(-lefts.min(initial=0)), float((lefts + widths).max(initial=0)))
    step = 10 if extent <= 40 else 20 if extent <= 80 else 25
    limit = min(100.0, max(step, np.ceil(extent / step) * step))
    ax.set_xlim(-limit, limit)
    ticks = np.arange(-limit, limit + step / 2, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t):.0f}%" for t in ticks])
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [_bar_label(row, by_columns, wrap) for _, row in bars.iterrows()], fontsize=8
    )
    ax.set_ylim(n_bars - 0.5, -0.5)
    if "n" in bars:
        for row, n in enumerate(bars["n"]):
            ax.annotate(
                f"n={int(n)}" if pd.notna(n) else "",
                xy=(1.0, row),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="#555",
            )
    ax.set_xlabel("% of answers")
    # Legend above the bars: its height does not depend on how many bars there are.
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.01),
        ncol=min(len(points), 7),
        frameon=False,
        fontsize=8,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return finish_figure(fig, title, synthetic=synthetic)


def code_frequency_chart(
    frequencies: pd.DataFrame,
    *,
    value: str = "n_segments",
    by: str | None = None,
    label: str | None = None,
    top: int | None = None,
    title: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Horizontal bars of a code-frequency table, most frequent code at the top.

    ``frequencies`` is :func:`~scirocco_lab.evaluation.analysis.code_frequencies` output;
    ``value`` the count to draw (``n_segments``, ``n_sources``, ``n_speakers``). With ``by``
    (the column the frequencies were grouped by) each bar is stacked by group, with a legend.
    ``label`` is the column naming the codes (default ``code_path`` when present, else
    ``code``); ``top`` keeps the most frequent codes only.
    """
    label = label or ("code_path" if "code_path" in frequencies else "code")
    require_columns(frequencies, ["code", label, value, *([by] if by else [])], "frequencies")
    if frequencies.empty:
        return _empty_figure("No coded segments.", title=title, synthetic=synthetic)
    frame = frequencies.copy()
    frame[label] = frame[label].where(frame[label].notna(), frame["code"])
    totals = (
        frame.groupby("code", sort=False)[value].sum().sort_values(ascending=False, kind="stable")
    )
    if top is not None:
        totals = totals.head(top)
    order = list(totals.index)
    names = frame.drop_duplicates("code").set_index("code", drop=False)[label].reindex(order)
    fig = Figure(figsize=(8.0, 0.38 * max(len(order), 1) + 1.6))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    if by:
        groups = list(pd.unique(frame[by].fillna("–")))
        table = (
            frame.assign(**{by: frame[by].fillna("–")})
            .pivot_table(index="code", columns=by, values=value, aggfunc="sum", fill_value=0)
            .reindex(index=order, columns=groups, fill_value=0)
        )
        palette = colormaps["tab10"]
        left = np.zeros(len(order))
        for position, group in enumerate(groups):
            widths = table[group].to_numpy(dtype=float)
            ax.barh(y, widths, left=left, color=palette(position % 10), label=str(group))
            left += widths
        ax.legend(title=by, fontsize=8, title_fontsize=8, frameon=False, loc="lower right")
    else:
        ax.barh(y, totals.to_numpy(dtype=float), color=_BAR_COLOUR)
        for row, total in enumerate(totals):
            ax.text(total, row, f" {total:g}", va="center", fontsize=7, color="#333")
    ax.set_yticks(y)
    ax.set_yticklabels([str(n) for n in names], fontsize=8)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel(value.replace("n_", "number of ").replace("_", " "))
    ax.grid(axis="x", color="#eee")
    ax.set_axisbelow(True)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax)


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    value_label: str = "count",
    synthetic: bool = False,
) -> Figure:
    """Heatmap of a :func:`~scirocco_lab.evaluation.analysis.cooccurrence_matrix`.

    Values are written in the cells; the diagonal (NaN) is greyed out. ``labels`` maps code
    keys to display names; ``value_label`` names the colour bar ("count" or "jaccard").

    Example:
        >>> import pandas as pd
        >>> from scirocco_lab.evaluation.analysis import cooccurrence_matrix
        >>> pairs = pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "count": [3]})
        >>> fig = cooccurrence_heatmap(cooccurrence_matrix(pairs))
        >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
        ['a', 'b']
    """
    if matrix.empty:
        return _empty_figure("No codes co-occur.", title=title, synthetic=synthetic)
    labels = dict(labels or {})
    rows, columns = list(matrix.index), list(matrix.columns)
    values = matrix.astype(float).to_numpy()
    size = max(4.5, 0.55 * max(len(rows), len(columns)) + 2.5)
    fig = Figure(figsize=(size + 1.2, size))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", aspect="equal", vmin=0)
    ax.set_facecolor("#eeeeee")  # masked cells (the diagonal) show the background
    vmax = float(np.nanmax(values)) if not np.isnan(values).all() else 1.0
    for i in range(len(rows)):
        for j in range(len(columns)):
            v = values[i, j]
            if np.isnan(v):
                continue
            text = f"{v:.2f}" if not float(v).is_integer() else f"{v:g}"
            colour = "white" if v > 0.6 * vmax else "#222"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(np.arange(len(columns)))
    ax.set_xticklabels(
        [labels.get(c, str(c)) for c in columns], rotation=45, ha="right", fontsize=8
    )
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([labels.get(r, str(r)) for r in rows], fontsize=8)
    colourbar = fig.colorbar(image, ax=ax, shrink=0.75)
    colourbar.set_label(value_label, fontsize=8)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax)
