"""Planning records: the validation rules, without a store."""

import dataclasses
import datetime as dt
from functools import partial

from scirocco_lab.instruments import load_instrument
from scirocco_lab.planning import records
from scirocco_lab.planning import tables as planning_tables
from scirocco_lab.planning.records import (
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    AssetRecord,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    PlanningContext,
    StakeholderRecord,
    TeamRecord,
    coaching_timeline_milestones,
    knowledge_transfer_step_milestones,
    validate_action_plan,
    validate_assets,
    validate_coaching_programme,
    validate_programme,
)

D = dt.date
CONTEXT = PlanningContext(
    regions=frozenset({"ostermark", "northvale"}),
    dimensions=tuple(load_instrument().dimension_keys),
    assets=frozenset({"toolkit"}),
    programmes={"kt-ostermark": "ostermark"},
)


VISIT = ActivityRecord(
    key="visit",
    kind="study_visit",
    title="Study visit to Northvale",
    start=D(2026, 6, 8),
    end=D(2026, 6, 9),
    visiting_experts=5,
)


visit = partial(dataclasses.replace, VISIT)


PROGRAMME = KnowledgeTransferProgramme(
    key="kt-new",
    title="Digital know-how",
    receiving_region="ostermark",
    dimensions=("digital_infrastructure",),
    transferring_region="northvale",
    stakeholders=(StakeholderRecord("OSM-S01", "programme lead"),),
    assets=("toolkit",),
    activities=(VISIT,),
    milestones=knowledge_transfer_step_milestones(D(2026, 3, 2), D(2026, 12, 18)),
    start=D(2026, 3, 2),
    end=D(2026, 12, 18),
)


def programme(*activities, **changes):
    """The programme, with ``activities`` instead of its study visit when given."""
    return dataclasses.replace(PROGRAMME, activities=activities or PROGRAMME.activities, **changes)


def fields(problems):
    return [problem.field for problem in problems]


COACHING = CoachingProgrammeRecord(
    key="coaching-1",
    title="Coaching",
    region="northvale",
    start=D(2026, 1, 5),
    end=D(2026, 12, 18),
    coaches=(CoachRecord("COACH-01"), CoachRecord("COACH-02")),
    teams=(TeamRecord("nb-1", "North"), TeamRecord("nb-2", "South")),
    assignments=(AssignmentRecord("COACH-01", "nb-1"),),
    sessions=(CoachingSessionRecord(D(2026, 3, 3), "COACH-01", "nb-1"),),
)


coaching = partial(dataclasses.replace, COACHING)


def test_a_complete_programme_has_no_problem():
    assert validate_programme(programme(), CONTEXT) == []


def test_activity_ending_before_it_starts_says_so_and_how_to_fix():
    problems = validate_programme(programme(visit(end=D(2026, 6, 1))), CONTEXT)
    assert fields(problems) == ["end"]
    assert "before it starts" in problems[0].message
    assert "on or after the start date" in problems[0].fix
    assert problems[0].value == "2026-06-01"


def test_study_visit_with_six_experts_is_rejected():
    problems = validate_programme(programme(visit(visiting_experts=6)), CONTEXT)
    assert fields(problems) == ["visiting_experts"]
    assert "at most 5" in problems[0].message


def test_study_visit_of_three_days_is_rejected():
    problems = validate_programme(programme(visit(end=D(2026, 6, 10))), CONTEXT)
    assert fields(problems) == ["end"]
    assert "lasts 3" in problems[0].message


def test_a_three_day_staff_exchange_is_fine():
    exchange = visit(kind="staff_exchange", end=D(2026, 6, 20), visiting_experts=None)
    assert validate_programme(programme(exchange), CONTEXT) == []


def test_unknown_dimension_is_rejected_with_the_valid_keys():
    problems = validate_programme(programme(dimensions=("digital",)), CONTEXT)
    assert fields(problems) == ["dimensions"]
    assert "digital_infrastructure" in problems[0].fix


def test_programme_needs_a_dimension():
    assert fields(validate_programme(programme(dimensions=()), CONTEXT)) == ["dimensions"]


def test_unknown_receiving_region_is_rejected():
    problems = validate_programme(programme(receiving_region="atlantis"), CONTEXT)
    assert fields(problems) == ["receiving_region"]


def test_region_cannot_transfer_to_itself():
    problems = validate_programme(programme(transferring_region="ostermark"), CONTEXT)
    assert fields(problems) == ["transferring_region"]
    assert "itself" in problems[0].message


def test_unknown_asset_is_rejected():
    problems = validate_programme(programme(assets=("toolkit", "missing")), CONTEXT)
    assert [(p.field, p.row, p.value) for p in problems] == [("asset", 2, "missing")]


def test_unknown_activity_kind_is_rejected():
    problems = validate_programme(programme(visit(kind="webinar")), CONTEXT)
    assert fields(problems) == ["kind"]
    assert "study_visit" in problems[0].fix


