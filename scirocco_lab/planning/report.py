"""Building blocks of the programme report: a region's knowledge-transfer programme(s),
coaching programme(s) and action plan(s), and the report tasks for ``reports build``.

As in :mod:`scirocco_lab.assessment.report`: one call gathers what the report shows
(:func:`programme_report_data`), the analysis (:func:`action_plan_status`) works on the tidy
planning frames, and the ``*_html`` helpers turn results into HTML through
:func:`scirocco_lab.assessment.report.table_html`, which escapes every piece of user text.
:data:`programme_tasks` lists one report per region that has any planning record.

>>> import datetime as dt
>>> import pandas as pd
>>> actions = pd.DataFrame({"plan": ["p"], "position": [1], "dimension": ["funding"],
...     "objective": ["Joint budget"], "start": [dt.date(2025, 1, 6)],
...     "end": [dt.date(2025, 3, 28)], "status": ["in_progress"]})
>>> status = action_plan_status(actions, report_date=dt.date(2025, 4, 1))
>>> status.overdue["objective"].tolist()
['Joint budget']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.html import escape_text as _e  # short: HTML f-strings
from scirocco_lab.io.html import table_html
from scirocco_lab.planning.records import ACTION_STATUSES
from scirocco_lab.planning.timeline import timeline_chart, timeline_items
from scirocco_lab.reports.custom import CustomTasks
from scirocco_lab.reports.registry import ReportKind
from scirocco_lab.store import Store, get_subject, resolve_instrument, subjects_frame

__all__ = [
    "REPORT_KINDS",
    "ActionPlanStatus",
    "ProgrammeReportData",
    "action_plan_html",
    "action_plan_status",
    "action_status_html",
    "actions_html",
    "activities_html",
    "coaching_html",
    "coaching_section_html",
    "knowledge_transfer_html",
    "milestones_html",
    "programme_report_data",
    "programme_summary_html",
    "programme_tasks",
    "sessions_summary",
]

# Actions that are finished one way or another are never overdue.
_CLOSED = frozenset({"done", "cancelled"})


def _date_text(value: object) -> str:
    """``2025-03-31`` for a date, Timestamp or ISO string; "" when missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_date(value: object) -> dt.date | None:
    text = _date_text(value)
    return dt.date.fromisoformat(text[:10]) if text else None


def _joined(values: object, names: Mapping[str, str] | None = None) -> str:
    """A tuple of keys or strings as "a; b" (keys shown by their display names)."""
    if values is None or (isinstance(values, float) and pd.isna(values)):
        return ""
    if isinstance(values, str):
        return values
    names = names or {}
    return "; ".join(str(names.get(v, v)) for v in values)


def _label(key: object) -> str:
    """``study_visit`` -> ``Study visit``: display words for a record kind or status."""
    return str(key).replace("_", " ").capitalize() if key is not None else ""


