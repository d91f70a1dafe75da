"""Planning widgets without a browser: set values, click, and check what the store holds."""

import csv
import datetime as dt

import openpyxl
import papermill
import pytest

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.capture.action_plan import ActionPlanEditor
from scirocco_lab.capture.coaching_log import CoachingLog
from scirocco_lab.capture.knowledge_transfer import KnowledgeTransferBuilder
from scirocco_lab.capture.planning_helpers import weakest_dimensions
from scirocco_lab.capture.serve import CAPTURE_NOTEBOOKS
from scirocco_lab.instruments import load_instrument
from scirocco_lab.planning.records import (
    ActivityRecord,
    AssetRecord,
    CoachingProgrammeRecord,
    CoachRecord,
    TeamRecord,
    coaching_timeline_milestones,
)
from scirocco_lab.planning.store import (
    action_plans_frame,
    actions_frame,
    activities_frame,
    coaching_programmes_frame,
    load_programme,
    milestones_frame,
    programmes_frame,
    save_assets,
    save_coaching_programme,
    sessions_frame,
)
from scirocco_lab.store import open_store

EXCHANGE = load_instrument()
KEYS = EXCHANGE.dimension_keys
D = dt.date
# Ostermark's consensus: these three lowest, every other dimension at 4 or 5.
WEAK = {"funding": 0, "evaluation_methods": 1, "capacity_building": 2}
NOTEBOOKS = CAPTURE_NOTEBOOKS


@pytest.fixture
def store(two_regions_store):
    store = two_regions_store
    ratings = tuple(RatingRecord(k, level=WEAK.get(k, 4 + i % 2)) for i, k in enumerate(KEYS))
    consensus = AssessmentRecord("HS", "ostermark", EXCHANGE.id, mode="consensus", ratings=ratings)
    write_batch(store, RecordBatch(assessments=(consensus,)))
    save_assets(
        store,
        [
            AssetRecord("budget-tool", "tool", "Pooled budget calculator", dimensions=("funding",)),
            AssetRecord(
                "eval-guide",
                "guideline",
                "Evaluation guide",
                description="How to evaluate integrated care budgets",
                dimensions=("evaluation_methods",),
            ),
            AssetRecord("visit-host", "expert", "Study visit host", region="northvale"),
        ],
    )
    return store


def snapshot(store):
    """Everything the store holds about planning, to prove a refusal changed nothing."""
    frames = (
        programmes_frame(store),
        activities_frame(store),
        milestones_frame(store),
        action_plans_frame(store),
        actions_frame(store),
        coaching_programmes_frame(store),
        sessions_frame(store),
    )
    return tuple(f.astype(str).to_dict("records") for f in frames)


# --- knowledge-transfer programme builder -----------------------------------------------


def filled_builder(store):
    builder = KnowledgeTransferBuilder(store, receiving_region="ostermark")
    builder.key_input.value = "kt-ostermark"
    builder.title_input.value = "Ostermark learns pooled budgets"
    builder.transferring_picker.value = "northvale"
    builder.start_input.value, builder.end_input.value = D(2026, 1, 5), D(2026, 12, 18)
    builder.needs_input.value = "A pooled budget for frail older people"
    builder.objectives_input.value = "Agree a pooled budget"
    builder.evaluation_input.value = "Focus groups after the study visit"
    return builder


def add_study_visit(builder, *, experts="4", start=None, end=None):
    start, end = start or D(2026, 3, 2), end or D(2026, 3, 3)
    builder.activity_kind.value = "study_visit"
    builder.activity_title.value = "Study visit to Northvale"
    builder.activity_location.value = "Northvale"
    builder.activity_start.value, builder.activity_end.value = start, end
    builder.activity_experts.value = experts
    builder.activity_participants.value = "12"
    builder.add_activity_button.click()


def test_builder_suggests_the_region_weakest_dimensions(store):
    builder = KnowledgeTransferBuilder(store, receiving_region="ostermark")
    expected = ("funding", "evaluation_methods", "capacity_building")
    assert builder.suggested == expected == weakest_dimensions(store, "ostermark")
    assert builder.dimensions_picker.value == expected
    assert "Funding, Evaluation Methods, Capacity Building" in builder.suggestion.value


