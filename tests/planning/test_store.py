"""Planning records in the store: saves, loads, frames, small updates, catalogue, demo."""

import dataclasses
import datetime as dt
import inspect
from functools import partial
from importlib import import_module

import pandas as pd
import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.records import RecordBatch, SubjectRecord
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    DuplicateRecordError,
    NotFoundError,
)
from scirocco_lab.planning.catalogue import search_assets
from scirocco_lab.planning.demo import demo_planning_batch, seed_planning_demo
from scirocco_lab.planning.records import (
    MAX_STUDY_VISIT_DAYS,
    MAX_STUDY_VISIT_EXPERTS,
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    AssetRecord,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    DuplicatePlanningRecordError,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    PlanningBatch,
    StakeholderRecord,
    TeamRecord,
)
from scirocco_lab.planning.store import (
    action_plans_frame,
    actions_frame,
    activities_frame,
    assets_frame,
    coaches_frame,
    coaching_programmes_frame,
    has_planning_records,
    load_action_plan,
    load_coaching_programme,
    load_programme,
    log_coaching_session,
    milestones_frame,
    programmes_frame,
    record_midpoint_review,
    save_action_plan,
    save_assets,
    save_coaching_programme,
    save_planning_batch,
    save_programme,
    sessions_frame,
    set_action_status,
    set_milestone_status,
    stakeholders_frame,
)
from scirocco_lab.store import open_store

D = dt.date


@pytest.fixture
def store(two_regions_store):
    store = two_regions_store
    save_assets(
        store,
        [
            AssetRecord(
                "shared-record-toolkit",
                "tool",
                "Shared care record toolkit",
                description="Templates for a record shared by health and social care",
                dimensions=("digital_infrastructure",),
                languages=("en", "nl"),
                region="northvale",
            ),
            AssetRecord(
                "pooled-budget-guide",
                "guideline",
                "Pooled budget guide",
                dimensions=("funding",),
                languages=("en",),
            ),
            AssetRecord(
                "expert-ig", "expert", "Information governance adviser", region="northvale"
            ),
        ],
    )
    return store


PROGRAMME = KnowledgeTransferProgramme(
    key="kt-ostermark",
    title="Digital know-how from Northvale",
    receiving_region="ostermark",
    dimensions=("digital_infrastructure",),
    transferring_region="northvale",
    stakeholders=(
        StakeholderRecord(
            "OSM-S01",
            "programme lead",
            "Health board",
            full_name="Ada Example",
            email="a@x.org",
        ),
    ),
    assets=("shared-record-toolkit",),
    activities=(
        ActivityRecord(
            key="visit",
            kind="study_visit",
            title="Study visit",
            start=D(2026, 6, 8),
            end=D(2026, 6, 9),
            visiting_experts=4,
        ),
        ActivityRecord("event", "event", "Regional event", D(2026, 9, 1), D(2026, 9, 1)),
    ),
    milestones=(MilestoneRecord("step-1", "Dimensions chosen", D(2026, 3, 2)),),
    start=D(2026, 3, 2),
    end=D(2026, 12, 18),
)


programme = partial(dataclasses.replace, PROGRAMME)


PLAN = ActionPlanRecord(
    key="ap-ostermark",
    title="Ostermark action plan",
    region="ostermark",
    actions=(
        ActionRecord(1, "digital_infrastructure", "Map data flows", D(2026, 4, 1), D(2026, 6, 30)),
        ActionRecord(2, "funding", "Pool a budget", D(2026, 5, 1), D(2026, 12, 1), priority="high"),
    ),
    programme="kt-ostermark",
)


plan = partial(dataclasses.replace, PLAN)


COACHING = CoachingProgrammeRecord(
    key="coaching-northvale",
    title="Neighbourhood coaching",
    region="northvale",
    start=D(2026, 1, 5),
    end=D(2026, 12, 18),
    coaches=(
        CoachRecord("COACH-01", "Improvement lead", "Trust", "cohort-2", full_name="Bo Sample"),
        CoachRecord("COACH-02"),
    ),
    teams=(TeamRecord("nb-north", "North"), TeamRecord("nb-south", "South")),
    assignments=(
        AssignmentRecord("COACH-01", "nb-north"),
        AssignmentRecord("COACH-02", "nb-south", "co-coach"),
    ),
    milestones=(MilestoneRecord("midpoint-review", "Mid-point review", D(2026, 6, 1)),),
    sessions=(CoachingSessionRecord(D(2026, 3, 3), "COACH-01", "nb-north", 90),),
)


coaching = partial(dataclasses.replace, COACHING)


@pytest.fixture
def kt_store(store):
    """The store with the knowledge-transfer programme saved."""
    save_programme(store, programme())
    return store


