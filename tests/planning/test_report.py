"""Programme report: status summary and HTML pieces from hand-made frames, report data and
tasks from a seeded store, and one rendered report."""

import datetime as dt
import html

import pandas as pd
import pytest

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.errors import NotFoundError
from scirocco_lab.planning.records import ActionPlanRecord, ActionRecord
from scirocco_lab.planning.report import (
    action_plan_html,
    action_plan_status,
    action_status_html,
    actions_html,
    activities_html,
    coaching_html,
    milestones_html,
    programme_report_data,
    programme_summary_html,
    programme_tasks,
    sessions_summary,
)
from scirocco_lab.planning.store import (
    action_plans_frame,
    actions_frame,
    coaching_programmes_frame,
    programmes_frame,
    save_action_plan,
)
from scirocco_lab.reports.engine import render_report
from scirocco_lab.store import open_store, subjects_frame

D = dt.date
REPORT_DATE = D(2025, 5, 1)
HOSTILE = '<script>alert("x")</script>'


def actions(**overrides):
    frame = pd.DataFrame(
        {
            "plan": ["p1"] * 4,
            "plan_title": ["Northvale plan"] * 4,
            "region": ["northvale"] * 4,
            "position": [1, 2, 3, 4],
            "dimension": ["funding", "funding", "digital_infrastructure", "funding"],
            "objective": ["Joint budget", "Pooled fund", "Shared record", "Dropped idea"],
            "owner": ["NV-lead", "NV-fin", "NV-it", "NV-lead"],
            "start": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 15), D(2025, 1, 1)],
            "end": [D(2025, 3, 31), D(2025, 4, 30), D(2025, 9, 30), D(2025, 2, 1)],
            "resources": ["0.5 FTE", None, "IT budget", None],
            "indicator": ["budget signed", "fund live", "record used", None],
            "priority": ["high", "medium", "high", "low"],
            "status": ["in_progress", "done", "planned", "cancelled"],
            "synthetic": True,
        }
    )
    return frame.assign(**overrides)


# --- action-plan status --------------------------------------------------------------------


def test_status_counts_every_status_including_zeros():
    status = action_plan_status(actions(), report_date=REPORT_DATE)
    assert dict(zip(status.by_status["status"], status.by_status["actions"], strict=True)) == {
        "planned": 1,
        "in_progress": 1,
        "done": 1,
        "delayed": 0,
        "cancelled": 1,
    }


def test_overdue_is_end_before_report_date_and_neither_done_nor_cancelled():
    status = action_plan_status(actions(), report_date=REPORT_DATE)
    # Joint budget ended 31 March, in progress: overdue. Pooled fund is done, the dropped
    # idea cancelled, the shared record ends later.
    assert status.overdue["objective"].tolist() == ["Joint budget"]
    assert status.overdue["days_overdue"].tolist() == [31]


def test_action_ending_on_the_report_date_is_not_overdue():
    status = action_plan_status(actions(), report_date=D(2025, 3, 31))
    assert status.overdue.empty


def test_status_by_dimension_follows_instrument_order():
    names = {"digital_infrastructure": "Digital Infrastructure", "funding": "Funding"}
    status = action_plan_status(actions(), report_date=REPORT_DATE, dimension_names=names)
    assert status.by_dimension.to_dict("records") == [
        {
            "dimension": "digital_infrastructure",
            "dimension_name": "Digital Infrastructure",
            "actions": 1,
            "done": 0,
            "open": 1,
            "overdue": 0,
        },
        {
            "dimension": "funding",
            "dimension_name": "Funding",
            "actions": 3,
            "done": 1,
            "open": 1,
            "overdue": 1,
        },
    ]


def test_status_of_no_actions_is_empty_and_says_so():
    status = action_plan_status(actions().iloc[0:0], report_date=REPORT_DATE)
    assert status.total == 0 and status.overdue.empty
    assert "No actions" in action_status_html(status)


def test_status_html_lists_overdue_actions():
    page = action_status_html(action_plan_status(actions(), report_date=REPORT_DATE))
    assert "1 overdue action(s)" in page and "Joint budget" in page


# --- HTML pieces escape user text ----------------------------------------------------------


def test_objective_with_script_is_escaped_in_actions_table():
    page = actions_html(actions(objective=HOSTILE), report_date=REPORT_DATE)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_objective_with_script_is_escaped_in_status_summary():
    frame = actions(objective=HOSTILE)
    page = action_status_html(action_plan_status(frame, report_date=REPORT_DATE))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_actions_table_marks_overdue_and_names_dimensions():
    page = actions_html(actions(), report_date=REPORT_DATE, dimension_names={"funding": "Funding"})
    assert "In progress (overdue)" in page
    assert '<td class="sl-text">Funding</td>' in page


