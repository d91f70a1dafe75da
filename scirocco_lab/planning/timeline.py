"""Gantt-style timeline of knowledge-transfer activities, action-plan actions and milestones.

:func:`timeline_items` turns the planning frames (activities, actions, milestones, as read
by :mod:`scirocco_lab.planning.store` or built by hand with the same columns) into one tidy
frame of dated items; :func:`timeline_chart` draws it. Like :mod:`scirocco_lab.assessment.plots`,
the figure is built on :class:`matplotlib.figure.Figure` (no pyplot state) and returned, never shown
or saved.

>>> import datetime as dt
>>> import pandas as pd
>>> actions = pd.DataFrame({"plan": ["p1"], "plan_title": ["Plan"], "region": ["northvale"],
...     "position": [1], "objective": ["Shared record"], "start": [dt.date(2025, 1, 6)],
...     "end": [dt.date(2025, 3, 28)], "status": ["in_progress"], "synthetic": [True]})
>>> items = timeline_items(actions=actions)
>>> items[["lane", "item", "item_kind", "status"]].values.tolist()
[['Plan', 'Shared record', 'action', 'in_progress']]
>>> fig = timeline_chart(items, title="Northvale")
>>> len([p for p in fig.axes[0].patches if p.get_gid() == "timeline-bar"])
1
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from itertools import pairwise

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from scirocco_lab.io.figures import finish_figure

__all__ = [
    "ITEM_COLUMNS",
    "STATUS_COLOURS",
    "timeline_chart",
    "timeline_items",
]

ITEM_COLUMNS = [
    "programme",
    "region",
    "lane",
    "item",
    "item_kind",
    "start",
    "end",
    "status",
    "synthetic",
]

# One colour per status across activities (planned/done/cancelled), actions
# (planned/in_progress/done/delayed/cancelled) and milestones (planned/done/late), so the
# same word has the same colour everywhere in a report. Tableau-10 hues: distinguishable
# for the common colour-vision deficiencies and in greyscale print by lightness.
STATUS_COLOURS = {
    "planned": "#4c78a8",
    "in_progress": "#f58518",
    "done": "#54a24b",
    "delayed": "#e45756",
    "late": "#e45756",
    "cancelled": "#bab0ac",
}
_OTHER_COLOUR = "#888888"
_STATUS_ORDER = ["planned", "in_progress", "done", "delayed", "late", "cancelled"]


def _as_date(value: object) -> dt.date | None:
    """A date from a date, datetime, Timestamp or ISO string; None when missing."""
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _column(frame: pd.DataFrame, name: str, default: object = None) -> list:
    return frame[name].tolist() if name in frame.columns else [default] * len(frame)


def _region_column(frame: pd.DataFrame) -> list:
    for name in ("region", "receiving_region"):
        if name in frame.columns:
            return frame[name].tolist()
    return [None] * len(frame)


def _items(frame: pd.DataFrame, key, lanes: list, item, kind, start, end) -> pd.DataFrame:
    """The :data:`ITEM_COLUMNS` of one planning frame: its ``key`` column as the programme,
    ``item`` as the item's text, ``kind`` (one for all, or one per row), dates from the
    ``start`` and ``end`` columns."""
    return pd.DataFrame(
        {
            "programme": frame[key].tolist(),
            "region": _region_column(frame),
            "lane": lanes,
            "item": _column(frame, item),
            "item_kind": kind,
            "start": [_as_date(v) for v in _column(frame, start)],
            "end": [_as_date(v) for v in _column(frame, end)],
            "status": _column(frame, "status"),
            "synthetic": _column(frame, "synthetic", False),
        }
    )


def timeline_items(
    *,
    activities: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    milestones: pd.DataFrame | None = None,
    lane_titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per activity, action and milestone, ready for :func:`timeline_chart`.

    Columns :data:`ITEM_COLUMNS`: ``programme`` (programme or action-plan key), ``region``
    (the frame's ``region`` or ``receiving_region`` column, else None), ``lane`` (the
    programme's title from ``lane_titles``, the action plan's ``plan_title``, else the key:
    one lane per programme or plan, its milestones in the same lane), ``item`` (activity
    title, action objective, milestone title), ``item_kind`` (the activity's kind such as
    ``study_visit``, ``"action"`` or ``"milestone"``), ``start`` and ``end`` as
    :class:`datetime.date` objects (object dtype; None when not dated; a milestone's start
    and end are its due date), ``status`` and ``synthetic``. Rows are ordered by lane (the
    lane starting first comes first), then start date.

    >>> import datetime as dt
    >>> milestones = pd.DataFrame({"programme": ["kt"], "milestone": ["m1"],
    ...     "title": ["Needs agreed"], "due": [dt.date(2025, 3, 31)], "status": ["done"]})
    >>> timeline_items(milestones=milestones).iloc[0][["item_kind", "start", "end"]].tolist()
    ['milestone', datetime.date(2025, 3, 31), datetime.date(2025, 3, 31)]
    """
    titles = dict(lane_titles or {})
    parts: list[pd.DataFrame] = []
    if activities is not None and not activities.empty:
        lanes = [titles.get(p, p) for p in activities["programme"]]
        kinds = _column(activities, "kind", "activity")
        parts.append(_items(activities, "programme", lanes, "title", kinds, "start", "end"))
    if actions is not None and not actions.empty:
        lanes = [
            titles.get(p, t if t else p)
            for p, t in zip(actions["plan"], _column(actions, "plan_title"), strict=True)
        ]
        parts.append(_items(actions, "plan", lanes, "objective", "action", "start", "end"))
    if milestones is not None and not milestones.empty:
        # A milestone is an item of one day: it starts and ends on its due date.
        lanes = [titles.get(p, p) for p in milestones["programme"]]
        parts.append(_items(milestones, "programme", lanes, "title", "milestone", "due", "due"))
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in ITEM_COLUMNS})
    items = pd.concat(parts, ignore_index=True)[ITEM_COLUMNS]
    items["synthetic"] = items["synthetic"].fillna(False).astype(bool)
    items["lane"] = items["lane"].astype(str)
    # Undated items sort last within their lane; lanes in order of their first date.
    far = dt.date.max
    sort_start = [s if s is not None else far for s in items["start"]]
    lane_first = pd.Series(sort_start).groupby(items["lane"]).transform("min")
    items = (
        items.assign(_lane_first=lane_first.to_numpy(), _start=sort_start)
        .sort_values(["_lane_first", "lane", "_start"], kind="stable")
        .drop(columns=["_lane_first", "_start"])
        .reset_index(drop=True)
    )
    return items


