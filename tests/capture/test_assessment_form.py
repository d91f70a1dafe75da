"""Capture widgets without a browser: set values, click, and check what the store holds."""

import asyncio
import threading

import pytest

from scirocco_lab.assessment.invitations import create_invitations, revoke_invitations
from scirocco_lab.assessment.records import AssessorRecord, RatingRecord, SubjectRecord
from scirocco_lab.assessment.store import (
    add_assessors,
    add_subjects,
    assessments_frame,
    ratings_frame,
)
from scirocco_lab.capture import (
    DONT_KNOW,
    AssessmentForm,
    AssessmentLockedError,
    ConsensusWorkshop,
    DraftConflictError,
    FormTarget,
    TwinningFeature,
    TwinningMeeting,
    assessment_form_from_environment,
    build_assessment,
    form_settings,
    load_assessment,
    load_twinning_features,
    save_draft,
    save_twinning_features,
    submit_assessment,
)
from scirocco_lab.capture.cookies import COOKIE_NAME
from scirocco_lab.capture.serve import ServeSettings, absolute_store_url, voila_environment
from scirocco_lab.capture.views import level_bar_chart, message_html
from scirocco_lab.errors import ConfigurationError, DataValidationError, NotFoundError
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store

EXCHANGE = load_instrument()
KEYS = EXCHANGE.dimension_keys
CODES = [f"NV-0{i}" for i in range(1, 6)]


def seed(store, codes=CODES):
    add_subjects(
        store,
        [
            SubjectRecord("northvale", "Northvale"),
            SubjectRecord("nv-tele", "Tele <care>", kind="good_practice", owner="northvale"),
        ],
    )
    add_assessors(store, [AssessorRecord(code) for code in codes])
    return store


@pytest.fixture
def store(tmp_path):
    return seed(open_store(str(tmp_path / "store.db")))


WORKSHOP = [f"NV-{i:02d}" for i in range(1, 21)]


@pytest.fixture
def workshop_url(store_url):
    """A store on each backend (SQLite file, PostgreSQL) with twenty participants."""
    seed(open_store(store_url), WORKSHOP)
    return store_url


def invite(store, subject="northvale", code="NV-01", round=1):
    """A fresh invitation token for ``code`` (the only way a participant signs in)."""
    return create_invitations(store, subject, round, assessors=[code])[0].token


def signed_in(store, subject="northvale", code="NV-01", **kwargs):
    form = AssessmentForm(store, subject, **kwargs)
    assert form.sign_in(invite(store, subject, code, kwargs.get("round", 1)))
    return form


def answer_all(form, level=2):
    for index, key in enumerate(KEYS):
        assert form.answer(key, level=None if index == 0 else level, dont_know=index == 0)


def snapshot(store):
    """Everything the store holds about assessments, to prove a refusal changed nothing."""
    frames = (assessments_frame(store), ratings_frame(store, kind=None, status=None))
    # As text, so that NaN (don't know) compares equal to NaN.
    return tuple(f.astype(str).to_dict("records") for f in frames)


# --- individual form -----------------------------------------------------------------------


def test_unknown_code_shows_message_and_writes_nothing(store):
    form = AssessmentForm(store, "northvale")
    form.code_input.value = "NV-99"
    form.start_button.click()
    assert "sign-in link is not valid" in form.message.value
    assert form.form_box.layout.display == "none"
    assert assessments_frame(store).empty


def test_a_pseudonym_alone_never_signs_in(store):
    invite(store)  # NV-01 has an invitation, but its pseudonym is not it
    form = AssessmentForm(store, "northvale")
    assert not form.sign_in("NV-01")
    assert form.assessor is None


def test_invitation_for_another_round_does_not_open_this_form(store):
    form = AssessmentForm(store, "northvale", round=1)
    assert not form.sign_in(invite(store, round=2))
    assert "round 2, not round 1" in form.message.value


def test_second_tab_saving_over_a_newer_draft_is_told_and_stops(store):
    first = signed_in(store)
    second = signed_in(store)
    first.level_choice.value = 4
    before = snapshot(store)
    second.level_choice.value = 1
    assert "changed in another tab" in second.message.value
    assert second.locked
    assert snapshot(store) == before
    first.justification.value = "still mine"
    assert "Draft saved" in first.message.value