def test_builder_without_ratings_has_no_suggestion(store):
    builder = KnowledgeTransferBuilder(store, receiving_region="northvale")
    assert builder.suggested == () and builder.dimensions_picker.value == ()
    assert builder.suggest_button.disabled
    assert "No submitted assessment" in builder.suggestion.value


def test_asset_search_filters_by_text_and_dimension(store):
    builder = KnowledgeTransferBuilder(store)
    builder.asset_search.value = "budget"
    assert [v for _l, v in builder.asset_results.options] == ["budget-tool", "eval-guide"]
    builder.asset_dimension.value = "funding"
    assert [v for _l, v in builder.asset_results.options] == ["budget-tool"]


def test_builder_save_writes_the_programme(store):
    builder = filled_builder(store)
    builder.stakeholder_pseudonym.value = "OSM-S01"
    builder.stakeholder_role.value = "manager"
    builder.add_stakeholder_button.click()
    builder.asset_search.value = "budget"
    builder.asset_results.value = ("budget-tool",)
    builder.add_assets_button.click()
    add_study_visit(builder)
    builder.steps_button.click()
    builder.save_button.click()
    assert "Saved" in builder.message.value, builder.message.value
    stored = load_programme(store, "kt-ostermark")
    assert stored.dimensions == tuple(WEAK) and stored.transferring_region == "northvale"
    assert [s.pseudonym for s in stored.stakeholders] == ["OSM-S01"]
    assert stored.assets == ("budget-tool",)
    assert [(a.kind, a.visiting_experts, a.participants) for a in stored.activities] == [
        ("study_visit", 4, 12)
    ]
    assert len(stored.milestones) == 8
    assert stored.milestones[0].due == D(2026, 1, 5)


def test_study_visit_with_six_experts_is_refused_with_message(store):
    builder = filled_builder(store)
    add_study_visit(builder, experts="6")
    assert "at most 5 visiting experts" in builder.message.value
    assert builder.activities == []


def test_study_visit_longer_than_two_days_is_refused(store):
    builder = filled_builder(store)
    add_study_visit(builder, end=D(2026, 3, 5))
    assert "lasts at most 2 days" in builder.message.value
    assert builder.activities == []


def test_activity_ending_before_it_starts_is_refused(store):
    builder = filled_builder(store)
    builder.activity_kind.value = "event"
    builder.activity_title.value = "Regional event"
    builder.activity_start.value, builder.activity_end.value = D(2026, 5, 4), D(2026, 5, 1)
    builder.add_activity_button.click()
    assert "before it starts" in builder.message.value
    assert builder.activities == []


def test_save_of_an_invalid_programme_shows_problems_and_writes_nothing(store):
    builder = filled_builder(store)
    # Straight into the state, as a script could: the save itself must refuse it.
    builder.activities.append(
        ActivityRecord(
            "visit-1", "study_visit", "Too big", D(2026, 3, 2), D(2026, 3, 3), visiting_experts=6
        )
    )
    before = snapshot(store)
    builder.save_button.click()
    assert "Not saved" in builder.message.value
    assert "at most 5 visiting experts" in builder.message.value
    assert snapshot(store) == before


def test_programme_without_dimensions_is_not_saved(store):
    builder = filled_builder(store)
    builder.dimensions_picker.value = ()
    before = snapshot(store)
    assert not builder.save()
    assert "no dimension chosen" in builder.message.value
    assert snapshot(store) == before


def test_stakeholder_email_as_pseudonym_is_refused(store):
    builder = filled_builder(store)
    builder.stakeholder_pseudonym.value = "jane@example.org"
    builder.add_stakeholder_button.click()
    assert "not an e-mail address" in builder.message.value
    assert builder.stakeholders == []


def test_builder_reopens_and_replaces_a_stored_programme(store):
    first = filled_builder(store)
    assert first.save()
    again = KnowledgeTransferBuilder(store, programme="kt-ostermark")
    assert again.title_input.value == "Ostermark learns pooled budgets"
    again.title_input.value = "Renamed"
    assert again.save(), again.message.value
    assert programmes_frame(store)["title"].tolist() == ["Renamed"]


def test_new_programme_with_a_stored_key_is_refused(store):
    assert filled_builder(store).save()
    clash = filled_builder(store)
    assert not clash.save()
    assert "already in the store" in clash.message.value


