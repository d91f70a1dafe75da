"""Invitations and live progress from the consensus-workshop notebook."""

import pytest

from scirocco_lab.assessment.invitations import invitations_frame
from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.capture.invitation_panel import InvitationPanel, WorkshopProgress
from scirocco_lab.store import open_store


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "store.db"))
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    add_assessors(store, [AssessorRecord("NV-01"), AssessorRecord("NV-02")])
    return store


def test_panel_writes_the_sheets_and_shows_no_token(store, tmp_path):
    panel = InvitationPanel(store, "northvale", round=2)
    panel.assessors.value = "NV-01\nNV-02\n"
    panel.out_dir.value = str(tmp_path / "links")
    panel.create_button.click()
    [csv_path] = (tmp_path / "links").glob("*.csv")
    tokens = [line.split("invite=")[1].split(",")[0] for line in csv_path.read_text().split()[1:]]
    shown = panel.message.value + panel.table.value
    assert len(tokens) == 2 and not any(token in shown for token in tokens)
    assert panel.table.value.count("unused") == 2


def test_panel_revokes_by_id(store, tmp_path):
    panel = InvitationPanel(store, "northvale", round=1)
    panel.count.value = 2
    panel.out_dir.value = str(tmp_path)
    panel.create()
    first = int(invitations_frame(store)["id"].iloc[0])
    panel.revoke_ids.value = str(first)
    assert panel.revoke() == 1
    assert invitations_frame(store)["status"].tolist() == ["revoked", "unused"]


def test_panel_reports_a_bad_expiry_and_creates_nothing(store, tmp_path):
    panel = InvitationPanel(store, "northvale", round=1)
    panel.count.value = 1
    panel.expires.value = "whenever"
    assert not panel.create()
    assert "whenever&#x27; is neither a duration" in panel.message.value
    assert invitations_frame(store).empty


def test_progress_lists_the_invited_who_have_not_started(store, tmp_path):
    panel = InvitationPanel(store, "northvale", round=1)
    panel.assessors.value = "NV-02"
    panel.out_dir.value = str(tmp_path)
    panel.create()
    progress = WorkshopProgress(store, "northvale", round=1)
    assert "Invited, not started (1)" in progress.view.value
    assert "http-equiv" not in progress.view.value
