"""Timeline items from hand-made planning frames, and the Gantt chart drawn from them."""

import datetime as dt

import pandas as pd

from scirocco_lab.io.figures import SYNTHETIC_NOTE
from scirocco_lab.planning.timeline import (
    ITEM_COLUMNS,
    STATUS_COLOURS,
    timeline_chart,
    timeline_items,
)

D = dt.date


# Hand-made planning frames (columns as the store's frames have them), without synthetic.
ACTIVITIES = {
    "programme": ["kt-nv", "kt-nv", "kt-nv"],
    "activity": ["a1", "a2", "a3"],
    "kind": ["study_visit", "expert_mission", "event"],
    "title": ["Visit to Ostermark", "Expert mission on funding", "Kick-off (date open)"],
    "start": [D(2025, 3, 3), D(2025, 4, 1), None],
    "end": [D(2025, 3, 4), D(2025, 4, 15), None],
    "status": ["done", "planned", "planned"],
}

ACTIONS = {
    "plan": ["nv-plan", "nv-plan"],
    "plan_title": ["Northvale action plan", "Northvale action plan"],
    "region": ["northvale", "northvale"],
    "position": [1, 2],
    "dimension": ["funding", "digital_infrastructure"],
    "objective": ["Joint budget", "Shared care record"],
    "start": [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-02-01")],
    "end": [pd.Timestamp("2025-06-30"), pd.Timestamp("2025-05-01")],
    "status": ["in_progress", "cancelled"],
}

MILESTONES = {
    "programme": ["kt-nv", "kt-nv"],
    "programme_kind": ["knowledge_transfer", "knowledge_transfer"],
    "region": ["northvale", "northvale"],
    "milestone": ["m1", "m2"],
    "title": ["Needs agreed", "Evaluation plan"],
    "due": [D(2025, 3, 31), D(2025, 6, 1)],
    "done_on": [D(2025, 3, 28), None],
    "status": ["done", "late"],
}


def frame(columns, synthetic=False):
    """A planning frame of ``columns``, every row marked ``synthetic`` or not."""
    return pd.DataFrame({**columns, "synthetic": synthetic})


def all_items(synthetic=False):
    return timeline_items(
        activities=frame(ACTIVITIES, synthetic),
        actions=frame(ACTIONS, synthetic),
        milestones=frame(MILESTONES, synthetic),
        lane_titles={"kt-nv": "Knowledge transfer"},
    )


def bars(fig):
    return [p for p in fig.axes[0].patches if p.get_gid() == "timeline-bar"]


def diamonds(fig):
    collections = [c for c in fig.axes[0].collections if c.get_gid() == "timeline-milestones"]
    return sum(len(c.get_offsets()) for c in collections)


def test_items_have_the_contract_columns_and_one_row_per_record():
    items = all_items()
    assert list(items.columns) == ITEM_COLUMNS
    assert items["item_kind"].value_counts().to_dict() == {
        "study_visit": 1,
        "expert_mission": 1,
        "event": 1,
        "action": 2,
        "milestone": 2,
    }


def test_item_dates_are_plain_dates_and_milestones_start_on_their_due_date():
    items = all_items()
    dated = [v for v in items["start"] if v is not None]
    assert all(type(v) is dt.date for v in dated)
    milestone = items[items["item"] == "Needs agreed"].iloc[0]
    assert milestone["start"] == milestone["end"] == D(2025, 3, 31)


def test_lanes_use_given_titles_and_plan_titles():
    items = all_items()
    lanes = dict(zip(items["item"], items["lane"], strict=True))
    assert lanes["Visit to Ostermark"] == "Knowledge transfer"
    assert lanes["Needs agreed"] == "Knowledge transfer"
    assert lanes["Joint budget"] == "Northvale action plan"


def test_lanes_are_ordered_by_first_date_and_items_by_start_within_lane():
    items = all_items()
    assert list(dict.fromkeys(items["lane"])) == ["Northvale action plan", "Knowledge transfer"]
    lane = items[items["lane"] == "Knowledge transfer"]
    assert lane["item"].tolist() == [
        "Visit to Ostermark",
        "Needs agreed",
        "Expert mission on funding",
        "Evaluation plan",
        "Kick-off (date open)",  # undated last
    ]


def test_region_comes_from_the_frame_when_it_has_one():
    items = all_items()
    regions = dict(zip(items["item"], items["region"], strict=True))
    assert regions["Joint budget"] == "northvale"
    assert regions["Visit to Ostermark"] is None


def test_no_frames_give_an_empty_frame_with_the_columns():
    items = timeline_items()
    assert items.empty and list(items.columns) == ITEM_COLUMNS


def test_chart_has_one_bar_per_dated_activity_or_action():
    fig = timeline_chart(all_items())
    # 2 dated activities + 2 actions; the undated activity and the milestones are no bars.
    assert len(bars(fig)) == 4


def test_chart_has_one_diamond_per_milestone():
    fig = timeline_chart(all_items())
    assert diamonds(fig) == 2
    markers = next(c for c in fig.axes[0].collections if c.get_gid() == "timeline-milestones")
    assert markers.get_paths()[0].vertices.shape[0] > 0  # a drawn marker, not an empty set


def test_bars_are_coloured_by_status():
    fig = timeline_chart(timeline_items(actions=frame(ACTIONS)))
    colours = {tuple(round(c, 3) for c in bar.get_facecolor()[:3]) for bar in bars(fig)}
    expected = {
        tuple(round(int(STATUS_COLOURS[s][i : i + 2], 16) / 255, 3) for i in (1, 3, 5))
        for s in ("in_progress", "cancelled")
    }
    assert colours == expected


def test_bar_spans_start_to_inclusive_end():
    one_day = frame(ACTIVITIES).iloc[[0]].assign(end=D(2025, 3, 3))
    fig = timeline_chart(timeline_items(activities=one_day))
    (bar,) = bars(fig)
    assert bar.get_width() == 1.0


def test_y_axis_shows_lane_headers_and_items():
    fig = timeline_chart(all_items())
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Northvale action plan"
    assert "Knowledge transfer" in labels and "Needs agreed" in labels
    assert "Kick-off (date open)" not in labels


def test_x_axis_is_a_date_axis():
    fig = timeline_chart(all_items())
    low, high = fig.axes[0].get_xlim()
    import matplotlib.dates as mdates

    assert mdates.num2date(low).date() <= D(2025, 1, 6)
    assert mdates.num2date(high).date() >= D(2025, 6, 30)


def test_today_line_is_drawn_only_when_asked():
    without = timeline_chart(all_items())
    with_today = timeline_chart(all_items(), today=D(2025, 5, 10))
    gid = "timeline-today"
    assert not [line for line in without.axes[0].lines if line.get_gid() == gid]
    assert len([line for line in with_today.axes[0].lines if line.get_gid() == gid]) == 1


def test_synthetic_items_stamp_the_demo_mark():
    marked = timeline_chart(all_items(synthetic=True))
    plain = timeline_chart(all_items(synthetic=False))
    assert SYNTHETIC_NOTE in [t.get_text() for t in marked.texts]
    assert SYNTHETIC_NOTE not in [t.get_text() for t in plain.texts]


def test_undated_items_are_counted_under_the_chart():
    fig = timeline_chart(all_items())
    assert "1 undated item(s) not shown." in [t.get_text() for t in fig.texts]


def test_empty_items_give_a_figure_that_says_so():
    fig = timeline_chart(timeline_items(), title="Nothing yet")
    assert not bars(fig) and diamonds(fig) == 0
    assert "No dated activities" in fig.axes[0].texts[0].get_text()