def test_duplicate_activity_keys_are_rejected():
    problems = validate_programme(
        programme(visit(), visit(start=D(2026, 7, 1), end=D(2026, 7, 1))), CONTEXT
    )
    assert fields(problems) == ["activity"]


def test_activity_outside_the_programme_is_rejected():
    problems = validate_programme(programme(visit(start=D(2027, 1, 4), end=D(2027, 1, 5))), CONTEXT)
    assert set(fields(problems)) == {"start", "end"}


def test_pseudonym_that_is_an_email_address_is_rejected():
    person = StakeholderRecord("ana@example.org")
    problems = validate_programme(programme(stakeholders=(person,)), CONTEXT)
    assert fields(problems) == ["pseudonym"]


def test_programme_key_used_by_a_coaching_programme_is_rejected():
    context = PlanningContext(
        CONTEXT.regions,
        CONTEXT.dimensions,
        CONTEXT.assets,
        coaching_programmes=frozenset({"kt-new"}),
    )
    assert fields(validate_programme(programme(), context)) == ["key"]


def test_milestone_with_done_date_must_be_done():
    milestone = MilestoneRecord("m1", "Kick-off", D(2026, 3, 2), done_on=D(2026, 3, 3))
    assert fields(validate_programme(programme(milestones=(milestone,)), CONTEXT)) == ["status"]


ACTION = ActionRecord(1, "funding", "Model a pooled budget", D(2026, 4, 1), D(2026, 9, 30))


def action(position=1, **changes):
    return dataclasses.replace(ACTION, position=position, **changes)


def plan(*actions, **changes):
    return ActionPlanRecord("ap-1", "Plan", "ostermark", actions=actions or (action(),), **changes)


def test_action_plan_rejects_bad_priority_and_status():
    problems = validate_action_plan(plan(action(priority="urgent", status="started")), CONTEXT)
    assert fields(problems) == ["priority", "status"]


def test_action_plan_rejects_repeated_positions():
    assert fields(validate_action_plan(plan(action(1), action(1)), CONTEXT)) == ["position"]


def test_action_plan_rejects_a_programme_of_another_region():
    problems = validate_action_plan(
        ActionPlanRecord("ap-1", "Plan", "northvale", (action(),), programme="kt-ostermark"),
        CONTEXT,
    )
    assert fields(problems) == ["programme"]


def test_asset_with_bad_kind_language_and_url():
    asset = AssetRecord("a", "webinar", "A", languages=("English",), url="example.org")
    assert fields(validate_assets([asset], CONTEXT)) == ["kind", "languages", "url"]


def test_duplicate_asset_keys_are_rejected():
    asset = AssetRecord("a", "tool", "A")
    assert fields(validate_assets([asset, asset], CONTEXT)) == ["asset"]


def test_complete_coaching_programme_has_no_problem():
    assert validate_coaching_programme(coaching(), CONTEXT) == []


def test_assignment_to_unknown_team_is_rejected():
    problems = validate_coaching_programme(
        coaching(assignments=(AssignmentRecord("COACH-01", "nb-9"),)), CONTEXT
    )
    assert [(p.field, p.value) for p in problems] == [("team", "nb-9")]


def test_session_of_unknown_coach_and_outside_the_programme_is_rejected():
    session = CoachingSessionRecord(D(2027, 2, 1), "COACH-99", "nb-1")
    problems = validate_coaching_programme(coaching(sessions=(session,)), CONTEXT)
    assert fields(problems) == ["session_date", "coach"]


def test_midpoint_review_needs_a_summary():
    review = MidpointReview(D(2026, 6, 1), " ")
    assert fields(validate_coaching_programme(coaching(midpoint_review=review), CONTEXT)) == [
        "summary"
    ]


def test_knowledge_transfer_steps_keep_the_seed_spacing():
    steps = knowledge_transfer_step_milestones(D(2026, 1, 5), D(2026, 12, 18))
    assert [m.due for m in steps[:4]] == [
        D(2026, 1, 5),
        D(2026, 1, 16),
        D(2026, 1, 26),
        D(2026, 2, 15),
    ]
    assert steps[-1].due == D(2026, 12, 18)


def test_coaching_timeline_has_the_eleven_seed_milestones():
    timeline = coaching_timeline_milestones(D(2024, 7, 7))
    assert len(timeline) == 11
    assert (timeline[9].key, timeline[9].due) == ("midpoint-review", D(2025, 3, 9))


def test_table_constraints_check_the_records_own_values():
    checks = {
        str(constraint.sqltext)
        for constraint in planning_tables.planning_assets.constraints
        if hasattr(constraint, "sqltext")
    }
    assert any(all(f"'{kind}'" in check for kind in records.ASSET_KINDS) for check in checks)