def _or_empty(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


# ---------------------------------------------------------------------------------------
# Action-plan status


@dataclass(frozen=True)
class ActionPlanStatus:
    """Where an action plan stands on ``report_date``.

    ``by_status``: status, actions (every action status of
    :data:`scirocco_lab.planning.records.ACTION_STATUSES`, zeros included,
    then any other status found). ``by_dimension``: dimension, dimension_name, actions, done,
    open (neither done nor cancelled), overdue. ``overdue``: the overdue actions (end date
    before ``report_date`` and neither done nor cancelled) with ``days_overdue``, most
    overdue first.
    """

    report_date: dt.date
    total: int
    by_status: pd.DataFrame
    by_dimension: pd.DataFrame
    overdue: pd.DataFrame


def action_plan_status(
    actions: pd.DataFrame,
    *,
    report_date: dt.date | None = None,
    dimension_names: Mapping[str, str] | None = None,
) -> ActionPlanStatus:
    """Counts of actions by status and by dimension, and the overdue actions.

    ``actions`` has the columns of ``actions_frame`` (at least dimension, objective, end,
    status; start/end as dates or Timestamps). An action is overdue when its end date is
    before ``report_date`` (default: today) and it is neither done nor cancelled.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"dimension": ["funding", "funding"], "objective": ["a", "b"],
    ...     "end": [dt.date(2025, 1, 1)] * 2, "status": ["done", "planned"]})
    >>> s = action_plan_status(frame, report_date=dt.date(2025, 2, 1))
    >>> s.by_dimension[["dimension", "actions", "done", "open", "overdue"]].values.tolist()
    [['funding', 2, 1, 1, 1]]
    """
    report_date = report_date or dt.date.today()
    names = dict(dimension_names or {})
    statuses = actions["status"].astype(str).tolist() if not actions.empty else []
    counted = pd.Series(statuses, dtype=object).value_counts()
    order = [*ACTION_STATUSES, *sorted(set(statuses) - set(ACTION_STATUSES))]
    by_status = pd.DataFrame({"status": order, "actions": [int(counted.get(s, 0)) for s in order]})
    if actions.empty:
        overdue_mask = pd.Series([], dtype=bool)
        ends: list[dt.date | None] = []
    else:
        ends = [_as_date(v) for v in actions["end"]]
        overdue_mask = pd.Series(
            [
                end is not None and end < report_date and status not in _CLOSED
                for end, status in zip(ends, statuses, strict=True)
            ],
            index=actions.index,
        )
    overdue = actions[overdue_mask.to_numpy(dtype=bool)].copy() if len(actions) else actions
    overdue = overdue.assign(
        days_overdue=[
            (report_date - end).days
            for end, flag in zip(ends, overdue_mask.tolist(), strict=True)
            if flag
        ]
    )
    if not overdue.empty:
        overdue = overdue.sort_values("days_overdue", ascending=False, kind="stable")
    if actions.empty:
        by_dimension = pd.DataFrame(
            columns=["dimension", "dimension_name", "actions", "done", "open", "overdue"]
        )
    else:
        flags = pd.DataFrame(
            {
                "dimension": actions["dimension"].to_numpy(),
                "actions": 1,
                "done": [s == "done" for s in statuses],
                "open": [s not in _CLOSED for s in statuses],
                "overdue": overdue_mask.to_numpy(dtype=bool),
            }
        )
        by_dimension = flags.groupby("dimension", sort=False).sum().astype(int).reset_index()
        by_dimension.insert(
            1, "dimension_name", [names.get(d, d) for d in by_dimension["dimension"]]
        )
        if names:
            rank = {key: i for i, key in enumerate(names)}
            by_dimension = by_dimension.sort_values(
                "dimension", key=lambda s: s.map(rank).fillna(len(rank)), kind="stable"
            ).reset_index(drop=True)
    return ActionPlanStatus(
        report_date=report_date,
        total=len(actions),
        by_status=by_status,
        by_dimension=by_dimension,
        overdue=overdue.reset_index(drop=True),
    )


def action_status_html(status: ActionPlanStatus) -> str:
    """The status summary: counts by status, overdue actions, and counts by dimension."""
    if status.total == 0:
        return "<p>No actions in the plan yet.</p>"
    counts = "; ".join(
        f"<b>{_e(_label(row.status))}</b>: {int(row.actions)}"
        for row in status.by_status.itertuples()
        if row.actions
    )
    parts = [f"<p>{status.total} action(s) on {_e(status.report_date.isoformat())}: {counts}.</p>"]
    if status.overdue.empty:
        parts.append("<p>No action is overdue.</p>")
    else:
        overdue = status.overdue.assign(
            end_text=[_date_text(v) for v in status.overdue["end"]],
            status_text=[_label(s) for s in status.overdue["status"]],
        )
        columns = {"objective": "Objective"}
        if "owner" in overdue.columns:
            columns["owner"] = "Owner"
        columns.update({"end_text": "End", "days_overdue": "Days overdue", "status_text": "Status"})
        parts.append(
            f'<p class="sl-problem"><b>{len(overdue)} overdue action(s)</b> (end date passed, '
            "neither done nor cancelled):</p>" + table_html(overdue, columns=columns)
        )
    parts.append(
        table_html(
            status.by_dimension,
            columns={
                "dimension_name": "Dimension",
                "actions": "Actions",
                "done": "Done",
                "open": "Open",
                "overdue": "Overdue",
            },
        )
    )
    return "\n".join(parts)


def actions_html(
    actions: pd.DataFrame,
    *,
    report_date: dt.date | None = None,
    dimension_names: Mapping[str, str] | None = None,
) -> str:
    """Every action of the plan(s) in order, with an "overdue" mark on ``report_date``."""
    if actions is None or actions.empty:
        return "<p>No action plan yet.</p>"
    report_date = report_date or dt.date.today()
    names = dict(dimension_names or {})
    ends = [_as_date(v) for v in actions["end"]]
    shown = actions.assign(
        dimension_name=[names.get(d, d) for d in actions["dimension"]],
        start_text=[_date_text(v) for v in actions["start"]],
        end_text=[_date_text(v) for v in actions["end"]],
        priority_text=[_label(p) for p in actions.get("priority", [None] * len(actions))],
        status_text=[
            _label(s) + (" (overdue)" if end and end < report_date and s not in _CLOSED else "")
            for s, end in zip(actions["status"], ends, strict=True)
        ],
    )
    columns = {
        "position": "#",
        "dimension_name": "Dimension",
        "objective": "Objective",
        "owner": "Owner",
        "start_text": "Start",
        "end_text": "End",
        "resources": "Resources",
        "indicator": "Indicator",
        "priority_text": "Priority",
        "status_text": "Status",
    }
    columns = {k: v for k, v in columns.items() if k in shown.columns}
    if "plan_title" in shown.columns and shown["plan"].nunique() > 1:
        columns = {"plan_title": "Plan", **columns}
    return table_html(shown, columns=columns)


# ---------------------------------------------------------------------------------------
# Knowledge-transfer programme


def programme_summary_html(
    programme: Mapping,
    *,
    assets: pd.DataFrame | None = None,
    region_names: Mapping[str, str] | None = None,
    dimension_names: Mapping[str, str] | None = None,
) -> str:
    """One knowledge-transfer programme (a row of ``programmes_frame``): regions, dimensions,
    needs, objectives, stakeholders (pseudonyms and roles only), assets chosen from the
    catalogue (``assets``: the ``assets_frame`` to look their titles up in) and evaluation
    plan. Every value is escaped."""
    regions = dict(region_names or {})
    names = dict(dimension_names or {})

    def region(key: object) -> str:
        return str(regions.get(key, key)) if key else "not chosen"

    known = (
        assets.set_index("asset")
        if assets is not None and not assets.empty
        else pd.DataFrame(columns=["title", "kind", "dimensions"])
    )

    def asset_item(key: str) -> str:
        if key not in known.index:
            return f"<li>{_e(key)}</li>"
        row = known.loc[key]
        about = "; ".join(t for t in (_label(row["kind"]), _joined(row["dimensions"], names)) if t)
        return f"<li><b>{_e(row['title'])}</b> <span class='sl-meta'>({_e(about)})</span></li>"

    asset_items = "".join(asset_item(key) for key in programme.get("assets") or ())
    stakeholders = "".join(f"<li>{_e(s)}</li>" for s in programme.get("stakeholders") or ())
    period = " to ".join(
        t for t in (_date_text(programme.get("start")), _date_text(programme.get("end"))) if t
    )
    rows = [
        ("Receiving region", _e(region(programme.get("receiving_region")))),
        ("Transferring region", _e(region(programme.get("transferring_region")))),
        ("Period", _e(period) or "not dated yet"),
        ("Status", _e(_label(programme.get("status")))),
        ("Dimensions to improve", _e(_joined(programme.get("dimensions"), names))),
        ("Needs", _e(programme.get("needs"))),
        ("Objectives", _e(programme.get("objectives"))),
        (
            "Stakeholders",
            f"<ul>{stakeholders}</ul>" if stakeholders else "none recorded yet",
        ),
        (
            "Assets from the catalogue",
            f"<ul>{asset_items}</ul>" if asset_items else "none chosen yet",
        ),
        ("Evaluation plan", _e(programme.get("evaluation_plan")) or "not written yet"),
    ]
    body = "".join(
        f'<tr><th style="text-align:left;vertical-align:top">{label}</th>'
        f'<td class="sl-text">{value}</td></tr>'
        for label, value in rows
    )
    return f"<h3>{_e(programme.get('title'))}</h3><table class='sl-table'>{body}</table>"


def _one_table_per_programme(empty: str):
    """Decorator of a table drawn from one programme's rows (activities, milestones): the
    function it gives takes any such frame and ``programme_titles``; a frame without rows
    shows ``empty``, and a frame of several programmes one table per programme (in the
    frame's order), headed by the programme's title (from ``programme_titles``, else its
    key)."""

    def decorate(render):
        def per_programme(
            frame: pd.DataFrame | None, *, programme_titles: Mapping[str, str] | None = None
        ) -> str:
            if frame is None or frame.empty:
                return empty
            if frame["programme"].nunique() < 2:
                return render(frame)
            names = dict(programme_titles or {})
            return "\n".join(
                f"<h4>{_e(names.get(key, key))}</h4>" + render(frame[frame["programme"] == key])
                for key in dict.fromkeys(frame["programme"])
            )

        per_programme.__name__, per_programme.__qualname__ = render.__name__, render.__qualname__
        per_programme.__doc__ = render.__doc__
        return per_programme

    return decorate


def _in_date_order(frame: pd.DataFrame, column: str, **shown) -> pd.DataFrame:
    """``frame`` with the ``shown`` columns added, in the order of its ``column`` dates
    (undated rows last, ties in the frame's order)."""
    order = [_date_text(v) or "9999" for v in frame[column]]
    return frame.assign(**shown, _order=order).sort_values("_order", kind="stable")


@_one_table_per_programme("<p>No activities planned yet.</p>")
def activities_html(activities: pd.DataFrame) -> str:
    """The programme's activities from the menu, in date order (with the programme's title,
    from ``programme_titles``, heading one table per programme when there are several)."""
    shown = _in_date_order(
        activities,
        "start",
        kind_text=[_label(k) for k in activities["kind"]],
        start_text=[_date_text(v) for v in activities["start"]],
        end_text=[_date_text(v) for v in activities["end"]],
        status_text=[_label(s) for s in activities["status"]],
    )
    for column in ("visiting_experts", "participants"):
        if column in shown.columns:
            # Whole numbers stay numbers (right-aligned cells); missing counts are blank.
            shown[column] = pd.Series(
                ["" if v is None or pd.isna(v) else int(v) for v in shown[column]],
                index=shown.index,
                dtype=object,
            )
    columns = {
        "kind_text": "Kind",
        "title": "Activity",
        "location": "Location",
        "start_text": "Start",
        "end_text": "End",
        "visiting_experts": "Visiting experts",
        "participants": "Participants",
        "expected_outcomes": "Expected outcomes",
        "status_text": "Status",
    }
    return table_html(shown, columns={k: v for k, v in columns.items() if k in shown.columns})


@_one_table_per_programme("<p>No milestones yet.</p>")
def milestones_html(milestones: pd.DataFrame) -> str:
    """Milestones with their due date, when they were done and their status, in due order
    (one table per programme, headed by its title from ``programme_titles``, when there are
    several)."""
    shown = _in_date_order(
        milestones,
        "due",
        due_text=[_date_text(v) for v in milestones["due"]],
        done_text=[_date_text(v) for v in milestones.get("done_on", [None] * len(milestones))],
        status_text=[_label(s) for s in milestones["status"]],
    )
    return table_html(
        shown,
        columns={
            "title": "Milestone",
            "due_text": "Due",
            "done_text": "Done on",
            "status_text": "Status",
        },
    )


# ---------------------------------------------------------------------------------------
# Coaching


def sessions_summary(sessions: pd.DataFrame) -> pd.DataFrame:
    """Coaching sessions per programme and team: sessions, hours, coaches, first and last
    session date (as ISO strings), most recent focus.

    >>> frame = pd.DataFrame({"programme": ["c", "c"], "team": ["t1", "t1"],
    ...     "coach": ["C-01", "C-02"], "session_date": [dt.date(2025, 1, 9),
    ...     dt.date(2025, 2, 6)], "duration_minutes": [60, 90], "focus": ["aims", "PDSA"]})
    >>> sessions_summary(frame)[["sessions", "hours", "last_session", "last_focus"]].values.tolist()
    [[2, 2.5, '2025-02-06', 'PDSA']]
    """
    columns = [
        "programme",
        "team",
        "sessions",
        "hours",
        "coaches",
        "first_session",
        "last_session",
        "last_focus",
    ]
    if sessions is None or sessions.empty:
        return pd.DataFrame(columns=columns)
    ordered = sessions.assign(_date=[_date_text(v) for v in sessions["session_date"]]).sort_values(
        "_date", kind="stable"
    )
    rows = []
    for (programme, team), group in ordered.groupby(["programme", "team"], sort=True):
        minutes = pd.to_numeric(group["duration_minutes"], errors="coerce").fillna(0).sum()
        rows.append(
            {
                "programme": programme,
                "team": team,
                "sessions": len(group),
                "hours": round(float(minutes) / 60, 2),
                "coaches": "; ".join(sorted({str(c) for c in group["coach"] if c})),
                "first_session": group["_date"].iloc[0],
                "last_session": group["_date"].iloc[-1],
                "last_focus": group["focus"].iloc[-1] if "focus" in group else None,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def coaching_html(
    programme: Mapping,
    *,
    coaches: pd.DataFrame | None = None,
    teams: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
) -> str:
    """One coaching programme (a row of ``coaching_programmes_frame``): its cohort of coaches
    (pseudonyms), teams, a summary of the sessions per team, and the mid-point review."""
    key = programme.get("programme")
    period = " to ".join(
        t for t in (_date_text(programme.get("start")), _date_text(programme.get("end"))) if t
    )
    parts = [
        f"<h3>{_e(programme.get('title'))}</h3>",
        f"<p class='sl-meta'>{_e(period)} · {_e(_label(programme.get('status')))}</p>",
    ]
    cohort = _or_empty(coaches)
    cohort = cohort[cohort["programme"] == key] if not cohort.empty else cohort
    if cohort.empty:
        parts.append("<p>No coaches in the cohort yet.</p>")
    else:
        parts.append(
            "<h4>Cohort of coaches</h4>"
            + table_html(
                cohort,
                columns={
                    k: v
                    for k, v in {
                        "coach": "Coach (pseudonym)",
                        "role": "Role",
                        "organisation": "Organisation",
                        "cohort": "Cohort",
                    }.items()
                    if k in cohort.columns
                },
            )
        )
    groups = _or_empty(teams)
    groups = groups[groups["programme"] == key] if not groups.empty else groups
    names = dict(zip(groups["team"], groups["name"], strict=True)) if not groups.empty else {}
    summary = sessions_summary(
        _or_empty(sessions)[_or_empty(sessions)["programme"] == key]
        if sessions is not None and not sessions.empty
        else None
    )
    if not groups.empty:
        # Every team appears, also the ones no coach has met yet.
        summary = (
            groups[["team"]]
            .merge(summary.drop(columns="programme"), on="team", how="left")
            .assign(
                sessions=lambda f: f["sessions"].fillna(0).astype(int),
                hours=lambda f: f["hours"].fillna(0.0),
            )
        )
    if summary.empty:
        parts.append("<h4>Coaching sessions</h4><p>No coaching sessions logged yet.</p>")
    else:
        summary = summary.assign(team_name=[names.get(t, t) for t in summary["team"]])
        parts.append(
            f"<h4>Coaching sessions</h4><p>{int(summary['sessions'].sum())} session(s), "
            f"{summary['hours'].sum():g} hour(s) in all.</p>"
            + table_html(
                summary,
                columns={
                    "team_name": "Team or neighbourhood",
                    "sessions": "Sessions",
                    "hours": "Hours",
                    "coaches": "Coaches",
                    "first_session": "First",
                    "last_session": "Latest",
                    "last_focus": "Latest focus",
                },
            )
        )
    review_date = _date_text(programme.get("midpoint_review_on"))
    if review_date:
        parts.append(
            f"<h4>Mid-point review ({_e(review_date)})</h4>"
            f"<p><b>Summary:</b> {_e(programme.get('midpoint_summary')) or '—'}</p>"
            f"<p><b>Decisions:</b> {_e(programme.get('midpoint_decisions')) or '—'}</p>"
        )
    else:
        parts.append("<h4>Mid-point review</h4><p>Not held yet.</p>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------
# Report data


@dataclass(frozen=True)
class ProgrammeReportData:
    """Everything the programme report of one region shows, read once.

    Frames are those of :mod:`scirocco_lab.planning.store`, restricted to the region:
    ``programmes`` (knowledge transfer, the region receiving or transferring), ``activities``,
    ``milestones`` (of both programme kinds), ``coaching``, ``coaches``, ``teams``,
    ``sessions``, ``plans`` and ``actions``; ``assets`` is the whole catalogue (to look up the
    assets a programme chose).
    """

    region: dict
    instrument: Instrument
    programmes: pd.DataFrame
    activities: pd.DataFrame
    milestones: pd.DataFrame
    coaching: pd.DataFrame
    coaches: pd.DataFrame
    teams: pd.DataFrame
    sessions: pd.DataFrame
    plans: pd.DataFrame
    actions: pd.DataFrame
    assets: pd.DataFrame
    region_names: dict
    report_date: dt.date
    store_label: str
    generated_at: dt.datetime

    @property
    def synthetic(self) -> bool:
        """True when the region or any planning record shown is synthetic demo data."""
        frames = (self.programmes, self.activities, self.milestones, self.coaching)
        frames += (self.plans, self.actions)
        return bool(self.region.get("synthetic")) or any(
            bool(f["synthetic"].any()) for f in frames if not f.empty and "synthetic" in f
        )

    @property
    def title(self) -> str:
        return f"{self.region['name']}: knowledge transfer, coaching and action plan"

    @property
    def dimension_names(self) -> dict[str, str]:
        return {d.key: d.name for d in self.instrument.dimensions}

    @property
    def has_records(self) -> bool:
        return not (self.programmes.empty and self.coaching.empty and self.plans.empty)

    def lane_titles(self) -> dict[str, str]:
        """Programme and plan keys to the titles the timeline shows as lanes: the kind of
        record, then its title (unless the title already starts with the kind)."""
        titles = {}
        for frame, key, prefix in (
            (self.programmes, "programme", "Knowledge transfer"),
            (self.coaching, "programme", "Coaching"),
            (self.plans, "plan", "Action plan"),
        ):
            for _, row in frame.iterrows():
                title = str(row["plan_title"] if "plan_title" in row else row["title"])
                named = title.lower().startswith(prefix.lower())
                titles[row[key]] = title if named else f"{prefix}: {title}"
        return titles

    def timeline_items(self) -> pd.DataFrame:
        """The dated plan: activities, actions and milestones of every programme and plan."""
        return timeline_items(
            activities=self.activities,
            actions=self.actions,
            milestones=self.milestones,
            lane_titles=self.lane_titles(),
        )

    def timeline(self):
        """The Gantt chart of :meth:`timeline_items`, with a line on the report date."""
        return timeline_chart(
            self.timeline_items(),
            title=f"{self.region['name']}: programme timeline",
            today=self.report_date,
            synthetic=self.synthetic,
        )

    def action_status(self) -> ActionPlanStatus:
        """Counts by status and dimension and the overdue actions on the report date."""
        return action_plan_status(
            self.actions, report_date=self.report_date, dimension_names=self.dimension_names
        )


def _restrict(frame: pd.DataFrame, column: str, keys: set) -> pd.DataFrame:
    if frame.empty or column not in frame.columns:
        return frame
    return frame[frame[column].isin(keys)].reset_index(drop=True)


def programme_report_data(
    store: Store,
    region: str,
    *,
    instrument: str | Instrument | None = None,
    report_date: dt.date | str | None = None,
) -> ProgrammeReportData:
    """Read a region's planning records: the knowledge-transfer programmes it receives (or
    transfers knowledge in, as the coaching partner), its coaching programmes and action
    plans, with their activities, milestones, coaches, teams, sessions and actions.
    ``report_date`` (default today) decides what is overdue."""
    from scirocco_lab.planning import store as planning

    subject = get_subject(store, region)
    programmes = planning.programmes_frame(store, region=region)
    kt_keys = set(programmes["programme"]) if not programmes.empty else set()
    activities = _restrict(planning.activities_frame(store), "programme", kt_keys)
    coaching = planning.coaching_programmes_frame(store, region=region)
    coaching_keys = set(coaching["programme"]) if not coaching.empty else set()
    milestones = _restrict(planning.milestones_frame(store), "programme", kt_keys | coaching_keys)
    plans = planning.action_plans_frame(store, region=region)
    actions = planning.actions_frame(store, region=region)
    subjects = subjects_frame(store)
    return ProgrammeReportData(
        region=subject,
        instrument=resolve_instrument(store, instrument),
        programmes=programmes,
        activities=activities,
        milestones=milestones,
        coaching=coaching,
        coaches=_restrict(planning.coaches_frame(store), "programme", coaching_keys),
        teams=_restrict(planning.teams_frame(store), "programme", coaching_keys),
        sessions=_restrict(planning.sessions_frame(store), "programme", coaching_keys),
        plans=plans,
        actions=actions,
        assets=planning.assets_frame(store),
        region_names=dict(zip(subjects["key"], subjects["name"], strict=True)),
        report_date=_as_date(report_date) or dt.date.today(),
        store_label=store.label,
        generated_at=utc_now(whole_seconds=True),
    )


# ---------------------------------------------------------------------------------------
# Report tasks for `scirocco-lab reports build`


def _planning_records(store: Store) -> tuple[tuple[pd.DataFrame, str], ...]:
    """The planning records a programme report shows, each with its region column."""
    from scirocco_lab.planning import store as planning

    programmes = planning.programmes_frame(store)
    return (
        (programmes, "receiving_region"),
        (programmes, "transferring_region"),  # the coaching partner reports on it too
        (planning.coaching_programmes_frame(store), "region"),
        (planning.action_plans_frame(store), "region"),
    )


#: One programme report per region (or the regions named) that has a knowledge-transfer
#: programme, a coaching programme or an action plan; regions without any give no task.
programme_tasks = CustomTasks(
    template="programme",
    title="programmes and action plan",
    group="Programmes",
    folder="programmes",
    records=_planning_records,
)


# ---------------------------------------------------------------------------------------
# Report sections (one call per notebook cell)


def knowledge_transfer_html(report: ProgrammeReportData) -> str:
    """Every knowledge-transfer programme of the region, summarised."""
    if report.programmes.empty:
        return "<p>No knowledge-transfer programme involves this region yet.</p>"
    return "\n".join(
        programme_summary_html(
            row.to_dict(),
            assets=report.assets,
            region_names=report.region_names,
            dimension_names=report.dimension_names,
        )
        for _, row in report.programmes.iterrows()
    )


def coaching_section_html(report: ProgrammeReportData) -> str:
    """Every coaching programme of the region: cohort, sessions summary, mid-point review."""
    if report.coaching.empty:
        return "<p>No coaching programme in this region yet.</p>"
    return "\n".join(
        coaching_html(
            row.to_dict(), coaches=report.coaches, teams=report.teams, sessions=report.sessions
        )
        for _, row in report.coaching.iterrows()
    )


def action_plan_html(report: ProgrammeReportData) -> str:
    """The region's action plan(s): the actions, overdue ones marked on the report date."""
    if report.plans.empty:
        return "<p>No action plan for this region yet.</p>"
    titles = "".join(
        f"<li><b>{_e(row.title)}</b> ({int(row.actions)} action(s))</li>"
        for row in report.plans.itertuples()
    )
    return f"<ul>{titles}</ul>" + actions_html(
        report.actions, report_date=report.report_date, dimension_names=report.dimension_names
    )


REPORT_KINDS = (
    ReportKind(
        name="programme",
        template="programme",
        group="Programmes",
        tasks=programme_tasks,
        reads=(
            "store_meta",
            "subjects",
            "instruments",
            "planning_people",
            "planning_assets",
            "kt_programmes",
            "kt_stakeholders",
            "kt_programme_assets",
            "kt_activities",
            "kt_milestones",
            "action_plans",
            "actions",
            "coaching_programmes",
            "coaching_coaches",
            "coaching_teams",
            "coaching_sessions",
            "coaching_milestones",
        ),
        subject_parameters=("region",),
    ),
)