def _label(text: object, width: int = 42) -> str:
    return textwrap.shorten(str(text if text is not None else ""), width, placeholder="…")


def timeline_chart(
    items: pd.DataFrame,
    *,
    title: str | None = None,
    today: dt.date | None = None,
    synthetic: bool | None = None,
) -> Figure:
    """A Gantt chart of :func:`timeline_items`: one row per item, grouped in shaded lanes.

    Activities and actions are horizontal bars from start to end (inclusive: a one-day
    activity is one day wide), milestones are diamonds on their due date; both coloured by
    status (:data:`STATUS_COLOURS`). Undated items are left out and counted under the axis.
    ``today`` draws a dashed vertical line on that date. ``synthetic`` stamps the demo-data
    mark; None (default) stamps it when any item is synthetic.

    Bars carry the gid ``"timeline-bar"`` and the milestone markers ``"timeline-milestones"``
    so tests and callers can find them among the figure's artists.
    """
    if synthetic is None:
        synthetic = bool(items["synthetic"].any()) if "synthetic" in items else False
    has_dates = [
        s is not None and e is not None for s, e in zip(items["start"], items["end"], strict=True)
    ]
    # A boolean array, not a list: an empty list would select no *columns*.
    dated = items.loc[np.asarray(has_dates, dtype=bool)]
    undated = len(items) - len(dated)
    rows: list[tuple[str, pd.Series | None]] = []  # (tick label, item or None for a lane header)
    lanes = list(dict.fromkeys(dated["lane"]))
    for lane in lanes:
        rows.append((_label(lane, 48), None))
        rows.extend(
            (_label(item["item"]), item) for _, item in dated[dated["lane"] == lane].iterrows()
        )
    fig = Figure(figsize=(10, 0.32 * max(len(rows), 3) + 1.9))
    ax = fig.add_subplot()
    if not rows:
        ax.text(
            0.5,
            0.5,
            "No dated activities, actions or milestones yet.",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#555",
        )
        ax.set_axis_off()
        return finish_figure(fig, title, synthetic=synthetic, ax=ax, fontsize=12, layout=False)
    milestone_x, milestone_y, milestone_colours = [], [], []
    for position, (_text, item) in enumerate(rows):
        if item is None:
            continue
        colour = STATUS_COLOURS.get(str(item["status"]), _OTHER_COLOUR)
        start = mdates.date2num(item["start"])
        if item["item_kind"] == "milestone":
            milestone_x.append(start)
            milestone_y.append(position)
            milestone_colours.append(colour)
            continue
        end = mdates.date2num(item["end"]) + 1  # inclusive end date
        (bar,) = ax.barh(
            position,
            max(end - start, 1),
            left=start,
            height=0.6,
            color=colour,
            edgecolor="#333" if item["status"] == "cancelled" else colour,
            hatch="//" if item["status"] == "cancelled" else None,
            linewidth=0.6,
        )
        bar.set_gid("timeline-bar")
    if milestone_x:
        markers = ax.scatter(
            milestone_x,
            milestone_y,
            marker="D",
            s=70,
            c=milestone_colours,
            edgecolors="#222",
            linewidths=0.7,
            zorder=3,
        )
        markers.set_gid("timeline-milestones")
    # Shade every other lane so its items read as a group.
    headers = [i for i, (_t, item) in enumerate(rows) if item is None] + [len(rows)]
    for number, (first, after) in enumerate(pairwise(headers)):
        if number % 2 == 0:
            band = ax.axhspan(first - 0.5, after - 0.5, color="#f2f2f2", zorder=0)
            band.set_gid("timeline-lane")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([text for text, _item in rows], fontsize=8)
    for tick, (_text, item) in zip(ax.get_yticklabels(), rows, strict=True):
        if item is None:
            tick.set_fontweight("bold")
            tick.set_fontsize(9)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.xaxis_date()
    ax.margins(x=0.02)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [
        Patch(color=STATUS_COLOURS[s], label=s.replace("_", " "))
        for s in _STATUS_ORDER
        if s in set(dated["status"]) and s != "late"
    ]
    if "late" in set(dated["status"]):
        handles.append(Patch(color=STATUS_COLOURS["late"], label="late"))
    if milestone_x:
        handles.append(
            Line2D([], [], marker="D", linestyle="none", color="#666", label="milestone")
        )
    if today is not None:
        line = ax.axvline(mdates.date2num(today), color="#b03a2e", linestyle="--", linewidth=1)
        line.set_gid("timeline-today")
        handles.append(
            Line2D([], [], color="#b03a2e", linestyle="--", label=f"today ({today:%d %b %Y})")
        )
    # Legend and notes sit in a strip reserved below the axes (in inches, so the strip does
    # not grow with the number of rows and never overlaps the date labels).
    height = fig.get_figheight()
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.3 / height),
        ncol=min(len(handles), 8),
        fontsize=8,
        frameon=False,
    )
    if undated:
        fig.text(0.01, 0.01, f"{undated} undated item(s) not shown.", fontsize=8, color="#555")
    return finish_figure(
        fig, title, synthetic=synthetic, ax=ax, fontsize=12, layout=(0, 0.75 / height, 1, 1)
    )