def test_a_revoked_invitation_stops_an_open_form_from_saving(store):
    form = signed_in(store)
    form.level_choice.value = 2
    before = snapshot(store)
    revoke_invitations(store, subject="northvale", assessor="NV-01")
    form.level_choice.value = 3
    assert "withdrawn" in form.message.value and form.locked
    assert snapshot(store) == before


def test_stale_revision_is_refused_by_the_store(store):
    target = FormTarget("HS", "northvale", EXCHANGE.id)
    record = build_assessment(target, "NV-01", {KEYS[0]: RatingRecord(KEYS[0], level=2)})
    assert save_draft(store, record, expected_revision=0).revision == 1
    before = snapshot(store)
    with pytest.raises(DraftConflictError):
        save_draft(store, record, expected_revision=0)
    assert snapshot(store) == before


def test_typing_is_saved_after_a_pause_not_per_keystroke(store):
    form = signed_in(store, debounce_seconds=0.05)
    form.level_choice.value = 2
    revision_after_click = form.revision

    async def type_then_wait():
        for text in ("E", "Ev", "Evidence"):
            form.justification.value = text
        typed = form.revision
        await asyncio.sleep(0.3)
        return typed

    assert asyncio.run(type_then_wait()) == revision_after_click
    assert form.revision == revision_after_click + 1
    stored = ratings_frame(store, status=None)
    assert stored["justification"].tolist() == ["Evidence"]


def test_pending_typing_is_saved_before_moving_on(store):
    form = signed_in(store, debounce_seconds=30)

    async def type_and_move():
        form.level_choice.value = 3
        form.justification.value = "typed just now"
        form.next_button.click()

    asyncio.run(type_and_move())
    stored = ratings_frame(store, status=None)
    assert stored["justification"].tolist() == ["typed just now"]


def test_choosing_a_level_saves_a_draft(store):
    form = signed_in(store)
    form.level_choice.value = 3
    form.justification.value = "Plan approved in 2024"
    form.confidence.value = "high"
    stored = ratings_frame(store, status=None)
    assert stored[["dimension", "level", "justification", "confidence", "status"]].to_dict(
        "records"
    ) == [
        {
            "dimension": KEYS[0],
            "level": 3.0,
            "justification": "Plan approved in 2024",
            "confidence": "high",
            "status": "draft",
        }
    ]


def test_navigation_and_progress_follow_answers(store):
    form = signed_in(store)
    form.level_choice.value = 1
    form.next_button.click()
    form.level_choice.value = DONT_KNOW
    assert form.position == 1
    assert form.progress_bar.value == 2
    assert "2 of 12" in form.progress_text.value


def test_resume_shows_the_stored_draft(store):
    first = signed_in(store)
    first.level_choice.value = 4
    first.justification.value = "Roadmap agreed"
    resumed = signed_in(store)
    resumed.go_to(0)
    assert "Resumed your draft" in resumed.message.value
    assert (resumed.level_choice.value, resumed.justification.value) == (4, "Roadmap agreed")


def test_incomplete_submit_names_missing_dimensions_and_keeps_draft(store):
    form = signed_in(store)
    form.level_choice.value = 2
    form.submit_button.click()
    assert "Not submitted" in form.message.value
    assert "Structure &amp; Governance: not answered yet" in form.message.value
    assert assessments_frame(store)["status"].tolist() == ["draft"]


def test_complete_submit_stores_submitted_assessment_with_dont_know(store):
    form = signed_in(store)
    answer_all(form)
    assert form.submit()
    stored = ratings_frame(store)
    assert len(stored) == len(KEYS)
    assert stored.set_index("dimension").loc[KEYS[0], "dont_know"]
    assert form.locked and form.submit_button.disabled


def test_submitted_assessment_reopens_locked(store):
    answer_all(form := signed_in(store))
    form.submit()
    again = signed_in(store)
    assert again.locked and again.level_choice.disabled
    assert "already submitted" in again.message.value