def programme_row(**overrides):
    row = {
        "programme": "kt-nv",
        "title": "Northvale learns from Ostermark",
        "receiving_region": "northvale",
        "transferring_region": "ostermark",
        "dimensions": ("funding",),
        "needs": "A pooled budget",
        "objectives": "Sign a joint budget",
        "stakeholders": ("NV-S01 (manager)",),
        "assets": ("toolkit", "missing-asset"),
        "evaluation_plan": "Focus groups in month 10",
        "start": D(2025, 1, 1),
        "end": D(2025, 12, 31),
        "status": "active",
        "synthetic": True,
    }
    row.update(overrides)
    return row


ASSETS = pd.DataFrame(
    {
        "asset": ["toolkit"],
        "kind": ["tool"],
        "title": ["Budget <toolkit>"],
        "description": [None],
        "dimensions": [("funding",)],
        "languages": [("en",)],
        "region": [None],
        "url": [None],
        "synthetic": [True],
    }
)


def test_programme_summary_escapes_and_names_regions_dimensions_assets():
    page = programme_summary_html(
        programme_row(needs=HOSTILE, stakeholders=("<b>X</b> (role)",)),
        assets=ASSETS,
        region_names={"northvale": "Northvale", "ostermark": "Ostermark"},
        dimension_names={"funding": "Funding"},
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;X&lt;/b&gt; (role)" in page
    assert "Budget &lt;toolkit&gt;" in page and "missing-asset" in page
    assert "Ostermark" in page and "Funding" in page


def test_activities_table_escapes_and_shows_counts():
    frame = pd.DataFrame(
        {
            "programme": ["kt-nv"],
            "activity": ["v1"],
            "kind": ["study_visit"],
            "title": [HOSTILE],
            "location": ["Ostermark"],
            "start": [D(2025, 3, 3)],
            "end": [D(2025, 3, 4)],
            "visiting_experts": [4],
            "participants": [None],
            "dimensions": [("funding",)],
            "expected_outcomes": ["A plan"],
            "status": ["planned"],
            "synthetic": [True],
        }
    )
    page = activities_html(frame)
    assert "<script>" not in page and "Study visit" in page and "<td>" in page
    assert ">4<" in page


def test_milestones_table_in_due_order():
    frame = pd.DataFrame(
        {
            "programme": ["c", "c"],
            "milestone": ["b", "a"],
            "title": ["Second", "First"],
            "due": [D(2025, 3, 9), D(2024, 7, 7)],
            "done_on": [None, D(2024, 7, 5)],
            "status": ["planned", "done"],
        }
    )
    page = milestones_html(frame)
    assert page.index("First") < page.index("Second") and "2024-07-05" in page


def test_milestones_of_several_programmes_get_one_titled_table_each():
    frame = pd.DataFrame(
        {
            "programme": ["kt", "coach", "kt"],
            "milestone": ["a", "b", "c"],
            "title": ["KT step", "Coaching step", "KT later <step>"],
            "due": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)],
            "done_on": [None, None, None],
            "status": ["planned", "planned", "planned"],
        }
    )
    page = milestones_html(frame, programme_titles={"kt": "Knowledge <transfer>"})
    assert page.count("<table") == 2
    assert page.index("<h4>Knowledge &lt;transfer&gt;</h4>") < page.index("<h4>coach</h4>")
    assert "KT later &lt;step&gt;" in page


def coaching_frames():
    programme = {
        "programme": "coach-nv",
        "title": "System improvement coaching",
        "region": "northvale",
        "start": D(2024, 9, 22),
        "end": D(2025, 6, 2),
        "status": "active",
        "midpoint_review_on": D(2025, 3, 9),
        "midpoint_summary": "Teams meet monthly <ok>",
        "midpoint_decisions": "Add peer supervision",
        "synthetic": True,
    }
    coaches = pd.DataFrame(
        {
            "programme": ["coach-nv"],
            "coach": ["C-01"],
            "role": ["improvement lead"],
            "organisation": ["NV trust"],
            "cohort": ["2024"],
        }
    )
    teams = pd.DataFrame(
        {
            "programme": ["coach-nv", "coach-nv"],
            "team": ["n1", "n2"],
            "name": ["North neighbourhood", "South neighbourhood"],
            "kind": ["neighbourhood", "neighbourhood"],
            "description": [None, None],
        }
    )
    sessions = pd.DataFrame(
        {
            "programme": ["coach-nv", "coach-nv"],
            "session_date": [D(2025, 1, 9), D(2025, 2, 6)],
            "coach": ["C-01", "C-01"],
            "team": ["n1", "n1"],
            "duration_minutes": [60, 90],
            "focus": ["aims", "PDSA cycles"],
            "notes": ["", ""],
        }
    )
    return programme, coaches, teams, sessions