@pytest.fixture
def coaching_store(store):
    """The store with the coaching programme saved."""
    save_coaching_programme(store, coaching())
    return store


# --- knowledge-transfer programmes ----------------------------------------------------------


def test_programme_round_trips_without_identities(kt_store):
    loaded = load_programme(kt_store, "kt-ostermark")
    expected = programme(
        stakeholders=(StakeholderRecord("OSM-S01", "programme lead", "Health board"),)
    )
    assert loaded == expected


def test_programme_identities_only_when_asked(kt_store):
    assert (
        load_programme(kt_store, "kt-ostermark", include_identities=True).stakeholders[0].email
        == "a@x.org"
    )
    assert "full_name" not in stakeholders_frame(kt_store).columns
    assert stakeholders_frame(kt_store, include_identities=True)["full_name"].tolist() == [
        "Ada Example"
    ]


def test_end_before_start_writes_nothing(store):
    bad = dataclasses.replace(programme().activities[1], end=D(2026, 8, 1))
    with pytest.raises(DataValidationError, match="before it starts"):
        save_programme(store, programme(activities=(programme().activities[0], bad)))
    assert programmes_frame(store).empty
    assert activities_frame(store).empty
    assert milestones_frame(store).empty


def test_study_visit_over_the_limits_writes_nothing(store):
    visit = ActivityRecord(
        "visit",
        "study_visit",
        "Long visit",
        D(2026, 6, 8),
        D(2026, 6, 8) + dt.timedelta(days=MAX_STUDY_VISIT_DAYS),
        visiting_experts=MAX_STUDY_VISIT_EXPERTS + 1,
    )
    with pytest.raises(DataValidationError) as error:
        save_programme(store, programme(activities=(visit,)))
    assert {p.field for p in error.value.problems} == {"visiting_experts", "end"}
    assert programmes_frame(store).empty


def test_unknown_dimension_is_rejected_by_the_store(store):
    with pytest.raises(DataValidationError, match="unknown dimension"):
        save_programme(store, programme(dimensions=("telehealth",)))
    assert programmes_frame(store).empty


def test_saving_an_existing_key_is_a_duplicate_error(kt_store):
    with pytest.raises(DuplicatePlanningRecordError, match="replace=True") as error:
        save_programme(kt_store, programme(title="Changed"))
    assert isinstance(error.value, DuplicateRecordError)
    assert isinstance(error.value, DataValidationError)
    assert programmes_frame(kt_store)["title"].tolist() == ["Digital know-how from Northvale"]


def test_replace_replaces_the_programme_wholesale(kt_store):
    save_action_plan(kt_store, plan())
    summary = save_programme(
        kt_store, programme(title="Changed", activities=programme().activities[:1]), replace=True
    )
    assert summary.replaced
    assert programmes_frame(kt_store)["title"].tolist() == ["Changed"]
    assert activities_frame(kt_store)["activity"].tolist() == ["visit"]
    # The action plan still points at the replaced programme.
    assert action_plans_frame(kt_store)["programme"].tolist() == ["kt-ostermark"]


def test_frames_hold_dates_and_tuples(kt_store):
    activities = activities_frame(kt_store)
    assert all(type(value) is dt.date for value in activities["start"])
    assert activities["visiting_experts"].tolist() == [4, None]
    frame = programmes_frame(kt_store)
    assert frame.loc[0, "stakeholders"] == ("OSM-S01 (programme lead)",)
    assert frame.loc[0, "assets"] == ("shared-record-toolkit",)


def test_region_filter_matches_receiving_or_transferring(kt_store):
    assert len(programmes_frame(kt_store, region="northvale")) == 1
    assert len(activities_frame(kt_store, region="ostermark")) == 2


def test_unknown_programme_lists_the_known_ones(kt_store):
    with pytest.raises(NotFoundError, match="kt-ostermark"):
        load_programme(kt_store, "kt-missing")


# --- action plans ------------------------------------------------------------------------


def test_action_plan_round_trips(kt_store):
    save_action_plan(kt_store, plan())
    assert load_action_plan(kt_store, "ap-ostermark") == plan()
    frame = actions_frame(kt_store, region="ostermark")
    assert frame["position"].tolist() == [1, 2]
    assert action_plans_frame(kt_store).loc[0, "end"] == D(2026, 12, 1)


def test_action_plan_with_unknown_programme_writes_nothing(store):
    with pytest.raises(DataValidationError, match="unknown knowledge-transfer programme"):
        save_action_plan(store, plan())
    assert action_plans_frame(store).empty


def test_set_action_status_changes_one_action(store):
    save_action_plan(store, plan(programme=None))
    set_action_status(store, "ap-ostermark", 2, "in_progress")
    assert actions_frame(store)["status"].tolist() == ["planned", "in_progress"]


