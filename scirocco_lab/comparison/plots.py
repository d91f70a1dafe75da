"""Figures for comparison and twinning: overlaid radar, gap chart, complementarity heatmap,
best-partner chart.

Like :mod:`scirocco_lab.assessment.plots`, figures are built on :class:`matplotlib.figure.Figure`
(no pyplot state) and returned, never shown or saved; ``synthetic=True`` stamps the demo-data mark.

>>> import pandas as pd
>>> from scirocco_lab.instruments import load_instrument
>>> from scirocco_lab.comparison.gaps import practice_gaps
>>> exchange = load_instrument()
>>> readiness = pd.DataFrame({"dimension": ["funding"], "level": [2.0]})
>>> requirements = pd.DataFrame({"dimension": ["funding"], "requirement_level": [4.0]})
>>> fig = gap_chart(practice_gaps(readiness, requirements, exchange))
>>> len(fig.axes)
1
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from scirocco_lab.assessment.plots import radar_chart
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.figures import finish_figure

__all__ = ["complementarity_heatmap", "gap_chart", "overlay_radar", "partner_chart"]

# Colour-blind-safe pair (blue/orange) plus grey for unknown, matching the radar's palette.
_MEETS_COLOUR = "#2b7bba"
_SHORT_COLOUR = "#d95f02"
_UNKNOWN_COLOUR = "#bbbbbb"


def overlay_radar(
    profiles: Mapping[str, pd.DataFrame],
    instrument: Instrument,
    *,
    value: str = "level",
    title: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Several profiles on one radar: ``{legend label: frame with dimension and value}``.

    >>> from scirocco_lab.instruments import load_instrument
    >>> exchange = load_instrument()
    >>> a = pd.DataFrame({"dimension": exchange.dimension_keys, "level": 2.0})
    >>> fig = overlay_radar({"Readiness": a, "Requirement": a.assign(level=4.0)}, exchange)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['Readiness', 'Requirement']
    """
    tidy = pd.concat(
        [
            pd.DataFrame({"profile": label, "dimension": frame["dimension"], "level": frame[value]})
            for label, frame in profiles.items()
        ],
        ignore_index=True,
    )
    return radar_chart(tidy, instrument, title=title, synthetic=synthetic)