def test_sessions_summary_counts_sessions_and_hours_per_team():
    *_rest, sessions = coaching_frames()
    summary = sessions_summary(sessions)
    assert summary[["team", "sessions", "hours", "last_focus"]].values.tolist() == [
        ["n1", 2, 2.5, "PDSA cycles"]
    ]


def test_coaching_html_lists_teams_without_sessions_and_the_review():
    programme, coaches, teams, sessions = coaching_frames()
    page = coaching_html(programme, coaches=coaches, teams=teams, sessions=sessions)
    assert "South neighbourhood" in page  # no session yet, still listed
    assert "2 session(s), 2.5 hour(s)" in page
    assert "Mid-point review (2025-03-09)" in page and "&lt;ok&gt;" in page


def test_coaching_html_without_review_says_not_held():
    programme, coaches, teams, _sessions = coaching_frames()
    programme["midpoint_review_on"] = None
    page = coaching_html(programme, coaches=coaches, teams=teams, sessions=None)
    assert "Not held yet" in page and "No coaching sessions" not in page


@pytest.mark.parametrize("empty", [None, pd.DataFrame()])
def test_empty_frames_give_a_sentence(empty):
    assert "No activities" in activities_html(empty)
    assert "No milestones" in milestones_html(empty)
    assert "No action plan" in actions_html(empty)


# --- from a store ----------------------------------------------------------------------------


def regions_with_planning(store):
    programmes = programmes_frame(store)
    found = set(programmes["receiving_region"]) | set(programmes["transferring_region"])
    found |= set(coaching_programmes_frame(store)["region"])
    found |= set(action_plans_frame(store)["region"])
    return found - {None}


def test_tasks_cover_exactly_the_regions_with_planning_records(demo_store_url, tmp_path):
    tasks = programme_tasks(demo_store_url, tmp_path)
    expected = regions_with_planning(open_store(demo_store_url))
    assert {t.parameters["region"] for t in tasks} == expected
    assert 0 < len(expected) < len(subjects_frame(open_store(demo_store_url), kind="system"))
    task = tasks[0]
    region = task.parameters["region"]
    assert (task.template, task.group, task.synthetic) == ("programme", "Programmes", True)
    assert task.output == tmp_path / "programmes" / f"{region}.html"
    assert task.parameters["store_url"] == demo_store_url


def test_tasks_for_named_regions_and_unknown_region(demo_store_url, tmp_path):
    region = sorted(regions_with_planning(open_store(demo_store_url)))[0]
    assert [
        t.parameters["region"] for t in programme_tasks(demo_store_url, tmp_path, regions=[region])
    ] == [region]
    with pytest.raises(NotFoundError, match="unknown region"):
        programme_tasks(demo_store_url, tmp_path, regions=["nowhere"])


def test_region_without_planning_records_gives_no_task(demo_store_url, tmp_path):
    store = open_store(demo_store_url)
    without = sorted(
        set(subjects_frame(store, kind="system")["key"]) - regions_with_planning(store)
    )
    assert programme_tasks(demo_store_url, tmp_path, regions=without[:1]) == []


def test_report_data_keeps_only_the_region_records(demo_store_url):
    store = open_store(demo_store_url)
    plan = action_plans_frame(store).iloc[0]
    data = programme_report_data(store, plan["region"], report_date="2026-10-15")
    assert set(data.actions["region"]) == {plan["region"]}
    assert set(data.activities["programme"]) <= set(data.programmes["programme"])
    assert data.synthetic and data.report_date == D(2026, 10, 15)
    items = data.timeline_items()
    assert len(items) == len(data.activities) + len(data.actions) + len(data.milestones)


def test_report_html_from_the_store_escapes_an_objective(tmp_path):
    store = open_store("sqlite://")
    add_subjects(store, [SubjectRecord("vale", "Vale")])
    save_action_plan(
        store,
        ActionPlanRecord(
            "ap-vale",
            "Vale plan",
            "vale",
            actions=(ActionRecord(1, "funding", HOSTILE, D(2025, 1, 1), D(2025, 2, 1)),),
        ),
    )
    data = programme_report_data(store, "vale", report_date=REPORT_DATE)
    pages = action_plan_html(data) + action_status_html(data.action_status())
    assert "<script>" not in pages and "&lt;script&gt;" in pages
    assert not data.synthetic


@pytest.mark.slow
def test_programme_report_renders_timeline_banner_and_action_plan(demo_store_url, tmp_path):
    store = open_store(demo_store_url)
    region = action_plans_frame(store)["region"].iloc[0]
    (task,) = programme_tasks(demo_store_url, tmp_path, regions=[region])
    result = render_report(task)
    assert result.ok, result.error
    page = task.output.read_text("utf-8")
    assert 'alt="Programme timeline" src="data:image/png;base64,' in page
    assert "Synthetic demo data" in page
    objective = actions_frame(store, region=region)["objective"].iloc[0]
    assert "<th>Objective</th>" in page and html.escape(objective) in page