def test_set_action_status_refuses_unknown_status_and_position(store):
    save_action_plan(store, plan(programme=None))
    with pytest.raises(DataValidationError, match="unknown status"):
        set_action_status(store, "ap-ostermark", 1, "finished")
    with pytest.raises(NotFoundError, match="numbered 1, 2"):
        set_action_status(store, "ap-ostermark", 7, "done")


# --- coaching ----------------------------------------------------------------------------


def test_coaching_programme_round_trips(coaching_store):
    loaded = load_coaching_programme(coaching_store, "coaching-northvale")
    assert loaded == coaching(
        coaches=(
            CoachRecord("COACH-01", "Improvement lead", "Trust", "cohort-2"),
            CoachRecord("COACH-02"),
        )
    )
    assert coaches_frame(coaching_store)["coach"].tolist() == ["COACH-01", "COACH-02"]
    assert "full_name" not in coaches_frame(coaching_store).columns


def test_assignment_to_unknown_coach_writes_nothing(store):
    with pytest.raises(DataValidationError, match="unknown coach"):
        save_coaching_programme(
            store, coaching(assignments=(AssignmentRecord("COACH-09", "nb-north"),))
        )
    assert coaching_programmes_frame(store).empty


def test_log_coaching_session_adds_one_session(coaching_store):
    log_coaching_session(
        coaching_store,
        "coaching-northvale",
        CoachingSessionRecord(D(2026, 4, 7), "COACH-02", "nb-south"),
    )
    assert sessions_frame(coaching_store)["session_date"].tolist() == [D(2026, 3, 3), D(2026, 4, 7)]


def test_logging_the_same_session_twice_is_a_duplicate(coaching_store):
    with pytest.raises(DuplicatePlanningRecordError):
        log_coaching_session(coaching_store, "coaching-northvale", coaching().sessions[0])
    assert len(sessions_frame(coaching_store)) == 1


def test_session_with_unknown_team_writes_nothing(coaching_store):
    with pytest.raises(DataValidationError, match="not a team of this programme"):
        log_coaching_session(
            coaching_store,
            "coaching-northvale",
            CoachingSessionRecord(D(2026, 4, 7), "COACH-02", "nb-east"),
        )
    assert len(sessions_frame(coaching_store)) == 1


def test_midpoint_review_is_recorded(coaching_store):
    record_midpoint_review(
        coaching_store,
        "coaching-northvale",
        MidpointReview(D(2026, 6, 3), "On track", "Add a coach"),
    )
    row = coaching_programmes_frame(coaching_store).iloc[0]
    assert (row["midpoint_review_on"], row["midpoint_decisions"]) == (D(2026, 6, 3), "Add a coach")


def test_midpoint_review_outside_the_programme_is_rejected(coaching_store):
    with pytest.raises(DataValidationError, match="outside the programme"):
        record_midpoint_review(
            coaching_store, "coaching-northvale", MidpointReview(D(2027, 6, 3), "Late")
        )
    assert coaching_programmes_frame(coaching_store)["midpoint_review_on"].tolist() == [None]


def test_set_milestone_status_marks_it_done(coaching_store):
    set_milestone_status(
        coaching_store, "coaching-northvale", "midpoint-review", "done", done_on=D(2026, 6, 2)
    )
    row = milestones_frame(coaching_store).iloc[0]
    assert (row["programme_kind"], row["status"], row["done_on"]) == (
        "coaching",
        "done",
        D(2026, 6, 2),
    )


def test_programme_keys_are_shared_by_both_kinds(kt_store):
    with pytest.raises(DataValidationError, match="already used by a knowledge-transfer"):
        save_coaching_programme(kt_store, coaching(key="kt-ostermark"))


# --- batches -----------------------------------------------------------------------------


def test_batch_with_one_bad_record_writes_nothing(store):
    bad_plan = plan(region="atlantis")
    with pytest.raises(DataValidationError, match="unknown region"):
        save_planning_batch(
            store, PlanningBatch(programmes=(programme(),), action_plans=(bad_plan,))
        )
    assert programmes_frame(store).empty
    assert action_plans_frame(store).empty


def test_batch_of_duplicates_only_is_a_duplicate_error(kt_store):
    with pytest.raises(DuplicatePlanningRecordError, match="replace=True"):
        save_planning_batch(kt_store, PlanningBatch(programmes=(programme(),)))


def test_a_save_names_its_audit_row_by_action(store, new_audit_rows):
    with new_audit_rows(store) as rows:
        save_programme(store, programme(), action="import")
    assert [(row["action"], row["table_name"]) for row in rows] == [("import", "kt_programmes")]


