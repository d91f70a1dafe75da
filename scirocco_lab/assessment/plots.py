"""Plots (matplotlib): figures are returned, never shown or saved by library code.

>>> import pandas as pd
>>> from scirocco_lab.instruments import load_instrument
>>> exchange = load_instrument()
>>> frame = pd.DataFrame({"profile": "Northvale", "dimension": exchange.dimension_keys,
...                       "level": [3] * 12})
>>> fig = radar_chart(frame, exchange)
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()][0]
'Readiness to\\nChange'
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

# Figures are built on matplotlib's object API, not pyplot: no global figure state to leak
# in batch report runs, and no dependence on which backend the caller has active.
from matplotlib.figure import Figure

from scirocco_lab.instruments import Instrument
from scirocco_lab.io.figures import finish_figure

__all__ = ["longitudinal_chart", "radar_chart", "rating_distribution_chart"]


def radar_chart(
    profiles: pd.DataFrame,
    instrument: Instrument,
    *,
    profile: str = "profile",
    value: str = "level",
    title: str | None = None,
    synthetic: bool = False,
    figsize: tuple[float, float] = (7.5, 7.5),
) -> Figure:
    """Radar (spider) chart of one or more profiles over the instrument's dimensions.

    ``profiles`` is tidy: one row per profile x dimension with columns ``profile`` (the
    legend label), ``dimension`` (key) and ``value``. Axes follow the instrument's order and
    names; the radial scale is the instrument's. A missing level leaves a gap in the line
    rather than pretending it is zero.
    """
    keys = list(instrument.dimension_keys)
    names = [textwrap.fill(d.name, 14) for d in instrument.dimensions]
    angles = np.linspace(0, 2 * np.pi, len(keys), endpoint=False)
    closed_angles = np.append(angles, angles[0])
    fig = Figure(figsize=figsize)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles)
    ax.set_xticklabels(names, fontsize=8.5)
    ax.set_ylim(instrument.scale_min, instrument.scale_max)
    ax.set_yticks(instrument.level_numbers)
    ax.set_yticklabels([str(n) for n in instrument.level_numbers], fontsize=7, color="#555")
    ax.set_rlabel_position(180 / len(keys))
    labels = list(dict.fromkeys(profiles[profile])) if profile in profiles else []
    for label in labels:
        part = profiles[profiles[profile] == label].set_index("dimension")[value]
        values = part.reindex(keys).astype(float).to_numpy()
        closed = np.append(values, values[0])
        (line,) = ax.plot(closed_angles, closed, linewidth=2, label=str(label))
        ax.scatter(angles, values, s=18, color=line.get_color(), zorder=3)
        if not np.isnan(values).any():
            ax.fill(closed_angles, closed, alpha=0.12, color=line.get_color())
    if labels:
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), fontsize=8.5, frameon=False)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax, fontsize=12, pad=36)


def rating_distribution_chart(
    ratings: pd.DataFrame,
    instrument: Instrument,
    *,
    consensus: pd.DataFrame | None = None,
    title: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """How the individual ratings spread over the levels, one row per dimension.

    ``ratings`` is the tidy individual-ratings frame (``dimension``, ``level``; NaN levels are
    left out). Dot area is the number of stakeholders at that level; the count is printed in
    the dot. ``consensus`` (columns ``dimension``, ``consensus_level``) adds a red ring on the
    agreed level, so a consensus far from where the ratings sit stands out.
    """
    keys = list(instrument.dimension_keys)
    levels = list(instrument.level_numbers)
    rated = ratings[ratings["level"].notna()]
    counts = (
        rated.groupby(["dimension", "level"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=keys, columns=[float(n) for n in levels], fill_value=0)
    )
    fig = Figure(figsize=(7.5, 0.42 * len(keys) + 1.4))
    ax = fig.add_subplot()
    largest = max(int(counts.to_numpy().max()), 1)
    for row in range(len(keys)):
        for column, level in enumerate(levels):
            count = int(counts.iat[row, column])
            if count:
                ax.scatter(level, row, s=40 + 560 * count / largest, color="#4c78a8", alpha=0.75)
                ax.annotate(
                    str(count), (level, row), ha="center", va="center", fontsize=7, color="white"
                )
    if consensus is not None and not consensus.empty:
        agreed = consensus.set_index("dimension")["consensus_level"].reindex(keys)
        rows = [i for i, value in enumerate(agreed) if pd.notna(value)]
        ax.scatter(
            agreed.iloc[rows],
            rows,
            s=700,
            facecolors="none",
            edgecolors="#c0392b",
            linewidths=2,
            label="Consensus level",
        )
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.6 / len(keys) - 0.05),
            frameon=False,
            fontsize=8,
        )
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels([d.name for d in instrument.dimensions], fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xticks(levels)
    ax.set_xlim(levels[0] - 0.6, levels[-1] + 0.6)
    ax.set_xlabel("Level")
    ax.grid(axis="x", color="#eee")
    ax.set_axisbelow(True)
    return finish_figure(fig, title, synthetic=synthetic, ax=ax)


def longitudinal_chart(
    frame: pd.DataFrame,
    instrument: Instrument,
    *,
    title: str | None = None,
    synthetic: bool = False,
    columns: int = 4,
) -> Figure:
    """A region's level per dimension over its assessment occasions: one small panel each.

    ``frame`` is :func:`scirocco_lab.assessment.longitudinal.longitudinal`. Panels follow the
    instrument's order; each shows the level at every occasion joined by a line (a slope
    chart with two occasions), with the individual ratings' interquartile range as a bar.
    Occasions mapped from another instrument generation are hollow markers, merged or split
    dimensions are squares, and a dimension with no counterpart then has no point: the
    legend says so.

    >>> import pandas as pd
    >>> from scirocco_lab.instruments import load_instrument
    >>> frame = pd.DataFrame({"dimension": "funding", "occasion": [1, 2],
    ...     "occasion_label": ["2024 a", "2025 b"], "level": [1.0, 2.0], "q1": [1.0, 1.5],
    ...     "q3": [2.0, 2.5], "crosswalk_relation": ["renamed", ""]})
    >>> fig = longitudinal_chart(frame, load_instrument())
    >>> len(fig.axes), fig.axes[4].get_title()
    (12, 'Funding')
    """
    keys = list(instrument.dimension_keys)
    labels = (
        frame.drop_duplicates("occasion").sort_values("occasion")[["occasion", "occasion_label"]]
        if not frame.empty
        else pd.DataFrame(columns=["occasion", "occasion_label"])
    )
    rows = -(-len(keys) // columns)
    fig = Figure(figsize=(3.0 * columns, 2.3 * rows + 0.8))
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, dimension in zip(axes, instrument.dimensions, strict=False):
        part = frame[frame["dimension"] == dimension.key].sort_values("occasion")
        known = part[part["level"].notna()]
        ax.plot(known["occasion"], known["level"], color="#4c78a8", linewidth=1.6)
        ax.vlines(known["occasion"], known["q1"], known["q3"], color="#9ecae9", linewidth=5)
        relation = known.get("crosswalk_relation", pd.Series("", index=known.index)).fillna("")
        markers = relation.isin(["merged", "split"]).map({True: "s", False: "o"})
        faces = (relation != "").map({True: "white", False: "#4c78a8"})
        # One scatter per marker style, not one per point: each call costs a collection.
        for (marker, face), points in known.groupby([markers, faces]):
            ax.scatter(
                points["occasion"], points["level"], marker=marker, s=36, zorder=3,
                facecolors=face, edgecolors="#4c78a8", linewidths=1.5,
            )  # fmt: skip
        ax.set_title(textwrap.shorten(dimension.name, 32), fontsize=9)
        ax.set_ylim(instrument.scale_min - 0.3, instrument.scale_max + 0.3)
        ax.grid(axis="y", color="#eee")
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    for ax in axes:
        ax.set_xticks(list(labels["occasion"]))
        ax.set_xticklabels(list(labels["occasion_label"]), rotation=45, ha="right", fontsize=7)
    handles = [
        axes[0].scatter([], [], marker="o", color="#4c78a8", label="this instrument"),
        axes[0].scatter([], [], marker="o", facecolors="white", edgecolors="#4c78a8",
                        label="earlier generation (cross-walk)"),
        axes[0].scatter([], [], marker="s", facecolors="white", edgecolors="#4c78a8",
                        label="merged / split dimension"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    return finish_figure(fig, title, synthetic=synthetic, fontsize=12, layout=(0, 0.06, 1, 0.97))
