"""The facilitator's live view: who submitted, who drafts, who has not started, spread."""

import pytest

from scirocco_lab.assessment.invitations import create_invitations
from scirocco_lab.assessment.progress import workshop_status
from scirocco_lab.assessment.records import AssessorRecord, RatingRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.capture import FormTarget, build_assessment, save_draft, submit_assessment
from scirocco_lab.capture.facilitator import facilitator_page
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store

EXCHANGE = load_instrument()
KEYS = EXCHANGE.dimension_keys


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "store.db"))
    add_subjects(store, [SubjectRecord("northvale", "North <vale>")])
    add_assessors(store, [AssessorRecord(f"NV-0{i}") for i in range(1, 6)])
    create_invitations(store, "northvale", 1, assessors=[f"NV-0{i}" for i in range(1, 6)])
    target = FormTarget("HS", "northvale", EXCHANGE.id)
    for code, funding in (("NV-01", 1), ("NV-02", 2), ("NV-03", 4)):
        answers = {k: RatingRecord(k, level=3) for k in KEYS}
        answers["funding"] = RatingRecord("funding", level=funding)
        submit_assessment(store, build_assessment(target, code, answers), instrument=EXCHANGE)
    draft = {KEYS[0]: RatingRecord(KEYS[0], level=2), KEYS[1]: RatingRecord(KEYS[1], True)}
    save_draft(store, build_assessment(target, "NV-04", draft))
    return store


def test_status_splits_submitted_drafting_and_not_started(store):
    status = workshop_status(store, "northvale", round=1)
    assert status.submitted == ("NV-01", "NV-02", "NV-03")
    assert [(d.assessor, d.answered) for d in status.drafts] == [("NV-04", 2)]
    assert status.not_started == ("NV-05",)


def test_spread_per_dimension_covers_submitted_levels_only(store):
    spread = workshop_status(store, "northvale", round=1).spread.set_index("dimension")
    funding = spread.loc[next(i for i in spread.index if i.endswith("Funding"))]
    assert (funding["n"], funding["min"], funding["median"], funding["max"]) == (3, 1, 2, 4)
    assert funding["iqr"] == pytest.approx(1.5)


def test_page_refreshes_itself_and_escapes_names(store):
    page = facilitator_page(workshop_status(store, "northvale", round=1), refresh_seconds=7)
    assert "content='7'" in page
    assert "North &lt;vale&gt;" in page and "<vale>" not in page