def gap_chart(
    gaps: pd.DataFrame,
    *,
    value: str = "gap",
    title: str | None = None,
    synthetic: bool = False,
    above_label: str = "readiness above requirement",
    below_label: str = "short of requirement",
) -> Figure:
    """Diverging horizontal bars, one per dimension, centred on zero.

    Default: the :func:`scirocco_lab.comparison.gaps.practice_gaps` ``gap`` (readiness -
    requirement), bars right of zero where the region meets the requirement, left where it is short,
    a grey "unknown" mark where either level is missing. Each bar is labelled with both levels when
    the frame has ``readiness_level`` and ``requirement_level``. For two regions pass
    :func:`scirocco_lab.comparison.gaps.compare_regions` with ``value="difference"`` and matching
    labels.
    """
    ordered = gaps.sort_values("dimension_number", ascending=False, kind="stable")
    values = ordered[value].astype(float).to_numpy()
    names = [textwrap.fill(str(n), 28) for n in ordered["dimension_name"]]
    positions = np.arange(len(ordered))
    fig = Figure(figsize=(8.5, 0.45 * len(ordered) + 1.6))
    ax = fig.add_subplot()
    colours = [
        _UNKNOWN_COLOUR if np.isnan(v) else _SHORT_COLOUR if v < 0 else _MEETS_COLOUR
        for v in values
    ]
    ax.barh(positions, np.nan_to_num(values), color=colours, height=0.6)
    limit = max(1.0, float(np.nanmax(np.abs(values))) if not np.isnan(values).all() else 1.0)
    ax.set_xlim(-limit - 1.2, limit + 1.2)
    ax.axvline(0, color="#333", linewidth=1)
    ax.set_yticks(positions)
    ax.set_yticklabels(names, fontsize=8.5)
    ax.set_xlabel(f"{value} (levels)")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    has_levels = {"readiness_level", "requirement_level"} <= set(ordered.columns)
    for position, v, (_, row) in zip(positions, values, ordered.iterrows(), strict=True):
        if np.isnan(v):
            ax.text(0.1, position, "unknown", va="center", fontsize=8, color="#555")
            continue
        text = f"{v:+g}"
        if has_levels:
            text = f"{row['readiness_level']:g} vs {row['requirement_level']:g}"
        ax.text(
            v + (0.08 if v >= 0 else -0.08),
            position,
            text,
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
            color="#333",
        )
    ax.legend(
        handles=[
            Patch(color=_MEETS_COLOUR, label=above_label),
            Patch(color=_SHORT_COLOUR, label=below_label),
            Patch(color=_UNKNOWN_COLOUR, label="unknown (no level)"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 if len(ordered) > 4 else -0.3),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    return finish_figure(fig, title, synthetic=synthetic, ax=ax, fontsize=12)


def complementarity_heatmap(
    matrix: pd.DataFrame,
    *,
    pairing: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Heatmap of a :func:`scirocco_lab.comparison.twinning.complementarity_matrix`: receiving
    regions in rows, transferring regions in columns, values written in the cells, the diagonal
    greyed out. ``pairing`` (from :func:`~scirocco_lab.comparison.twinning.programme_pairing`)
    outlines the chosen pairs; ``labels`` maps region keys to display names.
    """
    labels = dict(labels or {})
    rows, columns = list(matrix.index), list(matrix.columns)
    values = matrix.astype(float).to_numpy()
    size = max(4.5, 0.62 * max(len(rows), len(columns)) + 2.5)
    fig = Figure(figsize=(size + 1.2, size))
    ax = fig.add_subplot()
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, cmap="Blues", aspect="equal", vmin=0)
    ax.set_facecolor("#eeeeee")  # masked cells (the diagonal) show the background
    vmax = float(np.nanmax(values)) if not np.isnan(values).all() else 1.0
    for i in range(len(rows)):
        for j in range(len(columns)):
            v = values[i, j]
            text = "–" if np.isnan(v) else f"{v:g}"
            colour = "white" if not np.isnan(v) and v > 0.6 * vmax else "#222"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    if pairing is not None and not pairing.empty:
        for _, pair in pairing.iterrows():
            if pair["receiving_region"] in rows and pair["transferring_region"] in columns:
                i = rows.index(pair["receiving_region"])
                j = columns.index(pair["transferring_region"])
                ax.add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#d95f02", lw=2.2)
                )
    ax.set_xticks(np.arange(len(columns)))
    ax.set_xticklabels([labels.get(c, c) for c in columns], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([labels.get(r, r) for r in rows], fontsize=8)
    ax.set_xlabel("transferring region (coach)")
    ax.set_ylabel("receiving region (learner)")
    colourbar = fig.colorbar(image, ax=ax, shrink=0.75)
    colourbar.set_label("complementarity (levels ahead in the receiver's focus)", fontsize=8)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax, fontsize=12)


def partner_chart(
    partners: pd.DataFrame,
    *,
    pairing: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Each receiving region's best transferring region, one bar a region: readable for any
    number of regions (a programme too large for a heatmap is shown page by page).

    ``partners`` has one row per receiving region (``receiving_region``, ``candidate``,
    ``complementarity``, e.g. :func:`scirocco_lab.comparison.twinning.best_partners`); the
    bar is the best partner's complementarity, labelled with its name. ``pairing`` (from
    :func:`~scirocco_lab.comparison.twinning.programme_pairing`) adds a dot at the
    complementarity of the partner the programme pairs the region with.

    >>> best = pd.DataFrame({"receiving_region": ["a", "b"], "candidate": ["b", "a"],
    ...                      "complementarity": [3.0, 1.0]})
    >>> fig = partner_chart(best, labels={"a": "Ashford", "b": "Brill"})
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Ashford', 'Brill']
    """
    labels = dict(labels or {})
    receivers = [str(r) for r in partners["receiving_region"]]
    values = partners["complementarity"].astype(float).to_numpy()
    fig = Figure(figsize=(8.5, 1.4 + 0.24 * max(len(receivers), 3)))
    ax = fig.add_subplot()
    y = np.arange(len(receivers))
    ax.barh(y, values, color=_MEETS_COLOUR, height=0.7, label="best partner")
    top = float(np.nanmax(values)) if len(values) and not np.isnan(values).all() else 1.0
    for row, value, candidate in zip(y, values, partners["candidate"], strict=True):
        ax.text(
            (0 if np.isnan(value) else value) + 0.02 * max(top, 1.0),
            row,
            str(labels.get(candidate, candidate)),
            va="center",
            fontsize=7,
        )
    if pairing is not None and not pairing.empty:
        paired = pairing.set_index("receiving_region")["complementarity"].astype(float)
        shown = [paired.get(r, np.nan) for r in receivers]
        ax.plot(shown, y, "D", color=_SHORT_COLOUR, markersize=4, label="paired in the programme")
    ax.set_yticks(y)
    ax.set_yticklabels([labels.get(r, r) for r in receivers], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, max(top, 1.0) * 1.35)  # room for the partners' names
    ax.set_xlabel("complementarity (levels ahead in the receiver's focus)")
    ax.legend(loc="lower right", fontsize=7)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax)