def test_user_text_in_the_builder_lists_is_escaped(store):
    builder = filled_builder(store)
    builder.stakeholder_pseudonym.value = "<b>X</b>"
    builder.add_stakeholder_button.click()
    label = builder.stakeholders_box.children[0].children[0].value
    assert "<b>" not in label and "&lt;b&gt;" in label


# --- action-plan editor --------------------------------------------------------------------


def type_action(editor, *, dimension="funding", objective="Pooled budget", start, end):
    editor.dimension_picker.value = dimension
    editor.objective_input.value = objective
    editor.owner_input.value = "Finance lead"
    editor.start_input.value, editor.end_input.value = start, end
    editor.resources_input.value = "0.5 FTE"
    editor.indicator_input.value = "Budget signed"
    editor.priority_picker.value = "high"
    editor.apply_button.click()


def filled_editor(store, tmp_path):
    editor = ActionPlanEditor(store, region="ostermark", export_dir=tmp_path / "exports")
    editor.key_input.value = "ap-ostermark"
    editor.title_input.value = "Ostermark action plan"
    type_action(editor, start=D(2026, 1, 5), end=D(2026, 6, 30))
    type_action(
        editor,
        dimension="evaluation_methods",
        objective="Outcome framework",
        start=D(2026, 2, 1),
        end=D(2026, 4, 30),
    )
    return editor