def test_second_submit_is_refused_and_store_unchanged(store):
    answer_all(form := signed_in(store))
    form.submit()
    before = snapshot(store)
    record = build_assessment(
        form.target, "NV-01", {k: RatingRecord(k, level=5) for k in KEYS}, instrument=EXCHANGE
    )
    with pytest.raises(AssessmentLockedError, match="already submitted"):
        submit_assessment(store, record, instrument=EXCHANGE)
    with pytest.raises(AssessmentLockedError):
        save_draft(store, record, instrument=EXCHANGE)
    assert snapshot(store) == before


def test_edit_in_a_stale_tab_after_submit_is_refused(store):
    stale = signed_in(store)
    answer_all(form := signed_in(store))
    form.submit()
    before = snapshot(store)
    stale.level_choice.value = 0
    assert "already submitted" in stale.message.value
    assert snapshot(store) == before


@pytest.fixture
def drafted(store):
    """A signed-in form with a draft stored (one level chosen), and the store as it was then."""
    form = signed_in(store)
    form.level_choice.value = 2
    return form, snapshot(store)


def test_level_outside_instrument_is_refused_with_message(store, drafted):
    form, before = drafted
    assert not form.answer(KEYS[1], level=9)
    assert "level outside the scale 0..5" in form.message.value
    assert snapshot(store) == before


def test_too_long_justification_is_refused_with_message(store, drafted):
    form, before = drafted
    form.justification.value = "x" * 5000
    assert "text longer than 4000 characters" in form.message.value
    assert snapshot(store) == before


def test_good_practice_form_records_features(store):
    form = signed_in(store, subject="nv-tele")
    assert form.target.kind == "GP" and form.features in form.form_box.children
    form.level_choice.value = 3
    form.features.value = "Shared care record\n\nCase manager role\n"
    stored = ratings_frame(store, kind="GP", status=None)
    assert stored["features"].tolist() == [("Shared care record", "Case manager role")]


def test_user_text_is_escaped_in_messages():
    assert "<script>" not in message_html("<script>alert(1)</script>", "error", ["<b>"])


def test_twenty_simultaneous_submits_all_land(workshop_url):
    target = FormTarget("HS", "northvale", EXCHANGE.id)
    barrier = threading.Barrier(len(WORKSHOP))
    errors = []

    def participant(code):
        own_store = open_store(workshop_url)  # one engine each, as one Voila kernel would have
        record = build_assessment(
            target, code, {k: RatingRecord(k, level=3) for k in KEYS}, instrument=EXCHANGE
        )
        barrier.wait()
        try:
            submit_assessment(own_store, record, instrument=EXCHANGE)
        except Exception as exc:  # collected, the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=participant, args=(code,)) for code in WORKSHOP]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = open_store(workshop_url)
    stored = assessments_frame(store, status="submitted")
    assert sorted(stored["assessor"]) == WORKSHOP
    assert len(ratings_frame(store)) == len(WORKSHOP) * len(KEYS)