@pytest.mark.parametrize(
    "save",
    [save_action_plan, save_assets, save_coaching_programme, save_planning_batch, save_programme],
)
def test_each_save_function_has_its_own_name_and_docstring(save):
    assert save.__name__ == save.__qualname__
    assert getattr(import_module(save.__module__), save.__name__) is save
    assert "transaction" in save.__doc__ or "all or none" in save.__doc__
    options = list(inspect.signature(save).parameters)[2:]
    assert options == ["replace", "instrument", "action"]


# --- catalogue ---------------------------------------------------------------------------


def test_search_by_text_needs_every_word(store):
    catalogue = assets_frame(store)
    assert search_assets(catalogue, text="shared RECORD")["asset"].tolist() == [
        "shared-record-toolkit"
    ]
    assert search_assets(catalogue, text="shared budget").empty


def test_search_by_dimension(store):
    found = search_assets(assets_frame(store), dimension="funding")
    assert found["asset"].tolist() == ["pooled-budget-guide"]


def test_search_by_kind_language_and_region(store):
    catalogue = assets_frame(store)
    assert search_assets(catalogue, kind="expert")["asset"].tolist() == ["expert-ig"]
    assert search_assets(catalogue, language="nl")["asset"].tolist() == ["shared-record-toolkit"]
    assert len(search_assets(catalogue, region="northvale")) == 2


def test_search_by_unknown_kind_is_an_error(store):
    with pytest.raises(ConfigurationError, match="guideline"):
        search_assets(assets_frame(store), kind="webinar")


def test_replacing_an_asset_keeps_programmes_that_selected_it(kt_store):
    asset = AssetRecord("shared-record-toolkit", "tool", "Shared record toolkit, 2nd edition")
    save_assets(kt_store, [asset], replace=True)
    assert programmes_frame(kt_store).loc[0, "assets"] == ("shared-record-toolkit",)
    assert "2nd edition" in assets_frame(kt_store).set_index("asset").loc[asset.key, "title"]


# --- demo --------------------------------------------------------------------------------


@pytest.fixture
def demo_store():
    store = open_store("sqlite://")
    write_batch(store, generate_demo())
    return store


def test_demo_is_written_once(demo_store):
    assert seed_planning_demo(demo_store).startswith("synthetic planning demo")
    assert has_planning_records(demo_store)
    assert seed_planning_demo(demo_store) is None


def test_demo_is_deterministic(demo_store):
    other = open_store("sqlite://")
    write_batch(other, generate_demo())
    assert demo_planning_batch(demo_store) == demo_planning_batch(other)


def test_demo_needs_demo_regions():
    store = open_store("sqlite://")
    write_batch(store, RecordBatch(subjects=(SubjectRecord("elsewhere", "Elsewhere"),)))
    assert seed_planning_demo(store) is None
    assert not has_planning_records(store)


@pytest.fixture(scope="module")
def seeded_demo_store(demo_store_url):
    return open_store(demo_store_url, create=False)


def test_demo_records_have_the_promised_shape(seeded_demo_store):
    demo_store = seeded_demo_store
    assert 20 <= len(assets_frame(demo_store)) <= 30
    programmes = programmes_frame(demo_store)
    assert len(programmes) == 3 and programmes["synthetic"].all()
    assert (programmes["receiving_region"] != programmes["transferring_region"]).all()
    activities = activities_frame(demo_store)
    assert activities.groupby("programme").size().between(3, 5).all()
    visits = activities[activities["kind"] == "study_visit"]
    assert len(visits) == 3
    assert (visits["visiting_experts"] <= MAX_STUDY_VISIT_EXPERTS).all()
    assert all(
        (end - start).days + 1 <= 2
        for start, end in zip(visits["start"], visits["end"], strict=True)
    )
    assert actions_frame(demo_store).groupby("plan").size().between(6, 10).all()
    assert actions_frame(demo_store)["status"].nunique() >= 3
    coaching = coaching_programmes_frame(demo_store)
    assert len(coaching) == 1 and coaching.loc[0, "midpoint_summary"]
    assert 8 <= len(coaches_frame(demo_store)) <= 12
    assert 15 <= len(sessions_frame(demo_store)) <= 25
    kinds = milestones_frame(demo_store).groupby("programme_kind").size()
    assert kinds.to_dict() == {"coaching": 11, "knowledge_transfer": 24}


def test_demo_frames_show_no_identities(seeded_demo_store):
    demo_store = seeded_demo_store
    frames = [
        stakeholders_frame(demo_store),
        coaches_frame(demo_store),
        programmes_frame(demo_store),
    ]
    text = pd.concat([f.astype(str) for f in frames]).to_csv()
    assert "@example.org" not in text