def test_editor_save_writes_the_actions(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    editor.save_button.click()
    assert "Saved" in editor.message.value, editor.message.value
    stored = actions_frame(store, plan="ap-ostermark")
    assert stored[["position", "dimension", "objective", "owner", "priority"]].values.tolist() == [
        [1, "funding", "Pooled budget", "Finance lead", "high"],
        [2, "evaluation_methods", "Outcome framework", "Finance lead", "high"],
    ]


def test_action_ending_before_it_starts_shows_message_and_writes_nothing(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    assert editor.save()
    before = snapshot(store)
    type_action(editor, objective="Backwards", start=D(2026, 5, 1), end=D(2026, 4, 1))
    assert "ends on 2026-04-01, before it starts on 2026-05-01" in editor.message.value
    assert len(editor.actions) == 2
    editor.save_button.click()
    assert snapshot(store) == before


def test_saving_a_plan_with_a_backwards_action_writes_nothing(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    from dataclasses import replace

    editor.actions[1] = replace(editor.actions[1], end=D(2025, 1, 1))
    before = snapshot(store)
    assert not editor.save()
    assert "Not saved" in editor.message.value and "item 2" in editor.message.value
    assert snapshot(store) == before


def test_editing_and_removing_actions_renumbers_them(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    editor.action_picker.value = 1
    assert editor.objective_input.value == "Pooled budget"
    editor.status_picker.value = "in_progress"
    editor.apply_button.click()
    assert editor.actions[0].status == "in_progress"
    editor.action_picker.value = 1
    editor.remove_button.click()
    assert [(a.position, a.objective) for a in editor.actions] == [(1, "Outcome framework")]


def test_export_buttons_write_workbook_and_csv(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    assert editor.save()
    editor.export_xlsx_button.click()
    workbook = tmp_path / "exports" / "ap-ostermark.xlsx"
    assert workbook.exists(), editor.message.value
    assert "Exported 2 action(s)" in editor.message.value
    cells = [c for row in openpyxl.load_workbook(workbook).active.values for c in row]
    assert "Pooled budget" in cells
    editor.export_csv_button.click()
    with (tmp_path / "exports" / "ap-ostermark.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [r["objective"] for r in rows] == ["Pooled budget", "Outcome framework"]


def test_export_of_unsaved_changes_is_refused(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    editor.export_csv_button.click()
    assert "Save the plan first" in editor.message.value
    assert not (tmp_path / "exports").exists()


def test_action_text_is_escaped_in_the_table(store, tmp_path):
    editor = filled_editor(store, tmp_path)
    type_action(editor, objective="<script>x</script>", start=D(2026, 1, 1), end=D(2026, 2, 1))
    assert "<script>" not in editor.table.value and "&lt;script&gt;" in editor.table.value


# --- coaching log --------------------------------------------------------------------------


@pytest.fixture
def coaching_store(store):
    save_coaching_programme(
        store,
        CoachingProgrammeRecord(
            "coach-ostermark",
            "System improvement coaching",
            "ostermark",
            D(2026, 7, 1),
            D(2027, 7, 31),
            coaches=(CoachRecord("COACH-01", role="improvement lead"), CoachRecord("COACH-02")),
            teams=(TeamRecord("nb-north", "North neighbourhood"),),
            milestones=coaching_timeline_milestones(D(2026, 7, 7)),
        ),
    )
    return store


def test_log_records_a_session(coaching_store):
    log = CoachingLog(coaching_store)
    log.session_date.value = D(2026, 10, 1)
    log.session_coach.value = "COACH-02"
    log.session_team.value = "nb-north"
    log.session_minutes.value = 90
    log.session_focus.value = "Aims and measures"
    log.log_button.click()
    assert "logged" in log.message.value, log.message.value
    stored = sessions_frame(coaching_store)
    assert stored[["coach", "team", "duration_minutes", "focus"]].values.tolist() == [
        ["COACH-02", "nb-north", 90, "Aims and measures"]
    ]
    assert "1 session(s), 1.5 hour(s)" in log.overview.value


def refused_click(store, button, **fields):
    """Fill a new coaching log's ``fields`` (attribute name: value) and click ``button``;
    checks the store is unchanged and returns the message shown."""
    log = CoachingLog(store)
    for name, value in fields.items():
        getattr(log, name).value = value
    before = snapshot(store)
    getattr(log, button).click()
    assert snapshot(store) == before
    return log.message.value


def test_session_outside_the_programme_is_refused(coaching_store):
    message = refused_click(coaching_store, "log_button", session_date=D(2025, 1, 1))
    assert "Session not logged" in message
    assert "outside the programme" in message


def test_milestone_is_marked_done(coaching_store):
    log = CoachingLog(coaching_store, programme="coach-ostermark")
    log.milestone_picker.value = "recruit"
    log.milestone_done_on.value = D(2026, 7, 6)
    log.done_button.click()
    stored = milestones_frame(coaching_store, programme="coach-ostermark").set_index("milestone")
    assert (stored.loc["recruit", "status"], stored.loc["recruit", "done_on"]) == (
        "done",
        D(2026, 7, 6),
    )
    assert "recruit" not in [v for _l, v in log.milestone_picker.options]


def test_midpoint_review_is_recorded(coaching_store):
    log = CoachingLog(coaching_store)
    log.review_date.value = D(2027, 1, 15)
    log.review_summary.value = "Teams meet monthly"
    log.review_decisions.value = "Add peer supervision"
    log.review_button.click()
    stored = coaching_programmes_frame(coaching_store).iloc[0]
    assert stored["midpoint_review_on"] == D(2027, 1, 15)
    assert stored["midpoint_summary"] == "Teams meet monthly"
    assert "Mid-point review (2027-01-15)" in log.overview.value


def test_review_without_summary_is_refused(coaching_store):
    message = refused_click(coaching_store, "review_button", review_date=D(2027, 1, 15))
    assert "Review not recorded" in message


def test_coaching_log_without_programmes_says_so(store):
    log = CoachingLog(store)
    assert "No coaching programme" in log.message.value


# --- notebooks -----------------------------------------------------------------------------


@pytest.mark.slow
def test_capture_notebooks_display_their_widget(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    file_store = open_store(url)
    write_batch(file_store, RecordBatch(subjects=(SubjectRecord("ostermark", "Ostermark"),)))
    save_coaching_programme(
        file_store,
        CoachingProgrammeRecord("coach-o", "Coaching", "ostermark", D(2026, 1, 1), D(2026, 12, 1)),
    )
    monkeypatch.setenv("SCIROCCO_LAB_STORE", url)
    for name in ("knowledge_transfer", "action_plan", "coaching_log"):
        executed = papermill.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(tmp_path / f"{name}.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            cwd=str(NOTEBOOKS),
        )
        outputs = [o for cell in executed.cells for o in cell.get("outputs", [])]
        widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o["data"]]
        assert widgets, f"{name} displayed no widget"


def test_unknown_region_parameter_shows_a_message(store):
    builder = KnowledgeTransferBuilder(store, receiving_region="atlantis")
    assert "No region" in builder.message.value and "atlantis" in builder.message.value
    assert builder.receiving_picker.value == ""