def test_same_participant_submitting_twice_at_once_keeps_one(workshop_url):
    url = workshop_url
    target = FormTarget("HS", "northvale", EXCHANGE.id)
    barrier = threading.Barrier(2)
    outcomes = []

    def tab(level):
        record = build_assessment(
            target, "NV-01", {k: RatingRecord(k, level=level) for k in KEYS}, instrument=EXCHANGE
        )
        barrier.wait()
        try:
            submit_assessment(open_store(url), record, instrument=EXCHANGE)
            outcomes.append(level)
        except AssessmentLockedError:
            outcomes.append("locked")

    threads = [threading.Thread(target=tab, args=(level,)) for level in (1, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("locked") == 1
    winner = next(o for o in outcomes if o != "locked")
    assert set(ratings_frame(open_store(url))["level"]) == {float(winner)}


def test_settings_ignore_the_link_and_come_from_serve():
    settings = form_settings(
        {
            "QUERY_STRING": "subject=nv-tele&round=3&instrument=/etc/passwd",
            "SCIROCCO_LAB_CAPTURE_SUBJECT": "northvale",
        }
    )
    assert settings == form_settings({"SCIROCCO_LAB_CAPTURE_SUBJECT": "northvale"})
    assert (settings.subject, settings.round, settings.instrument) == (
        "northvale",
        None,
        "scirocco-exchange",
    )
    with pytest.raises(ConfigurationError, match="round"):
        form_settings({"SCIROCCO_LAB_CAPTURE_ROUND": "zero"})


def test_web_app_without_an_invitation_cookie_explains_the_fix(store):
    page = assessment_form_from_environment(
        store, {"QUERY_STRING": "code=NV-01", "VOILA_REQUEST_URL": "http://127.0.0.1:8866/"}
    )
    assert "open the personal link" in page.value


def test_in_a_notebook_a_pasted_invitation_opens_the_form(store):
    box = assessment_form_from_environment(store, {})
    code, start = box.children[1].children
    code.value = "NV-01"
    start.click()
    assert "not valid" in box.children[2].value
    code.value = f"http://127.0.0.1:8866/login?invite={invite(store, code='NV-03')}"
    start.click()
    [form_widget] = box.children
    who = form_widget.children[2].children[0]  # title, sign-in box, form box: who first
    assert "Participant <b>NV-03</b>" in who.value


def test_web_app_opens_the_form_of_the_invitation_in_the_cookie(store):
    token = invite(store, code="NV-02", round=2)
    form = assessment_form_from_environment(
        store, {"HTTP_COOKIE": f"_xsrf=x; {COOKIE_NAME}={token}", "QUERY_STRING": "round=1"}
    )
    assert (form.assessor, form.target.round) == ("NV-02", 2)


def test_web_app_refuses_an_invitation_for_another_subject(store):
    token = invite(store, subject="nv-tele")
    page = assessment_form_from_environment(
        store,
        {"HTTP_COOKIE": f"{COOKIE_NAME}={token}", "SCIROCCO_LAB_CAPTURE_SUBJECT": "northvale"},
    )
    assert "another region or good practice" in page.value


def test_serve_passes_an_absolute_store_and_choices_to_kernels(tmp_path):
    settings = ServeSettings(notebook=tmp_path / "f.ipynb", store="data/x.db", round=2)
    environment = voila_environment(settings, base={})
    assert environment["SCIROCCO_LAB_STORE"] == absolute_store_url("data/x.db")
    assert environment["SCIROCCO_LAB_STORE"].startswith("sqlite:////")
    assert environment["SCIROCCO_LAB_CAPTURE_ROUND"] == "2"


# --- consensus workshop --------------------------------------------------------------------


def submit_panel(store, round_number, levels_for_funding):
    target = FormTarget("HS", "northvale", EXCHANGE.id, round=round_number)
    for code, funding in zip(CODES, levels_for_funding, strict=True):
        answers = {k: RatingRecord(k, level=3) for k in KEYS}
        answers["funding"] = RatingRecord("funding", level=funding)
        submit_assessment(store, build_assessment(target, code, answers), instrument=EXCHANGE)


def test_workshop_flags_disagreement(store):
    submit_panel(store, 1, [0, 0, 5, 5, 5])
    workshop = ConsensusWorkshop(store, "northvale")
    flagged = workshop.summary.set_index("dimension")["disagree"]
    assert flagged["funding"] and not flagged["readiness_to_change"]
    assert "disagree" in workshop.table.value


def test_workshop_lists_every_round(store):
    submit_panel(store, 1, [1, 1, 1, 1, 1])
    submit_panel(store, 2, [2, 2, 2, 2, 2])
    workshop = ConsensusWorkshop(store, "northvale")
    assert [value for _label, value in workshop.round_picker.options] == [1, 2]
    assert workshop.round == 2
    workshop.round_picker.value = 1
    assert workshop.summary.set_index("dimension").loc["funding", "median"] == 1


def test_workshop_records_complete_consensus(store):
    submit_panel(store, 1, [2, 2, 3, 3, 3])
    workshop = ConsensusWorkshop(store, "northvale", round=1)
    workshop.dimension_picker.value = "funding"
    workshop.level_choice.value = 3
    workshop.justification.value = "Agreed after discussion"
    assert not workshop.record()
    assert "agree on these first" in workshop.message.value
    for key in KEYS:
        workshop.agree(key, level=3, justification="Agreed after discussion")
    assert workshop.record()
    stored = load_assessment(store, workshop.target, None)
    assert stored.status == "submitted" and len(stored.ratings) == len(KEYS)


# --- twinning meeting ----------------------------------------------------------------------


@pytest.fixture
def twinning_store(store):
    hs = FormTarget("HS", "northvale", EXCHANGE.id, mode="consensus")
    gp = FormTarget("GP", "nv-tele", EXCHANGE.id, mode="consensus")
    submit_assessment(
        store, build_assessment(hs, None, {k: RatingRecord(k, level=2) for k in KEYS})
    )
    gp_answers = {k: RatingRecord(k, level=4) for k in KEYS}
    gp_answers["funding"] = RatingRecord("funding", level=4, features=("<b>Budget</b> line",))
    submit_assessment(store, build_assessment(gp, None, gp_answers))
    return store


def test_meeting_shows_both_assessments_side_by_side(twinning_store):
    meeting = TwinningMeeting(twinning_store)
    row = meeting.comparison.set_index("dimension").loc["funding"]
    assert (row["receiving_level"], row["reference_level"], row["gap"]) == (2, 4, 2)
    assert "&lt;b&gt;Budget&lt;/b&gt; line" in meeting.table.value


def test_meeting_rows_are_added_removed_saved_and_reopened(twinning_store):
    meeting = TwinningMeeting(twinning_store)
    meeting.dimension_picker.value = "funding"
    meeting.copy_button.click()
    meeting.add_button.click()
    name, partial, feasibility, adaptation, _remove = meeting.rows_box.children[1].children
    name.value, partial.value, feasibility.value = "Joint budget", True, "difficult"
    adaptation.value = "Needs a regional law"
    meeting.add_feature("funding", "Temporary row")
    meeting.rows_box.children[2].children[4].click()
    assert meeting.save()
    reopened = TwinningMeeting(twinning_store)
    assert reopened.features == [
        TwinningFeature("funding", "<b>Budget</b> line"),
        TwinningFeature("funding", "Joint budget", True, "difficult", "Needs a regional law"),
    ]
    assert "Reopened" in reopened.message.value


def test_meeting_row_without_name_is_refused(twinning_store):
    meeting = TwinningMeeting(twinning_store)
    meeting.add_feature("funding", "Kept")
    assert meeting.save()
    meeting.add_feature("funding", "  ")
    assert not meeting.save()
    assert "a feature needs a name" in meeting.message.value
    stored = load_twinning_features(twinning_store, meeting.receiving, meeting.reference)
    assert stored == (TwinningFeature("funding", "Kept"),)


def test_meeting_needs_stored_assessments(store):
    with pytest.raises(NotFoundError, match="not in the store"):
        save_twinning_features(store, "HS|x", "GP|y", [], EXCHANGE)


def test_bad_feasibility_is_refused(twinning_store):
    meeting = TwinningMeeting(twinning_store)
    with pytest.raises(DataValidationError, match="unknown feasibility"):
        save_twinning_features(
            twinning_store,
            meeting.receiving,
            meeting.reference,
            [TwinningFeature("funding", "X", feasibility="maybe")],
            EXCHANGE,
        )


def test_meeting_feasibility_names_the_region_and_practice(twinning_store):
    from scirocco_lab.comparison.meetings import meeting_feasibility

    meeting = TwinningMeeting(twinning_store)
    save_twinning_features(
        twinning_store,
        meeting.receiving,
        meeting.reference,
        [TwinningFeature("funding", "Joint budget", feasibility="not feasible", adaptation="law")],
        EXCHANGE,
    )
    rows = meeting_feasibility(twinning_store)
    assert rows[["region", "practice", "dimension", "feature", "feasibility"]].values.tolist() == [
        ["northvale", "nv-tele", "funding", "Joint budget", "not feasible"]
    ]


def test_bar_chart_has_a_row_per_level_and_dont_know():
    chart = level_bar_chart({0: 1, 3: 4}, (0, 5), dont_know=2)
    assert chart.count("height:11px") == 7


def test_form_marks_a_synthetic_subject_as_demo_data(store):
    add_subjects(store, [SubjectRecord("demo-region", "Demo region", synthetic=True)])
    assert "Synthetic demo data" in AssessmentForm(store, "demo-region").title.value


def test_form_for_real_subject_has_no_demo_mark(store):
    assert "Synthetic demo data" not in AssessmentForm(store, "northvale").title.value
